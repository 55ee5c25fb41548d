namespace NetDsl.Samples.Networks;

/// <summary>torchvision's BasicBlock (ResNet-18/34): two 3x3 convs, the stride on the first, the projection
/// <c>downsample</c> when the stride or the channels change.</summary>
[Block]
public partial class BasicBlock
{
    [Param] int planes;
    [Param(FirstRepeatOnly = true)] int stride = 1;

    [Conv("planes", Kernel = 3, Stride = "stride", Padding = 1, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu1;
    [Conv("planes", Kernel = 3, Padding = 1, Bias = false)] Stage conv2;
    [BatchNorm] Stage bn2;
    [Shortcut] Stage downsample;
    [ReLU(Inplace = true)] Stage relu;
}

/// <summary>torchvision's <c>resnet18</c>: BasicBlock, [2, 2, 2, 2]; 11,689,512 parameters.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class ResNet18
{
    [Param] int num_classes = 1000;

    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use(typeof(BasicBlock), 64, Repeat = 2)] Stage layer1;
    [Use(typeof(BasicBlock), 128, 2, Repeat = 2)] Stage layer2;
    [Use(typeof(BasicBlock), 256, 2, Repeat = 2)] Stage layer3;
    [Use(typeof(BasicBlock), 512, 2, Repeat = 2)] Stage layer4;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear("num_classes")] Stage fc;
}

/// <summary>torchvision's <c>resnet34</c>: BasicBlock, [3, 4, 6, 3]; 21,797,672 parameters.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class ResNet34
{
    [Param] int num_classes = 1000;

    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use(typeof(BasicBlock), 64, Repeat = 3)] Stage layer1;
    [Use(typeof(BasicBlock), 128, 2, Repeat = 4)] Stage layer2;
    [Use(typeof(BasicBlock), 256, 2, Repeat = 6)] Stage layer3;
    [Use(typeof(BasicBlock), 512, 2, Repeat = 3)] Stage layer4;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear("num_classes")] Stage fc;
}

/// <summary>torchvision's <c>resnet101</c>: Bottleneck, [3, 4, 23, 3]; 44,549,160 parameters.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class ResNet101
{
    [Param] int num_classes = 1000;

    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use(typeof(Bottleneck), 64, Repeat = 3)] Stage layer1;
    [Use(typeof(Bottleneck), 128, 2, Repeat = 4)] Stage layer2;
    [Use(typeof(Bottleneck), 256, 2, Repeat = 23)] Stage layer3;
    [Use(typeof(Bottleneck), 512, 2, Repeat = 3)] Stage layer4;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear("num_classes")] Stage fc;
}

/// <summary>torchvision's <c>resnet152</c>: Bottleneck, [3, 8, 36, 3]; 60,192,808 parameters.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class ResNet152
{
    [Param] int num_classes = 1000;

    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use(typeof(Bottleneck), 64, Repeat = 3)] Stage layer1;
    [Use(typeof(Bottleneck), 128, 2, Repeat = 8)] Stage layer2;
    [Use(typeof(Bottleneck), 256, 2, Repeat = 36)] Stage layer3;
    [Use(typeof(Bottleneck), 512, 2, Repeat = 3)] Stage layer4;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear("num_classes")] Stage fc;
}

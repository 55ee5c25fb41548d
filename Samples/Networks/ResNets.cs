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

/// <summary>torchvision's <c>resnet18</c>: BasicBlock, [2, 2, 2, 2]; 11,689,512 parameters. ResNet-50's body.</summary>
[Network(Like = typeof(ResNet50), Height = 0, Width = 0)]
public partial class ResNet18
{
    [Param] System.Type block = typeof(BasicBlock);
    [Param] int layers1 = 2, layers2 = 2, layers3 = 2, layers4 = 2;
}

/// <summary>torchvision's <c>resnet34</c>: BasicBlock, [3, 4, 6, 3]; 21,797,672 parameters.</summary>
[Network(Like = typeof(ResNet50), Height = 0, Width = 0)]
public partial class ResNet34
{
    [Param] System.Type block = typeof(BasicBlock);
}

/// <summary>torchvision's <c>resnet101</c>: Bottleneck, [3, 4, 23, 3]; 44,549,160 parameters.</summary>
[Network(Like = typeof(ResNet50), Height = 0, Width = 0)]
public partial class ResNet101
{
    [Param] int layers3 = 23;
}

/// <summary>torchvision's <c>resnet152</c>: Bottleneck, [3, 8, 36, 3]; 60,192,808 parameters.</summary>
[Network(Like = typeof(ResNet50), Height = 0, Width = 0)]
public partial class ResNet152
{
    [Param] int layers2 = 8, layers3 = 36;
}

namespace NetDsl.Samples.Networks;

/// <summary>
/// torchvision's Bottleneck (ResNet v1.5: the stride sits on the 3x3 conv, which also takes the dilation). Field
/// names are torchvision's, so the state_dict keys match: conv1, bn1, conv2, bn2, conv3, bn3, downsample.0, downsample.1.
/// </summary>
[Block]
public partial class Bottleneck
{
    [Param] int planes;
    [Param(FirstRepeatOnly = true)] int stride = 1;
    [Param] int dilation = 1;

    [Conv("planes", Kernel = 1, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu1;
    [Conv("planes", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation", Bias = false)] Stage conv2;
    [BatchNorm] Stage bn2;
    [ReLU(Inplace = true)] Stage relu2;
    [Conv("planes * 4", Kernel = 1, Bias = false)] Stage conv3;
    [BatchNorm] Stage bn3;
    // Adds the block's input; projected by a 1x1 conv + BN (named "downsample") when stride or channels change.
    [Shortcut] Stage downsample;
    [ReLU(Inplace = true)] Stage relu;
}

/// <summary>
/// ResNet-50 as torchvision builds it: 25,557,032 parameters, the same state_dict keys; <c>num_classes</c> is a
/// constructor parameter (<c>new ResNet50(num_classes: 10)</c>, checked before anything is built). It is also the body of
/// every depth, as torchvision's <c>ResNet(block, layers)</c>: ResNet-18, 34, 101 and 152 are variants
/// (<c>[Network(Like = typeof(ResNet50))]</c>, Samples/Networks/ResNets.cs) that set <c>block</c> and <c>layers1..4</c>.
/// </summary>
[Network(InChannels = 3, Height = 224, Width = 224)]
public partial class ResNet50
{
    [Param] int num_classes = 1000;
    // Fixed by each declaration (they decide the modules): torchvision's block and layers arguments.
    [Param] System.Type block = typeof(Bottleneck);
    [Param] int layers1 = 3, layers2 = 4, layers3 = 6, layers4 = 3;

    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use("block", 64, Repeat = "layers1")] Stage layer1;
    [Use("block", 128, 2, Repeat = "layers2")] Stage layer2;
    [Use("block", 256, 2, Repeat = "layers3")] Stage layer3;
    [Use("block", 512, 2, Repeat = "layers4")] Stage layer4;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear("num_classes")] Stage fc;
}

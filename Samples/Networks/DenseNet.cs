namespace NetDsl.Samples.Networks;

/// <summary>
/// torchvision's <c>_DenseLayer</c> (bottleneck 1x1 to bn_size·growth, then 3x3 to growth) with its block's concat:
/// the new features go after the earlier ones (<c>torch.cat([x, new_features], 1)</c>), so the reference's weights land on
/// the same channels.
/// </summary>
[Block]
public partial class DenseLayer
{
    [Param] int growth_rate = 32;
    [Param] int bn_size = 4;

    [BatchNorm] Stage norm1;
    [ReLU(Inplace = true)] Stage relu1;
    [Conv("bn_size * growth_rate", Kernel = 1, Bias = false)] Stage conv1;
    [BatchNorm] Stage norm2;
    [ReLU(Inplace = true)] Stage relu2;
    [Conv("growth_rate", Kernel = 3, Padding = 1, Bias = false)] Stage conv2;
    [Concat(From.Input, EarlierFirst = true)] Stage concat;
}

/// <summary>torchvision's <c>_Transition</c>: BN, ReLU, 1x1 conv to half the channels (<c>num_features // 2</c>), 2x2
/// average pooling.</summary>
[Block]
public partial class DenseTransition
{
    [BatchNorm] Stage norm;
    [ReLU(Inplace = true)] Stage relu;
    [Conv("in_channels / 2", Kernel = 1, Bias = false)] Stage conv;
    [AvgPool(2, Stride = 2)] Stage pool;
}

/// <summary>
/// DenseNet's <c>features</c> with torchvision's names for any <c>block_config</c>: conv0 .. pool0, denseblock1
/// (denselayer1 .. b1, built by a loop: each layer's input grows by the growth rate), transition1, ..., denseblock4, norm5.
/// </summary>
[Block]
public partial class DenseNetFeatures
{
    [Param] int b1;
    [Param] int b2;
    [Param] int b3;
    [Param] int b4;

    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv0;
    [BatchNorm] Stage norm0;
    [ReLU(Inplace = true)] Stage relu0;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage pool0;
    [Use(typeof(DenseLayer), Repeat = "b1", Names = "denselayer{1}")] Stage denseblock1;
    [Use(typeof(DenseTransition))] Stage transition1;
    [Use(typeof(DenseLayer), Repeat = "b2", Names = "denselayer{1}")] Stage denseblock2;
    [Use(typeof(DenseTransition))] Stage transition2;
    [Use(typeof(DenseLayer), Repeat = "b3", Names = "denselayer{1}")] Stage denseblock3;
    [Use(typeof(DenseTransition))] Stage transition3;
    [Use(typeof(DenseLayer), Repeat = "b4", Names = "denselayer{1}")] Stage denseblock4;
    [BatchNorm] Stage norm5;
}

/// <summary>torchvision's <c>densenet121</c>: 7,978,856 parameters, torchvision's keys, any input size. Its
/// <c>block_config</c> (6, 12, 24, 16) is a constructor parameter; DenseNet-169 and 201 are variants with theirs.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class DenseNet121
{
    [Param] int b1 = 6, b2 = 12, b3 = 24, b4 = 16;
    [Param] int num_classes = 1000;

    [Use(typeof(DenseNetFeatures), "b1", "b2", "b3", "b4")] Stage features;
    [ReLU(Inplace = true)] Stage relu;
    [GlobalAvgPool] Stage pool;
    [Flatten] Stage flatten;
    [Linear("num_classes")] Stage classifier;
}

/// <summary>torchvision's <c>densenet169</c>: block_config (6, 12, 32, 32); 14,149,480 parameters.</summary>
[Network(Like = typeof(DenseNet121))]
public partial class DenseNet169
{
    [Param] int b3 = 32, b4 = 32;
}

/// <summary>torchvision's <c>densenet201</c>: block_config (6, 12, 48, 32); 20,013,928 parameters.</summary>
[Network(Like = typeof(DenseNet121))]
public partial class DenseNet201
{
    [Param] int b3 = 48, b4 = 32;
}

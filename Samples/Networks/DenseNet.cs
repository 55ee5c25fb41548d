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

/// <summary>torchvision's <c>_Transition</c>: BN, ReLU, 1x1 conv, 2x2 average pooling.</summary>
[Block]
public partial class DenseTransition
{
    [Param] int out_channels;

    [BatchNorm] Stage norm;
    [ReLU(Inplace = true)] Stage relu;
    [Conv("out_channels", Kernel = 1, Bias = false)] Stage conv;
    [AvgPool(2, Stride = 2)] Stage pool;
}

/// <summary>DenseNet-121's <c>features</c> with torchvision's names: conv0 .. pool0, denseblock1 (denselayer1 .. 6),
/// transition1, ..., denseblock4 (16 layers), norm5.</summary>
[Block]
public partial class DenseNet121Features
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv0;
    [BatchNorm] Stage norm0;
    [ReLU(Inplace = true)] Stage relu0;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage pool0;
    [Use(typeof(DenseLayer), Repeat = 6, Names = "denselayer{1}")] Stage denseblock1;
    [Use(typeof(DenseTransition), 128)] Stage transition1;
    [Use(typeof(DenseLayer), Repeat = 12, Names = "denselayer{1}")] Stage denseblock2;
    [Use(typeof(DenseTransition), 256)] Stage transition2;
    [Use(typeof(DenseLayer), Repeat = 24, Names = "denselayer{1}")] Stage denseblock3;
    [Use(typeof(DenseTransition), 512)] Stage transition3;
    [Use(typeof(DenseLayer), Repeat = 16, Names = "denselayer{1}")] Stage denseblock4;
    [BatchNorm] Stage norm5;
}

/// <summary>torchvision's <c>densenet121</c>: 7,978,856 parameters, torchvision's keys, any input size.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class DenseNet121
{
    [Use(typeof(DenseNet121Features))] Stage features;
    [ReLU(Inplace = true)] Stage relu;
    [GlobalAvgPool] Stage pool;
    [Flatten] Stage flatten;
    [Linear(1000)] Stage classifier;
}

/// <summary>DenseNet169's <c>features</c>: blocks of 6, 12, 32, 32 dense layers (growth 32), torchvision's names.</summary>
[Block]
public partial class DenseNet169Features
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv0;
    [BatchNorm] Stage norm0;
    [ReLU(Inplace = true)] Stage relu0;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage pool0;
    [Use(typeof(DenseLayer), Repeat = 6, Names = "denselayer{1}")] Stage denseblock1;
    [Use(typeof(DenseTransition), 128)] Stage transition1;
    [Use(typeof(DenseLayer), Repeat = 12, Names = "denselayer{1}")] Stage denseblock2;
    [Use(typeof(DenseTransition), 256)] Stage transition2;
    [Use(typeof(DenseLayer), Repeat = 32, Names = "denselayer{1}")] Stage denseblock3;
    [Use(typeof(DenseTransition), 640)] Stage transition3;
    [Use(typeof(DenseLayer), Repeat = 32, Names = "denselayer{1}")] Stage denseblock4;
    [BatchNorm] Stage norm5;
}

/// <summary>torchvision's <c>densenet169</c>, the same layers as DenseNet121 with its own block table.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class DenseNet169
{
    [Use(typeof(DenseNet169Features))] Stage features;
    [ReLU(Inplace = true)] Stage relu;
    [GlobalAvgPool] Stage pool;
    [Flatten] Stage flatten;
    [Linear(1000)] Stage classifier;
}

/// <summary>DenseNet201's <c>features</c>: blocks of 6, 12, 48, 32 dense layers (growth 32), torchvision's names.</summary>
[Block]
public partial class DenseNet201Features
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv0;
    [BatchNorm] Stage norm0;
    [ReLU(Inplace = true)] Stage relu0;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage pool0;
    [Use(typeof(DenseLayer), Repeat = 6, Names = "denselayer{1}")] Stage denseblock1;
    [Use(typeof(DenseTransition), 128)] Stage transition1;
    [Use(typeof(DenseLayer), Repeat = 12, Names = "denselayer{1}")] Stage denseblock2;
    [Use(typeof(DenseTransition), 256)] Stage transition2;
    [Use(typeof(DenseLayer), Repeat = 48, Names = "denselayer{1}")] Stage denseblock3;
    [Use(typeof(DenseTransition), 896)] Stage transition3;
    [Use(typeof(DenseLayer), Repeat = 32, Names = "denselayer{1}")] Stage denseblock4;
    [BatchNorm] Stage norm5;
}

/// <summary>torchvision's <c>densenet201</c>, the same layers as DenseNet121 with its own block table.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class DenseNet201
{
    [Use(typeof(DenseNet201Features))] Stage features;
    [ReLU(Inplace = true)] Stage relu;
    [GlobalAvgPool] Stage pool;
    [Flatten] Stage flatten;
    [Linear(1000)] Stage classifier;
}

namespace NetDsl.Samples.Networks;

/// <summary>
/// torchvision's <c>SqueezeExcitation</c>: global average pool, 1x1 conv to <c>squeeze</c> channels, SiLU, 1x1 conv back,
/// sigmoid, then <c>scale * input</c> (a [N, C, 1, 1] gate broadcast over the [N, C, H, W] input, checked at compile time).
/// </summary>
[Block]
public partial class SqueezeExcitation
{
    [Param] int squeeze;

    [GlobalAvgPool] Stage avgpool;
    [Conv("squeeze", Kernel = 1)] Stage fc1;
    [SiLU] Stage activation;
    [Conv("in_channels", Kernel = 1)] Stage fc2;
    [Sigmoid] Stage scale_activation;
    [Mul(From.Input)] Stage scale;
}

/// <summary>
/// The <c>block</c> of torchvision's <c>MBConv</c>: the expand conv exists only when <c>expand_ratio != 1</c> (an absent
/// stage takes no index, so the depthwise conv is <c>block.0</c> then, <c>block.1</c> otherwise), the depthwise conv, the
/// squeeze-excitation on a quarter of the input's channels, the projection without activation.
/// </summary>
[Block(Sequential = true)]
public partial class MBConvLayers
{
    [Param] int expand_ratio;
    [Param] int kernel;
    [Param] int stride;
    [Param] int out_channels;

    [Conv("in_channels * expand_ratio", Kernel = 1, Bias = false), BatchNorm, SiLU, If("expand_ratio != 1")] Stage expand;
    [Conv("in_channels * expand_ratio", Kernel = "kernel", Stride = "stride", Padding = "(kernel - 1) / 2", Groups = "in_channels * expand_ratio", Bias = false),
     BatchNorm, SiLU] Stage depthwise;
    [Use(typeof(SqueezeExcitation), "in_channels / 4")] Stage se;
    [Conv("out_channels", Kernel = 1, Bias = false), BatchNorm] Stage project;
}

/// <summary>
/// torchvision's <c>MBConv</c> (EfficientNet): the layers, then, only when the block keeps the shape (stride 1, in ==
/// out: torchvision's <c>use_res_connect</c>), stochastic depth and the residual.
/// </summary>
[Block]
public partial class MBConv
{
    [Param] int expand_ratio;
    [Param] int kernel;
    [Param(FirstRepeatOnly = true)] int stride = 1;
    [Param] int out_channels;
    [Param] double sd_prob;

    [Use(typeof(MBConvLayers), "expand_ratio", "kernel", "stride", "out_channels")] Stage block;
    [StochasticDepth("sd_prob"), If("stride == 1 && in_channels == out_channels")] Stage stochastic_depth;
    [Shortcut(Projection = Projection.Never), If("stride == 1 && in_channels == out_channels")] Stage residual;
}

/// <summary>EfficientNet-B0's <c>features</c>: the stem, seven stages of MBConv as torchvision's table, the 1x1 head conv.</summary>
[Block(Sequential = true)]
public partial class EfficientNetB0Features
{
    [Conv(32, Kernel = 3, Stride = 2, Padding = 1, Bias = false), BatchNorm, SiLU] Stage stem;
    //    expand, kernel, stride, out, stochastic depth 0.2 * block / 16 (the block's place in the network, as torchvision's)
    [Use(typeof(MBConv), 1, 3, 1, 16, "0.2 * index / 16", Names = "{0}")] Stage stage1;
    [Use(typeof(MBConv), 6, 3, 2, 24, "0.2 * (index + 1) / 16", Repeat = 2)] Stage stage2;
    [Use(typeof(MBConv), 6, 5, 2, 40, "0.2 * (index + 3) / 16", Repeat = 2)] Stage stage3;
    [Use(typeof(MBConv), 6, 3, 2, 80, "0.2 * (index + 5) / 16", Repeat = 3)] Stage stage4;
    [Use(typeof(MBConv), 6, 5, 1, 112, "0.2 * (index + 8) / 16", Repeat = 3)] Stage stage5;
    [Use(typeof(MBConv), 6, 5, 2, 192, "0.2 * (index + 11) / 16", Repeat = 4)] Stage stage6;
    [Use(typeof(MBConv), 6, 3, 1, 320, "0.2 * (index + 15) / 16", Names = "{0}")] Stage stage7;
    [Conv(1280, Kernel = 1, Bias = false), BatchNorm, SiLU] Stage head;
}

/// <summary>torchvision's <c>efficientnet_b0</c>: 5,288,548 parameters, torchvision's keys, any input size.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class EfficientNetB0
{
    [Use(typeof(EfficientNetB0Features))] Stage features;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Dropout(0.2), Linear(1000)] Stage classifier;
}

namespace NetDsl.Samples.Networks;

/// <summary>
/// The <c>conv</c> of torchvision's MobileNetV2 <c>InvertedResidual</c>: the 1x1 expand conv exists only when
/// <c>expand_ratio != 1</c> (then <c>conv.0</c>; the depthwise conv takes its place otherwise), the depthwise 3x3, the
/// linear 1x1 projection and its BatchNorm.
/// </summary>
[Block(Sequential = true)]
public partial class InvertedResidualLayers
{
    [Param] int oup;
    [Param] int stride;
    [Param] int expand_ratio;

    [Conv("in_channels * expand_ratio", Kernel = 1, Bias = false), BatchNorm, ReLU6(Inplace = true), If("expand_ratio != 1")] Stage expand;
    [Conv("in_channels * expand_ratio", Kernel = 3, Stride = "stride", Padding = 1, Groups = "in_channels * expand_ratio", Bias = false),
     BatchNorm, ReLU6(Inplace = true)] Stage depthwise;
    [Conv("oup", Kernel = 1, Bias = false)] Stage project;
    [BatchNorm] Stage bn;
}

/// <summary>torchvision's <c>InvertedResidual</c>, one declaration for every row: the residual only when the block keeps
/// the shape (<c>use_res_connect</c>: stride 1 and in == out).</summary>
[Block]
public partial class InvertedResidual
{
    [Param] int oup;
    [Param(FirstRepeatOnly = true)] int stride = 1;
    [Param] int expand_ratio;

    [Use(typeof(InvertedResidualLayers), "oup", "stride", "expand_ratio")] Stage conv;
    [Shortcut(Projection = Projection.Never), If("stride == 1 && in_channels == oup")] Stage residual;
}

/// <summary>
/// MobileNetV2's <c>features</c>, torchvision's <c>inverted_residual_setting</c> as the table of uses (t, c, n, s):
/// each row's copies are inline, so they are <c>features.1</c> .. <c>features.17</c> as in torchvision.
/// </summary>
[Block(Sequential = true)]
public partial class MobileNetV2Features
{
    [Conv(32, Kernel = 3, Stride = 2, Padding = 1, Bias = false), BatchNorm, ReLU6(Inplace = true)] Stage stem;
    //    c (oup), s (stride of the first copy), t (expand ratio), n (Repeat)
    [Use(typeof(InvertedResidual), 16, 1, 1)] Stage row1;
    [Use(typeof(InvertedResidual), 24, 2, 6, Repeat = 2, Inline = true)] Stage row2;
    [Use(typeof(InvertedResidual), 32, 2, 6, Repeat = 3, Inline = true)] Stage row3;
    [Use(typeof(InvertedResidual), 64, 2, 6, Repeat = 4, Inline = true)] Stage row4;
    [Use(typeof(InvertedResidual), 96, 1, 6, Repeat = 3, Inline = true)] Stage row5;
    [Use(typeof(InvertedResidual), 160, 2, 6, Repeat = 3, Inline = true)] Stage row6;
    [Use(typeof(InvertedResidual), 320, 1, 6)] Stage row7;
    [Conv(1280, Kernel = 1, Bias = false), BatchNorm, ReLU6(Inplace = true)] Stage head;
}

/// <summary>torchvision's <c>mobilenet_v2</c>: 3,504,872 parameters, torchvision's keys, any input size.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class MobileNetV2
{
    [Use(typeof(MobileNetV2Features))] Stage features;
    [GlobalAvgPool] Stage pool;
    [Flatten] Stage flatten;
    [Dropout(0.2), Linear(1000)] Stage classifier;
}

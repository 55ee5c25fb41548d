namespace NetDsl.Samples.Networks;

/// <summary>
/// Seed 002's <c>conv_dw</c>: an octave depthwise 3x3 (groups = in_channels, so only high→high and low→low, at
/// alpha_in → alpha_in) then an octave pointwise 1x1 (alpha_in → alpha_out), each with BN and ReLU per frequency
/// (Conv_BN_ACT). A Sequential block, so its children are "0" and "1" as in the seed's nn.Sequential.
/// </summary>
[Block(Sequential = true)]
public partial class OctDepthwiseSeparable
{
    [Param] int out_channels;
    [Param] int stride = 1;
    [Param] double alpha_in = 0.5;
    [Param] double alpha_out = 0.5;

    [OctConv("in_channels", Kernel = 3, Stride = "stride", Padding = 1, Groups = "in_channels", AlphaIn = "alpha_in", AlphaOut = "alpha_in", BatchNorm = true, ReLU = true)] Stage depthwise;
    [OctConv("out_channels", Kernel = 1, AlphaIn = "alpha_in", AlphaOut = "alpha_out", BatchNorm = true, ReLU = true)] Stage pointwise;
}

/// <summary>
/// Seed 002's Oct-MobileNetV1 <c>features</c>: a plain conv_bn stem (3x3, stride 2, with a bias as Paddle's Conv2D has),
/// then 14 octave depthwise-separable blocks; the first splits the plain tensor (alpha_in 0), the twelfth merges it back
/// (alpha_out 0), the last two are plain-frequency. Children "0".."14" as the seed's nn.Sequential.
/// </summary>
[Block(Sequential = true)]
public partial class OctMobileNetV1Features
{
    [Conv(32, Kernel = 3, Stride = 2, Padding = 1), BatchNorm, ReLU] Stage stem;
    [Use(typeof(OctDepthwiseSeparable), 64, 1, 0.0, 0.5)] Stage dw1;
    [Use(typeof(OctDepthwiseSeparable), 128, 2)] Stage dw2;
    [Use(typeof(OctDepthwiseSeparable), 128, 1)] Stage dw3;
    [Use(typeof(OctDepthwiseSeparable), 256, 2)] Stage dw4;
    [Use(typeof(OctDepthwiseSeparable), 256, 1)] Stage dw5;
    [Use(typeof(OctDepthwiseSeparable), 512, 2)] Stage dw6;
    [Use(typeof(OctDepthwiseSeparable), 512, 1)] Stage dw7;
    [Use(typeof(OctDepthwiseSeparable), 512, 1)] Stage dw8;
    [Use(typeof(OctDepthwiseSeparable), 512, 1)] Stage dw9;
    [Use(typeof(OctDepthwiseSeparable), 512, 1)] Stage dw10;
    [Use(typeof(OctDepthwiseSeparable), 512, 1)] Stage dw11;
    [Use(typeof(OctDepthwiseSeparable), 512, 1, 0.5, 0.0)] Stage dw12;
    [Use(typeof(OctDepthwiseSeparable), 1024, 2, 0.0, 0.0)] Stage dw13;
    [Use(typeof(OctDepthwiseSeparable), 1024, 1, 0.0, 0.0)] Stage dw14;
}

/// <summary>Seed 002's Oct-MobileNetV1 for CIFAR-10 resized to 224x224 (10 classes).</summary>
[Network(InChannels = 3, Height = 224, Width = 224)]
public partial class OctMobileNetV1
{
    [Use(typeof(OctMobileNetV1Features))] Stage features;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear(10)] Stage fc;
}

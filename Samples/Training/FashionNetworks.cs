using NetDsl.Samples.Networks;

namespace NetDsl.Samples.Training;

// Seed 002's comparison (MobileNetV1 against Oct-MobileNetV1, ResNet against Oct-ResNet) shrunk for Fashion-MNIST
// (1x28x28, 10 classes) on 2 CPU cores: the same blocks as the full-size samples (Samples/Networks/OctMobileNet.cs,
// OctResNet.cs, ResNet50.cs), fewer and narrower. Each octave network has its plain twin layer for layer: the same
// channels, strides and kernels; only the octave layers split the channels into a full-resolution and a
// half-resolution part (alpha 0.5). An octave layer's low-frequency map is half the high one, so every octave stride
// must halve an even size: 28 -> 14 (low 7) is the last octave stride, and the nets merge back to one frequency before
// going to 7x7, as seed 002's Oct-MobileNetV1 merges before its last stride. Most work is done at 14x14 and 7x7 so that
// `train --quick` runs the four in minutes.

/// <summary>MobileNetV1's <c>conv_dw</c>: a depthwise 3x3 (groups = in_channels) and a pointwise 1x1, each with BN and ReLU.
/// A Sequential block (children "0".."5"), the plain twin of <see cref="OctDepthwiseSeparable"/>.</summary>
[Block(Sequential = true)]
public partial class DepthwiseSeparable
{
    [Param] int out_channels;
    [Param] int stride = 1;

    [Conv("in_channels", Kernel = 3, Stride = "stride", Padding = 1, Groups = "in_channels", Bias = false), BatchNorm, ReLU] Stage depthwise;
    [Conv("out_channels", Kernel = 1, Bias = false), BatchNorm, ReLU] Stage pointwise;
}

/// <summary>A MobileNetV1 for Fashion-MNIST: a 3x3 stem (16) at 28x28, five depthwise-separable blocks (32/2, 64, 128,
/// 128/2, 256: 14x14 then 7x7), global average pool, a linear classifier.</summary>
[Network(InChannels = 1, Height = 28, Width = 28)]
public partial class FashionMobileNet
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm, ReLU] Stage stem;
    [Use(typeof(DepthwiseSeparable), 32, 2)] Stage dw1;
    [Use(typeof(DepthwiseSeparable), 64, 1)] Stage dw2;
    [Use(typeof(DepthwiseSeparable), 128, 1)] Stage dw3;
    [Use(typeof(DepthwiseSeparable), 128, 2)] Stage dw4;
    [Use(typeof(DepthwiseSeparable), 256, 1)] Stage dw5;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear(10)] Stage fc;
}

/// <summary>The octave twin of <see cref="FashionMobileNet"/>: dw1 splits (alpha 0 to 0.5) in its pointwise conv after
/// the stride (14x14 high, 7x7 low), dw2 is octave at 0.5, dw3 merges back (0.5 to 0) before the last stride, dw4-dw5
/// are plain-frequency octave convs (alpha 0).</summary>
[Network(InChannels = 1, Height = 28, Width = 28)]
public partial class FashionOctMobileNet
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm, ReLU] Stage stem;
    [Use(typeof(OctDepthwiseSeparable), 32, 2, 0.0, 0.5)] Stage dw1;
    [Use(typeof(OctDepthwiseSeparable), 64, 1)] Stage dw2;
    [Use(typeof(OctDepthwiseSeparable), 128, 1, 0.5, 0.0)] Stage dw3;
    [Use(typeof(OctDepthwiseSeparable), 128, 2, 0.0, 0.0)] Stage dw4;
    [Use(typeof(OctDepthwiseSeparable), 256, 1, 0.0, 0.0)] Stage dw5;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear(10)] Stage fc;
}

/// <summary>A small ResNet for Fashion-MNIST from ResNet-50's Bottleneck: a 3x3 stem (16) at 28x28, three stages of one
/// Bottleneck each (planes 16/2, 32/2, 64: 64, 128, 256 channels at 14, 7, 7), global average pool, a linear classifier.
/// The stride-2 stages' 1x1 projections are the strided 1x1 convolutions of <see cref="StridedConvWorkaround"/>.</summary>
[Network(InChannels = 1, Height = 28, Width = 28)]
public partial class FashionResNet
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [Use(typeof(Bottleneck), 16, 2)] Stage layer1;
    [Use(typeof(Bottleneck), 32, 2)] Stage layer2;
    [Use(typeof(Bottleneck), 64, 1)] Stage layer3;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear(10)] Stage fc;
}

/// <summary>The octave twin of <see cref="FashionResNet"/> from d-li14's octave Bottleneck: layer1 splits (alpha 0 to
/// 0.5) in its first 1x1 at 28x28 and strides to 14/7, layer2 merges (0.5 to 0) in its first 1x1 and strides to 7,
/// layer3 is plain-frequency (alpha 0), as d-li14's last layer.</summary>
[Network(InChannels = 1, Height = 28, Width = 28)]
public partial class FashionOctResNet
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [Use(typeof(OctBottleneck), 16, 2, 0.0, 0.5)] Stage layer1;
    [Use(typeof(OctBottleneck), 32, 2, 0.5, 0.0)] Stage layer2;
    [Use(typeof(OctBottleneck), 64, 1, 0.0, 0.0)] Stage layer3;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear(10)] Stage fc;
}

/// <summary>A tiny classifier for 1x8x8 images in 3 classes: the trainer's tests train it on synthetic data in seconds.</summary>
[Network(InChannels = 1, Height = 8, Width = 8)]
public partial class TinyClassifier
{
    [Conv(8, Kernel = 3, Padding = 1, Bias = false), BatchNorm, ReLU] Stage conv;
    [Use(typeof(BasicBlock), 8)] Stage block;
    [GlobalAvgPool] Stage pool;
    [Flatten] Stage flatten;
    [Linear(3)] Stage fc;
}

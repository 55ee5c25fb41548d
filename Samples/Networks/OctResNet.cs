namespace NetDsl.Samples.Networks;

/// <summary>
/// d-li14's octave Bottleneck (octconv.pytorch, oct_resnet.py) with the alphas as parameters: conv1 takes the block's
/// input at <c>alpha_in</c> and every layer after it works at <c>alpha_out</c> (d-li14 hard-codes 0.5, or 0 for the last
/// layer). The residual is added per frequency; when stride, channels or alpha change, the shortcut is d-li14's
/// <c>downsample = nn.Sequential(Conv_BN(inplanes, planes * 4, 1, stride, alpha_in, alpha_out))</c>. Field names are
/// d-li14's, so state_dict keys match: conv1.conv.conv_h2h.weight, conv1.bn_h.weight, ..., downsample.0.conv.conv_l2l.weight.
/// </summary>
[Block]
public partial class OctBottleneck
{
    [Param] int planes;
    [Param(FirstRepeatOnly = true)] int stride = 1;
    [Param] double alpha_in = 0.5;
    [Param] double alpha_out = 0.5;

    [OctConv("planes", Kernel = 1, AlphaIn = "alpha_in", AlphaOut = "alpha_out", BatchNorm = true, ReLU = true)] Stage conv1;
    [OctConv("planes", Kernel = 3, Stride = "stride", Padding = 1, AlphaIn = "alpha_out", AlphaOut = "alpha_out", BatchNorm = true, ReLU = true)] Stage conv2;
    [OctConv("planes * 4", Kernel = 1, AlphaIn = "alpha_out", AlphaOut = "alpha_out", BatchNorm = true)] Stage conv3;
    [Shortcut] Stage downsample;
    [ReLU(Inplace = true)] Stage relu;
}

/// <summary>
/// Oct-ResNet-50 as d-li14 builds it (oct_resnet50): a plain stem, layers 1-3 at <see cref="Alpha"/> (layer1's first
/// block splits the plain input, alpha_in = 0), layer4's first block merges back (alpha_out = 0) and its later blocks are
/// plain-frequency octave convs (alpha 0). 25,557,032 parameters, as ResNet-50: the splits partition both channel axes.
/// </summary>
[Network(InChannels = 3, Height = 224, Width = 224)]
public partial class OctResNet50
{
    /// <summary>The low-frequency fraction of layers 1-3 (the reference's 0.5).</summary>
    public const double Alpha = 0.5;

    /// <summary>The low-frequency fraction of layers 1-3: a constructor parameter, and the alpha sweep's variants set it.</summary>
    [Param] double alpha = Alpha;
    // Fixed by each declaration (they decide the modules): d-li14's layers argument; Oct-ResNet-101/152/200 set them.
    [Param] int layers1 = 3, layers2 = 4, layers3 = 6, layers4 = 3;

    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use(typeof(OctBottleneck), 64, 1, "alpha", "alpha", Repeat = "layers1", FirstArgs = new object[] { 64, 1, 0.0, "alpha" })] Stage layer1;
    [Use(typeof(OctBottleneck), 128, 2, "alpha", "alpha", Repeat = "layers2")] Stage layer2;
    [Use(typeof(OctBottleneck), 256, 2, "alpha", "alpha", Repeat = "layers3")] Stage layer3;
    [Use(typeof(OctBottleneck), 512, 1, 0.0, 0.0, Repeat = "layers4", FirstArgs = new object[] { 512, 2, "alpha", 0.0 })] Stage layer4;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear(1000)] Stage fc;
}

/// <summary>Oct-ResNet-101 (d-li14's oct_resnet101: 3, 4, 23, 3 blocks), alpha 0.5: Oct-ResNet-50's body.</summary>
[Network(Like = typeof(OctResNet50))]
public partial class OctResNet101
{
    [Param] int layers3 = 23;
}

/// <summary>Oct-ResNet-152 (3, 8, 36, 3 blocks), alpha 0.5.</summary>
[Network(Like = typeof(OctResNet50))]
public partial class OctResNet152
{
    [Param] int layers2 = 8, layers3 = 36;
}

/// <summary>Oct-ResNet-200 (3, 24, 36, 3 blocks), alpha 0.5.</summary>
[Network(Like = typeof(OctResNet50))]
public partial class OctResNet200
{
    [Param] int layers2 = 24, layers3 = 36;
}

/// <summary>Oct-ResNet-50 at alpha 0.125 (the alpha sweep of the paper's Figure 4 / the reference's README): the same
/// modules and keys as <see cref="OctResNet50"/>, its summary for this alpha.</summary>
[Network(Like = typeof(OctResNet50))]
public partial class OctResNet50Alpha125
{
    [Param] double alpha = 0.125;
}

/// <summary>Oct-ResNet-50 at alpha 0.25.</summary>
[Network(Like = typeof(OctResNet50))]
public partial class OctResNet50Alpha25
{
    [Param] double alpha = 0.25;
}

/// <summary>Oct-ResNet-50 at alpha 0.75.</summary>
[Network(Like = typeof(OctResNet50))]
public partial class OctResNet50Alpha75
{
    [Param] double alpha = 0.75;
}

/// <summary>
/// A CIFAR-sized Oct-ResNet (32x32): a plain 3x3 stem, two octave Bottlenecks at alpha 0.5 (the first splits), one at
/// stride 2, and one that merges at stride 2. Small enough for a numeric fixture from PyTorch
/// (tools/make_oct_network_fixtures.py): the generated module is compared with a PyTorch build of the reference semantics.
/// </summary>
[Network(InChannels = 3, Height = 32, Width = 32)]
public partial class OctResNetTiny
{
    public const double Alpha = 0.5;

    [Conv(16, Kernel = 3, Padding = 1, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [Use(typeof(OctBottleneck), 8, 1, Alpha, Alpha, Repeat = 2, FirstArgs = new object[] { 8, 1, 0.0, Alpha })] Stage layer1;
    [Use(typeof(OctBottleneck), 16, 2, Alpha, Alpha)] Stage layer2;
    [Use(typeof(OctBottleneck), 16, 2, Alpha, 0.0)] Stage layer3;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Linear(10)] Stage fc;
}

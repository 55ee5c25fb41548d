namespace NetDsl.Samples.Networks;

// Reduced-size torchvision DeepLab models, declared with NetDsl so that the generated code itself (names, forward,
// dilation rewrite, taps) is compared with torchvision: tools/make_deeplab_fixtures.py builds the same models with the
// real torchvision 0.14, fills every state_dict entry by key and stores outputs (Generator.Tests/Pyramids/DeepLabParityTests.cs).

/// <summary>torchvision's ASPP(16, [1, 2, 3], 8) as a network of one stage named "aspp".</summary>
[Network(InChannels = 16, Height = 9, Width = 11)]
public partial class AsppParityNet
{
    [ASPP(1, 2, 3, Out = 8)] Stage aspp;
}

/// <summary>torchvision's DeepLabHead(16, 3) as a network of one stage named "head" (rates 12/24/36 on a 13x14 map).</summary>
[Network(InChannels = 16, Height = 13, Width = 14)]
public partial class DeepLabHeadParityNet
{
#pragma warning disable NDSL0032 // rates 24 and 36 reach past the 13x14 map, as torchvision's fixed rates do on small maps
    [DeepLabHead(3)] Stage head;
#pragma warning restore NDSL0032
}

/// <summary>
/// torchvision's ResNet(Bottleneck, [2, 2, 2, 2]) up to layer4 at output stride 8 (replace_stride_with_dilation =
/// [False, True, True]): OutputStride = 8 makes the compiler dilate layer4 and layer3.
/// </summary>
[Block(OutputStride = 8)]
public partial class TinyResNetBackbone
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use(typeof(Bottleneck), 64, Repeat = 2)] Stage layer1;
    [Use(typeof(Bottleneck), 128, 2, Repeat = 2)] Stage layer2;
    [Use(typeof(Bottleneck), 256, 2, Repeat = 2)] Stage layer3;
    [Use(typeof(Bottleneck), 512, 2, Repeat = 2)] Stage layer4;
}

/// <summary>
/// torchvision's DeepLabV3 on that backbone with 3 classes and the auxiliary FCNHead on layer3, as
/// <c>_deeplabv3_resnet(backbone, 3, aux=True)</c> builds it: the same state_dict keys, and forward_all returns
/// "out" and "aux" like its OrderedDict.
/// </summary>
[Network(InChannels = 3, Height = 64, Width = 64)]
public partial class TinyDeepLabV3
{
    [Use(typeof(TinyResNetBackbone))] Stage backbone;
#pragma warning disable NDSL0032 // torchvision's fixed rates 12/24/36 on the 8x8 map
    [DeepLabHead(3)] Stage classifier;
#pragma warning restore NDSL0032
    [Upsample(Height = 64, Width = 64, Mode = UpsampleMode.Bilinear), Output("out")] Stage upsample;

    [FCNHead(3), Tap("backbone.layer3")] Stage aux_classifier;
    [Upsample(Height = 64, Width = 64, Mode = UpsampleMode.Bilinear), Output("aux")] Stage aux_upsample;
}

namespace NetDsl.Samples.Networks;

/// <summary>
/// torchvision's DeepLabV3 backbone: ResNet-50 up to layer4 at output stride 8 (replace_stride_with_dilation =
/// [False, True, True]), as IntermediateLayerGetter keeps it (no avgpool, no fc): 23,508,032 parameters,
/// 224x224 -> [N, 2048, 28, 28]. As _make_layer(dilate=True) does, the first block of layer3 and layer4 keeps the
/// previous dilation and the later ones use the new one (FirstArgs).
/// </summary>
[Block]
public partial class ResNet50Backbone
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use(typeof(Bottleneck), 64, Repeat = 3)] Stage layer1;
    [Use(typeof(Bottleneck), 128, 2, Repeat = 4)] Stage layer2;
    [Use(typeof(Bottleneck), 256, 1, 2, Repeat = 6, FirstArgs = new object[] { 256, 1, 1 })] Stage layer3;
    [Use(typeof(Bottleneck), 512, 1, 4, Repeat = 3, FirstArgs = new object[] { 512, 1, 2 })] Stage layer4;
}

/// <summary>
/// torchvision's deeplabv3_resnet50 (21 classes, without the auxiliary FCN head): 39,638,869 parameters and the same
/// state_dict keys (backbone.*, classifier.*). The head's rates 24 and 36 are larger than the 28x28 map at a 224x224
/// input, which the compiler reports (NDSL0032, kept visible in the summary, silenced here); DeepLab v3 itself
/// notes that such rates degenerate to 1x1 convolutions.
/// </summary>
[Network(InChannels = 3, Height = 224, Width = 224)]
public partial class DeepLabV3ResNet50
{
    [Use(typeof(ResNet50Backbone))] Stage backbone;
#pragma warning disable NDSL0032 // torchvision's configuration, on purpose
    [DeepLabHead(21)] Stage classifier;
#pragma warning restore NDSL0032
    [Upsample(Height = 224, Width = 224, Mode = UpsampleMode.Bilinear)] Stage upsample;
}

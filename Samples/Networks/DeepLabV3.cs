namespace NetDsl.Samples.Networks;

/// <summary>
/// torchvision's DeepLabV3 backbone: ResNet-50 up to layer4 at output stride 8 (replace_stride_with_dilation =
/// [False, True, True]), as IntermediateLayerGetter keeps it (no avgpool, no fc): 23,508,032 parameters,
/// 224x224 -> [N, 2048, 28, 28]. Dilate = true is _make_layer(dilate=True): layer3 trades its stride 2 for dilation 2,
/// layer4 for 4; the first block of each keeps the previous dilation (1, then 2), the later ones take the new one.
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
    [Use(typeof(Bottleneck), 256, 2, Repeat = 6, Dilate = true)] Stage layer3;
    [Use(typeof(Bottleneck), 512, 2, Repeat = 3, Dilate = true)] Stage layer4;
}

/// <summary>
/// ResNet-50's features at output stride 16 (replace_stride_with_dilation = [False, False, True], the DeepLab v3 paper's
/// training setting): the same stages as ResNet50Backbone, and the compiler picks what to dilate from OutputStride
/// (layer4 only). 23,508,032 parameters, 224x224 -> [N, 2048, 14, 14].
/// </summary>
[Network(InChannels = 3, Height = 224, Width = 224, OutputStride = 16)]
public partial class ResNet50OS16
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
    [BatchNorm] Stage bn1;
    [ReLU(Inplace = true)] Stage relu;
    [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
    [Use(typeof(Bottleneck), 64, Repeat = 3)] Stage layer1;
    [Use(typeof(Bottleneck), 128, 2, Repeat = 4)] Stage layer2;
    [Use(typeof(Bottleneck), 256, 2, Repeat = 6)] Stage layer3;
    [Use(typeof(Bottleneck), 512, 2, Repeat = 3)] Stage layer4;
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

/// <summary>
/// torchvision's deeplabv3_resnet50 with the auxiliary head (aux_loss=True, 21 classes): 42,004,074 parameters and the
/// same state_dict keys (backbone.*, classifier.*, aux_classifier.*). The aux head is torchvision's FCNHead(1024, 21) on
/// the backbone's layer3 output ([Tap]), upsampled to the input like the main output. forward returns "out" only and
/// does not run the aux head; forward_all returns both, as torchvision's OrderedDict {"out", "aux"}.
/// </summary>
[Network(InChannels = 3, Height = 224, Width = 224)]
public partial class DeepLabV3ResNet50Aux
{
    [Use(typeof(ResNet50Backbone))] Stage backbone;
#pragma warning disable NDSL0032 // torchvision's configuration, on purpose
    [DeepLabHead(21)] Stage classifier;
#pragma warning restore NDSL0032
    [Upsample(Height = 224, Width = 224, Mode = UpsampleMode.Bilinear), Output("out")] Stage upsample;

    [FCNHead(21), Tap("backbone.layer3")] Stage aux_classifier;
    [Upsample(Height = 224, Width = 224, Mode = UpsampleMode.Bilinear), Output("aux")] Stage aux_upsample;
}

namespace NetDsl.Samples.Networks;

/// <summary>
/// Seed 003's DeepLab v2 on VGG-16 (its PyTorch <c>DeepLabv2</c>, same field names, so the same state_dict keys:
/// <c>conv1.0.weight</c>, ..., <c>ASPP.branch1.4.bias</c>): VGG-16's thirteen 3x3 convolutions with ReLU, pool1-pool3 at
/// stride 2, pool4 and pool5 changed to 3x3 max pools at stride 1 (padding 1) so the map stays at 1/8, conv5 dilated by 2
/// (padding 2), and DeepLab v2's ASPP: four branches at rates 6, 12, 18, 24, each a dilated 3x3 conv to 128 channels,
/// ReLU, 1x1, ReLU, 1x1 to the 21 classes, <b>summed</b>. 4x3x224x224 becomes 4x21x28x28, as the seed prints.
/// </summary>
/// <remarks>
/// The three rate-2 convolutions of conv5 are a gridding stack on their own (offsets only even), which the compiler
/// reports (NDSL0031) and the declaration silences: that is DeepLab's configuration, and the 3x3 layers before pool4
/// fill the holes. The seed's branches are 128 wide; the paper's VGG-16 ASPP uses 1024 (fc6 / fc7).
/// </remarks>
[Network(InChannels = 3, Height = 224, Width = 224)]
public partial class DeepLabV2Vgg16
{
    [Conv(64, Kernel = 3, Padding = 1), ReLU(Inplace = true), Conv(64, Kernel = 3, Padding = 1), ReLU(Inplace = true)] Stage conv1;
    [MaxPool(2, Stride = 2)] Stage pool1;
    [Conv(128, Kernel = 3, Padding = 1), ReLU(Inplace = true), Conv(128, Kernel = 3, Padding = 1), ReLU(Inplace = true)] Stage conv2;
    [MaxPool(2, Stride = 2)] Stage pool2;
    [Conv(256, Kernel = 3, Padding = 1), ReLU(Inplace = true), Conv(256, Kernel = 3, Padding = 1), ReLU(Inplace = true),
     Conv(256, Kernel = 3, Padding = 1), ReLU(Inplace = true)] Stage conv3;
    [MaxPool(2, Stride = 2)] Stage pool3;
    [Conv(512, Kernel = 3, Padding = 1), ReLU(Inplace = true), Conv(512, Kernel = 3, Padding = 1), ReLU(Inplace = true),
     Conv(512, Kernel = 3, Padding = 1), ReLU(Inplace = true)] Stage conv4;
    [MaxPool(3, Stride = 1, Padding = 1)] Stage pool4;
#pragma warning disable NDSL0031 // DeepLab's rate-2 conv5, on purpose
    [Conv(512, Kernel = 3, Padding = 2, Dilation = 2), ReLU(Inplace = true), Conv(512, Kernel = 3, Padding = 2, Dilation = 2), ReLU(Inplace = true),
     Conv(512, Kernel = 3, Padding = 2, Dilation = 2), ReLU(Inplace = true)] Stage conv5;
#pragma warning restore NDSL0031
    [MaxPool(3, Stride = 1, Padding = 1)] Stage pool5;
    [ASPPv2(21, 6, 12, 18, 24, Hidden = 128)] Stage ASPP;
}

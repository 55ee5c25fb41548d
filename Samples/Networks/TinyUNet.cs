namespace NetDsl.Samples.Networks;

/// <summary>Two conv-BN-ReLU layers, as U-Net's encoder and decoder steps use them.</summary>
[Block(Sequential = true)]
public partial class DoubleConv
{
    [Param] int channels;

    [Conv("channels", Kernel = 3, Padding = 1, Bias = false)] Stage conv_a;
    [BatchNorm] Stage bn_a;
    [ReLU(Inplace = true)] Stage relu_a;
    [Conv("channels", Kernel = 3, Padding = 1, Bias = false)] Stage conv_b;
    [BatchNorm] Stage bn_b;
    [ReLU(Inplace = true)] Stage relu_b;
}

/// <summary>
/// A small U-Net with a symbolic input size: the compiler works out that H and W must be multiples of 4 (two
/// poolings, then upsampling back to concatenate with the encoder's skips) and the generated forward checks it.
/// </summary>
[Network(InChannels = 1)]
public partial class TinyUNet
{
    [Use(typeof(DoubleConv), 16)] Stage enc1;
    [MaxPool(2)] Stage pool1;
    [Use(typeof(DoubleConv), 32)] Stage enc2;
    [MaxPool(2)] Stage pool2;
    [Use(typeof(DoubleConv), 64)] Stage bottleneck;
    [ConvTranspose(32, Kernel = 2, Stride = 2)] Stage up2;
    [Concat(nameof(enc2))] Stage skip2;
    [Use(typeof(DoubleConv), 32)] Stage dec2;
    [ConvTranspose(16, Kernel = 2, Stride = 2)] Stage up1;
    [Concat(nameof(enc1))] Stage skip1;
    [Use(typeof(DoubleConv), 16)] Stage dec1;
    [Conv(2, Kernel = 1)] Stage head;
}

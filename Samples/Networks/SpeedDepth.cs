namespace NetDsl.Samples.Networks;

/// <summary>
/// Seed 003's SPEED depth network (Papa et al., IEEE Access 2022; <c>lorenzopapa5/SPEED</c> <c>create_SPEED_model</c>) for a
/// 192x256 RGB image: a MobileNet-v1 encoder with a DSPP after block 7, then a decoder of three up-projections (the last
/// two starting with an MDSPP) with encoder skips, and a 3x3 conv to one depth channel at 48x64. The stage names are the
/// Keras layer names (<c>conv_dw_6</c>, <c>conv_pw_6_bn</c>, <c>up2_upconv_final</c>, ...), so the state_dict keys map to
/// the Keras weights one to one (DSPP's and MDSPP's children are described on the runtime modules).
/// </summary>
/// <remarks>
/// <para>
/// The skips are what the seed's code concatenates: <c>base_model.get_layer('conv_dw_6').output</c>, and in Keras'
/// MobileNet naming <c>conv_dw_N</c> is block N's depthwise convolution (before its batch norm), 12x16x<b>256</b>, not the
/// block's 512-channel output. The article's comments assume the block outputs (512, 256, 128 channels, concats of 640,
/// 320, 160 and decoder widths 128, 64, 32); following the code, the concats have 384, 192, 96 channels and the
/// separable convolutions (the largest power of two at most a quarter of that) 64, 32, 16, so that each MDSPP gets as
/// many channels as its filters, which is what the code's <c>(h, w, filters) -> (h, w, filters * 2)</c> comment says.
/// </para>
/// <para>
/// Deviations from the Keras code, none of which changes a shape or a parameter count: the stride-2 depthwise convs
/// (Keras: <c>ZeroPadding2D(((0, 1), (0, 1)))</c> then 'valid') and the stride-2 first conv and transposed convs (TF's
/// 'same') use PyTorch's symmetric padding (1, and output padding 1 for the transposed convs), which shifts their
/// windows by one pixel; the batch norms use Keras' epsilon 1e-3 and momentum 0.99 (PyTorch's 0.01); the resize is
/// PyTorch's bilinear interpolation with align_corners = false (TF2's half-pixel <c>tf.image.resize</c>).
/// </para>
/// </remarks>
[Network(InChannels = 3, Height = 192, Width = 256)]
public partial class SpeedDepth
{
    // ---- encoder (SPEED_Encoder): 192x256x3 -> 6x8x256
    [Conv(32, Kernel = 3, Stride = 2, Padding = 1, Bias = false)] Stage conv1;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv1_bn;
    [ReLU6] Stage conv1_relu;
    // block 1: 32 -> 64
    [Conv(32, Kernel = 3, Padding = 1, Groups = 32, Bias = false)] Stage conv_dw_1;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_1_bn;
    [ReLU6] Stage conv_dw_1_relu;
    [Conv(64, Kernel = 1, Bias = false)] Stage conv_pw_1;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_1_bn;
    [ReLU6] Stage conv_pw_1_relu;
    // block 2: 64 -> 128, stride 2; conv_dw_2 is a decoder skip
    [Conv(64, Kernel = 3, Stride = 2, Padding = 1, Groups = 64, Bias = false)] Stage conv_dw_2;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_2_bn;
    [ReLU6] Stage conv_dw_2_relu;
    [Conv(128, Kernel = 1, Bias = false)] Stage conv_pw_2;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_2_bn;
    [ReLU6] Stage conv_pw_2_relu;
    // block 3: 128 -> 128
    [Conv(128, Kernel = 3, Padding = 1, Groups = 128, Bias = false)] Stage conv_dw_3;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_3_bn;
    [ReLU6] Stage conv_dw_3_relu;
    [Conv(128, Kernel = 1, Bias = false)] Stage conv_pw_3;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_3_bn;
    [ReLU6] Stage conv_pw_3_relu;
    // block 4: 128 -> 256, stride 2; conv_dw_4 is a decoder skip
    [Conv(128, Kernel = 3, Stride = 2, Padding = 1, Groups = 128, Bias = false)] Stage conv_dw_4;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_4_bn;
    [ReLU6] Stage conv_dw_4_relu;
    [Conv(256, Kernel = 1, Bias = false)] Stage conv_pw_4;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_4_bn;
    [ReLU6] Stage conv_pw_4_relu;
    // block 5: 256 -> 256
    [Conv(256, Kernel = 3, Padding = 1, Groups = 256, Bias = false)] Stage conv_dw_5;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_5_bn;
    [ReLU6] Stage conv_dw_5_relu;
    [Conv(256, Kernel = 1, Bias = false)] Stage conv_pw_5;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_5_bn;
    [ReLU6] Stage conv_pw_5_relu;
    // block 6: 256 -> 512, stride 2; conv_dw_6 is a decoder skip
    [Conv(256, Kernel = 3, Stride = 2, Padding = 1, Groups = 256, Bias = false)] Stage conv_dw_6;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_6_bn;
    [ReLU6] Stage conv_dw_6_relu;
    [Conv(512, Kernel = 1, Bias = false)] Stage conv_pw_6;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_6_bn;
    [ReLU6] Stage conv_pw_6_relu;
    // block 7: 512 -> 512
    [Conv(512, Kernel = 3, Padding = 1, Groups = 512, Bias = false)] Stage conv_dw_7;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_7_bn;
    [ReLU6] Stage conv_dw_7_relu;
    [Conv(512, Kernel = 1, Bias = false)] Stage conv_pw_7;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_7_bn;
    [ReLU6] Stage conv_pw_7_relu;
    // DSPP: 12x16x512 -> 12x16x1024 (the input, then 4 x 128); bins 6 and 8 do not divide 12x16 (NDSL0044)
#pragma warning disable NDSL0044 // SPEED's configuration: the seed itself lists the 6x8 and 12x8 grids
    [DSPP(Filters = 128, Bins = new[] { 2, 4, 6, 8 })] Stage dspp;
#pragma warning restore NDSL0044
    // block 12: 1024 -> 1024, stride 2
    [Conv(1024, Kernel = 3, Stride = 2, Padding = 1, Groups = 1024, Bias = false)] Stage conv_dw_12;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_12_bn;
    [ReLU6] Stage conv_dw_12_relu;
    [Conv(1024, Kernel = 1, Bias = false)] Stage conv_pw_12;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_12_bn;
    [ReLU6] Stage conv_pw_12_relu;
    // block 13: 1024 -> 256
    [Conv(1024, Kernel = 3, Padding = 1, Groups = 1024, Bias = false)] Stage conv_dw_13;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_dw_13_bn;
    [ReLU6] Stage conv_dw_13_relu;
    [Conv(256, Kernel = 1, Bias = false)] Stage conv_pw_13;
    [BatchNorm(Eps = 1e-3, Momentum = 0.01)] Stage conv_pw_13_bn;
    [ReLU6] Stage conv_pw_13_relu;

    // ---- decoder: 6x8x256 -> 48x64x1
    [Conv(256, Kernel = 1)] Stage conv_Init_decoder;
    // up1: transposed conv, concat conv_dw_6 (12x16x256), ReLU, separable conv to HPO2(384 / 4) = 64, ReLU
    [ConvTranspose(128, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1, Bias = false)] Stage up1_upconv;
    [Concat(nameof(conv_dw_6))] Stage up1_concat;
    [ReLU] Stage up1_concat_relu;
    [SeparableConv(64, Bias = false)] Stage up1_sep_conv;
    [ReLU] Stage up1_sep_conv_relu;
    // up2: MDSPP (F = 64: 64 + 64 = 128), transposed conv, concat conv_dw_4 (24x32x128), separable conv to HPO2(192 / 4) = 32
#pragma warning disable NDSL0044 // as in the DSPP: bins 6 and 8 over 12x16
    [MDSPP(Filters = 64)] Stage up2;
#pragma warning restore NDSL0044
    [ConvTranspose(64, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1, Bias = false)] Stage up2_upconv_final;
    [Concat(nameof(conv_dw_4))] Stage up2_concat;
    [ReLU] Stage up2_concat_relu;
    [SeparableConv(32, Bias = false)] Stage up2_sep_conv;
    [ReLU] Stage up2_sep_conv_relu;
    // up3: MDSPP (F = 32: 32 + 32 = 64), transposed conv, concat conv_dw_2 (48x64x64), separable conv to HPO2(96 / 4) = 16
    [MDSPP(Filters = 32)] Stage up3;
    [ConvTranspose(32, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1, Bias = false)] Stage up3_upconv_final;
    [Concat(nameof(conv_dw_2))] Stage up3_concat;
    [ReLU] Stage up3_concat_relu;
    [SeparableConv(16, Bias = false)] Stage up3_sep_conv;
    [ReLU] Stage up3_sep_conv_relu;
    [Conv(1, Kernel = 3, Padding = 1)] Stage convDepthF;
}

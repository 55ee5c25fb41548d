using System;

namespace NetDsl
{
    // Pyramid stages of seed 003 beyond [SPP], [ASPP], [DeepLabHead] and [FCNHead] (LayerAttributes.cs): the separable
    // convolution, SPEED's DSPP and MDSPP, and DeepLab v2's summed ASPP. Arguments typed `object` take an int literal
    // or, inside a [Block], an expression string over the block's parameters and `in_channels`.

    /// <summary>
    /// A depthwise separable convolution (<c>NetDsl.Pyramids.SeparableConv2d</c>, Keras' <c>SeparableConv2D</c>): a
    /// depthwise k x k convolution (one filter per input channel, no bias; it takes the stride, padding and dilation),
    /// then a 1x1 convolution to <see cref="OutChannels"/> that carries the bias. Children <c>depthwise</c> and
    /// <c>pointwise</c>; C_in·k² + C_in·C_out (+ C_out) parameters.
    /// </summary>
    /// <remarks>The padding defaults to "same" (Keras' use in SPEED; stride 1 only), unlike [Conv]'s 0.</remarks>
    public sealed class SeparableConvAttribute : LayerAttribute
    {
        public SeparableConvAttribute(object outChannels) => OutChannels = outChannels;
        public object OutChannels { get; }
        /// <summary>Kernel size (square) of the depthwise step. Default 3.</summary>
        public object Kernel { get; set; } = 3;
        public object Stride { get; set; } = 1;
        /// <summary>"same" (the default; stride 1 only), "valid", an int, or an expression.</summary>
        public object Padding { get; set; } = "same";
        public object Dilation { get; set; } = 1;
        /// <summary>Bias of the pointwise step (Keras' use_bias, true by default).</summary>
        public bool Bias { get; set; } = true;
        /// <summary>Optional: the input channels this layer expects; checked at compile time.</summary>
        public object? In { get; set; }
    }

    /// <summary>
    /// DSPP, depthwise separable pyramid pooling (SPEED, Papa et al. 2022): for each bin b an average pool with window =
    /// stride = (H // b, W // b) ('valid'), a 3x3 separable convolution with bias to <see cref="Filters"/> channels, and a
    /// bilinear resize back to H x W; the output is the input followed by the branches: C + R·F channels (C + 4F for the
    /// default bins). Children <c>convs.0</c>, <c>convs.1</c>, ... (<c>NetDsl.Pyramids.DSPP</c>).
    /// </summary>
    /// <remarks>The pooled grid of a bin is floor(H / (H // b)) cells, b only when b divides H; the summary shows it per
    /// branch. A bin larger than the map makes the window 0 (NDSL0043).</remarks>
    public sealed class DSPPAttribute : LayerAttribute
    {
        /// <summary>Filters F of each branch. Default 128 (SPEED's encoder).</summary>
        public object Filters { get; set; } = 128;
        /// <summary>Pyramid bins, one branch each. Default 2, 4, 6, 8 (SPEED).</summary>
        public int[] Bins { get; set; } = { 2, 4, 6, 8 };
    }

    /// <summary>
    /// MDSPP, mixed depthwise separable pyramid pooling (SPEED's decoder): four pyramid branches (pooled as
    /// <see cref="DSPPAttribute"/>, 3x3 separable conv to F/4 without bias, resized back), mixed in the pairs (bins 0, 2) and
    /// (bins 1, 3): ReLU, 3x3 separable conv to F/2 (no bias), ReLU; output [pair 1, pair 2, input]: 2·(F/2) + C channels
    /// (F + C for an even F). Children <c>upconv_1.0</c>..<c>upconv_1.3</c>, <c>upconv_2_odd</c>, <c>upconv_2_even</c>
    /// (<c>NetDsl.Pyramids.MDSPP</c>).
    /// </summary>
    public sealed class MDSPPAttribute : LayerAttribute
    {
        /// <summary>Filters F (at least 4): the branches have F/4 channels, each pair F/2. Default 128.</summary>
        public object Filters { get; set; } = 128;
        /// <summary>Exactly four pyramid bins. Default 2, 4, 6, 8 (SPEED).</summary>
        public int[] Bins { get; set; } = { 2, 4, 6, 8 };
    }

    /// <summary>
    /// DeepLab v2's ASPP: one branch per atrous rate, their outputs <b>summed</b> to the classes
    /// (<c>NetDsl.Pyramids.DeepLabV2ASPP</c>). With <see cref="Hidden"/> = 0 each branch is one
    /// Conv2d(C → classes, 3, padding = dilation = rate) ("ASPP-L" on ResNet-101, children <c>c0</c>, <c>c1</c>, ...); with
    /// Hidden = h it is the VGG-16 form of seed 003: Conv2d(C → h, 3, padding = dilation = rate), ReLU, Conv2d(h → h, 1),
    /// ReLU, Conv2d(h → classes, 1), children <c>branch1</c>, <c>branch2</c>, ....
    /// </summary>
    /// <example><c>[ASPPv2(21, 6, 12, 18, 24, Hidden = 128)] Stage ASPP;</c> is the seed's head on VGG-16's 512 channels.</example>
    public sealed class ASPPv2Attribute : LayerAttribute
    {
        public ASPPv2Attribute(object numClasses, params int[] rates)
        {
            NumClasses = numClasses;
            Rates = rates;
        }

        /// <summary>Output classes (every branch ends there).</summary>
        public object NumClasses { get; }
        /// <summary>Atrous rates, one branch each; empty means 6, 12, 18, 24 (ASPP-L).</summary>
        public int[] Rates { get; }
        /// <summary>0: one 3x3 conv per rate (ASPP-L); h: the VGG form's fc6 / fc7 width (128 in seed 003, 1024 in the paper).</summary>
        public object Hidden { get; set; } = 0;
    }
}

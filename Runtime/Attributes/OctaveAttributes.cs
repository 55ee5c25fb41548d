using System;

namespace NetDsl
{
    /// <summary>
    /// Octave convolution (Chen et al., ICCV 2019, "Drop an Octave"): a fraction alpha of the channels lives at half
    /// resolution, and four convolutions exchange information between the two frequencies (high→high, high→low by 2x2
    /// average pooling, low→high then nearest 2x upsampling, low→low). At stride 2 the inputs are pooled first and
    /// low→high needs no upsampling. Low channels are <c>int(alpha·C)</c>, high <c>C − int(alpha·C)</c>.
    /// </summary>
    /// <remarks>
    /// <para>The stage's value is then a (high, low) pair: <see cref="BatchNormAttribute"/>, activations and
    /// <see cref="DropoutAttribute"/> act on each frequency, <see cref="ShortcutAttribute"/> adds per frequency and projects
    /// with an octave 1x1 convolution. <see cref="AlphaIn"/> = 0 makes a first layer (it splits a plain tensor),
    /// <see cref="AlphaOut"/> = 0 a last one (it merges back to a plain tensor).</para>
    /// <para>With <see cref="BatchNorm"/> the stage is d-li14's <c>Conv_BN</c> (children <c>conv</c>, <c>bn_h</c>,
    /// <c>bn_l</c>); with <see cref="ReLU"/> too it is <c>Conv_BN_ACT</c> (and <c>act</c>), so state_dict keys match
    /// d-li14/octconv.pytorch.</para>
    /// <para><see cref="AlphaIn"/> and <see cref="AlphaOut"/> take a number in [0, 1] or, inside a [Block], the name of a
    /// <c>double</c> [Param] field (e.g. "alpha").</para>
    /// </remarks>
    public sealed class OctConvAttribute : LayerAttribute
    {
        public OctConvAttribute(object outChannels) => OutChannels = outChannels;
        /// <summary>Output channels, both frequencies together.</summary>
        public object OutChannels { get; }
        /// <summary>Kernel size (square). Default 3.</summary>
        public object Kernel { get; set; } = 3;
        /// <summary>1 or 2 (2 pools by 2x2 average first, as the reference).</summary>
        public object Stride { get; set; } = 1;
        /// <summary>Zero padding; with a low-frequency branch it must keep sizes, 2·padding = dilation·(kernel − 1).</summary>
        public object Padding { get; set; } = 0;
        public object Dilation { get; set; } = 1;
        /// <summary>Groups; groups = in_channels makes it depthwise (only high→high and low→low).</summary>
        public object Groups { get; set; } = 1;
        /// <summary>A bias on every convolution (d-li14). Default false, as the reference.</summary>
        public bool Bias { get; set; }
        /// <summary>Low-frequency fraction of the input, in [0, 1] (0: a plain input, split by this layer).</summary>
        public object AlphaIn { get; set; } = 0.5;
        /// <summary>Low-frequency fraction of the output, in [0, 1] (0: a plain output, merged by this layer).</summary>
        public object AlphaOut { get; set; } = 0.5;
        /// <summary>One BatchNorm2d per output frequency (d-li14's Conv_BN).</summary>
        public bool BatchNorm { get; set; }
        /// <summary>ReLU on each frequency after the batch norms (d-li14's Conv_BN_ACT); needs <see cref="BatchNorm"/>.</summary>
        public bool ReLU { get; set; }
        /// <summary>Optional: the input channels (both frequencies) this layer expects; checked at compile time.</summary>
        public object? In { get; set; }
    }
}

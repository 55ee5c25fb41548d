using System;

namespace NetDsl
{
    /// <summary>How a <see cref="DownsampleAttribute"/> halves the spatial size.</summary>
    public enum DownsampleKind
    {
        /// <summary><c>nn.MaxPool2d(2)</c>: floor(H/2), channels unchanged, no parameters.</summary>
        MaxPool = 0,
        /// <summary><c>nn.AvgPool2d(2)</c>: floor(H/2), channels unchanged, no parameters.</summary>
        AvgPool = 1,
        /// <summary>Conv2d(k3, s2, p1) (+ ReLU): ceil(H/2), 9·Cin·Cout + Cout parameters.</summary>
        StridedConv = 2,
        /// <summary>
        /// Haar wavelet downsampling (HWD, Xu et al. 2023): Haar DWT (bands kept in the channels), then 1x1 conv + BN + ReLU:
        /// ceil(H/2), 4·Cin·Cout + 3·Cout parameters, no information thrown away before the 1x1 conv.
        /// </summary>
        Hwd = 3,
    }

    /// <summary>
    /// A 2x downsampler whose kind is one argument, so a network's downsampling can be switched in one place
    /// (seed 000's comparison of max/avg pooling, strided convolution and HWD).
    /// </summary>
    public sealed class DownsampleAttribute : LayerAttribute
    {
        public DownsampleAttribute(DownsampleKind kind) => Kind = kind;
        public DownsampleKind Kind { get; }
        /// <summary>Output channels for StridedConv and Hwd; 0 keeps the input channels (pooling always keeps them).</summary>
        public object Out { get; set; } = 0;
        /// <summary>StridedConv only: apply a ReLU after the convolution (seed 000's default).</summary>
        public bool ReLU { get; set; } = true;
    }

    /// <summary>
    /// WTConv2d (Finder et al., ECCV 2024): a depthwise convolution with a near-global receptive field from a cascade of
    /// wavelet levels, each running a small depthwise conv on the sub-bands. Channels in == out.
    /// </summary>
    public sealed class WTConvAttribute : LayerAttribute
    {
        public WTConvAttribute(object outChannels) => OutChannels = outChannels;
        /// <summary>Must equal the input channels (WTConv is a depthwise-conv replacement).</summary>
        public object OutChannels { get; }
        public object Kernel { get; set; } = 5;
        public object Stride { get; set; } = 1;
        public bool Bias { get; set; } = true;
        /// <summary>Number of wavelet levels (wt_levels).</summary>
        public object Levels { get; set; } = 1;
        /// <summary>pywt wavelet name (wt_type): "db1" (Haar), "db2", "sym4", "coif1", "bior2.2", ...</summary>
        public string Wavelet { get; set; } = "db1";
        /// <summary>How the fixed filters <c>wt_filter</c> / <c>iwt_filter</c> are held: buffers (the default, not in
        /// <c>parameters()</c>) or, as the official code, Parameters without gradients (counted as parameters).</summary>
        public WTConvFilters Filters { get; set; } = WTConvFilters.Buffers;
    }

    /// <summary>How <c>WTConv2d</c> registers its fixed wavelet filters <c>wt_filter</c> and <c>iwt_filter</c>; the
    /// state_dict keys and values are the same either way.</summary>
    public enum WTConvFilters
    {
        /// <summary>Registered buffers: in the state_dict, not in <c>parameters()</c> nor in the parameter count.</summary>
        Buffers = 0,
        /// <summary>The official <c>nn.Parameter(requires_grad=False)</c>: in <c>parameters()</c> and in the count (as
        /// PyTorch's and timm's param_count give them), never trained.</summary>
        Parameters = 1,
    }
}

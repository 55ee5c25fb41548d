using System;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Pyramids
{
    /// <summary>
    /// A depthwise separable convolution with Keras <c>SeparableConv2D(filters, kernel_size, padding='same')</c>
    /// semantics (depth_multiplier 1): a depthwise k×k convolution (one filter per input channel, no bias)
    /// followed by a pointwise 1×1 convolution to the output channels, which carries the optional bias.
    /// (N, C_in, H, W) becomes (N, C_out, H', W'): H' = H with 'same' padding (the default, stride 1), otherwise
    /// PyTorch's convolution size of the depthwise step (stride, symmetric padding, dilation).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Children: <c>depthwise</c> = Conv2d(C_in → C_in, k, groups C_in, padding 'same', no bias) and <c>pointwise</c> =
    /// Conv2d(C_in → C_out, 1, bias); parameters C_in·k² + C_in·C_out (+ C_out). 'same' padding puts an even kernel's extra
    /// pixel right / bottom, as PyTorch and TensorFlow do. The stride and the dilation belong to the depthwise step (as in
    /// Keras, where <c>strides</c> and <c>dilation_rate</c> go to the depthwise convolution); 'same' padding needs stride 1,
    /// as in PyTorch, so a strided separable convolution takes an explicit padding.
    /// </para>
    /// <para>
    /// Keras weights map as: <c>depthwise_kernel</c> (k, k, C_in, 1) → <c>depthwise.weight</c> (C_in, 1, k, k) by
    /// <c>permute(2, 3, 0, 1)</c>; <c>pointwise_kernel</c> (1, 1, C_in, C_out) → <c>pointwise.weight</c> (C_out, C_in, 1, 1) by
    /// <c>permute(3, 2, 0, 1)</c>; <c>bias</c> → <c>pointwise.bias</c>.
    /// </para>
    /// </remarks>
    public sealed partial class SeparableConv2d : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(SeparableConv2d);

        /// <summary>Builds the convolution with PyTorch's default initialisation.</summary>
        /// <param name="in_channels">Input channels C_in (at least 1).</param>
        /// <param name="out_channels">Output channels C_out (at least 1).</param>
        /// <param name="kernel_size">Square kernel size k of the depthwise convolution (at least 1).</param>
        /// <param name="bias">Give the pointwise convolution a bias (Keras' <c>use_bias</c>, true by default).</param>
        /// <param name="stride">Stride of the depthwise convolution (at least 1).</param>
        /// <param name="padding">Symmetric zero padding of the depthwise convolution; null (the default) for 'same', which
        /// needs stride 1.</param>
        /// <param name="dilation">Dilation of the depthwise convolution (at least 1).</param>
        /// <exception cref="ArgumentException">An argument is out of range, or 'same' padding is asked with a stride above 1.</exception>
        public SeparableConv2d(long in_channels, long out_channels, long kernel_size = 3, bool bias = true,
            long stride = 1, long? padding = null, long dilation = 1) : base(Name)
        {
            PyramidInput.Positive(Name, in_channels, nameof(in_channels));
            PyramidInput.Positive(Name, out_channels, nameof(out_channels));
            PyramidInput.Positive(Name, kernel_size, nameof(kernel_size));
            PyramidInput.Positive(Name, stride, nameof(stride));
            PyramidInput.Positive(Name, dilation, nameof(dilation));
            if (padding is < 0)
                throw new ArgumentException($"{Name}: padding must not be negative, got {padding}.", nameof(padding));
            if (padding is null && stride != 1)
                throw new ArgumentException($"{Name}: 'same' padding needs stride 1 (as in PyTorch), got stride {stride}; give a padding.",
                                            nameof(padding));
            InChannels = in_channels;
            OutChannels = out_channels;
            KernelSize = kernel_size;
            HasBias = bias;
            Stride = stride;
            Padding = padding;
            Dilation = dilation;
            Depthwise = padding is long p
                ? nn.Conv2d(in_channels, in_channels, kernel_size, stride: stride, padding: p, dilation: dilation, groups: in_channels, bias: false)
                : nn.Conv2d(in_channels, in_channels, kernel_size, TorchSharp.Padding.Same, dilation: dilation, groups: in_channels, bias: false);
            Pointwise = nn.Conv2d(in_channels, out_channels, 1, bias: bias);
            register_module("depthwise", Depthwise);
            register_module("pointwise", Pointwise);
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under their PyTorch names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add the properties a second time
        /// under their C# names; this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Input channels C_in.</summary>
        public long InChannels { get; }

        /// <summary>Output channels C_out.</summary>
        public long OutChannels { get; }

        /// <summary>Kernel size k.</summary>
        public long KernelSize { get; }

        /// <summary>Whether the pointwise convolution has a bias.</summary>
        public bool HasBias { get; }

        /// <summary>Stride of the depthwise convolution.</summary>
        public long Stride { get; }

        /// <summary>Symmetric padding of the depthwise convolution; null for 'same'.</summary>
        public long? Padding { get; }

        /// <summary>Dilation of the depthwise convolution.</summary>
        public long Dilation { get; }

        /// <summary>The depthwise convolution <c>depthwise</c> (weight (C_in, 1, k, k)).</summary>
        public Modules.Conv2d Depthwise { get; }

        /// <summary>The pointwise convolution <c>pointwise</c> (weight (C_out, C_in, 1, 1)).</summary>
        public Modules.Conv2d Pointwise { get; }

        /// <summary>Parameters: C_in·k² + C_in·C_out, plus C_out with bias.</summary>
        public static long ParameterCount(long inChannels, long outChannels, long kernelSize, bool bias) =>
            inChannels * kernelSize * kernelSize + inChannels * outChannels + (bias ? outChannels : 0);

        /// <summary>(N, C_in, H, W) to (N, C_out, H, W).</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C_in channels and a
        /// positive height and width.</exception>
        public override Tensor forward(Tensor x)
        {
            PyramidInput.Check(Name, x, InChannels);
            using var scope = NewDisposeScope();
            return Pointwise.call(Depthwise.call(x)).MoveToOuterDisposeScope();
        }
    }
}

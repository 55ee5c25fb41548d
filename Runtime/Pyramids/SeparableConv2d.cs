using System;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Pyramids
{
    /// <summary>
    /// A depthwise separable convolution with Keras <c>SeparableConv2D(filters, kernel_size, padding='same')</c>
    /// semantics (depth_multiplier 1, stride 1): a depthwise k×k convolution (one filter per input channel, no bias)
    /// followed by a pointwise 1×1 convolution to the output channels, which carries the optional bias.
    /// (N, C_in, H, W) becomes (N, C_out, H, W).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Children: <c>depthwise</c> = Conv2d(C_in → C_in, k, groups C_in, padding 'same', no bias) and <c>pointwise</c> =
    /// Conv2d(C_in → C_out, 1, bias); parameters C_in·k² + C_in·C_out (+ C_out). 'same' padding puts an even kernel's extra
    /// pixel right / bottom, as PyTorch and TensorFlow do.
    /// </para>
    /// <para>
    /// Keras weights map as: <c>depthwise_kernel</c> (k, k, C_in, 1) → <c>depthwise.weight</c> (C_in, 1, k, k) by
    /// <c>permute(2, 3, 0, 1)</c>; <c>pointwise_kernel</c> (1, 1, C_in, C_out) → <c>pointwise.weight</c> (C_out, C_in, 1, 1) by
    /// <c>permute(3, 2, 0, 1)</c>; <c>bias</c> → <c>pointwise.bias</c>.
    /// </para>
    /// </remarks>
    public sealed class SeparableConv2d : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(SeparableConv2d);

        /// <summary>Builds the convolution with PyTorch's default initialisation.</summary>
        /// <param name="in_channels">Input channels C_in (at least 1).</param>
        /// <param name="out_channels">Output channels C_out (at least 1).</param>
        /// <param name="kernel_size">Square kernel size k of the depthwise convolution (at least 1).</param>
        /// <param name="bias">Give the pointwise convolution a bias (Keras' <c>use_bias</c>, true by default).</param>
        /// <exception cref="ArgumentException">An argument is below 1.</exception>
        public SeparableConv2d(long in_channels, long out_channels, long kernel_size = 3, bool bias = true) : base(Name)
        {
            PyramidInput.Positive(Name, in_channels, nameof(in_channels));
            PyramidInput.Positive(Name, out_channels, nameof(out_channels));
            PyramidInput.Positive(Name, kernel_size, nameof(kernel_size));
            InChannels = in_channels;
            OutChannels = out_channels;
            KernelSize = kernel_size;
            HasBias = bias;
            Depthwise = nn.Conv2d(in_channels, in_channels, kernel_size, TorchSharp.Padding.Same, groups: in_channels, bias: false);
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

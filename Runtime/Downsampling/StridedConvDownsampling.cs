using System;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Downsampling
{
    /// <summary>
    /// Strided-convolution downsampling of seed 000 (<c>StridedConvolution</c>): Conv2d(C_in → C_out, k, stride s,
    /// padding 1, bias) followed by an optional ReLU. With the defaults (k = 3, s = 2) (N, C_in, H, W) becomes
    /// (N, C_out, floor((H − 1) / 2) + 1, ...) = ceil(H/2).
    /// </summary>
    /// <remarks>
    /// Children as in the seed: <c>conv</c> (state_dict keys <c>conv.weight</c>, <c>conv.bias</c>) and <c>relu</c>
    /// (no state; registered even when <c>is_relu</c> is false, as in the seed). Parameters C_out·C_in·k² + C_out.
    /// </remarks>
    public sealed partial class StridedConvDownsampling : nn.Module<Tensor, Tensor>
    {
        /// <summary>The seed's fixed padding.</summary>
        public const long Padding = 1;

        private readonly Modules.ReLU _relu;

        /// <summary>Builds the downsampler with PyTorch's default initialisation of the convolution.</summary>
        /// <param name="in_channels">Input channels (at least 1).</param>
        /// <param name="out_channels">Output channels (at least 1).</param>
        /// <param name="kernel_size">Square kernel size (at least 1; the seed uses 3).</param>
        /// <param name="stride">Stride (at least 1; the seed uses 2).</param>
        /// <param name="is_relu">Apply the ReLU after the convolution.</param>
        /// <exception cref="ArgumentException">An argument is below 1.</exception>
        public StridedConvDownsampling(long in_channels, long out_channels, long kernel_size = 3, long stride = 2, bool is_relu = true)
            : base(nameof(StridedConvDownsampling))
        {
            Positive(in_channels, nameof(in_channels));
            Positive(out_channels, nameof(out_channels));
            Positive(kernel_size, nameof(kernel_size));
            Positive(stride, nameof(stride));
            InChannels = in_channels;
            KernelSize = kernel_size;
            Stride = stride;
            IsRelu = is_relu;
            Conv = nn.Conv2d(in_channels, out_channels, kernel_size: kernel_size, stride: stride, padding: Padding, bias: true);
            _relu = nn.ReLU(inplace: true);
            register_module("conv", Conv);
            register_module("relu", _relu);
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under PyTorch's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add every field a second time
        /// under its C# name (e.g. <c>_waveletConvs.0.weight</c>); this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }


        /// <summary>Input channels.</summary>
        public long InChannels { get; }

        /// <summary>Kernel size.</summary>
        public long KernelSize { get; }

        /// <summary>Stride.</summary>
        public long Stride { get; }

        /// <summary>Whether the ReLU is applied.</summary>
        public bool IsRelu { get; }

        /// <summary>The convolution <c>conv</c>.</summary>
        public Modules.Conv2d Conv { get; }

        /// <summary>Output height or width: floor((size + 2 − k) / s) + 1.</summary>
        public long OutputSize(long size) => ShapeMath.ConvOutput(size, KernelSize, Stride, Padding, 1);

        /// <summary>(N, C_in, H, W) to (N, C_out, <see cref="OutputSize"/>(H), <see cref="OutputSize"/>(W)).</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C_in channels, or it
        /// is smaller than the kernel even with the padding.</exception>
        public override Tensor forward(Tensor x)
        {
            if (x is null) throw new ArgumentNullException(nameof(x));
            string shape = "[" + string.Join(", ", x.shape) + "]";
            if (x.dim() != 4)
                throw new ArgumentException($"StridedConvDownsampling: expected an NCHW tensor of rank 4, got rank {x.dim()} {shape}.", nameof(x));
            if (x.shape[1] != InChannels)
                throw new ArgumentException($"StridedConvDownsampling: expected {InChannels} input channels, got {shape}.", nameof(x));
            if (!torch.is_floating_point(x))
                throw new ArgumentException($"StridedConvDownsampling: expected a floating-point input, got {x.dtype}.", nameof(x));
            if (x.shape[2] < 1 || x.shape[3] < 1 || OutputSize(x.shape[2]) < 1 || OutputSize(x.shape[3]) < 1)
                throw new ArgumentException(
                    $"StridedConvDownsampling: a {KernelSize}x{KernelSize} kernel with padding {Padding} needs height and width of at least " +
                    $"{Math.Max(1, KernelSize - 2 * Padding)}, got {shape}.", nameof(x));
            if (!IsRelu) return Conv.call(x);
            using var scope = NewDisposeScope();
            return _relu.call(Conv.call(x)).MoveToOuterDisposeScope();
        }

        private static void Positive(long value, string name)
        {
            if (value < 1)
                throw new ArgumentException($"StridedConvDownsampling: {name} must be at least 1, got {value}.", name);
        }
    }
}

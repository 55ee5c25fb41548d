using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Wavelets
{
    /// <summary>
    /// One-level 2-D Haar transform without convolutions: each 2x2 block (a b / c d) becomes
    /// LL = (a+b+c+d)/2, high along H = (a+b-c-d)/2, high along W = (a-b+c-d)/2, HH = (a-b-c+d)/2, the values and
    /// order of <c>pywt.dwt2(x, 'haar')</c> (cA, cH, cV, cD), pytorch_wavelets (HWD) and WTConv (<c>db1</c>).
    /// Odd heights or widths get a zero row / column at the bottom / right first, as mode <c>'zero'</c> does.
    /// </summary>
    /// <remarks>
    /// Contiguous or not, float32 and float64 tensors on the CPU run a fused kernel (<see cref="UsesFusedKernel"/>): one
    /// pass with hardware intrinsics that reads the input once and writes the bands once, straight into the requested
    /// layout, registered with autograd as a function whose backward is the other transform (the adjoint of an orthonormal
    /// transform is its inverse; that of the zero padding is a crop and vice versa). Every other tensor (CUDA, float16,
    /// bfloat16) runs the LibTorch op chain (<see cref="ForwardOpChain"/>, <see cref="InverseOpChain"/>); both give the same
    /// values, bit for bit.
    /// </remarks>
    public static class Haar
    {
        /// <summary>Forward transform: (N, C, H, W) to stacked bands (N, C, 4, ceil(H/2), ceil(W/2)).</summary>
        /// <exception cref="ArgumentException">Rank is not 4, a dimension is empty, or the dtype is not floating point.</exception>
        public static Tensor Forward(Tensor x)
        {
            WaveletChecks.Image(x, nameof(x), "Haar.Forward");
            return Analysis(x, HaarLayout.Stacked, (x.shape[2] + 1) / 2, (x.shape[3] + 1) / 2);
        }

        /// <summary>Forward transform flattened to (N, 4C, ceil(H/2), ceil(W/2)) in HWD's or WTConv's channel layout.</summary>
        /// <exception cref="ArgumentException">See <see cref="Forward(Tensor)"/>.</exception>
        public static Tensor Forward(Tensor x, BandLayout layout)
        {
            WaveletChecks.Image(x, nameof(x), "Haar.Forward");
            return Analysis(x, Layout(layout), (x.shape[2] + 1) / 2, (x.shape[3] + 1) / 2);
        }

        /// <summary>
        /// Inverse transform of stacked bands (N, C, 4, h, w): a = (LL+B1+B2+B3)/2, b = (LL+B1-B2-B3)/2,
        /// c = (LL-B1+B2-B3)/2, d = (LL-B1-B2+B3)/2, giving (N, C, 2h, 2w), cropped to <paramref name="height"/> x
        /// <paramref name="width"/> when given (the size of an odd original).
        /// </summary>
        /// <exception cref="ArgumentException">The bands are not (N, C, 4, h, w) floating point, or a crop size is out of range.</exception>
        public static Tensor Inverse(Tensor bands, long? height = null, long? width = null)
        {
            var (outHeight, outWidth) = CheckInverse(bands, height, width);
            return Synthesis(bands, HaarLayout.Stacked, outHeight, outWidth);
        }

        /// <summary>Inverse transform of (N, 4C, h, w) channels in HWD's or WTConv's layout.</summary>
        /// <exception cref="ArgumentException">The channel count is not a multiple of 4, or see <see cref="Inverse(Tensor, long?, long?)"/>.</exception>
        public static Tensor Inverse(Tensor channels, BandLayout layout, long? height = null, long? width = null)
        {
            var kind = Layout(layout);
            using (NewDisposeScope()) CheckInverse(WaveletBands.FromChannels(channels, layout), height, width);
            return Synthesis(channels, kind, height ?? 2 * channels.shape[2], width ?? 2 * channels.shape[3]);
        }

        /// <summary>
        /// Whether <see cref="Forward(Tensor)"/> and <see cref="Inverse(Tensor, long?, long?)"/> (and their layout overloads)
        /// run the fused CPU kernel on this tensor: a float32 or float64 CPU tensor with elements, at most 2 GiB (and so the result). A
        /// non-contiguous one is copied to contiguous memory first.
        /// </summary>
        public static bool UsesFusedKernel(Tensor t) => t is not null && HaarKernel.Supports(t, t.numel());

        /// <summary>The vector instructions the fused kernel uses on this machine: "AVX-512", "AVX2" or "scalar".</summary>
        public static string FusedKernelInstructions => HaarKernel.Instructions;

        /// <summary>
        /// The forward transform as a chain of LibTorch operations (zero-pad, 2x2-block views, adds, stack), which
        /// <see cref="Forward(Tensor)"/> runs where the fused kernel does not apply; differentiable through LibTorch's own autograd.
        /// </summary>
        /// <exception cref="ArgumentException">See <see cref="Forward(Tensor)"/>.</exception>
        public static Tensor ForwardOpChain(Tensor x)
        {
            WaveletChecks.Image(x, nameof(x), "Haar.ForwardOpChain");
            return OpChainAnalysis(x, (x.shape[2] + 1) / 2, (x.shape[3] + 1) / 2);
        }

        /// <summary>The inverse transform as a chain of LibTorch operations; see <see cref="ForwardOpChain"/>.</summary>
        /// <exception cref="ArgumentException">See <see cref="Inverse(Tensor, long?, long?)"/>.</exception>
        public static Tensor InverseOpChain(Tensor bands, long? height = null, long? width = null)
        {
            var (outHeight, outWidth) = CheckInverse(bands, height, width, "Haar.InverseOpChain");
            return OpChainSynthesis(bands, outHeight, outWidth);
        }

        // ---- dispatch (also the backward of each fused transform) ----

        /// <summary>Forward into bands of h x w (h ≥ ceil(H/2), w ≥ ceil(W/2); more only in the adjoint of a crop).</summary>
        internal static Tensor Analysis(Tensor x, HaarLayout layout, long h, long w)
        {
            if (HaarKernel.Supports(x, x.shape[0] * x.shape[1] * 4 * h * w))
                return Tracked(x) ? HaarForwardFunction.apply(x, layout, h, w) : HaarKernel.Forward(x, layout, h, w);
            using var scope = NewDisposeScope();
            var bands = OpChainAnalysis(x, h, w);
            var result = layout == HaarLayout.Stacked ? bands : WaveletBands.ToChannels(bands, Public(layout));
            return result.MoveToOuterDisposeScope();
        }

        /// <summary>Inverse of bands in <paramref name="layout"/> into (N, C, height, width), height ≤ 2h, width ≤ 2w.</summary>
        internal static Tensor Synthesis(Tensor bands, HaarLayout layout, long height, long width)
        {
            if (HaarKernel.Supports(bands, bands.numel() / (4 * bands.shape[^2] * bands.shape[^1]) * height * width))
                return Tracked(bands) ? HaarInverseFunction.apply(bands, layout, height, width) : HaarKernel.Inverse(bands, layout, height, width);
            using var scope = NewDisposeScope();
            var stacked = layout == HaarLayout.Stacked ? bands : WaveletBands.FromChannels(bands, Public(layout));
            return OpChainSynthesis(stacked, height, width).MoveToOuterDisposeScope();
        }

        private static bool Tracked(Tensor t) => t.requires_grad && torch.is_grad_enabled();

        private static (long Height, long Width) CheckInverse(Tensor bands, long? height, long? width, string operation = "Haar.Inverse")
        {
            WaveletChecks.Bands(bands, nameof(bands), operation);
            long h = bands.shape[3], w = bands.shape[4];
            WaveletChecks.Crop(height, 2 * h, nameof(height), operation);
            WaveletChecks.Crop(width, 2 * w, nameof(width), operation);
            return (height ?? 2 * h, width ?? 2 * w);
        }

        private static HaarLayout Layout(BandLayout layout) => layout switch
        {
            BandLayout.ChannelMajor => HaarLayout.ChannelMajor,
            BandLayout.BandMajor => HaarLayout.BandMajor,
            _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "Not a BandLayout."),
        };

        private static BandLayout Public(HaarLayout layout) =>
            layout == HaarLayout.BandMajor ? BandLayout.BandMajor : BandLayout.ChannelMajor;

        // ---- the LibTorch op chain ----

        private static Tensor OpChainAnalysis(Tensor x, long h, long w)
        {
            using var scope = NewDisposeScope();
            long n = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3];
            var even = x;
            if (height != 2 * h || width != 2 * w)
                even = nn.functional.pad(x, new long[] { 0, 2 * w - width, 0, 2 * h - height }, PaddingModes.Constant, 0.0);
            var blocks = even.reshape(n, c, h, 2, w, 2); // [.., i, r, j, s] = x[.., 2i + r, 2j + s]
            var top = blocks.select(3, 0);               // (N, C, h, w, 2)
            var bottom = blocks.select(3, 1);
            Tensor a = top.select(4, 0), b = top.select(4, 1), cc = bottom.select(4, 0), d = bottom.select(4, 1);
            var rowSum = a + b;     // top row, low along W
            var rowDiff = a - b;    // top row, high along W
            var nextSum = cc + d;
            var nextDiff = cc - d;
            var ll = (rowSum + nextSum) * 0.5;
            var highH = (rowSum - nextSum) * 0.5;
            var highW = (rowDiff + nextDiff) * 0.5;
            var hh = (rowDiff - nextDiff) * 0.5;
            return torch.stack(new[] { ll, highH, highW, hh }, 2).MoveToOuterDisposeScope();
        }

        private static Tensor OpChainSynthesis(Tensor bands, long height, long width)
        {
            long n = bands.shape[0], c = bands.shape[1], h = bands.shape[3], w = bands.shape[4];
            using var scope = NewDisposeScope();
            Tensor ll = bands.select(2, 0), b1 = bands.select(2, 1), b2 = bands.select(2, 2), b3 = bands.select(2, 3);
            var p = ll + b1;
            var q = ll - b1;
            var r = b2 + b3;
            var s = b2 - b3;
            var top = torch.stack(new[] { (p + r) * 0.5, (p - r) * 0.5 }, -1);    // a, b: (N, C, h, w, 2)
            var bottom = torch.stack(new[] { (q + s) * 0.5, (q - s) * 0.5 }, -1); // c, d
            var image = torch.stack(new[] { top, bottom }, 3).reshape(n, c, 2 * h, 2 * w);
            if (height != 2 * h) image = image.narrow(2, 0, height);
            if (width != 2 * w) image = image.narrow(3, 0, width);
            return image.MoveToOuterDisposeScope();
        }
    }
}

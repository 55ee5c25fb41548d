using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Wavelets
{
    /// <summary>
    /// One-level 2-D discrete wavelet transform of NCHW tensors, channel by channel, equal to PyWavelets'
    /// <c>pywt.dwt2</c> / <c>pywt.idwt2</c> on the last two axes. Built from grouped <c>conv2d</c> (analysis, with the
    /// reversed decomposition filters) and grouped <c>conv_transpose2d</c> (synthesis, with the reconstruction
    /// filters), rows then columns, as pytorch_wavelets and WTConv do; differentiable through TorchSharp's autograd.
    /// </summary>
    /// <remarks>
    /// Bands are stacked as (N, C, 4, h, w) with index 0..3 = pywt's cA, cH, cV, cD:
    /// LL; high along H (rows) and low along W; low along H and high along W; high along both.
    /// <see cref="WaveletBands"/> flattens them to 4C channels in HWD's or WTConv's order.
    /// </remarks>
    public static class Dwt2d
    {
        /// <summary>
        /// Forward transform: (N, C, H, W) to (N, C, 4, h, w) with h = <see cref="DwtModes.OutputLength"/>(H) and
        /// w likewise, bands in pywt's order (cA, cH, cV, cD).
        /// </summary>
        /// <param name="x">Input of rank 4 and a floating-point dtype (float32, float64, ...).</param>
        /// <param name="wavelet">The wavelet, e.g. <c>Wavelet.Get("db2")</c>.</param>
        /// <param name="mode">Signal extension at the borders; pytorch_wavelets' and HWD's <c>'zero'</c> by default.</param>
        /// <exception cref="ArgumentException">Rank is not 4, the dtype is not floating point, a dimension is empty,
        /// or <see cref="DwtMode.Reflect"/> meets an axis of length 1.</exception>
        public static Tensor Forward(Tensor x, Wavelet wavelet, DwtMode mode = DwtMode.Zero)
        {
            if (wavelet is null) throw new ArgumentNullException(nameof(wavelet));
            WaveletChecks.Image(x, nameof(x), "Dwt2d.Forward");
            if (mode == DwtMode.Reflect && (x.shape[2] < 2 || x.shape[3] < 2))
                throw new ArgumentException(
                    $"Dwt2d.Forward: mode 'reflect' needs at least 2 rows and 2 columns, got {WaveletChecks.Shape(x)}.", nameof(x));

            using var scope = NewDisposeScope();
            long n = x.shape[0], c = x.shape[1];
            var lo = Reversed(wavelet.DecLo);
            var hi = Reversed(wavelet.DecHi);
            var rows = Analyze(x, 3, lo, hi, mode, c);        // (N, 2C, H, w): per channel (W-lo, W-hi)
            var bands = Analyze(rows, 2, lo, hi, mode, 2 * c); // (N, 4C, h, w): per channel (LL, H-hi, W-hi, HH)
            return bands.reshape(n, c, 4, bands.shape[2], bands.shape[3]).MoveToOuterDisposeScope();
        }

        /// <summary>Forward transform with pywt names: <c>Forward(x, "db2", "periodization")</c>.</summary>
        /// <exception cref="ArgumentException">Unknown wavelet or mode, or bad input (see the other overload).</exception>
        public static Tensor Forward(Tensor x, string wavelet, string mode = "zero") =>
            Forward(x, Wavelet.Get(wavelet), DwtModes.Parse(mode));

        /// <summary>
        /// Inverse transform of stacked bands (N, C, 4, h, w) (order cA, cH, cV, cD), equal to <c>pywt.idwt2</c>:
        /// the output has <see cref="DwtModes.InverseLength"/> rows and columns (2h - L + 2, or 2h for
        /// periodization), unless <paramref name="height"/> / <paramref name="width"/> crop it to the size of the
        /// original input (keeping the top-left part, as pywt's <c>waverec2</c> does).
        /// </summary>
        /// <exception cref="ArgumentException">The bands are not (N, C, 4, h, w) floating point, there are fewer than
        /// L / 2 coefficients per axis outside periodization (pywt refuses these too), or a crop size is out of range.</exception>
        public static Tensor Inverse(Tensor bands, Wavelet wavelet, DwtMode mode = DwtMode.Zero, long? height = null, long? width = null)
        {
            if (wavelet is null) throw new ArgumentNullException(nameof(wavelet));
            WaveletChecks.Bands(bands, nameof(bands), "Dwt2d.Inverse");
            long n = bands.shape[0], c = bands.shape[1], h = bands.shape[3], w = bands.shape[4];
            int length = wavelet.Length;
            if (mode != DwtMode.Periodization && (h < length / 2 || w < length / 2))
                throw new ArgumentException(
                    $"Dwt2d.Inverse: {wavelet.Name} ({length} taps) needs at least {length / 2} coefficients per axis in mode " +
                    $"'{DwtModes.Name(mode)}', got {h}x{w}.", nameof(bands));
            long outH = DwtModes.InverseLength(h, length, mode), outW = DwtModes.InverseLength(w, length, mode);
            WaveletChecks.Crop(height, outH, nameof(height), "Dwt2d.Inverse");
            WaveletChecks.Crop(width, outW, nameof(width), "Dwt2d.Inverse");

            using var scope = NewDisposeScope();
            var flat = bands.reshape(n, 4 * c, h, w);                                   // per channel (LL, H-hi, W-hi, HH)
            var cols = Synthesize(flat, 2, wavelet.RecLo, wavelet.RecHi, mode, 2 * c);  // (N, 2C, H', w): (W-lo, W-hi)
            var image = Synthesize(cols, 3, wavelet.RecLo, wavelet.RecHi, mode, c);     // (N, C, H', W')
            image = image.narrow(2, 0, height ?? outH).narrow(3, 0, width ?? outW);
            return image.MoveToOuterDisposeScope();
        }

        /// <summary>Inverse transform of the four bands given separately, each (N, C, h, w): pywt's <c>idwt2((cA, (cH, cV, cD)))</c>.</summary>
        /// <exception cref="ArgumentException">The four bands differ in shape, dtype or are not rank 4; see the stacked overload.</exception>
        public static Tensor Inverse(Tensor ll, Tensor horizontal, Tensor vertical, Tensor diagonal, Wavelet wavelet,
                                     DwtMode mode = DwtMode.Zero, long? height = null, long? width = null)
        {
            using var scope = NewDisposeScope();
            var stacked = WaveletBands.Stack(ll, horizontal, vertical, diagonal);
            return Inverse(stacked, wavelet, mode, height, width).MoveToOuterDisposeScope();
        }

        /// <summary>Inverse transform with pywt names: <c>Inverse(bands, "db2", "zero")</c>.</summary>
        /// <exception cref="ArgumentException">Unknown wavelet or mode, or bad input.</exception>
        public static Tensor Inverse(Tensor bands, string wavelet, string mode = "zero", long? height = null, long? width = null) =>
            Inverse(bands, Wavelet.Get(wavelet), DwtModes.Parse(mode), height, width);

        // One analysis pass along dim (2 = H, 3 = W) of a tensor with `groups` channels: extend the axis as pywt does,
        // then cross-correlate with the reversed filters at stride 2. Output channels per input channel: (lo, hi).
        // pywt: out[k] = sum_j f[j] x[2k + 1 - j] for k < floor((n + L - 1) / 2), i.e. L - 2 samples of extension on the
        // left; periodization: out[k] = sum_j f[j] xp[2k + L/2 - j] over the periodic xp, i.e. L/2 - 1 on both sides.
        private static Tensor Analyze(Tensor x, int dim, double[] reversedLo, double[] reversedHi, DwtMode mode, long groups)
        {
            int length = reversedLo.Length;
            long n = x.shape[dim];
            Tensor extended;
            if (mode == DwtMode.Periodization)
            {
                var even = n % 2 == 1 ? torch.cat(new[] { x, x.narrow(dim, n - 1, 1) }, dim) : x;
                extended = Extend(even, dim, length / 2 - 1, length / 2 - 1, DwtMode.Periodic);
            }
            else
            {
                long outputs = ShapeMath.DwtOutput(n, length);
                extended = Extend(x, dim, length - 2, 2 * (outputs - 1) - n + 2, mode);
            }
            var weight = FilterPair(reversedLo, reversedHi, dim, groups, x);
            var stride = dim == 2 ? new long[] { 2, 1 } : new long[] { 1, 2 };
            return nn.functional.conv2d(extended, weight, strides: stride, groups: groups);
        }

        // One synthesis pass along dim of a tensor with 2 * groups channels, (lo, hi) coefficients per group, summed
        // into one output channel per group. conv_transpose2d at stride 2 with the unreversed reconstruction filters
        // is pywt's upsampled convolution; pywt keeps the samples [L - 2, 2n) of it, which is the transposed conv's
        // padding L - 2. Periodization folds the full result circularly (offset L/2 - 1): the same is obtained by
        // extending the coefficients periodically by P = ceil(L/4) and cropping L/2 - 1 + 2P on each side.
        private static Tensor Synthesize(Tensor coefficients, int dim, double[] lo, double[] hi, DwtMode mode, long groups)
        {
            int length = lo.Length;
            long crop = length - 2;
            var input = coefficients;
            if (mode == DwtMode.Periodization)
            {
                int p = (length + 3) / 4;
                input = Extend(coefficients, dim, p, p, DwtMode.Periodic);
                crop = length / 2 - 1 + 2 * p;
            }
            var weight = FilterPair(lo, hi, dim, groups, coefficients);
            var stride = dim == 2 ? new long[] { 2, 1 } : new long[] { 1, 2 };
            var padding = dim == 2 ? new long[] { crop, 0 } : new long[] { 0, crop };
            return nn.functional.conv_transpose2d(input, weight, strides: stride, padding: padding, groups: groups);
        }

        // Weight (2 * groups, 1, L, 1) for dim 2 or (2 * groups, 1, 1, L) for dim 3: (lo, hi) repeated per group.
        // For conv2d that is 2 outputs per group; for conv_transpose2d (in, out/groups, kH, kW) it is 2 inputs per group.
        private static Tensor FilterPair(double[] lo, double[] hi, int dim, long groups, Tensor like)
        {
            int length = lo.Length;
            var shape = dim == 2 ? new long[] { 2, 1, length, 1 } : new long[] { 2, 1, 1, length };
            var pair = torch.tensor(lo.Concat(hi).ToArray(), shape, ScalarType.Float64, like.device);
            return pair.to_type(like.dtype).repeat(groups, 1, 1, 1);
        }

        // Extends dim by `left` and `right` samples with pywt's extension for `mode` (any length, repeating the rule
        // when the extension is longer than the signal, as pywt's C loops do).
        internal static Tensor Extend(Tensor x, int dim, long left, long right, DwtMode mode)
        {
            if (left == 0 && right == 0) return x;
            if (mode == DwtMode.Zero)
            {
                var pad = dim == 3 ? new long[] { left, right } : new long[] { 0, 0, left, right };
                return nn.functional.pad(x, pad, PaddingModes.Constant, 0.0);
            }
            long n = x.shape[dim];
            var index = new long[left + n + right];
            for (long i = 0; i < index.Length; i++)
                index[i] = SourceIndex(i - left, n, mode);
            return x.index_select(dim, torch.tensor(index, device: x.device));
        }

        // The sample of x[0..n-1] that position t (possibly outside) takes under `mode`.
        private static long SourceIndex(long t, long n, DwtMode mode)
        {
            switch (mode)
            {
                case DwtMode.Constant:
                    return Math.Clamp(t, 0, n - 1);
                case DwtMode.Symmetric:
                {
                    long r = Mod(t, 2 * n);
                    return r < n ? r : 2 * n - 1 - r;
                }
                case DwtMode.Reflect:
                {
                    long r = Mod(t, 2 * n - 2);
                    return r < n ? r : 2 * n - 2 - r;
                }
                case DwtMode.Periodic:
                case DwtMode.Periodization:
                    return Mod(t, n);
                default:
                    throw new ArgumentOutOfRangeException(nameof(mode), mode, "No index rule for this mode.");
            }
        }

        private static long Mod(long a, long m) => ((a % m) + m) % m;

        private static double[] Reversed(double[] filter) => filter.Reverse().ToArray();
    }
}

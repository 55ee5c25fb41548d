using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Wavelets
{
    /// <summary>How the 4 sub-bands of C channels are laid out as 4C channels.</summary>
    public enum BandLayout
    {
        /// <summary>
        /// HWD's order: <c>[LL(all C), band1(all C), band2(all C), band3(all C)]</c>; channel <c>s * C + c</c> holds band s
        /// of input channel c (pytorch_wavelets' <c>yl</c> and <c>yh[0][:, :, k]</c> concatenated).
        /// </summary>
        BandMajor,

        /// <summary>
        /// WTConv's order: the 4 bands of each input channel next to each other; channel <c>c * 4 + s</c> holds band s
        /// of input channel c (a reshape of (N, C, 4, h, w) to (N, 4C, h, w)).
        /// </summary>
        ChannelMajor,
    }

    /// <summary>Stacking and channel layouts of wavelet sub-bands (band index 0..3 = LL, high along H, high along W, HH).</summary>
    public static class WaveletBands
    {
        /// <summary>Stacks four (N, C, h, w) bands into (N, C, 4, h, w).</summary>
        /// <exception cref="ArgumentException">A band is not rank 4, or the bands differ in shape or dtype.</exception>
        public static Tensor Stack(Tensor ll, Tensor band1, Tensor band2, Tensor band3)
        {
            var all = new[] { ll, band1, band2, band3 };
            for (int i = 0; i < all.Length; i++)
            {
                if (all[i] is null) throw new ArgumentNullException(i == 0 ? nameof(ll) : "band" + i);
                if (all[i].dim() != 4)
                    throw new ArgumentException($"WaveletBands.Stack: band {i} must be (N, C, h, w), got {WaveletChecks.Shape(all[i])}.");
                if (!all[i].shape.AsSpan().SequenceEqual(ll.shape) || all[i].dtype != ll.dtype)
                    throw new ArgumentException(
                        $"WaveletBands.Stack: all bands must have one shape and dtype; band 0 is {WaveletChecks.Shape(ll)} {ll.dtype}, " +
                        $"band {i} is {WaveletChecks.Shape(all[i])} {all[i].dtype}.");
            }
            return torch.stack(all, 2);
        }

        /// <summary>Flattens stacked bands (N, C, 4, h, w) into (N, 4C, h, w) in the given layout.</summary>
        /// <exception cref="ArgumentException">The input is not (N, C, 4, h, w).</exception>
        public static Tensor ToChannels(Tensor bands, BandLayout layout)
        {
            WaveletChecks.Bands(bands, nameof(bands), "WaveletBands.ToChannels", requireFloating: false);
            long n = bands.shape[0], c = bands.shape[1], h = bands.shape[3], w = bands.shape[4];
            return layout switch
            {
                BandLayout.ChannelMajor => bands.reshape(n, 4 * c, h, w),
                BandLayout.BandMajor => bands.transpose(1, 2).reshape(n, 4 * c, h, w),
                _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "Not a BandLayout."),
            };
        }

        /// <summary>Splits (N, 4C, h, w) in the given layout back into stacked bands (N, C, 4, h, w).</summary>
        /// <exception cref="ArgumentException">The input is not rank 4 or its channel count is not a multiple of 4.</exception>
        public static Tensor FromChannels(Tensor channels, BandLayout layout)
        {
            if (channels is null) throw new ArgumentNullException(nameof(channels));
            if (channels.dim() != 4 || channels.shape[1] % 4 != 0 || channels.shape[1] == 0)
                throw new ArgumentException(
                    $"WaveletBands.FromChannels: expected (N, 4C, h, w) with a positive multiple of 4 channels, got {WaveletChecks.Shape(channels)}.",
                    nameof(channels));
            long n = channels.shape[0], c = channels.shape[1] / 4, h = channels.shape[2], w = channels.shape[3];
            return layout switch
            {
                BandLayout.ChannelMajor => channels.reshape(n, c, 4, h, w),
                BandLayout.BandMajor => channels.reshape(n, 4, c, h, w).transpose(1, 2),
                _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "Not a BandLayout."),
            };
        }
    }

    /// <summary>Argument checks shared by the wavelet kernels (messages name the operation and the shape received).</summary>
    internal static class WaveletChecks
    {
        public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

        public static void Image(Tensor x, string parameter, string operation)
        {
            if (x is null) throw new ArgumentNullException(parameter);
            if (x.dim() != 4)
                throw new ArgumentException($"{operation}: expected an NCHW tensor of rank 4, got rank {x.dim()} {Shape(x)}.", parameter);
            Floating(x, parameter, operation);
            if (x.shape[1] == 0 || x.shape[2] == 0 || x.shape[3] == 0)
                throw new ArgumentException($"{operation}: channels, height and width must be positive, got {Shape(x)}.", parameter);
        }

        public static void Bands(Tensor bands, string parameter, string operation, bool requireFloating = true)
        {
            if (bands is null) throw new ArgumentNullException(parameter);
            if (bands.dim() != 5 || bands.shape[2] != 4)
                throw new ArgumentException(
                    $"{operation}: expected stacked bands (N, C, 4, h, w), got {Shape(bands)}.", parameter);
            if (requireFloating) Floating(bands, parameter, operation);
            if (bands.shape[1] == 0 || bands.shape[3] == 0 || bands.shape[4] == 0)
                throw new ArgumentException($"{operation}: channels, height and width must be positive, got {Shape(bands)}.", parameter);
        }

        public static void Crop(long? size, long available, string parameter, string operation)
        {
            if (size is { } s && (s < 1 || s > available))
                throw new ArgumentException($"{operation}: {parameter} must be between 1 and {available}, got {s}.", parameter);
        }

        private static void Floating(Tensor x, string parameter, string operation)
        {
            if (!torch.is_floating_point(x))
                throw new ArgumentException(
                    $"{operation}: expected a floating-point tensor (float32 or float64), got {x.dtype}.", parameter);
        }
    }
}

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
    public static class Haar
    {
        /// <summary>Forward transform: (N, C, H, W) to stacked bands (N, C, 4, ceil(H/2), ceil(W/2)).</summary>
        /// <exception cref="ArgumentException">Rank is not 4, a dimension is empty, or the dtype is not floating point.</exception>
        public static Tensor Forward(Tensor x)
        {
            WaveletChecks.Image(x, nameof(x), "Haar.Forward");
            using var scope = NewDisposeScope();
            long n = x.shape[0], c = x.shape[1], height = x.shape[2], width = x.shape[3];
            var even = x;
            if (height % 2 == 1 || width % 2 == 1)
                even = nn.functional.pad(x, new long[] { 0, width % 2, 0, height % 2 }, PaddingModes.Constant, 0.0);
            long h = (height + 1) / 2, w = (width + 1) / 2;
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

        /// <summary>Forward transform flattened to (N, 4C, ceil(H/2), ceil(W/2)) in HWD's or WTConv's channel layout.</summary>
        /// <exception cref="ArgumentException">See <see cref="Forward(Tensor)"/>.</exception>
        public static Tensor Forward(Tensor x, BandLayout layout)
        {
            using var scope = NewDisposeScope();
            return WaveletBands.ToChannels(Forward(x), layout).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Inverse transform of stacked bands (N, C, 4, h, w): a = (LL+B1+B2+B3)/2, b = (LL+B1-B2-B3)/2,
        /// c = (LL-B1+B2-B3)/2, d = (LL-B1-B2+B3)/2, giving (N, C, 2h, 2w), cropped to <paramref name="height"/> x
        /// <paramref name="width"/> when given (the size of an odd original).
        /// </summary>
        /// <exception cref="ArgumentException">The bands are not (N, C, 4, h, w) floating point, or a crop size is out of range.</exception>
        public static Tensor Inverse(Tensor bands, long? height = null, long? width = null)
        {
            WaveletChecks.Bands(bands, nameof(bands), "Haar.Inverse");
            long n = bands.shape[0], c = bands.shape[1], h = bands.shape[3], w = bands.shape[4];
            WaveletChecks.Crop(height, 2 * h, nameof(height), "Haar.Inverse");
            WaveletChecks.Crop(width, 2 * w, nameof(width), "Haar.Inverse");
            using var scope = NewDisposeScope();
            Tensor ll = bands.select(2, 0), b1 = bands.select(2, 1), b2 = bands.select(2, 2), b3 = bands.select(2, 3);
            var p = ll + b1;
            var q = ll - b1;
            var r = b2 + b3;
            var s = b2 - b3;
            var top = torch.stack(new[] { (p + r) * 0.5, (p - r) * 0.5 }, -1);    // a, b: (N, C, h, w, 2)
            var bottom = torch.stack(new[] { (q + s) * 0.5, (q - s) * 0.5 }, -1); // c, d
            var image = torch.stack(new[] { top, bottom }, 3).reshape(n, c, 2 * h, 2 * w);
            if (height is { } hh && hh != 2 * h) image = image.narrow(2, 0, hh);
            if (width is { } ww && ww != 2 * w) image = image.narrow(3, 0, ww);
            return image.MoveToOuterDisposeScope();
        }

        /// <summary>Inverse transform of (N, 4C, h, w) channels in HWD's or WTConv's layout.</summary>
        /// <exception cref="ArgumentException">The channel count is not a multiple of 4, or see <see cref="Inverse(Tensor, long?, long?)"/>.</exception>
        public static Tensor Inverse(Tensor channels, BandLayout layout, long? height = null, long? width = null)
        {
            using var scope = NewDisposeScope();
            return Inverse(WaveletBands.FromChannels(channels, layout), height, width).MoveToOuterDisposeScope();
        }
    }
}

// Shape formulas of NetDsl: the single place where output sizes are computed.
// Compiled into the generator (compile-time inference) and the runtime (kernels, guards) as linked source.
using System;

namespace NetDsl
{
    /// <summary>PyTorch's output-size formulas for the spatial operators NetDsl knows.</summary>
    internal static class ShapeMath
    {
        /// <summary>Floor division that rounds toward negative infinity (C# '/' truncates toward 0).</summary>
        public static long FloorDiv(long a, long b)
        {
            long q = a / b;
            return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
        }

        /// <summary>Python's modulo: a - FloorDiv(a, b) * b, 0 or of the sign of b (C#'s '%' takes the sign of a).</summary>
        public static long FloorMod(long a, long b)
        {
            long r = a % b;
            return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
        }

        /// <summary>Ceiling division, rounding toward positive infinity.</summary>
        public static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

        /// <summary>Extent of a dilated kernel: (k - 1) * d + 1.</summary>
        public static long EffectiveKernel(long kernel, long dilation) => (kernel - 1) * dilation + 1;

        /// <summary>Conv2d / MaxPool2d (floor mode): floor((in + 2p - d(k-1) - 1) / s) + 1.</summary>
        public static long ConvOutput(long input, long kernel, long stride, long padding, long dilation) =>
            FloorDiv(input + 2 * padding - EffectiveKernel(kernel, dilation), stride) + 1;

        /// <summary>
        /// Max/avg pooling with PyTorch's ceil_mode rule: with ceil mode the last window must start inside
        /// the input or the left padding, otherwise it is dropped.
        /// </summary>
        public static long PoolOutput(long input, long kernel, long stride, long padding, long dilation, bool ceilMode)
        {
            long span = input + 2 * padding - EffectiveKernel(kernel, dilation);
            if (!ceilMode) return FloorDiv(span, stride) + 1;
            long output = CeilDiv(span, stride) + 1;
            if ((output - 1) * stride >= input + padding) output--;
            return output;
        }

        /// <summary>ConvTranspose2d: (in - 1) s - 2p + d(k-1) + output_padding + 1.</summary>
        public static long ConvTransposeOutput(long input, long kernel, long stride, long padding, long outputPadding, long dilation) =>
            (input - 1) * stride - 2 * padding + EffectiveKernel(kernel, dilation) + outputPadding;

        /// <summary>Total padding PyTorch's padding="same" adds for a stride-1 conv: d(k-1); the extra pixel goes right/bottom.</summary>
        public static long SamePaddingTotal(long kernel, long dilation) => dilation * (kernel - 1);

        /// <summary>One-level DWT output length for a filter of length L: floor((N + L - 1) / 2) (pywt, non-periodic modes).</summary>
        public static long DwtOutput(long input, long filterLength) => FloorDiv(input + filterLength - 1, 2);

        /// <summary>
        /// Length of a strided subsample <c>x[::s]</c> of a length-n axis: ceil(n / s). This is also
        /// <c>AvgPool2d(kernel_size=1, stride=s)</c>, which WTConv uses for its stride.
        /// </summary>
        public static long SubsampleOutput(long input, long stride) => CeilDiv(input, stride);

        /// <summary>
        /// High-frequency output height or width of an octave convolution (d-li14 <c>OctaveConv</c>) whose
        /// high-frequency input is <paramref name="input"/>: stride 2 first average-pools 2x2 (floor mode, floor(in / 2)),
        /// then every branch convolves at stride 1, so ConvOutput(floor(in / s), k, 1, p, d) for s = 1 or 2. The
        /// low-frequency output is half of it (a layer with a low branch needs 2p = d(k - 1), which makes this in / s).
        /// </summary>
        public static long OctaveConvOutput(long input, long kernel, long stride, long padding, long dilation) =>
            ConvOutput(stride == 2 ? FloorDiv(input, 2) : input, kernel, 1, padding, dilation);

        /// <summary>Low-frequency channels of an octave split of C channels: int(α·C), truncated as Python's <c>int</c>
        /// (both reference implementations); the high-frequency part is C − int(α·C).</summary>
        public static long OctaveLowChannels(long channels, double alpha) => (long)(alpha * channels);

        /// <summary>
        /// The four convolutions of an octave layer in d-li14's registration order (conv_l2l, conv_l2h, conv_h2l, conv_h2h),
        /// each present only when both of its sides have channels (cross-frequency ones not in a depthwise layer, groups =
        /// C_in > 1). Groups as d-li14's later revision (seed 002): low→low gets ceil(α_in·g), high→high ceil(g − α_in·g), the
        /// cross-frequency convolutions g; a depthwise layer uses each frequency's own input channels.
        /// </summary>
        public static OctaveBranch[] OctaveBranches(long inHigh, long inLow, long outHigh, long outLow, long groups, double alphaIn)
        {
            bool depthwise = groups == inHigh + inLow && groups > 1;
            long groupsLow = depthwise ? inLow : (long)Math.Ceiling(alphaIn * groups);
            long groupsHigh = depthwise ? inHigh : (long)Math.Ceiling(groups - alphaIn * groups);
            return new[]
            {
                new OctaveBranch("conv_l2l", inLow, outLow, groupsLow, inLow > 0 && outLow > 0),
                new OctaveBranch("conv_l2h", inLow, outHigh, groups, !depthwise && inLow > 0 && outHigh > 0),
                new OctaveBranch("conv_h2l", inHigh, outLow, groups, !depthwise && inHigh > 0 && outLow > 0),
                new OctaveBranch("conv_h2h", inHigh, outHigh, groupsHigh, inHigh > 0 && outHigh > 0),
            };
        }

        /// <summary>Adaptive pooling bin i of n over a length-a axis: [floor(i a / n), ceil((i+1) a / n)).</summary>
        public static (long Start, long End) AdaptiveBin(long index, long bins, long length) =>
            (FloorDiv(index * length, bins), CeilDiv((index + 1) * length, bins));

        /// <summary>
        /// Features of a spatial pyramid pooling layer over <paramref name="channels"/> channels: C · Σ n² for the
        /// levels n×n in <paramref name="bins"/> (21·C for the usual {4, 2, 1}), whatever the input size.
        /// </summary>
        public static long SpatialPyramidFeatures(long channels, long[] bins)
        {
            long cells = 0;
            foreach (long n in bins) cells += n * n;
            return channels * cells;
        }

        /// <summary>
        /// SPEED's pyramid pooling window for a bin over a length-a axis: a // bin (Keras <c>AveragePooling2D</c> with
        /// pool = strides = a // bin, padding 'valid'). 0 when bin &gt; a, which makes the layer invalid.
        /// </summary>
        public static long PyramidWindow(long length, long bin) => FloorDiv(length, bin);

        /// <summary>
        /// Cells of SPEED's pooled grid along a length-a axis for window p = a // bin: floor((a − p) / p) + 1 = floor(a / p).
        /// It equals the bin only when the bin divides a (a = 15, bin 4: p = 3, 5 cells); a window of 0 is invalid.
        /// </summary>
        public static long PyramidGrid(long length, long window) => ConvOutput(length, window, window, 0, 1);

        /// <summary>Greatest common divisor of two non-negative numbers.</summary>
        public static long Gcd(long a, long b)
        {
            a = Math.Abs(a);
            b = Math.Abs(b);
            while (b != 0)
            {
                long t = a % b;
                a = b;
                b = t;
            }
            return a;
        }

        /// <summary>Least common multiple.</summary>
        public static long Lcm(long a, long b) => a == 0 || b == 0 ? 0 : Math.Abs(a / Gcd(a, b) * b);
    }

    /// <summary>One of the four convolutions of an octave layer: its PyTorch name, channels and groups (see ShapeMath.OctaveBranches).</summary>
    internal readonly struct OctaveBranch
    {
        public OctaveBranch(string name, long inChannels, long outChannels, long groups, bool present)
        {
            Name = name;
            In = inChannels;
            Out = outChannels;
            Groups = groups;
            Present = present;
        }

        public string Name { get; }
        public long In { get; }
        public long Out { get; }
        public long Groups { get; }
        public bool Present { get; }

        /// <summary>It reads the low-frequency input (conv_l2*).</summary>
        public bool FromLow => Name.StartsWith("conv_l", StringComparison.Ordinal);

        /// <summary>It writes the low-frequency output (conv_*2l).</summary>
        public bool ToLow => Name.EndsWith("2l", StringComparison.Ordinal);

        /// <summary>Weights: Out·(In/Groups)·k².</summary>
        public long Weights(long kernel) => Out * (In / Groups) * kernel * kernel;
    }
}

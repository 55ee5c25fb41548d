using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetDsl.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Wavelets
{
    /// <summary>Where the four bands of a Haar transform live: stacked (N, C, 4, h, w) or flattened to 4C channels.</summary>
    internal enum HaarLayout
    {
        /// <summary>(N, C, 4, h, w); the same memory as <see cref="ChannelMajor"/>.</summary>
        Stacked,

        /// <summary>(N, 4C, h, w), channel <c>c * 4 + s</c> (WTConv).</summary>
        ChannelMajor,

        /// <summary>(N, 4C, h, w), channel <c>s * C + c</c> (HWD).</summary>
        BandMajor,
    }

    /// <summary>
    /// The fused one-level Haar transform on CPU memory: one pass that reads each input element once and writes each
    /// output element once, straight into the requested band layout. Rows are split over LibTorch's OpenMP threads (<see cref="NetDsl.Platform.TorchThreads"/>; at most
    /// <c>torch.get_num_threads()</c>, serially below <see cref="MinElementsPerChunk"/>); within a row, AVX-512 (16 floats /
    /// 8 doubles per step) or AVX2 (8 / 4) with a scalar tail, scalar elsewhere. Missing rows and columns (odd sizes, or an
    /// output larger than half the input, which the adjoint of a crop needs) read as zero; the inverse writes only the rows
    /// and columns inside its crop. The arithmetic is the LibTorch reference's (<see cref="Haar"/>), in the same order, so
    /// the results agree bit for bit.
    /// </summary>
    internal static unsafe class HaarKernel
    {
        /// <summary>Below this many output elements per thread, splitting over threads costs more than it saves.</summary>
        internal const long MinElementsPerChunk = 1L << 18;

        /// <summary>The widest vector path the row loops take here (the narrower ones still run for what remains of a row).</summary>
        internal static string Instructions =>
            Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? "AVX-512" : Avx2.IsSupported ? "AVX2" : "scalar";

        /// <summary>
        /// CPU float32/float64 tensors (contiguous or not) with elements, whose data and whose result of
        /// <paramref name="outputElements"/> each fit one <see cref="Tensor.bytes"/> span (2 GiB).
        /// </summary>
        internal static bool Supports(Tensor t, long outputElements) =>
            t.device_type == DeviceType.CPU &&
            (t.dtype == ScalarType.Float32 || t.dtype == ScalarType.Float64) &&
            t.numel() > 0 &&
            Math.Max(t.numel(), outputElements) * t.ElementSize <= int.MaxValue;

        /// <summary>
        /// x (N, C, H, W) to bands of h x w in <paramref name="layout"/>; h ≥ ceil(H/2) and w ≥ ceil(W/2), rows and
        /// columns beyond the input read as zero.
        /// </summary>
        internal static Tensor Forward(Tensor x, HaarLayout layout, long h, long w)
        {
            long n = x.shape[0], c = x.shape[1];
            var shape = layout == HaarLayout.Stacked ? new[] { n, c, 4, h, w } : new[] { n, 4 * c, h, w };
            return Execute(x, torch.empty(shape, x.dtype, x.device), c, x.shape[2], x.shape[3], h, w, layout, forward: true);
        }

        /// <summary>
        /// Bands of h x w in <paramref name="layout"/> to the image (N, C, height, width), height ≤ 2h, width ≤ 2w (a crop
        /// of the full 2h x 2w synthesis).
        /// </summary>
        internal static Tensor Inverse(Tensor bands, HaarLayout layout, long height, long width)
        {
            long n = bands.shape[0];
            long c = layout == HaarLayout.Stacked ? bands.shape[1] : bands.shape[1] / 4;
            var output = torch.empty(new[] { n, c, height, width }, bands.dtype, bands.device);
            return Execute(bands, output, c, height, width, bands.shape[^2], bands.shape[^1], layout, forward: false);
        }

        // Runs one transform from input (made contiguous first if it is not) into the fresh output.
        private static Tensor Execute(Tensor input, Tensor output, long c, long height, long width, long h, long w, HaarLayout layout, bool forward)
        {
            var source = input.is_contiguous() ? input : input.contiguous();
            try
            {
                var run = new Run(source, output, c, height, width, h, w, layout);
                long planes = input.shape[0] * c;
                bool single = input.dtype == ScalarType.Float32;
                if (forward && single) run.Forward<float>(planes);
                else if (forward) run.Forward<double>(planes);
                else if (single) run.Inverse<float>(planes);
                else run.Inverse<double>(planes);
            }
            finally
            {
                if (!ReferenceEquals(source, input)) source.Dispose();
            }
            return output;
        }

        private static nint Address(Tensor t) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));


        /// <summary>One transform's memory: Input and Output addresses, C, image and band sizes, band layout.</summary>
        private readonly struct Run
        {
            private readonly nint Input, Output;
            private readonly long Channels;
            private readonly int ImageHeight, ImageWidth, BandHeight, BandWidth;
            private readonly bool BandMajor;

            public Run(Tensor input, Tensor output, long channels, long imageHeight, long imageWidth, long bandHeight, long bandWidth, HaarLayout layout)
            {
                Input = Address(input);
                Output = Address(output);
                Channels = channels;
                ImageHeight = (int)imageHeight;
                ImageWidth = (int)imageWidth;
                BandHeight = (int)bandHeight;
                BandWidth = (int)bandWidth;
                BandMajor = layout == HaarLayout.BandMajor;
            }

            /// <summary>The start of band s of plane p = n * C + c.</summary>
            private T* Band<T>(T* bands, long p, int s) where T : unmanaged
            {
                long plane = BandMajor ? (p / Channels * 4 + s) * Channels + p % Channels : p * 4 + s;
                return bands + plane * BandHeight * BandWidth;
            }

            public void Forward<T>(long planes) where T : unmanaged, INumber<T>
            {
                var self = this;
                // Rows past the input (odd height, or an output taller than half of it) read this zero row.
                T* zeros = (T*)NativeMemory.AllocZeroed((nuint)ImageWidth, (nuint)sizeof(T));
                try
                {
                    nint zero = (nint)zeros;
                    TorchThreads.Split(planes * BandHeight, 4L * BandWidth, MinElementsPerChunk, (start, end) => self.ForwardRows<T>(start, end, (T*)zero));
                }
                finally
                {
                    NativeMemory.Free(zeros);
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private void ForwardRows<T>(long start, long end, T* zeros) where T : unmanaged, INumber<T>
            {
                for (long r = start; r < end;)
                {
                    // The rows of one plane p = n * C + c at a time.
                    long p = r / BandHeight;
                    int first = (int)(r % BandHeight), last = (int)Math.Min(BandHeight, first + (end - r));
                    T* source = (T*)Input + p * ImageHeight * ImageWidth;
                    T* ll = Band((T*)Output, p, 0), highH = Band((T*)Output, p, 1), highW = Band((T*)Output, p, 2), hh = Band((T*)Output, p, 3);
                    for (int i = first; i < last; i++)
                    {
                        T* top = 2 * i < ImageHeight ? source + 2L * i * ImageWidth : zeros;
                        T* bottom = 2 * i + 1 < ImageHeight ? source + (2L * i + 1) * ImageWidth : zeros;
                        long row = (long)i * BandWidth;
                        ForwardRow(top, bottom, ll + row, highH + row, highW + row, hh + row, BandWidth, ImageWidth);
                    }
                    r += last - first;
                }
            }

            public void Inverse<T>(long planes) where T : unmanaged, INumber<T>
            {
                var self = this;
                long pairs = (ImageHeight + 1) / 2;
                TorchThreads.Split(planes * pairs, 2L * ImageWidth, MinElementsPerChunk, (start, end) => self.InverseRows<T>(start, end, pairs));
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private void InverseRows<T>(long start, long end, long pairs) where T : unmanaged, INumber<T>
            {
                for (long r = start; r < end;)
                {
                    long p = r / pairs;
                    int first = (int)(r % pairs), last = (int)Math.Min(pairs, first + (end - r));
                    T* image = (T*)Output + p * ImageHeight * ImageWidth;
                    T* ll = Band((T*)Input, p, 0), b1 = Band((T*)Input, p, 1), b2 = Band((T*)Input, p, 2), b3 = Band((T*)Input, p, 3);
                    for (int i = first; i < last; i++)
                    {
                        T* top = image + 2L * i * ImageWidth;
                        T* bottom = 2 * i + 1 < ImageHeight ? top + ImageWidth : null;
                        long row = (long)i * BandWidth;
                        InverseRow(ll + row, b1 + row, b2 + row, b3 + row, top, bottom, ImageWidth);
                    }
                    r += last - first;
                }
            }
        }

        // ---- one row ----

        /// <summary>
        /// One output row of all four bands from two input rows of <paramref name="width"/> elements: w outputs, column
        /// pairs at or past the width read as zero.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ForwardRow<T>(T* top, T* bottom, T* ll, T* highH, T* highW, T* hh, int w, int width)
            where T : unmanaged, INumber<T>
        {
            int full = Math.Min(w, width / 2), j = 0;
            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                var half = Vector512.Create(Half<T>());
                for (int step = Vector512<T>.Count; j + step <= full; j += step)
                {
                    var t0 = Vector512.Load(top + 2 * j); var t1 = Vector512.Load(top + 2 * j + step);
                    var b0 = Vector512.Load(bottom + 2 * j); var b1 = Vector512.Load(bottom + 2 * j + step);
                    var a = Permute(t0, t1, Even32, Even64); var b = Permute(t0, t1, Odd32, Odd64);
                    var c = Permute(b0, b1, Even32, Even64); var d = Permute(b0, b1, Odd32, Odd64);
                    Vector512<T> rowSum = a + b, rowDiff = a - b, nextSum = c + d, nextDiff = c - d;
                    ((rowSum + nextSum) * half).Store(ll + j);
                    ((rowSum - nextSum) * half).Store(highH + j);
                    ((rowDiff + nextDiff) * half).Store(highW + j);
                    ((rowDiff - nextDiff) * half).Store(hh + j);
                }
            }
            if (Avx2.IsSupported)
            {
                // Even / odd columns with one in-lane shuffle each, in a lane-scrambled order that the butterfly keeps;
                // one cross-lane permute per output puts it right.
                var half = Vector256.Create(Half<T>());
                for (int step = Vector256<T>.Count; j + step <= full; j += step)
                {
                    var t0 = Vector256.Load(top + 2 * j); var t1 = Vector256.Load(top + 2 * j + step);
                    var b0 = Vector256.Load(bottom + 2 * j); var b1 = Vector256.Load(bottom + 2 * j + step);
                    var a = Even(t0, t1); var b = Odd(t0, t1);
                    var c = Even(b0, b1); var d = Odd(b0, b1);
                    Vector256<T> rowSum = a + b, rowDiff = a - b, nextSum = c + d, nextDiff = c - d;
                    Unscramble((rowSum + nextSum) * half).Store(ll + j);
                    Unscramble((rowSum - nextSum) * half).Store(highH + j);
                    Unscramble((rowDiff + nextDiff) * half).Store(highW + j);
                    Unscramble((rowDiff - nextDiff) * half).Store(hh + j);
                }
            }
            T h = Half<T>();
            for (; j < w; j++)
            {
                int k = 2 * j;
                T a = k < width ? top[k] : T.Zero, b = k + 1 < width ? top[k + 1] : T.Zero;
                T c = k < width ? bottom[k] : T.Zero, d = k + 1 < width ? bottom[k + 1] : T.Zero;
                T rowSum = a + b, rowDiff = a - b, nextSum = c + d, nextDiff = c - d;
                ll[j] = (rowSum + nextSum) * h;
                highH[j] = (rowSum - nextSum) * h;
                highW[j] = (rowDiff + nextDiff) * h;
                hh[j] = (rowDiff - nextDiff) * h;
            }
        }

        /// <summary>
        /// Two output rows (<paramref name="bottom"/> null when cropped away) of <paramref name="width"/> elements from one
        /// row of each band.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void InverseRow<T>(T* ll, T* b1, T* b2, T* b3, T* top, T* bottom, int width)
            where T : unmanaged, INumber<T>
        {
            int full = width / 2, j = 0;
            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                var half = Vector512.Create(Half<T>());
                for (int step = Vector512<T>.Count; j + step <= full; j += step)
                {
                    Vector512<T> l = Vector512.Load(ll + j), v1 = Vector512.Load(b1 + j), v2 = Vector512.Load(b2 + j), v3 = Vector512.Load(b3 + j);
                    Vector512<T> p = l + v1, q = l - v1, r = v2 + v3, s = v2 - v3;
                    Vector512<T> a = (p + r) * half, b = (p - r) * half;
                    Permute(a, b, Low32, Low64).Store(top + 2 * j);
                    Permute(a, b, High32, High64).Store(top + 2 * j + step);
                    if (bottom == null) continue;
                    Vector512<T> c = (q + s) * half, d = (q - s) * half;
                    Permute(c, d, Low32, Low64).Store(bottom + 2 * j);
                    Permute(c, d, High32, High64).Store(bottom + 2 * j + step);
                }
            }
            if (Avx2.IsSupported)
            {
                var half = Vector256.Create(Half<T>());
                for (int step = Vector256<T>.Count; j + step <= full; j += step)
                {
                    Vector256<T> l = Vector256.Load(ll + j), v1 = Vector256.Load(b1 + j), v2 = Vector256.Load(b2 + j), v3 = Vector256.Load(b3 + j);
                    Vector256<T> p = l + v1, q = l - v1, r = v2 + v3, s = v2 - v3;
                    Interleave((p + r) * half, (p - r) * half, top + 2 * j, step);
                    if (bottom != null) Interleave((q + s) * half, (q - s) * half, bottom + 2 * j, step);
                }
            }
            T h = Half<T>();
            for (; 2 * j < width; j++)
            {
                T p = ll[j] + b1[j], q = ll[j] - b1[j], r = b2[j] + b3[j], s = b2[j] - b3[j];
                int k = 2 * j;
                top[k] = (p + r) * h;
                if (k + 1 < width) top[k + 1] = (p - r) * h;
                if (bottom == null) continue;
                bottom[k] = (q + s) * h;
                if (k + 1 < width) bottom[k + 1] = (q - s) * h;
            }
        }

        // ---- shuffles ----

        private static T Half<T>() where T : unmanaged, INumber<T> => T.CreateTruncating(0.5);

        private static readonly Vector512<int> Even32 = Vector512.Create(Indices(16, i => 2 * i));
        private static readonly Vector512<int> Odd32 = Vector512.Create(Indices(16, i => 2 * i + 1));
        private static readonly Vector512<long> Even64 = Vector512.Create(Array.ConvertAll(Indices(8, i => 2 * i), v => (long)v));
        private static readonly Vector512<long> Odd64 = Vector512.Create(Array.ConvertAll(Indices(8, i => 2 * i + 1), v => (long)v));
        // Interleaving a and b: element 2i is a[i], 2i + 1 is b[i] (index n + i of the second source).
        private static readonly Vector512<int> Low32 = Vector512.Create(Indices(16, i => i % 2 == 0 ? i / 2 : 16 + i / 2));
        private static readonly Vector512<int> High32 = Vector512.Create(Indices(16, i => i % 2 == 0 ? 8 + i / 2 : 24 + i / 2));
        private static readonly Vector512<long> Low64 = Vector512.Create(Array.ConvertAll(Indices(8, i => i % 2 == 0 ? i / 2 : 8 + i / 2), v => (long)v));
        private static readonly Vector512<long> High64 = Vector512.Create(Array.ConvertAll(Indices(8, i => i % 2 == 0 ? 4 + i / 2 : 12 + i / 2), v => (long)v));

        private static int[] Indices(int count, Func<int, int> f)
        {
            var result = new int[count];
            for (int i = 0; i < count; i++) result[i] = f(i);
            return result;
        }

        /// <summary>Elements of the concatenation (lower, upper) picked by index (vpermt2ps / vpermt2pd).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<T> Permute<T>(Vector512<T> lower, Vector512<T> upper, Vector512<int> index32, Vector512<long> index64)
            where T : unmanaged
        {
            if (typeof(T) == typeof(float))
                return Avx512F.PermuteVar16x32x2(lower.AsSingle(), index32, upper.AsSingle()).As<float, T>();
            return Avx512F.PermuteVar8x64x2(lower.AsDouble(), index64, upper.AsDouble()).As<double, T>();
        }

        // Even elements of (v0, v1), 64-bit blocks in the order 0 2 1 3 (floats: v0[0,2] v1[0,2] v0[4,6] v1[4,6]).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<T> Even<T>(Vector256<T> v0, Vector256<T> v1) where T : unmanaged =>
            typeof(T) == typeof(float)
                ? Avx.Shuffle(v0.AsSingle(), v1.AsSingle(), 0b10_00_10_00).As<float, T>()
                : Avx.Shuffle(v0.AsDouble(), v1.AsDouble(), 0b0000).As<double, T>();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<T> Odd<T>(Vector256<T> v0, Vector256<T> v1) where T : unmanaged =>
            typeof(T) == typeof(float)
                ? Avx.Shuffle(v0.AsSingle(), v1.AsSingle(), 0b11_01_11_01).As<float, T>()
                : Avx.Shuffle(v0.AsDouble(), v1.AsDouble(), 0b1111).As<double, T>();

        // 64-bit blocks 0 2 1 3 back to 0 1 2 3.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<T> Unscramble<T>(Vector256<T> v) where T : unmanaged =>
            Avx2.Permute4x64(v.AsDouble(), 0b11_01_10_00).As<double, T>();

        // Stores a[0] b[0] a[1] b[1] ... as two vectors at destination.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Interleave<T>(Vector256<T> a, Vector256<T> b, T* destination, int step) where T : unmanaged
        {
            Vector256<T> low, high;
            if (typeof(T) == typeof(float))
            {
                low = Avx.UnpackLow(a.AsSingle(), b.AsSingle()).As<float, T>();
                high = Avx.UnpackHigh(a.AsSingle(), b.AsSingle()).As<float, T>();
            }
            else
            {
                low = Avx.UnpackLow(a.AsDouble(), b.AsDouble()).As<double, T>();
                high = Avx.UnpackHigh(a.AsDouble(), b.AsDouble()).As<double, T>();
            }
            Avx.Permute2x128(low.AsDouble(), high.AsDouble(), 0x20).As<double, T>().Store(destination);
            Avx.Permute2x128(low.AsDouble(), high.AsDouble(), 0x31).As<double, T>().Store(destination + step);
        }
    }
}

using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetDsl.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Convolutions
{
    /// <summary>
    /// A depthwise k x k convolution with 'same' zero padding (odd k, stride 1, dilation 1) on CPU memory, and its two
    /// gradients, written for WTConv's shape of work: many small planes (a 5 x 5 filter on 64 x 64 down to 8 x 8 maps).
    /// Each plane is copied once into a zero-bordered scratch buffer, so the inner loops have no edge tests. The forward
    /// computes four output rows by two 256-bit vectors at a time, each broadcast weight shared by eight independent
    /// fused multiply-add chains; the input's gradient is the same loop with the weight rotated by 180°; the weight's
    /// gradient makes one pass per kernel row and loads each gradient vector once for all the taps of that row. Planes
    /// (N x C) are split over LibTorch's OpenMP threads (<see cref="TorchThreads"/>). The weight gradient sums per plane,
    /// then over the batch in a fixed order, so no result depends on the thread count. Without AVX2 and FMA, scalar loops.
    /// </summary>
    internal static unsafe class DepthwiseConvKernel
    {
        /// <summary>Below this many output elements per thread, splitting over threads costs more than it saves.</summary>
        internal const long MinElementsPerChunk = 1L << 15;

        /// <summary>The vector path taken here: 256-bit AVX2 with FMA (also where AVX-512 is there, see ConvolveRows), or scalar.</summary>
        internal static string Instructions => Avx2.IsSupported && Fma.IsSupported ? "AVX2 + FMA" : "scalar";

        /// <summary>
        /// CPU float32/float64 NCHW input with elements and a (C, 1, k, k) weight of the same dtype, k odd, bias (C) or
        /// null, every tensor within one <see cref="Tensor.bytes"/> span.
        /// </summary>
        internal static bool Supports(Tensor x, Tensor weight, Tensor? bias)
        {
            if (x.device_type != DeviceType.CPU || weight.device_type != DeviceType.CPU) return false;
            if (x.dtype != ScalarType.Float32 && x.dtype != ScalarType.Float64) return false;
            if (weight.dtype != x.dtype || x.dim() != 4 || weight.dim() != 4 || x.numel() == 0) return false;
            long c = x.shape[1], k = weight.shape[2];
            if (weight.shape[0] != c || weight.shape[1] != 1 || weight.shape[3] != k || k % 2 == 0 || k > 31) return false;
            if (bias is not null && (bias.device_type != DeviceType.CPU || bias.dtype != x.dtype || bias.numel() != c)) return false;
            long padded = (x.shape[2] + k - 1) * (x.shape[3] + k - 1);
            return x.numel() * x.ElementSize <= int.MaxValue && padded * x.ElementSize <= int.MaxValue / 4;
        }

        /// <summary>y = conv(x, weight) + bias with 'same' zero padding; a new (N, C, H, W) tensor.</summary>
        internal static Tensor Forward(Tensor x, Tensor weight, Tensor? bias)
        {
            var output = torch.empty(x.shape, x.dtype, x.device);
            using var w = weight.contiguous();
            using var b = bias?.contiguous();
            Planes(x, output, w, b);
            return output;
        }

        /// <summary>The input's gradient: the 'same' convolution of <paramref name="grad"/> with the weight rotated by 180°.</summary>
        internal static Tensor InputGradient(Tensor grad, Tensor weight)
        {
            var output = torch.empty(grad.shape, grad.dtype, grad.device);
            using var flipped = weight.flip(2, 3).contiguous();
            Planes(grad, output, flipped, null);
            return output;
        }

        /// <summary>
        /// The weight's gradient (C, 1, k, k), Σ over the batch and positions of grad · shifted input, and the bias's (C),
        /// Σ grad.
        /// </summary>
        internal static (Tensor Weight, Tensor Bias) ParameterGradients(Tensor x, Tensor grad, long k)
        {
            long n = x.shape[0], c = x.shape[1];
            var weight = torch.empty(new[] { c, 1, k, k }, x.dtype, x.device);
            var bias = torch.empty(new[] { c }, x.dtype, x.device);
            var input = x.is_contiguous() ? x : x.contiguous();
            var g = grad.is_contiguous() ? grad : grad.contiguous();
            try
            {
                var run = new Run(input, g, weight, null, (int)k);
                if (x.dtype == ScalarType.Float32) run.Parameters<float>(n, c, Address(bias));
                else run.Parameters<double>(n, c, Address(bias));
            }
            finally
            {
                if (!ReferenceEquals(input, x)) input.Dispose();
                if (!ReferenceEquals(g, grad)) g.Dispose();
            }
            return (weight, bias);
        }

        private static void Planes(Tensor x, Tensor output, Tensor weight, Tensor? bias)
        {
            var input = x.is_contiguous() ? x : x.contiguous();
            try
            {
                var run = new Run(input, output, weight, bias, (int)weight.shape[2]);
                long planes = x.shape[0] * x.shape[1];
                if (x.dtype == ScalarType.Float32) run.Convolve<float>(planes);
                else run.Convolve<double>(planes);
            }
            finally
            {
                if (!ReferenceEquals(input, x)) input.Dispose();
            }
        }

        private static nint Address(Tensor t) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));


        /// <summary>One call's memory: input planes, output planes (or the gradient), weights, bias, sizes.</summary>
        private readonly struct Run
        {
            private readonly nint Input, Second, Weight, Bias;
            private readonly long Channels;
            private readonly int Height, Width, Kernel;

            // Convolve: Second is the output. Parameters: Second is the gradient of the output, Weight receives the weight's.
            public Run(Tensor input, Tensor second, Tensor weight, Tensor? bias, int kernel)
            {
                Input = Address(input);
                Second = Address(second);
                Weight = Address(weight);
                Bias = bias is null ? 0 : Address(bias);
                Channels = input.shape[1];
                Height = (int)input.shape[2];
                Width = (int)input.shape[3];
                Kernel = kernel;
            }

            // Rows rounded up to whole vectors (8 floats, 4 doubles): the last, partial vector of a row loads zeros, not the next row.
            private int PaddedWidth => (Width + 7) / 8 * 8 + Kernel - 1;
            private long PaddedSize => (long)(Height + Kernel - 1) * PaddedWidth;

            public void Convolve<T>(long planes) where T : unmanaged, INumber<T>
            {
                var self = this;
                TorchThreads.Split(planes, (long)Height * Width * Kernel * Kernel / 8, MinElementsPerChunk, (start, end) => self.ConvolvePlanes<T>(start, end));
            }

            public void Parameters<T>(long n, long c, nint biasGradient) where T : unmanaged, INumber<T>
            {
                var self = this;
                int taps = Kernel * Kernel;
                // Per plane: k² weight sums and the bias sum; then summed over the batch in order n = 0, 1, ...
                var partial = (T*)NativeMemory.Alloc((nuint)(n * c * (taps + 1)), (nuint)sizeof(T));
                try
                {
                    nint sums = (nint)partial;
                    TorchThreads.Split(n * c, (long)Height * Width * taps / 8, MinElementsPerChunk, (start, end) => self.ParameterPlanes<T>(start, end, (T*)sums));
                    T* weight = (T*)Weight, bias = (T*)biasGradient;
                    for (long ch = 0; ch < c; ch++)
                        for (int t = 0; t <= taps; t++)
                        {
                            T total = T.Zero;
                            for (long b = 0; b < n; b++) total += partial[(b * c + ch) * (taps + 1) + t];
                            if (t < taps) weight[ch * taps + t] = total;
                            else bias[ch] = total;
                        }
                }
                finally
                {
                    NativeMemory.Free(partial);
                }
            }

            // Copies plane p of the input into the zero-bordered scratch buffer (the border is zeroed once per chunk).
            private void Pad<T>(long p, T* padded) where T : unmanaged
            {
                int r = Kernel / 2, width = PaddedWidth;
                T* source = (T*)Input + p * Height * Width;
                for (int i = 0; i < Height; i++)
                    Buffer.MemoryCopy(source + (long)i * Width, padded + (long)(i + r) * width + r, (long)Width * sizeof(T), (long)Width * sizeof(T));
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private void ConvolvePlanes<T>(long start, long end) where T : unmanaged, INumber<T>
            {
                T* padded = (T*)NativeMemory.AllocZeroed((nuint)PaddedSize, (nuint)sizeof(T));
                try
                {
                    int taps = Kernel * Kernel;
                    for (long p = start; p < end; p++)
                    {
                        Pad(p, padded);
                        long c = p % Channels;
                        T bias = Bias == 0 ? T.Zero : ((T*)Bias)[c];
                        T* output = (T*)Second + p * Height * Width;
                        T* weight = (T*)Weight + c * taps;
                        int i = 0;
                        for (; i + 4 <= Height; i += 4)
                            ConvolveRows(padded + (long)i * PaddedWidth, PaddedWidth, weight, Kernel, bias, output + (long)i * Width, Width, 4);
                        for (; i < Height; i++)
                            ConvolveRows(padded + (long)i * PaddedWidth, PaddedWidth, weight, Kernel, bias, output + (long)i * Width, Width, 1);
                    }
                }
                finally
                {
                    NativeMemory.Free(padded);
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private void ParameterPlanes<T>(long start, long end, T* sums) where T : unmanaged, INumber<T>
            {
                T* padded = (T*)NativeMemory.AllocZeroed((nuint)PaddedSize, (nuint)sizeof(T));
                try
                {
                    int taps = Kernel * Kernel;
                    for (long p = start; p < end; p++)
                    {
                        Pad(p, padded);
                        T* grad = (T*)Second + p * Height * Width;
                        T* plane = sums + p * (taps + 1);
                        for (int u = 0; u < Kernel; u++)
                            for (int v = 0; v < Kernel; v += 7)
                                CorrelateRow(grad, padded + (long)u * PaddedWidth, PaddedWidth, Height, Width, v, Math.Min(7, Kernel - v),
                                    plane + u * Kernel + v);
                        plane[taps] = Sum(grad, (long)Height * Width);
                    }
                }
                finally
                {
                    NativeMemory.Free(padded);
                }
            }
        }

        // ---- rows ----

        /// <summary>
        /// <paramref name="rows"/> (4 or 1) output rows of <paramref name="width"/> elements: bias + Σ_u Σ_v w[u, v] ·
        /// padded[t + u, j + v] for output row t, the padded rows <paramref name="stride"/> apart starting at
        /// <paramref name="padded"/>. Four rows by two vectors share each broadcast weight and keep eight independent
        /// accumulator chains, so even an 8-wide plane is not bound by the multiply-add latency. The vectors are 256 bits
        /// wide even where AVX-512 is there: on this kind of CPU (AMD Zen 4) a 512-bit operation runs as two 256-bit halves,
        /// and an unaligned 512-bit load always spans two cache lines (a 512-bit version of this loop was no faster there).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void ConvolveRows<T>(T* padded, int stride, T* weight, int k, T bias, T* output, int width, int rows)
            where T : unmanaged, INumber<T>
        {
            int j = 0;
            if (Avx2.IsSupported && Fma.IsSupported)
            {
                int step = Vector256<T>.Count;
                long s1 = stride, s2 = 2L * stride, s3 = 3L * stride;
                T* o0 = output, o1 = output + width, o2 = output + 2 * width, o3 = output + 3 * width;
                if (rows == 4)
                {
                    for (; j + 2 * step <= width; j += 2 * step)
                    {
                        var a00 = Vector256.Create(bias);
                        Vector256<T> a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
                        for (int u = 0; u < k; u++)
                        {
                            T* row = padded + (long)u * stride + j;
                            for (int v = 0; v < k; v++)
                            {
                                var w = Vector256.Create(weight[u * k + v]);
                                T* q = row + v;
                                a00 = MulAdd(Vector256.Load(q), w, a00); a01 = MulAdd(Vector256.Load(q + step), w, a01);
                                a10 = MulAdd(Vector256.Load(q + s1), w, a10); a11 = MulAdd(Vector256.Load(q + s1 + step), w, a11);
                                a20 = MulAdd(Vector256.Load(q + s2), w, a20); a21 = MulAdd(Vector256.Load(q + s2 + step), w, a21);
                                a30 = MulAdd(Vector256.Load(q + s3), w, a30); a31 = MulAdd(Vector256.Load(q + s3 + step), w, a31);
                            }
                        }
                        a00.Store(o0 + j); a01.Store(o0 + j + step);
                        a10.Store(o1 + j); a11.Store(o1 + j + step);
                        a20.Store(o2 + j); a21.Store(o2 + j + step);
                        a30.Store(o3 + j); a31.Store(o3 + j + step);
                    }
                    for (; j < width; j += step)
                    {
                        var a0 = Vector256.Create(bias);
                        Vector256<T> a1 = a0, a2 = a0, a3 = a0;
                        for (int u = 0; u < k; u++)
                        {
                            T* row = padded + (long)u * stride + j;
                            for (int v = 0; v < k; v++)
                            {
                                var w = Vector256.Create(weight[u * k + v]);
                                T* q = row + v;
                                a0 = MulAdd(Vector256.Load(q), w, a0); a1 = MulAdd(Vector256.Load(q + s1), w, a1);
                                a2 = MulAdd(Vector256.Load(q + s2), w, a2); a3 = MulAdd(Vector256.Load(q + s3), w, a3);
                            }
                        }
                        int n = width - j;
                        StorePart(a0, o0 + j, n); StorePart(a1, o1 + j, n); StorePart(a2, o2 + j, n); StorePart(a3, o3 + j, n);
                    }
                }
                else
                {
                    for (; j < width; j += step)
                    {
                        var a = Vector256.Create(bias);
                        var b = Vector256<T>.Zero;
                        for (int u = 0; u < k; u++)
                        {
                            T* row = padded + (long)u * stride + j;
                            int v = 0;
                            for (; v + 1 < k; v += 2)
                            {
                                a = MulAdd(Vector256.Load(row + v), Vector256.Create(weight[u * k + v]), a);
                                b = MulAdd(Vector256.Load(row + v + 1), Vector256.Create(weight[u * k + v + 1]), b);
                            }
                            if (v < k) a = MulAdd(Vector256.Load(row + v), Vector256.Create(weight[u * k + v]), a);
                        }
                        StorePart(a + b, output + j, width - j);
                    }
                }
            }
            for (int t = 0; t < rows; t++)
                for (int c = j; c < width; c++)
                {
                    T a = bias;
                    for (int u = 0; u < k; u++)
                    {
                        T* row = padded + (long)(t + u) * stride + c;
                        for (int v = 0; v < k; v++) a += row[v] * weight[u * k + v];
                    }
                    output[(long)t * width + c] = a;
                }
        }

        /// <summary>
        /// For v = v0 .. v0 + count − 1 (count ≤ 7): sums[v] = Σ_i Σ_j grad[i, j] · shifted[i, j + v], shifted's rows
        /// <paramref name="stride"/> apart. Each gradient vector is loaded once for all the taps of a kernel row.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void CorrelateRow<T>(T* grad, T* shifted, int stride, int height, int width, int v0, int count, T* sums)
            where T : unmanaged, INumber<T>
        {
            var scalar = stackalloc T[7];
            for (int v = 0; v < 7; v++) scalar[v] = T.Zero;
            int full = 0;
            if (Avx2.IsSupported && Fma.IsSupported)
            {
                int step = Vector256<T>.Count;
                full = width;
                int whole = width - width % step;
                Vector256<T> a0 = Vector256<T>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0;
                for (int i = 0; i < height; i++)
                {
                    T* g = grad + (long)i * width, row = shifted + (long)i * stride + v0;
                    for (int j = 0; j < width; j += step)
                    {
                        // The last, partial vector of a row reads zeros past the row (the shifted rows are padded).
                        var gv = j < whole ? Vector256.Load(g + j) : LoadPart(g + j, width - j);
                        T* q = row + j;
                        a0 = MulAdd(gv, Vector256.Load(q), a0);
                        if (count > 1) a1 = MulAdd(gv, Vector256.Load(q + 1), a1);
                        if (count > 2) a2 = MulAdd(gv, Vector256.Load(q + 2), a2);
                        if (count > 3) a3 = MulAdd(gv, Vector256.Load(q + 3), a3);
                        if (count > 4) a4 = MulAdd(gv, Vector256.Load(q + 4), a4);
                        if (count > 5) a5 = MulAdd(gv, Vector256.Load(q + 5), a5);
                        if (count > 6) a6 = MulAdd(gv, Vector256.Load(q + 6), a6);
                    }
                }
                scalar[0] = Vector256.Sum(a0); scalar[1] = Vector256.Sum(a1); scalar[2] = Vector256.Sum(a2);
                scalar[3] = Vector256.Sum(a3); scalar[4] = Vector256.Sum(a4); scalar[5] = Vector256.Sum(a5);
                scalar[6] = Vector256.Sum(a6);
            }
            if (full < width)
                for (int i = 0; i < height; i++)
                {
                    T* g = grad + (long)i * width, row = shifted + (long)i * stride + v0;
                    for (int j = full; j < width; j++)
                        for (int v = 0; v < count; v++) scalar[v] += g[j] * row[j + v];
                }
            for (int v = 0; v < count; v++) sums[v] = scalar[v];
        }

        // The first count lanes of v to destination (all of them when count fills the vector).
        private static void StorePart<T>(Vector256<T> v, T* destination, int count) where T : unmanaged
        {
            if (count >= Vector256<T>.Count)
            {
                v.Store(destination);
                return;
            }
            T* lanes = stackalloc T[Vector256<T>.Count];
            v.Store(lanes);
            for (int i = 0; i < count; i++) destination[i] = lanes[i];
        }

        // count elements from source, zeros in the other lanes.
        private static Vector256<T> LoadPart<T>(T* source, int count) where T : unmanaged
        {
            T* lanes = stackalloc T[Vector256<T>.Count];
            for (int i = 0; i < Vector256<T>.Count; i++) lanes[i] = i < count ? source[i] : default;
            return Vector256.Load(lanes);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static T Sum<T>(T* values, long count) where T : unmanaged, INumber<T>
        {
            long j = 0;
            T total = T.Zero;
            if (Avx2.IsSupported)
            {
                var a = Vector256<T>.Zero;
                for (; j + Vector256<T>.Count <= count; j += Vector256<T>.Count) a += Vector256.Load(values + j);
                total = Vector256.Sum(a);
            }
            for (; j < count; j++) total += values[j];
            return total;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<T> MulAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged =>
            typeof(T) == typeof(float)
                ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
                : System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }
}

using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;
using TorchSharp;

namespace NetDsl.Platform
{
    /// <summary>
    /// Runs NetDsl's own CPU kernels (the fused Haar transform, the depthwise convolution) on LibTorch's OpenMP threads
    /// instead of .NET's thread pool. Measured on the 2-core machine: after every LibTorch operator its OpenMP workers keep
    /// spinning for a while, so a .NET <c>Parallel.For</c> started next shares the cores with them and a 2-thread kernel
    /// ran slower than a 1-thread one (a depthwise 5x5 convolution at [8, 64, 64, 64]: 4.1 ms on the thread pool against
    /// 2.2 ms with <c>OMP_WAIT_POLICY=passive</c>, a setting that in turn made LibTorch's own backward 3x slower). Handing
    /// the work to the same spinning workers through libgomp's <c>GOMP_parallel</c> (what an <c>omp parallel</c> region
    /// compiles to) removes the contention and the thread hand-off. libgomp is the OpenMP runtime LibTorch's Linux build
    /// loads; it is found among the process's mapped libraries. Where it is not (other platforms or builds), the thread
    /// pool is used.
    /// </summary>
    internal static unsafe class TorchThreads
    {
        private static readonly delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void> Parallel;

        static TorchThreads()
        {
            try
            {
                _ = torch.get_num_threads();   // LibTorch (and with it libgomp) is loaded from here on
                if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/maps")) return;
                string? path = File.ReadLines("/proc/self/maps")
                    .Select(line => line.IndexOf('/') is var i and >= 0 ? line.Substring(i) : "")
                    .FirstOrDefault(p => Path.GetFileName(p).StartsWith("libgomp", StringComparison.Ordinal));
                if (path is null || !NativeLibrary.TryLoad(path, out var library)) return;
                if (NativeLibrary.TryGetExport(library, "GOMP_parallel", out var parallel))
                {
                    Parallel = (delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void>)parallel;
                    Library = path;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or BadImageFormatException)
            {
                // No libgomp to share: the thread pool it is.
            }
        }

        /// <summary>The libgomp the kernels share with LibTorch, or null when they use .NET's thread pool.</summary>
        internal static string? Library { get; }

        /// <summary>
        /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) in contiguous chunks on up to
        /// <c>torch.get_num_threads()</c> threads: at most four chunks a thread, and none smaller than
        /// <paramref name="minWorkPerChunk"/> (in units of <paramref name="workPerItem"/>); serially when that leaves one.
        /// </summary>
        internal static void Split(long count, long workPerItem, long minWorkPerChunk, Action<long, long> body)
        {
            int threads = Math.Max(1, torch.get_num_threads());
            long byWork = Math.Max(1, count * workPerItem / minWorkPerChunk);
            For(count, (int)Math.Min(Math.Min(count, byWork), 4L * threads), threads, body);
        }

        /// <summary>
        /// Runs <paramref name="body"/> over [0, <paramref name="count"/>) split into <paramref name="chunks"/> contiguous
        /// ranges, taken in turn by up to <paramref name="threads"/> threads (the caller among them). Exceptions reach the
        /// caller.
        /// </summary>
        internal static void For(long count, int chunks, int threads, Action<long, long> body)
        {
            if (threads <= 1 || chunks <= 1)
            {
                body(0, count);
                return;
            }
            var work = new Work(count, chunks, body);
            if (Parallel == null)
            {
                System.Threading.Tasks.Parallel.For(0, Math.Min(chunks, threads), new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = threads },
                    _ => work.Run());
            }
            else
            {
                var handle = GCHandle.Alloc(work);
                try
                {
                    Parallel(&Worker, (void*)GCHandle.ToIntPtr(handle), (uint)Math.Min(chunks, threads), 0);
                }
                finally
                {
                    handle.Free();
                }
            }
            if (work.Error is { } error) ExceptionDispatchInfo.Capture(error).Throw();
        }

        [UnmanagedCallersOnly]
        private static void Worker(void* data)
        {
            // Nothing may escape into native code: Work.Run keeps the first exception for the caller.
            ((Work)GCHandle.FromIntPtr((IntPtr)data).Target!).Run();
        }

        private sealed class Work
        {
            private readonly long _count;
            private readonly int _chunks;
            private readonly Action<long, long> _body;
            private int _next = -1;

            public Work(long count, int chunks, Action<long, long> body)
            {
                _count = count;
                _chunks = chunks;
                _body = body;
            }

            public Exception? Error;

            [MethodImpl(MethodImplOptions.NoInlining)]
            public void Run()
            {
                try
                {
                    for (int k; (k = Interlocked.Increment(ref _next)) < _chunks && Volatile.Read(ref Error) is null;)
                        _body(_count * k / _chunks, _count * (k + 1) / _chunks);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref Error, e, null);
                }
            }
        }
    }
}

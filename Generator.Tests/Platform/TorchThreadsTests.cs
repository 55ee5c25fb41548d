using System;
using System.Threading;
using System.Reflection;
using TorchSharp;
using Xunit;

namespace NetDsl.Generator.Tests.Platform;

/// <summary>
/// The kernels' thread split (Runtime/Platform/TorchThreads.cs): on Linux it runs on LibTorch's own libgomp, every index
/// is covered exactly once whatever the split, and an exception in a chunk reaches the caller. The class is internal to
/// the runtime (the Shared formulas compiled into both assemblies rule out InternalsVisibleTo), so it is reached by
/// reflection.
/// </summary>
public class TorchThreadsTests
{
    private static readonly Type Threads =
        typeof(NetDsl.Convolutions.DepthwiseConv).Assembly.GetType("NetDsl.Platform.TorchThreads", throwOnError: true)!;

    private static string? Library =>
        (string?)Threads.GetProperty("Library", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null);

    private static void For(long count, int chunks, int threads, Action<long, long> body)
    {
        try
        {
            Threads.GetMethod("For", BindingFlags.NonPublic | BindingFlags.Static)!.Invoke(null, new object[] { count, chunks, threads, body });
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    [Fact]
    public void On_linux_the_kernels_share_libtorchs_openmp_threads()
    {
        if (!OperatingSystem.IsLinux()) return;
        Assert.NotNull(Library);
        Assert.StartsWith("libgomp", System.IO.Path.GetFileName(Library!));
    }

    [Theory]
    [InlineData(1L, 1, 2)]
    [InlineData(10L, 3, 2)]
    [InlineData(1000L, 8, 2)]
    [InlineData(7L, 7, 4)]
    [InlineData(100L, 8, 1)]
    public void Every_index_is_run_exactly_once(long count, int chunks, int threads)
    {
        var hits = new int[count];
        int calls = 0;
        var workers = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        For(count, chunks, threads, (start, end) =>
        {
            Interlocked.Increment(ref calls);
            workers[Environment.CurrentManagedThreadId] = true;
            for (long i = start; i < end; i++) Interlocked.Increment(ref hits[i]);
        });
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.Equal(threads <= 1 || chunks <= 1 ? 1 : chunks, calls);
        Assert.True(workers.Count <= Math.Max(1, threads));
    }

    [Fact]
    public void An_exception_in_a_chunk_reaches_the_caller()
    {
        var e = Assert.Throws<InvalidOperationException>(() => For(100, 10, 2, (start, end) =>
        {
            if (start >= 50) throw new InvalidOperationException($"chunk at {start}");
        }));
        Assert.StartsWith("chunk at", e.Message);
        // The team is usable afterwards.
        long sum = 0;
        For(100, 10, 2, (start, end) => Interlocked.Add(ref sum, end - start));
        Assert.Equal(100, sum);
        Assert.True(torch.get_num_threads() >= 1);
    }
}

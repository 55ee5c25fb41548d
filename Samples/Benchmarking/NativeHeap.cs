using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Benchmarking;

/// <summary>
/// Bytes in use on glibc's heap (mallinfo2: the arenas' allocated chunks plus the mmapped ones), sampled after every
/// module's forward and at every release helper (NetDsl.Lifetimes.Observer): the moments a stage's inputs and its
/// output are alive together. LibTorch's CPU tensors are glibc allocations, so the peak above the level before the call
/// is the peak of the activations the call made.
/// </summary>
public static class NativeHeap
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 MallInfo();

    public static long InUse()
    {
        var m = MallInfo();
        return (long)m.Uordblks + (long)m.Hblkhd;
    }

    /// <summary>The most bytes in use during <paramref name="forward"/> above the level before it, the median of five calls (a warm-up call first).</summary>
    public static long PeakDuring(nn.Module<Tensor, Tensor> net, Func<Tensor> forward)
    {
        forward().Dispose(); // caches (oneDNN primitives, thread pools) settle
        long peak = 0;
        var hooks = new List<Action>();
        foreach (var (_, module) in net.named_modules().Append(("", (nn.Module)net)))
            if (module is nn.Module<Tensor, Tensor> m) hooks.Add(m.register_forward_hook((Action<nn.Module>)(_ => peak = Math.Max(peak, InUse()))).remove);
        var peaks = new List<long>();
        try
        {
            // The median of five calls: one call's figure can be off either way (a sample landing just after a release
            // that another thread's timing moved forward reads low; an allocation of the runtime's own, such as a cached
            // primitive made during the call, reads high), the middle one is the activations'.
            for (int call = 0; call < 5; call++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                long baseline = InUse();
                peak = baseline;
                Lifetimes.Observer = () => peak = Math.Max(peak, InUse());
                forward().Dispose();
                Lifetimes.Observer = null;
                peaks.Add(peak - baseline);
            }
        }
        finally
        {
            Lifetimes.Observer = null;
            foreach (var remove in hooks) remove();
        }
        peaks.Sort();
        return peaks[peaks.Count / 2];
    }
}

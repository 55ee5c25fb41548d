using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using NetDsl.Octave;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Benchmarking;

/// <summary>
/// Self time by module type over forward calls, the same measure as <c>tools/bench_networks_torch.py</c>'s <c>profile</c>:
/// a pre-forward and a forward hook on every module (tensor and octave modules), the module's time less its hooked
/// children's, summed by the module's type name. TorchSharp has no operator profiler; what a module runs outside its
/// hooked children (a generated block's residual add, a kernel's own LibTorch calls) counts as that module's self time.
/// </summary>
public sealed class ModuleProfiler : IDisposable
{
    private readonly Dictionary<string, double> _seconds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly Stack<(long Start, double Children)> _stack = new();
    private readonly List<Action> _remove = new();

    public ModuleProfiler(nn.Module root)
    {
        foreach (var (_, module) in root.named_modules().Append(("", root)))
        {
            if (module is nn.Module<Tensor, Tensor> t) Hook(t);
            else if (module is nn.Module<OctaveTensor, OctaveTensor> o) Hook(o);
        }
    }

    private void Hook<T>(nn.Module<T, T> m)
    {
        _remove.Add(m.register_forward_pre_hook((_, input) => { _stack.Push((Stopwatch.GetTimestamp(), 0)); return input; }).remove);
        _remove.Add(m.register_forward_hook((module, _, output) =>
        {
            var (start, children) = _stack.Pop();
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            string kind = module.GetType().Name;
            _seconds[kind] = _seconds.GetValueOrDefault(kind) + elapsed - children;
            _calls[kind] = _calls.GetValueOrDefault(kind) + 1;
            if (_stack.Count > 0)
            {
                var (s, c) = _stack.Pop();
                _stack.Push((s, c + elapsed));
            }
            return output;
        }).remove);
    }

    /// <summary>Self ms per forward by module type, and modules called per forward, over <paramref name="calls"/> calls after one unhooked-count warm-up.</summary>
    public static ModuleProfile Measure(nn.Module root, Func<IDisposable> forward, int calls)
    {
        using var profiler = new ModuleProfiler(root);
        forward().Dispose();
        profiler._seconds.Clear();
        profiler._calls.Clear();
        for (int i = 0; i < calls; i++) forward().Dispose();
        return new ModuleProfile(
            profiler._seconds.ToDictionary(p => p.Key, p => p.Value * 1000 / calls),
            profiler._calls.ToDictionary(p => p.Key, p => p.Value / calls));
    }

    public void Dispose()
    {
        foreach (var r in _remove) r();
        _remove.Clear();
    }
}

/// <summary>Self milliseconds per forward and modules called per forward, by module type.</summary>
public sealed record ModuleProfile(IReadOnlyDictionary<string, double> Ms, IReadOnlyDictionary<string, int> Calls)
{
    public double TotalMs => Ms.Values.Sum();
}

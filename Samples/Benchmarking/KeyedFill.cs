using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Benchmarking;

/// <summary>
/// Deterministic weights and inputs by state_dict key, the same in this process and in
/// <c>tools/bench_torchvision_heads.py</c> (which mirrors <see cref="KeySeed"/> and <see cref="Coefficients"/>), so that a
/// module here and torchvision's under Debian's PyTorch compute the same numbers and `bench pyramids` can compare their
/// outputs across the two processes: value[i] = offset + amp · sin(freq · (i + 1) + phase), in float64, then float32.
/// </summary>
public static class KeyedFill
{
    /// <summary>A key's seed: s = (s · 31 + char) mod 1,000,003 over its characters.</summary>
    public static long KeySeed(string key)
    {
        long s = 0;
        foreach (char ch in key) s = (s * 31 + ch) % 1000003;
        return s;
    }

    /// <summary>
    /// (amp, freq, phase, offset) of a state_dict entry: freq and phase from the key's seed; amp and offset by kind:
    /// running_var (0.25, 1), running_mean (0.1, 0), a weight of two or more dimensions (1.7 / √fan_in, 0), a 1-D weight
    /// (0.1, 1), anything else (0.1, 0).
    /// </summary>
    public static (double Amp, double Freq, double Phase, double Offset) Coefficients(string key, IReadOnlyList<long> shape)
    {
        long seed = KeySeed(key);
        double freq = 0.05 + (seed % 97) / 97.0 * 0.9;
        double phase = (seed % 628) / 100.0;
        long numel = shape.Aggregate(1L, (a, d) => a * d);
        if (key.EndsWith("running_var", StringComparison.Ordinal)) return (0.25, freq, phase, 1.0);
        if (key.EndsWith("running_mean", StringComparison.Ordinal)) return (0.1, freq, phase, 0.0);
        if (shape.Count >= 2) return (1.7 / Math.Sqrt((double)numel / shape[0]), freq, phase, 0.0);
        if (key.EndsWith("weight", StringComparison.Ordinal)) return (0.1, freq, phase, 1.0);
        return (0.1, freq, phase, 0.0);
    }

    /// <summary>The float32 tensor of <paramref name="shape"/> for <paramref name="key"/> (amp and offset overridable).</summary>
    public static Tensor Values(string key, long[] shape, double? amp = null, double? offset = null)
    {
        var (a, freq, phase, o) = Coefficients(key, shape);
        if (amp is { } fixedAmp) { a = fixedAmp; o = offset ?? 0; }
        long n = shape.Aggregate(1L, (x, d) => x * d);
        using var scope = NewDisposeScope();
        var t = torch.arange(1, n + 1, dtype: ScalarType.Float64);
        t = t * freq;
        t = t + phase;
        t = t.sin();
        t = t * a;
        t = t + o;
        return t.to_type(ScalarType.Float32).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>The deterministic input of <paramref name="shape"/> (key "input", amp 1, offset 0).</summary>
    public static Tensor Input(params long[] shape) => Values("input", shape, 1.0, 0.0);

    /// <summary>Fills every state_dict entry of <paramref name="module"/> but num_batches_tracked (and those <paramref name="skip"/> names), in place.</summary>
    public static void Fill(nn.Module module, Func<string, bool>? skip = null)
    {
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in module.state_dict())
        {
            if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal) || (skip?.Invoke(key) ?? false)) continue;
            using var v = Values(key, tensor.shape);
            tensor.copy_(v);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples;

/// <summary>
/// Times of two contenders A and B in run order: index i of each list is one back-to-back pair, and
/// <paramref name="PerRound"/> consecutive pairs make a round. Ratios are A / B.
/// </summary>
public sealed record TimingResult(IReadOnlyList<double> AMs, IReadOnlyList<double> BMs, int PerRound)
{
    public double AMedianMs => PairedTiming.Median(AMs);
    public double BMedianMs => PairedTiming.Median(BMs);

    /// <summary>A / B for each pair of calls run one right after the other.</summary>
    public IReadOnlyList<double> PairRatios => AMs.Zip(BMs, (a, b) => a / b).ToList();

    /// <summary>The median pair ratio of each round.</summary>
    public IReadOnlyList<double> RoundRatios => PairRatios.Chunk(PerRound).Select(c => PairedTiming.Median(c)).ToList();

    /// <summary>
    /// The headline: the median of the pair ratios. Pairs are measured within milliseconds of each other, so a burst
    /// of load from other processes mostly hits both halves of a pair, and the median drops the pairs it split.
    /// </summary>
    public double Ratio => PairedTiming.Median(PairRatios);

    /// <summary>Median A time over median B time: the same question asked less robustly.</summary>
    public double RatioOfMedians => AMedianMs / BMedianMs;
}

/// <summary>
/// Interleaved paired timing shared by every `bench` suite: warm-up, then rounds of back-to-back pairs (A, B), the
/// pair's first contender alternating (A B, B A, ...) and so does the round's, so neither always runs first and a
/// burst of load from other processes hits both alike. Each pair gives a ratio; the headline is their median.
/// Call it under <c>torch.no_grad()</c>.
/// </summary>
public static class PairedTiming
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Times <paramref name="a"/> and <paramref name="b"/> (each returns a tensor, disposed at once). One sample is
    /// <paramref name="callsPerSample"/> calls in a row, so that operations of a fraction of a millisecond are timed
    /// over a span the clock resolves; the sample is reported per call.
    /// </summary>
    public static TimingResult Measure(Func<Tensor> a, Func<Tensor> b, int warmup, int rounds, int perRound,
        int callsPerSample = 1, Action<string>? log = null, string aName = "A", string bName = "B")
    {
        if (rounds < 1 || perRound < 1 || callsPerSample < 1) throw new ArgumentException("PairedTiming: counts must be positive.");
        for (int i = 0; i < warmup; i++)
        {
            Once(a);
            Once(b);
        }
        double Time(Func<Tensor> f)
        {
            long start = Stopwatch.GetTimestamp();
            for (int k = 0; k < callsPerSample; k++) Once(f);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / callsPerSample;
        }
        var aMs = new List<double>();
        var bMs = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            var ra = new List<double>(perRound);
            var rb = new List<double>(perRound);
            for (int i = 0; i < perRound; i++)
            {
                if ((round + i) % 2 == 0) { ra.Add(Time(a)); rb.Add(Time(b)); }
                else { rb.Add(Time(b)); ra.Add(Time(a)); }
            }
            aMs.AddRange(ra);
            bMs.AddRange(rb);
            log?.Invoke($"  round {round + 1}/{rounds} ({(round % 2 == 0 ? aName : bName)} first): " +
                $"median {aName} {Ms(Median(ra))} ms, {bName} {Ms(Median(rb))} ms, " +
                $"median pair ratio {Median(ra.Zip(rb, (x, y) => x / y).ToList()).ToString("0.000", Inv)}");
        }
        return new TimingResult(aMs, bMs, perRound);
    }

    /// <summary>
    /// How many calls make one sample of at least <paramref name="targetMs"/>, from the median of a few timed calls
    /// of the faster contender (at most 1000).
    /// </summary>
    public static int CallsFor(Func<Tensor> faster, double targetMs)
    {
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Once(faster);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        double one = Math.Max(1e-3, Median(times));
        return (int)Math.Clamp(Math.Ceiling(targetMs / one), 1, 1000);
    }

    private static void Once(Func<Tensor> f)
    {
        using var y = f();
    }

    /// <summary>
    /// The median time of <paramref name="calls"/> calls of one operation on its own (after two warm-up calls), each result
    /// disposed at once: for "where the time goes" breakdowns, which give proportions, not ratios.
    /// </summary>
    public static double MedianOf(Func<Tensor> f, int calls = 15)
    {
        for (int i = 0; i < 2; i++) f().Dispose();
        var times = new List<double>(calls);
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using (var y = f()) { }
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return Median(times);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Milliseconds with three significant-ish digits: 76.3, 4.12, 0.153.</summary>
    public static string Ms(double ms) => ms.ToString(ms >= 10 ? "0.0" : ms >= 1 ? "0.00" : "0.000", Inv);
}

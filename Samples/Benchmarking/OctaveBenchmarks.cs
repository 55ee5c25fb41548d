using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using NetDsl.Octave;
using NetDsl.Samples.Benchmarking;
using NetDsl.Samples.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Samples;

/// <summary>One octave-vs-plain comparison: the paired timing and the multiply-add ratio it should approach.</summary>
public sealed record OctaveCase(string Group, string Input, string A, string B, double MacRatio, int CallsPerSample, TimingResult Timing)
{
    public double TimeRatio => Timing.Ratio;
}

public sealed record OctaveReport(MachineInfo Machine, string Command, BenchOptions Options, IReadOnlyList<OctaveCase> Cases,
    IReadOnlyList<OpTiming> Breakdown);

/// <summary>
/// `bench octave`: an octave convolution against the plain convolution with the same channels, for alpha 0.25 / 0.5 /
/// 0.75, and Oct-ResNet-50 against ResNet-50, as time ratios beside the multiply-add ratios; a breakdown of the octave
/// layer's time into its four convolutions and the rest (pooling, upsampling, adds).
/// </summary>
public static class OctaveBenchmarks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const long Channels = 128;
    public const long Size = 56;
    public const long Batch = 4;

    public static string? Run(BenchOptions options, string command)
    {
        string loadBefore = BenchDocument.LoadAverage();
        using var noGrad = torch.no_grad();
        double sampleMs = options.Quick ? 1 : 20;
        var cases = new List<OctaveCase>();
        var breakdown = new List<OpTiming>();

        void Compare(string group, string input, string aName, Func<Tensor> a, string bName, Func<Tensor> b, double macRatio)
        {
            int calls = PairedTiming.CallsFor(b, sampleMs);
            Console.WriteLine($"{group}: {aName} vs {bName}, {calls} call(s) per sample...");
            var timing = PairedTiming.Measure(a, b, options.Warmup, options.Rounds, options.PerRound, calls, Console.WriteLine, aName, bName);
            var c = new OctaveCase(group, input, aName, bName, macRatio, calls, timing);
            Console.WriteLine($"  => time ratio {c.TimeRatio.ToString("0.000", Inv)}, multiply-add ratio {macRatio.ToString("0.000", Inv)}");
            cases.Add(c);
        }

        // (a) one layer: OctConv(Cin, Cout, k, alpha -> alpha) on a (high, low) pair vs Conv2d(Cin, Cout, k) on the plain map,
        // at a large batch (the convolutions are bound by their arithmetic) and at Oct-ResNet-50's own sizes (batch 1).
        void Layer(string group, long cin, long cout, long k, long size, long batch, double alpha, bool breakdownToo = false)
        {
            torch.manual_seed(17);
            using var plain = nn.Conv2d(cin, cout, k, padding: k / 2, bias: false);
            using var octave = new OctaveConv2d(cin, cout, k, alpha, alpha, padding: k / 2);
            plain.eval();
            octave.eval();
            long low = OctaveConv2d.LowChannels(cin, alpha);
            using var x = torch.randn(batch, cin, size, size);
            using var high = torch.randn(batch, cin - low, size, size);
            using var lowMap = torch.randn(batch, low, size / 2, size / 2);
            var pair = new OctaveTensor(high, lowMap);
            double macRatio = (double)octave.MultiplyAddsAt(size, size) / (cin * cout * k * k * size * size);
            string input = $"[{batch}, {cin - low}, {size}, {size}] + [{batch}, {low}, {size / 2}, {size / 2}] vs [{batch}, {cin}, {size}, {size}]";
            Compare(group, input, "OctaveConv2d", () => Sum(octave.call(pair)), "Conv2d", () => plain.call(x), macRatio);
            if (breakdownToo) Breakdown(octave, pair, plain, x, breakdown);
        }
        foreach (double alpha in new[] { 0.25, 0.5, 0.75 })
            Layer($"OctConv({Channels}, {Channels}, k=3), alpha {alpha.ToString("0.##", Inv)}", Channels, Channels, 3, Size, Batch, alpha, alpha == 0.5);
        Layer("in Oct-ResNet-50: layer1 conv2 (3x3, 64, 56x56), alpha 0.5", 64, 64, 3, 56, 1, 0.5);
        Layer("in Oct-ResNet-50: layer3 conv2 (3x3, 256, 14x14), alpha 0.5", 256, 256, 3, 14, 1, 0.5);
        Layer("in Oct-ResNet-50: layer3 conv3 (1x1, 256 → 1024, 14x14), alpha 0.5", 256, 1024, 1, 14, 1, 0.5);

        // (b) the networks at 224x224.
        {
            torch.manual_seed(19);
            using var oct = new OctResNet50();
            using var res = new ResNet50();
            oct.eval();
            res.eval();
            using var image = torch.randn(1, 3, 224, 224);
            double macRatio = (double)OctResNet50.Summary.TotalMacs!.Value / ResNet50.Summary.TotalMacs!.Value;
            Compare("Oct-ResNet-50 (alpha 0.5) vs ResNet-50", "[1, 3, 224, 224]", "OctResNet50", () => oct.call(image), "ResNet50", () => res.call(image), macRatio);
            NetworkBreakdown(oct, res, image, breakdown);
        }

        var report = new OctaveReport(BenchDocument.Machine(loadBefore), command, options, cases, breakdown);
        string section = FormatSection(report);
        Console.WriteLine();
        Console.WriteLine(section);
        return section;
    }

    /// <summary>One tensor from a pair (the low part is disposed with the scope), so the timing owns a single result.</summary>
    private static Tensor Sum(OctaveTensor y)
    {
        y.Low?.Dispose();
        return y.High;
    }

    private static void Breakdown(OctaveConv2d octave, OctaveTensor pair, Modules.Conv2d plain, Tensor x, List<OpTiming> breakdown)
    {
        string name = $"OctConv({octave.InChannels}, {octave.OutChannels}, k={octave.KernelSize}), alpha 0.5, batch {x.shape[0]}, {x.shape[2]}x{x.shape[3]}";
        var (high, low) = pair;
        using var pool = nn.AvgPool2d(2, 2);
        using var up = nn.Upsample(scale_factor: new double[] { 2, 2 }, mode: torch.UpsampleMode.Nearest);
        using var pooledHigh = pool.call(high);
        using var fromLow = octave.ConvL2H!.call(low!);
        using var upsampled = up.call(fromLow);
        using var h2h = octave.ConvH2H!.call(high);
        breakdown.Add(new OpTiming(name, "whole octave layer", PairedTiming.MedianOf(() => Sum(octave.call(pair)))));
        breakdown.Add(new OpTiming(name, "plain Conv2d, same channels", PairedTiming.MedianOf(() => plain.call(x))));
        string full = $"{x.shape[2]}x{x.shape[3]}", half = $"{x.shape[2] / 2}x{x.shape[3] / 2}";
        breakdown.Add(new OpTiming(name, $"conv_h2h ({octave.InHighChannels} → {octave.OutHighChannels} at {full})", PairedTiming.MedianOf(() => octave.ConvH2H!.call(high))));
        breakdown.Add(new OpTiming(name, $"conv_l2h ({octave.InLowChannels} → {octave.OutHighChannels} at {half})", PairedTiming.MedianOf(() => octave.ConvL2H!.call(low!))));
        breakdown.Add(new OpTiming(name, $"conv_h2l ({octave.InHighChannels} → {octave.OutLowChannels} at {half})", PairedTiming.MedianOf(() => octave.ConvH2L!.call(pooledHigh))));
        breakdown.Add(new OpTiming(name, $"conv_l2l ({octave.InLowChannels} → {octave.OutLowChannels} at {half})", PairedTiming.MedianOf(() => octave.ConvL2L!.call(low!))));
        breakdown.Add(new OpTiming(name, "2x2 average pooling of the high map", PairedTiming.MedianOf(() => pool.call(high))));
        breakdown.Add(new OpTiming(name, "nearest 2x upsampling of l2h", PairedTiming.MedianOf(() => up.call(fromLow))));
        breakdown.Add(new OpTiming(name, "add of the two high-frequency paths", PairedTiming.MedianOf(() => upsampled + h2h)));
    }

    /// <summary>
    /// What the networks ask of LibTorch: how many convolutions and batch norms each runs, the whole forwards, and the cost
    /// of one small operation (a 1x1 convolution on a 7x7 map, where the fixed cost of a call dominates).
    /// </summary>
    private static void NetworkBreakdown(OctResNet50 oct, ResNet50 res, Tensor image, List<OpTiming> breakdown)
    {
        const string name = "Oct-ResNet-50 vs ResNet-50, [1, 3, 224, 224]";
        int Count<T>(nn.Module m) => m.modules().Count(x => x is T);
        breakdown.Add(new OpTiming(name, $"ResNet50 forward ({Count<Modules.Conv2d>(res)} Conv2d, {Count<Modules.BatchNorm2d>(res)} BatchNorm2d)", PairedTiming.MedianOf(() => res.call(image))));
        breakdown.Add(new OpTiming(name, $"OctResNet50 forward ({Count<Modules.Conv2d>(oct)} Conv2d, {Count<Modules.BatchNorm2d>(oct)} BatchNorm2d)", PairedTiming.MedianOf(() => oct.call(image))));
        using var small = nn.Conv2d(16, 16, 1, bias: false);
        using var tiny = torch.randn(1, 16, 7, 7);
        breakdown.Add(new OpTiming(name, "one small call: Conv2d(16, 16, k=1) on [1, 16, 7, 7]", PairedTiming.MedianOf(() => small.call(tiny), 50)));
    }


    // ---- formatting (pure; covered by Generator.Tests/BenchmarkFormattingTests.cs) ----

    private static string R(double v) => v.ToString("0.00", Inv);

    /// <summary>The octave section of docs/benchmarks.md.</summary>
    public static string FormatSection(OctaveReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Octave convolution: time against multiply-adds");
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine(r.Command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("`OctaveConv2d` (Runtime/Octave, d-li14's semantics) against `nn.Conv2d` with the same channels on the same");
        sb.AppendLine("batch, and the generated Oct-ResNet-50 against the generated ResNet-50. The time ratio (octave / plain) stands");
        sb.AppendLine("beside the multiply-add ratio the compiler (and `OctaveConv2d.MultiplyAdds`) computes for the same shapes; a");
        sb.AppendLine("perfect implementation would make them equal. Interleaved paired timing in eval mode under `no_grad`:");
        sb.AppendLine($"{r.Options.Warmup} warm-up, {r.Options.Rounds} rounds x {r.Options.PerRound} pairs; ratio = median of the pair ratios (lowest and highest round median beside it).");
        sb.AppendLine();
        sb.AppendLine("### Machine");
        sb.AppendLine();
        sb.Append(BenchDocument.FormatMachine(r.Machine));
        sb.AppendLine();
        sb.AppendLine("### Results");
        sb.AppendLine();
        sb.AppendLine("| comparison | input | A ms | B ms | calls | time ratio A / B (rounds min – max) | multiply-add ratio | time saving / multiply-add saving |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var c in r.Cases)
        {
            var t = c.Timing;
            sb.AppendLine($"| {c.Group}: {c.A} / {c.B} | {c.Input} | {PairedTiming.Ms(t.AMedianMs)} | {PairedTiming.Ms(t.BMedianMs)} | {c.CallsPerSample} | " +
                $"**{R(c.TimeRatio)}** ({R(t.RoundRatios.Min())} – {R(t.RoundRatios.Max())}) | {R(c.MacRatio)} | {SavingShare(c)} |");
        }
        BenchDocument.AppendBreakdown(sb, r.Breakdown);
        sb.AppendLine();
        sb.AppendLine("### Interpretation");
        sb.AppendLine();
        foreach (var line in Interpret(r)) sb.AppendLine($"* {line}");
        return sb.ToString();
    }

    /// <summary>How much of the multiply-add saving the time realises: (1 − time ratio) / (1 − MAC ratio).</summary>
    public static string SavingShare(OctaveCase c)
    {
        double macSaving = 1 - c.MacRatio;
        if (macSaving <= 0) return "—";
        return ((1 - c.TimeRatio) / macSaving * 100).ToString("0", Inv) + "%";
    }

    public static IEnumerable<string> Interpret(OctaveReport r)
    {
        foreach (var c in r.Cases)
        {
            double share = (1 - c.TimeRatio) / Math.Max(1e-9, 1 - c.MacRatio);
            yield return $"{c.Group}: {R(c.TimeRatio)}x the time for {R(c.MacRatio)}x the multiply-adds, " +
                (c.TimeRatio >= 1 ? "no saving in time at all." : $"{(share * 100).ToString("0", Inv)}% of the multiply-add saving realised in time.");
        }
        double Op(string op) => r.Breakdown.FirstOrDefault(o => o.Operation.StartsWith(op, StringComparison.Ordinal))?.MedianMs ?? double.NaN;
        if (r.Breakdown.Count > 0)
        {
            double whole = Op("whole octave layer"), plain = Op("plain Conv2d");
            double convs = Op("conv_h2h") + Op("conv_l2h") + Op("conv_h2l") + Op("conv_l2l");
            double extra = Op("2x2 average pooling") + Op("nearest 2x upsampling") + Op("add of the two");
            double convShare = convs / plain;
            yield return $"Where it goes (alpha 0.5, batch {Batch}): the four convolutions alone take {PairedTiming.Ms(convs)} ms of the layer's {PairedTiming.Ms(whole)} ms, " +
                $"{R(convShare)}x the plain convolution's {PairedTiming.Ms(plain)} ms for 0.44x its multiply-adds" +
                (convShare <= 0.44 * 1.15
                    ? " (at this size the split convolutions keep LibTorch's efficiency)"
                    : $" (a smaller convolution runs less efficiently: conv_h2h, a quarter of the arithmetic, takes {R(Op("conv_h2h") / plain)}x the time)") +
                $"; pooling, upsampling and the add cost {PairedTiming.Ms(extra)} ms, memory passes the multiply-add count leaves out.";
        }
        var net = r.Breakdown.Where(o => o.Breakdown.StartsWith("Oct-ResNet-50", StringComparison.Ordinal)).ToList();
        var netCase = r.Cases.FirstOrDefault(c => c.Group.StartsWith("Oct-ResNet-50", StringComparison.Ordinal));
        if (net.Count == 3 && netCase is not null)
        {
            int Convs(OpTiming o) => int.Parse(o.Operation.Split('(')[1].Split(' ')[0], Inv);
            int Norms(OpTiming o) => int.Parse(o.Operation.Split(", ")[1].Split(' ')[0], Inv);
            var (res, oct, small) = (net[0], net[1], net[2]);
            int extra = Convs(oct) - Convs(res) + Norms(oct) - Norms(res);
            double expected = netCase.Timing.BMedianMs * netCase.MacRatio;
            var inNetwork = r.Cases.Where(c => c.Group.StartsWith("in Oct-ResNet-50", StringComparison.Ordinal)).ToList();
            yield return $"Oct-ResNet-50 in time: at its multiply-add ratio it would take {PairedTiming.Ms(expected)} ms, it takes {PairedTiming.Ms(netCase.Timing.AMedianMs)} ms. " +
                $"It runs {Convs(oct)} convolutions and {Norms(oct)} batch norms where ResNet-50 runs {Convs(res)} and {Norms(res)} (each octave layer is up to four " +
                $"convolutions and two norms), {extra} more LibTorch calls plus the poolings and upsamplings; their fixed cost is small " +
                $"({PairedTiming.Ms(small.MedianMs)} ms for a 1x1 convolution on a 7x7 map, {PairedTiming.Ms(extra * small.MedianMs)} ms for all of them). " +
                (inNetwork.Count > 0
                    ? "The octave layers at the network's own sizes (batch 1, rows above): " +
                      string.Join("; ", inNetwork.Select(c => $"{c.Group.Substring("in Oct-ResNet-50: ".Length)} {R(c.TimeRatio)}x the time for {R(c.MacRatio)}x the multiply-adds")) + ". " +
                      (inNetwork.Average(c => c.TimeRatio) > netCase.MacRatio + 0.2
                          ? "So the saving turns into time where a convolution is large and bound by its arithmetic (the batch-4 rows), not at the network's " +
                            "own sizes, where each split convolution runs further from LibTorch's peak than the whole one; larger batches or a fused octave " +
                            "kernel would be needed to see the multiply-add saving in Oct-ResNet-50's time."
                          : "")
                    : "");
        }
        if (BenchDocument.LoadCaveat(r.Machine) is { } caveat) yield return caveat;
        if (r.Options.Quick) yield return "This was a `--quick` smoke run: too few iterations for the numbers to mean much.";
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetDsl.Samples.Benchmarking;
using NetDsl.Samples.HandWritten;
using NetDsl.Samples.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples;

/// <summary>
/// One generated-against-hand-written comparison in TorchSharp (A = generated, B = hand-written), timed as interleaved
/// pairs in two halves, before and after the PyTorch process (<see cref="SecondHalf"/> is null with a single round).
/// <see cref="PyTorchMaxAbsDiff"/> is max |generated − PyTorch| over the outputs, when PyTorch ran.
/// </summary>
public sealed record PyramidCase(string Key, string Benchmark, IReadOnlyList<long> Input, string Generated, string HandWritten,
    double MaxAbsDiff, int CallsPerSample, TimingResult FirstHalf, TimingResult? SecondHalf, double? PyTorchMaxAbsDiff = null,
    double OutputMaxAbs = 0)
{
    /// <summary>Both halves together.</summary>
    public TimingResult Timing => SecondHalf is null
        ? FirstHalf
        : new TimingResult(FirstHalf.AMs.Concat(SecondHalf.AMs).ToList(), FirstHalf.BMs.Concat(SecondHalf.BMs).ToList(), FirstHalf.PerRound);

    /// <summary>Generated / hand-written: the median of the pair ratios over both halves.</summary>
    public double Ratio => Timing.Ratio;

    public string InputText => "[" + string.Join(", ", Input) + "]";
}

/// <summary>
/// One part of the generated DeepLabV3 head timed on its own: <see cref="Macs"/> counts every kernel tap (the compile-time
/// summary's count), <see cref="InMapMacs"/> only the taps that land on the map rather than in the zero padding;
/// <see cref="Rate"/> is the atrous rate of an ASPP branch (0 for the other parts). <see cref="Key"/> names the part as
/// tools/bench_torchvision_heads.py's breakdown does (convs.0 … convs.4, project, conv, classifier); <see cref="Short"/>
/// names it in prose.
/// </summary>
public sealed record HeadPart(string Key, string Part, string Short, long Rate, long Macs, long InMapMacs, double MedianMs)
{
    /// <summary>In-map multiply-adds per second, in G.</summary>
    public double InMapGPerSecond => MedianMs > 0 ? InMapMacs / (MedianMs * 1e6) : 0;
}

public sealed record PyramidReport(MachineInfo Machine, string Command, BenchOptions Options, IReadOnlyList<PyramidCase> Cases,
    PyTorchRun PyTorch, long HeadParameters, long HeadMacs, IReadOnlyList<HeadPart>? Breakdown = null)
{
    public IReadOnlyList<HeadPart> Parts => Breakdown ?? Array.Empty<HeadPart>();
}

/// <summary>
/// `bench pyramids`: the generated DeepLabV3 head (<see cref="DeepLabV3ResNet50"/>'s <c>classifier</c>) and the generated
/// <see cref="SppNet"/>'s SPP stage against the same modules written by hand in TorchSharp (<see cref="DeepLabHeadManual"/>,
/// <see cref="SpatialPyramidPoolingManual"/>), as interleaved pairs; and against torchvision's under Debian's PyTorch
/// (<c>tools/bench_torchvision_heads.py</c>, another process, run between the two halves of the TorchSharp timing).
/// </summary>
public static class PyramidBenchmarks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Outputs of the generated and hand-written modules must agree this closely before anything is timed.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>TorchSharp and PyTorch outputs agreeing within this (relative to the output's largest magnitude, at least 1) compute the same function.</summary>
    public const double CrossTolerance = 1e-4;

    /// <summary>A generated / hand-written ratio this close to 1 is within noise even when every round agrees on the direction.</summary>
    public const double NoiseBand = 0.02;

    /// <summary>Runs the suite and returns its document section, or null when a hand-written module disagrees with the generated one.</summary>
    public static string? Run(BenchOptions options, string command)
    {
        string loadBefore = BenchDocument.LoadAverage();
        using var noGrad = torch.no_grad();
        double sampleMs = options.Quick ? 1 : 5;

        // The generated DeepLabV3's classifier (torchvision's DeepLabHead(2048, 21)) and its hand-written twin.
        using var deeplab = new DeepLabV3ResNet50();
        deeplab.eval();
        var head = (nn.Module<Tensor, Tensor>)deeplab.Stages.Single(s => s.Name == "classifier").Module!;
        KeyedFill.Fill(head);
        using var manualHead = DeepLabHeadManual.Create(2048, 21);
        DeepLabHeadManual.CopyWeights(manualHead, head);
        manualHead.eval();
        long headParams = head.parameters().Sum(p => p.numel());
        long headMacs = DeepLabV3ResNet50.Summary.Rows.FirstOrDefault(r => r.Path == "classifier")?.Macs ?? 0;

        // The generated SppNet's SPP stage (levels 4, 2, 1) and the hand-written one.
        using var sppNet = new SppNet();
        sppNet.eval();
        var spp = (nn.Module<Tensor, Tensor>)sppNet.Stages.Single(s => s.Name == "spp").Module!;
        using var manualSpp = new SpatialPyramidPoolingManual(4, 2, 1);

        var specs = new (string Key, string Benchmark, long[] Shape, string Gen, nn.Module<Tensor, Tensor> A, string Hand, nn.Module<Tensor, Tensor> B)[]
        {
            ("deeplab_head", "DeepLabV3 head (DeepLabHead(2048, 21))", new long[] { 1, 2048, 28, 28 },
                "generated `DeepLabV3ResNet50.classifier`", head, "hand-written `DeepLabHeadManual`", manualHead),
            ("spp", "SPP forward (levels 4, 2, 1)", new long[] { 1, 256, 56, 56 },
                "generated `SppNet.spp`", spp, "hand-written `SpatialPyramidPoolingManual`", manualSpp),
            ("spp", "SPP forward (levels 4, 2, 1)", new long[] { 8, 256, 56, 56 },
                "generated `SppNet.spp`", spp, "hand-written `SpatialPyramidPoolingManual`", manualSpp),
        };

        var inputs = specs.Select(s => KeyedFill.Input(s.Shape)).ToList();
        try
        {
            var checks = new List<(double Diff, double MaxAbs, int Calls)>();
            for (int i = 0; i < specs.Length; i++)
            {
                var s = specs[i];
                var x = inputs[i];
                using var ya = s.A.call(x);
                using var yb = s.B.call(x);
                double diff = (ya - yb).abs().max().ToDouble();
                double maxAbs = ya.abs().max().ToDouble();
                Console.WriteLine($"{s.Benchmark}, input {SampleRunner.Shape(s.Shape)}: output {SampleRunner.Shape(ya.shape)}, max |generated - hand-written| = {diff:0.0e+0}");
                if (!(diff <= Tolerance))
                {
                    Console.Error.WriteLine($"bench pyramids: {s.Gen} and {s.Hand} disagree (max |diff| = {diff}); the comparison would be meaningless.");
                    return null;
                }
                checks.Add((diff, maxAbs, PairedTiming.CallsFor(() => s.B.call(x), sampleMs)));
            }

            int firstRounds = (options.Rounds + 1) / 2, secondRounds = options.Rounds - firstRounds;
            var firstHalves = new List<TimingResult>();
            for (int i = 0; i < specs.Length; i++)
            {
                var s = specs[i];
                var x = inputs[i];
                Console.WriteLine($"{s.Benchmark} [{string.Join(", ", s.Shape)}], first half: {firstRounds} round(s), {checks[i].Calls} call(s) per sample...");
                firstHalves.Add(PairedTiming.Measure(() => s.A.call(x), () => s.B.call(x), options.Warmup, firstRounds, options.PerRound,
                    checks[i].Calls, Console.WriteLine, "generated", "hand-written"));
            }

            int threads = torch.get_num_threads();
            Console.WriteLine($"PyTorch: {TorchvisionReference.Python} {TorchvisionReference.Script}, {threads} thread(s), " +
                $"{options.Warmup} warm-up + {options.Rounds} rounds x {options.PerRound} samples per case...");
            var pyTorch = TorchvisionReference.Run(threads, options.Warmup, options.Rounds, options.PerRound,
                specs.Select((s, i) => (s.Key, (IReadOnlyList<long>)s.Shape, checks[i].Calls)), Console.WriteLine);
            Console.WriteLine(pyTorch.Available
                ? $"PyTorch {pyTorch.Torch} / torchvision {pyTorch.Torchvision}, {pyTorch.Threads} thread(s), {pyTorch.Seconds:0} s"
                : $"PyTorch comparison not available: {pyTorch.Unavailable}");

            var secondHalves = new List<TimingResult?>();
            for (int i = 0; i < specs.Length; i++)
            {
                var s = specs[i];
                var x = inputs[i];
                if (secondRounds == 0) { secondHalves.Add(null); continue; }
                Console.WriteLine($"{s.Benchmark} [{string.Join(", ", s.Shape)}], second half: {secondRounds} round(s)...");
                secondHalves.Add(PairedTiming.Measure(() => s.A.call(x), () => s.B.call(x), options.Warmup, secondRounds, options.PerRound,
                    checks[i].Calls, Console.WriteLine, "generated", "hand-written"));
            }

            Console.WriteLine("Where the generated head's time goes: each part on its own, median of 15 calls...");
            var breakdown = HeadBreakdown((NetDsl.Pyramids.DeepLabHead)head, inputs[0]);
            foreach (var part in breakdown)
                Console.WriteLine($"  {part.Part}: {Ms(part.MedianMs)} ms, {part.InMapMacs / 1e9:0.000} G in-map of {part.Macs / 1e9:0.000} G multiply-adds");

            var cases = new List<PyramidCase>();
            for (int i = 0; i < specs.Length; i++)
            {
                var s = specs[i];
                double? crossDiff = null;
                if (pyTorch.Find(s.Key, s.Shape) is { Output: { } reference })
                {
                    using var y = s.A.call(inputs[i]);
                    var ours = y.to_type(ScalarType.Float64).data<double>().ToArray();
                    crossDiff = ours.Length == reference.Count
                        ? ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max()
                        : double.PositiveInfinity;
                }
                cases.Add(new PyramidCase(s.Key, s.Benchmark, s.Shape, s.Gen, s.Hand, checks[i].Diff, checks[i].Calls,
                    firstHalves[i], secondHalves[i], crossDiff, checks[i].MaxAbs));
            }

            var report = new PyramidReport(BenchDocument.Machine(loadBefore), command, options, cases, pyTorch, headParams, headMacs, breakdown);
            string section = FormatSection(report);
            Console.WriteLine();
            Console.WriteLine(section);
            return section;
        }
        finally
        {
            foreach (var x in inputs) x.Dispose();
        }
    }

    // Each part of the head on its own, on the head's input (or, for the later parts, a tensor of the shape they receive).
    private static List<HeadPart> HeadBreakdown(NetDsl.Pyramids.DeepLabHead head, Tensor x)
    {
        long c = x.shape[1], h = x.shape[2], w = x.shape[3], f = NetDsl.Pyramids.DeepLabHead.Channels;
        var parts = new List<HeadPart>();
        var convs = head.Aspp.Convs;
        parts.Add(new HeadPart("convs.0", $"ASPP `convs.0`: 1x1 conv {c} → {f}, BN, ReLU", "the 1x1 branch", 0,
            ConvMacs(c, f, 1, 1, 0, h, w, inMap: false), ConvMacs(c, f, 1, 1, 0, h, w, inMap: true), PairedTiming.MedianOf(() => convs[0].call(x))));
        for (int i = 0; i < head.Aspp.AtrousRates.Count; i++)
        {
            long rate = head.Aspp.AtrousRates[i];
            var branch = convs[i + 1];
            parts.Add(new HeadPart($"convs.{i + 1}", $"ASPP `convs.{i + 1}`: 3x3 conv {c} → {f}, rate {rate}, BN, ReLU", $"the rate-{rate} branch", rate,
                ConvMacs(c, f, 3, rate, rate, h, w, inMap: false), ConvMacs(c, f, 3, rate, rate, h, w, inMap: true), PairedTiming.MedianOf(() => branch.call(x))));
        }
        var pooling = convs[^1];
        parts.Add(new HeadPart($"convs.{convs.Count - 1}", $"ASPP `convs.{convs.Count - 1}`: image pooling (average, 1x1 conv, BN, ReLU, bilinear back)", "the image-pooling branch", 0,
            c * f, c * f, PairedTiming.MedianOf(() => pooling.call(x))));
        long catChannels = convs.Count * f;
        using var cat = torch.randn(x.shape[0], catChannels, h, w);
        parts.Add(new HeadPart("project", $"ASPP `project`: 1x1 conv {catChannels} → {f}, BN, ReLU, dropout", "the projection", 0,
            ConvMacs(catChannels, f, 1, 1, 0, h, w, inMap: false), ConvMacs(catChannels, f, 1, 1, 0, h, w, inMap: true), PairedTiming.MedianOf(() => head.Aspp.Project.call(cat))));
        using var y = torch.randn(x.shape[0], f, h, w);
        parts.Add(new HeadPart("conv", $"`1`–`3`: 3x3 conv {f} → {f}, BN, ReLU", $"the {f} → {f} 3x3 conv", 0,
            ConvMacs(f, f, 3, 1, 1, h, w, inMap: false), ConvMacs(f, f, 3, 1, 1, h, w, inMap: true),
            PairedTiming.MedianOf(() => nn.functional.relu(head.Norm.call(head.Conv.call(y))))));
        parts.Add(new HeadPart("classifier", $"`4`: 1x1 classifier {f} → {head.NumClasses}", "the classifier", 0,
            ConvMacs(f, head.NumClasses, 1, 1, 0, h, w, inMap: false), ConvMacs(f, head.NumClasses, 1, 1, 0, h, w, inMap: true),
            PairedTiming.MedianOf(() => head.Classifier.call(y))));
        return parts;
    }


    /// <summary>
    /// Kernel taps along one axis of a stride-1 convolution that land on the map (0 ≤ o − padding + j·dilation &lt; size)
    /// rather than in the zero padding, summed over the output positions o and the taps j.
    /// </summary>
    public static long ValidTaps(long size, long kernel, long dilation, long padding)
    {
        long outSize = size + 2 * padding - dilation * (kernel - 1);
        long taps = 0;
        for (long j = 0; j < kernel; j++)
        {
            long offset = j * dilation - padding; // input index = o + offset
            long first = Math.Max(0, -offset), last = Math.Min(outSize - 1, size - 1 - offset);
            if (last >= first) taps += last - first + 1;
        }
        return taps;
    }

    /// <summary>
    /// Multiply-adds of a stride-1 k×k convolution (batch 1): every tap (<paramref name="inMap"/> false, the summary's count)
    /// or only the taps that land on the map.
    /// </summary>
    public static long ConvMacs(long inChannels, long outChannels, long kernel, long dilation, long padding, long height, long width, bool inMap)
    {
        long outH = height + 2 * padding - dilation * (kernel - 1), outW = width + 2 * padding - dilation * (kernel - 1);
        long positions = inMap
            ? ValidTaps(height, kernel, dilation, padding) * ValidTaps(width, kernel, dilation, padding)
            : kernel * kernel * outH * outW;
        return inChannels * outChannels * positions;
    }

    // ---- formatting (pure; covered by Generator.Tests/PyramidBenchmarkTests.cs) ----

    private static string R(double v) => v.ToString("0.00", Inv);
    private static string G(long macs) => (macs / 1e9).ToString("0.000", Inv);

    // PyTorch's per-part medians of the head, when the script timed them.
    private static IReadOnlyDictionary<string, double>? PyTorchParts(PyramidReport r) =>
        r.Cases.FirstOrDefault(c => c.Key == "deeplab_head") is { } h ? r.PyTorch.Find(h.Key, h.Input)?.Breakdown : null;
    private static string R3(double v) => v.ToString("0.000", Inv);
    private static string Ms(double v) => PairedTiming.Ms(v);
    private static string Diff(double d) => d == 0 ? "0" : double.IsPositiveInfinity(d) ? "shape differs" : d.ToString("0.0e+0", Inv);

    /// <summary>TorchSharp-generated / PyTorch: the ratio of the medians (the two processes cannot be paired).</summary>
    public static double RatioToPyTorch(PyramidCase c, PyTorchCase p) => c.Timing.AMedianMs / p.MedianMs;

    /// <summary>Whether a generated / hand-written ratio is within noise: the per-round ratios straddle 1, or it is within <see cref="NoiseBand"/> of 1.</summary>
    public static bool WithinNoise(TimingResult t) =>
        Math.Abs(t.Ratio - 1) <= NoiseBand || (t.RoundRatios.Min() <= 1 && t.RoundRatios.Max() >= 1);

    /// <summary>"12.3% slower than", "4.0% faster than", "as fast as"; "2.50x the time of", "2.00x as fast as" beyond 1.5x.</summary>
    public static string Relative(double ratio)
    {
        double pct = (ratio - 1) * 100;
        if (ratio >= 1.5) return $"{R(ratio)}x the time of";
        if (ratio > 0 && ratio <= 1 / 1.5) return $"{R(1 / ratio)}x as fast as";
        return Math.Abs(pct) < 0.05 ? "as fast as" : pct > 0 ? $"{pct.ToString("0.0", Inv)}% slower than" : $"{(-pct).ToString("0.0", Inv)}% faster than";
    }

    /// <summary>The pyramids section of docs/benchmarks.md.</summary>
    public static string FormatSection(PyramidReport r)
    {
        var sb = new StringBuilder();
        var o = r.Options;
        int firstRounds = r.Cases.FirstOrDefault()?.FirstHalf.RoundRatios.Count ?? 0;
        int secondRounds = r.Cases.FirstOrDefault()?.SecondHalf?.RoundRatios.Count ?? 0;
        sb.AppendLine("## Pyramids: DeepLabV3 head and SPP, generated vs hand-written vs PyTorch");
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine(r.Command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("The generated DeepLabV3 head, the `classifier` of `DeepLabV3ResNet50` (`Samples/Networks/DeepLabV3.cs`; the runtime's");
        sb.AppendLine($"`DeepLabHead` and `ASPP` in `Runtime/Pyramids/`, torchvision's `DeepLabHead(2048, 21)`: {r.HeadParameters.ToString("N0", Inv)} parameters,");
        sb.AppendLine($"{(r.HeadMacs / 1e9).ToString("0.00", Inv)} G multiply-adds at 28x28 by the compile-time summary), against the same head written by hand in plain");
        sb.AppendLine("TorchSharp (`Samples/HandWritten/DeepLabHeadManual.cs`: `nn.Sequential`, `Conv2d`, `BatchNorm2d`, `ReLU`,");
        sb.AppendLine("`AdaptiveAvgPool2d`, `interpolate`), on DeepLabV3's output-stride-8 map of a 224x224 image, [1, 2048, 28, 28]. The SPP");
        sb.AppendLine("stage of the generated `SppNet` (`Runtime/Pyramids/SpatialPyramidPooling.cs`, levels 4, 2, 1) against a hand-written");
        sb.AppendLine("one (`Samples/HandWritten/SpatialPyramidPoolingManual.cs`: `AdaptiveMaxPool2d` per level, flatten, cat), on SppNet's");
        sb.AppendLine("map of a 224x224 image, [1, 256, 56, 56], and on a batch of 8. Weights and inputs are deterministic functions of the");
        sb.AppendLine("state_dict key (`Samples/Benchmarking/KeyedFill.cs`), the same in both processes; the hand-written head gets the");
        sb.AppendLine("generated one's weights by state_dict key, and outputs are compared before anything is timed (*max diff*).");
        sb.AppendLine();
        sb.AppendLine($"TorchSharp: eval mode under `no_grad`, {o.Warmup} warm-up, then {o.Rounds} rounds x {o.PerRound} back-to-back pairs (generated,");
        sb.AppendLine("hand-written), order alternating; a sample is several calls in a row when one call is short (*calls*); the ratio is the");
        sb.AppendLine("median of the pair ratios, with the lowest and highest per-round median beside it. The rounds run in two halves");
        sb.AppendLine($"({firstRounds} + {secondRounds}) with the PyTorch process between them.");
        sb.AppendLine();
        sb.AppendLine("PyTorch: `tools/bench_torchvision_heads.py` under Debian's `/usr/bin/python3` times torchvision's own `DeepLabHead(2048, 21)`");
        sb.AppendLine("and the same SPP (`adaptive_max_pool2d` per level, flatten, cat) with the same thread count (passed from here,");
        sb.AppendLine("`torch.set_num_threads` there), inputs, weights, warm-up, rounds, samples and calls per sample, under `no_grad`. Another");
        sb.AppendLine("process cannot be interleaved pair by pair with this one, so the cross-process ratio is a ratio of medians (TorchSharp's");
        sb.AppendLine("over both halves, PyTorch's); the TorchSharp medians of the half before and the half after the PyTorch block are shown");
        sb.AppendLine("beside it, so drift during the run is visible.");
        sb.AppendLine();
        sb.AppendLine("### Machine");
        sb.AppendLine();
        sb.Append(BenchDocument.FormatMachine(r.Machine));
        sb.AppendLine();
        var p = r.PyTorch;
        if (p.Available)
        {
            sb.AppendLine("| PyTorch process | |");
            sb.AppendLine("|---|---|");
            sb.AppendLine($"| interpreter | `/usr/bin/python3` {p.Python} |");
            sb.AppendLine($"| PyTorch / torchvision | {p.Torch} / {p.Torchvision} (Debian packages python3-torch, python3-torchvision) |");
            if (p.Build.Length > 0) sb.AppendLine($"| build (`torch.__config__.show()`) | {p.Build} |");
            sb.AppendLine($"| `torch.get_num_threads()` | {p.Threads}{(p.Threads != r.Machine.TorchThreads ? $" (**asked for {r.Machine.TorchThreads}**)" : "")} |");
            sb.AppendLine($"| load average (1, 5, 15 min) before / after | {p.LoadBefore} / {p.LoadAfter} |");
            sb.AppendLine($"| wall time (start-up, import, weights, timing) | {p.Seconds.ToString("0", Inv)} s |");
            sb.AppendLine();
        }
        sb.AppendLine("### Generated vs hand-written (TorchSharp, one process, interleaved pairs)");
        sb.AppendLine();
        sb.AppendLine("| benchmark | input | generated ms | hand-written ms | calls | max diff | ratio generated / hand-written (rounds min – max) |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var c in r.Cases)
        {
            var t = c.Timing;
            sb.AppendLine($"| {c.Benchmark} | {c.InputText} | {Ms(t.AMedianMs)} | {Ms(t.BMedianMs)} | {c.CallsPerSample} | {Diff(c.MaxAbsDiff)} | " +
                $"**{R3(c.Ratio)}** ({R3(t.RoundRatios.Min())} – {R3(t.RoundRatios.Max())}) |");
        }
        sb.AppendLine();
        sb.AppendLine("### TorchSharp vs PyTorch (two processes, not interleaved)");
        sb.AppendLine();
        if (!p.Available)
        {
            sb.AppendLine($"Not measured in this run: {p.Unavailable}. Install Debian's `python3-torch` and `python3-torchvision` and run the");
            sb.AppendLine("command again to get this table.");
        }
        else
        {
            sb.AppendLine("| benchmark | input | TorchSharp generated ms (half before / after PyTorch) | TorchSharp hand-written ms | PyTorch ms (rounds min – max) | max diff vs PyTorch | **generated / PyTorch** (halves) | hand-written / PyTorch |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var c in r.Cases)
            {
                var pc = p.Find(c.Key, c.Input);
                var t = c.Timing;
                string halves = c.SecondHalf is null ? Ms(c.FirstHalf.AMedianMs) : $"{Ms(c.FirstHalf.AMedianMs)} / {Ms(c.SecondHalf.AMedianMs)}";
                if (pc is null)
                {
                    sb.AppendLine($"| {c.Benchmark} | {c.InputText} | {Ms(t.AMedianMs)} ({halves}) | {Ms(t.BMedianMs)} | not timed | — | — | — |");
                    continue;
                }
                var rm = pc.RoundMedians;
                string ratioHalves = c.SecondHalf is null
                    ? ""
                    : $" ({R(c.FirstHalf.AMedianMs / pc.MedianMs)}, {R(c.SecondHalf.AMedianMs / pc.MedianMs)})";
                sb.AppendLine($"| {c.Benchmark} | {c.InputText} | {Ms(t.AMedianMs)} ({halves}) | {Ms(t.BMedianMs)} | {Ms(pc.MedianMs)} ({Ms(rm.Min())} – {Ms(rm.Max())}) | " +
                    $"{(c.PyTorchMaxAbsDiff is { } d ? Diff(d) : "—")} | **{R(RatioToPyTorch(c, pc))}**{ratioHalves} | {R(t.BMedianMs / pc.MedianMs)} |");
            }
        }
        if (r.Parts.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("### Where the generated head's time goes");
            sb.AppendLine();
            sb.AppendLine("Each part of the generated head on its own at the same size, median of 15 calls (not paired; for proportions, not");
            sb.AppendLine("ratios). *All taps* is the summary's count of multiply-adds; *on the map* leaves out the kernel taps that fall in the");
            sb.AppendLine("zero padding, which at rates 24 and 36 on a 28x28 map are most of them.");
            sb.AppendLine();
            var py = PyTorchParts(r);
            string pyHead = py is null ? "" : " PyTorch median ms |";
            sb.AppendLine($"| part | multiply-adds, all taps (G) | on the map (G) | median ms | G on-map multiply-adds / s |{pyHead}");
            sb.AppendLine("|---|---:|---:|---:|---:|" + (py is null ? "" : "---:|"));
            foreach (var part in r.Parts)
                sb.AppendLine($"| {part.Part} | {G(part.Macs)} | {G(part.InMapMacs)} | {Ms(part.MedianMs)} | {part.InMapGPerSecond.ToString("0.0", Inv)} |" +
                    (py is null ? "" : py.TryGetValue(part.Key, out var pm) ? $" {Ms(pm)} |" : " — |"));
            sb.AppendLine($"| sum of the parts | {G(r.Parts.Sum(x => x.Macs))} | {G(r.Parts.Sum(x => x.InMapMacs))} | {Ms(r.Parts.Sum(x => x.MedianMs))} | |" +
                (py is null ? "" : $" {Ms(r.Parts.Sum(x => py.TryGetValue(x.Key, out var pm) ? pm : 0))} |"));
        }
        sb.AppendLine();
        sb.AppendLine("### Interpretation");
        sb.AppendLine();
        foreach (var line in Interpret(r)) sb.AppendLine($"* {line}");
        return sb.ToString();
    }

    /// <summary>A time difference in ms or µs with its sign: "+94.6 ms", "-12 µs".</summary>
    public static string Delta(double ms) =>
        Math.Abs(ms) >= 1 ? ms.ToString("+0.0;-0.0", Inv) + " ms" : (ms * 1000).ToString("+0;-0", Inv) + " µs";

    /// <summary>Highest over lowest per-round median of a list of per-round medians.</summary>
    public static double Spread(IReadOnlyList<double> roundMedians) =>
        roundMedians.Count == 0 || roundMedians.Min() <= 0 ? 1 : roundMedians.Max() / roundMedians.Min();

    /// <summary>The per-round medians of one contender (A or B) of a timing.</summary>
    public static IReadOnlyList<double> RoundMedians(IReadOnlyList<double> ms, int perRound) =>
        ms.Chunk(Math.Max(1, perRound)).Select(c => PairedTiming.Median(c)).ToList();

    // Generated against hand-written for one case: within noise, or a direction with the glue that could explain it.
    private static string GenVsHand(PyramidCase c, string glue)
    {
        var t = c.Timing;
        double delta = t.AMedianMs - t.BMedianMs;
        string numbers = $"ratio {R3(t.Ratio)}, rounds {R3(t.RoundRatios.Min())} – {R3(t.RoundRatios.Max())}; {Ms(t.AMedianMs)} vs {Ms(t.BMedianMs)} ms, {Delta(delta)} per call";
        if (WithinNoise(t))
            return $"{c.InputText}: within noise of the hand-written one ({numbers})";
        return $"{c.InputText}: {Relative(t.Ratio)} the hand-written one ({numbers}, every round agreeing); " +
            (Math.Abs(delta) < 0.2
                ? $"small enough to be {glue}"
                : $"far more than {glue} costs (microseconds), so rerun on a quieter machine before reading it as a cost of the generated code");
    }

    /// <summary>
    /// What the head's breakdown says: where the time goes among the atrous branches, and whether a branch's time is far
    /// above what its on-map work costs at the best throughput of the head's convolutions (its padding taps being computed).
    /// </summary>
    public static string ReadBreakdown(IReadOnlyList<HeadPart> parts, IReadOnlyDictionary<string, double>? pyTorch = null, string torchVersion = "")
    {
        var atrous = parts.Where(x => x.Rate > 0).ToList();
        double total = parts.Sum(x => x.MedianMs), atrousMs = atrous.Sum(x => x.MedianMs);
        var sb = new StringBuilder();
        sb.Append($"Where the head's time goes: the {atrous.Count} atrous branches take {Ms(atrousMs)} ms of the parts' {Ms(total)} ms " +
            $"({(atrousMs / total * 100).ToString("0", Inv)}%; ");
        sb.Append(string.Join("; ", atrous.Select(x => $"rate {x.Rate}: {Ms(x.MedianMs)} ms for {G(x.InMapMacs)} G multiply-adds on the map, {G(x.Macs)} G with every tap")));
        sb.Append(").");
        var convs = parts.Where(x => x.InMapMacs >= 100_000_000).ToList();
        if (convs.Count == 0) return sb.ToString();
        var best = convs.MaxBy(x => x.InMapGPerSecond)!;
        var slow = atrous.Where(x => x.InMapGPerSecond < 0.5 * best.InMapGPerSecond).ToList();
        var oneByOne = parts.FirstOrDefault(x => x.Rate == 0 && x.InMapMacs == x.Macs && x.Part.Contains("convs.0", StringComparison.Ordinal));
        if (slow.Count == 0)
        {
            sb.Append($" Every atrous branch runs within 2x of the best on-map throughput ({best.InMapGPerSecond.ToString("0.0", Inv)} G/s, {best.Short}), " +
                "so LibTorch's convolution skips the taps that fall in the padding.");
            return sb.ToString();
        }
        foreach (var x in slow)
        {
            sb.Append($" At rate {x.Rate} only {G(x.InMapMacs)} G multiply-adds touch the map");
            if (oneByOne is not null && x.InMapMacs == oneByOne.InMapMacs)
                sb.Append($" (only the centre tap of each 3x3 does, the case the compiler reports as NDSL0032: the branch computes what the 1x1 branch computes in {Ms(oneByOne.MedianMs)} ms)");
            sb.Append($", yet it takes {Ms(x.MedianMs)} ms, {x.InMapGPerSecond.ToString("0.0", Inv)} G/s of on-map work against {best.InMapGPerSecond.ToString("0.0", Inv)} G/s " +
                $"for {best.Short}: at this rate LibTorch's convolution spends its time on taps that read only zero padding (or takes a slower path), " +
                "while at the other rates its time follows the on-map work.");
            if (pyTorch is not null && pyTorch.TryGetValue(x.Key, out double pm) && pyTorch.TryGetValue(best.Key, out double pb) && pb > 0)
                sb.Append($" PyTorch {torchVersion} behaves {(pm / pb > 0.5 * x.MedianMs / best.MedianMs ? "the same" : "differently")}: {Ms(pm)} ms for this branch against {Ms(pb)} ms for {best.Short} " +
                    $"(TorchSharp: {Ms(x.MedianMs)} against {Ms(best.MedianMs)}).");
        }
        return sb.ToString();
    }

    /// <summary>Sentences that read the numbers: generated vs hand-written, TorchSharp vs PyTorch, drift, numerics, load.</summary>
    public static IEnumerable<string> Interpret(PyramidReport r)
    {
        var head = r.Cases.FirstOrDefault(c => c.Key == "deeplab_head");
        if (head is not null)
        {
            yield return "DeepLabV3 head, generated vs hand-written: " +
                GenVsHand(head, "ASPP's input check and a dispose scope per runtime module") +
                $". Both run the same LibTorch modules with the same weights (max diff {Diff(head.MaxAbsDiff)})" +
                ".";
        }
        var spp = r.Cases.Where(c => c.Key == "spp").ToList();
        if (spp.Count > 0)
            yield return "SPP, generated vs hand-written: " + string.Join("; ", spp.Select(c => GenVsHand(c, "an input check and a dispose scope"))) +
                ". Both run three adaptive max pools, three reshapes and a cat.";
        if (r.Parts.Any(x => x.Rate > 0)) yield return ReadBreakdown(r.Parts, PyTorchParts(r), r.PyTorch.Torch);
        var noisy = new List<string>();
        foreach (var c in r.Cases)
        {
            var t = c.Timing;
            double s = Math.Max(Spread(RoundMedians(t.AMs, t.PerRound)), Spread(RoundMedians(t.BMs, t.PerRound)));
            if (s > 2) noisy.Add($"TorchSharp {c.Key} {c.InputText} ({R(s)}x)");
            if (r.PyTorch.Find(c.Key, c.Input) is { } pc && Spread(pc.RoundMedians) > 2) noisy.Add($"PyTorch {c.Key} {c.InputText} ({R(Spread(pc.RoundMedians))}x)");
        }
        if (noisy.Count > 0)
            yield return "Noise: the per-round medians vary more than 2x for " + string.Join(", ", noisy) + ". On a shared machine a two-thread " +
                "parallel region waits for whichever thread other processes have descheduled, which costs milliseconds and hits the shortest " +
                "operations hardest; read those rows' ratios with care.";
        var p = r.PyTorch;
        if (!p.Available)
        {
            yield return $"TorchSharp vs PyTorch: not measured ({p.Unavailable}).";
        }
        else
        {
            var pairs = r.Cases.Select(c => (Case: c, Py: p.Find(c.Key, c.Input))).Where(x => x.Py is not null).ToList();
            if (head is not null && p.Find(head.Key, head.Input) is { } ph)
            {
                double ratio = RatioToPyTorch(head, ph);
                string verdict = ratio < 0.97 ? "TorchSharp is faster" : ratio > 1.03 ? "TorchSharp is slower" : "about the same";
                yield return $"TorchSharp vs PyTorch, DeepLabV3 head: the generated head takes {R(ratio)}x the time of torchvision's under PyTorch " +
                    $"{p.Torch} ({Ms(head.Timing.AMedianMs)} vs {Ms(ph.MedianMs)} ms" +
                    $"): {verdict}. The head is nearly all convolution, so this compares the two builds' CPU convolution " +
                    $"kernels (TorchSharp's LibTorch {r.Machine.LibTorch} from NuGet; Debian's PyTorch {p.Torch}{(p.Build.Length > 0 ? ", " + p.Build : "")}), " +
                    "not the .NET or Python binding, whose cost is microseconds per module call.";
            }
            var sppPairs = pairs.Where(x => x.Case.Key == "spp").ToList();
            if (sppPairs.Count > 0)
            {
                // 7 operations (three pools, three reshapes, a cat) at roughly 10-20 µs of dispatch each.
                double dispatchShare = sppPairs.Max(x => 7 * 0.015 / Math.Min(x.Py!.MedianMs, x.Case.Timing.AMedianMs));
                yield return "TorchSharp vs PyTorch, SPP: generated / PyTorch " + string.Join("; ", sppPairs.Select(x =>
                        $"{x.Case.InputText} {R(RatioToPyTorch(x.Case, x.Py!))} ({Ms(x.Case.Timing.AMedianMs)} vs {Ms(x.Py!.MedianMs)} ms)")) +
                    ". A forward is 7 LibTorch operations (three adaptive max pools, three reshapes, a cat); at roughly 10–20 µs of dispatch " +
                    (dispatchShare < 0.1
                        ? $"each, the bindings' share is {(dispatchShare < 0.01 ? "under 1" : "at most " + (dispatchShare * 100).ToString("0", Inv))}% of the shortest time here, so the ratios mostly compare the two LibTorch versions' pooling kernels (and how each reacts to the load)."
                        : $"each, the bindings' share is up to {(dispatchShare * 100).ToString("0", Inv)}% of the shortest time here, so per-operation overhead is part of what these ratios compare.");
            }
            var drift = pairs.Where(x => x.Case.SecondHalf is not null)
                .Select(x => (x.Case, Drift: x.Case.SecondHalf!.AMedianMs / x.Case.FirstHalf.AMedianMs - 1)).ToList();
            if (drift.Count > 0)
            {
                double worst = drift.Max(d => Math.Abs(d.Drift));
                yield return "Drift: the generated TorchSharp medians after the PyTorch block differ from those before it by " +
                    string.Join(", ", drift.Select(d => $"{(d.Drift * 100).ToString("+0.0;-0.0", Inv)}% ({d.Case.Key} {d.Case.InputText})")) + ". " +
                    (worst <= 0.05
                        ? "The machine was steady across the PyTorch run, so the cross-process ratios are about as good as a ratio of medians gets."
                        : $"Read the cross-process ratios as uncertain by about {(worst * 100).ToString("0", Inv)}%: the TorchSharp times moved that much across the PyTorch block.");
            }
            var checkedCases = pairs.Where(x => x.Case.PyTorchMaxAbsDiff is not null).ToList();
            if (checkedCases.Count > 0)
            {
                var bad = checkedCases.Where(x => !(x.Case.PyTorchMaxAbsDiff!.Value <= CrossTolerance * Math.Max(1, x.Case.OutputMaxAbs))).ToList();
                yield return bad.Count == 0
                    ? "Numerics: with the same key-derived weights and inputs, the TorchSharp and PyTorch outputs agree (largest max |diff| " +
                        $"{Diff(checkedCases.Max(x => x.Case.PyTorchMaxAbsDiff!.Value))}), so the two processes time the same function."
                    : "Numerics: the TorchSharp and PyTorch outputs **disagree** for " +
                        string.Join(", ", bad.Select(x => $"{x.Case.Key} {x.Case.InputText} (max |diff| {Diff(x.Case.PyTorchMaxAbsDiff!.Value)})")) +
                        ", so those cross-process ratios compare different computations.";
            }
            if (p.Threads != r.Machine.TorchThreads)
                yield return $"Threads: PyTorch ran with {p.Threads} thread(s), TorchSharp with {r.Machine.TorchThreads}; the cross-process ratios are not like for like.";
        }
        if (BenchDocument.LoadCaveat(r.Machine) is { } caveat) yield return caveat;
        if (r.Options.Quick) yield return "This was a `--quick` smoke run: too few iterations for the numbers to mean much.";
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NetDsl.Samples.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Benchmarking;

/// <summary>A network of the suite: the NetDsl sample and what the PyTorch process builds under the same name.</summary>
public sealed record NetworkCase(string Name, string Reference, Func<nn.Module<Tensor, Tensor>> Create, NetworkSummary Summary, long Classes, bool Dense)
{
    /// <summary>The training target: class i % classes at flat index i, [N] for a classifier, [N, H, W] for a dense output.</summary>
    public long[] TargetShape(long batch) => Dense ? new[] { batch, NetworkBenchmarks.Image[1], NetworkBenchmarks.Image[2] } : new[] { batch };
}

/// <summary>One round of one side: its per-call times.</summary>
public sealed record SideRound(IReadOnlyList<double> TorchSharpMs, IReadOnlyList<double> PyTorchMs, bool TorchSharpFirst)
{
    public double Ratio => PairedTiming.Median(TorchSharpMs) / PairedTiming.Median(PyTorchMs);
}

/// <summary>Rounds of TorchSharp calls and PyTorch calls, back to back, the round's first side alternating; ratio = TorchSharp / PyTorch.</summary>
public sealed record InterleavedTiming(IReadOnlyList<SideRound> Rounds)
{
    public IReadOnlyList<double> RoundRatios => Rounds.Select(r => r.Ratio).ToList();

    /// <summary>The headline: the median of the round ratios (each a ratio of two medians taken seconds apart).</summary>
    public double Ratio => PairedTiming.Median(RoundRatios);
    public double TorchSharpMedianMs => PairedTiming.Median(Rounds.SelectMany(r => r.TorchSharpMs).ToList());
    public double PyTorchMedianMs => PairedTiming.Median(Rounds.SelectMany(r => r.PyTorchMs).ToList());

    /// <summary>Whether TorchSharp runs first in round <paramref name="round"/> (from 0): even rounds, so neither side always leads.</summary>
    public static bool TorchSharpFirst(int round) => round % 2 == 0;

    /// <summary>Runs <paramref name="rounds"/> rounds of <paramref name="calls"/> calls a side, in <see cref="TorchSharpFirst"/> order.</summary>
    public static InterleavedTiming Measure(Func<int, IReadOnlyList<double>> torchSharp, Func<int, IReadOnlyList<double>> pyTorch,
        int rounds, int calls, Action<string>? log = null, string what = "")
    {
        var list = new List<SideRound>();
        for (int round = 0; round < rounds; round++)
        {
            bool first = TorchSharpFirst(round);
            IReadOnlyList<double> ts, pt;
            if (first) { ts = torchSharp(calls); pt = pyTorch(calls); }
            else { pt = pyTorch(calls); ts = torchSharp(calls); }
            var r = new SideRound(ts, pt, first);
            list.Add(r);
            log?.Invoke($"  {what} round {round + 1}/{rounds} ({(first ? "TorchSharp" : "PyTorch")} first): TorchSharp {PairedTiming.Ms(PairedTiming.Median(ts))} ms, " +
                $"PyTorch {PairedTiming.Ms(PairedTiming.Median(pt))} ms, ratio {r.Ratio.ToString("0.000", CultureInfo.InvariantCulture)}");
        }
        return new InterleavedTiming(list);
    }
}

/// <summary>The architecture check: parameters, state_dict entries and the hash of the key:shape list, both sides.</summary>
public sealed record ArchitectureCheck(long Parameters, long Trainable, int Entries, string KeysSha256,
    long PyTorchParameters, long PyTorchTrainable, int PyTorchEntries, string PyTorchKeysSha256, string? FirstDifference = null)
{
    /// <summary>The first line where two state_dict listings differ, as "ours | theirs", or null when they are equal.</summary>
    public static string? Difference(IReadOnlyList<string> ours, IReadOnlyList<string> theirs)
    {
        for (int i = 0; i < Math.Max(ours.Count, theirs.Count); i++)
        {
            string a = i < ours.Count ? ours[i] : "(end)", b = i < theirs.Count ? theirs[i] : "(end)";
            if (a != b) return $"entry {i}: {a} | {b}";
        }
        return null;
    }

    public bool Same => Parameters == PyTorchParameters && Trainable == PyTorchTrainable && Entries == PyTorchEntries && KeysSha256 == PyTorchKeysSha256;
}

/// <summary>Everything measured for one network; <see cref="Error"/> says what failed on the PyTorch side (the rest may be missing).</summary>
public sealed record NetworkResult(string Name, string Reference, ArchitectureCheck? Architecture, double? MaxDiff, double? OutputScale,
    InterleavedTiming? Forward, InterleavedTiming? Train, long? CompileTimePeak, long? MeasuredPeak, long? PyTorchPeak,
    ModuleProfile? Profile, ModuleProfile? PyTorchProfile, IReadOnlyDictionary<string, double>? Phases,
    IReadOnlyDictionary<string, double>? PyTorchPhases, string? Error = null);

public sealed record NetworkReport(MachineInfo Machine, string Command, BenchOptions Options, JsonElement? PyTorch, int ForwardCalls,
    int TrainCalls, int TrainBatch, int ProfileCalls, IReadOnlyList<NetworkResult> Results, double Seconds, string? Unavailable = null);

/// <summary>
/// `bench pytorch`: the whole sample networks against their PyTorch 1.13 / torchvision 0.14 counterparts, interleaved
/// round by round with one long-lived PyTorch process (<see cref="PyTorchServer"/>), at the same thread count: forward
/// (eval, no_grad, batch 1, 224x224) and one training step (train, cross-entropy, backward, SGD momentum 0.9, batch
/// 2); the architecture check and the outputs under the same keyed weights; the peak activation memory of a forward on
/// the glibc heap, both sides, beside the compile-time peak; self time by module type and the training step's phases.
/// </summary>
public static class NetworkBenchmarks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static readonly long[] Image = { 3, 224, 224 };

    public const int TrainBatch = 2;

    /// <summary>The networks in run order.</summary>
    public static IReadOnlyList<NetworkCase> Cases { get; } = new NetworkCase[]
    {
        new("ResNet50", "torchvision.models.resnet50()", () => new ResNet50(), ResNet50.Summary, 1000, false),
        new("ConvNeXtTiny", "torchvision.models.convnext_tiny()", () => new ConvNeXtTiny(), ConvNeXtTiny.Summary, 1000, false),
        new("WTConvNeXtTiny", "tools/wtconvnext_port.py wtconvnext_tiny() (port of the official wtconvnext.py)", () => new WTConvNeXtTiny(), WTConvNeXtTiny.Summary, 1000, false),
        new("DeepLabV3ResNet50", "torchvision deeplabv3_resnet50(num_classes=21, aux_loss=False)[\"out\"]", () => new DeepLabV3ResNet50(), DeepLabV3ResNet50.Summary, 21, true),
        new("OctResNet50", "tools/make_oct_network_fixtures.py OctResNet([3, 4, 6, 3]) (d-li14's oct_resnet.py, alpha 0.5)", () => new OctResNet50(), OctResNet50.Summary, 1000, false),
    };

    /// <summary>The cases `--networks` names (all when it is not given); an unknown name is an error naming the known ones.</summary>
    public static IReadOnlyList<NetworkCase> Selected(BenchOptions o)
    {
        if (o.Networks is not { Count: > 0 } names) return Cases;
        foreach (var n in names)
            if (!Cases.Any(c => c.Name == n))
                throw new ArgumentException($"bench pytorch: unknown network '{n}' (one of {string.Join(", ", Cases.Select(c => c.Name))})");
        return Cases.Where(c => names.Contains(c.Name)).ToList();
    }

    /// <summary>The fixed wavelet filters keep their Haar values (our WTConv2d's fast path does not read them; PyTorch's conv does).</summary>
    public static bool FixedFilter(string key) => key.EndsWith("wt_filter", StringComparison.Ordinal) || key.EndsWith("iwt_filter", StringComparison.Ordinal);

    /// <summary>Parameters, trainable parameters, state_dict entries and the SHA-256 of its "key:d0xd1..." lines, as the Python script's <c>build</c>.</summary>
    public static (long Parameters, long Trainable, int Entries, string KeysSha256) Describe(nn.Module net)
    {
        var entries = StateDictLines(net);
        string listing = string.Join("\n", entries);
        string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(listing))).ToLowerInvariant();
        var ps = net.parameters().ToList();
        return (ps.Sum(p => p.numel()), ps.Where(p => p.requires_grad).Sum(p => p.numel()), entries.Count, hash);
    }

    /// <summary>
    /// The state_dict as "key:d0xd1..." lines in PyTorch's order: the module tree in pre-order through named_children, each
    /// module's own parameters, then its own buffers (TorchSharp's state_dict lists every parameter first).
    /// </summary>
    public static List<string> StateDictLines(nn.Module net)
    {
        var lines = new List<string>();
        void Visit(string prefix, nn.Module m)
        {
            foreach (var (key, p) in m.named_parameters(recurse: false)) lines.Add($"{prefix}{key}:{string.Join("x", p.shape)}");
            foreach (var (key, b) in m.named_buffers(recurse: false)) lines.Add($"{prefix}{key}:{string.Join("x", b.shape)}");
            foreach (var (name, child) in m.named_children()) Visit(prefix + name + ".", child);
        }
        Visit("", net);
        return lines;
    }

    /// <summary>Calls per side and round: forwards, training steps; the profile's forwards; from the options.</summary>
    public static (int Forward, int Train, int Profile) Calls(BenchOptions o) =>
        (Math.Max(1, o.PerRound / 2), Math.Max(1, o.PerRound / 5), o.Quick ? 1 : 3);

    public static string? Run(BenchOptions options, string command)
    {
        IReadOnlyList<NetworkCase> cases;
        try { cases = Selected(options); }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return null;
        }
        string loadBefore = BenchDocument.LoadAverage();
        long start = Stopwatch.GetTimestamp();
        int threads = torch.get_num_threads();
        var (forwardCalls, trainCalls, profileCalls) = Calls(options);
        var server = PyTorchServer.Start(threads, out string? unavailable);
        JsonElement? hello = null;
        var results = new List<NetworkResult>();
        try
        {
            if (server is not null)
            {
                try { hello = server.Ask("hello"); }
                catch (PyTorchServerException ex) { unavailable = ex.Message; }
            }
            if (unavailable is null)
            {
                Console.WriteLine($"PyTorch {hello!.Value.GetProperty("torch").GetString()}, {hello.Value.GetProperty("threads").GetInt32()} threads; TorchSharp {threads} threads; " +
                    $"{options.Rounds} rounds x {forwardCalls} forwards, {trainCalls} training steps (batch {TrainBatch}) per side");
                foreach (var c in cases)
                {
                    Console.WriteLine($"-- {c.Name}");
                    var result = RunCase(c, ref server!, threads, options, forwardCalls, trainCalls, profileCalls);
                    results.Add(result);
                    // What a run stopped half-way has shown so far.
                    Console.WriteLine($"  peak: compile-time {MB(result.CompileTimePeak)} MB, measured {MB(result.MeasuredPeak)} MB, PyTorch {MB(result.PyTorchPeak)} MB");
                    Console.WriteLine(FormatProfile(result));
                }
            }
        }
        finally
        {
            server?.Dispose();
        }
        var report = new NetworkReport(BenchDocument.Machine(loadBefore), command, options, hello, forwardCalls, trainCalls, TrainBatch, profileCalls,
            results, Stopwatch.GetElapsedTime(start).TotalSeconds, unavailable);
        string section = FormatDocument(report);
        Console.WriteLine();
        Console.WriteLine(section);
        return section;
    }

    private static NetworkResult RunCase(NetworkCase c, ref PyTorchServer server, int threads, BenchOptions options, int forwardCalls, int trainCalls, int profileCalls)
    {
        torch.manual_seed(0);
        using var net = c.Create();
        var d = Describe(net);
        long? compilePeak = c.Summary.PeakActivationBytesAt(1, Image[1], Image[2]);
        using var x1 = KeyedFill.Input(new[] { 1L }.Concat(Image).ToArray());
        using var xb = KeyedFill.Input(new[] { (long)TrainBatch }.Concat(Image).ToArray());
        var targetShape = c.TargetShape(TrainBatch);
        using var target = (torch.arange(targetShape.Aggregate(1L, (a, b) => a * b), ScalarType.Int64) % c.Classes).reshape(targetShape);
        using var loss = nn.CrossEntropyLoss();
        using var opt = torch.optim.SGD(net.parameters().Where(p => p.requires_grad), 0.01, momentum: 0.9);
        ArchitectureCheck? arch = null;
        double? maxDiff = null, scale = null;
        InterleavedTiming? forward = null, train = null;
        long? measuredPeak = null, torchPeak = null;
        ModuleProfile? profile = null, torchProfile = null;
        Dictionary<string, double>? phases = null;
        IReadOnlyDictionary<string, double>? torchPhases = null;

        IReadOnlyList<double> Forward(int calls)
        {
            net.eval();
            using var noGrad = torch.no_grad();
            var ms = new List<double>(calls);
            for (int i = 0; i < calls; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                using (var y = net.call(x1)) { }
                ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            return ms;
        }
        (double Forward, double Backward, double Step) Step()
        {
            net.train();
            using var scope = NewDisposeScope();
            long t0 = Stopwatch.GetTimestamp();
            opt.zero_grad();
            var l = loss.call(net.call(xb), target);
            long t1 = Stopwatch.GetTimestamp();
            l.backward();
            long t2 = Stopwatch.GetTimestamp();
            opt.step();
            long t3 = Stopwatch.GetTimestamp();
            return (Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds, Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds, Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
        }
        IReadOnlyList<double> Train(int calls) => Enumerable.Range(0, calls).Select(_ => { var s = Step(); return s.Forward + s.Backward + s.Step; }).ToList();

        var py = server;
        try
        {
            var b = py.Ask("build", c.Name);
            arch = new ArchitectureCheck(d.Parameters, d.Trainable, d.Entries, d.KeysSha256,
                b.GetProperty("params").GetInt64(), b.GetProperty("trainable").GetInt64(), b.GetProperty("entries").GetInt32(), b.GetProperty("keys_sha256").GetString() ?? "");
            if (!arch.Same)
                arch = arch with { FirstDifference = ArchitectureCheck.Difference(StateDictLines(net),
                    py.Ask("keys", c.Name).GetProperty("lines").EnumerateArray().Select(e => e.GetString() ?? "").ToList()) };
            Console.WriteLine($"  parameters {d.Parameters:N0} / PyTorch {arch.PyTorchParameters:N0}; state_dict entries {d.Entries} / {arch.PyTorchEntries}; keys and shapes {(arch.Same ? "the same" : $"DIFFER ({arch.FirstDifference})")}");

            KeyedFill.Fill(net, skip: FixedFilter);
            py.Ask("fill", c.Name);
            string path = Path.Combine(Path.GetTempPath(), $"netdsl-bench-{Environment.ProcessId}-{c.Name}.bin");
            var o = py.Ask("output", c.Name, path);
            try
            {
                net.eval();
                using var noGrad = torch.no_grad();
                using var y = net.call(x1);
                var shape = o.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var bytes = File.ReadAllBytes(path);
                var floats = new float[bytes.Length / 4];
                Buffer.BlockCopy(bytes, 0, floats, 0, floats.Length * 4);
                using var theirs = torch.tensor(floats).reshape(shape);
                maxDiff = (y - theirs).abs().max().ToDouble();
                scale = y.abs().max().ToDouble();
                Console.WriteLine($"  keyed weights and input: max |TorchSharp - PyTorch| = {maxDiff:0.0e+0} (max |output| {scale:0.0e+0})");
            }
            finally
            {
                File.Delete(path);
            }

            // Warm-up, both sides.
            Forward(options.Warmup);
            py.Ask("forward", c.Name, options.Warmup);
            Train(1);
            py.Ask("train", c.Name, 1, TrainBatch);

            forward = InterleavedTiming.Measure(Forward, n => PyTorchProtocol.Milliseconds(py.Ask("forward", c.Name, n)),
                options.Rounds, forwardCalls, Console.WriteLine, "forward");
            train = InterleavedTiming.Measure(Train, n => PyTorchProtocol.Milliseconds(py.Ask("train", c.Name, n, TrainBatch)),
                options.Rounds, trainCalls, Console.WriteLine, "training step");

            net.eval();
            using (torch.no_grad())
                measuredPeak = NativeHeap.PeakDuring(net, () => net.call(x1));
            torchPeak = py.Ask("peak", c.Name).GetProperty("bytes").GetInt64();

            using (torch.no_grad())
                profile = ModuleProfiler.Measure(net, () => net.call(x1), profileCalls);
            torchProfile = ProfileOf(py.Ask("profile", c.Name, profileCalls));

            var steps = Enumerable.Range(0, trainCalls).Select(_ => Step()).ToList();
            phases = new Dictionary<string, double>
            {
                ["forward"] = PairedTiming.Median(steps.Select(s => s.Forward).ToList()),
                ["backward"] = PairedTiming.Median(steps.Select(s => s.Backward).ToList()),
                ["step"] = PairedTiming.Median(steps.Select(s => s.Step).ToList()),
            };
            torchPhases = PyTorchProtocol.Numbers(py.Ask("phases", c.Name, trainCalls, TrainBatch));
            return new NetworkResult(c.Name, c.Reference, arch, maxDiff, scale, forward, train, compilePeak, measuredPeak, torchPeak, profile, torchProfile, phases, torchPhases);
        }
        catch (PyTorchServerException ex)
        {
            Console.Error.WriteLine($"  PyTorch side failed: {ex.Message}");
            // A dead process cannot answer for the next network: start another.
            server.Dispose();
            server = PyTorchServer.Start(threads, out _) ?? server;
            return new NetworkResult(c.Name, c.Reference, arch, maxDiff, scale, forward, train, compilePeak, measuredPeak, torchPeak, profile, torchProfile, phases, torchPhases, ex.Message);
        }
    }

    private static ModuleProfile ProfileOf(JsonElement reply) => new(
        PyTorchProtocol.Numbers(reply.GetProperty("types")),
        reply.GetProperty("calls").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));

    // ---------------------------------------------------------------- formatting (pure; Generator.Tests/Benchmarking)

    public const double TimeTarget = 1.05;

    /// <summary>"No higher than PyTorch's" allows this much (the two heaps' own bookkeeping, a few KB of 10 MB).</summary>
    public const double PeakTolerance = 0.01;

    private static string R(double? v) => v is { } x ? x.ToString("0.00", Inv) : "—";
    private static string MB(long? bytes) => bytes is { } b ? (b / (1024.0 * 1024.0)).ToString("0.0", Inv) : "—";
    private static string Range(InterleavedTiming? t) => t is null ? "—" : $"{t.RoundRatios.Min().ToString("0.00", Inv)} – {t.RoundRatios.Max().ToString("0.00", Inv)}";
    private static string Verdict(InterleavedTiming? t) => t is null ? "—" : t.Ratio <= TimeTarget ? "met" : "**missed**";

    /// <summary>The ratio table: forward and training step per network, the rounds' range, and the target.</summary>
    public static string FormatTimes(NetworkReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| network | parameters (PyTorch) | same keys and shapes | max \\|diff\\| (max \\|out\\|) | forward ms TorchSharp / PyTorch | **forward ratio** (rounds) | ≤ 1.05 | training step ms TorchSharp / PyTorch | **training ratio** (rounds) | ≤ 1.05 |");
        sb.AppendLine("|---|---:|---|---:|---:|---:|---|---:|---:|---|");
        foreach (var n in r.Results)
        {
            var a = n.Architecture;
            string parameters = a is null ? "—" : a.Parameters == a.PyTorchParameters ? a.Parameters.ToString("N0", Inv) : $"{a.Parameters.ToString("N0", Inv)} ({a.PyTorchParameters.ToString("N0", Inv)})";
            string same = a is null ? "—" : a.Same ? $"yes ({a.Entries} entries)" : $"**no** ({a.Entries} / {a.PyTorchEntries} entries)";
            string diff = n.MaxDiff is { } md ? $"{md.ToString("0.0e+0", Inv)} ({(n.OutputScale ?? 0).ToString("0.0e+0", Inv)})" : "—";
            string Ms(InterleavedTiming? t) => t is null ? "—" : $"{PairedTiming.Ms(t.TorchSharpMedianMs)} / {PairedTiming.Ms(t.PyTorchMedianMs)}";
            string Ratio(InterleavedTiming? t) => t is null ? "—" : $"**{t.Ratio.ToString("0.00", Inv)}** ({Range(t)})";
            sb.AppendLine($"| {n.Name} | {parameters} | {same} | {diff} | {Ms(n.Forward)} | {Ratio(n.Forward)} | {Verdict(n.Forward)} | {Ms(n.Train)} | {Ratio(n.Train)} | {Verdict(n.Train)} |");
        }
        return sb.ToString();
    }

    /// <summary>The memory table: compile-time, measured and PyTorch's peak activation memory of a batch-1 forward.</summary>
    public static string FormatMemory(NetworkReport r)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| network | compile-time peak (MB) | NetDsl measured (MB) | measured / compile-time (within 5%?) | PyTorch measured (MB) | NetDsl / PyTorch (≤ 1, 1% allowed) |");
        sb.AppendLine("|---|---:|---:|---|---:|---|");
        foreach (var n in r.Results)
        {
            string within = n.CompileTimePeak is { } c && n.MeasuredPeak is { } m
                ? $"{((double)m / c).ToString("0.000", Inv)} ({(Math.Abs((double)m / c - 1) <= 0.05 ? "yes" : "**no**")})"
                : n.CompileTimePeak is null ? "— (the compiler could not count this network's peak)" : "—";
            string vs = n.MeasuredPeak is { } mp && n.PyTorchPeak is { } pp && pp > 0
                ? $"{((double)mp / pp).ToString("0.000", Inv)} ({(mp <= pp * (1 + PeakTolerance) ? "yes" : "**no**")})" : "—";
            sb.AppendLine($"| {n.Name} | {MB(n.CompileTimePeak)} | {MB(n.MeasuredPeak)} | {within} | {MB(n.PyTorchPeak)} | {vs} |");
        }
        return sb.ToString();
    }

    /// <summary>The module types of both profiles, most time first (the larger side's), with each side's self ms per forward.</summary>
    public static IReadOnlyList<(string Type, double? TorchSharp, double? PyTorch, int? TsCalls, int? PtCalls)> ProfileRows(ModuleProfile ts, ModuleProfile pt, int most = 12) =>
        ts.Ms.Keys.Union(pt.Ms.Keys)
            .Select(k => (Type: k,
                TorchSharp: ts.Ms.TryGetValue(k, out var a) ? a : (double?)null,
                PyTorch: pt.Ms.TryGetValue(k, out var b) ? b : (double?)null,
                TsCalls: ts.Calls.TryGetValue(k, out var ca) ? ca : (int?)null,
                PtCalls: pt.Calls.TryGetValue(k, out var cb) ? cb : (int?)null))
            .OrderByDescending(row => Math.Max(row.TorchSharp ?? 0, row.PyTorch ?? 0)).ThenBy(row => row.Type, StringComparer.Ordinal)
            .Take(most).ToList();

    public static string FormatProfile(NetworkResult n)
    {
        var sb = new StringBuilder();
        if (n.Profile is { } ts && n.PyTorchProfile is { } pt)
        {
            sb.AppendLine($"**{n.Name}**, forward (eval, no_grad, batch 1): self ms per forward by module type (modules called per forward):");
            sb.AppendLine();
            sb.AppendLine("| module type | TorchSharp ms (modules) | PyTorch ms (modules) | TorchSharp − PyTorch ms |");
            sb.AppendLine("|---|---:|---:|---:|");
            foreach (var row in ProfileRows(ts, pt))
            {
                string Side(double? ms, int? calls) => ms is { } v ? $"{PairedTiming.Ms(v)} ({calls})" : "—";
                string delta = row.TorchSharp is { } a && row.PyTorch is { } b ? Signed(a - b) : "—";
                sb.AppendLine($"| {row.Type} | {Side(row.TorchSharp, row.TsCalls)} | {Side(row.PyTorch, row.PtCalls)} | {delta} |");
            }
            sb.AppendLine($"| all hooked modules | {PairedTiming.Ms(ts.TotalMs)} | {PairedTiming.Ms(pt.TotalMs)} | {Signed(ts.TotalMs - pt.TotalMs)} |");
            sb.AppendLine();
        }
        if (n.Phases is { } p && n.PyTorchPhases is { } q)
        {
            sb.AppendLine($"Training step (batch {TrainBatch}) in parts, median ms: " + string.Join("; ", new[] { "forward", "backward", "step" }
                .Select(k => $"{(k == "forward" ? "forward + loss" : k == "step" ? "SGD step" : k)} {PairedTiming.Ms(p.GetValueOrDefault(k))} / {PairedTiming.Ms(q.GetValueOrDefault(k))} (TorchSharp / PyTorch)")) + ".");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Signed(double ms) => (ms >= 0 ? "+" : "−") + PairedTiming.Ms(Math.Abs(ms));

    /// <summary>Reading the numbers: targets met or missed, and where a slower network loses its time.</summary>
    public static IEnumerable<string> Interpret(NetworkReport r)
    {
        foreach (var n in r.Results)
        {
            if (n.Error is { } error)
                yield return $"{n.Name}: the PyTorch side failed ({error}); what was measured before is in the tables.";
            if (n.Architecture is { Same: false } a)
                yield return $"{n.Name}: the two networks differ in their state_dict ({a.Entries} entries, sha256 {a.KeysSha256[..12]}, against {a.PyTorchEntries}, {a.PyTorchKeysSha256[..12]}; first difference, ours | PyTorch's: {a.FirstDifference}): its ratios compare different networks.";
            var parts = new List<string>();
            foreach (var (what, t, phase) in new[] { ("forward", n.Forward, (string?)null), ("training step", n.Train, "train") })
            {
                if (t is null) continue;
                string how = t.Ratio <= 1 ? $"{((1 - t.Ratio) * 100).ToString("0", Inv)}% faster than PyTorch" : $"{((t.Ratio - 1) * 100).ToString("0", Inv)}% slower than PyTorch";
                string direction = t.RoundRatios.All(x => x > 1) || t.RoundRatios.All(x => x < 1) ? "every round agrees" : "the rounds disagree on the direction";
                string text = $"{what} {t.Ratio.ToString("0.00", Inv)} ({how}; {direction})";
                if (t.Ratio > TimeTarget) text += $", above the {TimeTarget.ToString("0.00", Inv)} target: {Cause(n, phase is not null)}";
                else if (t.Ratio < 0.5 && phase is null && Gain(n) is { } gain) text += $": {gain}";
                parts.Add(text);
            }
            if (parts.Count > 0) yield return $"{n.Name}: " + string.Join("; ", parts) + ".";
        }
        if (BenchDocument.LoadCaveat(r.Machine) is { } caveat) yield return caveat;
        if (r.Options.Quick) yield return "This was a `--quick` smoke run: too few calls for the numbers to mean much.";
    }

    /// <summary>Which module types (forward) or training phase carry the difference.</summary>
    public static string Cause(NetworkResult n, bool training)
    {
        if (training && n.Phases is { } p && n.PyTorchPhases is { } q)
        {
            var worst = new[] { "forward", "backward", "step" }.Select(k => (k, d: p.GetValueOrDefault(k) - q.GetValueOrDefault(k))).OrderByDescending(x => x.d).First();
            return $"the largest difference in the step's parts is the {worst.k} ({Signed(worst.d)} ms: {PairedTiming.Ms(p.GetValueOrDefault(worst.k))} against {PairedTiming.Ms(q.GetValueOrDefault(worst.k))})";
        }
        if (n.Profile is { } ts && n.PyTorchProfile is { } pt)
        {
            var rows = ProfileRows(ts, pt, int.MaxValue).Where(x => x.TorchSharp is not null && x.PyTorch is not null)
                .Select(x => (x.Type, d: x.TorchSharp!.Value - x.PyTorch!.Value)).OrderByDescending(x => x.d).Take(2).ToList();
            if (rows.Count > 0 && rows[0].d > 0)
                return "by module type the difference is in " + string.Join(" and ", rows.Where(x => x.d > 0).Select(x => $"{x.Type} ({Signed(x.d)} ms per forward)")) +
                    $", of {Signed(ts.TotalMs - pt.TotalMs)} ms over all hooked modules";
        }
        return "no profile row carries it";
    }

    /// <summary>Where PyTorch loses its time against TorchSharp in a forward: the module type with the largest lead, or null.</summary>
    public static string? Gain(NetworkResult n)
    {
        if (n.Profile is not { } ts || n.PyTorchProfile is not { } pt) return null;
        var row = ProfileRows(ts, pt, int.MaxValue).Where(x => x.TorchSharp is not null && x.PyTorch is not null)
            .Select(x => (x.Type, Ours: x.TorchSharp!.Value, Theirs: x.PyTorch!.Value)).OrderBy(x => x.Ours - x.Theirs).FirstOrDefault();
        if (row.Type is null || row.Ours >= row.Theirs) return null;
        double share = (row.Theirs - row.Ours) / Math.Max(1e-9, pt.TotalMs - ts.TotalMs);
        return $"PyTorch's time is in {row.Type} ({PairedTiming.Ms(row.Theirs)} ms per forward against {PairedTiming.Ms(row.Ours)} ms here, " +
            $"{(share * 100).ToString("0", Inv)}% of the difference over all hooked modules)";
    }

    public static string FormatDocument(NetworkReport r)
    {
        var sb = new StringBuilder();
        BenchDocument.AppendTitle(sb, "Whole networks against PyTorch 1.13: forward and training step (issue 14)", r.Command);
        sb.AppendLine("The NetDsl samples (TorchSharp) against the same networks under Debian's PyTorch: torchvision's `resnet50`, `convnext_tiny`,");
        sb.AppendLine("`deeplabv3_resnet50` (21 classes, no aux head, its `\"out\"`), the PyTorch port of the official WTConvNeXt-T");
        sb.AppendLine("(`tools/wtconvnext_port.py`) and d-li14's Oct-ResNet-50 (`tools/make_oct_network_fixtures.py`). One long-lived");
        sb.AppendLine("PyTorch process (`tools/bench_networks_torch.py`) builds them once and answers commands over stdin/stdout; this process");
        sb.AppendLine("alternates rounds, a TorchSharp round and a PyTorch round back to back, the first side alternating, so both see the same");
        sb.AppendLine($"machine state. Per side and round: {r.ForwardCalls} forward(s) (eval, `no_grad`, batch 1, [1, 3, 224, 224], DeepLabV3 at the size its");
        sb.AppendLine($"sample is declared for) and {r.TrainCalls} training step(s) (train mode, zero_grad, forward, cross-entropy — per pixel for DeepLabV3 —,");
        sb.AppendLine($"backward, SGD lr 0.01 momentum 0.9; batch {r.TrainBatch}), after {r.Options.Warmup} warm-up forward(s) and one warm-up step a side; a round's ratio is");
        sb.AppendLine("TorchSharp's median over PyTorch's median, the headline the median of the rounds' ratios (their range beside it). Both sides");
        sb.AppendLine("have the same thread count, the machine's default malloc settings, and the same keyed weights and input (every state_dict");
        sb.AppendLine("entry a function of its key, `Samples/Benchmarking/KeyedFill.cs`; the fixed wavelet filters keep their Haar values), so the");
        sb.AppendLine("outputs can be compared first (*max |diff|*). *Same keys and shapes*: the two state_dicts have the same entries, in order,");
        sb.AppendLine("with the same shapes (SHA-256 of their `key:shape` lines), and the parameter counts are equal");
        sb.AppendLine("(`Generator.Tests/Benchmarking/NetworkBenchmarkTests.cs` checks the same against `Fixtures/bench/networks_torch.json`).");
        sb.AppendLine();
        sb.AppendLine("### Machine");
        sb.AppendLine();
        sb.Append(BenchDocument.FormatMachine(r.Machine));
        if (r.PyTorch is { } h)
        {
            string S(string k) => h.TryGetProperty(k, out var v) ? v.ToString() : "?";
            sb.AppendLine($"| PyTorch process | `/usr/bin/python3` {S("python")}, PyTorch {S("torch")}, torchvision {S("torchvision")}, {S("threads")} threads, {S("build").TrimStart('-', ' ')} |");
        }
        sb.AppendLine($"| suite wall time | {(r.Seconds / 60).ToString("0.0", Inv)} min |");
        sb.AppendLine();
        if (r.Unavailable is { } why)
        {
            sb.AppendLine($"No comparison: {why}.");
            return sb.ToString();
        }
        sb.AppendLine("### Time: TorchSharp / PyTorch");
        sb.AppendLine();
        sb.Append(FormatTimes(r));
        sb.AppendLine();
        sb.AppendLine("### Peak activation memory of a forward (batch 1)");
        sb.AppendLine();
        sb.AppendLine("Measured the same way on both sides: bytes in use on glibc's heap (`mallinfo2`: allocated chunks plus mmapped blocks;");
        sb.AppendLine("both LibTorch builds allocate CPU tensors with glibc) sampled after every module's forward (here also at each release");
        sb.AppendLine("of the generated forward, `Samples/Benchmarking/NativeHeap.cs`), above the level before the call, eval + `no_grad`, median of");
        sb.AppendLine("five calls. The compile-time peak is the summary's `PeakActivationBytesAt(1, 224, 224)` (for a network declared with a symbolic size, its liveness plan evaluated at 224 x 224).");
        sb.AppendLine();
        sb.Append(FormatMemory(r));
        sb.AppendLine();
        sb.AppendLine("### Where the time goes");
        sb.AppendLine();
        sb.AppendLine($"Self time by module type, the same measure on both sides (`Samples/Benchmarking/ModuleProfiler.cs`, the script's `profile`):");
        sb.AppendLine($"a pre-forward and a forward hook on every module, a module's time less its hooked children's, summed by type over {r.ProfileCalls}");
        sb.AppendLine("forward(s), per forward. What a module does outside its child modules (a block's residual add, a kernel's own operations)");
        sb.AppendLine("is its own self time. Types of the same name are the same layer on both sides; the octave and wavelet layers have");
        sb.AppendLine("different class names (and a different split into modules) in the two implementations. The training step is split into");
        sb.AppendLine("forward + loss, backward and the optimizer step. Not paired, taken after the timed rounds: for proportions, not ratios.");
        sb.AppendLine();
        foreach (var n in r.Results) sb.Append(FormatProfile(n));
        sb.AppendLine("### Interpretation");
        sb.AppendLine();
        foreach (var line in Interpret(r)) sb.AppendLine($"* {line}");
        return sb.ToString();
    }
}

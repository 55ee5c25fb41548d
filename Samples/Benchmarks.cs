using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using NetDsl.Samples.HandWritten;
using NetDsl.Samples.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples;

/// <summary>What `bench` was asked to do.</summary>
public sealed record BenchOptions(
    IReadOnlyList<string>? SuiteList = null,
    int Rounds = 6,
    int PerRound = 10,
    int Warmup = 3,
    int MemoryCalls = 1000,
    int? Threads = null,
    bool Quick = false,
    bool Write = true,
    string? OutPath = null,
    IReadOnlyList<string>? Networks = null)
{
    /// <summary>Every suite, in run and document order.</summary>
    public static IReadOnlyList<string> AllSuites => BenchDocument.SuiteOrder;

    /// <summary>The suites to run: those named on the command line, or all of them.</summary>
    public IReadOnlyList<string> Suites => SuiteList is { Count: > 0 } ? SuiteList : AllSuites;

    public const string Usage =
        "usage: bench [resnet] [wavelets] [octave] [pyramids] [onnx] [pytorch] [micro] [--quick] [--rounds N] [--per-round N] [--warmup N] [--memory-calls N] [--threads N] [--networks A,B] [--out PATH] [--no-write]";

    /// <summary>Parses the arguments after `bench`; throws <see cref="ArgumentException"/> with the usage on a bad one.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = args.Contains("--quick")
            ? new BenchOptions(Rounds: 2, PerRound: 2, Warmup: 1, MemoryCalls: 20, Quick: true, Write: false)
            : new BenchOptions();
        var suites = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (AllSuites.Contains(a))
            {
                if (!suites.Contains(a)) suites.Add(a);
                continue;
            }
            int Int()
            {
                if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1)
                    throw new ArgumentException($"bench: {a} needs a positive integer\n{Usage}");
                i++;
                return v;
            }
            switch (a)
            {
                case "--quick": break;
                case "--rounds": o = o with { Rounds = Int() }; break;
                case "--per-round": o = o with { PerRound = Int() }; break;
                case "--warmup": o = o with { Warmup = Int() }; break;
                case "--memory-calls": o = o with { MemoryCalls = Int() }; break;
                case "--threads": o = o with { Threads = Int() }; break;
                case "--no-write": o = o with { Write = false }; break;
                case "--networks":
                    if (i + 1 >= args.Count) throw new ArgumentException($"bench: --networks needs names, e.g. ResNet50,OctResNet50\n{Usage}");
                    o = o with { Networks = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
                    break;
                case "--out":
                    if (i + 1 >= args.Count) throw new ArgumentException($"bench: --out needs a path\n{Usage}");
                    o = o with { OutPath = args[++i], Write = true };
                    break;
                default: throw new ArgumentException($"bench: unknown argument '{a}'\n{Usage}");
            }
        }
        return o with { SuiteList = AllSuites.Where(suites.Contains).ToList() };
    }
}

/// <summary>Process and TorchSharp memory before and after one block of forward calls, each between full GCs.</summary>
public sealed record MemoryBlock(int Calls,
    long WorkingSetBefore, long WorkingSetAfter, long WorkingSetPeak,
    long ManagedBefore, long ManagedAfter,
    long TensorsBefore, long TensorsAfter);

/// <summary>One network's memory blocks; its growth is the sum over its blocks.</summary>
public sealed record MemoryResult(string Model, IReadOnlyList<MemoryBlock> Blocks)
{
    public int Calls => Blocks.Sum(b => b.Calls);
    public long WorkingSetGrowth => Blocks.Sum(b => b.WorkingSetAfter - b.WorkingSetBefore);
    public long WorkingSetPeak => Blocks.Max(b => b.WorkingSetPeak);
    public long ManagedGrowth => Blocks.Sum(b => b.ManagedAfter - b.ManagedBefore);
    public long TensorsAtStart => Blocks[0].TensorsBefore;
    public long TensorGrowth => Blocks.Sum(b => b.TensorsAfter - b.TensorsBefore);
}

public sealed record BenchReport(MachineInfo Machine, string Command, BenchOptions Options, long[] TimingInput, long[] MemoryInput,
    double MaxAbsDiff, TimingResult Timing, MemoryResult Generated, MemoryResult HandWritten);

/// <summary>
/// `dotnet run --project Samples -c Release -- bench [--quick]`: the generated ResNet-50 against the same network written
/// by hand (<see cref="ResNet50Manual"/>), in one process, as ratios; results go to docs/benchmarks.md.
/// </summary>
public static partial class Benchmarks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Working-set changes smaller than this, even after malloc_trim, are noise (page-level fragmentation, JIT, thread stacks).</summary>
    public const long WorkingSetNoise = 16L << 20;

    public static int Run(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

#if DEBUG
        Console.Error.WriteLine("bench: this is a Debug build; run with -c Release for numbers worth recording.");
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        string command = $"dotnet run --project Samples -c {configuration} -- bench" + string.Concat(args.Select(a => " " + a));
        // A fixed thread count for the whole run: --threads N, or LibTorch's default pinned so it cannot drift.
        torch.set_num_threads(options.Threads ?? torch.get_num_threads());
        Console.WriteLine($"bench: {command}");
        Console.WriteLine($"bench: suites {string.Join(", ", options.Suites)}; torch.get_num_threads() = {torch.get_num_threads()}");

        var sections = new Dictionary<string, string>();
        foreach (var suite in options.Suites)
        {
            Console.WriteLine();
            Console.WriteLine($"== {suite} ==");
            string? section = suite switch
            {
                "resnet" => RunResNet(options, command),
                "wavelets" => WaveletBenchmarks.Run(options, command),
                "octave" => OctaveBenchmarks.Run(options, command),
                "pyramids" => PyramidBenchmarks.Run(options, command),
                "onnx" => OnnxBenchmarks.Run(options, command),
                "pytorch" => Benchmarking.NetworkBenchmarks.Run(options, command),
                "micro" => Benchmarking.Micro.MicroBenchmarks.Run(options, command),
                _ => throw new InvalidOperationException($"bench: no runner for suite '{suite}'."),
            };
            if (section is null) return 1;
            sections[suite] = section;
        }

        if (options.Write)
        {
            string path = options.OutPath ?? Path.Combine(BenchDocument.RepositoryRoot(), "docs", "benchmarks.md");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            string? existing = File.Exists(path) ? File.ReadAllText(path) : null;
            File.WriteAllText(path, BenchDocument.Merge(existing, sections));
            Console.WriteLine($"Wrote {path} (sections: {string.Join(", ", sections.Keys)}; others kept)");
        }
        else
        {
            Console.WriteLine("docs/benchmarks.md not written (--quick or --no-write; --out PATH writes anyway).");
        }
        return 0;
    }

    /// <summary>The ResNet-50 suite; returns its document section, or null when the two networks disagree.</summary>
    private static string? RunResNet(BenchOptions options, string command)
    {
        string loadBefore = BenchDocument.LoadAverage();
        torch.manual_seed(42);
        using var generated = new ResNet50();
        using var handWritten = new ResNet50Manual();
        handWritten.CopyWeightsFrom(generated);
        generated.eval();
        handWritten.eval();
        using var noGrad = torch.no_grad();

        // The generated network is compiled for 224x224 and checks it, so both phases use the full input size.
        long[] inputShape = { 1, 3, 224, 224 };
        using var input = torch.randn(inputShape);

        double maxAbsDiff;
        using (NewDisposeScope())
            maxAbsDiff = (generated.call(input) - handWritten.call(input)).abs().max().ToDouble();
        Console.WriteLine($"Same weights in both networks, max |generated - hand-written| = {Diff(maxAbsDiff)}");
        if (!(maxAbsDiff < 1e-3))
        {
            Console.Error.WriteLine("bench: the two networks disagree; the comparison would be meaningless.");
            return null;
        }

        Console.WriteLine($"Timing: {options.Warmup} warm-up + {options.Rounds} rounds x {options.PerRound} forwards per network, input {SampleRunner.Shape(inputShape)}...");
        var timing = PairedTiming.Measure(() => generated.call(input), () => handWritten.call(input),
            options.Warmup, options.Rounds, options.PerRound, log: Console.WriteLine, aName: "generated", bName: "hand-written");

        // Memory in ABBA order (generated, hand-written, hand-written, generated), after interleaved warm-up calls that
        // let the allocators reach their plateau: whatever drift the process has hits both networks alike.
        int memoryWarmup = Math.Min(100, Math.Max(1, options.MemoryCalls / 10));
        int firstHalf = options.MemoryCalls / 2, secondHalf = options.MemoryCalls - firstHalf;
        Console.WriteLine($"Memory: {memoryWarmup} warm-up calls each, then {options.MemoryCalls} forward calls per network " +
            $"in ABBA blocks ({firstHalf} + {secondHalf}), input {SampleRunner.Shape(inputShape)}...");
        for (int i = 0; i < memoryWarmup; i++)
        {
            generated.call(input).Dispose();
            handWritten.call(input).Dispose();
        }
        var genBlocks = new List<MemoryBlock>();
        var handBlocks = new List<MemoryBlock>();
        if (firstHalf > 0)
        {
            genBlocks.Add(MeasureMemory("generated", generated, input, firstHalf));
            handBlocks.Add(MeasureMemory("hand-written", handWritten, input, firstHalf));
        }
        handBlocks.Add(MeasureMemory("hand-written", handWritten, input, secondHalf));
        genBlocks.Add(MeasureMemory("generated", generated, input, secondHalf));
        var memGenerated = new MemoryResult("generated", genBlocks);
        var memHandWritten = new MemoryResult("hand-written", handBlocks);

        var report = new BenchReport(BenchDocument.Machine(loadBefore), command, options, inputShape, inputShape, maxAbsDiff,
            timing, memGenerated, memHandWritten);
        Console.WriteLine();
        Console.WriteLine(FormatTables(report));
        return FormatDocument(report);
    }

    /// <summary>Working set, GC heap and live TorchSharp tensors around <paramref name="calls"/> forwards, each output disposed.</summary>
    private static MemoryBlock MeasureMemory(string name, nn.Module<Tensor, Tensor> model, Tensor input, int calls)
    {
        Settle();
        long wsBefore = Environment.WorkingSet, managedBefore = GC.GetTotalMemory(true), tensorsBefore = Tensor.TotalCount;
        long peak = wsBefore;
        int every = Math.Max(1, calls / 20);
        for (int i = 0; i < calls; i++)
        {
            using (var y = model.call(input)) { }
            if ((i + 1) % every == 0) peak = Math.Max(peak, Environment.WorkingSet);
        }
        Settle();
        long wsAfter = Environment.WorkingSet, managedAfter = GC.GetTotalMemory(true), tensorsAfter = Tensor.TotalCount;
        Console.WriteLine($"  {name}, {calls} calls: working set {MB(wsBefore)} -> {MB(wsAfter)} MB, managed {MB(managedBefore)} -> {MB(managedAfter)} MB, " +
            $"live tensors {tensorsBefore} -> {tensorsAfter}");
        return new MemoryBlock(calls, wsBefore, wsAfter, Math.Max(peak, wsAfter), managedBefore, managedAfter, tensorsBefore, tensorsAfter);
    }

    /// <summary>
    /// Full GC, finalizers, and on Linux glibc's <c>malloc_trim(0)</c>, which hands the freed native memory back to the
    /// OS: what remains in the working set is memory still in use, not free pages the allocator kept.
    /// </summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (OperatingSystem.IsLinux())
        {
            try { MallocTrim(UIntPtr.Zero); }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException) { }
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(UIntPtr pad);

    // ---- formatting (pure; covered by Generator.Tests/BenchmarkFormattingTests.cs) ----

    public static double Median(IReadOnlyList<double> values) => PairedTiming.Median(values);

    private static string Diff(double d) => d == 0 ? "0 (bit-identical)" : d.ToString("0.00e+0", Inv);

    private static string MB(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", Inv);
    private static string SignedMB(long bytes)
    {
        string magnitude = MB(Math.Abs(bytes));
        return (bytes < 0 && magnitude != "0.0" ? "-" : "+") + magnitude;
    }
    private static string Signed(long n) => (n >= 0 ? "+" : "") + n.ToString(Inv);

    /// <summary>
    /// generated growth / hand-written growth, or why there is no meaningful ratio: a growth within
    /// <paramref name="noise"/> of zero, or a shrink, says "no growth", not a number to divide by.
    /// </summary>
    public static string GrowthRatio(long generated, long handWritten, long noise)
    {
        bool genGrew = generated > noise, handGrew = handWritten > noise;
        if (!genGrew && !handGrew) return "no growth in either";
        if (!handGrew) return "n/a (baseline did not grow)";
        if (!genGrew) return "n/a (generated did not grow)";
        return ((double)generated / handWritten).ToString("0.00", Inv);
    }

    /// <summary>The two result tables in markdown: speed, then memory.</summary>
    public static string FormatTables(BenchReport r)
    {
        var t = r.Timing;
        var sb = new StringBuilder();
        sb.AppendLine($"Forward time, input {SampleRunner.Shape(r.TimingInput)}, eval + no_grad, {t.RoundRatios.Count} rounds x {t.PerRound} forwards per network, run in back-to-back pairs whose order alternates:");
        sb.AppendLine();
        sb.AppendLine("| network | median ms / forward | min ms | max ms | forwards |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        sb.AppendLine($"| generated `ResNet50` | {t.AMedianMs.ToString("0.0", Inv)} | {t.AMs.Min().ToString("0.0", Inv)} | {t.AMs.Max().ToString("0.0", Inv)} | {t.AMs.Count} |");
        sb.AppendLine($"| hand-written `ResNet50Manual` | {t.BMedianMs.ToString("0.0", Inv)} | {t.BMs.Min().ToString("0.0", Inv)} | {t.BMs.Max().ToString("0.0", Inv)} | {t.BMs.Count} |");
        sb.AppendLine($"| **ratio generated / hand-written** (median of pair ratios; min, max: per-round medians) | **{t.Ratio.ToString("0.000", Inv)}** | " +
            $"{t.RoundRatios.Min().ToString("0.000", Inv)} | {t.RoundRatios.Max().ToString("0.000", Inv)} | {t.PairRatios.Count} pairs |");
        sb.AppendLine();
        sb.AppendLine($"Ratio of the two medians above, for comparison: {t.RatioOfMedians.ToString("0.000", Inv)}.");
        sb.AppendLine();
        sb.AppendLine($"Memory over {r.Generated.Calls.ToString("N0", Inv)} forward calls per network (input {SampleRunner.Shape(r.MemoryInput)}, each output disposed), " +
            "after warm-up calls, in ABBA blocks (generated, hand-written, hand-written, generated), each block between full GCs and glibc `malloc_trim`; " +
            "a network's growth is the sum over its two blocks:");
        sb.AppendLine();
        sb.AppendLine("| network | working set per block, before → after (MB) | working set growth (MB) | peak (MB) | GC heap growth (MB) | live tensors at start | tensor growth |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var m in new[] { r.Generated, r.HandWritten })
        {
            string blocks = string.Join(", ", m.Blocks.Select(b => $"{MB(b.WorkingSetBefore)} → {MB(b.WorkingSetAfter)}"));
            sb.AppendLine($"| {m.Model} | {blocks} | {SignedMB(m.WorkingSetGrowth)} | {MB(m.WorkingSetPeak)} | " +
                $"{SignedMB(m.ManagedGrowth)} | {m.TensorsAtStart} | {Signed(m.TensorGrowth)} |");
        }
        sb.AppendLine($"| **ratio generated / hand-written** | | {GrowthRatio(r.Generated.WorkingSetGrowth, r.HandWritten.WorkingSetGrowth, WorkingSetNoise)} | " +
            $"{(r.Generated.WorkingSetPeak / (double)r.HandWritten.WorkingSetPeak).ToString("0.00", Inv)} | " +
            $"{GrowthRatio(r.Generated.ManagedGrowth, r.HandWritten.ManagedGrowth, 1L << 20)} | | {GrowthRatio(r.Generated.TensorGrowth, r.HandWritten.TensorGrowth, 0)} |");
        return sb.ToString();
    }

    /// <summary>The ResNet-50 section of docs/benchmarks.md (between its markers; see <see cref="BenchDocument"/>).</summary>
    public static string FormatDocument(BenchReport r)
    {
        var sb = new StringBuilder();
        BenchDocument.AppendTitle(sb, "ResNet-50: generated vs hand-written", r.Command);
        sb.AppendLine("The generated `ResNet50` (`Samples/Networks/ResNet50.cs`) against the same network written by hand in idiomatic");
        sb.AppendLine("TorchSharp, the way TorchSharp's TorchVision `ResNet.cs` does it (`Samples/HandWritten/ResNet50Manual.cs`). Both run in");
        sb.AppendLine("one process, with the same weights (copied by state_dict key), thread count and input, in eval mode under `no_grad`.");
        sb.AppendLine("`Generator.Tests/HandWrittenResNetTests.cs` checks that the two have the same state_dict keys and parameter count and");
        sb.AppendLine($"compute the same function; in this run their outputs differed by at most {Diff(r.MaxAbsDiff)}.");
        sb.AppendLine("Speed and memory are ratios against the hand-written baseline measured in the same run, never wall-clock limits.");
        sb.AppendLine();
        sb.AppendLine("### Machine");
        sb.AppendLine();
        sb.Append(BenchDocument.FormatMachine(r.Machine));
        sb.AppendLine();
        sb.AppendLine("### Results");
        sb.AppendLine();
        sb.Append(FormatTables(r));
        sb.AppendLine();
        sb.AppendLine("### Interpretation");
        sb.AppendLine();
        foreach (var line in Interpret(r)) sb.AppendLine($"* {line}");
        return sb.ToString();
    }

    /// <summary>A few sentences that read the numbers; the shared-machine caveat comes from the load average.</summary>
    public static IEnumerable<string> Interpret(BenchReport r)
    {
        var t = r.Timing;
        double pct = (t.Ratio - 1) * 100;
        string speed = Math.Abs(pct) < 0.05 ? "as fast as" : pct > 0 ? $"{pct.ToString("0.0", Inv)}% slower than" : $"{(-pct).ToString("0.0", Inv)}% faster than";
        int above = t.RoundRatios.Count(x => x > 1), rounds = t.RoundRatios.Count;
        string spread = $"per-round ratios {t.RoundRatios.Min().ToString("0.000", Inv)} – {t.RoundRatios.Max().ToString("0.000", Inv)}, " +
            $"{above} of {rounds} rounds above 1";
        bool spanOne = t.RoundRatios.Min() <= 1 && t.RoundRatios.Max() >= 1;
        yield return $"Speed: the generated forward is {speed} the hand-written one (median pair ratio {t.Ratio.ToString("0.000", Inv)}; {spread}); " +
            (spanOne
                ? "the rounds do not all agree on the direction, so read the difference as small and not fully resolved by this run's noise."
                : "every round agrees on the direction.") +
            " The two differ only in glue: both add the shortcut in place (`add_`, as TorchVision's `ResNet.cs`); the generated forward" +
            " also checks the input shape and disposes each intermediate right after its last use (the hand-written one leaves them" +
            " to its dispose scope, as TorchSharp's examples do); the convolutions, which dominate, are identical.";
        string Leak(MemoryResult m) =>
            m.TensorGrowth > 0
                ? $"{m.Model}: {m.TensorGrowth} TorchSharp tensors still alive after {m.Calls.ToString("N0", Inv)} calls — a leak"
                : $"{m.Model}: no TorchSharp tensor left alive after {m.Calls.ToString("N0", Inv)} calls ({Signed(m.TensorGrowth)})";
        string WorkingSet(MemoryResult m)
        {
            string perCall = (m.WorkingSetGrowth / 1024.0 / m.Calls).ToString("0.0", Inv);
            return m.WorkingSetGrowth > WorkingSetNoise
                ? $"{m.Model} {SignedMB(m.WorkingSetGrowth)} MB ({perCall} KB per call, above the {WorkingSetNoise >> 20} MB noise floor: native memory kept across calls)"
                : $"{m.Model} {SignedMB(m.WorkingSetGrowth)} MB (within the {WorkingSetNoise >> 20} MB noise floor)";
        }
        yield return $"Memory: {Leak(r.Generated)}; {Leak(r.HandWritten)}; the GC heap did not grow by more than " +
            $"{MB(Math.Max(Math.Abs(r.Generated.ManagedGrowth), Math.Abs(r.HandWritten.ManagedGrowth)))} MB for either. " +
            $"Working set (measured after a full GC and glibc `malloc_trim`, so free pages the allocator kept do not count): " +
            $"{WorkingSet(r.Generated)}; {WorkingSet(r.HandWritten)}. A leak of one activation per call would show as hundreds of MB or more.";
        if (BenchDocument.LoadCaveat(r.Machine) is { } caveat)
            yield return caveat;
        if (r.Options.Quick)
            yield return "This was a `--quick` smoke run: too few iterations for the numbers to mean much.";
    }

}

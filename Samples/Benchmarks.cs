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
    int Rounds = 6,
    int PerRound = 10,
    int Warmup = 3,
    int MemoryCalls = 1000,
    int? Threads = null,
    bool Quick = false,
    bool Write = true,
    string? OutPath = null)
{
    public const string Usage =
        "usage: bench [--quick] [--rounds N] [--per-round N] [--warmup N] [--memory-calls N] [--threads N] [--out PATH] [--no-write]";

    /// <summary>Parses the arguments after `bench`; throws <see cref="ArgumentException"/> with the usage on a bad one.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = args.Contains("--quick")
            ? new BenchOptions(Rounds: 2, PerRound: 2, Warmup: 1, MemoryCalls: 20, Quick: true, Write: false)
            : new BenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
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
                case "--out":
                    if (i + 1 >= args.Count) throw new ArgumentException($"bench: --out needs a path\n{Usage}");
                    o = o with { OutPath = args[++i], Write = true };
                    break;
                default: throw new ArgumentException($"bench: unknown argument '{a}'\n{Usage}");
            }
        }
        return o;
    }
}

/// <summary>
/// Forward times of both networks in run order: index i of each list is one back-to-back pair, and
/// <paramref name="PerRound"/> consecutive pairs make a round.
/// </summary>
public sealed record TimingResult(IReadOnlyList<double> GeneratedMs, IReadOnlyList<double> HandWrittenMs, int PerRound)
{
    public double GeneratedMedianMs => Benchmarks.Median(GeneratedMs);
    public double HandWrittenMedianMs => Benchmarks.Median(HandWrittenMs);

    /// <summary>generated / hand-written for each pair of forwards run one right after the other.</summary>
    public IReadOnlyList<double> PairRatios => GeneratedMs.Zip(HandWrittenMs, (g, h) => g / h).ToList();

    /// <summary>The median pair ratio of each round.</summary>
    public IReadOnlyList<double> RoundRatios => PairRatios.Chunk(PerRound).Select(c => Benchmarks.Median(c)).ToList();

    /// <summary>
    /// The headline: the median of the pair ratios. Pairs are measured within a few hundred ms of each other, so a
    /// burst of load from other processes mostly hits both halves of a pair, and the median drops the pairs it split.
    /// </summary>
    public double Ratio => Benchmarks.Median(PairRatios);

    /// <summary>Median generated time over median hand-written time: the same question asked less robustly.</summary>
    public double RatioOfMedians => GeneratedMedianMs / HandWrittenMedianMs;
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

/// <summary>Where the numbers were measured.</summary>
public sealed record MachineInfo(int Cores, string Cpu, string Os, string DotNet, string TorchSharp, string LibTorch,
    int TorchThreads, string LoadBefore, string LoadAfter, DateTime DateUtc);

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
        if (options.Threads is int threads) torch.set_num_threads(threads);
        string loadBefore = LoadAverage();

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
        Console.WriteLine($"bench: {command}");
        Console.WriteLine($"torch.get_num_threads() = {torch.get_num_threads()}, same weights in both networks, max |generated - hand-written| = {Diff(maxAbsDiff)}");
        if (!(maxAbsDiff < 1e-3))
        {
            Console.Error.WriteLine("bench: the two networks disagree; the comparison would be meaningless.");
            return 1;
        }

        Console.WriteLine($"Timing: {options.Warmup} warm-up + {options.Rounds} rounds x {options.PerRound} forwards per network, input {SampleRunner.Shape(inputShape)}...");
        var timing = MeasureTiming(generated, handWritten, input, options);

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

        var report = new BenchReport(Machine(loadBefore), command, options, inputShape, inputShape, maxAbsDiff,
            timing, memGenerated, memHandWritten);
        Console.WriteLine();
        Console.WriteLine(FormatTables(report));

        if (options.Write)
        {
            string path = options.OutPath ?? Path.Combine(RepositoryRoot(), "docs", "benchmarks.md");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, FormatDocument(report));
            Console.WriteLine($"Wrote {path}");
        }
        else
        {
            Console.WriteLine("docs/benchmarks.md not written (--quick or --no-write; --out PATH writes anyway).");
        }
        return 0;
    }

    /// <summary>
    /// Warm-up, then rounds of <see cref="BenchOptions.PerRound"/> forwards per network, interleaved one by one
    /// (generated, hand-written, hand-written, generated, ...): the pair's first network alternates, and so does the
    /// round's, so neither network always runs first and a burst of load from other processes hits both alike.
    /// Each pair gives a ratio; a round's ratio is the median of its pairs'.
    /// </summary>
    private static TimingResult MeasureTiming(nn.Module<Tensor, Tensor> generated, nn.Module<Tensor, Tensor> handWritten,
        Tensor input, BenchOptions options)
    {
        for (int i = 0; i < options.Warmup; i++)
        {
            generated.call(input).Dispose();
            handWritten.call(input).Dispose();
        }
        double Time(nn.Module<Tensor, Tensor> model)
        {
            long start = Stopwatch.GetTimestamp();
            using (var y = model.call(input)) { }
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var gen = new List<double>();
        var hand = new List<double>();
        for (int round = 0; round < options.Rounds; round++)
        {
            var g = new List<double>(options.PerRound);
            var h = new List<double>(options.PerRound);
            for (int i = 0; i < options.PerRound; i++)
            {
                if ((round + i) % 2 == 0) { g.Add(Time(generated)); h.Add(Time(handWritten)); }
                else { h.Add(Time(handWritten)); g.Add(Time(generated)); }
            }
            gen.AddRange(g);
            hand.AddRange(h);
            Console.WriteLine($"  round {round + 1}/{options.Rounds} ({(round % 2 == 0 ? "generated first" : "hand-written first")}): " +
                $"median generated {Median(g).ToString("0.0", Inv)} ms, hand-written {Median(h).ToString("0.0", Inv)} ms, " +
                $"median pair ratio {Median(g.Zip(h, (a, b) => a / b).ToList()).ToString("0.000", Inv)}");
        }
        return new TimingResult(gen, hand, options.PerRound);
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

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

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
        sb.AppendLine($"| generated `ResNet50` | {t.GeneratedMedianMs.ToString("0.0", Inv)} | {t.GeneratedMs.Min().ToString("0.0", Inv)} | {t.GeneratedMs.Max().ToString("0.0", Inv)} | {t.GeneratedMs.Count} |");
        sb.AppendLine($"| hand-written `ResNet50Manual` | {t.HandWrittenMedianMs.ToString("0.0", Inv)} | {t.HandWrittenMs.Min().ToString("0.0", Inv)} | {t.HandWrittenMs.Max().ToString("0.0", Inv)} | {t.HandWrittenMs.Count} |");
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

    /// <summary>The whole of docs/benchmarks.md.</summary>
    public static string FormatDocument(BenchReport r)
    {
        var m = r.Machine;
        var t = r.Timing;
        var sb = new StringBuilder();
        sb.AppendLine("# Benchmarks");
        sb.AppendLine();
        sb.AppendLine("Written by the `bench` command; do not edit by hand, run it again:");
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine(r.Command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("The generated `ResNet50` (`Samples/Networks/ResNet50.cs`) against the same network written by hand in idiomatic");
        sb.AppendLine("TorchSharp, the way TorchSharp's TorchVision `ResNet.cs` does it (`Samples/HandWritten/ResNet50Manual.cs`). Both run in");
        sb.AppendLine("one process, with the same weights (copied by state_dict key), thread count and input, in eval mode under `no_grad`.");
        sb.AppendLine("`Generator.Tests/HandWrittenResNetTests.cs` checks that the two have the same state_dict keys and parameter count and");
        sb.AppendLine($"compute the same function; in this run their outputs differed by at most {Diff(r.MaxAbsDiff)}.");
        sb.AppendLine("Speed and memory are ratios against the hand-written baseline measured in the same run, never wall-clock limits.");
        sb.AppendLine();
        sb.AppendLine("## Machine");
        sb.AppendLine();
        sb.AppendLine("| | |");
        sb.AppendLine("|---|---|");
        sb.AppendLine($"| date (UTC) | {m.DateUtc.ToString("yyyy-MM-dd HH:mm", Inv)} |");
        sb.AppendLine($"| cores (`nproc`) | {m.Cores} |");
        sb.AppendLine($"| CPU (/proc/cpuinfo) | {m.Cpu} |");
        sb.AppendLine($"| OS | {m.Os} |");
        sb.AppendLine($"| .NET | {m.DotNet} |");
        sb.AppendLine($"| TorchSharp / LibTorch | {m.TorchSharp} / {m.LibTorch} (CPU) |");
        sb.AppendLine($"| `torch.get_num_threads()` | {m.TorchThreads} |");
        sb.AppendLine($"| load average (1, 5, 15 min) before / after | {m.LoadBefore} / {m.LoadAfter} |");
        sb.AppendLine();
        sb.AppendLine("## Results");
        sb.AppendLine();
        sb.Append(FormatTables(r));
        sb.AppendLine();
        sb.AppendLine("## Interpretation");
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
            " The two differ only in glue: the generated Bottleneck adds the shortcut out of place (`x + identity`, one extra tensor per block)" +
            " and checks the input shape; the convolutions, which dominate, are identical.";
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
        if (TryLoad(r.Machine.LoadBefore, out double load) && load > 0.5 * r.Machine.Cores)
            yield return $"The machine was shared: the 1-minute load average was {load.ToString("0.0", Inv)} on {r.Machine.Cores} cores when the run started " +
                "(other builds and tests were running), so absolute times are inflated and noisy; the interleaved ratios are what to read.";
        if (r.Options.Quick)
            yield return "This was a `--quick` smoke run: too few iterations for the numbers to mean much.";
    }

    private static bool TryLoad(string loadAverage, out double load) =>
        double.TryParse(loadAverage.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), NumberStyles.Float, Inv, out load);

    // ---- machine description ----

    private static MachineInfo Machine(string loadBefore)
    {
        string cpu = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string torchSharp = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";
        string libTorch;
        try { libTorch = torch.__version__; } catch (Exception) { libTorch = "?"; }
        return new MachineInfo(Environment.ProcessorCount, cpu, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            torchSharp.Split('+')[0], libTorch, torch.get_num_threads(), loadBefore, LoadAverage(), DateTime.UtcNow);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NetDsl.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Property tests over 500 random declarations (<see cref="RandomNetworks"/>: seeds 1..400 of Create, about half of
/// them valid, and seeds 1..100 of CreateWindowEdge, tiny sliding-window stacks), generated in batches of 50:
/// A. the generator never crashes, emits nothing for a network with an error, and what it emits compiles;
/// B. every accepted network runs in TorchSharp with the compile-time output shape and parameter count, agrees with
///    a direct TorchSharp interpretation of the declaration (<see cref="TorchOracle"/>), its input guard rejects
///    wrong inputs with an ArgumentException before any native call, and its minimum symbolic sizes are tight;
/// C. every rejected declaration is rejected by TorchSharp too, or the diagnostic documents a deliberate restriction.
/// Each failure prints the seed and the declaration; <c>RandomNetworks.Create(seed)</c> (or CreateWindowEdge) reproduces it.
/// </summary>
public class PropertyTests
{
    private const int FirstSeed = 1;
    private const int Declarations = 400;
    private const int WindowEdgeDeclarations = 100;
    private const int BatchSize = 50;
    private const int ShownFailures = 4;

    private static readonly Lazy<IReadOnlyList<BatchRun>> s_runs = new(RunBatches);

    private readonly ITestOutputHelper _output;
    private static TimeSpan s_oracleTime;

    static PropertyTests()
    {
        // The networks are tiny: one intra-op thread is fastest, and LibTorch's thread pool spinning on a machine
        // shared with other builds made these tests ~20x slower.
        torch.set_num_threads(1);
    }

    public PropertyTests(ITestOutputHelper output) => _output = output;

    // ---------------------------------------------------------------- A: never crashes, all-or-nothing, compiles

    [Fact]
    public void Generator_never_crashes_and_emits_compiling_code_only_for_networks_without_errors()
    {
        var runs = Runs();
        var failures = new List<string>();
        int checkedCount = 0;
        foreach (var run in runs)
        {
            if (run.Crash is not null)
            {
                failures.Add($"seeds {run.Decls[0].Seed}..{run.Decls[^1].Seed}: the generator run threw {run.Crash}");
                continue;
            }
            var result = run.Result!;
            foreach (var d in result.GeneratorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785"))
                failures.Add($"seeds {run.Decls[0].Seed}..{run.Decls[^1].Seed}: the generator threw: {d}");
            foreach (var d in result.GeneratorDiagnostics.Where(d => !run.Decls.Any(x => x.Path == d.Location.GetLineSpan().Path)))
                failures.Add($"seeds {run.Decls[0].Seed}..{run.Decls[^1].Seed}: a diagnostic without a source location: {d}");
            foreach (var d in run.CompileDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && Owner(run, d) is null))
                failures.Add($"seeds {run.Decls[0].Seed}..{run.Decls[^1].Seed}: compile error of no declaration: {d}");

            foreach (var decl in run.Decls)
            {
                checkedCount++;
                var own = run.Diagnostics(decl);
                foreach (var d in own.Where(d => d.Id == "NDSL0019"))
                    failures.Add(Describe(decl, $"internal generator error {d}"));
                bool hasError = own.Any(d => d.Severity == DiagnosticSeverity.Error);
                bool generated = result.Sources.ContainsKey(decl.HintName);
                var compileErrors = run.CompileDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && Owner(run, d) == decl).ToList();
                if (hasError && generated)
                    failures.Add(Describe(decl, $"source generated despite errors:\n  {string.Join("\n  ", own)}"));
                if (!hasError && !generated)
                    failures.Add(Describe(decl, "no error reported and no source generated"));
                if (compileErrors.Count > 0)
                    failures.Add(Describe(decl, $"the output does not compile:\n  {string.Join("\n  ", compileErrors.Take(5))}" +
                        (hasError ? "" : "\n" + string.Join("\n", result.Sources.Where(s => s.Key.StartsWith(decl.Namespace + ".", StringComparison.Ordinal)).Select(s => s.Value)))));
            }
        }
        _output.WriteLine($"{runs.Count} generator runs: {runs.Sum(r => r.GeneratorTime.TotalSeconds):0.0} s; emitting: {runs.Sum(r => r.EmitTime.TotalSeconds):0.0} s");
        Assert.True(checkedCount >= 300, $"only {checkedCount} declarations checked");
        AssertNoFailures(failures, checkedCount);
    }

    /// <summary>The random declarations are a useful mix: neither almost all valid nor almost all invalid, and every feature appears in valid ones.</summary>
    [Fact]
    public void Random_declarations_are_about_half_valid_and_cover_the_language()
    {
        var accepted = Runs().SelectMany(r => r.Decls.Where(d => r.Accepted(d))).ToList();
        var all = Runs().SelectMany(r => r.Decls).ToList();
        double fraction = accepted.Count / (double)all.Count;
        _output.WriteLine($"{accepted.Count} of {all.Count} declarations accepted ({fraction:P0}); of the sliding-window edge cases " +
            $"{accepted.Count(d => d.Name.StartsWith("Edge", StringComparison.Ordinal))} of {all.Count(d => d.Name.StartsWith("Edge", StringComparison.Ordinal))}");
        Assert.InRange(fraction, 0.35, 0.65);

        var layers = accepted.SelectMany(d => d.Stages).OfType<SeqStage>().SelectMany(s => s.Layers).ToList();
        var features = new Dictionary<string, int>
        {
            ["symbolic size"] = accepted.Count(d => d.Symbolic),
            ["conv"] = layers.OfType<ConvLayer>().Count(),
            ["conv same"] = layers.OfType<ConvLayer>().Count(c => c.Same),
            ["grouped conv"] = layers.OfType<ConvLayer>().Count(c => !c.Groups.Is(1)),
            ["dilated conv"] = layers.OfType<ConvLayer>().Count(c => !c.Dilation.Is(1)),
            ["conv transpose"] = layers.OfType<ConvTLayer>().Count(),
            ["output padding"] = layers.OfType<ConvTLayer>().Count(c => !c.OutputPadding.Is(0)),
            ["ceil-mode pool"] = layers.OfType<PoolLayer>().Count(p => p.Ceil),
            ["padded pool"] = layers.OfType<PoolLayer>().Count(p => p.Padding > 0),
            ["adaptive pool"] = layers.OfType<AdaptiveLayer>().Count(),
            ["flatten"] = layers.OfType<FlattenLayer>().Count(),
            ["linear"] = layers.OfType<LinearLayer>().Count(),
            ["bilinear upsample"] = layers.OfType<UpsampleLayer>().Count(u => u.Bilinear),
            ["upsample to a size"] = layers.OfType<UpsampleLayer>().Count(u => u.Height != 0),
            ["shortcut"] = accepted.SelectMany(d => d.Stages).OfType<ShortcutStage>().Count(),
            ["add"] = accepted.SelectMany(d => d.Stages).OfType<SkipStage>().Count(s => s.Add),
            ["concat"] = accepted.SelectMany(d => d.Stages).OfType<SkipStage>().Count(s => !s.Add),
            ["block"] = accepted.SelectMany(d => d.Stages).OfType<UseStage>().Count(),
            ["repeated block"] = accepted.SelectMany(d => d.Stages).OfType<UseStage>().Count(u => u.Repeat > 1),
        };
        foreach (var (name, count) in features) _output.WriteLine($"{name}: {count}");
        var missing = features.Where(f => f.Value < 5).Select(f => $"{f.Key} ({f.Value})").ToList();
        Assert.True(missing.Count == 0, "too few accepted declarations use: " + string.Join(", ", missing));
    }

    // ---------------------------------------------------------------- B: shapes and parameters agree with TorchSharp

    [Fact]
    public void Accepted_networks_run_in_TorchSharp_with_the_compile_time_shape_and_parameter_count()
    {
        var runs = Runs();
        var failures = new List<string>();
        int checkedCount = 0;
        var clock = Stopwatch.StartNew();
        var times = new List<(int Seed, double Ms)>();
        foreach (var run in runs)
        {
            var accepted = run.Decls.Where(run.Accepted).ToList();
            if (accepted.Count == 0) continue;
            if (run.Assembly is null)
            {
                failures.Add($"seeds {run.Decls[0].Seed}..{run.Decls[^1].Seed}: the batch did not compile");
                continue;
            }
            var context = new SummaryShapes.BatchLoadContext($"PropertyTests{run.Decls[0].Seed}");
            try
            {
                var assembly = context.LoadFromStream(new MemoryStream(run.Assembly));
                foreach (var decl in accepted)
                {
                    checkedCount++;
                    var started = clock.Elapsed;
                    try
                    {
                        CheckAgainstTorchSharp(assembly, decl, failures);
                    }
                    catch (Exception e)
                    {
                        failures.Add(Describe(decl, "unexpected " + e));
                    }
                    times.Add((decl.Seed, (clock.Elapsed - started).TotalMilliseconds));
                }
            }
            finally
            {
                context.Unload();
            }
        }
        _output.WriteLine($"{checkedCount} networks run in {clock.Elapsed.TotalSeconds:0.0} s; slowest: " +
            string.Join(", ", times.OrderByDescending(t => t.Ms).Take(5).Select(t => $"seed {t.Seed} {t.Ms:0} ms")) + $"; oracle {s_oracleTime.TotalSeconds:0.0} s");
        Assert.True(checkedCount >= 120, $"only {checkedCount} accepted networks were run");
        AssertNoFailures(failures, checkedCount);
    }

    private static void CheckAgainstTorchSharp(Assembly assembly, NetworkDecl decl, List<string> failures)
    {
        var type = assembly.GetType(decl.FullName) ?? throw new InvalidOperationException($"{decl.FullName} is not in the assembly");
        var summary = (NetworkSummary)type.GetProperty("Summary", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var random = new Random(decl.Seed);
        var constraints = ParseConstraints(summary.Constraints);
        // The summary's symbolic shapes ("H/4") are exact at multiples of the period; pick those for the shape check.
        static (long Multiple, long Min) Period((long Multiple, long Min) c, long period) => (Math.Max(c.Multiple == 0 ? 1 : c.Multiple, period), c.Min == 0 ? 1 : c.Min);
        long h = ChooseSize(decl.Height, Period(constraints.GetValueOrDefault('H'), summary.HeightPeriod), random);
        long w = ChooseSize(decl.Width, Period(constraints.GetValueOrDefault('W'), summary.WidthPeriod), random);
        string where = $"input [2, {decl.InChannels}, {h}, {w}], summary {summary.Input} -> {summary.Output}" +
            (summary.Constraints.Count > 0 ? $" ({string.Join("; ", summary.Constraints)})" : "");

        string expectedInput = $"[N, {decl.InChannels}, {(decl.Height == 0 ? "H" : decl.Height)}, {(decl.Width == 0 ? "W" : decl.Width)}]";
        if (summary.Input != expectedInput) failures.Add(Describe(decl, $"Summary.Input is {summary.Input}, expected {expectedInput}"));

        using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long[] actual;
        try
        {
            actual = net.call(randn(2, decl.InChannels, h, w)).shape;
        }
        catch (Exception e)
        {
            failures.Add(Describe(decl, $"{where}: the compiler accepted it but TorchSharp throws {e.GetType().Name}: {FirstLine(e.Message)}"));
            return;
        }
        var expected = SummaryShapes.Evaluate(summary.Output, h, w);
        if (!SummaryShapes.Matches(expected, actual))
            failures.Add(Describe(decl, $"{where}: TorchSharp gives [{string.Join(", ", actual)}], the compiler says {summary.Output}"));
        long parameters = net.parameters().Sum(p => p.numel());
        if (parameters != summary.TotalParams)
            failures.Add(Describe(decl, $"{where}: TorchSharp counts {parameters} parameters, the compiler {summary.TotalParams}"));

        // The generated module agrees with a direct interpretation of the declaration.
        try
        {
            var oracleClock = Stopwatch.StartNew();
            var (oracleShape, oracleParams) = TorchOracle.Run(decl, h, w);
            s_oracleTime += oracleClock.Elapsed;
            if (!oracleShape.SequenceEqual(actual) || oracleParams != parameters)
                failures.Add(Describe(decl, $"{where}: the generated module gives [{string.Join(", ", actual)}] with {parameters} parameters, " +
                    $"the declaration interpreted directly [{string.Join(", ", oracleShape)}] with {oracleParams}"));
        }
        catch (Exception e)
        {
            failures.Add(Describe(decl, $"{where}: accepted, but interpreting the declaration directly fails: {e.GetType().Name}: {FirstLine(e.Message)}"));
        }

        // Between the period's multiples (where the compiler checked that the sizes round down harmlessly) the network
        // runs too, like the declaration interpreted directly.
        foreach (var (between, bh, bw) in new[]
        {
            (decl.Height == 0 && summary.HeightMultiple < summary.HeightPeriod, h + summary.HeightMultiple, w),
            (decl.Width == 0 && summary.WidthMultiple < summary.WidthPeriod, h, w + summary.WidthMultiple),
        })
        {
            if (!between) continue;
            try
            {
                var shape = net.call(randn(2, decl.InChannels, bh, bw)).shape;
                var (oracleShape, _) = TorchOracle.Run(decl, bh, bw);
                if (!oracleShape.SequenceEqual(shape))
                    failures.Add(Describe(decl, $"{where}: at {bh}x{bw} (between the multiples of the period) the generated module gives [{string.Join(", ", shape)}], " +
                        $"the declaration interpreted directly [{string.Join(", ", oracleShape)}]"));
            }
            catch (Exception e)
            {
                failures.Add(Describe(decl, $"{where}: the guard allows {bh}x{bw} (between the multiples of the period) but it fails: {e.GetType().Name}: {FirstLine(e.Message)}"));
            }
        }

        // Inputs that break a constraint are refused by the guard, with an ArgumentException before any native call.
        var bad = new List<(string Why, long C, long H, long W)> { ("wrong channel count", decl.InChannels + 1, h, w) };
        if (decl.Height > 0) bad.Add(("a different height", decl.InChannels, h + 1, w));
        if (decl.Width > 0) bad.Add(("a different width", decl.InChannels, h, w + 1));
        var (mh, minH) = constraints.GetValueOrDefault('H', (1, 1));
        if (decl.Height == 0 && mh > 1) bad.Add(($"a height that is not a multiple of {mh}", decl.InChannels, h + 1, w));
        if (decl.Height == 0 && minH - mh >= 1) bad.Add(($"a height below {minH}", decl.InChannels, minH - mh, w));
        var (mw, minW) = constraints.GetValueOrDefault('W', (1, 1));
        if (decl.Width == 0 && mw > 1) bad.Add(($"a width that is not a multiple of {mw}", decl.InChannels, h, w + 1));
        if (decl.Width == 0 && minW - mw >= 1) bad.Add(($"a width below {minW}", decl.InChannels, h, minW - mw));
        // The minimum sizes are tight: one step below, PyTorch fails too.
        var smaller = new List<(char Axis, long Min, long H, long W)>();
        if (decl.Height == 0 && minH - mh >= 1) smaller.Add(('H', minH, minH - mh, w));
        if (decl.Width == 0 && minW - mw >= 1) smaller.Add(('W', minW, h, minW - mw));
        foreach (var (axis, min, sh, sw) in smaller)
        {
            try
            {
                TorchOracle.Run(decl, sh, sw);
                failures.Add(Describe(decl, $"{where}: the compiler says {axis} must be at least {min}, but the declaration runs in TorchSharp at {sh}x{sw}"));
            }
            catch (Exception)
            {
            }
        }

        foreach (var (why, c, bh, bw) in bad)
        {
            try
            {
                net.call(randn(2, c, bh, bw));
                failures.Add(Describe(decl, $"{where}: an input with {why} [2, {c}, {bh}, {bw}] is accepted"));
            }
            catch (ArgumentException e) when (e.GetType() == typeof(ArgumentException) && e.Message.Contains(decl.Name, StringComparison.Ordinal))
            {
            }
            catch (Exception e)
            {
                failures.Add(Describe(decl, $"{where}: an input with {why} [2, {c}, {bh}, {bw}] throws {e.GetType().Name} instead of the guard's ArgumentException: {FirstLine(e.Message)}"));
            }
        }
    }

    // ---------------------------------------------------------------- C: rejections are real or documented

    /// <summary>Largest symbolic size tried on a rejected declaration (larger strides are not tried).</summary>
    private const long LargestTrial = 144;

    [Fact]
    public void Rejected_declarations_are_rejected_by_TorchSharp_too_or_by_a_documented_restriction()
    {
        var failures = new List<string>();
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var errorCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int checkedCount = 0;
        foreach (var run in Runs())
        {
            if (run.Result is null) continue;
            foreach (var decl in run.Decls.Where(d => !run.Accepted(d)))
            {
                checkedCount++;
                var errors = run.Diagnostics(decl).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                foreach (var id in errors.Select(e => e.Id).Distinct()) errorCounts[id] = errorCounts.GetValueOrDefault(id) + 1;
                // A symbolic declaration is tried at two sizes, multiples of all its strides (where PyTorch's sizes follow
                // the compiler's exact symbolic ones), so that sizes agreeing by accident at one size do not count.
                var sizes = new List<(long H, long W)> { (decl.Height, decl.Width) };
                if (decl.Symbolic)
                {
                    long step = TorchOracle.StrideBound(decl);
                    long first = (48 + step - 1) / step * step, second = Math.Max((72 + step - 1) / step * step, first + step);
                    if (second > LargestTrial)
                    {
                        outcomes["not tried (strides too large)"] = outcomes.GetValueOrDefault("not tried (strides too large)") + 1;
                        continue;
                    }
                    sizes = new[] { first, second }.Select(s => (decl.Height == 0 ? s : decl.Height, decl.Width == 0 ? s : decl.Width)).ToList();
                }
                int runs = 0;
                foreach (var (h, w) in sizes)
                {
                    try
                    {
                        TorchOracle.Run(decl, h, w);
                        runs++;
                    }
                    catch (OracleRestriction restriction)
                    {
                        outcomes[restriction.Id + " restriction"] = outcomes.GetValueOrDefault(restriction.Id + " restriction") + 1;
                        if (!errors.Any(e => e.Id == restriction.Id))
                            failures.Add(Describe(decl, $"TorchSharp would run it but for a restriction ({restriction.Message}) that the compiler does not report; it reports:\n  {string.Join("\n  ", errors)}"));
                        break;
                    }
                    catch (Exception e)
                    {
                        // PyTorch, or a rule of the DSL itself (OracleRejection), rejects it too.
                        string kind = e is OracleRejection ? "DSL rule" : "TorchSharp";
                        outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
                        break;
                    }
                }
                if (runs == sizes.Count)
                    failures.Add(Describe(decl, $"TorchSharp runs it at {string.Join(" and ", sizes.Select(s => $"{s.H}x{s.W}"))}, but the compiler reports:\n  {string.Join("\n  ", errors)}"));
            }
        }
        _output.WriteLine("compiler errors: " + string.Join(", ", errorCounts.Select(e => $"{e.Key} x{e.Value}")));
        _output.WriteLine("direct interpretation: " + string.Join(", ", outcomes.Select(e => $"{e.Key} x{e.Value}")));
        Assert.True(checkedCount >= 120, $"only {checkedCount} rejected declarations were checked");
        AssertNoFailures(failures, checkedCount);
    }

    // ---------------------------------------------------------------- batches

    private sealed class BatchRun
    {
        public BatchRun(IReadOnlyList<NetworkDecl> decls) => Decls = decls;

        public IReadOnlyList<NetworkDecl> Decls { get; }
        public GeneratorHarness.Result? Result { get; set; }
        public Exception? Crash { get; set; }
        public ImmutableArray<Diagnostic> CompileDiagnostics { get; set; } = ImmutableArray<Diagnostic>.Empty;
        public byte[]? Assembly { get; set; }
        public TimeSpan GeneratorTime { get; set; }
        public TimeSpan EmitTime { get; set; }

        /// <summary>The generator's diagnostics on this declaration (its network and its block).</summary>
        public List<Diagnostic> Diagnostics(NetworkDecl decl) =>
            Result is null ? new List<Diagnostic>() : Result.GeneratorDiagnostics.Where(d => d.Location.GetLineSpan().Path == decl.Path).ToList();

        /// <summary>No generator error and a generated network.</summary>
        public bool Accepted(NetworkDecl decl) =>
            Result is not null && !Diagnostics(decl).Any(d => d.Severity == DiagnosticSeverity.Error) && Result.Sources.ContainsKey(decl.HintName);
    }

    private static IReadOnlyList<BatchRun> Runs() => s_runs.Value;

    /// <summary>
    /// Generates every declaration, runs the generator once per batch (one syntax tree per declaration), and emits the
    /// output compilation of each batch to one in-memory assembly.
    /// </summary>
    private static IReadOnlyList<BatchRun> RunBatches()
    {
        var decls = Enumerable.Range(FirstSeed, Declarations).Select(RandomNetworks.Create)
            .Concat(Enumerable.Range(FirstSeed, WindowEdgeDeclarations).Select(RandomNetworks.CreateWindowEdge)).ToList();
        var runs = new List<BatchRun>();
        for (int i = 0; i < decls.Count; i += BatchSize)
        {
            var run = new BatchRun(decls.Skip(i).Take(BatchSize).ToList());
            runs.Add(run);
            try
            {
                var clock = Stopwatch.StartNew();
                run.Result = GeneratorHarness.Run(GeneratorHarness.Compile(run.Decls.Select(d => (d.Source, d.Path)).ToArray()));
                run.GeneratorTime = clock.Elapsed;
                using var stream = new MemoryStream();
                var emit = run.Result.Output.Emit(stream);
                run.EmitTime = clock.Elapsed - run.GeneratorTime;
                run.CompileDiagnostics = emit.Diagnostics;
                if (emit.Success) run.Assembly = stream.ToArray();
            }
            catch (Exception e)
            {
                run.Crash = e;
            }
        }
        return runs;
    }

    /// <summary>The declaration a compile diagnostic belongs to: by its input file or by the namespace of the generated file.</summary>
    private static NetworkDecl? Owner(BatchRun run, Diagnostic diagnostic)
    {
        var path = diagnostic.Location.GetLineSpan().Path;
        if (string.IsNullOrEmpty(path)) return null;
        string file = Path.GetFileName(path);
        return run.Decls.FirstOrDefault(d => path == d.Path || file.StartsWith(d.Namespace + ".", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- summary strings

    /// <summary>"H must be a multiple of 4", "W must be at least 12" → per axis (multiple, minimum).</summary>
    private static Dictionary<char, (long Multiple, long Min)> ParseConstraints(IReadOnlyList<string> constraints)
    {
        var result = new Dictionary<char, (long Multiple, long Min)>();
        foreach (var text in constraints)
        {
            var m = Regex.Match(text, @"^([HW]) must be (a multiple of|at least) (\d+)$");
            if (!m.Success) throw new FormatException($"unknown constraint '{text}'");
            char axis = m.Groups[1].Value[0];
            long n = long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            var (multiple, min) = result.GetValueOrDefault(axis, (1, 1));
            result[axis] = m.Groups[2].Value == "at least" ? (multiple, n) : (n, min);
        }
        return result;
    }

    /// <summary>The fixed size, or a small size meeting the constraints: at least the minimum, a multiple of the modulus.</summary>
    private static long ChooseSize(int fixedSize, (long Multiple, long Min) constraint, Random random)
    {
        if (fixedSize > 0) return fixedSize;
        var (multiple, min) = constraint.Multiple == 0 ? (1L, 1L) : constraint;
        long size = Math.Max(min, random.Next(1, 17));
        return (size + multiple - 1) / multiple * multiple;
    }

    // ---------------------------------------------------------------- reporting

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text.Substring(0, newline);
    }

    private static string Describe(NetworkDecl decl, string problem) =>
        $"seed {decl.Seed} (RandomNetworks.{(decl.Name.StartsWith("Edge", StringComparison.Ordinal) ? "CreateWindowEdge" : "Create")}({decl.Seed})): {problem}\n{decl.Source}";

    private void AssertNoFailures(List<string> failures, int checkedCount)
    {
        foreach (var f in failures) _output.WriteLine(f + "\n");
        var sb = new StringBuilder();
        sb.AppendLine($"{failures.Count} failure(s) among {checkedCount} declarations; the first {Math.Min(ShownFailures, failures.Count)}:");
        foreach (var f in failures.Take(ShownFailures)) sb.AppendLine(f);
        Assert.True(failures.Count == 0, sb.ToString());
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Fuzz;

/// <summary>What a fuzz run saw.</summary>
public sealed class FuzzReport
{
    public FuzzOptions Options { get; init; } = new();
    public int Declarations { get; set; }
    public int Accepted { get; set; }
    public int Rejected { get; set; }
    public int GeneratorExceptions { get; set; }
    public int InternalErrors { get; set; }
    public int CompileErrors { get; set; }
    public int Timeouts { get; set; }
    public int TorchChecked { get; set; }
    public int TorchSkipped { get; set; }
    public int Batches { get; set; }
    public TimeSpan GeneratorTime { get; set; }
    public TimeSpan CompileTime { get; set; }
    public TimeSpan TorchTime { get; set; }
    public TimeSpan SlowestBatchPerDeclaration { get; set; }
    public SortedDictionary<string, int> ErrorIds { get; } = new(StringComparer.Ordinal);
    /// <summary>Feature (attribute name, "symbolic size", "extreme int", ...) → declarations using it, and accepted ones.</summary>
    public SortedDictionary<string, (int All, int Accepted)> Features { get; } = new(StringComparer.Ordinal);
    public List<string> Failures { get; } = new();
    /// <summary>Feature → networks run in TorchSharp that use it (the sample covers the layer kinds, not only plain convs).</summary>
    public SortedDictionary<string, int> TorchFeatures { get; } = new(StringComparer.Ordinal);

    public string Summary() =>
        $"NetDsl fuzz: seed {Options.Seed}, {Declarations} declarations (seeds {Options.Seed}..{Options.Seed + Declarations - 1}) in {Batches} batches ({Accepted} accepted, {Rejected} rejected); " +
        $"generator exceptions {GeneratorExceptions}, NDSL0019 {InternalErrors}, generated-code compile errors {CompileErrors}, timeouts {Timeouts}; " +
        $"TorchSharp checks {TorchChecked} (skipped {TorchSkipped}); failures {Failures.Count}; " +
        $"time: generator {GeneratorTime.TotalSeconds:0.0} s, compile {CompileTime.TotalSeconds:0.0} s, TorchSharp {TorchTime.TotalSeconds:0.0} s, " +
        $"slowest batch {SlowestBatchPerDeclaration.TotalMilliseconds:0.0} ms per declaration; known-defect classes on: {Options.KnownDefects}";
}

/// <summary>
/// Runs <see cref="DeclarationFuzzer"/> declarations through the generator in batches (one syntax tree and namespace per
/// declaration, one generator run and one compilation per batch) and checks: no generator exception, no NDSL0019, no C#
/// error in the output that belongs to a declaration (by file, or by the generated file's namespace), every generator run
/// within its time limit (cancelled and retried per declaration when not), and for a sample of accepted networks that
/// TorchSharp's output shape and parameter count equal the compile-time summary's.
/// </summary>
public static class FuzzRunner
{
    private const long MaxSampleParams = 300_000;
    private const long MaxSampleSize = 64;
    private const double MaxSampleElements = 1 << 22;

    public static FuzzReport Run(FuzzOptions options)
    {
        var report = new FuzzReport { Options = options };
        int batches = (options.Count + options.BatchSize - 1) / options.BatchSize;
        // TorchSharp samples from every second batch (only those are emitted to an assembly), spread over the batches the budget allows.
        int expected = Math.Min(batches, Math.Max(1, (options.MinimumCount + options.BatchSize - 1) / options.BatchSize));
        int perBatch = Math.Max(2, options.TorchSamples / Math.Max(1, (expected + 1) / 2));
        var clock = Stopwatch.StartNew();
        for (int b = 0; b < batches; b++)
        {
            if (report.Declarations >= options.MinimumCount && clock.Elapsed > options.TimeBudget) break;
            int first = b * options.BatchSize;
            var decls = Enumerable.Range(first, Math.Min(options.BatchSize, options.Count - first))
                .Select(i => DeclarationFuzzer.Create(options.Seed + i, options)).ToList();
            RunBatch(decls, options, report, b % 2 == 0 && report.TorchChecked < options.TorchSamples ? Math.Min(perBatch, options.TorchSamples - report.TorchChecked) : 0);
            report.Batches++;
        }
        return report;
    }

    private static CSharpCompilation Compile(IReadOnlyList<FuzzDecl> decls) => GeneratorHarness.Compile(decls.Select(d => (d.Source, d.Path)).ToArray());

    private sealed record GeneratorRun(Compilation Output, ImmutableArray<Diagnostic> Diagnostics, Exception? Exception, TimeSpan Time);

    /// <summary>One generator run with the fail-safe: cancelled at the limit, abandoned (and reported) if it does not stop.</summary>
    private static GeneratorRun? RunGenerator(CSharpCompilation compilation, TimeSpan limit)
    {
        var driver = CSharpGeneratorDriver.Create(new[] { new NetDslGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions);
        using var cts = new CancellationTokenSource(limit);
        var clock = Stopwatch.StartNew();
        var task = Task.Run(() =>
        {
            var d = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics, cts.Token);
            var exception = d.GetRunResult().Results.Select(r => r.Exception).FirstOrDefault(e => e is not null);
            return new GeneratorRun(output, diagnostics, exception, clock.Elapsed);
        });
        try
        {
            // A generator that honours the token stops soon after the limit; one that does not is left behind.
            return task.Wait(limit + TimeSpan.FromSeconds(2)) ? task.Result : null;
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException)
        {
            return null;
        }
    }

    private static void RunBatch(List<FuzzDecl> decls, FuzzOptions options, FuzzReport report, int samples)
    {
        var compilation = Compile(decls);
        // The batch's limit: the per-declaration limit for each, but at most a minute (a batch takes seconds), so a hang is found soon.
        var limit = TimeSpan.FromTicks(Math.Min(options.PerDeclarationLimit.Ticks * decls.Count, TimeSpan.FromMinutes(1).Ticks));
        var run = RunGenerator(compilation, limit);
        if (run is null)
        {
            // Find the slow ones: each declaration alone, with its own limit.
            foreach (var decl in decls)
            {
                var alone = RunGenerator(Compile(new[] { decl }), options.PerDeclarationLimit);
                if (alone is null)
                {
                    report.Timeouts++;
                    report.Failures.Add(Describe(decl, $"the generator did not finish within {options.PerDeclarationLimit.TotalSeconds:0.#} s"));
                }
            }
            report.Declarations += decls.Count;
            return;
        }
        report.GeneratorTime += run.Time;
        var perDecl = TimeSpan.FromTicks(run.Time.Ticks / Math.Max(1, decls.Count));
        if (perDecl > report.SlowestBatchPerDeclaration) report.SlowestBatchPerDeclaration = perDecl;

        if (run.Exception is not null || run.Diagnostics.Any(d => d.Id is "CS8784" or "CS8785"))
        {
            // One declaration's exception costs the whole batch its output: find it.
            foreach (var decl in decls)
            {
                var alone = RunGenerator(Compile(new[] { decl }), options.PerDeclarationLimit);
                if (alone is not null && (alone.Exception is not null || alone.Diagnostics.Any(d => d.Id is "CS8784" or "CS8785")))
                {
                    report.GeneratorExceptions++;
                    report.Failures.Add(Describe(decl, "the generator threw: " + (alone.Exception?.ToString() ?? alone.Diagnostics.First(d => d.Id is "CS8784" or "CS8785").ToString())));
                }
            }
            report.Declarations += decls.Count;
            return;
        }

        var clock = Stopwatch.StartNew();
        var outputErrors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        ImmutableArray<Diagnostic>? ownErrors = null;
        report.CompileTime += clock.Elapsed;
        var generated = run.Output.SyntaxTrees.Select(t => Path.GetFileName(t.FilePath)).ToHashSet(StringComparer.Ordinal);

        var accepted = new List<FuzzDecl>();
        foreach (var decl in decls)
        {
            report.Declarations++;
            var diagnostics = run.Diagnostics.Where(d => d.Location.SourceTree?.FilePath == decl.Path).ToList();
            var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            foreach (var id in errors.Select(e => e.Id).Distinct()) report.ErrorIds[id] = report.ErrorIds.GetValueOrDefault(id) + 1;
            bool isAccepted = errors.Count == 0 && generated.Contains(decl.NetworkHint);
            if (isAccepted) { report.Accepted++; accepted.Add(decl); }
            else report.Rejected++;
            foreach (var f in decl.Features)
            {
                var (all, ok) = report.Features.GetValueOrDefault(f);
                report.Features[f] = (all + 1, ok + (isAccepted ? 1 : 0));
            }

            foreach (var d in errors.Where(d => d.Id == "NDSL0019"))
            {
                report.InternalErrors++;
                report.Failures.Add(Describe(decl, "internal generator error " + d));
            }
            if (errors.Count > 0 && generated.Contains(decl.NetworkHint))
                report.Failures.Add(Describe(decl, "the network was generated despite errors: " + string.Join("; ", errors)));

            var mine = outputErrors.Where(d => Owner(d, decl)).ToList();
            if (mine.Count > 0)
            {
                // Errors of the user's own code (a fuzz bug) are not the generator's; everything else is.
                ownErrors ??= compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
                var own = ownErrors.Value.Where(d => d.Location.SourceTree?.FilePath == decl.Path).Select(d => d.ToString()).ToHashSet(StringComparer.Ordinal);
                var caused = mine.Where(d => !own.Contains(d.ToString())).ToList();
                if (own.Count > 0) report.Failures.Add(Describe(decl, "the fuzz wrote C# that does not compile on its own: " + string.Join("; ", own.Take(3))));
                if (caused.Count > 0)
                {
                    report.CompileErrors++;
                    report.Failures.Add(Describe(decl, $"the output does not compile ({caused.Count} errors): " + string.Join("\n  ", caused.Take(4))));
                }
            }
        }
        foreach (var d in outputErrors.Where(d => !decls.Any(x => Owner(d, x))).Take(3))
            report.Failures.Add("a compile error of no declaration: " + d);

        if (samples > 0 && accepted.Count > 0 && outputErrors.Count == 0) CheckInTorchSharp(run.Output, accepted, samples, report);
    }

    private static bool Owner(Diagnostic d, FuzzDecl decl)
    {
        var path = d.Location.SourceTree?.FilePath;
        if (string.IsNullOrEmpty(path)) return false;
        return path == decl.Path || Path.GetFileName(path).StartsWith(decl.Namespace + ".", StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ TorchSharp

    private static void CheckInTorchSharp(Compilation output, List<FuzzDecl> accepted, int samples, FuzzReport report)
    {
        var clock = Stopwatch.StartNew();
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        if (!emit.Success)
        {
            report.Failures.Add("a batch without compile errors does not emit: " + string.Join("; ", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3)));
            return;
        }
        torch.set_num_threads(1);
        var context = new SummaryShapes.BatchLoadContext("Fuzz" + accepted[0].Seed);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(stream.ToArray()));
            int done = 0;
            foreach (var decl in accepted)
            {
                if (done >= samples) break;
                var type = assembly.GetType(decl.Namespace + ".Net");
                if (type is null) { report.Failures.Add(Describe(decl, "accepted, but the assembly has no type Net")); continue; }
                var summary = (NetworkSummary)type.GetProperty("Summary")!.GetValue(null)!;
                long h = SampleSize(summary.FixedHeight, summary.HeightMultiple, summary.HeightPeriod, summary.MinHeight);
                long w = SampleSize(summary.FixedWidth, summary.WidthMultiple, summary.WidthPeriod, summary.MinWidth);
                int channels = int.Parse(summary.Input.Trim('[', ']').Split(", ")[1], System.Globalization.CultureInfo.InvariantCulture);
                if (summary.TotalParams > MaxSampleParams || h > MaxSampleSize || w > MaxSampleSize || h < 1 || w < 1 || channels > 64 || summary.Output.Contains('?'))
                {
                    report.TorchSkipped++;
                    continue;
                }
                List<long?> expected;
                try { expected = SummaryShapes.Evaluate(summary.Output, h, w); }
                catch (FormatException) { report.TorchSkipped++; continue; }
                // A symbolic network may be valid and still need terabytes at the sample size (a padding of 2^31 - 2): skip those.
                if (LargestActivation(summary, h, w) > MaxSampleElements) { report.TorchSkipped++; continue; }
                done++;
                report.TorchChecked++;
                foreach (var f in decl.Features) report.TorchFeatures[f] = report.TorchFeatures.GetValueOrDefault(f) + 1;
                try
                {
                    using var scope = NewDisposeScope();
                    using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
                    net.eval();
                    using var noGrad = no_grad();
                    var actual = net.call(randn(2, channels, h, w)).shape;
                    if (!SummaryShapes.Matches(expected, actual))
                        report.Failures.Add(Describe(decl, $"at {h}x{w} TorchSharp gives [{string.Join(", ", actual)}], the summary says {summary.Output}"));
                    long parameters = net.parameters().Sum(p => p.numel());
                    if (parameters != summary.TotalParams)
                        report.Failures.Add(Describe(decl, $"TorchSharp counts {parameters} parameters, the summary {summary.TotalParams}"));
                }
                catch (Exception e)
                {
                    var inner = e is System.Reflection.TargetInvocationException { InnerException: { } i } ? i : e;
                    report.Failures.Add(Describe(decl, $"accepted, but at {h}x{w} TorchSharp throws {inner.GetType().Name}: {inner.Message.Split('\n')[0]}"));
                }
            }
        }
        finally
        {
            context.Unload();
            report.TorchTime += clock.Elapsed;
        }
    }

    /// <summary>The most elements of one sample any row of the summary outputs at h x w (unparsable rows count as too large).</summary>
    private static double LargestActivation(NetworkSummary summary, long h, long w)
    {
        double largest = 0;
        foreach (var row in summary.Rows)
        {
            try
            {
                var dims = SummaryShapes.Evaluate(row.OutputShape, h, w);
                double elements = dims.Skip(1).Aggregate(1.0, (n, d) => n * (d ?? 1));
                largest = Math.Max(largest, elements);
            }
            catch (FormatException) { return double.PositiveInfinity; }
        }
        return largest;
    }

    /// <summary>The fixed size, or the smallest multiple of the period (where the summary's symbolic shape is exact) at or above the minimum and 8.</summary>
    private static long SampleSize(int fixedSize, long multiple, long period, long min)
    {
        if (fixedSize > 0) return fixedSize;
        long step = Lcm(Math.Max(1, multiple), Math.Max(1, period));
        long floor = Math.Max(Math.Max(min, 8), 1);
        return step > MaxSampleSize ? long.MaxValue : (floor + step - 1) / step * step;
    }

    private static long Lcm(long a, long b)
    {
        long x = a, y = b;
        while (y != 0) (x, y) = (y, x % y);
        return a / x * b;
    }

    public static string Describe(FuzzDecl decl, string problem) =>
        $"seed {decl.Seed} (DeclarationFuzzer.Create({decl.Seed}, options)): {problem}\n{decl.Source}";
}

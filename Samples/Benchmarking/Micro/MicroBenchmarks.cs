using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using TorchSharp;

namespace NetDsl.Samples.Benchmarking.Micro;

/// <summary>One BenchmarkDotNet case: its class, method, parameters, mean and the ratio of means against its baseline.</summary>
public sealed record MicroResult(string Benchmark, string Method, string Parameters, double MeanMs, double StdErrMs, double? Ratio, bool Baseline);

/// <summary>
/// `bench micro`: the wavelet kernels' micro-benchmarks with BenchmarkDotNet (Micro/MicroBenchmarkCases.cs), run in
/// this process. Unlike the interleaved paired timings of the other suites, BenchmarkDotNet runs each case alone
/// (pilot, warm-up, measured iterations, outliers removed) and gives its mean with a standard error; the ratios here are
/// ratios of those means against the baseline of the same class and parameters.
/// </summary>
public static class MicroBenchmarks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The benchmark classes, in document order.</summary>
    public static readonly Type[] Cases =
    {
        typeof(HaarForwardBenchmark), typeof(HaarInverseBenchmark), typeof(WTConvBenchmark), typeof(HwdBenchmark),
    };

    /// <summary>Runs every case (one dry invocation each with --quick) and returns the document section, or null on a failed case.</summary>
    public static string? Run(BenchOptions options, string command)
    {
        string loadBefore = BenchDocument.LoadAverage();
        var job = options.Quick
            ? Job.Dry
            : Job.Default.WithWarmupCount(options.Warmup).WithIterationCount(Math.Max(5, options.Rounds * 2))
                .WithIterationTime(TimeInterval.FromMilliseconds(250));
        var config = ManualConfig.CreateEmpty()
            .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance).WithId(options.Quick ? "Dry" : "Micro"))
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithOptions(ConfigOptions.DisableLogFile)
            .WithArtifactsPath(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netdsl-bdn"));
        var summaries = BenchmarkRunner.Run(Cases, config);
        var results = new List<MicroResult>();
        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success))
            {
                Console.Error.WriteLine($"bench micro: a case failed ({summary.Title}); see the log above.");
                return null;
            }
            results.AddRange(Results(summary));
        }
        return Format(results, BenchDocument.Machine(loadBefore), command, options.Quick);
    }

    /// <summary>One result per report; the ratio is the case's mean over the mean of its class's baseline with the same parameters.</summary>
    public static IEnumerable<MicroResult> Results(Summary summary)
    {
        foreach (var report in summary.Reports)
        {
            var bc = report.BenchmarkCase;
            string parameters = bc.Parameters.DisplayInfo;
            var baseline = summary.Reports.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Type == bc.Descriptor.Type
                && r.BenchmarkCase.Descriptor.Baseline && r.BenchmarkCase.Parameters.DisplayInfo == parameters);
            double mean = report.ResultStatistics!.Mean / 1e6, se = report.ResultStatistics.StandardError / 1e6;
            double? ratio = baseline?.ResultStatistics is { } b ? mean / (b.Mean / 1e6) : null;
            yield return new MicroResult(bc.Descriptor.Type.Name, bc.Descriptor.WorkloadMethodDisplayInfo, parameters, mean, se, ratio,
                bc.Descriptor.Baseline);
        }
    }

    /// <summary>The document section for <paramref name="results"/>.</summary>
    public static string Format(IReadOnlyList<MicroResult> results, MachineInfo machine, string command, bool quick)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Micro-benchmarks (BenchmarkDotNet): Haar, WTConv2d, HWD");
        sb.AppendLine();
        sb.AppendLine("```bash");
        sb.AppendLine(command);
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("BenchmarkDotNet 0.15 in process (`Samples/Benchmarking/Micro/`), beside the interleaved paired timings of the");
        sb.AppendLine("`wavelets` suite: each case is run alone (pilot, warm-up, measured iterations of about 250 ms, outliers removed);");
        sb.AppendLine("*mean* and its standard error are BenchmarkDotNet's, *ratio* is the case's mean over its baseline's (same class,");
        sb.AppendLine("same parameters). Each case's setup first checks that the computations it compares agree (max |a − b| ≤ 1e-5).");
        if (quick) sb.AppendLine("This was a `--quick` run: one dry invocation per case, so the times are not measurements.");
        sb.AppendLine();
        sb.AppendLine("### Machine");
        sb.AppendLine();
        sb.Append(BenchDocument.FormatMachine(machine));
        sb.AppendLine();
        sb.AppendLine("### Results");
        sb.AppendLine();
        sb.AppendLine("| benchmark | parameters | case | mean ms | ± s.e. | ratio to baseline |");
        sb.AppendLine("|---|---|---|---:|---:|---:|");
        foreach (var r in results)
            sb.AppendLine($"| {r.Benchmark} | {r.Parameters} | {r.Method}{(r.Baseline ? " (baseline)" : "")} | {PairedTiming.Ms(r.MeanMs)} | " +
                $"{PairedTiming.Ms(r.StdErrMs)} | {(r.Ratio is { } x ? x.ToString("0.00", Inv) : "—")} |");
        if (BenchDocument.LoadCaveat(machine) is { } caveat)
        {
            sb.AppendLine();
            sb.AppendLine(caveat);
        }
        return sb.ToString();
    }
}

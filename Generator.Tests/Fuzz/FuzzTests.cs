using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Generator.Tests.Fuzz;

/// <summary>
/// The generator fuzz: random declarations (<see cref="DeclarationFuzzer"/>) in batches of 125, as many as fit in a 30 s
/// budget (at least 500; <c>NETDSL_FUZZ_COUNT=10000</c> for a full run), from a seed that rotates daily (<see cref="FuzzOptions"/>). Nothing a user writes may crash, hang or miscompile the generator: no
/// generator exception, no NDSL0019, no C# error in generated code, every run within its time limit, and sampled accepted
/// networks run in TorchSharp with the summary's shape and parameter count. Known-defect classes
/// (Corpus/KnownDefects.md) stay off until fixed. The counts go to the test output and to the console.
/// </summary>
public class FuzzTests
{
    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Random_declarations_never_crash_hang_or_miscompile_the_generator()
    {
        var options = FuzzOptions.Default;
        var report = FuzzRunner.Run(options);

        var summary = report.Summary();
        _output.WriteLine(summary);
        _output.WriteLine("errors reported: " + string.Join(", ", report.ErrorIds.Select(e => $"{e.Key} x{e.Value}")));
        _output.WriteLine("features (declarations / accepted): " + string.Join(", ", report.Features.Select(f => $"{f.Key} {f.Value.All}/{f.Value.Accepted}")));
        // On the console with `--logger "console;verbosity=normal"`, and after a plain `dotnet test` (Generator.Tests.csproj prints the file).
        Console.Error.WriteLine(summary);
        System.IO.File.WriteAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "fuzz-summary.txt"), summary + Environment.NewLine);
        foreach (var f in report.Failures.Take(20)) _output.WriteLine(f + "\n");
        // NETDSL_FUZZ_REPORT=<file> writes every failure (with its declaration) for triage.
        if (Environment.GetEnvironmentVariable("NETDSL_FUZZ_REPORT") is { Length: > 0 } file)
            System.IO.File.WriteAllText(file, summary + "\n\n" + string.Join("\n\n", report.Failures));

        Assert.True(report.Declarations >= Math.Min(options.Count, options.MinimumCount), $"only {report.Declarations} declarations ran");
        Assert.True(report.Failures.Count == 0,
            $"{report.Failures.Count} failure(s); the first {Math.Min(3, report.Failures.Count)}:\n" + string.Join("\n", report.Failures.Take(3)) + "\n" + summary);

        // The mix stays useful: both outcomes common, every attribute in play, also in accepted declarations, extreme numbers present.
        double fraction = report.Accepted / (double)report.Declarations;
        Assert.InRange(fraction, 0.15, 0.85);
        var attributes = typeof(NetDsl.Stage).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && typeof(Attribute).IsAssignableFrom(t) && t.Name.EndsWith("Attribute", StringComparison.Ordinal))
            .Select(t => t.Name.Substring(0, t.Name.Length - "Attribute".Length))
            .Where(a => a is not ("Network" or "Block" or "Param"))
            .ToList();
        var unused = attributes.Where(a => report.Features.GetValueOrDefault(a).All < 5).ToList();
        Assert.True(unused.Count == 0, "fewer than 5 declarations use [" + string.Join("], [", unused) + "]");
        // In a slice of a few hundred declarations an attribute may be in rejected ones only; most must be in accepted ones.
        var neverAccepted = attributes.Where(a => report.Features.GetValueOrDefault(a).Accepted == 0).ToList();
        _output.WriteLine("attributes only in rejected declarations: " + string.Join(", ", neverAccepted));
        Assert.True(neverAccepted.Count <= attributes.Count / 5, "no accepted declaration uses [" + string.Join("], [", neverAccepted) + "]");
        // The run is time-boxed: on a loaded machine fewer declarations run, so a feature's floor follows their number
        // (20 from 800 declarations on, as on an idle CI machine).
        int floor = Math.Min(20, Math.Max(3, report.Declarations / 40));
        foreach (var feature in new[] { "extreme int", "extreme double", "symbolic size", "block", "Dilate", "octave run", "octave block",
                     "channels-last run", "squeeze-excitation", "ConvNeXt block", "dense layer", "From.Input", "EarlierFirst", "named branches", "Names" })
            Assert.True(report.Features.GetValueOrDefault(feature).All >= floor, $"only {report.Features.GetValueOrDefault(feature).All} declarations of {report.Declarations} with {feature}");
        Assert.True(report.TorchChecked >= Math.Min(20, options.TorchSamples), $"only {report.TorchChecked} accepted networks ran in TorchSharp");
        _output.WriteLine("features of the networks run in TorchSharp: " + string.Join(", ", report.TorchFeatures.Select(f => $"{f.Key} {f.Value}")));
        // Today's layers reach TorchSharp too: their shapes and parameter counts (LayerNorm, GroupNorm, Scale...) are compared with the summary's.
        var modern = new[] { "Permute", "LayerNorm", "LayerNorm2d", "GroupNorm", "Scale", "StochasticDepth", "Mul", "Hardswish", "Hardsigmoid" };
        int modernChecked = modern.Sum(f => report.TorchFeatures.GetValueOrDefault(f));
        Assert.True(modernChecked >= Math.Min(5, options.TorchSamples / 4), $"only {modernChecked} uses of [{string.Join("], [", modern)}] in the networks run in TorchSharp");
    }
}

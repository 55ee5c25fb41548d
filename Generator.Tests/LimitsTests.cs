using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// Every analysis is bounded by the declaration's size, never by the magnitude of its numbers, and every count is checked:
/// the gridding check on huge dilations, the residue scan of symbolic sizes, int-range values, 64-bit totals.
/// </summary>
public class LimitsTests
{
    /// <summary>The reach of a stack by enumeration, the way the check used to compute it (small rates only).</summary>
    private static (long Extent, long Holes, long[] First) BruteForce(long k, long[] rates)
    {
        long half = (k - 1) / 2;
        var reach = new HashSet<long> { 0 };
        foreach (var d in rates)
        {
            var next = new HashSet<long>();
            foreach (var o in reach)
                for (long t = -half; t <= half; t++) next.Add(o + t * d);
            reach = next;
        }
        long extent = reach.Max();
        var holes = Enumerable.Range(1, (int)extent).Select(o => (long)o).Where(o => !reach.Contains(o)).ToArray();
        return (extent, holes.Length, holes.Take(6).ToArray());
    }

    [Fact]
    public void The_interval_reach_equals_the_enumeration_on_random_stacks()
    {
        var random = new Random(31);
        for (int n = 0; n < 500; n++)
        {
            long k = new[] { 3, 5, 7 }[random.Next(3)];
            var rates = Enumerable.Range(0, random.Next(2, 6)).Select(_ => (long)random.Next(1, 13)).ToArray();
            var expected = BruteForce(k, rates);
            var reach = GriddingReach.Analyse(k, rates);
            Assert.NotNull(reach);
            string what = $"k = {k}, rates {string.Join(", ", rates)}";
            Assert.True(expected.Extent == reach!.Extent, what);
            Assert.True(expected.Holes == reach.Holes, what + $": {expected.Holes} holes, got {reach.Holes}");
            Assert.True(expected.First.SequenceEqual(reach.FirstHoles), what + $": holes {string.Join(", ", expected.First)}, got {string.Join(", ", reach.FirstHoles)}");
        }
    }

    [Fact]
    public void The_reach_of_huge_rates_is_computed_in_work_bounded_by_the_layers()
    {
        const long d = int.MaxValue;
        var reach = GriddingReach.Analyse(3, new[] { d, d, d, d })!;
        Assert.Equal(4 * d, reach.Extent);
        Assert.Equal(4 * d - 4, reach.Holes);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, reach.FirstHoles);
        Assert.True(reach.Work <= 5, $"work {reach.Work}");
        // Coprime huge rates: still a handful of intervals per layer.
        var coprime = GriddingReach.Analyse(3, new[] { d, d - 1, 1, 2 })!;
        Assert.True(coprime.Work < 100, $"work {coprime.Work}");
        Assert.True(coprime.Holes > 0);
        // A kernel as large as the rate: the copies are counted, not enumerated one by one past the bound.
        Assert.Null(GriddingReach.Analyse(int.MaxValue, new[] { 2L, 3L }));
    }

    private const string HugeDilation = """
        using NetDsl;

        [Network(InChannels = 3)]
        public partial class Net
        {
            [Conv(8, Kernel = 3, Dilation = 2147483647, Padding = 2147483647)] Stage conv1;
            [Conv(8, Kernel = 3, Dilation = 2147483647, Padding = 2147483647)] Stage conv2;
            [Conv(8, Kernel = 3, Dilation = 2147483647, Padding = 2147483647)] Stage conv3;
            [Conv(8, Kernel = 3, Dilation = 2147483647, Padding = 2147483647)] Stage conv4;
        }
        """;

    [Fact]
    public void Stacked_dilations_of_two_to_the_31_generate_and_report_their_gridding()
    {
        // A fail-safe, not a speed assert: the enumeration this replaces took minutes and 14 GB here.
        var run = Task.Run(() => GeneratorHarness.Run(HugeDilation));
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "generation did not finish");
        var result = run.Result;
        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("NDSL0031", d.Id);
        var message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        long holes = 2 * (4L * int.MaxValue - 4), offsets = 2 * 4L * int.MaxValue + 1;
        Assert.Contains($"never look at {holes} of the {offsets} offsets", message);
        Assert.Contains("the rates share the factor 2147483647", message);
        Assert.Contains("Net.g.cs", result.Sources.Keys);
        Assert.Empty(result.CompilationDiagnostics);
    }

    [Fact]
    public void A_symbolic_minimum_beyond_int_sizes_keeps_its_period_instead_of_checking_residues()
    {
        // The pooling makes the period 2; the residue check would run fixed-size inference at sizes past int.MaxValue
        // (the minimum here is about 1.7e10), so it is skipped: the input keeps its multiple of 2.
        var source = HugeDilation.Replace(", Padding = 2147483647", "").Replace("Stage conv4;", "Stage conv4;\n    [MaxPool(2, Stride = 2)] Stage pool;");
        var run = Task.Run(() => GeneratorHarness.Run(source));
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "generation did not finish");
        var d = Assert.Single(run.Result.GeneratorDiagnostics);
        Assert.Equal("NDSL0031", d.Id);
        var net = run.Result.Sources["Net.g.cs"];
        Assert.Contains("heightMultiple: 2L, minHeight: 17179869178L", net);
    }

    [Fact]
    public void A_block_expression_floors_at_compile_time_and_in_the_emitted_code()
    {
        // "(0 - c) / 3 + 4" with c = 7: Python gives -7 // 3 + 4 = 1 channel (C#'s '/' would give 2).
        var result = GeneratorHarness.Run("""
            using NetDsl;

            [Block]
            public partial class Odd
            {
                [Param] int c;
                [Conv("(0 - c) / 3 + 4", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 4, Width = 4)]
            public partial class Net
            {
                [Use(typeof(Odd), 7)] Stage odd;
                [Conv(2, Kernel = 1, In = 1)] Stage next;
            }
            """);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        Assert.Contains("nn.Conv2d(in_channels, global::NetDsl.PyMath.FloorDiv(-c, 3) + 4, kernel_size: 1)", result.Sources["Odd.g.cs"]);
        Assert.Equal(1, PyMath.FloorDiv(-7, 3) + 4);
    }

    [Fact]
    public void The_generated_network_builds_the_channels_the_summary_shows_for_a_negative_floor_division()
    {
        // The same block run through TorchSharp: the block's conv has FloorDiv(-7, 3) + 4 = 1 output channel, so the next
        // conv (In = 1) accepts it; with C#'s truncating '/' it had 2 and the network failed at its first call.
        var result = GeneratorHarness.Run("""
            using NetDsl;

            namespace Floors;

            [Block]
            public partial class Odd
            {
                [Param] int c;
                [Conv("(0 - c) / 3 + 4", Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 3, Height = 4, Width = 4)]
            public partial class Net
            {
                [Use(typeof(Odd), 7)] Stage odd;
                [Conv(2, Kernel = 1, In = 1)] Stage next;
            }
            """);
        using var stream = new System.IO.MemoryStream();
        var emit = result.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var context = new DilationRewriteTests.LoadContext();
        try
        {
            var type = context.LoadFromStream(new System.IO.MemoryStream(stream.ToArray())).GetType("Floors.Net")!;
            var summary = (NetworkSummary)type.GetProperty("Summary")!.GetValue(null)!;
            Assert.Equal("[N, 1, 4, 4]", summary.Rows.Single(r => r.Path == "odd").OutputShape);
            using var net = (TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)Activator.CreateInstance(type)!;
            using var output = net.call(TorchSharp.torch.randn(1, 3, 4, 4));
            Assert.Equal(new long[] { 1, 2, 4, 4 }, output.shape);
            var conv = net.named_modules().Single(m => m.name == "odd.conv").module;
            Assert.Equal(new long[] { 1, 3, 1, 1 }, ((TorchSharp.Modules.Conv2d)conv).weight!.shape);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void A_pyramid_with_int_max_filters_is_a_located_error_not_a_long_literal()
    {
        // 16 + 2 * (2^31 - 1) channels: the next block's int in_channels used to get the long literal 4294967310 (CS1503).
        var marked = MarkedSource.Parse("""
            using NetDsl;

            [Network(InChannels = 16, Height = 8, Width = 8)]
            public partial class Net
            {
                [[|DSPP(Filters = int.MaxValue, Bins = new[] { 2, 4 })|]] Stage dspp;
                [Use(typeof(Head))] Stage head;
            }

            [Block]
            public partial class Head
            {
                [Conv(4, Kernel = 1)] Stage conv;
            }
            """);
        var result = GeneratorHarness.Run(marked.Source);
        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("NDSL0051", d.Id);
        Assert.Contains(marked.Spans, s => s == d.Location.SourceSpan);
        Assert.Contains("4,294,967,310", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("Net.g.cs", result.Sources.Keys);
        Assert.DoesNotContain(result.Output.GetDiagnostics(), x => x.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    [Fact]
    public void An_argument_whose_value_overflows_is_a_located_expression_error()
    {
        var marked = MarkedSource.Parse("""
            using NetDsl;

            [Block]
            public partial class Huge
            {
                [Param] int c;
                [Conv([|"c * 1000000000 * 1000000000"|], Kernel = 1)] Stage conv;
            }

            [Network(InChannels = 1, Height = 1, Width = 1)]
            public partial class Net
            {
                [Use(typeof(Huge), 10)] Stage huge;
            }
            """);
        var result = GeneratorHarness.Run(marked.Source);
        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("NDSL0015", d.Id);
        Assert.Equal(marked.Spans.Single(), d.Location.SourceSpan);
        Assert.Contains("is about 1e19, which does not fit a 64-bit integer", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_parameter_total_beyond_64_bits_is_reported_with_its_value()
    {
        // Four Linear layers of 2^31 - 1 x 2^31 - 1 weights: 1.8e19 parameters in total (each fits, the sum does not).
        var result = GeneratorHarness.Run("""
            using NetDsl;

            [Network(InChannels = 2147483647, Height = 1, Width = 1)]
            public partial class [|Net|]
            {
                [Flatten] Stage flatten;
                [Linear(2147483647)] Stage fc1;
                [Linear(2147483647)] Stage fc2;
                [Linear(2147483647)] Stage fc3;
                [Linear(2147483647)] Stage fc4;
            }
            """.Replace("[|", "").Replace("|]", ""));
        var d = Assert.Single(result.GeneratorDiagnostics, x => x.Id == "NDSL0050");
        Assert.Contains("1.84e19 parameters", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain("Net.g.cs", result.Sources.Keys);
    }
}

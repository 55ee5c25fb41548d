using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Samples;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The `bench` command's argument parsing and markdown, on made-up numbers (the benchmark itself is not run here).</summary>
public class BenchmarkFormattingTests
{
    [Fact]
    public void Parses_defaults_quick_and_overrides()
    {
        var full = BenchOptions.Parse(Array.Empty<string>());
        Assert.Equal((6, 10, 1000, true), (full.Rounds, full.PerRound, full.MemoryCalls, full.Write));

        var quick = BenchOptions.Parse(new[] { "--quick" });
        Assert.True(quick.Quick);
        Assert.False(quick.Write); // a smoke run never overwrites the recorded results...
        Assert.True(BenchOptions.Parse(new[] { "--quick", "--out", "x.md" }).Write); // ...unless asked to

        var custom = BenchOptions.Parse(new[] { "--rounds", "4", "--per-round", "3", "--memory-calls", "50", "--threads", "2", "--no-write" });
        Assert.Equal((4, 3, 50, 2, false), (custom.Rounds, custom.PerRound, custom.MemoryCalls, custom.Threads, custom.Write));

        Assert.Equal(new[] { "resnet", "wavelets", "octave", "pyramids", "onnx", "pytorch", "micro" }, full.Suites);
        Assert.Equal(new[] { "wavelets" }, BenchOptions.Parse(new[] { "wavelets", "--quick" }).Suites);
        Assert.Equal(new[] { "resnet", "wavelets" }, BenchOptions.Parse(new[] { "wavelets", "resnet" }).Suites); // document order

        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(new[] { "--fast" }));
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(new[] { "resnet50" }));
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(new[] { "--rounds" }));
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(new[] { "--rounds", "0" }));
    }

    [Fact]
    public void Formats_the_ratio_tables_and_the_document()
    {
        var report = new BenchReport(
            new MachineInfo(2, "Test CPU", "Linux", ".NET 10.0.0", "0.107.0", "2.10.0", 2, "3.00 2.00 1.00", "2.50 2.00 1.00", new DateTime(2025, 1, 2, 3, 4, 0, DateTimeKind.Utc)),
            "dotnet run --project Samples -c Release -- bench",
            new BenchOptions(Rounds: 2, PerRound: 2),
            new long[] { 1, 3, 224, 224 }, new long[] { 1, 3, 224, 224 }, 0,
            new TimingResult(new[] { 110.0, 100, 105, 115 }, new[] { 100.0, 100, 100, 100 }, PerRound: 2),
            new MemoryResult("generated", new[]
            {
                new MemoryBlock(500, 500L << 20, 510L << 20, 520L << 20, 1L << 20, 1L << 20, 963, 963),
                new MemoryBlock(500, 505L << 20, 505L << 20, 506L << 20, 1L << 20, 1L << 20, 963, 963),
            }),
            new MemoryResult("hand-written", new[]
            {
                new MemoryBlock(500, 510L << 20, 505L << 20, 515L << 20, 1L << 20, 1L << 20, 963, 963),
                new MemoryBlock(500, 505L << 20, 505L << 20, 505L << 20, 1L << 20, 1L << 20, 963, 963),
            }));

        string tables = Benchmarks.FormatTables(report);
        Assert.Contains("| generated `ResNet50` | 107.5 | 100.0 | 115.0 | 4 |", tables);
        // pair ratios 1.10, 1.00 | 1.05, 1.15: rounds 1.05 and 1.10, overall median 1.075
        Assert.Contains("| **1.075** | 1.050 | 1.100 | 4 pairs |", tables);
        Assert.Contains("Ratio of the two medians above, for comparison: 1.075.", tables);
        Assert.Contains("| generated | 500.0 → 510.0, 505.0 → 505.0 | +10.0 | 520.0 | +0.0 | 963 | +0 |", tables);
        Assert.Contains("| hand-written | 510.0 → 505.0, 505.0 → 505.0 | -5.0 | 515.0 |", tables);
        Assert.Contains("no growth in either", tables);

        string doc = Benchmarks.FormatDocument(report);
        Assert.StartsWith("## ResNet-50: generated vs hand-written", doc);
        Assert.Contains("### Machine", doc);
        Assert.Contains("```bash\ndotnet run --project Samples -c Release -- bench\n```", doc.Replace("\r\n", "\n"));
        Assert.Contains("| cores (`nproc`) | 2 |", doc);
        Assert.Contains("7.5% slower than", doc);
        Assert.Contains("The machine was shared", doc); // load 3.0 on 2 cores
    }

    [Fact]
    public void Growth_ratio_needs_real_growth_on_both_sides()
    {
        Assert.Equal("2.00", Benchmarks.GrowthRatio(200, 100, 10));
        Assert.Equal("n/a (baseline did not grow)", Benchmarks.GrowthRatio(200, -100, 10));
        Assert.Equal("no growth in either", Benchmarks.GrowthRatio(5, 0, 10));
        Assert.Equal(2.5, Benchmarks.Median(new[] { 4.0, 1, 2, 3 }));
    }

    [Fact]
    public void Running_one_suite_rewrites_only_its_section()
    {
        string first = BenchDocument.Merge(null, new Dictionary<string, string> { ["resnet"] = "## ResNet\nold resnet\n", ["wavelets"] = "## Wavelets\nold wavelets\n" });
        Assert.StartsWith("# Benchmarks", first);
        Assert.True(first.IndexOf("<!-- bench:resnet -->", StringComparison.Ordinal) < first.IndexOf("<!-- bench:wavelets -->", StringComparison.Ordinal));

        string second = BenchDocument.Merge(first, new Dictionary<string, string> { ["wavelets"] = "## Wavelets\nnew wavelets\n" });
        Assert.Contains("old resnet", second);
        Assert.Contains("new wavelets", second);
        Assert.DoesNotContain("old wavelets", second);
        Assert.Equal("## ResNet\nold resnet\n", BenchDocument.Sections(second)["resnet"]);
        // Idempotent: merging a section with itself changes nothing.
        Assert.Equal(second, BenchDocument.Merge(second, BenchDocument.Sections(second)));
        // A document from before sections existed has none to keep.
        Assert.Empty(BenchDocument.Sections("# Benchmarks\n\n## Machine\n"));
        Assert.Throws<ArgumentException>(() => BenchDocument.Merge(null, new Dictionary<string, string> { ["mystery"] = "x" }));
    }

    [Fact]
    public void Running_a_suite_keeps_what_follows_the_suite_sections()
    {
        // docs/benchmarks.md ends with the generator's timings, which a test prints and bench does not write.
        string document = BenchDocument.Merge(null, new Dictionary<string, string> { ["resnet"] = "## ResNet\nold\n" }) +
            "\n## Generator: dense blocks\n\n| declaration | median ms |\n";
        string rerun = BenchDocument.Merge(document, new Dictionary<string, string> { ["resnet"] = "## ResNet\nnew\n" });
        Assert.Contains("new", rerun);
        Assert.DoesNotContain("old", rerun);
        Assert.EndsWith("## Generator: dense blocks\n\n| declaration | median ms |\n", rerun);
        Assert.Equal(rerun, BenchDocument.Merge(rerun, BenchDocument.Sections(rerun)));
        Assert.Equal("", BenchDocument.Trailer("# Benchmarks\n\n## Machine\n"));
    }

    [Fact]
    public void Formats_the_wavelet_section_with_targets_and_reasons()
    {
        var machine = new MachineInfo(2, "Test CPU", "Linux", ".NET 10.0.0", "0.107.0", "2.10.0", 2, "0.10 0.20 0.30", "0.10 0.20 0.30", new DateTime(2025, 1, 2, 3, 4, 0, DateTimeKind.Utc));
        var options = new BenchOptions(Rounds: 2, PerRound: 2);
        // conv 40, 30 | 36, 36 ms against fast 10 ms: pair ratios 4, 3 | 3.6, 3.6 -> median 3.6
        var speed = new RatioCase("Haar DWT forward", "[8, 64, 128, 128]", "WTConv grouped conv2d", "Haar fast path", "speed-up (conv / fast)",
            RatioTarget.AtLeast(3), 4.8e-7, 1, new TimingResult(new[] { 40.0, 30, 36, 36 }, new[] { 10.0, 10, 10, 10 }, 2));
        var copy = new RatioCase("Haar DWT forward", "[8, 64, 128, 128]", "Haar fast path", "copy (x.clone())", "fast / copy",
            RatioTarget.AtMost(2), 0, 1, new TimingResult(new[] { 25.0, 25, 25, 25 }, new[] { 10.0, 10, 10, 10 }, 2));
        var hwd = new RatioCase("HWD(64, 64) vs MaxPool2d(2) + 1x1 conv + BN + ReLU", "[8, 64, 64, 64]", "HaarWaveletDownsampling",
            "MaxPool2d(2) + Conv2d(64 → 64, 1x1) + BN + ReLU", "time HWD / max-pool block",
            RatioTarget.None, 0, 1, new TimingResult(new[] { 3.0, 3, 3, 3 }, new[] { 2.0, 2, 2, 2 }, 2));
        var breakdown = new[]
        {
            new OpTiming("Haar fast path, input [8, 64, 128, 128]", "x.clone() (read + write)", 10),
            new OpTiming("Haar fast path, input [8, 64, 128, 128]", "Haar.Forward (whole fast path)", 25),
            new OpTiming("HWD(64, 64), input [8, 64, 64, 64]", "1x1 conv 256 → 64 on the bands", 1.5),
        };
        var report = new WaveletReport(machine, "dotnet run --project Samples -c Release -- bench wavelets", options,
            new[] { speed, copy, hwd }, breakdown, 16576, 0);

        Assert.Equal(3.6, speed.Ratio, 9);
        Assert.True(speed.Met);
        Assert.False(copy.Met);
        Assert.Null(hwd.Met);

        string section = WaveletBenchmarks.FormatSection(report).Replace("\r\n", "\n");
        Assert.StartsWith("## Wavelets", section);
        Assert.Contains("```bash\ndotnet run --project Samples -c Release -- bench wavelets\n```", section);
        Assert.Contains("| **3.60** (3.50 – 3.60) | speed-up (conv / fast) | ≥ 3 | met |", section);
        Assert.Contains("| **2.50** (2.50 – 2.50) | fast / copy | ≤ 2 | **missed** |", section);
        Assert.Contains("Targets: 1 of 2 met. Missed: Haar DWT forward [8, 64, 128, 128], Haar fast path vs copy (x.clone()): 2.50 (target ≤ 2).", section);
        Assert.Contains("Difference: +16,576.", section);
        Assert.Contains("HWD takes 1.50x the time of MaxPool2d(2) + Conv2d(64 → 64, 1x1) + BN + ReLU at the same input and has 16,576 more parameters", section);
        Assert.Contains("so HWD is slower than the block it replaces.", section); // the miss gets its explanation
        Assert.Contains("Fused vs copy (forward [8, 64, 128, 128] 2.50): ", section);
        Assert.Contains("What remains is the kernel's four output streams", section); // the copy target was missed
        Assert.DoesNotContain("The machine was shared", section); // load 0.1 on 2 cores
    }
    [Fact]
    public void Formats_the_octave_section_with_time_and_multiply_add_ratios()
    {
        var machine = new MachineInfo(2, "Test CPU", "Linux", ".NET 10.0.0", "0.107.0", "2.10.0", 2, "0.10 0.20 0.30", "0.10 0.20 0.30", new DateTime(2025, 1, 2, 3, 4, 0, DateTimeKind.Utc));
        var options = BenchOptions.Parse(new[] { "octave" });
        // Time 0.72 of the plain layer for 0.44 of its multiply-adds: (1 - 0.72) / (1 - 0.4375) = 50% of the saving.
        var half = new OctaveCase("OctConv(128, 128, k=3), alpha 0.5", "[4, 64, 56, 56] + [4, 64, 28, 28]", "OctaveConv2d", "Conv2d", 0.4375, 1,
            new TimingResult(new[] { 72.0, 72, 72, 72 }, new[] { 100.0, 100, 100, 100 }, 2));
        var slower = new OctaveCase("Oct-ResNet-50 (alpha 0.5) vs ResNet-50", "[1, 3, 224, 224]", "OctResNet50", "ResNet50", 0.579, 1,
            new TimingResult(new[] { 120.0, 120, 120, 120 }, new[] { 100.0, 100, 100, 100 }, 2));
        Assert.Equal("50%", OctaveBenchmarks.SavingShare(half));
        Assert.Equal("-48%", OctaveBenchmarks.SavingShare(slower));

        OpTiming[] breakdown = new[]
        {
            new OpTiming("b", "whole octave layer", 90), new OpTiming("b", "plain Conv2d, same channels", 100),
            new OpTiming("b", "conv_h2h (64 → 64 at 56x56)", 30), new OpTiming("b", "conv_l2h (64 → 64 at 28x28)", 10),
            new OpTiming("b", "conv_h2l (64 → 64 at 28x28)", 10), new OpTiming("b", "conv_l2l (64 → 64 at 28x28)", 10),
            new OpTiming("b", "2x2 average pooling of the high map", 5), new OpTiming("b", "nearest 2x upsampling of l2h", 6),
            new OpTiming("b", "add of the two high-frequency paths", 4),
        };
        breakdown = breakdown.Concat(new[]
        {
            new OpTiming("Oct-ResNet-50 vs ResNet-50, [1, 3, 224, 224]", "ResNet50 forward (53 Conv2d, 53 BatchNorm2d)", 100),
            new OpTiming("Oct-ResNet-50 vs ResNet-50, [1, 3, 224, 224]", "OctResNet50 forward (150 Conv2d, 100 BatchNorm2d)", 120),
            new OpTiming("Oct-ResNet-50 vs ResNet-50, [1, 3, 224, 224]", "one small call: Conv2d(16, 16, k=1) on [1, 16, 7, 7]", 0.05),
        }).ToArray();
        var text = OctaveBenchmarks.FormatSection(new OctaveReport(machine, "dotnet run --project Samples -c Release -- bench octave", options,
            new[] { half, slower }, breakdown));
        // 97 more convolutions and 47 more norms: 144 calls at 0.05 ms; the expected time is 100 ms x 0.579.
        Assert.Contains("at its multiply-add ratio it would take 57.9 ms, it takes 120.0 ms", text);
        Assert.Contains("144 more LibTorch calls", text);
        Assert.Contains("(0.050 ms for a 1x1 convolution on a 7x7 map, 7.20 ms for all of them)", text);
        Assert.Contains("| OctConv(128, 128, k=3), alpha 0.5: OctaveConv2d / Conv2d | [4, 64, 56, 56] + [4, 64, 28, 28] | 72.0 | 100.0 | 1 | **0.72** (0.72 – 0.72) | 0.44 | 50% |", text);
        Assert.Contains("0.72x the time for 0.44x the multiply-adds, 50% of the multiply-add saving realised in time.", text);
        Assert.Contains("1.20x the time for 0.58x the multiply-adds, no saving in time at all.", text);
        Assert.Contains("the four convolutions alone take 60.0 ms of the layer's 90.0 ms, 0.60x the plain convolution's 100.0 ms for 0.44x its multiply-adds " +
            "(a smaller convolution runs less efficiently: conv_h2h, a quarter of the arithmetic, takes 0.30x the time)", text);
        Assert.Contains("pooling, upsampling and the add cost 15.0 ms", text);
    }
}

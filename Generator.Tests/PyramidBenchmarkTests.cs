using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Pyramids;
using NetDsl.Samples;
using NetDsl.Samples.Benchmarking;
using NetDsl.Samples.HandWritten;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>
/// `bench pyramids` without running it: the PyTorch script's JSON and arguments, the deterministic weights shared with
/// the script, the section and its interpretation on made-up numbers, and the hand-written baselines computing the same
/// function as the runtime modules (small sizes). Speed is never asserted.
/// </summary>
public class PyramidBenchmarkTests
{
    private static readonly MachineInfo Machine = new(2, "Test CPU", "Linux", ".NET 10.0.0", "0.107.0", "2.10.0", 2,
        "0.10 0.20 0.30", "0.10 0.20 0.30", new DateTime(2025, 1, 2, 3, 4, 0, DateTimeKind.Utc));

    private const string Json =
        "{\"python\": \"3.11.2\", \"torch\": \"1.13.0a0\", \"torchvision\": \"0.14.1a0\", \"threads\": 2, " +
        "\"build\": \"Intel(R) MKL-DNN v2.6.3 (Git Hash N/A)\", \"cases\": [" +
        "{\"name\": \"deeplab_head\", \"input\": [1, 2048, 28, 28], \"calls\": 1, \"per_round\": 2, \"ms\": [100.0, 110.0, 90.0, 120.0], " +
        "\"output_shape\": [1, 21, 28, 28], \"output\": [0.5, -0.25], \"breakdown\": {\"convs.0\": 4.5, \"convs.3\": 40.0, \"conv\": 4.0}}, " +
        "{\"name\": \"spp\", \"input\": [1, 256, 56, 56], \"calls\": 40, \"per_round\": 2, \"ms\": [1.0, 1.0, 1.0, 1.0], \"output_shape\": [1, 5376]}]}";

    [Fact]
    public void Parses_the_scripts_json()
    {
        var run = PyTorchRun.Parse("some warning on stdout\n" + Json + "\n");
        Assert.True(run.Available);
        Assert.Equal(("3.11.2", "1.13.0a0", "0.14.1a0", 2), (run.Python, run.Torch, run.Torchvision, run.Threads));
        Assert.StartsWith("Intel(R) MKL-DNN v2.6.3", run.Build);
        Assert.Equal(2, run.Cases.Count);
        var head = run.Find("deeplab_head", new long[] { 1, 2048, 28, 28 })!;
        Assert.Equal(105.0, head.MedianMs);
        Assert.Equal(new[] { 105.0, 105.0 }, head.RoundMedians);
        Assert.Equal(new long[] { 1, 21, 28, 28 }, head.OutputShape);
        Assert.Equal(new[] { 0.5, -0.25 }, head.Output);
        Assert.Equal(40.0, head.Breakdown!["convs.3"]);
        var spp = run.Find("spp", new long[] { 1, 256, 56, 56 })!;
        Assert.Equal(40, spp.Calls);
        Assert.Null(spp.Output);
        Assert.Null(spp.Breakdown);
        Assert.Null(run.Find("spp", new long[] { 8, 256, 56, 56 }));
    }

    [Fact]
    public void An_error_or_no_json_is_an_unavailable_run_not_an_exception()
    {
        var error = PyTorchRun.Parse("{\"error\": \"cannot import torch / torchvision: ModuleNotFoundError: No module named 'torchvision'\"}");
        Assert.False(error.Available);
        Assert.Contains("No module named 'torchvision'", error.Unavailable);
        Assert.Empty(error.Cases);
        Assert.Equal("the script printed no JSON", PyTorchRun.Parse("Traceback (most recent call last):\n  ...").Unavailable);
        Assert.StartsWith("the script's JSON could not be read", PyTorchRun.Parse("{\"cases\": [{\"name\": \"spp\"}]}").Unavailable);
        Assert.StartsWith("the script's JSON could not be read", PyTorchRun.Parse("{not json").Unavailable);
    }

    [Fact]
    public void Passes_the_thread_count_protocol_and_cases_to_the_script()
    {
        var args = PyTorchRun.Arguments("tools/bench_torchvision_heads.py", 2, 3, 6, 10, new (string, IReadOnlyList<long>, int)[]
        {
            ("deeplab_head", new long[] { 1, 2048, 28, 28 }, 1),
            ("spp", new long[] { 8, 256, 56, 56 }, 4),
        });
        Assert.Equal(new[]
        {
            "tools/bench_torchvision_heads.py", "--threads", "2", "--warmup", "3", "--rounds", "6", "--per-round", "10",
            "--case", "deeplab_head:1x2048x28x28:1", "--case", "spp:8x256x56x56:4",
        }, args);
    }

    [Fact]
    public void Keyed_fill_matches_the_python_script()
    {
        // Numbers printed by tools/bench_torchvision_heads.py's key_seed / coefficients / values under Debian's PyTorch 1.13.
        Assert.Equal(663371, KeyedFill.KeySeed("0.convs.0.0.weight"));
        Assert.Equal((0.03756504775053533, 0.838659793814433, 2.03, 0.0), KeyedFill.Coefficients("0.convs.0.0.weight", new long[] { 256, 2048, 1, 1 }));
        Assert.Equal((0.25, 0.25412371134020617, 2.12, 1.0), KeyedFill.Coefficients("0.convs.1.1.running_var", new long[] { 256 }));
        Assert.Equal((0.1, 0.6345360824742269, 1.01, 0.0), KeyedFill.Coefficients("4.bias", new long[] { 21 }));
        Assert.Equal((0.1, 0.05, 2.54, 1.0), KeyedFill.Coefficients("2.weight", new long[] { 256 }));

        using var w = KeyedFill.Values("0.convs.0.0.weight", new long[] { 256, 2048, 1, 1 });
        var flat = w.reshape(-1).data<float>().ToArray();
        Assert.Equal(new[] { 0.010125917382538319f, -0.020135978236794472f, -0.03704611957073212f }, flat.Take(3));
        Assert.Equal(-0.02813718654215336f, flat[^1]);
        using var x = KeyedFill.Input(1, 2048, 28, 28);
        var xs = x.reshape(-1).data<float>().ToArray();
        Assert.Equal(new[] { -0.9136418700218201f, -0.5655693411827087f, -0.05007157847285271f }, xs.Take(3));
        Assert.Equal(-0.155831441283226f, xs[^1]);
    }

    [Fact]
    public void Hand_written_head_has_torchvisions_keys_and_computes_the_runtime_heads_function()
    {
        torch.manual_seed(3);
        using var generated = new DeepLabHead(16, 3);
        using var manual = DeepLabHeadManual.Create(16, 3);
        Assert.Equal(generated.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal), manual.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Contains("0.convs.4.1.weight", manual.state_dict().Keys); // ASPPPooling: 0 pool, 1 conv, 2 BN, 3 ReLU
        Assert.Contains("0.project.0.weight", manual.state_dict().Keys);
        KeyedFill.Fill(generated);
        DeepLabHeadManual.CopyWeights(manual, generated);
        generated.eval();
        manual.eval();
        using var noGrad = torch.no_grad();
        using var input = KeyedFill.Input(2, 16, 9, 11);
        using var a = generated.call(input);
        using var b = manual.call(input);
        Assert.Equal(new long[] { 2, 3, 9, 11 }, b.shape);
        Assert.True((a - b).abs().max().ToDouble() <= PyramidBenchmarks.Tolerance);
    }

    [Fact]
    public void Hand_written_spp_computes_the_runtime_spps_function()
    {
        using var generated = new SpatialPyramidPooling(new long[] { 4, 2, 1 });
        using var manual = new SpatialPyramidPoolingManual(4, 2, 1);
        using var input = torch.randn(2, 5, 13, 7);
        using var a = generated.call(input);
        using var b = manual.call(input);
        Assert.Equal(new long[] { 2, 5 * 21 }, b.shape);
        Assert.Equal(0.0, (a - b).abs().max().ToDouble());
        Assert.Empty(manual.state_dict());
    }

    [Fact]
    public void Bench_parses_the_pyramids_suite()
    {
        Assert.Contains("pyramids", BenchOptions.AllSuites);
        Assert.Equal(new[] { "pyramids" }, BenchOptions.Parse(new[] { "pyramids", "--quick" }).Suites);
    }

    [Fact]
    public void Counts_the_kernel_taps_that_land_on_the_map()
    {
        // 28 positions, 3 taps at offsets -d, 0, +d: the centre always lands, an outer tap on 28 - d positions while d < 28.
        Assert.Equal(28, PyramidBenchmarks.ValidTaps(28, 3, 36, 36));
        Assert.Equal(28, PyramidBenchmarks.ValidTaps(28, 3, 28, 28));
        Assert.Equal(28 + 2 * 4, PyramidBenchmarks.ValidTaps(28, 3, 24, 24));
        Assert.Equal(28 + 2 * 16, PyramidBenchmarks.ValidTaps(28, 3, 12, 12));
        Assert.Equal(28 + 2 * 27, PyramidBenchmarks.ValidTaps(28, 3, 1, 1));
        Assert.Equal(28, PyramidBenchmarks.ValidTaps(28, 1, 1, 0));
        Assert.Equal(2 * 3, PyramidBenchmarks.ValidTaps(4, 3, 1, 0)); // no padding: every tap lands, 2 outputs

        // Every tap: the summary's count (torchvision's DeepLabHead(2048, 21) at 28x28 sums to 12,233,232,384).
        Assert.Equal(2048L * 256 * 9 * 784, PyramidBenchmarks.ConvMacs(2048, 256, 3, 36, 36, 28, 28, inMap: false));
        // At rate 36 only the centre tap lands: the in-map work of a 1x1 convolution.
        Assert.Equal(PyramidBenchmarks.ConvMacs(2048, 256, 1, 1, 0, 28, 28, inMap: true), PyramidBenchmarks.ConvMacs(2048, 256, 3, 36, 36, 28, 28, inMap: true));
        Assert.Equal(2048L * 256 * 60 * 60, PyramidBenchmarks.ConvMacs(2048, 256, 3, 12, 12, 28, 28, inMap: true));
        long all = PyramidBenchmarks.ConvMacs(2048, 256, 1, 1, 0, 28, 28, false) + 2048L * 256
            + new long[] { 12, 24, 36 }.Sum(d => PyramidBenchmarks.ConvMacs(2048, 256, 3, d, d, 28, 28, false))
            + PyramidBenchmarks.ConvMacs(1280, 256, 1, 1, 0, 28, 28, false) + PyramidBenchmarks.ConvMacs(256, 256, 3, 1, 1, 28, 28, false)
            + PyramidBenchmarks.ConvMacs(256, 21, 1, 1, 0, 28, 28, false);
        Assert.Equal(12_233_232_384L, all);
    }

    private static HeadPart[] Parts(double rate36Ms) => new[]
    {
        new HeadPart("convs.0", "ASPP `convs.0`: 1x1", "the 1x1 branch", 0, 411_041_792, 411_041_792, 5),
        new HeadPart("convs.1", "ASPP `convs.1`: rate 12", "the rate-12 branch", 12, 3_699_376_128, 1_887_436_800, 23),
        new HeadPart("convs.2", "ASPP `convs.2`: rate 24", "the rate-24 branch", 24, 3_699_376_128, 679_477_248, 12),
        new HeadPart("convs.3", "ASPP `convs.3`: rate 36", "the rate-36 branch", 36, 3_699_376_128, 411_041_792, rate36Ms),
        new HeadPart("conv", "`1`–`3`: 3x3", "the 256 → 256 3x3 conv", 0, 462_422_016, 440_664_064, 4),
    };

    [Fact]
    public void Reads_the_heads_breakdown()
    {
        // rate 36 at 40 ms: 10.3 G/s on the map against 110.2 G/s for the 3x3 conv (440.7 M in 4 ms)
        string slow = PyramidBenchmarks.ReadBreakdown(Parts(40), new Dictionary<string, double> { ["convs.3"] = 38, ["conv"] = 4.5 }, "1.13.0a0");
        Assert.StartsWith("Where the head's time goes: the 3 atrous branches take 75.0 ms of the parts' 84.0 ms (89%; rate 12: 23.0 ms", slow);
        Assert.Contains("At rate 36 only 0.411 G multiply-adds touch the map (only the centre tap of each 3x3 does, the case the compiler reports as NDSL0032: " +
            "the branch computes what the 1x1 branch computes in 5.00 ms), yet it takes 40.0 ms, 10.3 G/s of on-map work against 110.2 G/s for the 256 → 256 3x3 conv", slow);
        Assert.Contains("PyTorch 1.13.0a0 behaves the same: 38.0 ms for this branch against 4.50 ms for the 256 → 256 3x3 conv", slow);
        Assert.DoesNotContain("rate 24 only", slow);

        string fine = PyramidBenchmarks.ReadBreakdown(Parts(5));
        Assert.Contains("Every atrous branch runs within 2x of the best on-map throughput (110.2 G/s, the 256 → 256 3x3 conv)", fine);
        Assert.DoesNotContain("PyTorch", fine);
    }

    [Fact]
    public void Small_helpers_read_ratios()
    {
        Assert.Equal("4.4% slower than", PyramidBenchmarks.Relative(1.044));
        Assert.Equal("2.0% faster than", PyramidBenchmarks.Relative(0.98));
        Assert.Equal("2.50x the time of", PyramidBenchmarks.Relative(2.5));
        Assert.Equal("2.00x as fast as", PyramidBenchmarks.Relative(0.5));
        Assert.Equal("as fast as", PyramidBenchmarks.Relative(1.0));
        Assert.Equal("+94.6 ms", PyramidBenchmarks.Delta(94.6));
        Assert.Equal("-12 µs", PyramidBenchmarks.Delta(-0.012));
        Assert.Equal(3.0, PyramidBenchmarks.Spread(new[] { 1.0, 3.0, 2.0 }));
        // Rounds 1.05 and 1.10 do not straddle 1 and the ratio is 7.5% off: not within noise; rounds 0.99 and 1.04 straddle it.
        Assert.False(PyramidBenchmarks.WithinNoise(new TimingResult(new[] { 110.0, 100, 105, 115 }, new[] { 100.0, 100, 100, 100 }, 2)));
        Assert.True(PyramidBenchmarks.WithinNoise(new TimingResult(new[] { 99.0, 99, 104, 104 }, new[] { 100.0, 100, 100, 100 }, 2)));
    }

    private static PyramidReport Report(PyTorchRun pyTorch, BenchOptions? options = null)
    {
        var head = new PyramidCase("deeplab_head", "DeepLabV3 head (DeepLabHead(2048, 21))", new long[] { 1, 2048, 28, 28 },
            "generated `DeepLabV3ResNet50.classifier`", "hand-written `DeepLabHeadManual`", 0, 1,
            // pair ratios 1.01, 0.99 | 1.00, 1.04 -> median 1.005, rounds 1.00 and 1.02; generated medians 100 (before) and 102 (after)
            new TimingResult(new[] { 101.0, 99 }, new[] { 100.0, 100 }, 2),
            new TimingResult(new[] { 100.0, 104 }, new[] { 100.0, 100 }, 2),
            PyTorchMaxAbsDiff: 2e-6, OutputMaxAbs: 3);
        var spp = new PyramidCase("spp", "SPP forward (levels 4, 2, 1)", new long[] { 1, 256, 56, 56 },
            "generated `SppNet.spp`", "hand-written `SpatialPyramidPoolingManual`", 0, 20,
            new TimingResult(new[] { 1.2, 1.2 }, new[] { 1.0, 1.0 }, 2),
            new TimingResult(new[] { 1.2, 1.2 }, new[] { 1.0, 1.0 }, 2),
            PyTorchMaxAbsDiff: 0, OutputMaxAbs: 1);
        return new PyramidReport(Machine, "dotnet run --project Samples -c Release -- bench pyramids", options ?? new BenchOptions(Rounds: 2, PerRound: 2),
            new[] { head, spp }, pyTorch, 16130837, 12233232384);
    }

    [Fact]
    public void Formats_the_pyramids_section_with_cross_process_ratios()
    {
        var run = PyTorchRun.Parse(Json) with { LoadBefore = "0.50 0.40 0.30", LoadAfter = "0.60 0.40 0.30", Seconds = 12 };
        var report = Report(run) with { Breakdown = Parts(40) };
        Assert.Equal(1.005, report.Cases[0].Ratio, 9);
        Assert.Equal(4, report.Cases[0].Timing.AMs.Count);
        Assert.Equal(100.5 / 105, PyramidBenchmarks.RatioToPyTorch(report.Cases[0], run.Cases[0]), 9); // medians 100.5 / 105

        string s = PyramidBenchmarks.FormatSection(report).Replace("\r\n", "\n");
        Assert.StartsWith("## Pyramids: DeepLabV3 head and SPP", s);
        Assert.Contains("```bash\ndotnet run --project Samples -c Release -- bench pyramids\n```", s);
        Assert.Contains("16,130,837 parameters", s);
        Assert.Contains("12.23 G multiply-adds", s);
        Assert.Contains("(1 + 1) with the PyTorch process between them", s);
        Assert.Contains("| PyTorch / torchvision | 1.13.0a0 / 0.14.1a0", s);
        Assert.Contains("| `torch.get_num_threads()` | 2 |", s);
        Assert.Contains("| load average (1, 5, 15 min) before / after | 0.50 0.40 0.30 / 0.60 0.40 0.30 |", s);
        Assert.Contains("| DeepLabV3 head (DeepLabHead(2048, 21)) | [1, 2048, 28, 28] | 100.5 | 100.0 | 1 | 0 | **1.005** (1.000 – 1.020) |", s);
        Assert.Contains("| SPP forward (levels 4, 2, 1) | [1, 256, 56, 56] | 1.20 | 1.00 | 20 | 0 | **1.200** (1.200 – 1.200) |", s);
        // generated medians: 100 before, 102 after, 100.5 overall; PyTorch median 105
        Assert.Contains("| DeepLabV3 head (DeepLabHead(2048, 21)) | [1, 2048, 28, 28] | 100.5 (100.0 / 102.0) | 100.0 | 105.0 (105.0 – 105.0) | 2.0e-6 | **0.96** (0.95, 0.97) | 0.95 |", s);
        Assert.Contains("| SPP forward (levels 4, 2, 1) | [1, 256, 56, 56] | 1.20 (1.20 / 1.20) | 1.00 | 1.00 (1.00 – 1.00) | 0 | **1.20** (1.20, 1.20) | 1.00 |", s);

        Assert.Contains("DeepLabV3 head, generated vs hand-written: [1, 2048, 28, 28]: within noise of the hand-written one (ratio 1.005", s);
        Assert.Contains("SPP, generated vs hand-written: [1, 256, 56, 56]: 20.0% slower than the hand-written one", s);
        Assert.Contains("+200 µs per call", s);
        Assert.Contains("the generated head takes 0.96x the time of torchvision's under PyTorch 1.13.0a0 (100.5 vs 105.0 ms): TorchSharp is faster.", s);
        Assert.Contains("TorchSharp vs PyTorch, SPP: generated / PyTorch [1, 256, 56, 56] 1.20 (1.20 vs 1.00 ms)", s);
        Assert.Contains("Drift: the generated TorchSharp medians after the PyTorch block differ from those before it by +2.0% (deeplab_head [1, 2048, 28, 28]), +0.0% (spp [1, 256, 56, 56]).", s);
        Assert.Contains("The machine was steady across the PyTorch run", s);
        Assert.Contains("Numerics: with the same key-derived weights and inputs, the TorchSharp and PyTorch outputs agree (largest max |diff| 2.0e-6)", s);
        Assert.DoesNotContain("The machine was shared", s); // load 0.1 on 2 cores
        Assert.DoesNotContain("Noise:", s);
        Assert.Contains("### Where the generated head's time goes", s);
        Assert.Contains("| part | multiply-adds, all taps (G) | on the map (G) | median ms | G on-map multiply-adds / s | PyTorch median ms |", s);
        Assert.Contains("| ASPP `convs.3`: rate 36 | 3.699 | 0.411 | 40.0 | 10.3 | 40.0 |", s);
        Assert.Contains("| ASPP `convs.1`: rate 12 | 3.699 | 1.887 | 23.0 | 82.1 | — |", s);
        Assert.Contains("| sum of the parts | 11.972 | 3.830 | 84.0 | | 48.5 |", s);
        Assert.Contains("At rate 36 only 0.411 G multiply-adds touch the map", s);
    }

    [Fact]
    public void Without_pytorch_the_section_says_why()
    {
        var report = Report(PyTorchRun.Missing("/usr/bin/python3 is not installed"), new BenchOptions(Rounds: 2, PerRound: 2, Quick: true));
        string s = PyramidBenchmarks.FormatSection(report);
        Assert.Contains("Not measured in this run: /usr/bin/python3 is not installed.", s);
        Assert.Contains("TorchSharp vs PyTorch: not measured (/usr/bin/python3 is not installed).", s);
        Assert.DoesNotContain("| PyTorch process |", s);
        Assert.DoesNotContain("Drift:", s);
        Assert.Contains("`--quick` smoke run", s);
    }

    [Fact]
    public void Flags_disagreeing_outputs_thread_mismatch_and_noisy_rounds()
    {
        var run = PyTorchRun.Parse(Json) with { Threads = 1 };
        var report = Report(run);
        var cases = report.Cases.ToList();
        cases[0] = cases[0] with
        {
            PyTorchMaxAbsDiff = 0.5,
            FirstHalf = new TimingResult(new[] { 100.0, 100 }, new[] { 100.0, 100 }, 2),
            SecondHalf = new TimingResult(new[] { 300.0, 300 }, new[] { 300.0, 300 }, 2),
        };
        string s = PyramidBenchmarks.FormatSection(report with { Cases = cases });
        Assert.Contains("outputs **disagree** for deeplab_head [1, 2048, 28, 28] (max |diff| 5.0e-1)", s);
        Assert.Contains("(**asked for 2**)", s);
        Assert.Contains("Threads: PyTorch ran with 1 thread(s), TorchSharp with 2", s);
        Assert.Contains("Noise: the per-round medians vary more than 2x for TorchSharp deeplab_head [1, 2048, 28, 28] (3.00x)", s);
        Assert.Contains("Read the cross-process ratios as uncertain by about 200%", s);
    }
}

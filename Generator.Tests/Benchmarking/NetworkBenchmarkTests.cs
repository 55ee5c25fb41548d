using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetDsl.Samples;
using NetDsl.Samples.Benchmarking;
using Xunit;

namespace NetDsl.Generator.Tests.Benchmarking;

/// <summary>
/// `bench pytorch` without Python: the command protocol of tools/bench_networks_torch.py, the interleaving order, the
/// report's tables, and that the compared NetDsl networks have the state_dicts and parameter counts PyTorch reported
/// (Fixtures/bench/networks_torch.json, written by `tools/bench_networks_torch.py --fixture`).
/// </summary>
public class NetworkBenchmarkTests
{
    [Fact]
    public void Commands_are_one_line_of_words()
    {
        Assert.Equal("train ResNet50 3 2", PyTorchProtocol.Command("train", "ResNet50", 3, 2));
        Assert.Equal("output OctResNet50 /tmp/x.bin", PyTorchProtocol.Command("output", "OctResNet50", "/tmp/x.bin"));
        Assert.Throws<ArgumentException>(() => PyTorchProtocol.Command("output", "ResNet50", "/tmp/a b.bin"));
        Assert.Throws<ArgumentException>(() => PyTorchProtocol.Command("forward", "ResNet50\n", 1));
        Assert.Throws<ArgumentException>(() => PyTorchProtocol.Command("forward", ""));
    }

    [Fact]
    public void Replies_are_json_objects_and_errors_are_exceptions()
    {
        var reply = PyTorchProtocol.Reply("forward ResNet50 2", "{\"ms\": [12.5, 11.0]}");
        Assert.Equal(new[] { 12.5, 11.0 }, PyTorchProtocol.Milliseconds(reply));
        var phases = PyTorchProtocol.Numbers(PyTorchProtocol.Reply("phases X 1 2", "{\"forward\": 1.5, \"backward\": 2, \"note\": \"x\"}"));
        Assert.Equal(new Dictionary<string, double> { ["forward"] = 1.5, ["backward"] = 2 }, phases);

        var error = Assert.Throws<PyTorchServerException>(() => PyTorchProtocol.Reply("bogus", "{\"error\": \"KeyError: unknown command 'bogus'\"}"));
        Assert.Contains("unknown command 'bogus'", error.Message);
        Assert.Contains("ended without a reply", Assert.Throws<PyTorchServerException>(() => PyTorchProtocol.Reply("train X 1 2", null)).Message);
        Assert.Contains("not JSON", Assert.Throws<PyTorchServerException>(() => PyTorchProtocol.Reply("hello", "Could not initialize NNPACK!")).Message);
        Assert.Contains("not a JSON object", Assert.Throws<PyTorchServerException>(() => PyTorchProtocol.Reply("hello", "[1, 2]")).Message);
    }

    [Fact]
    public void Rounds_alternate_which_side_runs_first()
    {
        var order = new List<string>();
        double tsMs = 10, ptMs = 8;
        var timing = InterleavedTiming.Measure(
            n => { order.Add($"ts{n}"); return Enumerable.Repeat(tsMs++, n).ToArray(); },
            n => { order.Add($"pt{n}"); return Enumerable.Repeat(ptMs, n).ToArray(); },
            rounds: 4, calls: 3);
        Assert.Equal(new[] { "ts3", "pt3", "pt3", "ts3", "ts3", "pt3", "pt3", "ts3" }, order);
        Assert.Equal(new[] { true, false, true, false }, timing.Rounds.Select(r => r.TorchSharpFirst));
        Assert.Equal(new[] { 10 / 8.0, 11 / 8.0, 12 / 8.0, 13 / 8.0 }, timing.RoundRatios);
        Assert.Equal((11 / 8.0 + 12 / 8.0) / 2, timing.Ratio, 12);
        Assert.Equal(11.5, timing.TorchSharpMedianMs, 12);
        Assert.Equal(8, timing.PyTorchMedianMs, 12);
    }

    [Fact]
    public void Options_pick_networks_and_reject_unknown_ones()
    {
        var o = BenchOptions.Parse(new[] { "pytorch", "--networks", "ResNet50,OctResNet50" });
        Assert.Equal(new[] { "pytorch" }, o.Suites);
        Assert.Equal(new[] { "ResNet50", "OctResNet50" }, NetworkBenchmarks.Selected(o).Select(c => c.Name)); // run order
        Assert.Equal(5, NetworkBenchmarks.Selected(BenchOptions.Parse(new[] { "pytorch" })).Count);
        var bad = Assert.Throws<ArgumentException>(() => NetworkBenchmarks.Selected(BenchOptions.Parse(new[] { "--networks", "ResNet51" })));
        Assert.Contains("ResNet51", bad.Message);
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(new[] { "--networks" }));
        Assert.Equal((5, 2, 3), NetworkBenchmarks.Calls(BenchOptions.Parse(Array.Empty<string>())));
        Assert.Equal((1, 1, 1), NetworkBenchmarks.Calls(BenchOptions.Parse(new[] { "--quick" })));
    }

    [Fact]
    public void The_first_difference_of_two_listings_is_named()
    {
        Assert.Null(ArchitectureCheck.Difference(new[] { "a:1", "b:2" }, new[] { "a:1", "b:2" }));
        Assert.Equal("entry 1: b:2 | b:3", ArchitectureCheck.Difference(new[] { "a:1", "b:2" }, new[] { "a:1", "b:3" }));
        Assert.Equal("entry 2: (end) | c:", ArchitectureCheck.Difference(new[] { "a:1", "b:2" }, new[] { "a:1", "b:2", "c:" }));
    }

    public static IEnumerable<object[]> Networks() => NetworkBenchmarks.Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Networks))]
    public void The_compared_network_has_the_state_dict_and_parameters_PyTorch_reported(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "bench", "networks_torch.json")));
        var expected = doc.RootElement.GetProperty("networks").GetProperty(name);
        var c = NetworkBenchmarks.Cases.Single(x => x.Name == name);
        using var net = c.Create();
        var (parameters, trainable, entries, hash) = NetworkBenchmarks.Describe(net);
        Assert.Equal(expected.GetProperty("params").GetInt64(), parameters);
        Assert.Equal(expected.GetProperty("trainable").GetInt64(), trainable);
        Assert.Equal(expected.GetProperty("entries").GetInt32(), entries);
        Assert.Equal(expected.GetProperty("keys_sha256").GetString(), hash);
    }

    // ---------------------------------------------------------------- the report, on made-up numbers

    private static InterleavedTiming Timing(double ts, double pt, params double[] roundFactors) =>
        new(roundFactors.Select((f, i) => new SideRound(new[] { ts * f }, new[] { pt }, InterleavedTiming.TorchSharpFirst(i))).ToList());

    private static NetworkReport Report(bool quick = false)
    {
        var machine = new MachineInfo(2, "Test CPU", "Linux", ".NET 10.0.0", "0.107.0", "2.10.0", 2, "6.00 2.00 1.00", "2.50 2.00 1.00",
            new DateTime(2026, 12, 3, 18, 0, 0, DateTimeKind.Utc));
        var options = quick ? BenchOptions.Parse(new[] { "--quick" }) : BenchOptions.Parse(Array.Empty<string>());
        var arch = new ArchitectureCheck(25_557_032, 25_557_032, 320, new string('a', 64), 25_557_032, 25_557_032, 320, new string('a', 64));
        var slow = new NetworkResult("ResNet50", "torchvision.models.resnet50()", arch, 4.9e-7, 0.32,
            Timing(110, 100, 1.0, 1.1, 0.96), Timing(500, 500, 1.0, 0.9, 1.02),
            CompileTimePeak: 10_000_000, MeasuredPeak: 10_050_000, PyTorchPeak: 10_000_000,
            Profile: new ModuleProfile(new Dictionary<string, double> { ["Conv2d"] = 80, ["ReLU"] = 9, ["Bottleneck"] = 3 },
                new Dictionary<string, int> { ["Conv2d"] = 53, ["ReLU"] = 49, ["Bottleneck"] = 16 }),
            PyTorchProfile: new ModuleProfile(new Dictionary<string, double> { ["Conv2d"] = 78, ["ReLU"] = 2, ["ResNet"] = 0.2 },
                new Dictionary<string, int> { ["Conv2d"] = 53, ["ReLU"] = 49, ["ResNet"] = 1 }),
            Phases: new Dictionary<string, double> { ["forward"] = 200, ["backward"] = 280, ["step"] = 20 },
            PyTorchPhases: new Dictionary<string, double> { ["forward"] = 190, ["backward"] = 290, ["step"] = 20 });
        var symbolic = new NetworkResult("ConvNeXtTiny", "torchvision.models.convnext_tiny()",
            arch with { Entries = 182, PyTorchEntries = 183, FirstDifference = "entry 5: x:1 | y:1" }, null, null,
            Timing(90, 100, 1.0, 0.9, 0.92), Timing(600, 600, 1.0, 1.1, 1.2), null, 30_000_000, 20_000_000, null, null,
            new Dictionary<string, double> { ["forward"] = 300, ["backward"] = 500, ["step"] = 20 },
            new Dictionary<string, double> { ["forward"] = 250, ["backward"] = 330, ["step"] = 20 });
        var crashed = new NetworkResult("OctResNet50", "OctResNet", null, null, null, null, null, 6_500_000, null, null, null, null, null, null,
            "'train OctResNet50 1 2': the PyTorch process exited with status 136 (signal 8)");
        return new NetworkReport(machine, "dotnet run --project Samples -c Release -- bench pytorch", options, null, 5, 2, 2, 3,
            new[] { slow, symbolic, crashed }, 300);
    }

    [Fact]
    public void The_time_table_has_the_ratios_their_rounds_and_the_target()
    {
        string table = NetworkBenchmarks.FormatTimes(Report());
        var resnet = table.Split('\n').Single(l => l.StartsWith("| ResNet50 ", StringComparison.Ordinal));
        Assert.Contains("| 25,557,032 | yes (320 entries) | 4.9e-7 (3.2e-1) |", resnet);
        Assert.Contains("| 110.0 / 100.0 | **1.10** (1.06 – 1.21) | **missed** |", resnet);
        Assert.Contains("| **1.00** (0.90 – 1.02) | met |", resnet);
        var convnext = table.Split('\n').Single(l => l.StartsWith("| ConvNeXtTiny ", StringComparison.Ordinal));
        Assert.Contains("**no** (182 / 183 entries)", convnext);
        Assert.Contains("| — | — | — | — | — | — | — |", table.Split('\n').Single(l => l.StartsWith("| OctResNet50 ", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_memory_table_compares_the_measured_peaks()
    {
        var lines = NetworkBenchmarks.FormatMemory(Report()).Split('\n');
        Assert.Contains("| ResNet50 | 9.5 | 9.6 | 1.005 (yes) | 9.5 | 1.005 (yes) |", lines);
        Assert.Contains("| ConvNeXtTiny | — | 28.6 | — (the compiler could not count this network's peak) | 19.1 | 1.500 (**no**) |", lines);
    }

    [Fact]
    public void The_profile_lists_module_types_by_time_and_the_interpretation_names_the_cause()
    {
        var r = Report();
        string profile = NetworkBenchmarks.FormatProfile(r.Results[0]);
        var rows = profile.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| module", StringComparison.Ordinal)).ToList();
        Assert.Equal("| Conv2d | 80.0 (53) | 78.0 (53) | +2.00 |", rows[0]);
        Assert.Equal("| ReLU | 9.00 (49) | 2.00 (49) | +7.00 |", rows[1]);
        Assert.Equal("| Bottleneck | 3.00 (16) | — | — |", rows[2]);
        Assert.Contains("| all hooked modules | 92.0 | 80.2 | +11.8 |", rows);
        Assert.Contains("forward + loss 200.0 / 190.0 (TorchSharp / PyTorch); backward 280.0 / 290.0", profile);

        var lines = NetworkBenchmarks.Interpret(r).ToList();
        Assert.Contains(lines, l => l.StartsWith("ResNet50: forward 1.10 (10% slower than PyTorch; every round agrees), above the 1.05 target: by module type the difference is in ReLU (+7.00 ms per forward) and Conv2d (+2.00 ms per forward)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ConvNeXtTiny: the two networks differ", StringComparison.Ordinal) && l.Contains("entry 5: x:1 | y:1", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("training step 1.10", StringComparison.Ordinal) && l.Contains("the backward (+170.0 ms: 500.0 against 330.0)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("OctResNet50: the PyTorch side failed ('train OctResNet50 1 2': the PyTorch process exited with status 136 (signal 8))", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("The machine was shared", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("--quick", StringComparison.Ordinal));
        Assert.Contains(NetworkBenchmarks.Interpret(Report(quick: true)), l => l.Contains("--quick", StringComparison.Ordinal));
    }

    [Fact]
    public void A_much_faster_forward_names_the_module_type_where_PyTorch_loses_its_time()
    {
        var r = Report();
        var fast = r.Results[0] with
        {
            Name = "ConvNeXtTiny",
            Forward = Timing(30, 1000, 1.0, 1.1, 0.9),
            Profile = new ModuleProfile(new Dictionary<string, double> { ["Linear"] = 20, ["Conv2d"] = 10 },
                new Dictionary<string, int> { ["Linear"] = 37, ["Conv2d"] = 22 }),
            PyTorchProfile = new ModuleProfile(new Dictionary<string, double> { ["Linear"] = 970, ["Conv2d"] = 20 },
                new Dictionary<string, int> { ["Linear"] = 37, ["Conv2d"] = 22 }),
        };
        var lines = NetworkBenchmarks.Interpret(r with { Results = new[] { fast } }).ToList();
        Assert.Contains(lines, l => l.StartsWith("ConvNeXtTiny: forward 0.03 (97% faster than PyTorch; every round agrees): PyTorch's time is in Linear " +
            "(970.0 ms per forward against 20.0 ms here, 99% of the difference over all hooked modules)", StringComparison.Ordinal));
        // Near parity there is nothing to explain.
        Assert.Null(NetworkBenchmarks.Gain(r.Results[0] with { PyTorchProfile = r.Results[0].Profile }));
    }

    [Fact]
    public void The_document_says_why_there_is_no_comparison()
    {
        var r = Report() with { Results = Array.Empty<NetworkResult>(), Unavailable = "/usr/bin/python3 is not installed" };
        string doc = NetworkBenchmarks.FormatDocument(r);
        Assert.StartsWith("## Whole networks against PyTorch 1.13", doc);
        Assert.Contains("No comparison: /usr/bin/python3 is not installed.", doc);
        Assert.DoesNotContain("### Time", doc);
        Assert.Contains("### Time: TorchSharp / PyTorch", NetworkBenchmarks.FormatDocument(Report()));
    }
}

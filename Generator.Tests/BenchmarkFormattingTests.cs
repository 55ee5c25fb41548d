using System;
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

        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(new[] { "--fast" }));
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
}

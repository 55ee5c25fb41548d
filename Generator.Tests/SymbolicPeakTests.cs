using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The peak activation memory of a network declared with a symbolic input size: the summary keeps the compile-time
/// liveness plan as counts over the size, and <c>PeakActivationBytesAt(N, h, w)</c> evaluates it. At every size it must
/// equal what the compiler computes for the same declaration fixed at that size (a variant with Height and Width).
/// </summary>
public class SymbolicPeakTests
{
    /// <summary>Every sample declared with a symbolic size, and the file that declares it (with its dependencies).</summary>
    public static TheoryData<string, string> SymbolicSamples => new()
    {
        { "ConvNeXtTiny", "ConvNeXt.cs" }, { "ConvNeXtSmall", "ConvNeXt.cs" }, { "ConvNeXtBase", "ConvNeXt.cs" },
        { "DenseNet121", "DenseNet.cs" }, { "DenseNet169", "DenseNet.cs" }, { "DenseNet201", "DenseNet.cs" },
        { "ResNet18", "ResNets.cs" }, { "ResNet34", "ResNets.cs" }, { "ResNet101", "ResNets.cs" }, { "ResNet152", "ResNets.cs" },
        { "OctaveLayers", "OctaveLayers.cs" }, { "SppNet", "SppNet.cs" }, { "TinyUNet", "TinyUNet.cs" },
        { "GoogLeNet", "GoogLeNet.cs" }, { "EfficientNetB0", "EfficientNet.cs" }, { "MobileNetV2", "MobileNetV2.cs" },
        { "WTConvNeXtTiny", "WTConvNeXt.cs" }, { "WTConvNeXtSmall", "WTConvNeXt.cs" }, { "WTConvNeXtBase", "WTConvNeXt.cs" },
    };

    private static NetworkSummary SummaryOf(string name) =>
        (NetworkSummary)typeof(NetDsl.Samples.Networks.ConvNeXtTiny).Assembly.GetType("NetDsl.Samples.Networks." + name)!
            .GetProperty("Summary")!.GetValue(null)!;

    private static long RoundUp(long v, long multiple) => (v + multiple - 1) / multiple * multiple;

    /// <summary>A fixed-size copy of the sample: a variant of its body (or of itself) with Height and Width set.</summary>
    private static string FixedVariant(string name, string source, string copy, long h, long w)
    {
        var m = Regex.Match(source, @"\[Network\((?<args>[^\]]*)\)\]\s*public partial class " + name + @"\b\s*\{(?<body>[^{}]*)\}?");
        Assert.True(m.Success, name);
        var like = Regex.Match(m.Groups["args"].Value, @"Like = typeof\((\w+)\)");
        // A variant of a variant is refused: copy the sample's own parameter values (its whole body) onto its body instead.
        string body = like.Success ? like.Groups[1].Value : name;
        string fields = like.Success ? m.Groups["body"].Value : "";
        return $"[Network(Like = typeof({body}), Height = {h}, Width = {w})]\npublic partial class {copy}\n{{{fields}}}\n";
    }

    [Theory]
    [MemberData(nameof(SymbolicSamples))]
    public void The_peak_at_a_size_is_the_fixed_size_declarations_peak(string name, string file)
    {
        var summary = SummaryOf(name);
        Assert.Null(summary.PeakActivationBytes);
        long ph = summary.HeightPeriod, pw = summary.WidthPeriod;
        // Two sizes, neither square, at multiples of the period: the smallest from 64 up and a larger one.
        static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
        long both = ph / Gcd(ph, pw) * pw;
        long small = RoundUp(Math.Max(Math.Max(summary.MinHeight, summary.MinWidth), 64), both);
        var sizes = new List<(long, long)> { (RoundUp(small, ph), RoundUp(small + 3 * ph, pw)), (RoundUp(small + 5 * ph, ph), RoundUp(small, pw)) };
        // Where the network allows the sizes between the multiples: one of those on each axis, and 224 x 224.
        long mh = summary.HeightMultiple, mw = summary.WidthMultiple;
        if (mh < ph || mw < pw)
        {
            long Between(long from, long multiple, long period)
            {
                long v = RoundUp(from, multiple);
                return multiple < period && v % period == 0 ? v + multiple : v;
            }
            sizes.Add((Between(small + ph / 3 + 1, mh, ph), Between(small + 2 * pw / 3 + 1, mw, pw)));
            if (224 % mh == 0 && 224 % mw == 0 && summary.MinHeight <= 224 && summary.MinWidth <= 224) sizes.Add((224, 224));
        }
        string source = GeneratorHarness.SampleSource(file);
        string copies = "namespace NetDsl.Samples.Networks;\n" + string.Concat(sizes.Select((s, i) => FixedVariant(name, source, $"{name}Fixed{i}", s.Item1, s.Item2)));
        var sources = new[] { source, copies }.Concat(file is "ResNets.cs" ? new[] { GeneratorHarness.SampleSource("ResNet50.cs") } : Array.Empty<string>()).ToArray();
        var result = GeneratorHarness.Run(sources);
        Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));
        for (int i = 0; i < sizes.Count; i++)
        {
            var (h, w) = sizes[i];
            var text = result.Sources.Single(s => s.Key.Contains($"{name}Fixed{i}.")).Value;
            var fixedPeak = long.Parse(Regex.Match(text, @"peakActivationBytes: (\d+)L").Groups[1].Value);
            Assert.True(fixedPeak > 0, $"{name} at {h}x{w}");
            Assert.Equal(fixedPeak, summary.PeakActivationBytesAt(1, h, w));
            Assert.Equal(3 * fixedPeak, summary.PeakActivationBytesAt(3, h, w));
        }
    }

    [Fact]
    public void Between_the_multiples_of_the_period_each_map_keeps_its_own_rounding()
    {
        // WTConvNeXt's wavelet levels make its period 128; 224 lies between the multiples, where each map rounds down
        // its own way (the odd-size padding of each level), so the counts carry residue classes.
        var summary = SummaryOf("WTConvNeXtTiny");
        Assert.Equal(128, summary.HeightPeriod);
        Assert.Equal(1, summary.HeightMultiple);
        long at224 = summary.PeakActivationBytesAt(1, 224, 224)!.Value;
        Assert.True(at224 > summary.PeakActivationBytesAt(1, 128, 128)!.Value && at224 < summary.PeakActivationBytesAt(1, 256, 256)!.Value);
        Assert.Throws<ArgumentException>(() => summary.PeakActivationBytesAt(1, 16, 224)); // below the minimum
        Assert.Throws<ArgumentOutOfRangeException>(() => summary.PeakActivationBytesAt(0, 224, 224));
        Assert.Contains("Peak activation memory (forward, float32): depends on the input size", summary.ToTable(1));
        Assert.Contains("at 224x224", summary.ToTable(1));
    }

    [Fact]
    public void A_fixed_size_network_gives_its_own_peak_at_its_own_size()
    {
        var summary = NetDsl.Samples.Networks.ResNet50.Summary;
        Assert.Equal(summary.PeakActivationBytesAt(2), summary.PeakActivationBytesAt(2, 224, 224));
        Assert.Throws<ArgumentException>(() => summary.PeakActivationBytesAt(1, 256, 224));
    }

    // ------------------------------------------------------------------ the counts themselves

    private static readonly Dim H = new Dim(1, 0), H2 = new Dim(2, 0);

    [Fact]
    public void A_count_covers_another_only_when_it_is_larger_at_every_size()
    {
        var small = ByteSum.OfMap(8, H, H)!;
        var large = ByteSum.OfMap(16, H, H)!;
        var other = ByteSum.OfMap(2, H2, H2)!;
        Assert.True(large.Covers(small));
        Assert.False(small.Covers(large));
        // 16·t² against 8·(2t)² = 32·t²: neither map size's term covers the other's.
        Assert.False(large.Covers(other));
        Assert.False(other.Covers(large));
        var both = large.Plus(other)!;
        Assert.True(both.Covers(large) && both.Covers(other));
        // A constant does not cover a symbolic count, however large.
        Assert.False(ByteSum.Of(1L << 40).Covers(small));
    }

    [Fact]
    public void A_peak_keeps_the_counts_no_other_covers()
    {
        var a = ByteSum.OfMap(16, H, H)!;      // 64 t² bytes
        var b = ByteSum.OfMap(1, H2, H2)!;     // 16 t² bytes at twice the size, as a term of its own
        var peak = BytePeak.Of(a).Max(b)!.Max(ByteSum.OfMap(4, H, H)!)!;
        Assert.Equal(2, peak.Candidates.Count); // the 4-channel map is covered by the 16-channel one
        Assert.Null(peak.Known);
        var known = BytePeak.Of(ByteSum.Of(10)).Max(ByteSum.Of(30))!.Max(ByteSum.Of(20))!;
        Assert.Equal(30, known.Known);
        // A known axis folds into the coefficient: [C, 7, W] and [7C, 1, W] are one map size.
        Assert.Equal(ByteSum.OfMap(7, Dim.Known(1), H), ByteSum.OfMap(1, Dim.Known(7), H));
    }

    [Fact]
    public void A_count_beyond_the_limit_is_not_reported()
    {
        Assert.Null(ByteSum.OfMap(1L << 40, Dim.Known(1L << 10), Dim.Known(1)));
        Assert.Null(ByteSum.OfMap(long.MaxValue / 2, H, H));
        Assert.NotNull(ByteSum.OfMap(1L << 20, H, H));
    }
}

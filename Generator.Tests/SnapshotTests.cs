using System.Linq;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The generated code of every sample, reviewed as committed snapshots; the output must also compile cleanly.</summary>
public class SnapshotTests
{
    public static TheoryData<string> SampleFiles => new() { "DeeperCnn.cs", "DilatedNet.cs", "GriddingNet.cs", "MultiScaleNet.cs", "WTConvStack.cs", "PoolingExample.cs", "ResNet50.cs", "SppNet.cs", "TinyUNet.cs" };

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_generates_the_reviewed_code(string file)
    {
        var result = GeneratorHarness.RunAndAssertCached(GeneratorHarness.SampleSource(file));

        Assert.Empty(result.GeneratorDiagnostics.Where(d => !d.IsSuppressed));
        Assert.Empty(result.CompilationDiagnostics);
        Assert.NotEmpty(result.Sources);
        foreach (var (hint, text) in result.Sources.OrderBy(s => s.Key))
            Snapshot.Verify(text, hint.Replace(".g.cs", ""));
    }
}

/// <summary>Seed 004: the HDC module passes the gridding test, the 2-4-8 variant is flagged.</summary>
public class GriddingSampleTests
{
    [Fact]
    public void Hdc_sample_is_clean_and_the_gridding_sample_is_flagged()
    {
        var hdc = GeneratorHarness.Run(GeneratorHarness.SampleSource("DilatedNet.cs"));
        Assert.DoesNotContain(hdc.GeneratorDiagnostics, d => d.Id == "NDSL0031");

        var gridding = GeneratorHarness.Run(GeneratorHarness.SampleSource("GriddingNet.cs"));
        var d = Assert.Single(gridding.GeneratorDiagnostics, d => d.Id == "NDSL0031");
        Assert.True(d.IsSuppressed); // the sample's pragma; the finding itself is there
        Assert.Contains("(2, 4, 8)", d.GetMessage());
        Assert.Contains("GriddingNet.g.cs", gridding.Sources.Keys.Single(k => k.EndsWith("GriddingNet.g.cs")));
    }
}

/// <summary>Generated code does not depend on the machine's culture.</summary>
public class CultureTests
{
    [Theory]
    [InlineData("fi-FI")]
    [InlineData("ar-SA")]
    [InlineData("de-DE")]
    public void Generated_code_is_identical_under_any_culture(string cultureName)
    {
        var files = new[] { GeneratorHarness.SampleSource("ResNet50.cs"), GeneratorHarness.SampleSource("DilatedNet.cs") };
        var invariant = GeneratorHarness.Run(files).Sources;
        Assert.Equal(4, invariant.Count); // ResNet50, ResNet50Dilated, Bottleneck, DilatedNet
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo(cultureName);
            var localized = GeneratorHarness.Run(files).Sources;
            Assert.Equal(invariant.Keys.OrderBy(k => k), localized.Keys.OrderBy(k => k));
            foreach (var (hint, text) in invariant) Assert.Equal(text, localized[hint]);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The generated code of every sample, reviewed as committed snapshots; the output must also compile cleanly.</summary>
public class SnapshotTests
{
    public static TheoryData<string> SampleFiles => new() { "DeepLabV2.cs", "DeepLabV3.cs", "DeepLabParity.cs", "DeeperCnn.cs", "DilatedNet.cs", "GriddingNet.cs", "MultiScaleNet.cs", "WTConvStack.cs", "PoolingExample.cs", "ResNet50.cs", "SppNet.cs", "SpeedDepth.cs", "TinyUNet.cs", "OctResNet.cs", "OctMobileNet.cs", "OctaveLayers.cs", "ResNets.cs", "ConvNeXt.cs", "DenseNet.cs", "HandWrittenModules.cs" };

    /// <summary>Sample files that use blocks declared in another sample file.</summary>
    private static string[] Dependencies(string file) => file is "DeepLabV3.cs" or "DeepLabParity.cs" or "ResNets.cs" ? new[] { "ResNet50.cs" } : Array.Empty<string>();

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_generates_the_reviewed_code(string file)
    {
        var dependencies = Dependencies(file);
        var sources = new[] { file }.Concat(dependencies).Select(GeneratorHarness.SampleSource).ToArray();
        var result = GeneratorHarness.RunAndAssertCached(sources);

        Assert.Empty(result.GeneratorDiagnostics.Where(d => !d.IsSuppressed));
        Assert.Empty(result.CompilationDiagnostics);
        Assert.NotEmpty(result.Sources);
        // Files the dependencies generate on their own are snapshotted by their own case.
        var theirs = dependencies.Length == 0 ? new HashSet<string>()
            : GeneratorHarness.Run(dependencies.Select(GeneratorHarness.SampleSource).ToArray()).Sources.Keys.ToHashSet();
        foreach (var (hint, text) in result.Sources.Where(s => !theirs.Contains(s.Key)).OrderBy(s => s.Key))
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
    [Fact]
    public void A_symbolic_resnet50_accepts_any_size_as_pytorchs_does()
    {
        // Five stride-2 stages make the exact symbolic sizes multiples of 32, but nothing in ResNet-50 needs the sizes
        // in between exact (the projections shrink the shortcut as the 3x3 convs shrink the main path, and the pooling is
        // adaptive): the compiler checks every residue and the guard asks for nothing but a positive size.
        var source = GeneratorHarness.SampleSource("ResNet50.cs").Replace("[Network(InChannels = 3, Height = 224, Width = 224)]", "[Network(InChannels = 3)]");
        var result = GeneratorHarness.Run(source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        var text = result.Sources.Single(s => s.Key.EndsWith(".ResNet50.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("heightMultiple: 1, minHeight: 1, widthMultiple: 1, minWidth: 1);", text);
        Assert.Contains("heightPeriod: 32L,", text);
        Assert.Contains("constraints: global::System.Array.Empty<string>(),", text);
    }

    [Theory]
    [InlineData("fi-FI")]
    [InlineData("ar-SA")]
    [InlineData("de-DE")]
    public void Generated_code_is_identical_under_any_culture(string cultureName)
    {
        var files = new[] { GeneratorHarness.SampleSource("ResNet50.cs"), GeneratorHarness.SampleSource("DilatedNet.cs") };
        var invariant = GeneratorHarness.Run(files).Sources;
        Assert.Equal(3, invariant.Count); // ResNet50, Bottleneck, DilatedNet
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

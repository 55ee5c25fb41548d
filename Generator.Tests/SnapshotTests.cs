using System.Linq;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The generated code of every sample, reviewed as committed snapshots; the output must also compile cleanly.</summary>
public class SnapshotTests
{
    public static TheoryData<string> SampleFiles => new() { "DeeperCnn.cs", "DilatedNet.cs", "MultiScaleNet.cs", "WTConvStack.cs", "PoolingExample.cs", "ResNet50.cs", "TinyUNet.cs" };

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
        Assert.Equal(3, invariant.Count);
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

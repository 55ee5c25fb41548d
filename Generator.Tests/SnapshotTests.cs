using System.Linq;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The generated code of every sample, reviewed as committed snapshots; the output must also compile cleanly.</summary>
public class SnapshotTests
{
    public static TheoryData<string> SampleFiles => new() { "DilatedNet.cs", "PoolingExample.cs", "ResNet50.cs", "TinyUNet.cs" };

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_generates_the_reviewed_code(string file)
    {
        var result = GeneratorHarness.RunAndAssertCached(GeneratorHarness.SampleSource(file));

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        Assert.NotEmpty(result.Sources);
        foreach (var (hint, text) in result.Sources.OrderBy(s => s.Key))
            Snapshot.Verify(text, hint.Replace(".g.cs", ""));
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>Runs the NetDsl generator over C# sources in memory, the way the compiler does.</summary>
public static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var refs = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All);
        refs.Add(MetadataReference.CreateFromFile(typeof(NetDsl.Stage).Assembly.Location));
        refs.Add(MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));
        return refs.ToImmutableArray();
    });

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(params string[] sources) =>
        Compile(sources.Select((s, i) => (s, $"/src/Input{i}.cs")).ToArray());

    public static CSharpCompilation Compile(params (string Source, string Path)[] sources) =>
        CSharpCompilation.Create("NetDslTests",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, ParseOptions, s.Path)),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // As the SDK does: TorchSharp targets net8.0's System.Runtime; unifying it with net10.0's is expected.
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new NetDslGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>The outcome of one generator run: generated files, generator diagnostics, and the compiled output.</summary>
    public sealed record Result(GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
    {
        public IReadOnlyDictionary<string, string> Sources =>
            Run.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());

        /// <summary>Errors and warnings of the compilation including the generated code (CS and NDSL).</summary>
        public ImmutableArray<Diagnostic> CompilationDiagnostics =>
            Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
    }

    public static Result Run(params string[] sources) => Run(Compile(sources));

    public static Result Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new Result(driver.GetRunResult(), output, diagnostics);
    }

    /// <summary>
    /// Runs the generator twice, the second time on a clone of the compilation (EnumGenerators' pattern), and
    /// asserts that every tracked step of the second run is Cached or Unchanged and that no step output holds a
    /// Compilation, ISymbol or SyntaxNode.
    /// </summary>
    public static Result RunAndAssertCached(params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult();
        driver = driver.RunGenerators(compilation.Clone());
        var second = driver.GetRunResult();
        AssertCachedAndSymbolFree(first, second);
        var result = Run(compilation);
        return result;
    }

    public static void AssertCachedAndSymbolFree(GeneratorDriverRunResult first, GeneratorDriverRunResult second)
    {
        var firstSteps = Steps(first);
        var secondSteps = Steps(second);
        Assert.NotEmpty(firstSteps);
        Assert.Equal(firstSteps.Keys.OrderBy(k => k), secondSteps.Keys.OrderBy(k => k));
        foreach (var (name, steps) in secondSteps)
        {
            foreach (var step in steps)
            {
                foreach (var (value, reason) in step.Outputs)
                {
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                        $"step {name} re-ran on an identical compilation: {reason}");
                }
            }
        }
        foreach (var (name, steps) in firstSteps)
        {
            foreach (var step in steps)
            {
                foreach (var (value, _) in step.Outputs)
                    ForbiddenTypeWalker.AssertNoRoslynTypes(value, name);
            }
        }
    }

    public static Dictionary<string, ImmutableArray<IncrementalGeneratorRunStep>> Steps(GeneratorDriverRunResult run) =>
        run.Results[0].TrackedSteps
            .Where(s => s.Key.StartsWith("NetDsl.", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value);

    /// <summary>Where the test binaries' copies of the sample declarations are.</summary>
    public static string SampleSource(string fileName) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "SampleSources", fileName));
}

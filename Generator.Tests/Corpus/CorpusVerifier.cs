using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace NetDsl.Generator.Tests.Corpus;

/// <summary>
/// Roslyn's source-generator test driver (Microsoft.CodeAnalysis.CSharp.SourceGenerators.Testing) set up for NetDsl: the
/// .NET 10 reference assemblies from NuGet's Microsoft.NETCore.App.Ref (the runtime attributes assembly targets net10.0,
/// so net8.0's would not bind it: CS1705), plus NetDsl.Runtime and TorchSharp so that generated code compiles.
/// Expected diagnostics are written as markup in the source: <c>{|NDSL0003:In = 64|}</c> is NDSL0003 on exactly that
/// span. The driver compares every generator diagnostic and every compiler error of the output compilation (user code
/// plus generated code) with the markup, so a stray C# error in generated code fails the case too.
/// </summary>
public sealed class CorpusVerifier : CSharpSourceGeneratorTest<NetDslGenerator, DefaultVerifier>
{
    /// <summary>The SDK's version of the targeting pack; restored by NuGet into the global packages folder on first use.</summary>
    public static readonly ReferenceAssemblies Net100 = new("net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), Path.Combine("ref", "net10.0"));

    private static readonly ImmutableArray<MetadataReference> s_runtime = ImmutableArray.Create<MetadataReference>(
        MetadataReference.CreateFromFile(typeof(NetDsl.Stage).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location));

    public CorpusVerifier(string markedSource)
    {
        ReferenceAssemblies = Net100;
        TestState.Sources.Add(markedSource);
        TestState.AdditionalReferences.AddRange(s_runtime);
        // The corpus asserts diagnostics and that the output compiles, not the generated text (the snapshots do that).
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        CompilerDiagnostics = CompilerDiagnostics.Errors;
    }

    protected override ParseOptions CreateParseOptions() =>
        ((CSharpParseOptions)base.CreateParseOptions()).WithLanguageVersion(LanguageVersion.Latest);

    protected override CompilationOptions CreateCompilationOptions()
    {
        var options = (CSharpCompilationOptions)base.CreateCompilationOptions();
        return options.WithNullableContextOptions(NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions(options.SpecificDiagnosticOptions.SetItems(new Dictionary<string, ReportDiagnostic>
            {
                // As the SDK does: TorchSharp targets net8.0's System.Runtime; unifying it with net10.0's is expected.
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            }));
    }

    public static Task VerifyAsync(string markedSource, CancellationToken cancellationToken = default) =>
        new CorpusVerifier(markedSource).RunAsync(cancellationToken);
}

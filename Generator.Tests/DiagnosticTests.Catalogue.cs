using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>The catalogue's bookkeeping (ids, help links, release tracking, docs), suppression, and NDSL0019.</summary>
public partial class DiagnosticTests
{
    public static TheoryData<string> DescriptorIds
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var d in DiagnosticDescriptors.All) data.Add(d.Id);
            return data;
        }
    }

    // ------------------------------------------------------------------------------------------ catalogue

    [Fact]
    public void Descriptor_ids_are_NDSL_four_digits_and_unique()
    {
        Assert.NotEmpty(DiagnosticDescriptors.All);
        foreach (var d in DiagnosticDescriptors.All)
            Assert.Matches(new Regex("^NDSL[0-9]{4}$"), d.Id);
        var repeated = DiagnosticDescriptors.All.GroupBy(d => d.Id).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(repeated);
        // Every public static descriptor field is in All (a descriptor missing there could not be looked up by id).
        var fields = typeof(DiagnosticDescriptors).GetFields().Where(f => f.FieldType == typeof(DiagnosticDescriptor)).Select(f => (DiagnosticDescriptor)f.GetValue(null)!);
        Assert.Equal(fields.Select(d => d.Id).OrderBy(s => s), DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(s => s));
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Descriptor_is_complete_and_links_to_its_docs_section(string id)
    {
        var d = DiagnosticDescriptors.ById(id);
        Assert.Equal("NetDsl", d.Category);
        Assert.True(d.IsEnabledByDefault);
        Assert.False(string.IsNullOrWhiteSpace(d.Title.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(d.MessageFormat.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(d.Description.ToString()));
        Assert.EndsWith("/docs/diagnostics.md#" + id.ToLowerInvariant(), d.HelpLinkUri, StringComparison.Ordinal);
        Assert.True(Uri.TryCreate(d.HelpLinkUri, UriKind.Absolute, out var uri) && uri.Scheme == "https", d.HelpLinkUri);
    }

    [Fact]
    public void Unshipped_release_file_lists_every_descriptor_with_its_severity()
    {
        var rows = File.ReadAllLines(Path.Combine(RepoRoot, "Generator", "AnalyzerReleases.Unshipped.md"))
            .Where(l => l.StartsWith("NDSL", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .ToList();
        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id), rows.Select(r => r[0]));
        foreach (var row in rows)
        {
            var d = DiagnosticDescriptors.ById(row[0]);
            Assert.Equal(4, row.Length);
            Assert.Equal(d.Category, row[1]);
            Assert.Equal(d.DefaultSeverity.ToString(), row[2]);
            Assert.Equal(d.Title.ToString(), row[3]);
        }
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Docs_have_a_section_with_the_help_link_anchor(string id)
    {
        var d = DiagnosticDescriptors.ById(id);
        var docs = File.ReadAllText(Path.Combine(RepoRoot, "docs", "diagnostics.md")).Replace("\r\n", "\n");
        var anchor = $"<a id=\"{id.ToLowerInvariant()}\"></a>\n## {id}: {d.Title}\n";
        int start = docs.IndexOf(anchor, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/diagnostics.md has no section starting with:\n{anchor}");
        int end = docs.IndexOf("\n<a id=\"ndsl", start + anchor.Length, StringComparison.Ordinal);
        var section = end < 0 ? docs.Substring(start) : docs.Substring(start, end - start);
        Assert.Contains($"**Severity:** {d.DefaultSeverity}", section);
        Assert.Contains("```csharp", section);
    }

    [Theory]
    [MemberData(nameof(DescriptorIds))]
    public void Docs_index_lists_the_diagnostic_with_its_severity_and_title(string id)
    {
        var d = DiagnosticDescriptors.ById(id);
        var docs = File.ReadAllText(Path.Combine(RepoRoot, "docs", "diagnostics.md")).Replace("\r\n", "\n");
        Assert.Contains($"| [{id}](#{id.ToLowerInvariant()}) | {d.DefaultSeverity} | {d.Title} |", docs);
    }

    /// <summary>The folder holding NetDsl.sln, found from the test binaries upwards.</summary>
    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NetDsl.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("NetDsl.sln not found above " + AppContext.BaseDirectory);
        }
    }

    // ------------------------------------------------------------------------------------------ suppression

    private const string QuietAndLoud = """
        using NetDsl;

        #pragma warning disable NDSL0024
        [Network] public partial class Quiet { }
        #pragma warning restore NDSL0024

        [Network] public partial class Loud { }
        """;

    /// <summary>
    /// The generator driver filters what generators report through the compilation's options, pragmas included
    /// (GeneratorDriver.FilterDiagnostics), as the compiler does for a real build. A pragma only applies to a
    /// diagnostic located in the compilation's syntax tree, so this also proves the location is a real source one.
    /// </summary>
    [Fact]
    public void Pragma_warning_disable_suppresses_a_warning()
    {
        var result = GeneratorHarness.Run(QuietAndLoud);

        var loud = Assert.Single(result.GeneratorDiagnostics, d => !d.IsSuppressed);
        Assert.Equal("NDSL0024", loud.Id);
        Assert.Contains("'Loud'", loud.GetMessage());
        // The compiler keeps pragma-suppressed diagnostics, marked as such (the IDE greys them out; builds drop them).
        var quiet = Assert.Single(result.GeneratorDiagnostics, d => d.IsSuppressed);
        Assert.Contains("'Quiet'", quiet.GetMessage());
    }

    [Fact]
    public void Pragma_warning_disable_suppresses_an_error_and_the_class_stays_ungenerated()
    {
        var result = GeneratorHarness.Run("""
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv1;
            #pragma warning disable NDSL0003
                [Conv(8, Kernel = 3, In = 4)] Stage conv2;
            #pragma warning restore NDSL0003
            }
            """);

        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("NDSL0003", d.Id);
        Assert.True(d.IsSuppressed);
        // Suppressing the report does not make the declaration valid: nothing is generated.
        Assert.DoesNotContain("Net.g.cs", result.Sources.Keys);
    }

    /// <summary>
    /// Project-level severity (what &lt;NoWarn&gt;, &lt;WarningsAsErrors&gt; and .editorconfig's
    /// dotnet_diagnostic.NDSL0024.severity become) reaches generator diagnostics through the same filter.
    /// </summary>
    [Theory]
    [InlineData(ReportDiagnostic.Error, DiagnosticSeverity.Error)]
    [InlineData(ReportDiagnostic.Suppress, null)]
    public void Project_severity_options_apply_to_generator_diagnostics(ReportDiagnostic option, DiagnosticSeverity? expected)
    {
        var compilation = GeneratorHarness.Compile("""
            using NetDsl;

            [Network] public partial class Loud { }
            """);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem("NDSL0024", option)));

        var result = GeneratorHarness.Run(compilation);

        var reported = result.GeneratorDiagnostics.Where(d => d.Id == "NDSL0024" && !d.IsSuppressed).ToList();
        if (expected is null)
        {
            Assert.Empty(reported);
        }
        else
        {
            var d = Assert.Single(reported);
            Assert.Equal(expected, d.Severity);
            Assert.Equal(DiagnosticSeverity.Warning, d.DefaultSeverity);
        }
    }

    [Fact]
    public void An_error_lowered_to_a_warning_is_reported_as_a_warning_but_still_blocks_generation()
    {
        var compilation = GeneratorHarness.Compile("""
            using NetDsl;

            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net
            {
                [Conv(8, Kernel = 3)] Stage conv1;
                [Conv(8, Kernel = 3, In = 4)] Stage conv2;
            }
            """);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            compilation.Options.SpecificDiagnosticOptions.SetItem("NDSL0003", ReportDiagnostic.Warn)));

        var result = GeneratorHarness.Run(compilation);

        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("NDSL0003", d.Id);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        // The generator decides by the descriptor's default severity: a wrong declaration is never emitted.
        Assert.DoesNotContain("Net.g.cs", result.Sources.Keys);
    }

    // ------------------------------------------------------------------------------------------ NDSL0019

    private static readonly LocationInfo CraftedLocation = new("/src/Crafted.cs", new Microsoft.CodeAnalysis.Text.TextSpan(10, 3),
        new Microsoft.CodeAnalysis.Text.LinePositionSpan(new(1, 0), new(1, 3)));

    private static DeclarationSpec CraftedNetwork(params StageSpec[] stages) =>
        new(DeclarationKind.Network, "global::Crafted", "", "Crafted", "public", EquatableArray<string>.Empty,
            3, 8, 8, false, EquatableArray<ParamSpec>.Empty, stages.ToEquatableArray(), EquatableArray<DiagnosticInfo>.Empty, CraftedLocation);

    /// <summary>
    /// NDSL0019 is the generator's last line of defence: the parser never produces a null stage, so this spec can only
    /// be crafted by hand. Generate must turn the exception it causes into NDSL0019 on the class, not throw.
    /// </summary>
    [Fact]
    public void Generate_turns_an_exception_into_NDSL0019()
    {
        var spec = CraftedNetwork(new StageSpec[] { null! });

        var result = NetDslGenerator.Generate(spec, EquatableArray<DeclarationSpec>.Empty);

        Assert.Null(result.Source.Text);
        Assert.Equal("Crafted.g.cs", result.Source.HintName);
        var info = Assert.Single(result.Diagnostics);
        Assert.Equal("NDSL0019", info.Id);
        Assert.Equal(CraftedLocation, info.Location);
        var d = info.ToDiagnostic();
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.StartsWith("NetDsl could not process 'Crafted': NullReferenceException: ", d.GetMessage());
    }

    /// <summary>
    /// The one NDSL0019 source can reach: symbolic sizes make inference restart once per strided layer and axis
    /// (<c>ShapeInference.MaxRestarts</c> = 64), so 32 stride-2 poolings with Height/Width left at 0 do not converge.
    /// The message says what to do; nothing is generated and the output has no C# errors.
    /// </summary>
    [Fact]
    public void Symbolic_sizes_that_do_not_converge_report_NDSL0019_on_the_class()
    {
        var stages = string.Concat(Enumerable.Range(1, 32).Select(i => $"    [MaxPool(2)] Stage pool{i};\n"));
        var marked = MarkedSource.Parse("using NetDsl;\n\n[Network(InChannels = 3)]\npublic partial class [|Deep|]\n{\n" + stages + "}\n");

        var result = GeneratorHarness.Run(marked.Source);

        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("NDSL0019", d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(marked.Spans[0], d.Location.SourceSpan);
        Assert.Equal("NetDsl could not process 'Deep': the symbolic size constraints did not converge; give Height and Width on [Network]", d.GetMessage());
        Assert.DoesNotContain("Deep.g.cs", result.Sources.Keys);
        Assert.DoesNotContain(result.Output.GetDiagnostics(), e => e.Severity == DiagnosticSeverity.Error);
    }
}

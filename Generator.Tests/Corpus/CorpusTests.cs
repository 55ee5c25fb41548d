using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NetDsl.Generator.Diagnostics;
using Xunit;

namespace NetDsl.Generator.Tests.Corpus;

/// <summary>
/// Runs <see cref="BadDeclarations"/> through Roslyn's source-generator test driver: each case's diagnostics are exactly
/// its markup (id and span), and the output compilation has no C# error the markup does not name. Also checks that the
/// corpus stays what it claims: 200+ distinct cases, every diagnostic id and every DSL attribute covered.
/// </summary>
public class CorpusTests
{
    public static TheoryData<string> CaseNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in BadDeclarations.All.Keys) data.Add(name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Bad_declaration_reports_exactly_its_markup(string name)
    {
        var source = BadDeclarations.All[name].Source;
        Assert.Matches(MarkupId, source);
        await CorpusVerifier.VerifyAsync(source);
    }

    private static readonly Regex MarkupId = new(@"\{\|(NDSL\d{4}|CS\d{4}):", RegexOptions.Compiled);

    [Fact]
    public void Corpus_has_at_least_200_distinct_cases()
    {
        Assert.True(BadDeclarations.All.Count >= 200, $"only {BadDeclarations.All.Count} cases");
        var repeated = BadDeclarations.All.GroupBy(c => c.Value.Source).Where(g => g.Count() > 1).Select(g => string.Join(" = ", g.Select(c => c.Key))).ToList();
        Assert.True(repeated.Count == 0, "the same source twice: " + string.Join("; ", repeated));
    }

    [Fact]
    public void Corpus_covers_every_diagnostic_but_the_internal_error()
    {
        var covered = BadDeclarations.All.Values.SelectMany(c => MarkupId.Matches(c.Source).Select(m => m.Groups[1].Value)).ToHashSet();
        var missing = DiagnosticDescriptors.All.Select(d => d.Id).Where(id => id != DiagnosticDescriptors.InternalError.Id && !covered.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "no corpus case for " + string.Join(", ", missing));
        Assert.DoesNotContain(DiagnosticDescriptors.InternalError.Id, covered);
    }

    /// <summary>Every attribute of the DSL (NetDsl.Runtime's attribute classes) appears in some case.</summary>
    [Fact]
    public void Corpus_covers_every_attribute()
    {
        var attributes = typeof(NetDsl.Stage).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && typeof(Attribute).IsAssignableFrom(t) && t.Name.EndsWith("Attribute", StringComparison.Ordinal))
            .Select(t => t.Name.Substring(0, t.Name.Length - "Attribute".Length))
            .ToList();
        Assert.True(attributes.Count >= 40, $"only {attributes.Count} attribute classes found");
        var sources = BadDeclarations.All.Values.Select(c => c.Source).ToList();
        var missing = attributes.Where(a => !sources.Any(s => Regex.IsMatch(s, @"[\[,]\s*(\{\|\w+:)?" + a + @"\b(?!\.)"))).ToList();
        Assert.True(missing.Count == 0, "no corpus case uses [" + string.Join("], [", missing) + "]");
    }

    [Fact]
    public void Every_family_has_several_cases()
    {
        foreach (var (family, cases) in BadDeclarations.Families)
            Assert.True(cases.Length >= 5, $"{family} has only {cases.Length} cases");
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Tests.Corpus;

/// <summary>
/// The bad-declaration corpus: one entry per mistake, grouped by attribute family (Corpus.*.cs). Each entry is a whole
/// source file whose markup names every diagnostic the generator must report and its exact span
/// (<c>{|NDSL0010:Kernel = 0|}</c>, Roslyn's test markup); <see cref="CorpusTests"/> runs them through Roslyn's
/// source-generator test driver. To add a case, add one <c>C("name", source)</c> line to the family's array. Declarations
/// today's generator gets wrong are listed in KnownDefects.md instead, until they are fixed.
/// </summary>
public static partial class BadDeclarations
{
    /// <summary>Every family, by name (a property: the families' arrays live in other files, whose static fields may initialise later).</summary>
    public static IReadOnlyList<(string Family, CorpusCase[] Cases)> Families => new[]
    {
        ("Convolutions", Convolutions),
        ("Layers", Layers),
        ("Composition", Composition),
        ("Declarations", Declarations),
        ("Wavelets", Wavelets),
        ("Pyramids", Pyramids),
        ("Octave", Octave),
        ("Taps", Taps),
        ("Dilation", Dilation),
        ("Symbolic", Symbolic),
        ("Modern", Modern),
        ("Limits", Limits),
        ("Modules", Modules),
        ("Families", Families_),
    };

    /// <summary>Every case under "Family: name".</summary>
    public static IReadOnlyDictionary<string, CorpusCase> All => s_all.Value;

    private static readonly Lazy<Dictionary<string, CorpusCase>> s_all = new(Index);

    private static Dictionary<string, CorpusCase> Index()
    {
        var all = new Dictionary<string, CorpusCase>(StringComparer.Ordinal);
        foreach (var (family, cases) in Families)
        {
            foreach (var c in cases)
            {
                var key = family + ": " + c.Name;
                if (!all.TryAdd(key, c)) throw new InvalidOperationException("two corpus cases are named " + key);
            }
        }
        return all;
    }
}

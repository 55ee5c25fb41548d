using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// Source text with expected diagnostic spans marked as <c>[|...|]</c> (Roslyn's test convention). The
/// markers are stripped; <see cref="Spans"/> are the positions of the marked text in the stripped source.
/// </summary>
public sealed record MarkedSource(string Source, ImmutableArray<TextSpan> Spans)
{
    public const string Open = "[|";
    public const string Close = "|]";

    public static MarkedSource Parse(string marked)
    {
        var text = new StringBuilder(marked.Length);
        var spans = ImmutableArray.CreateBuilder<TextSpan>();
        int start = -1;
        for (int i = 0; i < marked.Length; i++)
        {
            if (string.CompareOrdinal(marked, i, Open, 0, Open.Length) == 0)
            {
                if (start >= 0) throw new ArgumentException($"nested {Open} at {i}: markers do not nest");
                start = text.Length;
                i += Open.Length - 1;
            }
            else if (string.CompareOrdinal(marked, i, Close, 0, Close.Length) == 0)
            {
                if (start < 0) throw new ArgumentException($"{Close} without {Open} at {i}");
                spans.Add(TextSpan.FromBounds(start, text.Length));
                start = -1;
                i += Close.Length - 1;
            }
            else
            {
                text.Append(marked[i]);
            }
        }
        if (start >= 0) throw new ArgumentException($"{Open} without {Close}");
        return new MarkedSource(text.ToString(), spans.ToImmutable());
    }

    /// <summary>The marked texts, for readable assertion messages.</summary>
    public IEnumerable<string> MarkedTexts
    {
        get
        {
            foreach (var span in Spans) yield return Source.Substring(span.Start, span.Length);
        }
    }
}

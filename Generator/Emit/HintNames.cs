using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// Hint names of the generated files (as Mapperly's FileNameBuilder does): the class's metadata-style name, with
    /// '+' between containing types so that class C nested in B of namespace A ("A.B+C") and class C of namespace A.B
    /// ("A.B.C") differ, then made unique across all files ignoring case, as the compiler compares them.
    /// </summary>
    public static class HintNames
    {
        private const string Suffix = ".g.cs";

        /// <summary>The hint name of one declaration, e.g. "Samples.ResNet50.g.cs", "App.Outer+Net.g.cs".</summary>
        public static string Of(DeclarationSpec spec)
        {
            var name = new System.Text.StringBuilder();
            if (spec.Namespace.Length > 0) name.Append(spec.Namespace).Append('.');
            foreach (var parent in spec.ContainingTypes) name.Append(parent.Substring(parent.LastIndexOf(' ') + 1)).Append('+');
            name.Append(spec.ClassName);
            // Identifiers may be escaped (@class) or hold letters a file name should not: those become '_'.
            var hint = new System.Text.StringBuilder(name.Length + Suffix.Length);
            foreach (char c in name.ToString())
            {
                if (c == '@') continue;
                hint.Append(char.IsLetterOrDigit(c) || c is '.' or '+' or '_' or '-' ? c : '_');
            }
            return hint.Append(Suffix).ToString();
        }

        /// <summary>
        /// The sources to add, in hint-name order, each hint unique ignoring case: a later one of the same name gets
        /// "_2", "_3", ... before ".g.cs". Sources without text (a declaration with errors) are left out.
        /// </summary>
        public static IEnumerable<(string HintName, string Text)> MakeUnique(IEnumerable<GeneratedSource> sources)
        {
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var source in sources.Where(s => s.Text is not null)
                .OrderBy(s => s.HintName, StringComparer.Ordinal).ThenBy(s => s.Text, StringComparer.Ordinal))
            {
                string stem = source.HintName.EndsWith(Suffix, StringComparison.Ordinal)
                    ? source.HintName.Substring(0, source.HintName.Length - Suffix.Length)
                    : source.HintName;
                string hint = stem + Suffix;
                for (int i = 2; !used.Add(hint); i++) hint = stem + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + Suffix;
                yield return (hint, source.Text!);
            }
        }
    }
}

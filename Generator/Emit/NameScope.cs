using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// The names of one C# scope of the generated code: the user's names are reserved first (they are never renamed, the
    /// field name is the PyTorch name), then every generated name is claimed: the preferred one when it is free, else
    /// the first free of "_name", "__name", ... (for a private field "_c" next to a stage "_c") or "name_", "name__", ...
    /// Deterministic: the same declaration always gets the same names, and the common case keeps the preferred ones.
    /// </summary>
    public sealed class NameScope
    {
        private readonly HashSet<string> _taken = new HashSet<string>(StringComparer.Ordinal);

        public NameScope(IEnumerable<string> reserved)
        {
            foreach (var name in reserved) _taken.Add(name);
        }

        /// <summary>Whether <paramref name="name"/> is taken in this scope.</summary>
        public bool IsTaken(string name) => _taken.Contains(name);

        /// <summary>Marks <paramref name="name"/> taken (a user name, or a fixed generated one).</summary>
        public void Reserve(string name) => _taken.Add(name);

        /// <summary>Claims <paramref name="preferred"/> or the first free variant of it; returns the name claimed.</summary>
        public string Claim(string preferred)
        {
            string name = preferred;
            while (!_taken.Add(name)) name = preferred.StartsWith("_", StringComparison.Ordinal) ? "_" + name : name + "_";
            return name;
        }

        /// <summary>
        /// A user name as a C# identifier: with @ when it is a keyword (a stage 'in', a class 'class'), or 'field' or
        /// 'value', which mean something else inside the generated property accessors (Stages => new[] { @field }).
        /// </summary>
        public static string Escape(string name)
        {
            if (name.Length == 0 || name[0] == '@') return name;
            return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || name is "field" or "value" ? "@" + name : name;
        }

        /// <summary>A dotted name (a namespace) with each part escaped.</summary>
        public static string EscapeDotted(string name)
        {
            var parts = name.Split('.');
            for (int i = 0; i < parts.Length; i++) parts[i] = Escape(parts[i].TrimStart('@'));
            return string.Join(".", parts);
        }
    }
}

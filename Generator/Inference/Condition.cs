using System;
using System.Collections.Generic;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// The condition of an [If] stage: comparisons of integer expressions (<see cref="Expr"/>) combined with &amp;&amp;, ||
    /// and !, evaluated per use at compile time and written back as C# for the generated constructor and forward.
    /// </summary>
    public abstract class Condition
    {
        /// <summary>Evaluates with the given variables; null and an error text when it cannot.</summary>
        public abstract bool? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error);

        /// <summary>C# for the condition; <paramref name="name"/> writes each variable (a constructor parameter, a field).</summary>
        public abstract string ToCSharp(Func<string, string> name, int parentPrecedence = 0);

        public abstract void CollectVariables(ISet<string> names);

        /// <summary>Parses a condition; null and an error message when the text is malformed.</summary>
        public static Condition? Parse(string text, out string? error)
        {
            try
            {
                var result = ParseOr(text.Trim());
                error = null;
                return result;
            }
            catch (FormatException e)
            {
                error = e.Message;
                return null;
            }
        }

        private static Condition ParseOr(string text)
        {
            var parts = SplitTopLevel(text, "||");
            if (parts.Count > 1)
            {
                Condition c = ParseAnd(parts[0]);
                for (int i = 1; i < parts.Count; i++) c = new Logical("||", c, ParseAnd(parts[i]));
                return c;
            }
            return ParseAnd(text);
        }

        private static Condition ParseAnd(string text)
        {
            var parts = SplitTopLevel(text, "&&");
            if (parts.Count > 1)
            {
                Condition c = ParseUnary(parts[0]);
                for (int i = 1; i < parts.Count; i++) c = new Logical("&&", c, ParseUnary(parts[i]));
                return c;
            }
            return ParseUnary(text);
        }

        private static Condition ParseUnary(string text)
        {
            text = text.Trim();
            if (text.Length == 0) throw new FormatException("a condition is empty");
            if (text[0] == '!' && !(text.Length > 1 && text[1] == '='))
                return new Not(ParseUnary(text.Substring(1)));
            if (text[0] == '(' && Matching(text, 0) == text.Length - 1 && !HasTopLevelComparison(text.Substring(1, text.Length - 2), out _, out _))
            {
                // Parentheses around a whole condition (not around an arithmetic operand of a comparison).
                return ParseOr(text.Substring(1, text.Length - 2));
            }
            if (!HasTopLevelComparison(text, out int at, out string op))
                throw new FormatException($"\"{text}\" is not a comparison (==, !=, <, <=, >, >=)");
            var left = Expr.Parse(text.Substring(0, at), out var e1) ?? throw new FormatException(e1 ?? "bad left side");
            var right = Expr.Parse(text.Substring(at + op.Length), out var e2) ?? throw new FormatException(e2 ?? "bad right side");
            return new Comparison(op, left, right);
        }

        private static int Matching(string text, int open)
        {
            int depth = 0;
            for (int i = open; i < text.Length; i++)
            {
                if (text[i] == '(') depth++;
                else if (text[i] == ')' && --depth == 0) return i;
            }
            throw new FormatException($"missing ')' in \"{text}\"");
        }

        private static bool HasTopLevelComparison(string text, out int at, out string op)
        {
            int depth = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '(') depth++;
                else if (c == ')') depth--;
                else if (depth == 0)
                {
                    string two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                    if (two is "==" or "!=" or "<=" or ">=") { at = i; op = two; return true; }
                    if (c is '<' or '>') { at = i; op = c.ToString(); return true; }
                }
            }
            at = -1;
            op = "";
            return false;
        }

        private static List<string> SplitTopLevel(string text, string op)
        {
            var parts = new List<string>();
            int depth = 0, start = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '(') depth++;
                else if (text[i] == ')') depth--;
                else if (depth == 0 && string.CompareOrdinal(text, i, op, 0, op.Length) == 0)
                {
                    parts.Add(text.Substring(start, i - start));
                    start = i + op.Length;
                    i += op.Length - 1;
                }
            }
            parts.Add(text.Substring(start));
            return parts;
        }

        private sealed class Comparison : Condition
        {
            private readonly string _op;
            private readonly Expr _left, _right;

            public Comparison(string op, Expr left, Expr right)
            {
                _op = op;
                _left = left;
                _right = right;
            }

            public override bool? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error)
            {
                var l = _left.Evaluate(variables, out error);
                if (l is null) return null;
                var r = _right.Evaluate(variables, out error);
                if (r is null) return null;
                return _op switch
                {
                    "==" => l == r,
                    "!=" => l != r,
                    "<" => l < r,
                    "<=" => l <= r,
                    ">" => l > r,
                    _ => l >= r,
                };
            }

            public override string ToCSharp(Func<string, string> name, int parentPrecedence = 0)
            {
                var map = new Dictionary<string, Expr>(StringComparer.Ordinal);
                var names = new SortedSet<string>(StringComparer.Ordinal);
                CollectVariables(names);
                foreach (var n in names) map[n] = Expr.Var(name(n));
                return _left.Substitute(map).ToCSharp() + " " + _op + " " + _right.Substitute(map).ToCSharp();
            }

            public override void CollectVariables(ISet<string> names)
            {
                _left.CollectVariables(names);
                _right.CollectVariables(names);
            }
        }

        private sealed class Logical : Condition
        {
            private readonly string _op;
            private readonly Condition _left, _right;

            public Logical(string op, Condition left, Condition right)
            {
                _op = op;
                _left = left;
                _right = right;
            }

            public override bool? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error)
            {
                var l = _left.Evaluate(variables, out error);
                if (l is null) return null;
                if (_op == "&&" && !l.Value) return false;
                if (_op == "||" && l.Value) return true;
                return _right.Evaluate(variables, out error);
            }

            public override string ToCSharp(Func<string, string> name, int parentPrecedence = 0)
            {
                int precedence = _op == "||" ? 1 : 2;
                var text = _left.ToCSharp(name, precedence) + " " + _op + " " + _right.ToCSharp(name, precedence);
                return precedence < parentPrecedence ? "(" + text + ")" : text;
            }

            public override void CollectVariables(ISet<string> names)
            {
                _left.CollectVariables(names);
                _right.CollectVariables(names);
            }
        }

        private sealed class Not : Condition
        {
            private readonly Condition _inner;

            public Not(Condition inner) => _inner = inner;

            public override bool? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error) => !_inner.Evaluate(variables, out error);

            public override string ToCSharp(Func<string, string> name, int parentPrecedence = 0) => "!(" + _inner.ToCSharp(name) + ")";

            public override void CollectVariables(ISet<string> names) => _inner.CollectVariables(names);
        }
    }
}

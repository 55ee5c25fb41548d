using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// An integer expression from an attribute argument: a literal (<c>64</c>) or, inside a block, arithmetic
    /// over its parameters and <c>in_channels</c> (<c>"planes * 4"</c>). Evaluated at compile time for each
    /// use, and written back as C# in the block's constructor.
    /// </summary>
    public abstract class Expr : IEquatable<Expr>
    {
        public const string InChannels = "in_channels";

        public static Expr Num(long value) => new NumExpr(value);

        public static Expr Var(string name) => new VarExpr(name);

        /// <summary>A real literal (an octave convolution's alpha, or a double block argument).</summary>
        public static Expr Real(double value) => new RealExpr(value);

        public static Expr Add(Expr a, Expr b) => Binary('+', a, b);

        public static Expr Mul(Expr a, Expr b) => Binary('*', a, b);

        /// <summary>Builds a binary expression, folding constants and neutral elements.</summary>
        public static Expr Binary(char op, Expr a, Expr b)
        {
            if (a is NumExpr x && b is NumExpr y)
            {
                switch (op)
                {
                    case '+': return Num(x.Value + y.Value);
                    case '-': return Num(x.Value - y.Value);
                    case '*': return Num(x.Value * y.Value);
                    case '/' when y.Value != 0: return Num(ShapeMath.FloorDiv(x.Value, y.Value));
                    case '%' when y.Value != 0: return Num(x.Value - ShapeMath.FloorDiv(x.Value, y.Value) * y.Value);
                }
            }
            if (op == '*' && a is NumExpr { Value: 1 }) return b;
            if ((op == '*' || op == '/') && b is NumExpr { Value: 1 }) return a;
            if (op == '+' && a is NumExpr { Value: 0 }) return b;
            if ((op == '+' || op == '-') && b is NumExpr { Value: 0 }) return a;
            return new BinaryExpr(op, a, b);
        }

        /// <summary>True when the expression is a literal.</summary>
        public bool IsConstant => this is NumExpr;

        /// <summary>Evaluates with the given variables; null and an error text when it cannot.</summary>
        public abstract long? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error);

        /// <summary>
        /// Evaluates in real arithmetic (true division), for alphas and double parameters: names are looked up in
        /// <paramref name="variables"/>, which hold the int parameters too. Null and an error text when it cannot.
        /// </summary>
        public abstract double? EvaluateReal(IReadOnlyDictionary<string, double> variables, out string? error);

        /// <summary>C# source for the expression (integer arithmetic; the operands are never negative).</summary>
        public abstract string ToCSharp(int parentPrecedence = 0);

        /// <summary>Names of the variables used.</summary>
        public abstract void CollectVariables(ISet<string> names);

        /// <summary>Replaces variables by expressions (a block's parameters by the arguments of a use).</summary>
        public abstract Expr Substitute(IReadOnlyDictionary<string, Expr> replacements);

        public override string ToString() => ToCSharp();

        public abstract bool Equals(Expr? other);

        public override bool Equals(object? obj) => obj is Expr e && Equals(e);

        public override int GetHashCode() => ToCSharp().GetHashCode();

        /// <summary>Parses an expression; returns null and an error message when the text is malformed.</summary>
        public static Expr? Parse(string text, out string? error)
        {
            var parser = new Parser(text);
            try
            {
                var expr = parser.ParseExpression();
                parser.SkipSpaces();
                if (!parser.AtEnd)
                {
                    error = $"unexpected '{parser.Current}' at position {parser.Position + 1} in \"{text}\"";
                    return null;
                }
                error = null;
                return expr;
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return null;
            }
        }

        private sealed class NumExpr : Expr
        {
            public NumExpr(long value) => Value = value;
            public long Value { get; }

            public override long? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error)
            {
                error = null;
                return Value;
            }

            public override double? EvaluateReal(IReadOnlyDictionary<string, double> variables, out string? error)
            {
                error = null;
                return Value;
            }

            public override string ToCSharp(int parentPrecedence = 0) => Value.ToString(CultureInfo.InvariantCulture);

            public override void CollectVariables(ISet<string> names) { }

            public override Expr Substitute(IReadOnlyDictionary<string, Expr> replacements) => this;

            public override bool Equals(Expr? other) => other is NumExpr n && n.Value == Value;
        }

        private sealed class RealExpr : Expr
        {
            public RealExpr(double value) => Value = value;
            public double Value { get; }

            public override long? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error)
            {
                error = $"{ToCSharp()} is not an integer";
                return null;
            }

            public override double? EvaluateReal(IReadOnlyDictionary<string, double> variables, out string? error)
            {
                error = null;
                return Value;
            }

            public override string ToCSharp(int parentPrecedence = 0)
            {
                var text = Value.ToString("R", CultureInfo.InvariantCulture);
                return text.IndexOf('.') >= 0 || text.IndexOf('E') >= 0 ? text : text + ".0";
            }

            public override void CollectVariables(ISet<string> names) { }

            public override Expr Substitute(IReadOnlyDictionary<string, Expr> replacements) => this;

            public override bool Equals(Expr? other) => other is RealExpr r && r.Value.Equals(Value);
        }

        private sealed class VarExpr : Expr
        {
            public VarExpr(string name) => Name = name;
            public string Name { get; }

            public override long? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error)
            {
                if (variables.TryGetValue(Name, out var v))
                {
                    error = null;
                    return v;
                }
                error = $"unknown name '{Name}' (known: {string.Join(", ", variables.Keys)})";
                return null;
            }

            public override double? EvaluateReal(IReadOnlyDictionary<string, double> variables, out string? error)
            {
                if (variables.TryGetValue(Name, out var v))
                {
                    error = null;
                    return v;
                }
                error = $"unknown name '{Name}' (known: {string.Join(", ", variables.Keys)})";
                return null;
            }

            // A [Param] named like a keyword (int @checked) is written @checked.
            public override string ToCSharp(int parentPrecedence = 0) => Emit.NameScope.Escape(Name);

            public override void CollectVariables(ISet<string> names) => names.Add(Name);

            public override Expr Substitute(IReadOnlyDictionary<string, Expr> replacements) =>
                replacements.TryGetValue(Name, out var replacement) ? replacement : this;

            public override bool Equals(Expr? other) => other is VarExpr v && v.Name == Name;
        }

        private sealed class BinaryExpr : Expr
        {
            public BinaryExpr(char op, Expr left, Expr right)
            {
                Op = op;
                Left = left;
                Right = right;
            }

            public char Op { get; }
            public Expr Left { get; }
            public Expr Right { get; }

            private int Precedence => Op == '+' || Op == '-' ? 1 : 2;

            public override long? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error)
            {
                var l = Left.Evaluate(variables, out error);
                if (l is null) return null;
                var r = Right.Evaluate(variables, out error);
                if (r is null) return null;
                switch (Op)
                {
                    case '+': return l + r;
                    case '-': return l - r;
                    case '*': return l * r;
                    case '/':
                    case '%':
                        if (r == 0)
                        {
                            error = $"division by zero in \"{ToCSharp()}\"";
                            return null;
                        }
                        return Op == '/' ? ShapeMath.FloorDiv(l.Value, r.Value) : l.Value - ShapeMath.FloorDiv(l.Value, r.Value) * r.Value;
                }
                error = $"unknown operator '{Op}'";
                return null;
            }

            public override double? EvaluateReal(IReadOnlyDictionary<string, double> variables, out string? error)
            {
                var l = Left.EvaluateReal(variables, out error);
                if (l is null) return null;
                var r = Right.EvaluateReal(variables, out error);
                if (r is null) return null;
                switch (Op)
                {
                    case '+': return l + r;
                    case '-': return l - r;
                    case '*': return l * r;
                    case '/':
                    case '%':
                        if (r == 0)
                        {
                            error = $"division by zero in \"{ToCSharp()}\"";
                            return null;
                        }
                        return Op == '/' ? l / r : l - Math.Floor(l.Value / r.Value) * r;
                }
                error = $"unknown operator '{Op}'";
                return null;
            }

            public override string ToCSharp(int parentPrecedence = 0)
            {
                // Right operands of - / % need parentheses at equal precedence.
                var text = Left.ToCSharp(Precedence) + " " + Op + " " + Right.ToCSharp(Precedence + (Op == '+' || Op == '*' ? 0 : 1));
                return Precedence < parentPrecedence ? "(" + text + ")" : text;
            }

            public override void CollectVariables(ISet<string> names)
            {
                Left.CollectVariables(names);
                Right.CollectVariables(names);
            }

            public override Expr Substitute(IReadOnlyDictionary<string, Expr> replacements) =>
                Binary(Op, Left.Substitute(replacements), Right.Substitute(replacements));

            public override bool Equals(Expr? other) =>
                other is BinaryExpr b && b.Op == Op && b.Left.Equals(Left) && b.Right.Equals(Right);
        }

        private sealed class Parser
        {
            private readonly string _text;
            private int _pos;

            public Parser(string text) => _text = text;

            public bool AtEnd => _pos >= _text.Length;
            public int Position => _pos;
            public char Current => _text[_pos];

            public void SkipSpaces()
            {
                while (!AtEnd && char.IsWhiteSpace(Current)) _pos++;
            }

            public Expr ParseExpression()
            {
                var left = ParseTerm();
                while (true)
                {
                    SkipSpaces();
                    if (AtEnd || (Current != '+' && Current != '-')) return left;
                    var op = Current;
                    _pos++;
                    left = Binary(op, left, ParseTerm());
                }
            }

            private Expr ParseTerm()
            {
                var left = ParseFactor();
                while (true)
                {
                    SkipSpaces();
                    if (AtEnd || (Current != '*' && Current != '/' && Current != '%')) return left;
                    var op = Current;
                    _pos++;
                    // Accept Python's floor division '//' as '/'.
                    if (op == '/' && !AtEnd && Current == '/') _pos++;
                    left = Binary(op, left, ParseFactor());
                }
            }

            private Expr ParseFactor()
            {
                SkipSpaces();
                if (AtEnd) throw new FormatException($"expression \"{_text}\" ends early");
                char c = Current;
                if (c == '(')
                {
                    _pos++;
                    var inner = ParseExpression();
                    SkipSpaces();
                    if (AtEnd || Current != ')') throw new FormatException($"missing ')' in \"{_text}\"");
                    _pos++;
                    return inner;
                }
                if (c == '-')
                {
                    _pos++;
                    return Binary('-', Num(0), ParseFactor());
                }
                if (char.IsDigit(c))
                {
                    int start = _pos;
                    while (!AtEnd && char.IsDigit(Current)) _pos++;
                    var digits = _text.Substring(start, _pos - start);
                    if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                        throw new FormatException($"number '{digits}' is too large");
                    return Num(value);
                }
                if (char.IsLetter(c) || c == '_')
                {
                    int start = _pos;
                    while (!AtEnd && (char.IsLetterOrDigit(Current) || Current == '_')) _pos++;
                    return Var(_text.Substring(start, _pos - start));
                }
                throw new FormatException($"unexpected '{c}' at position {_pos + 1} in \"{_text}\"");
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// An integer expression from an attribute argument: a literal (<c>64</c>) or, inside a block, arithmetic
    /// over its parameters and <c>in_channels</c> (<c>"planes * 4"</c>). Evaluated at compile time for each
    /// use, and written back as C# in the block's constructor.
    /// <para>
    /// Integer expressions are kept in a normal form: a sum of monomials, each an integer coefficient times a product of
    /// atoms (a name, or a floor division or floor modulo of two normalised expressions), constants folded and like terms
    /// merged. A dense block's <c>in_channels + growth + growth + ...</c> is therefore <c>in_channels + 48 * growth</c>, however
    /// often it is substituted. Real literals (alphas) keep the plain tree of the text. Every walk over an expression (evaluation,
    /// substitution, printing, equality) uses an explicit stack: the depth of an expression never reaches the call stack.
    /// Arithmetic is checked: a constant that does not fit 64 bits keeps the operation unfolded, and evaluating it is an error.
    /// </para>
    /// </summary>
    public abstract class Expr : IEquatable<Expr>
    {
        public const string InChannels = "in_channels";

        /// <summary>In the arguments of a repeated use: the copy's index from 0 (stochastic depth growing with the block's
        /// position, as torchvision computes it).</summary>
        public const string CopyIndex = "index";

        /// <summary>A product of sums with more terms than this is kept unexpanded (an atom), so that no expansion blows up.</summary>
        public const int MaxExpandedTerms = 4096;

        /// <summary>Parentheses nested deeper than this are a parse error (the parser is recursive in them).</summary>
        public const int MaxParenthesesDepth = 200;

        private const string FloorDivName = "global::NetDsl.PyMath.FloorDiv";
        private const string FloorModName = "global::NetDsl.PyMath.FloorMod";

        private readonly int _hash;

        /// <summary>Provably never negative (see <see cref="ToCSharp"/>): computed once, bottom-up, when the node is built.</summary>
        private readonly bool _nonNegative;

        private Expr(int hash, bool nonNegative)
        {
            _hash = hash;
            _nonNegative = nonNegative;
        }

        public static Expr Num(long value) => new NumExpr(value);

        public static Expr Var(string name) => new VarExpr(name, real: false);

        /// <summary>
        /// A double [Param] (an alpha): an expression with one keeps the plain tree of its text, with true division, as a
        /// real literal does (<c>alpha / 2</c> is 0.25 for alpha = 0.5, and is written as C#'s <c>/</c> on a double).
        /// </summary>
        public static Expr RealVar(string name) => new VarExpr(name, real: true);

        /// <summary>A real literal (an octave convolution's alpha, or a double block argument).</summary>
        public static Expr Real(double value) => new RealExpr(value);

        public static Expr Add(Expr a, Expr b) => Binary('+', a, b);

        public static Expr Mul(Expr a, Expr b) => Binary('*', a, b);

        /// <summary>
        /// Builds <c>a op b</c> (op one of + - * / %, with Python's floor semantics for / and %) in normal form. With a real
        /// operand the plain tree is kept (neutral elements folded); when a folded constant would not fit 64 bits, the operation
        /// is kept unfolded and its evaluation reports the overflow.
        /// </summary>
        public static Expr Binary(char op, Expr a, Expr b)
        {
            if (op != '+' && op != '-' && op != '*' && op != '/' && op != '%') throw new ArgumentException($"unknown operator '{op}'", nameof(op));
            if (a.IsReal || b.IsReal) return Tree(op, a, b);
            try
            {
                return checked(Normal(op, a, b));
            }
            catch (OverflowException)
            {
                return new TreeExpr(op, a, b);
            }
        }

        /// <summary>True when the expression is a literal.</summary>
        public bool IsConstant => this is NumExpr;

        /// <summary>True when it holds a real literal (kept as a plain tree, evaluated in real arithmetic only).</summary>
        private bool IsReal => this is RealExpr || this is TreeExpr { HasReal: true } || this is VarExpr { IsRealName: true };

        /// <summary>Evaluates with the given variables (checked 64-bit arithmetic); null and an error text when it cannot.</summary>
        public long? Evaluate(IReadOnlyDictionary<string, long> variables, out string? error)
        {
            if (this is NumExpr n)
            {
                error = null;
                return n.Value;
            }
            var memo = new Dictionary<Expr, long>(ReferenceComparer.Instance);
            foreach (var node in PostOrder())
            {
                long value;
                try
                {
                    var local = checked(node.EvaluateLocal(memo, variables, out error));
                    if (local is null) return null;
                    value = local.Value;
                }
                catch (OverflowException)
                {
                    error = OverflowText(node, variables);
                    return null;
                }
                memo[node] = value;
            }
            error = null;
            return memo[this];
        }

        /// <summary>
        /// The largest magnitude of any node's value (the expression, its sums, its divisions' operands) with the given
        /// variables: what the generated code, which computes in C# int, passes through. long.MaxValue when a node does not
        /// fit 64 bits or cannot be evaluated.
        /// </summary>
        public long LargestIntermediate(IReadOnlyDictionary<string, long> variables)
        {
            var memo = new Dictionary<Expr, long>(ReferenceComparer.Instance);
            long largest = 0;
            foreach (var node in PostOrder())
            {
                try
                {
                    var local = checked(node.EvaluateLocal(memo, variables, out _));
                    if (local is null) return long.MaxValue;
                    memo[node] = local.Value;
                    largest = Math.Max(largest, local.Value == long.MinValue ? long.MaxValue : Math.Abs(local.Value));
                }
                catch (OverflowException)
                {
                    return long.MaxValue;
                }
            }
            return largest;
        }

        /// <summary>
        /// Evaluates in real arithmetic (true division), for alphas and double parameters: names are looked up in
        /// <paramref name="variables"/>, which hold the int parameters too. Null and an error text when it cannot.
        /// </summary>
        public double? EvaluateReal(IReadOnlyDictionary<string, double> variables, out string? error)
        {
            var memo = new Dictionary<Expr, double>(ReferenceComparer.Instance);
            foreach (var node in PostOrder())
            {
                var local = node.EvaluateRealLocal(memo, variables, out error);
                if (local is null) return null;
                memo[node] = local.Value;
            }
            error = null;
            return memo[this];
        }

        /// <summary>
        /// C# source for the expression. Floor division and modulo are written as <c>global::NetDsl.PyMath.FloorDiv(a, b)</c> and
        /// <c>FloorMod</c> (C#'s <c>/</c> and <c>%</c> truncate toward zero), except for a plain <c>a / b</c> where the numerator is provably
        /// non-negative (a sum of positive multiples of <c>in_channels</c>) and the divisor a positive literal.
        /// </summary>
        public string ToCSharp(int parentPrecedence = 0)
        {
            var text = new StringBuilder();
            var work = new Stack<PrintItem>();
            work.Push(new PrintItem(this, parentPrecedence));
            while (work.Count > 0)
            {
                var item = work.Pop();
                if (item.Node is null) text.Append(item.Text);
                else item.Node.Print(item.Precedence, work);
            }
            return text.ToString();
        }

        /// <summary>Names of the variables used.</summary>
        public void CollectVariables(ISet<string> names)
        {
            foreach (var node in PostOrder())
                if (node is VarExpr v) names.Add(v.Name);
        }

        /// <summary>Replaces variables by expressions (a block's parameters by the arguments of a use); the result is normalised.</summary>
        public Expr Substitute(IReadOnlyDictionary<string, Expr> replacements)
        {
            if (replacements.Count == 0 || this is NumExpr || this is RealExpr) return this;
            var memo = new Dictionary<Expr, Expr>(ReferenceComparer.Instance);
            foreach (var node in PostOrder()) memo[node] = node.Rebuild(memo, replacements);
            return memo[this];
        }

        public override string ToString() => ToCSharp();

        public bool Equals(Expr? other)
        {
            if (ReferenceEquals(this, other)) return true;
            if (other is null || other._hash != _hash) return false;
            var pairs = new Stack<(Expr, Expr)>();
            pairs.Push((this, other));
            while (pairs.Count > 0)
            {
                var (x, y) = pairs.Pop();
                if (ReferenceEquals(x, y)) continue;
                if (x._hash != y._hash || x.GetType() != y.GetType() || !x.ShallowEquals(y, pairs)) return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is Expr e && Equals(e);

        public override int GetHashCode() => _hash;

        /// <summary>Parses an expression; returns null and an error message when the text is malformed.</summary>
        public static Expr? Parse(string text, out string? error) => Parse(text, null, out error);

        /// <summary>As <see cref="Parse(string, out string?)"/>, with the names of double parameters (see <see cref="RealVar"/>).</summary>
        public static Expr? Parse(string text, ICollection<string>? realNames, out string? error)
        {
            var parser = new Parser(text, realNames);
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

        // ------------------------------------------------------------------ node protocol

        /// <summary>The direct sub-expressions (atoms of a sum, operands of a division).</summary>
        private protected abstract IEnumerable<Expr> Children();

        private protected abstract long? EvaluateLocal(Dictionary<Expr, long> memo, IReadOnlyDictionary<string, long> variables, out string? error);

        private protected abstract double? EvaluateRealLocal(Dictionary<Expr, double> memo, IReadOnlyDictionary<string, double> variables, out string? error);

        private protected abstract Expr Rebuild(Dictionary<Expr, Expr> memo, IReadOnlyDictionary<string, Expr> replacements);

        /// <summary>Pushes the text of this node (in reverse order) for a parent of the given precedence.</summary>
        private protected abstract void Print(int parentPrecedence, Stack<PrintItem> work);

        /// <summary>Same type and hash; compares the node's own data and pushes the pairs of children still to compare.</summary>
        private protected abstract bool ShallowEquals(Expr other, Stack<(Expr, Expr)> pairs);

        /// <summary>Every distinct node once, children before parents (an explicit stack, no recursion).</summary>
        private List<Expr> PostOrder()
        {
            var order = new List<Expr>();
            var seen = new HashSet<Expr>(ReferenceComparer.Instance);
            var stack = new Stack<(Expr Node, bool Expanded)>();
            stack.Push((this, false));
            while (stack.Count > 0)
            {
                var (node, expanded) = stack.Pop();
                if (expanded)
                {
                    order.Add(node);
                    continue;
                }
                if (!seen.Add(node)) continue;
                stack.Push((node, true));
                foreach (var child in node.Children())
                    if (!seen.Contains(child)) stack.Push((child, false));
            }
            return order;
        }

        private static string OverflowText(Expr node, IReadOnlyDictionary<string, long> variables)
        {
            var real = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var pair in variables) real[pair.Key] = pair.Value;
            var approx = node.EvaluateReal(real, out _);
            return $"\"{node.ToCSharp()}\" is " + (approx is double d ? "about " + FormatLarge(d) + ", which" : "a value that") + " does not fit a 64-bit integer";
        }

        /// <summary>A large number for a message: "1.56e23".</summary>
        public static string FormatLarge(double value) =>
            Math.Abs(value) < 1e12 ? value.ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("0.##e0", CultureInfo.InvariantCulture);

        private static Expr Tree(char op, Expr a, Expr b)
        {
            if (op == '*' && a is NumExpr { Value: 1 }) return b;
            if ((op == '*' || op == '/') && b is NumExpr { Value: 1 }) return a;
            if (op == '+' && a is NumExpr { Value: 0 }) return b;
            if ((op == '+' || op == '-') && b is NumExpr { Value: 0 }) return a;
            return new TreeExpr(op, a, b);
        }

        // ------------------------------------------------------------------ normal form

        private static Expr Normal(char op, Expr a, Expr b)
        {
            switch (op)
            {
                case '+': return Sum(TermsOf(a), TermsOf(b), 1);
                case '-': return Sum(TermsOf(a), TermsOf(b), -1);
                case '*': return Product(a, b);
                case '/': return Divide(a, b);
                default: return Modulo(a, b);
            }
        }

        /// <summary>The monomials of an integer expression (a constant is a monomial without factors; 0 has none).</summary>
        private static Mono[] TermsOf(Expr e) => e switch
        {
            NumExpr { Value: 0 } => Array.Empty<Mono>(),
            NumExpr n => new[] { new Mono(n.Value, Array.Empty<Factor>(), false) },
            PolyExpr p => p.Terms,
            _ => new[] { new Mono(1, new[] { new Factor(e, 1) }, false) },
        };

        private static Expr Sum(Mono[] a, Mono[] b, long sign)
        {
            var list = new List<Mono>(a.Length + b.Length);
            var index = new Dictionary<Mono, int>(MonoKeyComparer.Instance);
            foreach (var m in a) Accumulate(list, index, m);
            foreach (var m in b) Accumulate(list, index, sign == 1 ? m : m.WithCoef(checked(-m.Coef)));
            return Make(list);
        }

        private static void Accumulate(List<Mono> list, Dictionary<Mono, int> index, Mono m)
        {
            if (index.TryGetValue(m, out int i)) list[i] = list[i].WithCoef(checked(list[i].Coef + m.Coef));
            else
            {
                index[m] = list.Count;
                list.Add(m);
            }
        }

        private static Expr Product(Expr a, Expr b)
        {
            var x = TermsOf(a);
            var y = TermsOf(b);
            if ((long)x.Length * y.Length > MaxExpandedTerms) return new TreeExpr('*', a, b);
            var list = new List<Mono>();
            var index = new Dictionary<Mono, int>(MonoKeyComparer.Instance);
            foreach (var m in x)
                foreach (var n in y) Accumulate(list, index, Mono.Multiply(m, n));
            return Make(list);
        }

        private static Expr Divide(Expr a, Expr b)
        {
            if (b is NumExpr { Value: var c } && c != 0)
            {
                if (c == 1) return a;
                if (a is NumExpr x) return Num(ShapeMath.FloorDiv(x.Value, c));
                if (c == -1) return Sum(Array.Empty<Mono>(), TermsOf(a), -1);
                // Exact when the divisor divides every coefficient: floor(c·X / c) = X (in real arithmetic too).
                var terms = TermsOf(a);
                if (Array.TrueForAll(terms, m => m.Coef % c == 0))
                {
                    var list = new List<Mono>(terms.Length);
                    foreach (var m in terms) list.Add(m.WithCoef(m.Coef / c));
                    return Make(list);
                }
            }
            return new DivExpr('/', a, b);
        }

        private static Expr Modulo(Expr a, Expr b)
        {
            if (a is NumExpr x && b is NumExpr { Value: var c } && c != 0) return Num(ShapeMath.FloorMod(x.Value, c));
            return new DivExpr('%', a, b);
        }

        private static Expr Make(List<Mono> list)
        {
            list.RemoveAll(m => m.Coef == 0);
            if (list.Count == 0) return Num(0);
            if (list.Count == 1)
            {
                var m = list[0];
                if (m.Factors.Length == 0) return Num(m.Coef);
                if (m.Coef == 1 && m.Factors.Length == 1 && m.Factors[0].Exponent == 1) return m.Factors[0].Atom;
            }
            return new PolyExpr(list.ToArray());
        }

        private static int Mix(int a, int b) => unchecked((a * 16777619) ^ b);

        // ------------------------------------------------------------------ nodes

        private sealed class NumExpr : Expr
        {
            public NumExpr(long value) : base(unchecked(value.GetHashCode() * 31 + 1), value >= 0) => Value = value;
            public long Value { get; }

            private protected override IEnumerable<Expr> Children() => Array.Empty<Expr>();

            private protected override long? EvaluateLocal(Dictionary<Expr, long> memo, IReadOnlyDictionary<string, long> variables, out string? error)
            {
                error = null;
                return Value;
            }

            private protected override double? EvaluateRealLocal(Dictionary<Expr, double> memo, IReadOnlyDictionary<string, double> variables, out string? error)
            {
                error = null;
                return Value;
            }

            private protected override Expr Rebuild(Dictionary<Expr, Expr> memo, IReadOnlyDictionary<string, Expr> replacements) => this;

            private protected override void Print(int parentPrecedence, Stack<PrintItem> work) =>
                work.Push(new PrintItem(Value.ToString(CultureInfo.InvariantCulture)));

            private protected override bool ShallowEquals(Expr other, Stack<(Expr, Expr)> pairs) => ((NumExpr)other).Value == Value;
        }

        private sealed class RealExpr : Expr
        {
            public RealExpr(double value) : base(unchecked(value.GetHashCode() * 31 + 2), false) => Value = value;
            public double Value { get; }

            private protected override IEnumerable<Expr> Children() => Array.Empty<Expr>();

            private protected override long? EvaluateLocal(Dictionary<Expr, long> memo, IReadOnlyDictionary<string, long> variables, out string? error)
            {
                error = $"{ToCSharp()} is not an integer";
                return null;
            }

            private protected override double? EvaluateRealLocal(Dictionary<Expr, double> memo, IReadOnlyDictionary<string, double> variables, out string? error)
            {
                error = null;
                return Value;
            }

            private protected override Expr Rebuild(Dictionary<Expr, Expr> memo, IReadOnlyDictionary<string, Expr> replacements) => this;

            private protected override void Print(int parentPrecedence, Stack<PrintItem> work)
            {
                var text = Value.ToString("R", CultureInfo.InvariantCulture);
                work.Push(new PrintItem(text.IndexOf('.') >= 0 || text.IndexOf('E') >= 0 ? text : text + ".0"));
            }

            private protected override bool ShallowEquals(Expr other, Stack<(Expr, Expr)> pairs) => ((RealExpr)other).Value.Equals(Value);
        }

        private sealed class VarExpr : Expr
        {
            public VarExpr(string name, bool real)
                : base(unchecked(StringComparer.Ordinal.GetHashCode(name) * 31 + (real ? 5 : 3)), name == InChannels && !real)
            {
                Name = name;
                IsRealName = real;
            }

            public string Name { get; }
            public bool IsRealName { get; }

            private protected override IEnumerable<Expr> Children() => Array.Empty<Expr>();

            private protected override long? EvaluateLocal(Dictionary<Expr, long> memo, IReadOnlyDictionary<string, long> variables, out string? error)
            {
                if (variables.TryGetValue(Name, out var v))
                {
                    error = null;
                    return v;
                }
                error = $"unknown name '{Name}' (known: {string.Join(", ", variables.Keys)})";
                return null;
            }

            private protected override double? EvaluateRealLocal(Dictionary<Expr, double> memo, IReadOnlyDictionary<string, double> variables, out string? error)
            {
                if (variables.TryGetValue(Name, out var v))
                {
                    error = null;
                    return v;
                }
                error = $"unknown name '{Name}' (known: {string.Join(", ", variables.Keys)})";
                return null;
            }

            private protected override Expr Rebuild(Dictionary<Expr, Expr> memo, IReadOnlyDictionary<string, Expr> replacements) =>
                replacements.TryGetValue(Name, out var replacement) ? replacement : this;

            // A [Param] named like a keyword (int @checked) is written @checked.
            private protected override void Print(int parentPrecedence, Stack<PrintItem> work) => work.Push(new PrintItem(Emit.NameScope.Escape(Name)));

            private protected override bool ShallowEquals(Expr other, Stack<(Expr, Expr)> pairs) => ((VarExpr)other).Name == Name && ((VarExpr)other).IsRealName == IsRealName;
        }

        /// <summary>An atom: floor division or floor modulo (Python's // and %) of two normalised integer expressions.</summary>
        private sealed class DivExpr : Expr
        {
            public DivExpr(char op, Expr left, Expr right)
                : base(Mix(Mix(op * 7919, left._hash), right._hash), op == '/' && right is NumExpr { Value: > 0 } && left._nonNegative)
            {
                Op = op;
                Left = left;
                Right = right;
            }

            public char Op { get; }
            public Expr Left { get; }
            public Expr Right { get; }

            private protected override IEnumerable<Expr> Children() => new[] { Left, Right };

            private protected override long? EvaluateLocal(Dictionary<Expr, long> memo, IReadOnlyDictionary<string, long> variables, out string? error)
            {
                long l = memo[Left], r = memo[Right];
                if (r == 0)
                {
                    error = $"division by zero in \"{ToCSharp()}\"";
                    return null;
                }
                error = null;
                // Checked by the caller: long.MinValue // -1 overflows.
                return Op == '/' ? ShapeMath.FloorDiv(l, r) : ShapeMath.FloorMod(l, r);
            }

            private protected override double? EvaluateRealLocal(Dictionary<Expr, double> memo, IReadOnlyDictionary<string, double> variables, out string? error)
            {
                double l = memo[Left], r = memo[Right];
                if (r == 0)
                {
                    error = $"division by zero in \"{ToCSharp()}\"";
                    return null;
                }
                error = null;
                return Op == '/' ? l / r : l - Math.Floor(l / r) * r;
            }

            private protected override Expr Rebuild(Dictionary<Expr, Expr> memo, IReadOnlyDictionary<string, Expr> replacements)
            {
                var l = memo[Left];
                var r = memo[Right];
                return ReferenceEquals(l, Left) && ReferenceEquals(r, Right) ? this : Binary(Op, l, r);
            }

            private protected override void Print(int parentPrecedence, Stack<PrintItem> work)
            {
                if (Op == '/' && Right is NumExpr { Value: > 0 } && Left._nonNegative)
                {
                    // The numerator is never negative: C#'s truncating '/' is the floor.
                    bool parens = parentPrecedence > 2;
                    if (parens) work.Push(new PrintItem(")"));
                    work.Push(new PrintItem(Right, 3));
                    work.Push(new PrintItem(" / "));
                    work.Push(new PrintItem(Left, 2));
                    if (parens) work.Push(new PrintItem("("));
                    return;
                }
                work.Push(new PrintItem(")"));
                work.Push(new PrintItem(Right, 0));
                work.Push(new PrintItem(", "));
                work.Push(new PrintItem(Left, 0));
                work.Push(new PrintItem((Op == '/' ? FloorDivName : FloorModName) + "("));
            }

            private protected override bool ShallowEquals(Expr other, Stack<(Expr, Expr)> pairs)
            {
                var d = (DivExpr)other;
                if (d.Op != Op) return false;
                pairs.Push((Left, d.Left));
                pairs.Push((Right, d.Right));
                return true;
            }
        }

        /// <summary>
        /// The plain tree of the text, for expressions with a real literal, and an operation kept unfolded (a constant that does
        /// not fit 64 bits, or a product of sums too large to expand).
        /// </summary>
        private sealed class TreeExpr : Expr
        {
            public TreeExpr(char op, Expr left, Expr right) : base(Mix(Mix(op * 104729, left._hash), right._hash), false)
            {
                Op = op;
                Left = left;
                Right = right;
                HasReal = left.IsReal || right.IsReal;
            }

            public char Op { get; }
            public Expr Left { get; }
            public Expr Right { get; }
            public bool HasReal { get; }

            private int Precedence => Op == '+' || Op == '-' ? 1 : 2;

            private protected override IEnumerable<Expr> Children() => new[] { Left, Right };

            private protected override long? EvaluateLocal(Dictionary<Expr, long> memo, IReadOnlyDictionary<string, long> variables, out string? error)
            {
                long l = memo[Left], r = memo[Right];
                error = null;
                switch (Op)
                {
                    case '+': return l + r;
                    case '-': return l - r;
                    case '*': return l * r;
                }
                if (r == 0)
                {
                    error = $"division by zero in \"{ToCSharp()}\"";
                    return null;
                }
                return Op == '/' ? ShapeMath.FloorDiv(l, r) : ShapeMath.FloorMod(l, r);
            }

            private protected override double? EvaluateRealLocal(Dictionary<Expr, double> memo, IReadOnlyDictionary<string, double> variables, out string? error)
            {
                double l = memo[Left], r = memo[Right];
                error = null;
                switch (Op)
                {
                    case '+': return l + r;
                    case '-': return l - r;
                    case '*': return l * r;
                }
                if (r == 0)
                {
                    error = $"division by zero in \"{ToCSharp()}\"";
                    return null;
                }
                return Op == '/' ? l / r : l - Math.Floor(l / r) * r;
            }

            private protected override Expr Rebuild(Dictionary<Expr, Expr> memo, IReadOnlyDictionary<string, Expr> replacements)
            {
                var l = memo[Left];
                var r = memo[Right];
                return ReferenceEquals(l, Left) && ReferenceEquals(r, Right) ? this : Binary(Op, l, r);
            }

            private protected override void Print(int parentPrecedence, Stack<PrintItem> work)
            {
                if (!HasReal && (Op == '/' || Op == '%'))
                {
                    work.Push(new PrintItem(")"));
                    work.Push(new PrintItem(Right, 0));
                    work.Push(new PrintItem(", "));
                    work.Push(new PrintItem(Left, 0));
                    work.Push(new PrintItem((Op == '/' ? FloorDivName : FloorModName) + "("));
                    return;
                }
                // Right operands of - * / % need parentheses at equal precedence (a * (b / c) is not a * b / c).
                bool parens = Precedence < parentPrecedence;
                if (parens) work.Push(new PrintItem(")"));
                work.Push(new PrintItem(Right, Precedence + (Op == '+' ? 0 : 1)));
                work.Push(new PrintItem(" " + Op + " "));
                work.Push(new PrintItem(Left, Precedence));
                if (parens) work.Push(new PrintItem("("));
            }

            private protected override bool ShallowEquals(Expr other, Stack<(Expr, Expr)> pairs)
            {
                var t = (TreeExpr)other;
                if (t.Op != Op) return false;
                pairs.Push((Left, t.Left));
                pairs.Push((Right, t.Right));
                return true;
            }
        }

        /// <summary>A sum of at least two monomials, or one monomial that is not a bare atom or constant.</summary>
        private sealed class PolyExpr : Expr
        {
            public PolyExpr(Mono[] terms)
                : base(HashOf(terms), Array.TrueForAll(terms, m => m.Coef > 0 && Array.TrueForAll(m.Factors, f => f.Atom._nonNegative)))
                => Terms = terms;

            /// <summary>The monomials in the order they first appeared (the order they are printed in).</summary>
            public Mono[] Terms { get; }

            private static int HashOf(Mono[] terms)
            {
                // Order-insensitive: a sum equals itself whatever the order of its terms.
                int h = 17;
                foreach (var m in terms) h = unchecked(h + Mix(m.KeyHash, m.Coef.GetHashCode()) * 486187739);
                return h;
            }

            private protected override IEnumerable<Expr> Children()
            {
                foreach (var m in Terms)
                    foreach (var f in m.Factors) yield return f.Atom;
            }

            private protected override long? EvaluateLocal(Dictionary<Expr, long> memo, IReadOnlyDictionary<string, long> variables, out string? error)
            {
                error = null;
                long sum = 0;
                foreach (var m in Terms)
                {
                    long product = m.Coef;
                    foreach (var f in m.Factors)
                    {
                        long v = memo[f.Atom];
                        for (int e = 0; e < f.Exponent; e++) product *= v;
                    }
                    sum += product;
                }
                return sum;
            }

            private protected override double? EvaluateRealLocal(Dictionary<Expr, double> memo, IReadOnlyDictionary<string, double> variables, out string? error)
            {
                error = null;
                double sum = 0;
                foreach (var m in Terms)
                {
                    double product = m.Coef;
                    foreach (var f in m.Factors) product *= Math.Pow(memo[f.Atom], f.Exponent);
                    sum += product;
                }
                return sum;
            }

            private protected override Expr Rebuild(Dictionary<Expr, Expr> memo, IReadOnlyDictionary<string, Expr> replacements)
            {
                bool changed = false;
                foreach (var child in Children())
                    if (!ReferenceEquals(memo[child], child))
                    {
                        changed = true;
                        break;
                    }
                if (!changed) return this;
                Expr sum = Num(0);
                foreach (var m in Terms)
                {
                    Expr? term = m.CoefFirst && m.Coef != 1 ? Num(m.Coef) : null;
                    foreach (var f in m.Factors)
                        for (int e = 0; e < f.Exponent; e++) term = term is null ? memo[f.Atom] : Mul(term, memo[f.Atom]);
                    if (term is null) term = Num(m.Coef);
                    else if (!m.CoefFirst && m.Coef != 1) term = Mul(term, Num(m.Coef));
                    sum = Add(sum, term);
                }
                return sum;
            }

            private protected override void Print(int parentPrecedence, Stack<PrintItem> work)
            {
                if (TryFactor(out var common, out var inner, out long content))
                {
                    // dilation * (kernel - 1), (planes + 1) * 2: a common factor is printed out of the sum.
                    var items = new List<PrintItem>();
                    bool outerParens = parentPrecedence > 2;
                    if (outerParens) items.Add(new PrintItem("("));
                    foreach (var atom in common)
                    {
                        items.Add(new PrintItem(atom, items.Count <= (outerParens ? 1 : 0) ? 2 : 3));
                        items.Add(new PrintItem(" * "));
                    }
                    items.Add(new PrintItem(inner, 3));
                    if (content != 1) items.Add(new PrintItem(" * " + content.ToString(CultureInfo.InvariantCulture)));
                    if (outerParens) items.Add(new PrintItem(")"));
                    for (int i = items.Count - 1; i >= 0; i--) work.Push(items[i]);
                    return;
                }
                bool single = Terms.Length == 1;
                int precedence = single ? 2 : 1;
                bool parens = precedence < parentPrecedence && !(single && Terms[0].Factors.Length == 0);
                var pieces = new List<PrintItem>();
                if (parens) pieces.Add(new PrintItem("("));
                for (int i = 0; i < Terms.Length; i++)
                {
                    var m = Terms[i];
                    bool negative = m.Coef < 0 && m.Coef != long.MinValue;
                    long magnitude = negative ? -m.Coef : m.Coef;
                    if (i == 0) { if (negative) pieces.Add(new PrintItem("-")); }
                    else pieces.Add(new PrintItem(negative ? " - " : " + "));
                    // After a binary minus the term is a right operand: a - b * c needs no parentheses, a - (b / c) does not arise.
                    m.AddPieces(magnitude, pieces);
                }
                if (parens) pieces.Add(new PrintItem(")"));
                for (int i = pieces.Count - 1; i >= 0; i--) work.Push(pieces[i]);
            }

            /// <summary>The atoms common to every term and the gcd of the coefficients, and the sum divided by them.</summary>
            private bool TryFactor(out List<Expr> common, out Expr inner, out long content)
            {
                common = new List<Expr>();
                inner = this;
                content = 1;
                if (Terms.Length < 2 || Array.Exists(Terms, m => m.Coef == long.MinValue)) return false;
                long g = 0;
                foreach (var m in Terms) g = ShapeMath.Gcd(g, m.Coef);
                var shared = new List<Factor>();
                foreach (var f in Terms[0].Factors)
                {
                    int exponent = f.Exponent;
                    foreach (var m in Terms)
                    {
                        int found = 0;
                        foreach (var h in m.Factors)
                            if (h.Atom.Equals(f.Atom)) found = h.Exponent;
                        exponent = Math.Min(exponent, found);
                    }
                    if (exponent > 0) shared.Add(new Factor(f.Atom, exponent));
                }
                if (g <= 1 && shared.Count == 0) return false;
                var list = new List<Mono>(Terms.Length);
                foreach (var m in Terms)
                {
                    var rest = new List<Factor>();
                    foreach (var h in m.Factors)
                    {
                        int e = h.Exponent;
                        foreach (var s in shared)
                            if (s.Atom.Equals(h.Atom)) e -= s.Exponent;
                        if (e > 0) rest.Add(new Factor(h.Atom, e));
                    }
                    list.Add(new Mono(m.Coef / g, rest.ToArray(), m.CoefFirst));
                }
                foreach (var s in shared)
                    for (int e = 0; e < s.Exponent; e++) common.Add(s.Atom);
                inner = Make(list);
                content = g;
                return true;
            }

            private protected override bool ShallowEquals(Expr other, Stack<(Expr, Expr)> pairs)
            {
                var p = (PolyExpr)other;
                if (p.Terms.Length != Terms.Length) return false;
                var used = new bool[p.Terms.Length];
                foreach (var m in Terms)
                {
                    // Terms and factors are paired by hash, and the paired atoms compared on the caller's stack; only a hash
                    // collision inside one sum compares in depth here.
                    int match = -1, candidates = 0;
                    for (int j = 0; j < p.Terms.Length; j++)
                        if (!used[j] && p.Terms[j].Coef == m.Coef && p.Terms[j].KeyHash == m.KeyHash && p.Terms[j].Factors.Length == m.Factors.Length)
                        {
                            candidates++;
                            if (match < 0) match = j;
                        }
                    if (match < 0) return false;
                    if (candidates > 1)
                    {
                        match = -1;
                        for (int j = 0; j < p.Terms.Length && match < 0; j++)
                            if (!used[j] && p.Terms[j].Coef == m.Coef && MonoKeyComparer.Instance.Equals(m, p.Terms[j])) match = j;
                        if (match < 0) return false;
                        used[match] = true;
                        continue;
                    }
                    used[match] = true;
                    var n = p.Terms[match];
                    foreach (var f in m.Factors)
                    {
                        int hit = -1, hits = 0;
                        for (int k = 0; k < n.Factors.Length; k++)
                            if (n.Factors[k].Exponent == f.Exponent && n.Factors[k].Atom._hash == f.Atom._hash)
                            {
                                hits++;
                                if (hit < 0) hit = k;
                            }
                        if (hits == 0) return false;
                        if (hits == 1) pairs.Push((f.Atom, n.Factors[hit].Atom));
                        else if (!Array.Exists(n.Factors, g => g.Exponent == f.Exponent && g.Atom.Equals(f.Atom))) return false;
                    }
                }
                return true;
            }
        }

        /// <summary>A factor of a monomial: an atom (name, division, modulo, unfolded operation) to a positive power.</summary>
        private readonly struct Factor
        {
            public Factor(Expr atom, int exponent)
            {
                Atom = atom;
                Exponent = exponent;
            }

            public Expr Atom { get; }
            public int Exponent { get; }
        }

        /// <summary>Coefficient times a product of factors; <see cref="CoefFirst"/> only says where the coefficient is printed.</summary>
        private sealed class Mono
        {
            public Mono(long coef, Factor[] factors, bool coefFirst)
            {
                Coef = coef;
                Factors = factors;
                CoefFirst = coefFirst;
                int h = 23;
                foreach (var f in factors) h = unchecked(h + Mix(f.Atom._hash, f.Exponent));
                KeyHash = h;
            }

            private Mono(long coef, Mono key)
            {
                Coef = coef;
                Factors = key.Factors;
                CoefFirst = key.CoefFirst;
                KeyHash = key.KeyHash;
            }

            public long Coef { get; }
            public Factor[] Factors { get; }
            public bool CoefFirst { get; }
            public int KeyHash { get; }

            public Mono WithCoef(long coef) => new Mono(coef, this);

            public static Mono Multiply(Mono a, Mono b)
            {
                long coef = checked(a.Coef * b.Coef);
                var factors = new List<Factor>(a.Factors);
                foreach (var f in b.Factors)
                {
                    int i = factors.FindIndex(g => g.Atom.Equals(f.Atom));
                    if (i >= 0) factors[i] = new Factor(f.Atom, checked(factors[i].Exponent + f.Exponent));
                    else factors.Add(f);
                }
                bool coefFirst = a.Factors.Length == 0 || (a.Coef != 1 ? a.CoefFirst : b.Factors.Length > 0 && b.CoefFirst);
                return new Mono(coef, factors.ToArray(), coefFirst);
            }

            /// <summary>The text of |coefficient| · factors: "planes * 4", "4 * growth", "in_channels".</summary>
            public void AddPieces(long magnitude, List<PrintItem> pieces)
            {
                string coef = magnitude.ToString(CultureInfo.InvariantCulture);
                if (Factors.Length == 0)
                {
                    pieces.Add(new PrintItem(coef));
                    return;
                }
                bool showCoef = magnitude != 1;
                bool first = true;
                if (showCoef && CoefFirst)
                {
                    pieces.Add(new PrintItem(coef));
                    first = false;
                }
                foreach (var f in Factors)
                    for (int e = 0; e < f.Exponent; e++)
                    {
                        if (!first) pieces.Add(new PrintItem(" * "));
                        pieces.Add(new PrintItem(f.Atom, first ? 2 : 3));
                        first = false;
                    }
                if (showCoef && !CoefFirst) pieces.Add(new PrintItem(" * " + coef));
            }
        }

        /// <summary>Monomials with the same factors (whatever their order), for merging like terms.</summary>
        private sealed class MonoKeyComparer : IEqualityComparer<Mono>
        {
            public static readonly MonoKeyComparer Instance = new MonoKeyComparer();

            public bool Equals(Mono? x, Mono? y)
            {
                if (ReferenceEquals(x, y)) return true;
                if (x is null || y is null || x.KeyHash != y.KeyHash || x.Factors.Length != y.Factors.Length) return false;
                foreach (var f in x.Factors)
                {
                    bool found = false;
                    foreach (var g in y.Factors)
                        if (g.Exponent == f.Exponent && g.Atom.Equals(f.Atom))
                        {
                            found = true;
                            break;
                        }
                    if (!found) return false;
                }
                return true;
            }

            public int GetHashCode(Mono obj) => obj.KeyHash;
        }

        private sealed class ReferenceComparer : IEqualityComparer<Expr>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();
            public bool Equals(Expr? x, Expr? y) => ReferenceEquals(x, y);
            public int GetHashCode(Expr obj) => RuntimeHelpers.GetHashCode(obj);
        }

        /// <summary>A piece of printed text, or a node to print at a precedence.</summary>
        private protected readonly struct PrintItem
        {
            public PrintItem(string text)
            {
                Text = text;
                Node = null;
                Precedence = 0;
            }

            public PrintItem(Expr node, int precedence)
            {
                Text = null;
                Node = node;
                Precedence = precedence;
            }

            public string? Text { get; }
            public Expr? Node { get; }
            public int Precedence { get; }
        }

        private sealed class Parser
        {
            private readonly string _text;
            private readonly ICollection<string>? _realNames;
            private int _pos;
            private int _depth;

            public Parser(string text, ICollection<string>? realNames)
            {
                _text = text;
                _realNames = realNames;
            }

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
                if (c == '(' || c == '-')
                {
                    if (++_depth > MaxParenthesesDepth) throw new FormatException($"\"{_text}\" nests parentheses or signs more than {MaxParenthesesDepth} deep");
                    _pos++;
                    Expr inner;
                    if (c == '(')
                    {
                        inner = ParseExpression();
                        SkipSpaces();
                        if (AtEnd || Current != ')') throw new FormatException($"missing ')' in \"{_text}\"");
                        _pos++;
                    }
                    else inner = Binary('-', Num(0), ParseFactor());
                    _depth--;
                    return inner;
                }
                if (char.IsDigit(c))
                {
                    int start = _pos;
                    while (!AtEnd && char.IsDigit(Current)) _pos++;
                    if (!AtEnd && Current == '.' && _pos + 1 < _text.Length && char.IsDigit(_text[_pos + 1]))
                    {
                        // A real literal ("0.1 * index / 17", for a double parameter): kept as a real.
                        _pos++;
                        while (!AtEnd && char.IsDigit(Current)) _pos++;
                        var real = _text.Substring(start, _pos - start);
                        return Real(double.Parse(real, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
                    }
                    var digits = _text.Substring(start, _pos - start);
                    if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                        throw new FormatException($"number '{digits}' is too large");
                    return Num(value);
                }
                if (char.IsLetter(c) || c == '_')
                {
                    int start = _pos;
                    while (!AtEnd && (char.IsLetterOrDigit(Current) || Current == '_')) _pos++;
                    var name = _text.Substring(start, _pos - start);
                    return _realNames is not null && _realNames.Contains(name) ? RealVar(name) : Var(name);
                }
                throw new FormatException($"unexpected '{c}' at position {_pos + 1} in \"{_text}\"");
            }
        }
    }
}

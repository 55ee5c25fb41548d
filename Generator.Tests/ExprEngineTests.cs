using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The expression engine: its normal form (sums of monomials, like terms merged), walks that never recurse in the
/// depth of an expression, Python's floor semantics for / and % at compile time and in the emitted C#, and checked
/// arithmetic.
/// </summary>
public class ExprEngineTests
{
    private static Expr P(string text) => Expr.Parse(text, out var error) ?? throw new InvalidOperationException(error);

    private static readonly Dictionary<string, long> Env = new() { ["a"] = 5, ["b"] = -3, ["c"] = 7, ["in_channels"] = 64, ["growth"] = 32 };

    [Theory]
    [InlineData("planes * 4", "planes * 4")]
    [InlineData("4 * growth", "4 * growth")]
    [InlineData("planes * expansion", "planes * expansion")]
    [InlineData("in_channels", "in_channels")]
    [InlineData("growth + in_channels", "growth + in_channels")]
    [InlineData("in_channels / 2", "in_channels / 2")]
    [InlineData("width / 2", "global::NetDsl.PyMath.FloorDiv(width, 2)")]
    [InlineData("(0 - c) / 3 + 4", "global::NetDsl.PyMath.FloorDiv(-c, 3) + 4")]
    [InlineData("c % 4", "global::NetDsl.PyMath.FloorMod(c, 4)")]
    [InlineData("dilation * (kernel - 1) / 2", "global::NetDsl.PyMath.FloorDiv(dilation * (kernel - 1), 2)")]
    [InlineData("(planes + 1) * 2", "(planes + 1) * 2")]
    [InlineData("a + a + a", "a * 3")]
    [InlineData("a - a + b", "b")]
    [InlineData("2 * a / 2", "a")]
    [InlineData("planes * (in_channels / 4)", "planes * (in_channels / 4)")]
    public void Simple_forms_print_as_written_and_the_rest_in_normal_form(string text, string csharp) =>
        Assert.Equal(csharp, P(text).ToCSharp());

    [Theory]
    [InlineData("a + b", "b + a")]
    [InlineData("(a + 1) * (b - 2)", "a * b - 2 * a + b - 2")]
    [InlineData("in_channels + growth + growth + growth", "in_channels + 3 * growth")]
    [InlineData("a * b * a", "a * a * b")]
    [InlineData("(a + b) / 2", "(b + a) / 2")]
    public void Equal_values_in_normal_form_are_equal_and_hash_alike(string x, string y)
    {
        Assert.True(P(x).Equals(P(y)), $"{P(x)} vs {P(y)}");
        Assert.Equal(P(x).GetHashCode(), P(y).GetHashCode());
        Assert.Equal(P(x).Evaluate(Env, out _), P(y).Evaluate(Env, out _));
    }

    [Theory]
    [InlineData("a / 2 * 2", "a")]
    [InlineData("a % 2", "a")]
    [InlineData("a + b", "a - b")]
    [InlineData("a * 2", "a * 3")]
    public void Different_expressions_are_not_equal(string x, string y) => Assert.False(P(x).Equals(P(y)));

    [Fact]
    public void A_chain_of_ten_thousand_additions_stays_two_terms_and_does_not_overflow_the_stack()
    {
        var text = "in_channels" + string.Concat(Enumerable.Repeat(" + growth", 10_000));
        var e = P(text);
        Assert.Equal("in_channels + growth * 10000", e.ToCSharp());
        Assert.Equal(64 + 10_000 * 32, e.Evaluate(Env, out _));

        // A dense block's channel flow: each copy substitutes the previous channels for in_channels.
        var copy = P("growth + in_channels");
        Expr c = Expr.Var(Expr.InChannels);
        for (int i = 0; i < 10_000; i++) c = copy.Substitute(new Dictionary<string, Expr> { [Expr.InChannels] = c });
        Assert.True(c.Equals(e));
    }

    [Fact]
    public void Ten_thousand_nested_divisions_evaluate_substitute_print_and_compare_without_recursion()
    {
        // c_k = (c_{k-1} + growth) / 2: each level nests a division, which the normal form keeps as an atom.
        Expr Build()
        {
            Expr c = Expr.Var(Expr.InChannels);
            for (int i = 0; i < 10_000; i++) c = Expr.Binary('/', Expr.Add(c, Expr.Var("growth")), Expr.Num(2));
            return c;
        }
        var e = Build();
        long expected = 64;
        for (int i = 0; i < 10_000; i++) expected = (expected + 32) / 2;
        Assert.Equal(expected, e.Evaluate(Env, out _));
        Assert.Equal(expected, e.EvaluateReal(Env.ToDictionary(p => p.Key, p => (double)p.Value), out _) is double d ? (long)Math.Round(d) : -1);
        var s = e.Substitute(new Dictionary<string, Expr> { ["growth"] = Expr.Num(32) });
        Assert.Equal(expected, s.Evaluate(Env, out _));
        var text = e.ToCSharp();
        Assert.Equal(10_000, CountOf(text, "FloorDiv("));
        Assert.True(e.Equals(Build()));
        Assert.Equal(e.GetHashCode(), Build().GetHashCode());
        var names = new HashSet<string>();
        e.CollectVariables(names);
        Assert.Equal(new[] { "growth", "in_channels" }, names.OrderBy(n => n));
    }

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }

    [Fact]
    public void Products_of_large_sums_stay_unexpanded()
    {
        // (x0 + ... + x99) * (y0 + ... + y99) would expand to 10,000 terms: it is kept as one product.
        var x = P(string.Join(" + ", Enumerable.Range(0, 100).Select(i => "x" + i)));
        var y = P(string.Join(" + ", Enumerable.Range(0, 100).Select(i => "y" + i)));
        var product = Expr.Mul(x, y);
        var env = Enumerable.Range(0, 100).SelectMany(i => new[] { ("x" + i, (long)i), ("y" + i, (long)(2 * i - 50)) }).ToDictionary(p => p.Item1, p => p.Item2);
        Assert.Equal(x.Evaluate(env, out _) * y.Evaluate(env, out _), product.Evaluate(env, out _));
        Assert.True(product.ToCSharp().Length < 2 * (x.ToCSharp().Length + y.ToCSharp().Length));
    }

    [Fact]
    public void Overflow_is_an_evaluation_error_with_the_approximate_value()
    {
        var e = P("c * 1000000000 * 1000000000 * 1000");
        Assert.Null(e.Evaluate(Env, out var error));
        Assert.Contains("7e21", error);
        Assert.Contains("does not fit a 64-bit integer", error);
        // A literal product that does not fit stays unfolded; evaluating it is the error.
        var literal = P("3000000000 * 4000000000");
        Assert.False(literal.IsConstant);
        Assert.Null(literal.Evaluate(Env, out var literalError));
        Assert.Contains("1.2e19", literalError);
        Assert.Contains("nests parentheses", Assert.IsType<string>(Parse(new string('(', 300) + "a" + new string(')', 300))));
    }

    private static string? Parse(string text)
    {
        Expr.Parse(text, out var error);
        return error;
    }

    [Fact]
    public void Floor_division_and_modulo_follow_python_for_negative_operands()
    {
        // Python: -7 // 2 == -4, -7 % 2 == 1, 7 // -2 == -4, 7 % -2 == -1.
        Assert.Equal(-4, PyMath.FloorDiv(-7, 2));
        Assert.Equal(1, PyMath.FloorMod(-7, 2));
        Assert.Equal(-4L, PyMath.FloorDiv(7L, -2L));
        Assert.Equal(-1L, PyMath.FloorMod(7L, -2L));
        Assert.Equal(1, P("(0 - c) / 3 + 4").Evaluate(Env, out _));
    }

    [Fact]
    public void Double_parameters_keep_true_division_and_the_text_of_the_expression()
    {
        var e = Expr.Parse("1 - alpha / 2", new[] { "alpha" }, out _)!;
        Assert.Equal("1 - alpha / 2", e.ToCSharp());
        Assert.Equal(0.75, e.EvaluateReal(new Dictionary<string, double> { ["alpha"] = 0.5 }, out _));
        // In a block: an alpha written as an expression is C# double arithmetic in the emitted constructor.
        var result = GeneratorHarness.Run("""
            using NetDsl;

            [Block]
            public partial class Oct
            {
                [Param] int planes;
                [Param] double alpha = 0.5;
                [OctConv("planes", Kernel = 1, AlphaIn = "alpha", AlphaOut = "alpha / 2 * 2", BatchNorm = true, ReLU = true)] Stage conv1;
                [OctConv("planes", Kernel = 3, Padding = 1, AlphaIn = "alpha", AlphaOut = 0.0, BatchNorm = true)] Stage conv2;
            }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [OctConv(16, Kernel = 3, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [Use(typeof(Oct), 16, 0.5)] Stage block;
            }
            """);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        Assert.Contains("alpha_out: alpha / 2 * 2", result.Sources["Oct.g.cs"]);
    }

    /// <summary>
    /// Random expressions with negative values: the compile-time value equals the value the emitted C# computes, compiled by
    /// Roslyn against the runtime's PyMath (int arithmetic, as the generated constructors' parameters).
    /// </summary>
    [Fact]
    public void Compile_time_values_equal_the_emitted_csharp_for_random_expressions()
    {
        var random = new Random(20261203);
        var cases = new List<(string Text, Expr Expr, long A, long B, long C)>();
        while (cases.Count < 400)
        {
            var text = RandomExpression(random, 3);
            var e = P(text);
            long a = random.Next(-9, 10), b = random.Next(-9, 10), c = random.Next(-9, 10);
            var env = new Dictionary<string, long> { ["a"] = a, ["b"] = b, ["c"] = c };
            if (e.Evaluate(env, out _) is null) continue; // a division by zero
            cases.Add((text, e, a, b, c));
        }
        var source = new StringBuilder("public static class Emitted\n{\n");
        for (int i = 0; i < cases.Count; i++)
            source.Append($"    public static long F{i}(int a, int b, int c) => {cases[i].Expr.ToCSharp()};\n");
        source.Append("}\n");
        var compilation = GeneratorHarness.Compile(source.ToString());
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var context = new AssemblyLoadContext("emitted-expressions", isCollectible: true);
        try
        {
            stream.Position = 0;
            var type = context.LoadFromStream(stream).GetType("Emitted")!;
            var failures = new List<string>();
            for (int i = 0; i < cases.Count; i++)
            {
                var (text, e, a, b, c) = cases[i];
                long compileTime = e.Evaluate(new Dictionary<string, long> { ["a"] = a, ["b"] = b, ["c"] = c }, out _)!.Value;
                long emitted;
                try
                {
                    emitted = (long)type.GetMethod("F" + i)!.Invoke(null, new object[] { (int)a, (int)b, (int)c })!;
                }
                catch (TargetInvocationException ex) when (ex.InnerException is DivideByZeroException)
                {
                    failures.Add($"{text} = {e.ToCSharp()}: divides by zero at run time, {compileTime} at compile time (a={a}, b={b}, c={c})");
                    continue;
                }
                if (emitted != compileTime) failures.Add($"{text} = {e.ToCSharp()}: compile time {compileTime}, emitted {emitted} (a={a}, b={b}, c={c})");
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
            Assert.Contains(cases, x => x.Expr.ToCSharp().Contains("FloorDiv") && (x.A < 0 || x.B < 0 || x.C < 0));
        }
        finally
        {
            context.Unload();
        }
    }

    private static string RandomExpression(Random random, int depth)
    {
        if (depth == 0 || random.Next(4) == 0)
            return random.Next(3) switch
            {
                0 => random.Next(-9, 10) is var n && n < 0 ? "(0 - " + (-n) + ")" : random.Next(10).ToString(),
                1 => "a",
                _ => random.Next(2) == 0 ? "b" : "c",
            };
        char op = "+-*/%"[random.Next(5)];
        return "(" + RandomExpression(random, depth - 1) + " " + op + " " + RandomExpression(random, depth - 1) + ")";
    }
}

using System.Collections.Generic;
using NetDsl.Generator.Inference;
using Xunit;

namespace NetDsl.Generator.Tests;

public class ExprAndDimTests
{
    private static readonly Dictionary<string, long> Env = new() { ["planes"] = 64, ["in_channels"] = 256, ["stride"] = 2 };

    [Theory]
    [InlineData("planes * 4", 256, "planes * 4")]
    [InlineData("in_channels / 4", 64, "in_channels / 4")]
    [InlineData("(planes + 1) * 2", 130, "(planes + 1) * 2")]
    [InlineData("planes - (stride - 1)", 63, "planes - stride + 1")]
    [InlineData("in_channels // 3", 85, "in_channels / 3")]
    [InlineData("7 % 4 + planes", 67, "3 + planes")]
    [InlineData(" 12 ", 12, "12")]
    public void Expressions_parse_evaluate_and_print_as_csharp(string text, long expected, string csharp)
    {
        var e = Expr.Parse(text, out var error);
        Assert.Null(error);
        Assert.Equal(expected, e!.Evaluate(Env, out _));
        Assert.Equal(csharp, e.ToCSharp());
        // The C# text parses back to an expression with the same value.
        Assert.Equal(expected, Expr.Parse(e.ToCSharp(), out _)!.Evaluate(Env, out _));
    }

    [Theory]
    [InlineData("planes *", "ends early")]
    [InlineData("(planes", "missing ')'")]
    [InlineData("planes $ 2", "unexpected '$'")]
    public void Malformed_expressions_report_why(string text, string fragment)
    {
        Assert.Null(Expr.Parse(text, out var error));
        Assert.Contains(fragment, error);
    }

    [Fact]
    public void Unknown_names_and_division_by_zero_are_errors_not_exceptions()
    {
        Assert.Null(Expr.Parse("width * 2", out _)!.Evaluate(Env, out var unknown));
        Assert.Contains("unknown name 'width'", unknown);
        Assert.Null(Expr.Parse("planes / (stride - 2)", out _)!.Evaluate(Env, out var zero));
        Assert.Contains("division by zero", zero);
    }

    [Fact]
    public void Substitution_replaces_parameters_by_arguments()
    {
        var e = Expr.Parse("planes * 4", out _)!;
        var s = e.Substitute(new Dictionary<string, Expr> { ["planes"] = Expr.Num(128) });
        Assert.True(s.IsConstant);
        Assert.Equal("512", s.ToCSharp());
    }

    [Theory]
    [InlineData(32, 0, 32, "H")]
    [InlineData(1, 0, 32, "H/32")]
    [InlineData(3, -2, 4, "3H/4-2")]
    [InlineData(4, 1, 2, "2H+1")]
    [InlineData(0, 7, 4, "7")]
    public void Dims_format_as_fractions_of_the_input(long coef, long offset, long modulus, string text) =>
        Assert.Equal(text, new Dim(coef, offset).Format("H", modulus));

    [Theory]
    [InlineData(64, 3, 1, 0, 1, 62)]
    [InlineData(58, 3, 1, 0, 5, 48)]
    [InlineData(224, 7, 2, 3, 1, 112)]
    [InlineData(112, 3, 2, 1, 1, 56)]
    [InlineData(7, 3, 2, 1, 1, 4)]
    public void Conv_output_matches_pytorch_formula(long input, long k, long s, long p, long d, long expected) =>
        Assert.Equal(expected, NetDsl.ShapeMath.ConvOutput(input, k, s, p, d));

    [Theory]
    // PyTorch: MaxPool2d(3, 2, ceil_mode=True) on 6 -> 3 (the last window would start at 6, outside; dropped).
    [InlineData(6, 3, 2, 0, true, 3)]
    [InlineData(7, 3, 2, 0, true, 3)]
    [InlineData(8, 3, 2, 0, true, 4)]
    [InlineData(8, 3, 2, 0, false, 3)]
    [InlineData(5, 2, 2, 1, true, 3)]
    [InlineData(6, 2, 2, 1, true, 4)]
    public void Pool_output_applies_the_ceil_mode_rule(long input, long k, long s, long p, bool ceil, long expected) =>
        Assert.Equal(expected, NetDsl.ShapeMath.PoolOutput(input, k, s, p, 1, ceil));
}

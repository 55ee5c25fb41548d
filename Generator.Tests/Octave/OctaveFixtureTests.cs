using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Octave;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = NetDsl.Generator.Tests.Octave.OctaveFixtures;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Octave;

/// <summary>
/// Octave modules against the real PyTorch (tools/make_octave_fixtures.py: an OctaveConv / Conv_BN / Conv_BN_ACT written
/// to d-li14's semantics): outputs of both frequencies, state_dict keys, shapes and order, parameter counts and the
/// multiply-adds PyTorch's own forward pass performs.
/// </summary>
public class OctaveFixtureTests
{
    public static IEnumerable<object[]> AllCases() => F.Cases.Select(c => new object[] { c.GetProperty("name").GetString()! });

    public static IEnumerable<object[]> ConvCases() =>
        F.Cases.Where(c => F.Kind(c) != "bn").Select(c => new object[] { c.GetProperty("name").GetString()! });

    [Fact]
    public void The_fixture_covers_the_cases_the_issue_asks_for()
    {
        var names = F.Cases.Select(c => c.GetProperty("name").GetString()!).ToList();
        Assert.Equal(19, names.Count);
        var convs = F.Cases.Where(c => F.Kind(c) == "conv").ToList();
        Assert.Contains(convs, c => F.Long(c, "stride") == 1 && F.Double(c, "alpha_in") > 0 && F.Double(c, "alpha_out") > 0);
        Assert.Contains(convs, c => F.Long(c, "stride") == 2 && F.Double(c, "alpha_in") > 0 && F.Double(c, "alpha_out") > 0);
        Assert.Contains(convs, c => F.Double(c, "alpha_in") == 0);
        Assert.Contains(convs, c => F.Double(c, "alpha_out") == 0);
        Assert.Contains(convs, c => F.Long(c, "groups") == F.Long(c, "in_channels"));
        Assert.Contains(convs, c => F.Bool(c, "bias"));
        Assert.Contains(convs, c => F.Long(c, "in_channels") == 10 && F.Double(c, "alpha_in") == 0.25 && F.Double(c, "alpha_out") == 0.75);
        Assert.Contains(F.Cases, c => F.Kind(c) == "conv_bn_act");
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Both_frequencies_match_pytorch_in_float64(string name) => ForwardMatches(name, ScalarType.Float64, 1e-6);

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Both_frequencies_match_pytorch_in_float32(string name) => ForwardMatches(name, ScalarType.Float32, 1e-5);

    private static void ForwardMatches(string name, ScalarType dtype, double tol)
    {
        var c = F.Case(name);
        using var module = F.Build(c);
        module.to(dtype);
        var filled = W.Load(module, c.GetProperty("weights"));
        Assert.Equal(c.GetProperty("weights").GetArrayLength(), filled.Count);
        module.eval();

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var y = module.call(F.Pair(c, dtype));
        Assert.Equal(dtype, y.High.dtype);
        F.AssertFrequency(c, "high", y.High, tol);
        F.AssertFrequency(c, "low", y.Low, tol);
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void State_dict_has_the_reference_keys_shapes_and_order(string name)
    {
        var c = F.Case(name);
        using var module = F.Build(c);
        var expected = c.GetProperty("state_dict").EnumerateArray()
            .Select(e => (Key: e.GetProperty("key").GetString()!, Shape: W.Shape(e.GetProperty("shape")),
                          IsParam: e.GetProperty("kind").GetString() == "param"))
            .ToList();
        var actual = W.Listing(module);

        Assert.Equal(expected.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal),
                     actual.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal));
        // Within parameters and within buffers, PyTorch's order (d-li14 registers l2l, l2h, h2l, h2h; then bn_h, bn_l).
        Assert.Equal(expected.Where(e => e.IsParam).Select(e => e.Key), actual.Where(e => e.IsParam).Select(e => e.Key));
        Assert.Equal(expected.Where(e => !e.IsParam).Select(e => e.Key), actual.Where(e => !e.IsParam).Select(e => e.Key));
        foreach (var e in expected)
            Assert.True(e.Shape.SequenceEqual(actual.Single(a => a.Key == e.Key).Shape),
                        $"{name}: {e.Key} is [{string.Join(", ", actual.Single(a => a.Key == e.Key).Shape)}], PyTorch has [{string.Join(", ", e.Shape)}]");
        Assert.Equal(F.Long(c, "trainable"), module.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Parameter_and_multiply_add_counts_match_pytorch(string name)
    {
        var c = F.Case(name);
        long cin = F.Long(c, "in_channels"), cout = F.Long(c, "out_channels"), k = F.Long(c, "kernel_size");
        double aIn = F.Double(c, "alpha_in"), aOut = F.Double(c, "alpha_out");
        long s = F.Long(c, "stride"), p = F.Long(c, "padding"), d = F.Long(c, "dilation"), g = F.Long(c, "groups");
        bool bias = F.Bool(c, "bias");
        var highShape = W.Shape(F.Root.GetProperty("inputs").GetProperty(c.GetProperty("high_input").GetString()!).GetProperty("shape"));

        using var conv = new OctaveConv2d(cin, cout, k, aIn, aOut, s, p, d, g, bias);
        long convParams = conv.parameters().Sum(t => t.numel());
        Assert.Equal(convParams, OctaveConv2d.ParameterCount(cin, cout, k, aIn, aOut, g, bias));
        if (F.Kind(c) == "conv") Assert.Equal(F.Long(c, "trainable"), convParams);
        else Assert.Equal(F.Long(c, "trainable"), convParams + 2 * cout); // + the affine weight and bias of bn_h and bn_l

        long macs = F.Long(c, "macs"); // measured by hooks on PyTorch's convolutions
        Assert.Equal(macs, OctaveConv2d.MultiplyAdds(cin, cout, k, highShape[2], highShape[3], aIn, aOut, s, p, d, g));
        Assert.Equal(macs, conv.MultiplyAddsAt(highShape[2], highShape[3]));
    }

    [Fact]
    public void Awkward_split_uses_the_conv_split_for_the_batch_norms_not_dli14s()
    {
        // C = 10, alpha = .25: low int(2.5) = 2, high 10 - 2 = 8. d-li14's Conv_BN sizes bn_h int(10 * .75) = 7.
        var c = F.Case("conv_bn_c10");
        Assert.Equal(7, F.Long(c, "dli14_bn_h_size"));
        using var m = new OctaveConvBn(10, 10, 3, 0.25, 0.25, padding: 1);
        Assert.Equal(8, m.Conv.OutHighChannels);
        Assert.Equal(2, m.Conv.OutLowChannels);
        Assert.Equal(new long[] { 8 }, m.BnHigh!.weight!.shape);
        Assert.Equal(new long[] { 2 }, m.BnLow!.weight!.shape);
        Assert.NotEqual(F.Long(c, "dli14_bn_h_size"), m.BnHigh.weight!.shape[0]);
        Assert.Equal(new long[] { 1, 8, 4, 6 }, W.Shape(c.GetProperty("high_shape")));
    }
}

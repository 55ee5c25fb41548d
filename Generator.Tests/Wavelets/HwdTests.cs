using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Downsampling;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>
/// Seed 000's learnable downsamplers: HWD (<see cref="HaarWaveletDownsampling"/>) and the strided convolution
/// (<see cref="StridedConvDownsampling"/>), against PyTorch fixtures (tools/make_wavelet_module_fixtures.py), the Haar
/// formulas of wavelets.md section 0 and the parameter formulas.
/// </summary>
public class HwdTests
{
    // ------------------------------------------------------------------ HWD: state_dict, parameters

    [Fact]
    public void State_dict_has_the_reference_keys_shapes_and_kinds()
    {
        using var hwd = new HaarWaveletDownsampling(3, 8);
        var expected = F.Hwd.GetProperty("state_dict").EnumerateArray()
            .Select(e => (Key: e.GetProperty("key").GetString()!, Shape: F.Shape(e.GetProperty("shape")),
                          IsParam: e.GetProperty("kind").GetString() == "param"))
            .ToList();
        var actual = F.Listing(hwd);

        // Same entries; within parameters and within buffers the same order as PyTorch.
        Assert.Equal(expected.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal),
                     actual.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(expected.Where(e => e.IsParam).Select(e => e.Key), actual.Where(e => e.IsParam).Select(e => e.Key));
        Assert.Equal(expected.Where(e => !e.IsParam).Select(e => e.Key), actual.Where(e => !e.IsParam).Select(e => e.Key));
        foreach (var e in expected)
            Assert.Equal(e.Shape, actual.Single(a => a.Key == e.Key).Shape);
        Assert.Contains(actual, a => a.Key == "wt.h0_col" && !a.IsParam);
        Assert.Equal(11, actual.Count); // 4 DWT buffers, conv weight + bias, BN weight, bias, running mean, var, count
    }

    [Fact]
    public void Dwt_buffers_hold_pytorch_wavelets_reversed_haar_filters()
    {
        using var hwd = new HaarWaveletDownsampling(2, 2);
        var state = hwd.state_dict();
        foreach (var property in F.Hwd.GetProperty("buffers").EnumerateObject())
        {
            var buffer = state["wt." + property.Name];
            Assert.Equal(ScalarType.Float32, buffer.dtype);
            F.AssertClose(F.Values(property.Value), buffer, 1e-7, "wt." + property.Name);
        }
        // Haar by hand: reversed dec_lo = (1, 1)/sqrt2, reversed dec_hi = (1, -1)/sqrt2.
        double r = Math.Sqrt(0.5);
        F.AssertClose(new[] { r, -r }, state["wt.h1_row"], 1e-7, "wt.h1_row");
        Assert.DoesNotContain(hwd.parameters(), p => p.shape.SequenceEqual(new long[] { 1, 1, 1, 2 }));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 8)]
    [InlineData(16, 32)]
    [InlineData(64, 64)]
    public void Parameter_count_is_4_cin_cout_plus_3_cout(long cin, long cout)
    {
        using var hwd = new HaarWaveletDownsampling(cin, cout);
        long expected = 4 * cin * cout + cout + 2 * cout; // conv weight + bias, BN affine
        Assert.Equal(expected, hwd.parameters().Sum(p => p.numel()));
        Assert.Equal(expected, HaarWaveletDownsampling.ParameterCount(cin, cout));
        if (cin == 64 && cout == 64) Assert.Equal(16_576, expected); // wavelets.md section 1's example
        if (cin == 3 && cout == 8) Assert.Equal(F.Hwd.GetProperty("trainable").GetInt64(), expected);
        // Buffers: 8 filter taps, BN running mean and var, num_batches_tracked.
        Assert.Equal(8 + 2 * cout + 1, hwd.buffers().Sum(b => b.numel()));
    }

    // ------------------------------------------------------------------ HWD: forward against PyTorch

    [Theory]
    [InlineData(0, "float64", 1e-8)]
    [InlineData(1, "float64", 1e-8)]
    [InlineData(0, "float32", 1e-5)]
    [InlineData(1, "float32", 1e-5)]
    public void Forward_matches_pytorch_with_weights_by_key(int index, string dtypeName, double tol)
    {
        var dtype = dtypeName == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        var c = F.Hwd.GetProperty("cases")[index];
        using var hwd = new HaarWaveletDownsampling(3, 8);
        hwd.to(dtype);
        var filled = F.Load(hwd, F.Hwd.GetProperty("weights"));
        Assert.Equal(6, filled.Count);
        hwd.eval();

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var x = F.Input(c.GetProperty("input").GetString()!, dtype);
        var y = hwd.call(x);
        Assert.Equal(F.Shape(c.GetProperty("shape")), y.shape);
        F.AssertClose(F.Values(c.GetProperty("output")), y, tol, "HWD output");
        Assert.Equal(dtype, y.dtype);

        if (c.TryGetProperty("bands", out var bands))
        {
            F.AssertClose(F.Values(bands), hwd.Transform(x), tol, "HWD bands (band-major)");
            var pre = hwd.Norm.call(hwd.Conv.call(hwd.Transform(x)));
            F.AssertClose(F.Values(c.GetProperty("pre_relu")), pre, tol, "HWD conv + BN");
            Assert.Contains(F.Values(c.GetProperty("pre_relu")), v => v < -0.1); // the ReLU has work to do
        }
    }

    [Fact]
    public void Band_major_order_follows_the_haar_formulas_on_a_tiny_input()
    {
        // Two channels, one 2x2 block each: (a b / c d) = (1 2 / 3 5) and (−1 4 / 0 2).
        using var scope = NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2, 3, 5, -1, 4, 0, 2 }, new long[] { 1, 2, 2, 2 });
        using var hwd = new HaarWaveletDownsampling(2, 1);
        hwd.to(ScalarType.Float64);
        var bands = hwd.Transform(x);
        Assert.Equal(new long[] { 1, 8, 1, 1 }, bands.shape);
        static double[] Haar(double a, double b, double c, double d) =>
            new[] { (a + b + c + d) / 2, (a + b - c - d) / 2, (a - b + c - d) / 2, (a - b - c + d) / 2 };
        var ch0 = Haar(1, 2, 3, 5);   // 5.5, -2.5, -1.5, 0.5
        var ch1 = Haar(-1, 4, 0, 2);  // 2.5, 0.5, -3.5, -1.5
        // Band-major: [LL0, LL1, H0, H1, W0, W1, HH0, HH1].
        var expected = Enumerable.Range(0, 4).SelectMany(s => new[] { ch0[s], ch1[s] }).ToArray();
        Assert.Equal(new[] { 5.5, 2.5, -2.5, 0.5, -1.5, -3.5, 0.5, -1.5 }, expected);
        F.AssertClose(expected, bands, 1e-12, "band-major Haar bands");

        // An odd 1x3 row: the third column pairs with a zero column and a zero row (mode 'zero').
        using var one = new HaarWaveletDownsampling(1, 1);
        one.to(ScalarType.Float64);
        var odd = one.Transform(torch.tensor(new double[] { 1, 2, 4 }, new long[] { 1, 1, 1, 3 }));
        Assert.Equal(new long[] { 1, 4, 1, 2 }, odd.shape);
        F.AssertClose(new[] { 1.5, 2.0, 1.5, 2.0, -0.5, 2.0, -0.5, 2.0 }, odd, 1e-12, "odd width");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(5, 8)]
    [InlineData(9, 7)]
    [InlineData(16, 15)]
    public void Output_is_ceil_half_for_odd_and_even_sizes(long h, long w)
    {
        using var hwd = new HaarWaveletDownsampling(3, 5);
        hwd.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var y = hwd.call(torch.randn(2, 3, h, w));
        Assert.Equal(new[] { 2, 5, (h + 1) / 2, (w + 1) / 2 }, y.shape);
        Assert.Equal((h + 1) / 2, HaarWaveletDownsampling.OutputSize(h));
        Assert.Equal((w + 1) / 2, HaarWaveletDownsampling.OutputSize(w));
        Assert.True(y.min().item<float>() >= 0); // ReLU output
    }

    [Fact]
    public void Bad_arguments_and_inputs_are_clear_argument_exceptions()
    {
        Assert.Contains("in_channels", Assert.Throws<ArgumentException>(() => new HaarWaveletDownsampling(0, 4)).Message);
        Assert.Contains("out_channels", Assert.Throws<ArgumentException>(() => new HaarWaveletDownsampling(4, 0)).Message);
        using var hwd = new HaarWaveletDownsampling(3, 4);
        using var scope = NewDisposeScope();
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => hwd.call(torch.randn(3, 8, 8))).Message);
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => hwd.call(torch.randn(new long[] { 1, 1, 3, 8, 8 }))).Message);
        Assert.Contains("expected 3 input channels", Assert.Throws<ArgumentException>(() => hwd.call(torch.randn(1, 4, 8, 8))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => hwd.call(torch.ones(1, 3, 8, 8, ScalarType.Int64))).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => hwd.call(torch.randn(new long[] { 1, 3, 0, 8 }))).Message);
        Assert.Throws<ArgumentNullException>(() => hwd.call(null!));
    }

    [Fact]
    public void Training_updates_the_conv_and_batch_norm_and_gradients_reach_the_input()
    {
        using var hwd = new HaarWaveletDownsampling(2, 3);
        hwd.train();
        using var scope = NewDisposeScope();
        var x = torch.randn(4, 2, 6, 5).requires_grad_(true);
        hwd.call(x).sum().backward();
        Assert.All(hwd.parameters(), p => Assert.NotNull(p.grad));
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
        Assert.Equal(1L, hwd.state_dict()["conv_bn_relu.1.num_batches_tracked"].item<long>());
    }

    // ------------------------------------------------------------------ Strided convolution (seed 000)

    [Fact]
    public void Strided_state_dict_and_parameters_match_the_seed_module()
    {
        using var strided = new StridedConvDownsampling(3, 8);
        var expected = F.Strided.GetProperty("state_dict").EnumerateArray()
            .Select(e => (e.GetProperty("key").GetString()!, string.Join("x", F.Shape(e.GetProperty("shape"))))).ToList();
        var actual = F.Listing(strided).Select(e => (e.Key, string.Join("x", e.Shape))).ToList();
        Assert.Equal(new[] { ("conv.weight", "8x3x3x3"), ("conv.bias", "8") }, expected);
        Assert.Equal(expected, actual);
        Assert.Equal(F.Strided.GetProperty("trainable").GetInt64(), strided.parameters().Sum(p => p.numel()));
        Assert.Equal(8 * 3 * 9 + 8, strided.parameters().Sum(p => p.numel()));
        Assert.Equal(new[] { "conv", "relu" }, strided.named_children().Select(c => c.name));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Strided_forward_matches_pytorch(int index)
    {
        var c = F.Strided.GetProperty("cases")[index];
        using var strided = new StridedConvDownsampling(3, 8);
        strided.to(ScalarType.Float64);
        F.Load(strided, F.Strided.GetProperty("weights"));
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var y = strided.call(F.Input(c.GetProperty("input").GetString()!, ScalarType.Float64));
        Assert.Equal(F.Shape(c.GetProperty("shape")), y.shape);
        F.AssertClose(F.Values(c.GetProperty("output")), y, 1e-8, "strided conv output");
    }

    [Theory]
    [InlineData(9, 3, 2, 5)]
    [InlineData(8, 3, 2, 4)]
    [InlineData(1, 3, 2, 1)]
    [InlineData(7, 5, 3, 2)]
    public void Strided_output_size_and_optional_relu(long size, long kernel, long stride, long expected)
    {
        using var withRelu = new StridedConvDownsampling(2, 4, kernel, stride);
        using var without = new StridedConvDownsampling(2, 4, kernel, stride, is_relu: false);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        withRelu.Conv.bias!.copy_(torch.tensor(new float[] { 100, -100, 100, -100 })); // channels 1 and 3 negative
        without.load_state_dict(withRelu.state_dict());
        var x = torch.randn(1, 2, size, size);
        var a = withRelu.call(x);
        var b = without.call(x);
        Assert.Equal(new[] { 1, 4, expected, expected }, a.shape);
        Assert.Equal(new[] { 1, 4, expected, expected }, b.shape);
        Assert.Equal(expected, withRelu.OutputSize(size));
        Assert.True((a - b.relu()).abs().max().item<float>() == 0);
        Assert.True(b.select(1, 1).max().item<float>() < 0);  // without the ReLU, negative values stay
        Assert.True(a.select(1, 1).abs().max().item<float>() == 0);
        Assert.True((a.select(1, 0) - b.select(1, 0)).abs().max().item<float>() == 0);
    }

    [Fact]
    public void Strided_bad_arguments_and_inputs_are_clear_argument_exceptions()
    {
        Assert.Contains("kernel_size", Assert.Throws<ArgumentException>(() => new StridedConvDownsampling(3, 4, kernel_size: 0)).Message);
        Assert.Contains("stride", Assert.Throws<ArgumentException>(() => new StridedConvDownsampling(3, 4, stride: 0)).Message);
        using var strided = new StridedConvDownsampling(3, 4, kernel_size: 5);
        using var scope = NewDisposeScope();
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => strided.call(torch.randn(3, 8, 8))).Message);
        Assert.Contains("expected 3 input channels", Assert.Throws<ArgumentException>(() => strided.call(torch.randn(1, 2, 8, 8))).Message);
        Assert.Contains("at least 3", Assert.Throws<ArgumentException>(() => strided.call(torch.randn(1, 3, 2, 8))).Message);
    }
}

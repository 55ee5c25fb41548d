using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using F = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>
/// <see cref="WTConv2d"/> against a PyTorch WTConv2d written to the official code's semantics
/// (tools/make_wavelet_module_fixtures.py), the parameter formula of wavelets.md section 2, and identities of the
/// semantics (zero wavelet scales, Haar perfect reconstruction through the cascade, conv path = Haar fast path).
/// </summary>
public class WTConvTests
{
    public static IEnumerable<object[]> Cases => WaveletFixtures.Indices(F.WTConvCases.Length);

    private static WTConv2d Build(JsonElement c) => new(
        c.GetProperty("channels").GetInt64(), c.GetProperty("channels").GetInt64(), c.GetProperty("kernel_size").GetInt64(),
        c.GetProperty("stride").GetInt64(), c.GetProperty("bias").GetBoolean(), c.GetProperty("wt_levels").GetInt64(),
        c.GetProperty("wt_type").GetString()!);

    private static string Describe(JsonElement c) =>
        $"WTConv2d(C={c.GetProperty("channels")}, k={c.GetProperty("kernel_size")}, s={c.GetProperty("stride")}, " +
        $"bias={c.GetProperty("bias")}, L={c.GetProperty("wt_levels")}, {c.GetProperty("wt_type")}) on {c.GetProperty("input")}";

    // ------------------------------------------------------------------ against PyTorch

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_pytorch_in_float64(int index) => AssertFixtureCase(index, ScalarType.Float64, 1e-8);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_pytorch_in_float32(int index) => AssertFixtureCase(index, ScalarType.Float32, 1e-5);

    private static void AssertFixtureCase(int index, ScalarType dtype, double tol)
    {
        var c = F.WTConvCases[index];
        using var m = Build(c);
        m.to(dtype);
        Dictionary<string, Tensor>? filters = null;
        if (dtype == ScalarType.Float64)
        {
            // The reference ran with float64 filters; ours are float32 constants unless replaced.
            var (dec, rec) = WTConv2d.CreateFilters(m.Wavelet, m.Channels, ScalarType.Float64);
            filters = new Dictionary<string, Tensor> { ["wt_filter"] = dec, ["iwt_filter"] = rec };
        }
        var filled = F.Load(m, c.GetProperty("weights"), filters);
        Assert.Equal(c.GetProperty("state_dict").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "param"), filled.Count);
        m.eval();

        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var y = m.call(F.Input(c.GetProperty("input").GetString()!, dtype));
        Assert.Equal(F.Shape(c.GetProperty("shape")), y.shape);
        Assert.Equal(dtype, y.dtype);
        F.AssertClose(F.Values(c.GetProperty("output")), y, tol, Describe(c));
    }

    [Fact]
    public void Fixture_covers_the_briefs_grid()
    {
        var cases = F.WTConvCases;
        Assert.Equal(new[] { 3L, 4, 5 }, cases.Select(c => c.GetProperty("kernel_size").GetInt64()).Distinct().OrderBy(v => v));
        Assert.Equal(new[] { 1L, 2, 3 }, cases.Select(c => c.GetProperty("wt_levels").GetInt64()).Distinct().OrderBy(v => v));
        Assert.Equal(new[] { "db1", "db2" }, cases.Select(c => c.GetProperty("wt_type").GetString()).Distinct().OrderBy(v => v));
        Assert.Equal(new[] { 1L, 2 }, cases.Select(c => c.GetProperty("stride").GetInt64()).Distinct().OrderBy(v => v));
        Assert.Contains(cases, c => c.GetProperty("input").GetString() == "c4x9x7" && c.GetProperty("wt_type").GetString() == "db2" &&
                                    c.GetProperty("wt_levels").GetInt64() == 3);
        Assert.Contains(cases, c => !c.GetProperty("bias").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void State_dict_has_the_official_keys_and_shapes(int index)
    {
        var c = F.WTConvCases[index];
        using var m = Build(c);
        var expected = c.GetProperty("state_dict").EnumerateArray()
            .Select(e => (Key: e.GetProperty("key").GetString()!, Shape: F.Shape(e.GetProperty("shape")), Kind: e.GetProperty("kind").GetString()!))
            .ToList();
        var actual = F.Listing(m);

        Assert.Equal(expected.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal),
                     actual.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal));
        foreach (var e in expected)
            Assert.Equal(e.Shape, actual.Single(a => a.Key == e.Key).Shape);
        // Trainable parameters in the official order; the official requires_grad=False parameters are our buffers.
        Assert.Equal(expected.Where(e => e.Kind == "param").Select(e => e.Key), actual.Where(a => a.IsParam).Select(a => a.Key));
        Assert.Equal(new[] { "wt_filter", "iwt_filter" }, expected.Where(e => e.Kind == "fixed").Select(e => e.Key));
        Assert.Equal(new[] { "wt_filter", "iwt_filter" }, actual.Where(a => !a.IsParam).Select(a => a.Key));
        Assert.All(m.buffers(), b => Assert.False(b.requires_grad));
        Assert.All(m.parameters(), p => Assert.True(p.requires_grad));
    }

    [Theory]
    [InlineData("db1")]
    [InlineData("db2")]
    public void Fixed_filters_equal_the_official_create_wavelet_filter(string wave)
    {
        var f = F.WTConv.GetProperty("filters").GetProperty(wave);
        int length = wave == "db1" ? 2 : 4;
        Assert.Equal(new long[] { 4, 1, length, length }, F.Shape(f.GetProperty("shape")));
        using var m = new WTConv2d(3, 3, wt_type: wave);
        var state = m.state_dict();
        foreach (var key in new[] { "wt_filter", "iwt_filter" })
        {
            var t = state[key];
            Assert.Equal(new long[] { 12, 1, length, length }, t.shape);
            Assert.Equal(ScalarType.Float32, t.dtype);
            for (int channel = 0; channel < 3; channel++) // the (4, 1, L, L) block repeated per channel
                F.AssertClose(F.Values(f.GetProperty(key)), t.narrow(0, 4 * channel, 4), 1e-7, $"{wave} {key} channel {channel}");
        }
        if (wave == "db1") // Haar by hand: LL = +1/2 everywhere, band 1 (high along H) = +1/2 top row, -1/2 bottom row
        {
            F.AssertClose(new[] { 0.5, 0.5, 0.5, 0.5 }, state["wt_filter"][0], 1e-7, "Haar LL");
            F.AssertClose(new[] { 0.5, 0.5, -0.5, -0.5 }, state["wt_filter"][1], 1e-7, "Haar high along H");
            F.AssertClose(new[] { 0.5, -0.5, 0.5, -0.5 }, state["wt_filter"][2], 1e-7, "Haar high along W");
        }
    }

    // ------------------------------------------------------------------ parameter counts

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_counts_of_the_fixture_cases_match_pytorch(int index)
    {
        var c = F.WTConvCases[index];
        using var m = Build(c);
        long trainable = m.parameters().Sum(p => p.numel());
        long fixedCount = m.buffers().Sum(b => b.numel());
        Assert.Equal(c.GetProperty("trainable").GetInt64(), trainable);
        Assert.Equal(c.GetProperty("fixed").GetInt64(), fixedCount);
    }

    [Theory]
    [InlineData(1, 1, 1, true, "db1")]
    [InlineData(4, 3, 1, true, "db1")]
    [InlineData(8, 5, 1, true, "db1")]
    [InlineData(32, 5, 3, true, "db1")]
    [InlineData(16, 7, 2, false, "db2")]
    [InlineData(3, 3, 4, true, "db3")]
    [InlineData(6, 4, 5, false, "haar")]
    public void Parameter_counts_follow_the_formula_trainable_and_fixed_apart(long c, long k, long levels, bool bias, string wave)
    {
        using var m = new WTConv2d(c, c, k, 1, bias, levels, wave);
        long formula = c * (k * k + 2) + 4 * levels * c * (k * k + 1) - (bias ? 0 : c);
        int taps = Wavelet.Get(wave).Length;
        long fixedFormula = 2 * 4 * c * taps * taps;
        Assert.Equal(formula, m.parameters().Sum(p => p.numel()));
        Assert.Equal(formula, WTConv2d.TrainableParameterCount(c, k, levels, bias));
        Assert.Equal(fixedFormula, m.buffers().Sum(b => b.numel()));
        Assert.Equal(fixedFormula, WTConv2d.FixedFilterCount(c, taps));
        if (c == 32 && k == 5 && levels == 3) Assert.Equal((10_848L, 1_024L), (formula, fixedFormula)); // wavelets.md example

        // PyTorch's counts of the official structure (fixture "counts"), where they exist for this configuration.
        foreach (var row in F.WTConv.GetProperty("counts").EnumerateArray())
            if (row.GetProperty("channels").GetInt64() == c && row.GetProperty("kernel_size").GetInt64() == k &&
                row.GetProperty("wt_levels").GetInt64() == levels && row.GetProperty("wt_type").GetString() == wave)
            {
                Assert.Equal(row.GetProperty("trainable").GetInt64(), formula);
                Assert.Equal(row.GetProperty("fixed").GetInt64(), fixedFormula);
            }
    }

    [Fact]
    public void Every_counts_row_of_the_fixture_is_checked()
    {
        var rows = F.WTConv.GetProperty("counts").EnumerateArray().ToArray();
        Assert.Equal(4, rows.Length);
        foreach (var row in rows)
        {
            long c = row.GetProperty("channels").GetInt64(), k = row.GetProperty("kernel_size").GetInt64();
            long levels = row.GetProperty("wt_levels").GetInt64();
            bool bias = row.GetProperty("bias").GetBoolean();
            using var m = new WTConv2d(c, c, k, 1, bias, levels, row.GetProperty("wt_type").GetString()!);
            Assert.Equal(row.GetProperty("trainable").GetInt64(), m.parameters().Sum(p => p.numel()));
            Assert.Equal(row.GetProperty("fixed").GetInt64(), m.buffers().Sum(b => b.numel()));
        }
    }

    // ------------------------------------------------------------------ shapes

    [Theory]
    [InlineData(1, 1, 1, 3, "db1")]
    [InlineData(9, 7, 1, 3, "db1")]
    [InlineData(8, 8, 1, 2, "db2")]
    [InlineData(5, 12, 1, 3, "db2")]
    [InlineData(9, 7, 2, 2, "db1")]
    [InlineData(8, 8, 2, 1, "db2")]
    [InlineData(10, 7, 3, 2, "db1")]
    [InlineData(3, 1, 2, 3, "db3")]
    public void Output_is_same_size_at_stride_1_and_ceil_h_over_s_otherwise(long h, long w, long stride, long levels, string wave)
    {
        using var m = new WTConv2d(3, 3, 3, stride, true, levels, wave);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var y = m.call(torch.randn(2, 3, h, w));
        long eh = (h + stride - 1) / stride, ew = (w + stride - 1) / stride;
        Assert.Equal(new[] { 2, 3, eh, ew }, y.shape);
        Assert.Equal(eh, WTConv2d.OutputSize(h, stride));
        Assert.Equal(ew, WTConv2d.OutputSize(w, stride));
        Assert.False(y.isnan().any().item<bool>());
    }

    // ------------------------------------------------------------------ identities of the semantics

    [Theory]
    [InlineData("db1", 1, 1)]
    [InlineData("db1", 3, 2)]
    [InlineData("db2", 2, 1)]
    [InlineData("db3", 2, 2)]
    public void With_all_wavelet_scales_zero_the_output_is_the_scaled_base_conv(string wave, long levels, long stride)
    {
        using var m = new WTConv2d(3, 3, 5, stride, true, levels, wave);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        // Powers of two: the layer folds the scale into the conv weights (conv(x, w·s) + b·s), which equals
        // s ⊙ (conv(x, w) + b) bit for bit only when multiplying by s is exact. The layer's convolution is NetDsl's
        // depthwise kernel on CPU, so the bit-exact reference runs the same kernel; LibTorch's conv agrees to rounding.
        m.BaseScale.weight.copy_(torch.tensor(new float[] { 0.5f, -2f, 2f }).reshape(1, 3, 1, 1));
        var x = torch.randn(2, 3, 11, 6);
        var basePath = m.BaseScale.call(NetDsl.Convolutions.DepthwiseConv.Same(x, m.BaseConv.weight!, m.BaseConv.bias));
        Assert.True((basePath - m.BaseScale.call(m.BaseConv.call(x))).abs().max().item<float>() < 1e-5);
        basePath = basePath.slice(2, 0, 11, stride).slice(3, 0, 6, stride);

        var withWavelets = m.call(x);
        Assert.True((withWavelets - basePath).abs().max().item<float>() > 1e-3); // the default 0.1 scales contribute

        foreach (var scale in m.WaveletScales) scale.weight.zero_();
        var y = m.call(x);
        Assert.Equal(basePath.shape, y.shape);
        Assert.True((y - basePath).abs().max().item<float>() == 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Haar_cascade_with_identity_convs_adds_x_and_its_coarser_block_means(long levels)
    {
        // Identity wavelet convs (centre tap 1) and scales 1: level by level the Haar inverse undoes the transform,
        // and each level adds its LL once more, so y - base = x + sum over l = 1..L-1 of x averaged over 2^l x 2^l blocks.
        using var m = new WTConv2d(2, 2, 3, 1, true, levels, "db1");
        m.to(ScalarType.Float64);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        foreach (var conv in m.WaveletConvs)
        {
            conv.weight!.zero_();
            conv.weight!.index_put_(torch.tensor(1.0, ScalarType.Float64), TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Single(1), TensorIndex.Single(1));
        }
        foreach (var scale in m.WaveletScales) scale.weight.fill_(1.0);
        var x = torch.randn(new long[] { 1, 2, 16, 8 }, ScalarType.Float64);
        var y = m.call(x) - m.BaseScale.call(m.BaseConv.call(x));

        var expected = x.clone();
        for (int l = 1; l < levels; l++)
        {
            long block = 1L << l;
            var means = nn.functional.avg_pool2d(x, block, block);
            expected += means.repeat_interleave(block, 2).repeat_interleave(block, 3);
        }
        Assert.True((y - expected).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void Haar_cascade_identity_handles_odd_sizes_with_pad_and_crop()
    {
        // One level, identity conv, scale 1: y - base = IWT(WT(x)) cropped = x, for odd sizes too (zero pad, crop).
        using var m = new WTConv2d(1, 1, 3, 1, false, 1, "db1");
        m.to(ScalarType.Float64);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        m.WaveletConvs[0].weight!.zero_();
        m.WaveletConvs[0].weight!.index_put_(torch.tensor(1.0, ScalarType.Float64), TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Single(1), TensorIndex.Single(1));
        m.WaveletScales[0].weight.fill_(1.0);
        var x = torch.randn(new long[] { 1, 1, 7, 5 }, ScalarType.Float64);
        var y = m.call(x) - m.BaseScale.call(m.BaseConv.call(x));
        Assert.True((y - x).abs().max().item<double>() < 1e-12);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    public void Convolution_path_with_haar_filters_equals_the_haar_fast_path(long levels, long stride)
    {
        // bior1.1 has Haar's four filters (pywt), but it is not db1/haar, so it runs the official conv2d path.
        var haar = Wavelet.Get("haar");
        var bior = Wavelet.Get("bior1.1");
        Assert.Equal(haar.DecLo, bior.DecLo);
        Assert.Equal(haar.DecHi, bior.DecHi);
        Assert.Equal(haar.RecLo, bior.RecLo);
        Assert.Equal(haar.RecHi, bior.RecHi);

        using var fast = new WTConv2d(3, 3, 3, stride, true, levels, "db1");
        using var conv = new WTConv2d(3, 3, 3, stride, true, levels, "bior1.1");
        Assert.True(fast.UsesHaarFastPath);
        Assert.False(conv.UsesHaarFastPath);
        conv.load_state_dict(fast.state_dict());
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        foreach (var scale in fast.WaveletScales.Concat(conv.WaveletScales)) scale.weight.fill_(0.7f);
        var x = torch.randn(2, 3, 13, 10);
        var a = fast.call(x);
        var b = conv.call(x);
        Assert.Equal(a.shape, b.shape);
        Assert.True((a - b).abs().max().item<float>() < 1e-5);
    }

    [Theory]
    [InlineData("db1")]
    [InlineData("db2")]
    public void Converting_the_dtype_keeps_the_state_dict_keys_and_the_members_in_sync(string wave)
    {
        using var m = new WTConv2d(3, 3, 3, 1, true, 2, wave);
        var keys = m.state_dict().Keys.ToList();
        long trainable = m.parameters().Sum(p => p.numel());
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var x = torch.randn(1, 3, 9, 7);
        var y32 = m.call(x);

        m.to(ScalarType.Float64);
        Assert.Equal(keys, m.state_dict().Keys.ToList());
        Assert.All(m.state_dict().Values, t => Assert.Equal(ScalarType.Float64, t.dtype));
        Assert.Equal(trainable, m.parameters().Sum(p => p.numel()));
        Assert.Equal(ScalarType.Float64, m.BaseScale.weight.dtype);
        Assert.Same(m.BaseScale.weight, m.named_parameters().Single(p => p.name == "base_scale.weight").parameter);
        var y64 = m.call(x.to_type(ScalarType.Float64)); // the conv path reads the converted filter buffers
        Assert.Equal(ScalarType.Float64, y64.dtype);
        Assert.True((y64 - y32.to_type(ScalarType.Float64)).abs().max().item<double>() < 1e-5);
    }

    [Fact]
    public void Gradients_reach_every_trainable_parameter_and_not_the_fixed_filters()
    {
        using var m = new WTConv2d(2, 2, 3, 1, true, 2, "db2");
        using var scope = NewDisposeScope();
        var x = torch.randn(1, 2, 9, 7).requires_grad_(true);
        m.call(x).square().sum().backward();
        Assert.All(m.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
        Assert.All(m.buffers(), b => Assert.Null(b.grad));
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Defaults_are_the_official_ones()
    {
        using var m = new WTConv2d(4, 4);
        Assert.Equal((5L, 1L, true, 1L, "db1"), (m.KernelSize, m.Stride, m.HasBias, m.Levels, m.Wavelet.Name));
        Assert.True(m.UsesHaarFastPath);
        Assert.True((m.BaseScale.weight - 1).abs().max().item<float>() == 0);
        Assert.True((m.WaveletScales[0].weight - 0.1f).abs().max().item<float>() == 0);
        Assert.Equal(new long[] { 1, 4, 1, 1 }, m.BaseScale.weight.shape);
        Assert.Equal(new long[] { 1, 16, 1, 1 }, m.WaveletScales[0].weight.shape);
        Assert.Equal(new long[] { 16, 1, 5, 5 }, m.WaveletConvs[0].weight!.shape);
        Assert.Null(m.WaveletConvs[0].bias);
        Assert.Equal(new long[] { 4, 1, 5, 5 }, m.BaseConv.weight!.shape);
        Assert.Equal(new long[] { 4 }, m.BaseConv.bias!.shape);
    }

    // ------------------------------------------------------------------ bad input

    [Fact]
    public void Bad_arguments_are_clear_argument_exceptions()
    {
        Assert.Contains("out_channels must equal in_channels", Assert.Throws<ArgumentException>(() => new WTConv2d(4, 8)).Message);
        Assert.Contains("wt_levels", Assert.Throws<ArgumentException>(() => new WTConv2d(4, 4, wt_levels: 0)).Message);
        Assert.Contains("kernel_size", Assert.Throws<ArgumentException>(() => new WTConv2d(4, 4, kernel_size: 0)).Message);
        Assert.Contains("stride", Assert.Throws<ArgumentException>(() => new WTConv2d(4, 4, stride: 0)).Message);
        Assert.Contains("in_channels", Assert.Throws<ArgumentException>(() => new WTConv2d(0, 0)).Message);
        var unknown = Assert.Throws<ArgumentException>(() => new WTConv2d(4, 4, wt_type: "db99"));
        Assert.Contains("unknown wt_type 'db99'", unknown.Message);
        Assert.Contains("sym2", unknown.Message); // the list of supported names
        Assert.Throws<ArgumentException>(() => new WTConv2d(4, 4, wt_type: "morlet"));
    }

    [Fact]
    public void Bad_inputs_are_clear_argument_exceptions()
    {
        using var m = new WTConv2d(3, 3, 3);
        using var scope = NewDisposeScope();
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => m.call(torch.randn(3, 8, 8))).Message);
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => m.call(torch.randn(new long[] { 1, 1, 3, 8, 8 }))).Message);
        Assert.Contains("expected 3 channels", Assert.Throws<ArgumentException>(() => m.call(torch.randn(1, 4, 8, 8))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => m.call(torch.ones(1, 3, 8, 8, ScalarType.Int32))).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => m.call(torch.randn(new long[] { 1, 3, 8, 0 }))).Message);
    }
}

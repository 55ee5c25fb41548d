using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Pyramids;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using P = NetDsl.Generator.Tests.Pyramids.PyramidFixtures;

namespace NetDsl.Generator.Tests.Pyramids;

/// <summary>
/// SPEED's <see cref="DSPP"/> and <see cref="MDSPP"/> against a PyTorch reference written to the SPEED code's semantics
/// (speed.json; its pooling is checked against numpy and its resize against TF2's bilinear formula in the script), the
/// channel rules C + 4F and F + C, the seed's shapes and the bin errors.
/// </summary>
public class SpeedPyramidTests
{
    private static DSPP BuildDspp()
    {
        var e = P.Speed.GetProperty("dspp");
        return new DSPP(e.GetProperty("in_channels").GetInt64(), e.GetProperty("bins").EnumerateArray().Select(b => b.GetInt64()).ToArray(),
                        e.GetProperty("filters").GetInt64());
    }

    private static MDSPP BuildMdspp()
    {
        var e = P.Speed.GetProperty("mdspp");
        return new MDSPP(e.GetProperty("in_channels").GetInt64(), e.GetProperty("bins").EnumerateArray().Select(b => b.GetInt64()).ToArray(),
                         e.GetProperty("filters").GetInt64());
    }

    public static IEnumerable<object[]> DsppCases => P.Indices(P.Speed.GetProperty("dspp").GetProperty("cases").GetArrayLength());

    // ------------------------------------------------------------------ against the PyTorch reference

    [Fact]
    public void State_dicts_match_the_reference()
    {
        using var dspp = BuildDspp();
        P.AssertSameStateDict(P.Speed.GetProperty("dspp").GetProperty("state_dict"), dspp, "DSPP");
        Assert.Equal(P.Speed.GetProperty("dspp").GetProperty("parameters").GetInt64(), dspp.parameters().Sum(p => p.numel()));
        Assert.Contains("convs.3.pointwise.bias", dspp.state_dict().Keys);

        using var mdspp = BuildMdspp();
        P.AssertSameStateDict(P.Speed.GetProperty("mdspp").GetProperty("state_dict"), mdspp, "MDSPP");
        Assert.Equal(P.Speed.GetProperty("mdspp").GetProperty("parameters").GetInt64(), mdspp.parameters().Sum(p => p.numel()));
        Assert.DoesNotContain(mdspp.state_dict().Keys, k => k.EndsWith("bias")); // use_bias=False throughout
        Assert.Equal(new[] { "upconv_1", "upconv_2_odd", "upconv_2_even" }, mdspp.named_children().Select(c => c.name));
    }

    [Theory]
    [MemberData(nameof(DsppCases))]
    public void Dspp_matches_the_reference(int index)
    {
        foreach (var (dtype, tol) in new[] { (ScalarType.Float64, 1e-7), (ScalarType.Float32, 1e-4) })
        {
            using var dspp = BuildDspp();
            using var scope = NewDisposeScope();
            // The fixture stores the branches (channels C..); the first C channels must be the input itself.
            var y = P.AssertCase(P.Speed, P.Speed.GetProperty("dspp"), index, dspp, dtype, tol, "DSPP",
                                 (output, x) => output[.., (int)x.shape[1]..]);
            var input = P.Input(P.Speed, P.Speed.GetProperty("dspp").GetProperty("cases")[index].GetProperty("input").GetString()!, dtype);
            Assert.True((y[.., ..3] - input).abs().max().ToDouble() == 0, "DSPP must put the input first, unchanged");
            Assert.Equal(DSPP.OutputChannelsFor(3, 2), y.shape[1]);
        }
    }

    [Fact]
    public void Mdspp_matches_the_reference()
    {
        foreach (var (dtype, tol) in new[] { (ScalarType.Float64, 1e-7), (ScalarType.Float32, 1e-4) })
        {
            using var mdspp = BuildMdspp();
            using var scope = NewDisposeScope();
            var y = P.AssertCase(P.Speed, P.Speed.GetProperty("mdspp"), 0, mdspp, dtype, tol, "MDSPP",
                                 (output, x) => output[.., ..(int)(output.shape[1] - x.shape[1])]);
            var input = P.Input(P.Speed, P.Speed.GetProperty("mdspp").GetProperty("cases")[0].GetProperty("input").GetString()!, dtype);
            Assert.True((y[.., 8..] - input).abs().max().ToDouble() == 0, "MDSPP must put the input last, unchanged");
            Assert.True(y[.., ..8].min().ToDouble() >= 0, "E and O end in a ReLU");
            Assert.True(y[.., ..4].max().ToDouble() > 0 && y[.., 4..8].max().ToDouble() > 0);
        }
    }

    [Fact]
    public void Fixture_uses_awkward_sizes()
    {
        // 15x9: bin 4 along H has window 3 and 5 cells, bin 8 along W window 1 and 9 cells; 8x10 has bins equal to H.
        var inputs = P.Speed.GetProperty("dspp").GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("input").GetString()).ToList();
        Assert.Equal(new[] { "n1c3h8w10", "n1c3h15w9" }, inputs);
        Assert.Equal("n1c3h15w9", P.Speed.GetProperty("mdspp").GetProperty("cases")[0].GetProperty("input").GetString());
    }

    // ------------------------------------------------------------------ shapes and channel rules

    [Fact]
    public void Pooled_grids_match_pytorchs_valid_average_pool()
    {
        foreach (var g in P.Speed.GetProperty("pooled_grids").EnumerateArray())
        {
            long size = g.GetProperty("size").GetInt64(), bin = g.GetProperty("bin").GetInt64();
            Assert.Equal((g.GetProperty("window").GetInt64(), g.GetProperty("cells").GetInt64()), DSPP.PooledGrid(size, bin));
        }
        Assert.Equal((3L, 5L), DSPP.PooledGrid(15, 4)); // pyramids.md section 6: the grid equals the bin only when it divides
        Assert.Equal((6L, 2L), DSPP.PooledGrid(12, 2));  // seed 003: 12x16 map, bin 2 -> window (6, 8), grid 2x2
        Assert.Equal((2L, 8L), DSPP.PooledGrid(16, 6));  // bin 6 along W = 16 -> window 2, 8 cells
        Assert.Equal((1L, 12L), DSPP.PooledGrid(12, 8)); // bin 8 along H = 12 -> window 1, 12 cells
    }

    [Fact]
    public void Dspp_has_C_plus_4F_channels_at_speeds_size()
    {
        // SPEED encoder: (12, 16, 512) -> (12, 16, 1024) with filters 128.
        using var dspp = new DSPP(512);
        Assert.Equal(new long[] { 2, 4, 6, 8 }, dspp.Bins);
        Assert.Equal(1024, dspp.OutputChannels);
        Assert.Equal(512 + 4 * 128, DSPP.OutputChannelsFor(512, 128));
        dspp.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 1, 1024, 12, 16 }, dspp.call(torch.randn(1, 512, 12, 16)).shape);
        Assert.Equal(4 * SeparableConv2d.ParameterCount(512, 128, 3, true), dspp.parameters().Sum(p => p.numel()));
        using var three = new DSPP(5, new long[] { 1, 3, 7 }, 6);
        Assert.Equal(new long[] { 2, 5 + 18, 7, 9 }, three.call(torch.randn(2, 5, 7, 9)).shape);
    }

    [Fact]
    public void Mdspp_has_F_plus_C_channels_at_speeds_size()
    {
        // SPEED decoder up2: (12, 16, 128) -> (12, 16, 256) with filters 128.
        using var mdspp = new MDSPP(128, filters: 128);
        Assert.Equal(256, mdspp.OutputChannels);
        Assert.Equal(64 + 32, MDSPP.OutputChannelsFor(32, 64));
        Assert.Equal(2 * 3 + 5, MDSPP.OutputChannelsFor(5, 7)); // odd F: 2·(F // 2) + C
        Assert.Equal(new long[] { 128, 1, 3, 3 }, mdspp.state_dict()["upconv_1.0.depthwise.weight"].shape);
        Assert.Equal(new long[] { 32, 128, 1, 1 }, mdspp.state_dict()["upconv_1.3.pointwise.weight"].shape);
        Assert.Equal(new long[] { 64, 64, 1, 1 }, mdspp.state_dict()["upconv_2_even.pointwise.weight"].shape);
        mdspp.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 1, 256, 12, 16 }, mdspp.call(torch.randn(1, 128, 12, 16)).shape);
        using var odd = new MDSPP(5, filters: 7);
        Assert.Equal(new long[] { 2, 11, 8, 8 }, odd.call(torch.randn(2, 5, 8, 8)).shape);
    }

    [Fact]
    public void Mdspp_pairs_bins_0_2_and_1_3()
    {
        // Zeroing the branch convolutions of bins 0 and 2 must silence E (channels 0..F/2-1) and leave O alive.
        using var mdspp = new MDSPP(3, filters: 8);
        mdspp.eval();
        using var noGrad = torch.no_grad();
        foreach (int i in new[] { 0, 2 }) mdspp.BranchConvs[i].Pointwise.weight!.zero_();
        using var scope = NewDisposeScope();
        var y = mdspp.call(torch.randn(1, 3, 8, 8));
        Assert.Equal(0.0, y[.., ..4].abs().max().item<float>());
        Assert.True(y[.., 4..8].abs().max().item<float>() > 0);
    }

    [Fact]
    public void Gradients_reach_every_parameter_and_the_input()
    {
        // Positive weights and a positive input keep every ReLU inside MDSPP active: with random ones a branch could be
        // dead on this small input (all its gradients exactly 0), which made the test fail about once in six runs.
        // No global random generator either, so tests running in parallel cannot change the draw.
        using var dspp = new DSPP(3, filters: 4);
        using var mdspp = new MDSPP(dspp.OutputChannels, filters: 8);
        using var scope = NewDisposeScope();
        using (torch.no_grad())
        {
            foreach (var p in dspp.parameters().Concat(mdspp.parameters()))
                p.copy_((0.05 + 0.02 * torch.sin(torch.arange(p.numel(), dtype: ScalarType.Float32))).reshape(p.shape));
        }
        var x = (0.1 + torch.linspace(0, 1, 2 * 3 * 12 * 16).reshape(2, 3, 12, 16)).requires_grad_(true);
        mdspp.call(dspp.call(x)).pow(2).sum().backward();
        Assert.All(dspp.parameters().Concat(mdspp.parameters()), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }

    // ------------------------------------------------------------------ errors

    [Fact]
    public void A_bin_larger_than_the_map_names_the_module_bin_and_size()
    {
        using var dspp = new DSPP(3, filters: 4);
        using var mdspp = new MDSPP(3, filters: 8);
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => dspp.call(torch.randn(1, 3, 6, 16)));
        Assert.Contains("DSPP", e.Message);
        Assert.Contains("bin 8", e.Message);
        Assert.Contains("height 6", e.Message);
        Assert.Contains("6 // 8 = 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => mdspp.call(torch.randn(1, 3, 12, 7)));
        Assert.Contains("MDSPP", e.Message);
        Assert.Contains("bin 8", e.Message);
        Assert.Contains("width 7", e.Message);
        // 8x8 is the smallest map the default bins accept.
        Assert.Equal(new long[] { 1, 19, 8, 8 }, dspp.call(torch.randn(1, 3, 8, 8)).shape);
        e = Assert.Throws<ArgumentException>(() => DSPP.PooledGrid(5, 6));
        Assert.Contains("bin 6", e.Message);
        Assert.Contains("size 5", e.Message);
    }

    [Fact]
    public void Bad_arguments_and_inputs_are_clear_argument_exceptions()
    {
        Assert.Contains("DSPP: in_channels", Assert.Throws<ArgumentException>(() => new DSPP(0)).Message);
        Assert.Contains("DSPP: filters", Assert.Throws<ArgumentException>(() => new DSPP(4, filters: 0)).Message);
        Assert.Contains("must not be empty", Assert.Throws<ArgumentException>(() => new DSPP(4, Array.Empty<long>())).Message);
        Assert.Contains("at least 1", Assert.Throws<ArgumentException>(() => new DSPP(4, new long[] { 2, 0 })).Message);
        Assert.Contains("exactly four bins", Assert.Throws<ArgumentException>(() => new MDSPP(4, new long[] { 2, 4, 6 })).Message);
        Assert.Contains("MDSPP: filters must be at least 4", Assert.Throws<ArgumentException>(() => new MDSPP(4, filters: 3)).Message);
        using var dspp = new DSPP(3, filters: 4);
        using var scope = NewDisposeScope();
        Assert.Contains("DSPP: expected 3 input channels", Assert.Throws<ArgumentException>(() => dspp.call(torch.randn(1, 4, 8, 8))).Message);
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => dspp.call(torch.randn(3, 8, 8))).Message);
    }
}

/// <summary><see cref="SeparableConv2d"/>: Keras SeparableConv2D structure and the depthwise·pointwise identity.</summary>
public class PyramidSeparableConvTests
{
    [Theory]
    [InlineData(4, 6, 3, true)]
    [InlineData(4, 6, 3, false)]
    [InlineData(3, 2, 5, true)]
    public void Structure_and_parameter_count(long cin, long cout, long k, bool bias)
    {
        using var conv = new SeparableConv2d(cin, cout, k, bias);
        Assert.Equal(new[] { "depthwise", "pointwise" }, conv.named_children().Select(c => c.name));
        var sd = conv.state_dict();
        Assert.Equal(new[] { cin, 1, k, k }, sd["depthwise.weight"].shape);
        Assert.Equal(new[] { cout, cin, 1, 1 }, sd["pointwise.weight"].shape);
        Assert.False(sd.ContainsKey("depthwise.bias"));
        Assert.Equal(bias, sd.ContainsKey("pointwise.bias"));
        Assert.Equal(SeparableConv2d.ParameterCount(cin, cout, k, bias), conv.parameters().Sum(p => p.numel()));
        Assert.Equal(cin * k * k + cin * cout + (bias ? cout : 0), SeparableConv2d.ParameterCount(cin, cout, k, bias));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Equals_a_dense_same_conv_with_the_factored_kernel(long k)
    {
        // W[o, c] = P[o, c] · D[c]: the separable conv is a dense conv with that kernel, 'same' padding (even k: extra
        // pixel right / bottom, which is PyTorch's and TensorFlow's 'same').
        using var sep = new SeparableConv2d(3, 5, k, bias: true);
        using var dense = nn.Conv2d(3, 5, k, TorchSharp.Padding.Same, bias: true);
        using var noGrad = torch.no_grad();
        var d = sep.Depthwise.weight!;          // (3, 1, k, k)
        var p = sep.Pointwise.weight!;          // (5, 3, 1, 1)
        dense.weight!.copy_(p * d.permute(1, 0, 2, 3));
        dense.bias!.copy_(sep.Pointwise.bias!);
        using var scope = NewDisposeScope();
        var x = torch.randn(2, 3, 7, 6);
        var y = sep.call(x);
        Assert.Equal(new long[] { 2, 5, 7, 6 }, y.shape);
        Assert.True((y - dense.call(x)).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Bad_arguments_are_clear_argument_exceptions()
    {
        Assert.Contains("SeparableConv2d: in_channels", Assert.Throws<ArgumentException>(() => new SeparableConv2d(0, 2)).Message);
        Assert.Contains("SeparableConv2d: out_channels", Assert.Throws<ArgumentException>(() => new SeparableConv2d(2, 0)).Message);
        Assert.Contains("SeparableConv2d: kernel_size", Assert.Throws<ArgumentException>(() => new SeparableConv2d(2, 2, 0)).Message);
        Assert.Contains("SeparableConv2d: stride", Assert.Throws<ArgumentException>(() => new SeparableConv2d(2, 2, stride: 0, padding: 1)).Message);
        Assert.Contains("SeparableConv2d: dilation", Assert.Throws<ArgumentException>(() => new SeparableConv2d(2, 2, dilation: 0)).Message);
        Assert.Contains("padding must not be negative", Assert.Throws<ArgumentException>(() => new SeparableConv2d(2, 2, padding: -1)).Message);
        Assert.Contains("'same' padding needs stride 1", Assert.Throws<ArgumentException>(() => new SeparableConv2d(2, 2, stride: 2)).Message);
        using var conv = new SeparableConv2d(2, 3);
        using var scope = NewDisposeScope();
        Assert.Contains("expected 2 input channels", Assert.Throws<ArgumentException>(() => conv.call(torch.randn(1, 3, 5, 5))).Message);
    }

    public static IEnumerable<object[]> StridedCases => P.Indices(P.Speed.GetProperty("separable_convs").GetArrayLength());

    /// <summary>Stride, padding (a number or "same") and dilation on the depthwise step, against PyTorch (speed.json).</summary>
    [Theory]
    [MemberData(nameof(StridedCases))]
    public void Stride_padding_and_dilation_match_pytorch(int index)
    {
        var e = P.Speed.GetProperty("separable_convs")[index];
        long? padding = e.GetProperty("padding").ValueKind == System.Text.Json.JsonValueKind.String ? null : e.GetProperty("padding").GetInt64();
        SeparableConv2d Make() => new(e.GetProperty("in_channels").GetInt64(), e.GetProperty("out_channels").GetInt64(), e.GetProperty("k").GetInt64(),
            e.GetProperty("bias").GetBoolean(), e.GetProperty("stride").GetInt64(), padding, e.GetProperty("dilation").GetInt64());
        using (var listing = Make())
        {
            P.AssertSameStateDict(e.GetProperty("state_dict"), listing, "SeparableConv2d");
            Assert.Equal(e.GetProperty("parameters").GetInt64(), listing.parameters().Sum(p => p.numel()));
        }
        foreach (var (dtype, tol) in new[] { (ScalarType.Float64, 1e-7), (ScalarType.Float32, 1e-4) })
        {
            using var conv = Make();
            using var scope = NewDisposeScope();
            P.AssertCase(P.Speed, e, 0, conv, dtype, tol, $"SeparableConv2d #{index}");
        }
    }
}

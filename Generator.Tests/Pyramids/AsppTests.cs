using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using NetDsl.Pyramids;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;
using P = NetDsl.Generator.Tests.Pyramids.PyramidFixtures;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Pyramids;

/// <summary>
/// <see cref="ASPP"/>, <see cref="DeepLabHead"/>, <see cref="FCNHead"/> and <see cref="DeepLabV2ASPP"/> against the
/// real torchvision 0.14 (heads.json: state_dict listings and eval-mode outputs with weights filled by key) and
/// torchvision's published parameter counts (pyramids.md section 5).
/// </summary>
public class AsppTests
{
    private static JsonElement Entry(string name) => P.Heads.GetProperty(name);

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    private static nn.Module<Tensor, Tensor> Build(string name)
    {
        var e = Entry(name);
        long inChannels = e.GetProperty("in_channels").GetInt64();
        return name switch
        {
            "aspp" => new ASPP(inChannels, Longs(e.GetProperty("atrous_rates")), e.GetProperty("out_channels").GetInt64()),
            "deeplab_head" => new DeepLabHead(inChannels, e.GetProperty("num_classes").GetInt64()),
            "fcn_head" => new FCNHead(inChannels, e.GetProperty("channels").GetInt64()),
            "deeplab_v2_aspp" => new DeepLabV2ASPP(inChannels, e.GetProperty("num_classes").GetInt64(), Longs(e.GetProperty("rates"))),
            "deeplab_v2_aspp_vgg" => new DeepLabV2ASPP(inChannels, e.GetProperty("num_classes").GetInt64(), Longs(e.GetProperty("rates")),
                                                       e.GetProperty("hidden_channels").GetInt64()),
            _ => throw new ArgumentException(name),
        };
    }

    public static IEnumerable<object[]> Modules =>
        new[] { "aspp", "deeplab_head", "fcn_head", "deeplab_v2_aspp", "deeplab_v2_aspp_vgg" }.Select(n => new object[] { n });

    // ------------------------------------------------------------------ against torchvision

    [Theory]
    [MemberData(nameof(Modules))]
    public void State_dict_has_torchvisions_keys_shapes_and_order(string name)
    {
        using var module = Build(name);
        P.AssertSameStateDict(Entry(name).GetProperty("state_dict"), module, name);
        Assert.Equal(Entry(name).GetProperty("parameters").GetInt64(), module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Torchvision_keys_spelled_out()
    {
        using var aspp = new ASPP(16, new long[] { 1, 2, 3 }, 8);
        var keys = aspp.state_dict().Keys.ToHashSet();
        foreach (var key in new[] { "convs.0.0.weight", "convs.0.1.running_var", "convs.1.0.weight", "convs.3.1.bias",
                                    "convs.4.1.weight", "convs.4.2.num_batches_tracked", "project.0.weight", "project.1.running_mean" })
            Assert.Contains(key, keys);
        Assert.Equal(new long[] { 8, 16, 3, 3 }, aspp.state_dict()["convs.2.0.weight"].shape);
        Assert.Equal(new long[] { 8, 5 * 8, 1, 1 }, aspp.state_dict()["project.0.weight"].shape);
        Assert.Equal(new[] { "convs", "project" }, aspp.named_children().Select(c => c.name));
        Assert.IsType<ASPPPooling>(aspp.Convs[^1]);
        Assert.Equal(new long[] { 1, 2, 3 }, aspp.Convs.Skip(1).Take(3).Cast<ASPPConv>().Select(c => c.Dilation));
        using var head = new DeepLabHead(16, 3);
        Assert.Equal(new[] { "0", "1", "2", "3", "4" }, head.named_children().Select(c => c.name));
        Assert.Contains("0.convs.4.1.weight", head.state_dict().Keys);
        Assert.Contains("4.bias", head.state_dict().Keys);
        Assert.Equal(new long[] { 12, 24, 36 }, head.Aspp.AtrousRates);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Forward_matches_torchvision_in_float64(string name)
    {
        using var module = Build(name);
        using var scope = NewDisposeScope();
        P.AssertCase(P.Heads, Entry(name), 0, module, ScalarType.Float64, 1e-7, name);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Forward_matches_torchvision_in_float32(string name)
    {
        using var module = Build(name);
        using var scope = NewDisposeScope();
        P.AssertCase(P.Heads, Entry(name), 0, module, ScalarType.Float32, 1e-4, name);
    }

    [Fact]
    public void Fixture_exercises_dilation_pooling_and_both_signs()
    {
        // Rates 1..3 on a 9x11 map reach past the 3x3 neighbourhood; batch 2 checks the pooling branch per sample.
        Assert.Equal(new long[] { 1, 2, 3 }, Longs(Entry("aspp").GetProperty("atrous_rates")));
        Assert.Equal(new long[] { 2, 16, 9, 11 }, Longs(P.Heads.GetProperty("inputs").GetProperty("n2c16h9w11").GetProperty("shape")));
        var aspp = P.Values(Entry("aspp").GetProperty("cases")[0].GetProperty("output"));
        Assert.True(aspp.Count(v => v > 0.05) > aspp.Length / 4, "the ASPP output should not be mostly clipped by the ReLU");
        // The DeepLabHead input (13x14) is larger than rate 12, so the rate-12 branch is not a 1x1 conv.
        Assert.True(Longs(P.Heads.GetProperty("inputs").GetProperty("n1c16h13w14").GetProperty("shape")).Skip(2).All(s => s > 12));
        Assert.Contains(P.Values(Entry("fcn_head").GetProperty("cases")[0].GetProperty("output")), v => v < -0.1);
    }

    // ------------------------------------------------------------------ parameter anchors (full size, no forward)

    [Fact]
    public void Full_size_parameter_counts_match_torchvision()
    {
        var counts = P.Heads.GetProperty("counts");
        using (var aspp = new ASPP(2048, new long[] { 12, 24, 36 }))
        {
            long n = aspp.parameters().Sum(p => p.numel());
            Assert.Equal(15_535_104, n);
            Assert.Equal(counts.GetProperty("aspp_2048_12_24_36").GetInt64(), n);
            Assert.Equal(n, ASPP.ParameterCount(2048, 3));
        }
        using (var head = new DeepLabHead(2048, 21))
        {
            long n = head.parameters().Sum(p => p.numel());
            Assert.Equal(16_130_837, n);
            Assert.Equal(counts.GetProperty("deeplab_head_2048_21").GetInt64(), n);
            Assert.Equal(n, DeepLabHead.ParameterCount(2048, 21));
        }
        using (var fcn = new FCNHead(1024, 21))
        {
            long n = fcn.parameters().Sum(p => p.numel());
            Assert.Equal(2_365_205, n);
            Assert.Equal(counts.GetProperty("fcn_head_1024_21").GetInt64(), n);
            Assert.Equal(n, FCNHead.ParameterCount(1024, 21));
        }
        using (var v2 = new DeepLabV2ASPP(2048, 21))
        {
            long n = v2.parameters().Sum(p => p.numel());
            Assert.Equal(counts.GetProperty("deeplab_v2_aspp_2048_21_6_12_18_24").GetInt64(), n);
            Assert.Equal(n, DeepLabV2ASPP.ParameterCount(2048, 21));
        }
        using (var vgg = new DeepLabV2ASPP(512, 21, null, 128))
        {
            long n = vgg.parameters().Sum(p => p.numel());
            Assert.Equal(counts.GetProperty("deeplab_v2_aspp_vgg_512_21_128_6_12_18_24").GetInt64(), n);
            Assert.Equal(n, DeepLabV2ASPP.ParameterCount(512, 21, 4, 128));
        }
    }

    [Theory]
    [InlineData(16, 0, 8)]
    [InlineData(16, 3, 8)]
    [InlineData(7, 2, 5)]
    [InlineData(32, 4, 16)]
    public void Aspp_parameter_formula_agrees_with_the_module(long cin, int rates, long cout)
    {
        using var aspp = new ASPP(cin, Enumerable.Range(1, rates).Select(r => (long)r).ToArray(), cout);
        Assert.Equal(ASPP.ParameterCount(cin, rates, cout), aspp.parameters().Sum(p => p.numel()));
        Assert.Equal(rates + 2, aspp.Convs.Count);
    }

    // ------------------------------------------------------------------ semantics

    [Fact]
    public void Aspp_keeps_the_size_and_the_pooling_branch_is_constant_over_space()
    {
        using var aspp = new ASPP(4, new long[] { 2, 5 }, 6);
        aspp.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var x = torch.randn(2, 4, 7, 3);
        Assert.Equal(new long[] { 2, 6, 7, 3 }, aspp.call(x).shape);
        var pooled = aspp.Convs[^1].call(x);
        Assert.Equal(new long[] { 2, 6, 7, 3 }, pooled.shape);
        Assert.True((pooled - pooled[.., .., 0..1, 0..1]).abs().max().item<float>() < 1e-6);
        Assert.True((pooled[0] - pooled[1]).abs().max().item<float>() > 0); // per sample
    }

    [Fact]
    public void Aspp_pooling_rejects_a_single_sample_in_training_mode()
    {
        using var aspp = new ASPP(4, new long[] { 1 }, 3);
        aspp.train();
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => aspp.call(torch.randn(1, 4, 5, 5)));
        Assert.Contains("ASPPPooling", e.Message);
        Assert.Contains("one sample", e.Message);
        var y = aspp.call(torch.randn(2, 4, 5, 5)); // a batch of two trains
        y.sum().backward();
        Assert.All(aspp.parameters(), p => Assert.NotNull(p.grad));
        aspp.eval();
        Assert.Equal(new long[] { 1, 3, 5, 5 }, aspp.call(torch.randn(1, 4, 5, 5)).shape);
    }

    [Fact]
    public void DeepLabHead_accepts_other_rates_and_FCNHead_floors_the_inner_width()
    {
        using var head = new DeepLabHead(8, 4, new long[] { 6, 12, 18 });
        Assert.Equal(new long[] { 6, 12, 18 }, head.Aspp.AtrousRates);
        Assert.Equal(DeepLabHead.ParameterCount(8, 4), head.parameters().Sum(p => p.numel()));
        using var fcn = new FCNHead(10, 2);
        Assert.Equal(2, fcn.InterChannels);
        Assert.Equal(new long[] { 2, 10, 3, 3 }, fcn.state_dict()["0.weight"].shape);
        Assert.Equal(FCNHead.ParameterCount(10, 2), fcn.parameters().Sum(p => p.numel()));
        fcn.eval();
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 1, 2, 6, 5 }, fcn.call(torch.randn(1, 10, 6, 5)).shape);
    }

    [Fact]
    public void DeepLabV2_aspp_sums_its_branches_and_initialises_as_the_reference()
    {
        using var v2 = new DeepLabV2ASPP(64, 21);
        Assert.Equal(new long[] { 6, 12, 18, 24 }, v2.Rates);
        Assert.Equal(new[] { "c0", "c1", "c2", "c3" }, v2.named_children().Select(c => c.name));
        Assert.Equal(new[] { "c0.weight", "c0.bias", "c1.weight", "c1.bias", "c2.weight", "c2.bias", "c3.weight", "c3.bias" },
                     v2.state_dict().Keys);
        foreach (var conv in v2.Branches.Cast<Modules.Conv2d>())
        {
            Assert.Equal(0.0, conv.bias!.abs().max().item<float>());
            double std = conv.weight!.std().item<float>();
            Assert.InRange(std, 0.009, 0.011); // normal(0, 0.01) over 12,096 values
        }
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var x = torch.randn(2, 64, 13, 9);
        var y = v2.call(x);
        Assert.Equal(new long[] { 2, 21, 13, 9 }, y.shape);
        var sum = v2.Branches.Select(b => b.call(x)).Aggregate((a, b) => a + b);
        Assert.True((y - sum).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void DeepLabV2_aspp_impulse_response_sits_on_the_dilated_taps()
    {
        // All weights 1, biases 0: a unit impulse at the centre of a 49x49 map reaches exactly the offsets
        // {-r, 0, r}^2 of each rate r in {6, 12, 18, 24}; the centre collects one tap from each of the four branches.
        using var v2 = new DeepLabV2ASPP(1, 1);
        using var noGrad = torch.no_grad();
        foreach (var conv in v2.Branches.Cast<Modules.Conv2d>()) conv.weight!.fill_(1.0);
        using var scope = NewDisposeScope();
        var x = torch.zeros(1, 1, 49, 49);
        x[0, 0, 24, 24] = 1.0f;
        var y = v2.call(x)[0, 0];
        var expected = new double[49, 49];
        foreach (long r in v2.Rates)
            foreach (long dy in new[] { -r, 0, r })
                foreach (long dx in new[] { -r, 0, r })
                    expected[24 + dy, 24 + dx] += 1;
        Assert.Equal(4.0, expected[24, 24]);
        for (int i = 0; i < 49; i++)
            for (int j = 0; j < 49; j++)
                Assert.Equal(expected[i, j], y[i, j].item<float>(), 5);
    }

    [Fact]
    public void Bad_arguments_and_inputs_are_clear_argument_exceptions()
    {
        Assert.Contains("ASPP: in_channels", Assert.Throws<ArgumentException>(() => new ASPP(0, new long[] { 1 })).Message);
        Assert.Contains("ASPP: out_channels", Assert.Throws<ArgumentException>(() => new ASPP(4, new long[] { 1 }, 0)).Message);
        Assert.Contains("atrous rate", Assert.Throws<ArgumentException>(() => new ASPP(4, new long[] { 6, 0 })).Message);
        Assert.Throws<ArgumentNullException>(() => new ASPP(4, null!));
        Assert.Contains("DeepLabHead: num_classes", Assert.Throws<ArgumentException>(() => new DeepLabHead(4, 0)).Message);
        Assert.Contains("FCNHead: in_channels must be at least 4", Assert.Throws<ArgumentException>(() => new FCNHead(3, 2)).Message);
        Assert.Contains("FCNHead: channels", Assert.Throws<ArgumentException>(() => new FCNHead(8, 0)).Message);
        Assert.Contains("must not be empty", Assert.Throws<ArgumentException>(() => new DeepLabV2ASPP(4, 2, Array.Empty<long>())).Message);
        Assert.Contains("DeepLabV2ASPP", Assert.Throws<ArgumentException>(() => new DeepLabV2ASPP(4, 2, new long[] { 6, -1 })).Message);

        using var aspp = new ASPP(4, new long[] { 1 }, 3);
        using var fcn = new FCNHead(8, 2);
        using var v2 = new DeepLabV2ASPP(4, 2, new long[] { 1, 2 });
        using var scope = NewDisposeScope();
        Assert.Contains("ASPP: expected 4 input channels", Assert.Throws<ArgumentException>(() => aspp.call(torch.randn(2, 5, 6, 6))).Message);
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => aspp.call(torch.randn(4, 6, 6))).Message);
        Assert.Contains("FCNHead: expected 8 input channels", Assert.Throws<ArgumentException>(() => fcn.call(torch.randn(2, 4, 6, 6))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => v2.call(torch.ones(1, 4, 6, 6, ScalarType.Int32))).Message);
    }
}

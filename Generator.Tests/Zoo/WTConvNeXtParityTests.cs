using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Samples.Networks;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;
using Z = NetDsl.Generator.Tests.Infrastructure.ZooFixtures;

namespace NetDsl.Generator.Tests.Zoo;

/// <summary>
/// WTConvNeXt declared in NetDsl (Samples/Networks/WTConvNeXt.cs) against tools/wtconvnext_port.py, the PyTorch port of
/// BGU-CS-VIL/WTConv's wtconvnext.py with the official WTConv2d and timm 1.0.7's layers: the parameter count at compile
/// time = TorchSharp's = PyTorch's (30,595,624 for T, the fixed Haar filters being Parameters without gradients as in
/// the official code), timm's state_dict keys, shapes and kinds in PyTorch's order, and the logits to 1e-4 in float64
/// with the same weights loaded by key. S and B are variants of the same body (other depths and widths), checked against
/// their listings.
/// </summary>
public class WTConvNeXtParityTests
{
    [Fact]
    public void Tiny_has_the_references_parameters_keys_and_fixed_filters()
    {
        using var net = new WTConvNeXtTiny();
        var listing = Z.LoadListing("wtconvnext_tiny");
        Assert.Equal(30_595_624L, listing.TotalParams);
        Assert.Equal(listing.TotalParams, WTConvNeXtTiny.Summary.TotalParams);
        Assert.Equal(listing.TotalParams, net.parameters().Sum(p => p.numel()));
        Assert.Equal(listing.HeaderCount("trainable"), net.parameters().Where(p => p.requires_grad).Sum(p => p.numel()));
        Assert.Equal(listing.HeaderCount("fixed"), net.parameters().Where(p => !p.requires_grad).Sum(p => p.numel()));
        Z.AssertStateDict(listing.Entries, net, "WTConvNeXtTiny");

        // The summary gives the fixed filters rows of their own, counted in the WTConv2d's parameters.
        var filter = WTConvNeXtTiny.Summary["stages.0.blocks.0.conv_dw.wt_filter"];
        Assert.Equal(4L * 96 * 2 * 2, filter.Params);
        Assert.Equal(WTConv2d.TrainableParameterCount(96, 5, 5, bias: true) + WTConv2d.FixedFilterCount(96, 2),
            WTConvNeXtTiny.Summary["stages.0.blocks.0.conv_dw"].Params);
        Assert.Equal(WTConvNeXtTiny.Summary.TotalParams,
            WTConvNeXtTiny.Summary.Rows.Where(r => r.Depth == 1).Sum(r => r.Params));
    }

    /// <summary>S and B: variants of T's body ([Network(Like = typeof(WTConvNeXtTiny))]), and the same from T's constructor
    /// with their depths and widths.</summary>
    [Theory]
    [InlineData("small", 54_448_936L)]
    [InlineData("base", 94_225_128L)]
    public void Small_and_base_from_the_same_body_have_the_references_parameters_and_keys(string variant, long published)
    {
        var listing = Z.LoadListing("wtconvnext_" + variant);
        Assert.Equal(published, listing.TotalParams);
        var (summary, make, viaTiny) = variant == "small"
            ? (WTConvNeXtSmall.Summary, (Func<nn.Module>)(() => new WTConvNeXtSmall()), (Func<nn.Module>)(() => new WTConvNeXtTiny(depth2: 27)))
            : (WTConvNeXtBase.Summary, () => new WTConvNeXtBase(), () => new WTConvNeXtTiny(dim0: 128, dim1: 256, dim2: 512, dim3: 1024, depth2: 27));
        Assert.Equal(listing.TotalParams, summary.TotalParams);
        foreach (var build in new[] { make, viaTiny })
        {
            using var net = build();
            Assert.Equal(listing.TotalParams, net.parameters().Sum(p => p.numel()));
            Assert.Equal(listing.HeaderCount("fixed"), net.parameters().Where(p => !p.requires_grad).Sum(p => p.numel()));
            Z.AssertStateDict(listing.Entries, net, "WTConvNeXt-" + variant);
        }
    }

    /// <summary>timm's drop-path rates: <c>linspace(0, drop_path_rate, 18)</c> over T's blocks in order.</summary>
    [Fact]
    public void Drop_path_rates_are_timms_linspace_over_the_blocks()
    {
        using var net = new WTConvNeXtTiny(drop_path_rate: 0.2);
        var rates = net.named_modules().Where(m => m.module is NetDsl.Regularization.StochasticDepth)
            .Select(m => (m.name, ((NetDsl.Regularization.StochasticDepth)m.module).P)).ToList();
        Assert.Equal(18, rates.Count);
        Assert.Equal("stages.2.blocks.8.drop_path", rates[14].name);
        for (int i = 0; i < 18; i++) Assert.True(Math.Abs(0.2 * i / 17 - rates[i].P) < 1e-15, $"{rates[i].name}: {rates[i].P}");
        using var plain = new WTConvNeXtTiny();
        Assert.All(plain.named_modules().Where(m => m.module is NetDsl.Regularization.StochasticDepth),
            m => Assert.Equal(0.0, ((NetDsl.Regularization.StochasticDepth)m.module).P));
    }

    /// <summary>
    /// Any size from 32 runs, as in the reference (224 too): the stride-32 path and stage 0's five halvings give a period of
    /// 128, whose residues the compiler checks one by one (sizes in between round as PyTorch's: each wavelet level pads an
    /// odd size and crops back).
    /// </summary>
    [Fact]
    public void Tiny_takes_the_sizes_the_reference_takes()
    {
        var summary = WTConvNeXtTiny.Summary;
        Assert.Equal((1L, 32L, 1L, 32L), (summary.HeightMultiple, summary.MinHeight, summary.WidthMultiple, summary.MinWidth));
        Assert.Equal(128L, summary.HeightPeriod);
        using var net = new WTConvNeXtTiny();
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.Equal(new long[] { 1, 1000 }, net.call(randn(1, 3, 100, 76)).shape);
        Assert.Throws<ArgumentException>(() => net.call(randn(1, 3, 28, 64)));
    }

    public static TheoryData<int> Cases => new() { 0, 1 };

    /// <summary>Case 0 (1x3x64x64: stage 0's fifth wavelet level pads a 1x1 map to 2x2) and case 1 (1x3x128x128: every
    /// level sees an even size of 2 or more).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Tiny_computes_the_references_logits_features_and_module_sums(int index)
    {
        using var net = new WTConvNeXtTiny();
        var root = Z.Output("wtconvnext_tiny");
        net.to(ScalarType.Float64);
        var filled = Z.LoadWeights(net, root);
        Assert.Equal(root.GetProperty("weights").GetArrayLength(), filled.Count);
        // The fixed filters moved with the network and stayed fixed (they are not in the recipe: Haar values kept).
        var fixedFilters = net.named_parameters().Where(p => !p.parameter.requires_grad).ToList();
        Assert.Equal(2 * 18, fixedFilters.Count);
        Assert.All(fixedFilters, p => Assert.Equal(ScalarType.Float64, p.parameter.dtype));
        net.eval();
        var c = root.GetProperty("cases")[index];
        Assert.Equal("head.fc", c.GetProperty("classifier").GetString());

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var modules = net.named_modules().ToDictionary(m => m.name, m => m.module);
        double[]? features = null;
        ((nn.Module<Tensor, Tensor>)modules["head.fc"]).register_forward_hook((_, input, output) =>
        {
            features = input.contiguous().flatten().data<double>().ToArray();
            return output;
        });
        var sums = new Dictionary<string, (double Sum, double Squares)>();
        var checkpoints = c.GetProperty("checkpoints").EnumerateArray().ToList();
        foreach (var point in checkpoints)
        {
            string name = point.GetProperty("module").GetString()!;
            if (!modules.TryGetValue(name, out var module)) continue; // stateless modules of timm's without a NetDsl module
            ((nn.Module<Tensor, Tensor>)module).register_forward_hook((_, _, output) =>
            {
                sums[name] = (output.sum().item<double>(), output.square().sum().item<double>());
                return output;
            });
        }

        var y = net.call(Z.Input(root, c, ScalarType.Float64));

        Assert.Equal(W.Shape(c.GetProperty("shape")), y.shape);
        W.AssertClose(W.Values(c.GetProperty("logits")), y, 1e-4 * Z.Scale(c), "WTConvNeXt-T logits");
        var expected = W.Values(c.GetProperty("features"));
        double rms = Math.Sqrt(expected.Sum(v => v * v) / expected.Length);
        Assert.NotNull(features);
        W.AssertClose(expected, torch.tensor(features!), 1e-4 * Math.Max(1, rms), "WTConvNeXt-T classifier input");

        // Every block's conv_dw (the WTConv2d), norm and mlp, and the stem, stages and head parts, as PyTorch ran them. To
        // 1e-5 relative, not float64's 1e-12: the official filters are float32 products (float32(1/√2)² = 0.49999997, kept
        // so by .double()), which the reference's conv path applies; the Haar path here computes with 0.5 exactly, about
        // 1e-7 relative per WTConv2d.
        foreach (var suffix in new[] { ".conv_dw", ".norm", ".mlp" })
            Assert.Equal(18, sums.Keys.Count(k => k.StartsWith("stages.", StringComparison.Ordinal) && k.EndsWith(suffix, StringComparison.Ordinal)));
        Assert.Contains("stem", sums.Keys);
        Assert.Contains("stages.3.downsample.1", sums.Keys);
        Assert.Contains("head.norm", sums.Keys);
        foreach (var point in checkpoints)
        {
            string name = point.GetProperty("module").GetString()!;
            if (!sums.TryGetValue(name, out var got)) continue;
            double sum = point.GetProperty("sum").GetDouble(), squares = point.GetProperty("sum_of_squares").GetDouble();
            Assert.True(Math.Abs(got.Squares - squares) <= 1e-5 * Math.Max(1, squares), $"{name}: sum of squares {got.Squares} vs PyTorch's {squares}");
            Assert.True(Math.Abs(got.Sum - sum) <= 1e-5 * Math.Max(1, Math.Sqrt(squares)), $"{name}: sum {got.Sum} vs PyTorch's {sum}");
        }
    }
}

/// <summary>
/// A conditional inline use (here groups of 1 and 2 copies, each under its bit of a parameter): absent, it registers no
/// children and takes no index, in the constructor and in the taps' forward, for every value of the parameter.
/// </summary>
public class ConditionalInlineTests
{
    private const string Source = """
        using NetDsl;
        namespace Inline;
        [Block] public partial class Unit { [Conv("in_channels", Kernel = 1)] Stage conv; }
        [Block(Sequential = true)]
        public partial class Groups
        {
            [Param] int n;
            [Use(typeof(Unit), Repeat = 1, Inline = true), If("n % 2 == 1")] Stage ones;
            [Use(typeof(Unit), Repeat = 2, Inline = true), If("n / 2 % 2 == 1")] Stage twos;
            [Conv("in_channels", Kernel = 1)] Stage last;
        }
        [Network(InChannels = 4, Height = 8, Width = 8)]
        public partial class Net
        {
            [Param] int n = 1;
            [Use(typeof(Groups), "n"), Output("out")] Stage groups;
            [Conv(4, Kernel = 1), Tap("groups.1"), Output("aux")] Stage aux;
        }
        """;

    [Fact]
    public void Absent_groups_take_no_index_in_the_keys_nor_in_the_taps()
    {
        NameTests.RunLoaded(Source, assembly =>
        {
            var type = assembly.GetType("Inline.Net")!;
            for (int n = 0; n < 4; n++)
            {
                using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type, n)!;
                int copies = n % 2 + n / 2 % 2 * 2;
                var expected = Enumerable.Range(0, copies).SelectMany(i => new[] { $"groups.{i}.conv.weight", $"groups.{i}.conv.bias" })
                    .Concat(new[] { $"groups.{copies}.weight", $"groups.{copies}.bias", "aux.weight", "aux.bias" });
                Assert.Equal(expected, Z.PyTorchOrder(net).Select(l => l[..l.IndexOf('\t')]));
            }

            // n = 1: groups.1 is `last`; forward_all taps it there (an absent group of two once moved it to "2").
            using var one = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type, 1)!;
            one.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor? last = null;
            var lastModule = (nn.Module<Tensor, Tensor>)one.named_modules().Single(m => m.name == "groups.1").module;
            lastModule.register_forward_hook((_, _, output) => { last = output.clone().DetachFromDisposeScope(); return output; });
            var x = randn(2, 4, 8, 8);
            var all = type.GetMethod("forward_all")!.Invoke(one, new object[] { x })!;
            var aux = (Tensor)all.GetType().GetProperty("Aux")!.GetValue(all)!;
            var auxModule = (nn.Module<Tensor, Tensor>)one.named_modules().Single(m => m.name == "aux").module;
            Assert.NotNull(last);
            Assert.True(aux.allclose(auxModule.call(last!), rtol: 0, atol: 1e-6));
            last!.Dispose();
        });
    }
}

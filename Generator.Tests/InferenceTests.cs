using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;
using static NetDsl.Generator.Tests.Infrastructure.SpecBuilder;

namespace NetDsl.Generator.Tests;

/// <summary>Shape inference as plain C#: no Roslyn, no TorchSharp.</summary>
public partial class InferenceTests
{
    private static readonly IReadOnlyDictionary<string, DeclarationSpec> NoBlocks = new Dictionary<string, DeclarationSpec>();

    private static InferenceResult Infer(DeclarationSpec network, params DeclarationSpec[] blocks) =>
        ShapeInference.Infer(network, blocks.ToDictionary(b => b.MetadataName));

    [Fact]
    public void Seed_004_dilated_stack_shrinks_64_to_32()
    {
        var b = Network("Hdc", 3, 64, 64);
        int[] dilations = { 1, 2, 5, 1, 2, 5 };
        for (int i = 0; i < dilations.Length; i++)
            b.Stage("conv" + (i + 1), L("Conv", ("outChannels", 32), ("Kernel", 3), ("Dilation", dilations[i])));
        var r = Infer(b.Build());

        Assert.True(r.Completed);
        var sizes = Enumerable.Range(1, 6).Select(i => r.StageOutputs["conv" + i].Height.Offset).ToArray();
        Assert.Equal(new long[] { 62, 58, 48, 46, 42, 32 }, sizes);
        // Receptive field of 3x3 convs: 1 + 2 * sum(d) = 1 + 2 * 16.
        Assert.Equal(33, r.Rows.Last().ReceptiveField);
    }

    [Fact]
    public void Symbolic_size_collects_divisibility_and_minimum()
    {
        var net = Network("Sym", 3, 0, 0)
            .Stage("conv1", L("Conv", ("outChannels", 8), ("Kernel", 3), ("Stride", 2), ("Padding", 1)))
            .Stage("pool", L("MaxPool", ("kernel", 2)))
            .Stage("conv2", L("Conv", ("outChannels", 8), ("Kernel", 5)))
            .Build();
        var r = Infer(net);

        Assert.True(r.Completed);
        Assert.Equal(4, r.ModulusH);
        Assert.Equal("[N, 8, H/4-4, W/4-4]", r.Format(r.Output));
        // Exact at multiples of 4: H/4 - 4 >= 1 needs H >= 20 there. In between the sizes round down as PyTorch's:
        // conv1 gives floor((H - 1) / 2) + 1, the pool halves that (floor), conv2 takes 4, so H = 19 gives 1 and 18 gives 0.
        Assert.Equal(1, r.HeightMultiple);
        Assert.Equal(19, r.MinHeight);
        Assert.DoesNotContain(r.Constraints, c => c.Contains("multiple"));
        Assert.Contains("H must be at least 19", r.Constraints);
        // The multiply-add terms follow every residue: at H = 4t + r each term's size is Coef * t + offset[r].
        Assert.Equal(4, r.HeightResidueOffsets.Count);
        foreach (long h in new long[] { 19, 21, 22, 23, 37 })
        {
            var fixedSize = Infer(Network("Sym", 3, (int)h, 24)
                .Stage("conv1", L("Conv", ("outChannels", 8), ("Kernel", 3), ("Stride", 2), ("Padding", 1)))
                .Stage("pool", L("MaxPool", ("kernel", 2)))
                .Stage("conv2", L("Conv", ("outChannels", 8), ("Kernel", 5)))
                .Build());
            for (int i = 0; i < r.MacTerms.Count; i++)
                Assert.Equal(fixedSize.MacTerms[i].Height.Offset, r.MacTerms[i].Height.Coef * (h / 4) + r.HeightResidueOffsets[(int)(h % 4)][i]);
        }
    }

    [Fact]
    public void Sizes_between_the_multiples_stay_forbidden_where_a_skip_needs_them_exact()
    {
        // Down by 2 and back up by 2, then concatenated with the input: only even sizes come back to the same size.
        var net = Network("Skip", 3, 0, 0)
            .Stage("stem", L("Conv", ("outChannels", 4), ("Kernel", 3), ("Padding", 1)))
            .Stage("down", L("MaxPool", ("kernel", 2)))
            .Stage("up", L("Upsample", ("scale", 2)))
            .Stage("skip", L("Concat", ("from", new object[] { "stem" })))
            .Build();
        var r = Infer(net);

        Assert.True(r.Completed);
        Assert.Equal(2, r.ModulusH);
        Assert.Equal(2, r.HeightMultiple);
        Assert.Empty(r.HeightResidueOffsets);
        Assert.Contains("H must be a multiple of 2", r.Constraints);
    }

    [Theory]
    [InlineData(224)]
    [InlineData(37)]
    [InlineData(5)]
    public void Symbolic_and_fixed_inference_agree_at_valid_sizes(int size)
    {
        // A stack whose symbolic result is affine; at every valid size the fixed-size inference gives the same numbers.
        DeclarationSpec Make(int h) => Network("Agree", 3, h, h)
            .Stage("a", L("Conv", ("outChannels", 4), ("Kernel", 3), ("Stride", 2), ("Padding", 1)))
            .Stage("b", L("AvgPool", ("kernel", 3), ("Stride", 2), ("Padding", 1), ("CeilMode", true)))
            .Stage("c", L("ConvTranspose", ("outChannels", 4), ("Kernel", 4), ("Stride", 2), ("Padding", 1)))
            .Build();
        var symbolic = Infer(Make(0));
        Assert.True(symbolic.Completed);
        long valid = symbolic.ModulusH * ((size + symbolic.ModulusH - 1) / symbolic.ModulusH);
        valid = System.Math.Max(valid, symbolic.MinHeight);
        var fixedSize = Infer(Make((int)valid));
        Assert.True(fixedSize.Completed);
        long t = valid / symbolic.ModulusH;
        Assert.Equal(fixedSize.Output.Height.Offset, symbolic.Output.Height.At(t));
        // The multiply-add terms evaluated at that size give the fixed-size total.
        Assert.Null(symbolic.TotalMacs);
        Assert.Equal(fixedSize.TotalMacs, symbolic.MacTerms.Sum(m => m.PerPixel * m.Height.At(t) * m.Width.At(t)));
    }

    [Fact]
    public void Block_with_parameters_and_repeat_is_inferred_per_copy()
    {
        var block = Block("Bottleneck").Param("planes").Param("stride", 1, firstRepeatOnly: true)
            .Stage("conv1", L("Conv", ("outChannels", "planes"), ("Kernel", 1), ("Bias", false)))
            .Stage("conv2", L("Conv", ("outChannels", "planes"), ("Kernel", 3), ("Stride", "stride"), ("Padding", 1), ("Bias", false)))
            .Stage("conv3", L("Conv", ("outChannels", "planes * 4"), ("Kernel", 1), ("Bias", false)))
            .Stage("downsample", L("Shortcut"))
            .Build();
        var net = Network("Net", 64, 56, 56)
            .Stage("layer2", L("Use", ("block", Type("Bottleneck")), ("args", new object[] { 128, 2 }), ("Repeat", 2)))
            .Build();
        var r = Infer(net, block);

        Assert.True(r.Completed, string.Join("; ", r.Diagnostics));
        Assert.Equal("[N, 512, 28, 28]", r.Format(r.Output));
        var first = r.Rows.Single(x => x.Path == "layer2.0");
        var second = r.Rows.Single(x => x.Path == "layer2.1");
        Assert.Equal("Bottleneck(planes=128, stride=2)", first.Kind);
        Assert.Equal("Bottleneck(planes=128, stride=1)", second.Kind);
        // The first copy projects (64 -> 512 channels, stride 2), the second does not.
        Assert.Contains(r.Rows, x => x.Path == "layer2.0.downsample.0" && x.Params == 64 * 512);
        Assert.DoesNotContain(r.Rows, x => x.Path == "layer2.1.downsample.0");
        long conv = 64 * 128 + 128 * 128 * 9 + 128 * 512;
        Assert.Equal(conv + 64 * 512 + 2 * 512, first.Params);
    }

    [Fact]
    public void Errors_stop_inference_and_are_located_diagnostics()
    {
        var net = Network("Bad", 3, 8, 8)
            .Stage("conv1", L("Conv", ("outChannels", 8), ("Kernel", 5)))
            .Stage("conv2", L("Conv", ("outChannels", 8), ("Kernel", 5)))
            .Build();
        var r = Infer(net);
        Assert.False(r.Completed);
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("NDSL0008", d.Id);
        Assert.Contains("Bad.conv2", d.Args[0]);
    }

    [Fact]
    public void Parameter_and_mac_counts_follow_pytorch_formulas()
    {
        var net = Network("Count", 3, 32, 32)
            .Stage("conv", L("Conv", ("outChannels", 16), ("Kernel", 3), ("Padding", 1), ("Groups", 1)))
            .Stage("dw", L("Conv", ("outChannels", 16), ("Kernel", 3), ("Padding", 1), ("Groups", 16), ("Bias", false)))
            .Stage("bn", L("BatchNorm"))
            .Stage("up", L("ConvTranspose", ("outChannels", 8), ("Kernel", 2), ("Stride", 2)))
            .Stage("pool", L("GlobalAvgPool"), L("Flatten"))
            .Stage("fc", L("Linear", ("outFeatures", 10)))
            .Build();
        var r = Infer(net);
        Assert.True(r.Completed);
        Assert.Equal(16 * 3 * 9 + 16, r.Rows.Single(x => x.Path == "conv").Params);
        Assert.Equal(16 * 3 * 9 * 32 * 32L, r.Rows.Single(x => x.Path == "conv").Macs);
        Assert.Equal(16 * 1 * 9, r.Rows.Single(x => x.Path == "dw").Params);
        Assert.Equal(32, r.Rows.Single(x => x.Path == "bn").Params);
        Assert.Equal(16 * 8 * 4 + 8, r.Rows.Single(x => x.Path == "up").Params);
        Assert.Equal("[N, 8, 64, 64]", r.Rows.Single(x => x.Path == "up").OutputShape);
        Assert.Equal(8 * 10 + 10, r.Rows.Single(x => x.Path == "fc").Params);
        Assert.Equal(r.Rows.Skip(1).Where(x => x.Depth == 1).Sum(x => x.Params), r.TotalParams);
    }
}

/// <summary>The exact gridding test against the reference's brute-force results (pyramids.md, HDC).</summary>
public class GriddingTests
{
    private static InferenceResult Stack(params int[] rates)
    {
        var b = Network("Stack", 4, 96, 96);
        for (int i = 0; i < rates.Length; i++)
            b.Stage("conv" + (i + 1), L("Conv", ("outChannels", 4), ("Kernel", 3), ("Dilation", rates[i]), ("Padding", rates[i])), L("ReLU"));
        return ShapeInference.Infer(b.Build(), new Dictionary<string, DeclarationSpec>());
    }

    [Theory]
    [InlineData(new[] { 1, 2, 5 })]
    [InlineData(new[] { 1, 2, 5, 9 })]
    [InlineData(new[] { 1, 2, 4, 8 })]
    [InlineData(new[] { 1, 3, 9 })]
    [InlineData(new[] { 1, 2, 5, 1, 2, 5 })]
    public void Hybrid_dilation_rates_cover_every_pixel(int[] rates) =>
        Assert.DoesNotContain(Stack(rates).Diagnostics, d => d.Id == "NDSL0031");

    [Theory]
    [InlineData(new[] { 2, 4, 8 }, 14, "share the factor 2")]
    [InlineData(new[] { 1, 2, 9 }, 4, "M2 = 5 > 3")]
    [InlineData(new[] { 3, 3, 3 }, 12, "share the factor 3")]
    [InlineData(new[] { 1, 4, 8 }, -1, "M2 = 4 > 3")]
    public void Gridding_stacks_are_reported_with_their_holes(int[] rates, int holes, string hint)
    {
        var d = Assert.Single(Stack(rates).Diagnostics, x => x.Id == "NDSL0031");
        if (holes >= 0) Assert.Equal(holes.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Args[3]);
        Assert.Contains(hint, d.Args[6]);
        // Reported on the last convolution of the stack.
        Assert.Contains("conv" + rates.Length, d.Args[0]);
    }

    [Fact]
    public void A_pooling_layer_ends_the_stack()
    {
        var net = Network("Split", 4, 96, 96)
            .Stage("a", L("Conv", ("outChannels", 4), ("Kernel", 3), ("Dilation", 2), ("Padding", 2)))
            .Stage("pool", L("MaxPool", ("kernel", 3), ("Stride", 1), ("Padding", 1)))
            .Stage("b", L("Conv", ("outChannels", 4), ("Kernel", 3), ("Dilation", 2), ("Padding", 2)))
            .Build();
        Assert.DoesNotContain(ShapeInference.Infer(net, new Dictionary<string, DeclarationSpec>()).Diagnostics, d => d.Id == "NDSL0031");
    }

    [Fact]
    public void A_rate_as_large_as_the_map_is_reported()
    {
        var net = Network("Big", 4, 12, 40)
            .Stage("aspp", L("Conv", ("outChannels", 4), ("Kernel", 3), ("Dilation", 24), ("Padding", 24)))
            .Build();
        var d = Assert.Single(ShapeInference.Infer(net, new Dictionary<string, DeclarationSpec>()).Diagnostics);
        Assert.Equal("NDSL0032", d.Id);
        Assert.Contains("height 12", d.Args[2]);
    }
}

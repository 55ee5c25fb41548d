using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;
using Xunit;
using static NetDsl.Generator.Tests.Infrastructure.SpecBuilder;

namespace NetDsl.Generator.Tests.Octave;

/// <summary>Octave pairs in the compile-time inference: plain C#, no Roslyn, no TorchSharp.</summary>
public class OctaveInferenceTests
{
    private static InferenceResult Infer(DeclarationSpec network, params DeclarationSpec[] blocks) =>
        ShapeInference.Infer(network, blocks.ToDictionary(b => b.MetadataName));

    private static LayerSpec Oct(int outChannels, double alphaIn, double alphaOut, int kernel = 3, int stride = 1, int groups = 1) =>
        L("OctConv", ("outChannels", outChannels), ("Kernel", kernel), ("Padding", kernel / 2), ("Stride", stride), ("Groups", groups),
          ("AlphaIn", alphaIn), ("AlphaOut", alphaOut));

    [Fact]
    public void Channel_split_truncates_like_python_and_partitions_the_weights()
    {
        // C = 10 at alpha 0.25: int(2.5) = 2 low, 8 high (d-li14's BN would size the high part int(7.5) = 7).
        var r = Infer(Network("Net", 10, 8, 8)
            .Stage("split", Oct(10, 0.0, 0.25))
            .Stage("mid", Oct(10, 0.25, 0.25))
            .Stage("merge", Oct(10, 0.25, 0.0))
            .Build());

        Assert.True(r.Completed, string.Join("; ", r.Diagnostics.Select(d => d.Id + " " + string.Join("|", d.Args))));
        var mid = r.StageOutputs["mid"];
        Assert.Equal((8L, 2L), (mid.Channels, mid.LowChannels));
        Assert.Equal((8L, 4L), (mid.Height.Offset, mid.LowHeight.Offset));
        // Groups 1, no bias: every layer has the plain convolution's C_in * C_out * k^2 parameters.
        foreach (var stage in new[] { "split", "mid", "merge" })
            Assert.Equal(10 * 10 * 9, r.Rows.Single(row => row.Path == stage).Params);
        Assert.Equal("[N, 10, 8, 8]", r.Format(r.Output));
    }

    [Fact]
    public void Multiply_adds_follow_each_branch_at_its_resolution()
    {
        const int c = 16, h = 8;
        var r = Infer(Network("Net", c, h, h).Stage("split", Oct(c, 0.0, 0.5)).Stage("mid", Oct(c, 0.5, 0.5)).Stage("merge", Oct(c, 0.5, 0.0)).Build());

        long plain = (long)c * c * 9 * h * h;
        // alpha 0.5 -> 0.5 at stride 1: (1 - 1.5a + 0.75a^2) of the plain convolution, exactly for these even sizes.
        Assert.Equal((long)(plain * (1 - 0.75 + 0.1875)), r.Rows.Single(row => row.Path == "mid").Macs);
        // The first layer: h2h (16 → 8) at full size, h2l on the pooled map; the last: h2h (8 → 16) at full size, l2h on the low map.
        Assert.Equal(plain / 2 + plain / 2 / 4, r.Rows.Single(row => row.Path == "split").Macs);
        Assert.Equal(plain / 2 + plain / 2 / 4, r.Rows.Single(row => row.Path == "merge").Macs);
        Assert.Contains(r.Rows, row => row.Path == "mid.conv_l2h" && row.Kind.Contains("low → high on 4x4"));
    }

    [Fact]
    public void Stride_two_pools_first_and_needs_multiples_of_four_for_symbolic_sizes()
    {
        var r = Infer(Network("Net", 8, 0, 0)
            .Stage("split", Oct(16, 0.0, 0.5))
            .Stage("down", Oct(16, 0.5, 0.5, stride: 2))
            .Stage("merge", Oct(16, 0.5, 0.0))
            .Build());

        Assert.True(r.Completed, string.Join("; ", r.Diagnostics.Select(d => d.Id + " " + string.Join("|", d.Args))));
        Assert.Equal(4, r.ModulusH);
        Assert.Equal(4, r.ModulusW);
        Assert.Equal("([N, 8, H/2, W/2], [N, 8, H/4, W/4])", r.Format(r.StageOutputs["down"]));
        Assert.Contains("H must be a multiple of 4", r.Constraints);
    }

    [Fact]
    public void Depthwise_keeps_each_frequency_to_itself()
    {
        var r = Infer(Network("Net", 16, 8, 8)
            .Stage("split", Oct(16, 0.0, 0.5))
            .Stage("dw", Oct(16, 0.5, 0.5, groups: 16))
            .Stage("merge", Oct(16, 0.5, 0.0))
            .Build());

        Assert.True(r.Completed);
        // Only h2h (8 -> 8, 8 groups) and l2l: 2 * 8 * 1 * 9 weights.
        Assert.Equal(2 * 8 * 9, r.Rows.Single(row => row.Path == "dw").Params);
        Assert.DoesNotContain(r.Rows, row => row.Path.StartsWith("dw.conv_h2l") || row.Path.StartsWith("dw.conv_l2h"));
    }

    [Fact]
    public void A_block_with_double_alphas_is_checked_per_use()
    {
        var block = Block("OctBlock").Param("planes").RealParam("alpha_in", 0.5).RealParam("alpha_out", 0.5)
            .Stage("conv1", L("OctConv", ("outChannels", "planes"), ("Kernel", 1), ("AlphaIn", "alpha_in"), ("AlphaOut", "alpha_out"), ("BatchNorm", true), ("ReLU", true)))
            .Stage("conv2", L("OctConv", ("outChannels", "planes"), ("Kernel", 3), ("Padding", 1), ("AlphaIn", "alpha_out"), ("AlphaOut", "alpha_out"), ("BatchNorm", true)))
            .Stage("shortcut", L("Shortcut"))
            .Stage("relu", L("ReLU"))
            .Build();
        var good = Infer(Network("Net", 16, 16, 16)
            .Stage("first", L("Use", ("block", Type("OctBlock")), ("args", new object[] { 32, 0.0, 0.25 })))
            .Stage("second", L("Use", ("block", Type("OctBlock")), ("args", new object[] { 32, 0.25, 0.0 })))
            .Build(), block);
        Assert.True(good.Completed, string.Join("; ", good.Diagnostics.Select(d => d.Id + " " + string.Join("|", d.Args))));
        Assert.Equal("([N, 24, 16, 16], [N, 8, 8, 8])", good.Format(good.StageOutputs["first"]));
        // Both uses change the alpha (and the first the channels), so both project the shortcut.
        Assert.Contains(good.Rows, row => row.Path == "first.shortcut" && row.Kind.StartsWith("Projection: OctConv(16→32, k=1, α 0→0.25)"));
        Assert.Contains(good.Rows, row => row.Path == "second.shortcut" && row.Kind.StartsWith("Projection: OctConv(32→32, k=1, α 0.25→0)"));

        // The second use told that its input has alpha 0.5: the pair it receives was split at 0.25.
        var bad = Infer(Network("Net", 16, 16, 16)
            .Stage("first", L("Use", ("block", Type("OctBlock")), ("args", new object[] { 32, 0.0, 0.25 })))
            .Stage("second", L("Use", ("block", Type("OctBlock")), ("args", new object[] { 32, 0.5, 0.0 })))
            .Build(), block);
        var d = Assert.Single(bad.Diagnostics);
        Assert.Equal("NDSL0035", d.Id);
        Assert.Equal("Net.second.conv1", d.Args[0]);
    }

    [Fact]
    public void A_double_parameter_cannot_size_a_layer()
    {
        var block = Block("Bad").RealParam("alpha", 0.5).Stage("conv", L("Conv", ("outChannels", "alpha"), ("Kernel", 1))).Build();
        var diagnostics = new List<DiagnosticInfo>();
        Binder.Bind(block, diagnostics);
        var d = Assert.Single(diagnostics);
        Assert.Equal("NDSL0015", d.Id);
        Assert.Contains("'alpha' is a double [Param]", d.Args[1]);
    }
}

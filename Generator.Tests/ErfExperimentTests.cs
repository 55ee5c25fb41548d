using System;
using System.Linq;
using NetDsl.Samples.Experiments;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>The effective receptive field as erf.py computes it, on networks whose answer is known by hand.</summary>
public class ErfExperimentTests
{
    private static nn.Module<Tensor, Tensor> PositiveConvs(params int[] kernels)
    {
        var layers = kernels.Select(k => (nn.Module<Tensor, Tensor>)nn.Conv2d(1, 1, k, padding: k / 2, bias: false)).ToArray();
        var net = nn.Sequential(layers);
        using var noGrad = torch.no_grad();
        // Positive weights: no gradient cancels, so the ERF is not zero exactly on the kernels' support.
        foreach (var p in net.parameters()) p.uniform_(0.1, 1.0);
        return net;
    }

    [Theory]
    [InlineData(new[] { 3 }, 3)]
    [InlineData(new[] { 5, 5 }, 9)]
    [InlineData(new[] { 3, 3, 3 }, 7)]
    public void The_erf_of_stacked_convs_is_their_support(int[] kernels, int side)
    {
        using var scope = torch.NewDisposeScope();
        using var net = PositiveConvs(kernels);
        const int size = 21; // the centre output is pixel 10: its support is centred there
        var erf = ErfExperiment.Compute(x => net.call(x), 1, size, count: 3, seed: 1);
        var support = ErfExperiment.Support(erf, size);
        Assert.Equal((10 - side / 2, 10 - side / 2, side, side), support);
        // The gradient of a linear map is its weights, whatever the input: where the support is, every pixel scores.
        Assert.All(Enumerable.Range(0, side * side), i => Assert.True(erf[(10 - side / 2 + i / side) * size + 10 - side / 2 + i % side] > 0));
    }

    [Fact]
    public void Log_scale_and_high_contribution_squares_follow_erf_py()
    {
        const int size = 9;
        var delta = new float[size * size];
        delta[4 * size + 4] = 99;
        var scaled = ErfExperiment.LogScale(delta);
        Assert.Equal(1f, scaled.Max());
        Assert.Equal(80, scaled.Count(v => v == 0));
        // All of a delta's score is in the smallest square erf.py tries (side 3).
        Assert.Equal(3, ErfExperiment.HighContributionSide(scaled, size, 0.99));
        // A uniform map: the share of a side-s square is s^2 / 81; more than half first at s = 7 (49 / 81).
        var uniform = Enumerable.Repeat(1f, size * size).ToArray();
        Assert.Equal(7, ErfExperiment.HighContributionSide(uniform, size, 0.5));
        Assert.Equal(3, ErfExperiment.HighContributionSide(uniform, size, 0.1));
        // erf.py tries sides up to 2 * (size / 2 - 1) + 1 = 7 only: no square it tries holds 99 %.
        Assert.Null(ErfExperiment.HighContributionSide(uniform, size, 0.99));
    }

    [Fact]
    public void Stages_are_reached_by_path_with_the_summarys_shape()
    {
        using var scope = torch.NewDisposeScope();
        using var net = new ConvNeXtTiny();
        net.eval();
        using var noGrad = torch.no_grad();
        var x = randn(1, 3, 64, 64);
        Assert.Equal(new long[] { 1, 96, 16, 16 }, ErfExperiment.RunTo(net, "features.1", x).shape);
        Assert.Equal(new long[] { 1, 384, 4, 4 }, ErfExperiment.RunTo(net, "features.5", x).shape);
        Assert.Equal("[N, 384, H/16, W/16]", ConvNeXtTiny.Summary["features.5"].OutputShape);
        // The path names the stage by position in a Sequential block, or by its field name.
        Assert.True(ErfExperiment.RunTo(net, "features.stage3", x).equal(ErfExperiment.RunTo(net, "features.5", x)).all().item<bool>());
        Assert.Throws<ArgumentException>(() => ErfExperiment.RunTo(net, "features.nine", x));
    }

    [Fact]
    public void Layer_scales_open_to_one_in_both_networks()
    {
        using var convnext = new ConvNeXtTiny();
        using var wt = new WTConvNeXtTiny();
        Assert.Equal(18, ErfExperiment.OpenLayerScales(convnext));
        Assert.Equal(18, ErfExperiment.OpenLayerScales(wt));
        Assert.All(convnext.named_parameters().Where(p => p.name.EndsWith("layer_scale")), p => Assert.Equal(1f, p.parameter.min().item<float>()));
    }
}

using NetDsl.Samples.Benchmarking;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>
/// The WTConv benchmark's baseline (<see cref="OfficialWTConv2d"/>: the official forward with grouped-convolution
/// transforms) computes the same layer as <see cref="WTConv2d"/> (Haar fast path) with the same weights, so the
/// benchmark compares two implementations of one function.
/// </summary>
public class OfficialWTConvBaselineTests
{
    [Theory]
    [InlineData(3, 5, 1, 1, 17, 23)]
    [InlineData(4, 3, 2, 1, 15, 20)]
    [InlineData(2, 5, 3, 1, 19, 13)]
    [InlineData(3, 3, 3, 2, 21, 18)]
    public void Official_style_baseline_equals_the_fast_path_layer(int channels, int kernel, int levels, int stride, int height, int width)
    {
        torch.manual_seed(1000 + channels * 10 + levels);
        using var layer = new WTConv2d(channels, channels, kernel, stride, bias: true, wt_levels: levels);
        Assert.True(layer.UsesHaarFastPath);
        // Random scales, so every level's bands reach the output with weight (the defaults 1 and 0.1 would hide a level).
        using (torch.no_grad())
            foreach (var p in layer.parameters())
                p.copy_(torch.randn_like(p));
        using var official = new OfficialWTConv2d(layer);
        using var x = torch.randn(2, channels, height, width);

        using var ours = layer.call(x);
        using var theirs = official.Forward(x);
        Assert.Equal(ours.shape, theirs.shape);
        Assert.Equal(new long[] { 2, channels, (height + stride - 1) / stride, (width + stride - 1) / stride }, theirs.shape);
        double diff = (ours - theirs).abs().max().ToDouble();
        Assert.True(diff < 1e-5, $"max |ours - official| = {diff}");
        // The wavelet levels matter in this configuration: the base branch alone is far from the layer's output.
        using var baseOnly = layer.BaseScale.call(layer.BaseConv.call(x));
        using var baseStrided = stride > 1 ? baseOnly.slice(2, 0, height, stride).slice(3, 0, width, stride) : baseOnly.alias();
        Assert.True((theirs - baseStrided).abs().max().ToDouble() > 1e-2);
    }

    [Fact]
    public void Grouped_conv_transforms_equal_the_Haar_fast_path()
    {
        torch.manual_seed(5);
        using var x = torch.randn(2, 3, 10, 14);
        var (dec, rec) = WTConv2d.CreateFilters(Wavelet.Get("db1"), 3);
        using var d = dec;
        using var r = rec;
        using var bands = OfficialWTConv2d.WaveletTransform(x, d, 0);
        using var fast = Haar.Forward(x);
        Assert.Equal(new long[] { 2, 3, 4, 5, 7 }, bands.shape);
        Assert.True((bands - fast).abs().max().ToDouble() < 1e-6);
        using var back = OfficialWTConv2d.InverseWaveletTransform(bands, r, 0);
        using var fastBack = Haar.Inverse(fast);
        Assert.True((back - fastBack).abs().max().ToDouble() < 1e-6);
        Assert.True((back - x).abs().max().ToDouble() < 1e-5); // perfect reconstruction
    }
}

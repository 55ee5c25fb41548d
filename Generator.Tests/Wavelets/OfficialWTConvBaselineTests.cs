using System.Linq;
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

    /// <summary>
    /// Our forward folds the scales into the convolutions and adds the level below in place into the LL planes; the
    /// official one scales the activations and concatenates per level. Their gradients (input and every trainable
    /// parameter, float64, a random grad_output) must be the same.
    /// </summary>
    [Theory]
    [InlineData("db1", 3, 5, 1, 1, true, 17, 23)]
    [InlineData("db1", 2, 3, 2, 1, false, 15, 20)]
    [InlineData("db1", 2, 5, 3, 1, true, 19, 13)]
    [InlineData("db1", 3, 3, 1, 2, true, 13, 11)]
    [InlineData("db1", 2, 4, 2, 2, false, 21, 18)]
    [InlineData("db1", 2, 3, 3, 2, true, 23, 17)]
    [InlineData("db2", 2, 3, 2, 1, true, 14, 11)]
    public void Gradients_equal_the_official_formulation_in_float64(string wave, int channels, int kernel, int levels, int stride,
                                                                   bool bias, int height, int width)
    {
        torch.manual_seed(2000 + channels * 10 + levels + stride);
        using var layer = new WTConv2d(channels, channels, kernel, stride, bias, levels, wave);
        layer.to(ScalarType.Float64);
        using (torch.no_grad())
            foreach (var p in layer.parameters())
                p.copy_(torch.randn_like(p));
        using var official = new OfficialWTConv2d(layer);
        using var x = torch.randn(2, channels, height, width, dtype: ScalarType.Float64);
        long outH = (height + stride - 1) / stride, outW = (width + stride - 1) / stride;
        using var gradOutput = torch.randn(2, channels, outH, outW, dtype: ScalarType.Float64);

        (Tensor Input, Tensor[] Parameters) Gradients(System.Func<Tensor, Tensor> forward)
        {
            layer.zero_grad();
            var input = x.detach().requires_grad_(true);
            using var y = forward(input);
            Assert.Equal(new long[] { 2, channels, outH, outW }, y.shape);
            y.backward(new[] { gradOutput });
            return (input.grad!.clone(), layer.parameters().Select(p => p.grad!.clone()).ToArray());
        }

        // The layer's fixed filters were made in float32 and converted; the baseline builds its own in float64. Haar's ±1/2
        // are exact either way; other wavelets' taps differ by float32 rounding (about 1e-8).
        double tolerance = layer.UsesHaarFastPath ? 1e-10 : 1e-6;
        var ours = Gradients(layer.call);
        var theirs = Gradients(official.Forward);
        Assert.Equal(TrainableParameterTensors(levels, bias), theirs.Parameters.Length);
        Assert.True(ours.Input.abs().max().ToDouble() > 1e-3);
        double inputDiff = (ours.Input - theirs.Input).abs().max().ToDouble();
        Assert.True(inputDiff < tolerance, $"input gradient: max |ours - official| = {inputDiff}");
        var names = layer.named_parameters().Select(p => p.name).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            double scale = theirs.Parameters[i].abs().max().ToDouble();
            Assert.True(scale > 1e-6, $"{names[i]}: the official gradient vanishes, the check would be empty");
            double diff = (ours.Parameters[i] - theirs.Parameters[i]).abs().max().ToDouble();
            Assert.True(diff < tolerance * System.Math.Max(1, scale), $"{names[i]}: max |ours - official| = {diff}");
        }
    }

    // base_conv.weight (+ bias), base_scale.weight, and per level a conv weight and a scale.
    private static int TrainableParameterTensors(int levels, bool bias) => (bias ? 3 : 2) + 2 * levels;

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

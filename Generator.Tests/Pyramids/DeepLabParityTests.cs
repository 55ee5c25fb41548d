using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;
using P = NetDsl.Generator.Tests.Pyramids.PyramidFixtures;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Pyramids;

/// <summary>
/// The generated DeepLab networks (Samples/Networks/DeepLabParity.cs, DeepLabV3.cs) against the real torchvision 0.14
/// (tools/make_deeplab_fixtures.py, Fixtures/deeplab/deeplab.json): state_dict keys in order, weights filled by key with
/// the fixture's recipe, outputs compared; and the stride, dilation and padding of every convolution of ResNet-50 for each
/// replace_stride_with_dilation against the dilation rewrite. Naming and numerics at once.
/// </summary>
public class DeepLabParityTests
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "deeplab", "deeplab.json");
        Assert.True(File.Exists(path), $"fixture {path} is missing (regenerate with tools/make_deeplab_fixtures.py)");
        return JsonDocument.Parse(File.ReadAllText(path));
    });

    private static JsonElement Root => Doc.Value.RootElement;

    // ------------------------------------------------------------------ ASPP and DeepLabHead through the generator

    // In float32, as built: TorchSharp's Module.to(dtype) throws on a generated module (it maps fields by component name,
    // and the Stage field "aspp" and the module field "_aspp" named "aspp" collide), so the float64 runs are the runtime
    // modules' own (AsppTests).

    [Theory]
    [InlineData("aspp")]
    [InlineData("head")]
    public void Generated_head_network_matches_torchvision(string name)
    {
        const ScalarType dtype = ScalarType.Float32;
        const double tol = 1e-4;
        var entry = Root.GetProperty(name);
        using nn.Module<Tensor, Tensor> net = name == "aspp" ? new AsppParityNet() : new DeepLabHeadParityNet();
        var summary = name == "aspp" ? AsppParityNet.Summary : DeepLabHeadParityNet.Summary;

        P.AssertSameStateDict(entry.GetProperty("state_dict"), net, name);
        Assert.Equal(entry.GetProperty("parameters").GetInt64(), summary.TotalParams);
        Assert.Equal(entry.GetProperty("parameters").GetInt64(), net.parameters().Sum(p => p.numel()));
        var filled = W.Load(net, entry.GetProperty("weights"));
        Assert.Equal(entry.GetProperty("weights").GetArrayLength(), filled.Count);
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var c = entry.GetProperty("cases")[0];
        var y = net.call(P.Input(Root, c.GetProperty("input").GetString()!, dtype));
        Assert.Equal(P.Shape(c.GetProperty("shape")), y.shape);
        Assert.Equal(summary.Output, $"[N, {y.shape[1]}, {y.shape[2]}, {y.shape[3]}]");
        W.AssertClose(P.Values(c.GetProperty("output")), y, tol, name);
    }

    // ------------------------------------------------------------------ a small DeepLabV3 with aux, end to end

    [Fact]
    public void Tiny_DeepLabV3_has_torchvisions_keys_in_order_and_parameter_count()
    {
        var entry = Root.GetProperty("deeplabv3");
        using var net = new TinyDeepLabV3();
        P.AssertSameStateDict(entry.GetProperty("state_dict"), net, "TinyDeepLabV3");
        long expected = entry.GetProperty("parameters").GetInt64();
        Assert.Equal(expected, TinyDeepLabV3.Summary.TotalParams);
        Assert.Equal(expected, net.parameters().Sum(p => p.numel()));
        Assert.Contains("aux_classifier.4.bias", net.state_dict().Keys);
    }

    [Fact]
    public void Tiny_DeepLabV3_outputs_match_torchvision()
    {
        const ScalarType dtype = ScalarType.Float32;
        const double tol = 1e-4;
        var entry = Root.GetProperty("deeplabv3");
        using var net = new TinyDeepLabV3();
        var filled = W.Load(net, entry.GetProperty("weights"));
        Assert.Equal(entry.GetProperty("weights").GetArrayLength(), filled.Count);
        net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = P.Input(Root, entry.GetProperty("input").GetString()!, dtype);

        using var all = net.forward_all(x);
        Assert.Equal(new[] { "out", "aux" }, all.Keys);
        Assert.Same(all.Out, all["out"]);
        Assert.Same(all.Aux, all["aux"]);
        foreach (var (name, y) in all)
        {
            var expected = entry.GetProperty("outputs").GetProperty(name);
            Assert.Equal(P.Shape(expected.GetProperty("shape")), y.shape);
            long step = expected.GetProperty("step").GetInt64();
            var sampled = y[.., .., TensorIndex.Slice(null, null, step), TensorIndex.Slice(null, null, step)];
            Assert.Equal(P.Shape(expected.GetProperty("sampled_shape")), sampled.shape);
            W.AssertClose(P.Values(expected.GetProperty("sampled")), sampled, tol * Scale(expected), $"{name} ({dtype})");
            // The whole tensor, through its sum and sum of squares (relative: one float32 rounding per element).
            double sum = y.to_type(ScalarType.Float64).sum().item<double>();
            double squares = y.to_type(ScalarType.Float64).square().sum().item<double>();
            const double rel = 1e-5;
            AssertRelative(expected.GetProperty("sum").GetDouble(), sum, rel, $"{name} sum ({dtype})");
            AssertRelative(expected.GetProperty("sum_of_squares").GetDouble(), squares, rel, $"{name} sum of squares ({dtype})");
        }
        // forward returns "out", computed without the aux head.
        var main = net.call(x);
        Assert.True(main.equal(all.Out).all().item<bool>(), "forward and forward_all disagree on \"out\"");
    }

    /// <summary>The tolerance scale: the outputs' RMS (float32 errors grow with the values; "out" reaches about 17).</summary>
    private static double Scale(JsonElement output)
    {
        double count = output.GetProperty("shape").EnumerateArray().Aggregate(1L, (a, v) => a * v.GetInt64());
        return Math.Max(1, Math.Sqrt(output.GetProperty("sum_of_squares").GetDouble() / count));
    }

    private static void AssertRelative(double expected, double actual, double rel, string what) =>
        Assert.True(Math.Abs(actual - expected) <= rel * Math.Max(1, Math.Abs(expected)), $"{what}: {actual:R}, torchvision {expected:R}");

    [Fact]
    public void Fixture_is_not_trivial()
    {
        var outputs = Root.GetProperty("deeplabv3").GetProperty("outputs");
        foreach (var name in new[] { "out", "aux" })
        {
            var values = P.Values(outputs.GetProperty(name).GetProperty("sampled"));
            Assert.Equal(3 * 13 * 13, values.Length);
            Assert.Contains(values, v => v < -0.1);
            Assert.Contains(values, v => v > 0.1);
            Assert.True(values.Distinct().Count() > values.Length / 2, $"{name}: too many equal values");
        }
        // Two blocks per layer: the first block of a dilated layer keeps the previous dilation, the second takes the new.
        Assert.Contains("ResNet(Bottleneck, [2, 2, 2, 2]", Root.GetProperty("deeplabv3").GetProperty("builder").GetString());
    }

    // ------------------------------------------------------------------ the dilation rewrite against torchvision's ResNet-50

    /// <summary>torchvision's [name, stride, dilation, padding] of every Conv2d for one replace_stride_with_dilation.</summary>
    internal static List<(string Name, long Stride, long Dilation, long Padding)> TorchvisionConvs(string flags) =>
        Root.GetProperty("resnet50_dilation").GetProperty(flags).EnumerateArray()
            .Select(r => (r[0].GetString()!, r[1].GetInt64(), r[2].GetInt64(), r[3].GetInt64())).ToList();

    public static TheoryData<string> AllFlags => new() { "FFF", "FFT", "FTF", "FTT", "TFF", "TFT", "TTF", "TTT" };

    [Fact]
    public void Samples_at_output_stride_8_and_16_build_torchvisions_convolutions()
    {
        using var os8 = new ResNet50Backbone(in_channels: 3);
        AssertConvs(TorchvisionConvs("FTT"), os8, "ResNet50Backbone (Dilate = true on layer3 and layer4)");
        using var os16 = new ResNet50OS16();
        AssertConvs(TorchvisionConvs("FFT"), os16, "ResNet50OS16 (OutputStride = 16)");
        Assert.Equal("[N, 2048, 14, 14]", ResNet50OS16.Summary.Output);
        Assert.Equal(23_508_032L, ResNet50OS16.Summary.TotalParams);
        Assert.Equal(23_508_032L, os16.parameters().Sum(p => p.numel()));
    }

    /// <summary>Every Conv2d of <paramref name="module"/> (fc excluded) has torchvision's name, stride, dilation and padding.</summary>
    internal static void AssertConvs(List<(string Name, long Stride, long Dilation, long Padding)> expected, nn.Module module, string what)
    {
        var convs = module.named_modules().Where(m => m.module is Modules.Conv2d)
            .Select(m => (m.name, c: (Modules.Conv2d)m.module)).ToList();
        Assert.Equal(expected.Select(e => e.Name), convs.Select(c => c.name));
        foreach (var (e, (name, conv)) in expected.Zip(convs))
        {
            Assert.NotNull(conv.padding);
            Assert.True(conv.stride.All(s => s == e.Stride) && conv.dilation.All(d => d == e.Dilation) && conv.padding!.All(p => p == e.Padding),
                $"{what}: {name} has stride {conv.stride[0]}, dilation {conv.dilation[0]}, padding {conv.padding[0]}; torchvision {e.Stride}, {e.Dilation}, {e.Padding}");
        }
    }
}

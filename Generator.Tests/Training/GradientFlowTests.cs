using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Downsampling;
using NetDsl.Layout;
using NetDsl.Normalization;
using NetDsl.Octave;
using NetDsl.Pyramids;
using NetDsl.Regularization;
using NetDsl.Samples.Networks;
using NetDsl.Samples.Training;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Training;

/// <summary>
/// Every trainable parameter of every runtime kernel, and of generated sample networks, receives a gradient: after one
/// forward in training mode and one backward of a random projection of the output (<c>(y * r).sum()</c>, so that no
/// normalisation cancels it), each parameter with <c>requires_grad</c> has a grad that is finite and not all zero. A
/// failure names the parameters that do not. Parameter-free kernels (SPP, Permute, StochasticDepth) pass the gradient
/// to their input instead.
/// </summary>
[Collection("Training")]
public class GradientFlowTests
{
    public static IEnumerable<object[]> Kernels() => KernelCases.Keys.Select(k => new object[] { k });

    private static readonly Dictionary<string, Func<(nn.Module Module, Func<Tensor, Tensor> Forward, long[] Input)>> KernelCases = new()
    {
        ["WTConv2d (3 levels, db1)"] = () => Plain(new WTConv2d(4, 4, 5, wt_levels: 3), 2, 4, 16, 16),
        ["WTConv2d (2 levels, db2, stride 2, fixed filters as parameters)"] = () => Plain(new WTConv2d(3, 3, 3, stride: 2, wt_levels: 2, wt_type: "db2", filters: WTConvFilters.Parameters), 2, 3, 12, 12),
        ["ScaleModule"] = () => Plain(new ScaleModule(new long[] { 1, 3, 1, 1 }, 0.1), 2, 3, 4, 4),
        ["HaarWaveletDownsampling"] = () => Plain(new HaarWaveletDownsampling(3, 8), 2, 3, 8, 8),
        ["StridedConvDownsampling"] = () => Plain(new StridedConvDownsampling(3, 8), 2, 3, 8, 8),
        ["OctaveConv2d 0.5 -> 0.5"] = () => Octave(new OctaveConv2d(8, 8, 3, 0.5, 0.5, padding: 1), 8, 0.5),
        ["OctaveConv2d 0 -> 0.5 (split)"] = () => Octave(new OctaveConv2d(8, 8, 3, 0.0, 0.5, padding: 1), 8, 0.0),
        ["OctaveConv2d 0.5 -> 0 (merge)"] = () => Octave(new OctaveConv2d(8, 8, 1, 0.5, 0.0), 8, 0.5),
        ["OctaveConv2d stride 2, bias"] = () => Octave(new OctaveConv2d(8, 16, 3, 0.5, 0.5, stride: 2, padding: 1, bias: true), 8, 0.5),
        ["OctaveConv2d depthwise"] = () => Octave(new OctaveConv2d(8, 8, 3, 0.5, 0.5, padding: 1, groups: 8), 8, 0.5),
        ["OctaveBatchNorm2d"] = () => Octave(new OctaveBatchNorm2d(8, 0.5), 8, 0.5),
        ["OctaveConvBn"] = () => Octave(new OctaveConvBn(8, 8, 3, padding: 1), 8, 0.5),
        ["OctaveConvBnAct"] = () => Octave(new OctaveConvBnAct(8, 8, 3, 0.0, 0.5, padding: 1), 8, 0.0),
        ["OctaveSequential of PerFrequency"] = () => Octave(new OctaveSequential(("0", new OctaveConvBn(8, 8, 1)), ("1", new PerFrequency(nn.Conv2d(4, 4, 1)))), 8, 0.5),
        ["SpatialPyramidPooling"] = () => Plain(new SpatialPyramidPooling(new long[] { 4, 2, 1 }), 2, 3, 9, 11),
        ["DSPP"] = () => Plain(new DSPP(4, new long[] { 2, 4 }, 8), 2, 4, 8, 8),
        ["MDSPP"] = () => Plain(new MDSPP(4, new long[] { 2, 4, 6, 8 }, 8), 2, 4, 16, 16),
        ["SeparableConv2d"] = () => Plain(new SeparableConv2d(4, 6, 3, bias: true), 2, 4, 8, 8),
        ["ASPP"] = () => Plain(new ASPP(4, new long[] { 1, 2, 3 }, 8), 2, 4, 9, 11),
        ["ASPPConv"] = () => Plain(new ASPPConv(4, 8, 2), 2, 4, 8, 8),
        ["ASPPPooling"] = () => Plain(new ASPPPooling(4, 8), 2, 4, 8, 8),
        ["DeepLabHead"] = () => Plain(new DeepLabHead(4, 3, new long[] { 1, 2, 3 }), 2, 4, 9, 9),
        ["FCNHead"] = () => Plain(new FCNHead(8, 3), 2, 8, 6, 6),
        ["DeepLabV2ASPP (ASPP-L)"] = () => Plain(new DeepLabV2ASPP(4, 3, new long[] { 1, 2, 3 }), 2, 4, 9, 9),
        ["DeepLabV2ASPP (hidden 6)"] = () => Plain(new DeepLabV2ASPP(4, 3, new long[] { 1, 2 }, hidden_channels: 6), 2, 4, 9, 9),
        ["LayerNorm2d"] = () => Plain(new LayerNorm2d(5), 2, 5, 4, 4),
        ["Permute"] = () => Plain(new Permute(0, 2, 3, 1), 2, 3, 4, 5),
        ["StochasticDepth (row, p 0.5)"] = () => Plain(new StochasticDepth(0.5), 8, 3, 4, 4),
    };

    public static IEnumerable<object[]> Networks() => NetworkCases.Keys.Select(k => new object[] { k });

    private static readonly Dictionary<string, (Func<nn.Module<Tensor, Tensor>> Create, long[] Input)> NetworkCases = new()
    {
        ["FashionResNet"] = (() => new FashionResNet(), new long[] { 4, 1, 28, 28 }),
        ["FashionOctResNet"] = (() => new FashionOctResNet(), new long[] { 4, 1, 28, 28 }),
        ["FashionMobileNet"] = (() => new FashionMobileNet(), new long[] { 4, 1, 28, 28 }),
        ["FashionOctMobileNet"] = (() => new FashionOctMobileNet(), new long[] { 4, 1, 28, 28 }),
        ["OctResNetTiny"] = (() => new OctResNetTiny(), new long[] { 2, 3, 32, 32 }),
        ["OctaveLayers"] = (() => new OctaveLayers(), new long[] { 2, 3, 32, 32 }),
        ["WTConvStack"] = (() => new WTConvStack(), new long[] { 2, 32, 64, 64 }),
        ["SppNet"] = (() => new SppNet(), new long[] { 2, 3, 32, 40 }),
        ["TinyUNet"] = (() => new TinyUNet(), new long[] { 2, 1, 32, 32 }),
        ["MultiScaleNet"] = (() => new MultiScaleNet(), new long[] { 2, 3, 32, 32 }),
        ["HandWrittenModules"] = (() => new HandWrittenModules(), new long[] { 2, 3, 32, 32 }),
        ["AsppParityNet"] = (() => new AsppParityNet(), new long[] { 2, 16, 9, 11 }),
        ["DeepLabHeadParityNet"] = (() => new DeepLabHeadParityNet(), new long[] { 2, 16, 13, 14 }),
        ["ConvNeXtTiny (LayerNorm, Permute, Linear, layer_scale, StochasticDepth)"] = (() => new ConvNeXtTiny(), new long[] { 4, 3, 32, 32 }),
        ["EfficientNetB0 (SiLU, squeeze-excitation)"] = (() => new EfficientNetB0(), new long[] { 2, 3, 32, 32 }),
    };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_parameter_of_a_runtime_kernel_gets_a_gradient(string kernel)
    {
        torch.manual_seed(0);
        var (module, forward, shape) = KernelCases[kernel]();
        using (module)
        {
            module.train();
            using var x = torch.randn(shape, requires_grad: true);
            Backward(forward(x));
            AssertGradients(kernel, module, x);
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Every_parameter_of_a_generated_network_gets_a_gradient(string network)
    {
        torch.manual_seed(0);
        var (create, shape) = NetworkCases[network];
        using var module = create();
        module.train();
        using var x = torch.randn(shape, requires_grad: true);
        Backward(module.call(x));
        AssertGradients(network, module, x);
    }

    [Fact]
    public void The_check_names_a_parameter_that_gets_no_gradient()
    {
        // The near miss: a branch that does not reach the output (its weight never gets a grad) is reported by name.
        torch.manual_seed(0);
        using var used = nn.Conv2d(3, 4, 1);
        using var unused = nn.Conv2d(3, 4, 1);
        using var holder = nn.Sequential(("used", used), ("unused", unused));
        using var x = torch.randn(new long[] { 2, 3, 4, 4 }, requires_grad: true);
        Backward(used.call(x));
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertGradients("holder", holder, x));
        Assert.Contains("unused.weight (no grad)", e.Message);
        Assert.Contains("unused.bias (no grad)", e.Message);
        Assert.DoesNotContain("used.weight (", e.Message.Replace("unused.weight (", ""));
    }

    private static (nn.Module, Func<Tensor, Tensor>, long[]) Plain(nn.Module<Tensor, Tensor> module, params long[] shape) => (module, module.call, shape);

    private static (nn.Module, Func<Tensor, Tensor>, long[]) Octave(nn.Module<OctaveTensor, OctaveTensor> module, long channels, double alpha)
    {
        long low = OctaveConv2d.LowChannels(channels, alpha), high = channels - low;
        return (module, x =>
        {
            // x carries both frequencies stacked: the high part at 8x8, the low part pooled from a copy.
            using var h = x.narrow(1, 0, high);
            var input = low == 0 ? new OctaveTensor(h.alias()) : new OctaveTensor(h.alias(), nn.functional.avg_pool2d(x.narrow(1, high, low), 2));
            var y = module.call(input);
            return y.HasLow ? torch.cat(new[] { y.High.flatten(1), y.Low!.flatten(1) }, 1) : y.High;
        }, new long[] { 2, channels, 8, 8 });
    }

    private static void Backward(Tensor y)
    {
        using (y)
        using (var r = torch.randn_like(y))
        using (var loss = (y * r).sum())
            loss.backward();
    }

    private static void AssertGradients(string name, nn.Module module, Tensor input)
    {
        var bad = new List<string>();
        int trainable = 0;
        foreach (var (key, p) in module.named_parameters())
        {
            if (!p.requires_grad)
            {
                if (p.grad is not null) bad.Add($"{key} (fixed, yet it has a grad)");
                continue;
            }
            trainable++;
            if (p.grad is not { } g) { bad.Add($"{key} (no grad)"); continue; }
            if (!g.isfinite().all().item<bool>()) bad.Add($"{key} (not finite)");
            else if (g.abs().max().item<float>() == 0) bad.Add($"{key} (all zero)");
        }
        if (input.grad is not { } dx || !dx.isfinite().all().item<bool>() || dx.abs().max().item<float>() == 0)
            bad.Add("the input (no usable gradient)");
        Assert.True(bad.Count == 0, $"{name}: {bad.Count} of {trainable} trainable parameters (and the input) without a usable gradient: {string.Join(", ", bad)}");
    }
}

using System;
using TorchSharp;
using NetDsl.Onnx;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Onnx;

/// <summary>TorchSharp's layers written as ONNX (Runtime/Onnx/Modules/) give TorchSharp's eval outputs in ONNX Runtime.</summary>
public class OnnxModuleTests
{
    private static void AssertExportMatches(nn.Module<Tensor, Tensor> module, params long[] shape)
    {
        torch.manual_seed(7);
        module.eval();
        // Non-trivial BN statistics: eval must read the running ones.
        foreach (var (name, b) in module.named_buffers())
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) b.copy_(torch.randn(b.shape) * 0.1);
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) b.copy_(torch.rand(b.shape) + 0.5);
        using var input = torch.randn(shape);
        Tensor expected;
        using (torch.no_grad()) expected = module.call(input);
        var model = OnnxExport.ToOnnx(module, Array.ConvertAll(shape, d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var actual = OnnxRunner.Run(model, input)["output"];
        OnnxRunner.AssertClose(expected, actual, 1e-4, module.GetName());
    }

    [Fact]
    public void Convolutions_normalisations_pools_and_a_linear_head()
    {
        AssertExportMatches(nn.Sequential(
            ("conv", nn.Conv2d(3, 8, 3, stride: 2, padding: 1, dilation: 1, bias: true)),
            ("bn", nn.BatchNorm2d(8)),
            ("relu", nn.ReLU()),
            ("dil", nn.Conv2d(8, 8, 3, padding: 2, dilation: 2, groups: 4, bias: false)),
            ("pool", nn.MaxPool2d(3, stride: 2, padding: 1)),
            ("avg", nn.AvgPool2d(3, stride: 1, padding: 1)),
            ("gelu", nn.GELU()),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flat", nn.Flatten()),
            ("fc", nn.Linear(8, 5))), 2, 3, 17, 19);
    }

    [Fact]
    public void Adaptive_pools_whose_bins_do_not_divide_the_map()
    {
        AssertExportMatches(nn.Sequential(("avg", nn.AdaptiveAvgPool2d(new long[] { 3, 4 }))), 1, 2, 10, 7);
        AssertExportMatches(nn.Sequential(("max", nn.AdaptiveMaxPool2d(new long[] { 5, 2 }))), 1, 2, 7, 11);
    }
}

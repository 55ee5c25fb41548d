using System;
using TorchSharp;
using TorchSharp.Modules;
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
        OnnxRunner.PerturbStatistics(module); // eval must read the running statistics
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

    [Fact]
    public void Ceil_mode_pools_drop_a_last_window_that_starts_in_the_padding_as_pytorch_does()
    {
        // k = 3, s = 3, p = 1 on 5: ceil((5 + 2 - 3) / 3) + 1 = 3 windows, but the third starts at 6 >= 5 + 1, so PyTorch has 2.
        AssertExportMatches(nn.Sequential(("max", nn.MaxPool2d(3, stride: 3, padding: 1, ceil_mode: true))), 1, 2, 5, 8);
        AssertExportMatches(nn.Sequential(("avg", nn.AvgPool2d(3, stride: 3, padding: 1, ceil_mode: true, count_include_pad: true))), 1, 2, 5, 8);
        AssertExportMatches(nn.Sequential(("avg", nn.AvgPool2d(3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false))), 1, 2, 6, 9);
        AssertExportMatches(nn.Sequential(("avg", nn.AvgPool2d(2, stride: 2, ceil_mode: true))), 1, 2, 7, 5);
    }

    [Fact]
    public void Upsampling_nearest_and_bilinear_with_both_corner_modes_and_transposed_convolutions()
    {
        AssertExportMatches(nn.Sequential(("up", nn.Upsample(scale_factor: new double[] { 2, 2 }, mode: torch.UpsampleMode.Nearest))), 1, 2, 3, 5);
        AssertExportMatches(nn.Sequential(("up", nn.Upsample(scale_factor: new double[] { 2, 2 }, mode: torch.UpsampleMode.Bilinear, align_corners: false))), 1, 2, 3, 5);
        AssertExportMatches(nn.Sequential(("up", nn.Upsample(scale_factor: new double[] { 4, 4 }, mode: torch.UpsampleMode.Bilinear, align_corners: true))), 1, 2, 3, 5);
        AssertExportMatches(nn.Sequential(("up", nn.Upsample(size: new long[] { 7, 11 }, mode: torch.UpsampleMode.Bilinear, align_corners: false))), 1, 2, 3, 5);
        AssertExportMatches(nn.Sequential(("deconv", nn.ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, output_padding: 1, groups: 2))), 2, 4, 5, 6);
    }

    [Fact]
    public void Same_padding_layer_norm_over_channels_last_and_the_other_activations()
    {
        AssertExportMatches(nn.Sequential(
            ("same", nn.Conv2d(3, 4, 4, padding: Padding.Same, dilation: 2)),
            ("lrelu", nn.LeakyReLU(0.2)),
            ("hs", nn.Hardswish()),
            ("r6", nn.ReLU6()),
            ("silu", nn.SiLU()),
            ("hsig", nn.Hardsigmoid()),
            ("tanh", nn.Tanh()),
            ("elu", nn.ELU(0.7)),
            ("gelu", nn.GELU(GELU.Approximate.tanh))), 1, 3, 9, 10);
        AssertExportMatches(nn.Sequential(("ln", nn.LayerNorm(new long[] { 6 })), ("fc", nn.Linear(6, 3))), 2, 5, 4, 6);
    }

    [Theory]
    [InlineData(1, -1)]
    [InlineData(0, -1)]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    [InlineData(1, 2)]
    [InlineData(1, -2)]
    [InlineData(-3, -2)]
    [InlineData(-2, -1)]
    public void Flatten_over_any_span_of_dims_gives_torchs_shape_and_values(long start, long end)
    {
        using var module = nn.Sequential(("flat", nn.Flatten(start, end)));
        using var input = torch.randn(2, 3, 4, 5);
        Tensor expected;
        using (torch.no_grad()) expected = module.call(input);
        var actual = OnnxRunner.Run(OnnxExport.ToOnnx(module, "2", "3", "4", "5"), input)["output"];
        OnnxRunner.AssertClose(expected, actual, 0, $"flatten({start}, {end})");
    }

    private sealed class Opaque : nn.Module<Tensor, Tensor>
    {
        public Opaque() : base(nameof(Opaque)) { }
        public override Tensor forward(Tensor input) => input.flip(3);
    }

    [Fact]
    public void A_module_without_an_export_is_an_error_naming_its_stage_and_type()
    {
        using var net = nn.Sequential(("conv", nn.Conv2d(3, 3, 1)), ("mystery", new Opaque()));
        var e = Assert.Throws<OnnxExportException>(() => OnnxExport.ToOnnx(net, "1", "3", "8", "8"));
        Assert.Contains("stage 'mystery' (Opaque)", e.Message);
        Assert.Contains("IOnnxExport", e.Message);
    }

    [Fact]
    public void An_octave_stack_alone_exports_from_a_plain_input_to_a_plain_output()
    {
        torch.manual_seed(9);
        using var stack = new NetDsl.Octave.OctaveSequential(
            ("split", new NetDsl.Octave.OctaveConv2d(3, 8, 3, alpha_in: 0, alpha_out: 0.5, padding: 1)),
            ("merge", new NetDsl.Octave.OctaveConv2d(8, 4, 3, alpha_in: 0.5, alpha_out: 0, padding: 1)));
        stack.eval();
        using var input = torch.randn(1, 3, 8, 12);
        Tensor expected;
        using (torch.no_grad()) expected = stack.call(input).ToTensor();
        var model = OnnxExport.ToOnnx(stack, new[] { "1", "3", "8", "12" }, new[] { "1", "4", "8", "12" });
        OnnxRunner.AssertClose(expected, OnnxRunner.Run(model, input)["output"], 1e-4, "octave stack");
    }
}

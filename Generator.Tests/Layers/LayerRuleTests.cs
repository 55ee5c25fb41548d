using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests.Layers;

/// <summary>
/// The layer catalogue (Generator/Layers): one rule per layer attribute, and for each kind, as Burn's per-node
/// <c>test_codegen</c>: a declaration in, the inferred shape and the emitted construction out.
/// </summary>
public class LayerRuleTests
{
    [Fact]
    public void Every_layer_attribute_has_one_rule_and_every_rule_an_attribute()
    {
        var composition = Enum.GetNames(typeof(LayerKind)).Where(n => n != nameof(LayerKind.Layer)).ToHashSet();
        var attributes = typeof(NetDsl.LayerAttribute).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(NetDsl.LayerAttribute).IsAssignableFrom(t))
            .Select(t => t.Name.Substring(0, t.Name.Length - "Attribute".Length))
            .ToHashSet();
        var layers = attributes.Where(a => !composition.Contains(a)).OrderBy(a => a).ToList();

        Assert.Equal(layers, LayerCatalog.All.Keys.OrderBy(k => k).ToList());
        Assert.All(composition, c => Assert.Contains(c, attributes));
        Assert.All(LayerCatalog.All, kv => Assert.Equal(kv.Key, kv.Value.Name));
    }

    [Fact]
    public void Traits_are_those_the_pipeline_relies_on()
    {
        var perFrequency = LayerCatalog.All.Values.Where(r => r.IsPerFrequency).Select(r => r.Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(new[] { "BatchNorm", "Dropout", "GELU", "Hardsigmoid", "Hardswish", "Identity", "LeakyReLU", "ReLU", "ReLU6", "SiLU", "Sigmoid", "Tanh" }, perFrequency);
        Assert.Equal(new[] { "OctConv" }, LayerCatalog.All.Values.Where(r => r.IsOctave).Select(r => r.Name));
        Assert.Equal(new[] { "Flatten", "Linear" }, LayerCatalog.All.Values.Where(r => r.Flattens).Select(r => r.Name).OrderBy(n => n));
        Assert.Equal(new[] { "AvgPool", "MaxPool" }, LayerCatalog.All.Values.Where(r => r.KernelArgument == "kernel").Select(r => r.Name).OrderBy(n => n));
    }

    /// <summary>(the kind, its attribute on a stage `s` after `before` stages, on an 8x16x16 input; the inferred output
    /// shape; the emitted construction of `s`).</summary>
    public static TheoryData<string, string, string, string> Kinds => new()
    {
        { "Conv", "[Conv(16, Kernel = 3)]", "[N, 16, 14, 14]", "nn.Conv2d(8, 16, kernel_size: 3)" },
        { "Conv", "[Conv(16, Kernel = 3, Padding = \"same\", Dilation = 2, Groups = 4, Bias = false)]", "[N, 16, 16, 16]",
            "nn.Conv2d(8, 16, kernel_size: 3, padding: global::TorchSharp.Padding.Same, dilation: 2, groups: 4, bias: false)" },
        { "ConvTranspose", "[ConvTranspose(4, Kernel = 2, Stride = 2)]", "[N, 4, 32, 32]", "nn.ConvTranspose2d(8, 4, kernel_size: 2, stride: 2)" },
        { "BatchNorm", "[BatchNorm(Eps = 0.001)]", "[N, 8, 16, 16]", "nn.BatchNorm2d(8, eps: 0.001)" },
        { "ReLU", "[ReLU(Inplace = true)]", "[N, 8, 16, 16]", "nn.ReLU(inplace: true)" },
        { "ReLU6", "[ReLU6]", "[N, 8, 16, 16]", "nn.ReLU6()" },
        { "LeakyReLU", "[LeakyReLU(Slope = 0.2)]", "[N, 8, 16, 16]", "nn.LeakyReLU(0.2)" },
        { "GELU", "[GELU]", "[N, 8, 16, 16]", "nn.GELU()" },
        { "Sigmoid", "[Sigmoid]", "[N, 8, 16, 16]", "nn.Sigmoid()" },
        { "SiLU", "[SiLU]", "[N, 8, 16, 16]", "nn.SiLU()" },
        { "Tanh", "[Tanh]", "[N, 8, 16, 16]", "nn.Tanh()" },
        { "Identity", "[Identity]", "[N, 8, 16, 16]", "nn.Identity()" },
        { "MaxPool", "[MaxPool(2)]", "[N, 8, 8, 8]", "nn.MaxPool2d(kernel_size: 2)" },
        { "AvgPool", "[AvgPool(3, Stride = 1, Padding = 1)]", "[N, 8, 16, 16]", "nn.AvgPool2d(kernel_size: 3, stride: 1, padding: 1)" },
        { "AdaptiveAvgPool", "[AdaptiveAvgPool(4)]", "[N, 8, 4, 4]", "nn.AdaptiveAvgPool2d(4)" },
        { "AdaptiveMaxPool", "[AdaptiveMaxPool(2)]", "[N, 8, 2, 2]", "nn.AdaptiveMaxPool2d(new long[] { 2, 2 })" },
        { "GlobalAvgPool", "[GlobalAvgPool]", "[N, 8, 1, 1]", "nn.AdaptiveAvgPool2d(1)" },
        { "GlobalMaxPool", "[GlobalMaxPool]", "[N, 8, 1, 1]", "nn.AdaptiveMaxPool2d(new long[] { 1, 1 })" },
        { "Flatten", "[Flatten]", "[N, 2048]", "nn.Flatten()" },
        { "Linear", "[GlobalAvgPool, Flatten] Stage pool; [Linear(10, Bias = false)]", "[N, 10]", "nn.Linear(8, 10, hasBias: false)" },
        { "Dropout", "[Dropout(0.25, Channelwise = true)]", "[N, 8, 16, 16]", "nn.Dropout2d(0.25)" },
        { "Upsample", "[Upsample(2, Mode = UpsampleMode.Bilinear)]", "[N, 8, 32, 32]",
            "nn.Upsample(scale_factor: new double[] { 2, 2 }, mode: global::TorchSharp.torch.UpsampleMode.Bilinear, align_corners: false)" },
        { "Downsample", "[Downsample(DownsampleKind.Hwd, Out = 16)]", "[N, 16, 8, 8]", "new global::NetDsl.Downsampling.HaarWaveletDownsampling(8, 16)" },
        { "Downsample", "[Downsample(DownsampleKind.StridedConv)]", "[N, 8, 8, 8]", "new global::NetDsl.Downsampling.StridedConvDownsampling(8, 8)" },
        { "WTConv", "[WTConv(8, Kernel = 3, Levels = 2, Wavelet = \"db2\")]", "[N, 8, 16, 16]",
            "new global::NetDsl.Wavelets.WTConv2d(8, 8, kernel_size: 3, wt_levels: 2, wt_type: \"db2\")" },
        { "OctConv", "[OctConv(16, Kernel = 3, Padding = 1, AlphaIn = 0, AlphaOut = 0, BatchNorm = true)]", "[N, 16, 16, 16]",
            "new OctaveConvBn(8, 16, kernel_size: 3, alpha_in: 0, alpha_out: 0, padding: 1)" },
        { "SPP", "[SPP(2, 1, Mode = PoolMode.Average)]", "[N, 40]",
            "new global::NetDsl.Pyramids.SpatialPyramidPooling(new long[] { 2, 1 }, global::NetDsl.Pyramids.PyramidPoolMode.Average)" },
        { "ASPP", "[ASPP(1, 2, Out = 4)]", "[N, 4, 16, 16]", "new global::NetDsl.Pyramids.ASPP(8, new long[] { 1, 2 }, out_channels: 4)" },
        { "DeepLabHead", "[DeepLabHead(3)]", "[N, 3, 16, 16]", "new global::NetDsl.Pyramids.DeepLabHead(8, 3)" },
        { "FCNHead", "[FCNHead(3)]", "[N, 3, 16, 16]", "new global::NetDsl.Pyramids.FCNHead(8, 3)" },
        { "SeparableConv", "[SeparableConv(16, Stride = 2, Padding = 1)]", "[N, 16, 8, 8]", "new global::NetDsl.Pyramids.SeparableConv2d(8, 16, kernel_size: 3, stride: 2, padding: 1)" },
        { "DSPP", "[DSPP(Filters = 4, Bins = new[] { 2, 4 })]", "[N, 16, 16, 16]", "new global::NetDsl.Pyramids.DSPP(8, new long[] { 2, 4 }, filters: 4)" },
        { "MDSPP", "[MDSPP(Filters = 8, Bins = new[] { 1, 2, 4, 8 })]", "[N, 16, 16, 16]", "new global::NetDsl.Pyramids.MDSPP(8, new long[] { 1, 2, 4, 8 }, filters: 8)" },
        { "LayerNorm", "[Permute(0, 2, 3, 1)] Stage last; [LayerNorm(Eps = 1e-6)]", "[N, 16, 16, 8]", "nn.LayerNorm(new long[] { 8 }, eps: 1E-06)" },
        { "LayerNorm2d", "[LayerNorm2d(Eps = 1e-6)]", "[N, 8, 16, 16]", "new global::NetDsl.Normalization.LayerNorm2d(8, eps: 1E-06)" },
        { "GroupNorm", "[GroupNorm(4)]", "[N, 8, 16, 16]", "nn.GroupNorm(4, 8)" },
        { "Permute", "[Permute(0, 2, 3, 1)]", "[N, 16, 16, 8]", "new global::NetDsl.Layout.Permute(0, 2, 3, 1)" },
        { "Linear", "[Permute(0, 2, 3, 1)] Stage last; [Linear(32)]", "[N, 16, 16, 32]", "nn.Linear(8, 32)" },
        { "Hardswish", "[Hardswish(Inplace = true)]", "[N, 8, 16, 16]", "nn.Hardswish(inplace: true)" },
        { "Hardsigmoid", "[Hardsigmoid]", "[N, 8, 16, 16]", "nn.Hardsigmoid()" },
        { "Scale", "[Scale(Init = 1e-6)]", "[N, 8, 16, 16]", "nn.Parameter(full(new long[] { 8, 1, 1 }, 1E-06))" },
        { "StochasticDepth", "[StochasticDepth(0.1, Mode = StochasticDepthMode.Batch)]", "[N, 8, 16, 16]",
            "new global::NetDsl.Regularization.StochasticDepth(0.1, global::NetDsl.StochasticDepthMode.Batch)" },
        { "Module", "[Module(typeof(NetDsl.Downsampling.HaarWaveletDownsampling), \"channels\", \"channels * 2\", Out = \"channels * 2\", Stride = 2, Params = \"4 * channels * 16 + 3 * 16\")]", "[N, 16, 8, 8]",
            "global::NetDsl.ModuleContract.Declare(new global::NetDsl.Downsampling.HaarWaveletDownsampling(8, 16), \"Net.s\", inChannels: 8, outChannels: 16, stride: 2, ceilMode: false, parameters: 560)" },
        { "ASPPv2", "[ASPPv2(3, 1, 2, Hidden = 4)]", "[N, 3, 16, 16]", "new global::NetDsl.Pyramids.DeepLabV2ASPP(8, 3, new long[] { 1, 2 }, hidden_channels: 4)" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_kind_infers_its_shape_and_emits_its_module(string kind, string attributes, string output, string construction)
    {
        var source = $$"""
            using NetDsl;
            namespace Test;
            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                {{attributes}} Stage s;
            }
            """;
        var result = GeneratorHarness.Run(source);

        Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        var code = result.Sources.Single().Value;
        Assert.Contains($"// s: ", code);
        Assert.Contains($"-> {output}", code.Split('\n').First(l => l.Contains("// s: ")));
        Assert.True(code.Contains($"_s = {construction};"), code);
        Assert.True(LayerCatalog.TryGet(kind, out _), kind);
    }

    /// <summary>Declarations whose generated code once did not compile: a parameter stage in forward_all, a multiply by an
    /// octave network's merged output.</summary>
    [Theory]
    [InlineData("[Conv(4, Kernel = 1)] Stage conv; [Scale, Output(\"out\")] Stage layer_scale;")]
    [InlineData("[Conv(4, Kernel = 1)] Stage conv; [Scale(Shape = ScaleShape.Channels)] Stage s; [Dropout, Output(\"out\")] Stage d; [GlobalAvgPool, Tap(\"s\"), Output(\"aux\")] Stage t;")]
    [InlineData("[OctConv(16, Kernel = 3, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split; [OctConv(8, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge; [Mul(nameof(merge))] Stage prod;")]
    public void Generated_code_compiles(string stages)
    {
        var result = GeneratorHarness.Run("using NetDsl;\n[Network(InChannels = 3, Height = 16, Width = 16)] public partial class Net { " + stages + " }");
        Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("Net.g.cs", result.Sources.Keys);
    }
}

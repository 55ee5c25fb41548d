using System;
using System.Collections.Generic;
using System.IO;
using Google.Protobuf;
using System.Linq;
using NetDsl.Downsampling;
using NetDsl.Layout;
using NetDsl.Normalization;
using NetDsl.Octave;
using NetDsl.Onnx;
using NetDsl.Pyramids;
using NetDsl.Regularization;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Onnx;

/// <summary>
/// The runtime's kernels (wavelets, downsampling, octave, pyramids, layout) written as ONNX by their own exports give
/// TorchSharp's eval outputs in ONNX Runtime: each module exported alone, with symbolic H and W where it takes any size,
/// and the one model run at two sizes (odd ones where the module allows them). With NETDSL_ONNX_DUMP=dir set, every
/// exported model is also written there (tools/check_onnx.py checks them).
/// </summary>
public class OnnxKernelTests
{
    private static readonly string[] Symbolic = { "N", "C", "H", "W" };

    /// <summary>Exports <paramref name="module"/> once on <paramref name="dims"/> and compares ONNX Runtime with TorchSharp's
    /// eval output at every shape of <paramref name="shapes"/>.</summary>
    private static void AssertExportMatches(string name, nn.Module<Tensor, Tensor> module, string[] dims, params long[][] shapes)
    {
        torch.manual_seed(11);
        Randomise(module);
        module.eval();
        var dtype = module.parameters().FirstOrDefault()?.dtype ?? ScalarType.Float32;
        // The output's rank from TorchSharp (onnx's checker wants a shape on the graph output): N, then named sizes.
        long rank;
        using (torch.no_grad()) using (var probe = torch.randn(shapes[0], dtype: dtype)) using (var y = module.call(probe)) rank = y.dim();
        var outputDims = Enumerable.Range(0, (int)rank).Select(i => i == 0 ? dims[0] : "out" + i).ToArray();
        var model = OnnxExport.ToOnnx(module, dims, outputDims);
        if (Environment.GetEnvironmentVariable("NETDSL_ONNX_DUMP") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, name + ".onnx"), model);
        }
        foreach (var shape in shapes)
        {
            using var input = torch.randn(shape, dtype: dtype);
            Tensor expected;
            using (torch.no_grad()) expected = module.call(input);
            var actual = OnnxRunner.Run(model, input)["output"];
            OnnxRunner.AssertClose(expected, actual, 1e-4, $"{name} at [{string.Join(", ", shape)}]");
        }
    }

    private static void AssertExportMatches(string name, nn.Module<Tensor, Tensor> module, params long[][] shapes) =>
        AssertExportMatches(name, module, Symbolic, shapes);

    /// <summary>Non-trivial state: BN running statistics, and every trainable parameter moved off its initial value (the
    /// scales of WTConv start at constants, LayerNorm's at ones and zeros). Fixed wavelet filters stay as they are.</summary>
    private static void Randomise(nn.Module module)
    {
        OnnxRunner.PerturbStatistics(module);
        using var noGrad = torch.no_grad();
        foreach (var p in module.parameters())
            if (p.requires_grad) p.add_(torch.randn(p.shape, dtype: p.dtype) * 0.2);
    }

    private static long[] S(params long[] shape) => shape;

    // ------------------------------------------------------------------ wavelets

    [Fact]
    public void WTConv_Haar_two_levels_at_odd_sizes()
    {
        AssertExportMatches("wtconv_haar_l2", new WTConv2d(4, 4, kernel_size: 5, wt_levels: 2), S(1, 4, 13, 10), S(2, 4, 8, 7));
    }

    [Fact]
    public void WTConv_db2_three_levels_with_stride_and_no_bias()
    {
        AssertExportMatches("wtconv_db2_l3_s2", new WTConv2d(3, 3, kernel_size: 3, stride: 2, bias: false, wt_levels: 3, wt_type: "db2"),
            S(1, 3, 17, 11), S(1, 3, 12, 9));
    }

    [Fact]
    public void Float64_wavelet_modules_are_written_in_float64()
    {
        // ONNX Runtime's CPU provider has no float64 Conv or ConvTranspose kernel, so a float64 WTConv (its base conv and
        // its transforms are convolutions) is checked by its written types; the float64 scale runs.
        var scale = new ScaleModule(new long[] { 1, 3, 1, 1 }, 0.1);
        scale.to(ScalarType.Float64);
        AssertExportMatches("scale_float64", scale, S(2, 3, 5, 7), S(1, 3, 4, 1));

        var module = new WTConv2d(2, 2, kernel_size: 3, wt_levels: 2, filters: WTConvFilters.Parameters);
        module.to(ScalarType.Float64);
        var graph = GraphOf(OnnxExport.ToOnnx(module, Symbolic));
        Assert.Equal(new[] { DoubleType }, graph.InputTypes);
        var floating = graph.Initializers.Where(i => i.DataType != Int64Type).ToList();
        Assert.All(floating, i => Assert.Equal(DoubleType, i.DataType));
        Assert.Equal(8 * 4 * 2 * 2 * 2, graph.Initializers.Single(i => i.Name == "wt_filter").RawBytes);
        Assert.Contains(graph.Nodes, n => n.Op == "ConvTranspose");
    }

    private const long DoubleType = 11, Int64Type = 7;

    [Fact]
    public void WTConv_keeps_state_dict_names_and_writes_each_weight_once()
    {
        var module = new WTConv2d(2, 2, kernel_size: 3, wt_levels: 2);
        var graph = GraphOf(OnnxExport.ToOnnx(module, Symbolic));
        var names = graph.Initializers.Select(i => i.Name).ToList();
        foreach (var (key, _) in module.state_dict()) Assert.Contains(key, names);
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Contains(graph.Nodes, n => n.Name.StartsWith("wavelet_convs.1/Conv", StringComparison.Ordinal));
        Assert.Contains(graph.Nodes, n => n.Op == "ConvTranspose" && n.Inputs.Contains("iwt_filter"));
    }

    private sealed record Initializer(string Name, long DataType, int RawBytes);

    private sealed record Node(string Name, string Op, string[] Inputs);

    private sealed record Graph(List<Initializer> Initializers, List<Node> Nodes, List<long> InputTypes);

    /// <summary>A model's initializers, nodes and input element types, read with Google.Protobuf's wire reader (the
    /// compiled onnx.proto classes are internal to the runtime). Field numbers from onnx.proto: ModelProto.graph 7;
    /// GraphProto node 1, initializer 5, input 11; NodeProto input 1, name 3, op_type 4; TensorProto data_type 2, name 8,
    /// raw_data 9; ValueInfoProto.type 2, TypeProto.tensor_type 1, its elem_type 1.</summary>
    private static Graph GraphOf(byte[] model)
    {
        var graph = new Graph(new List<Initializer>(), new List<Node>(), new List<long>());
        foreach (var f in Wire(Wire(model).First(f => f.Number == 7).Bytes!))
        {
            if (f.Number == 5)
            {
                var t = Wire(f.Bytes!);
                graph.Initializers.Add(new Initializer(Text(t, 8), t.First(x => x.Number == 2).Value,
                    t.FirstOrDefault(x => x.Number == 9).Bytes?.Length ?? 0));
            }
            else if (f.Number == 1)
            {
                var n = Wire(f.Bytes!);
                graph.Nodes.Add(new Node(Text(n, 3), Text(n, 4), n.Where(x => x.Number == 1).Select(x => x.Bytes!.ToStringUtf8()).ToArray()));
            }
            else if (f.Number == 11)
            {
                var tensorType = Wire(Wire(Wire(f.Bytes!).First(x => x.Number == 2).Bytes!).First(x => x.Number == 1).Bytes!);
                graph.InputTypes.Add(tensorType.First(x => x.Number == 1).Value);
            }
        }
        return graph;
    }

    private static string Text(List<(int Number, ByteString? Bytes, long Value)> fields, int number) =>
        fields.First(f => f.Number == number).Bytes!.ToStringUtf8();

    private static List<(int Number, ByteString? Bytes, long Value)> Wire(ByteString message) => Wire(message.ToByteArray());

    private static List<(int Number, ByteString? Bytes, long Value)> Wire(byte[] message)
    {
        var fields = new List<(int, ByteString?, long)>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.LengthDelimited: fields.Add((number, input.ReadBytes(), 0)); break;
                case WireFormat.WireType.Varint: fields.Add((number, null, input.ReadInt64())); break;
                default: input.SkipLastField(); break;
            }
        }
        return fields;
    }

    [Fact]
    public void Haar_wavelet_downsampling_at_odd_sizes()
    {
        AssertExportMatches("hwd", new HaarWaveletDownsampling(3, 8), S(2, 3, 11, 14), S(1, 3, 8, 9));
    }

    [Fact]
    public void Strided_conv_downsampling_with_and_without_relu()
    {
        AssertExportMatches("strided_conv", new StridedConvDownsampling(3, 6), S(1, 3, 11, 8), S(1, 3, 6, 13));
        AssertExportMatches("strided_conv_k5_s3_norelu", new StridedConvDownsampling(3, 4, kernel_size: 5, stride: 3, is_relu: false),
            S(1, 3, 14, 9), S(1, 3, 9, 10));
    }

    // ------------------------------------------------------------------ octave

    /// <summary>An octave stack between plain tensors (a first layer alpha_in = 0, a last alpha_out = 0), as a network uses it.</summary>
    private sealed class OctaveStack : nn.Module<Tensor, Tensor>, IOnnxExport
    {
        private readonly OctaveSequential _net;

        public OctaveStack(params (string, nn.Module<OctaveTensor, OctaveTensor>)[] layers) : base(nameof(OctaveStack))
        {
            _net = new OctaveSequential(layers);
            register_module("net", _net);
        }

        protected override void RegisterComponents()
        {
        }

        public override Tensor forward(Tensor x) => _net.call(x).ToTensor();

        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input) => g.Module(_net, (OctaveValue)input).ToValue();
    }

    [Fact]
    public void Octave_layers_on_all_four_paths_at_both_strides()
    {
        var stack = new OctaveStack(
            ("first", new OctaveConvBnAct(3, 8, 3, alpha_in: 0, alpha_out: 0.5, padding: 1)),
            ("mid", new OctaveConv2d(8, 8, 3, alpha_in: 0.5, alpha_out: 0.5, padding: 1, bias: true)),
            ("bn", new OctaveBatchNorm2d(8, 0.5)),
            ("act", new PerFrequency(nn.ReLU())),
            ("down", new OctaveConvBn(8, 12, 3, alpha_in: 0.5, alpha_out: 0.25, stride: 2, padding: 1)),
            ("dw", new OctaveConv2d(12, 12, 3, alpha_in: 0.25, alpha_out: 0.25, padding: 2, dilation: 2, groups: 12)),
            ("last", new OctaveConv2d(12, 6, 1, alpha_in: 0.25, alpha_out: 0)));
        AssertExportMatches("octave_stack", stack, S(2, 3, 16, 12), S(1, 3, 8, 20));
    }

    [Fact]
    public void Octave_all_low_frequency_layer_and_stride_two_low_input()
    {
        var stack = new OctaveStack(
            ("first", new OctaveConv2d(4, 6, 3, alpha_in: 0, alpha_out: 1, stride: 2, padding: 1)),
            ("bn", new OctaveBatchNorm2d(6, 1)),
            ("mid", new OctaveConvBn(6, 6, 3, alpha_in: 1, alpha_out: 0.5, stride: 2, padding: 1)),
            ("last", new OctaveConvBnAct(6, 5, 3, alpha_in: 0.5, alpha_out: 0, padding: 1)));
        AssertExportMatches("octave_all_low", stack, S(1, 4, 16, 8), S(1, 4, 8, 24));
    }

    // ------------------------------------------------------------------ pyramids

    [Fact]
    public void ASPP_with_its_image_pooling_branch_at_odd_sizes()
    {
        AssertExportMatches("aspp", new ASPP(4, new long[] { 1, 2, 3 }, 8), S(2, 4, 9, 7), S(1, 4, 6, 11));
    }

    [Fact]
    public void DeepLab_v2_ASPP_in_both_forms()
    {
        AssertExportMatches("deeplabv2_aspp_l", new DeepLabV2ASPP(4, 3, new long[] { 1, 2, 3 }), S(1, 4, 9, 7), S(1, 4, 6, 10));
        AssertExportMatches("deeplabv2_aspp_vgg", new DeepLabV2ASPP(4, 3, new long[] { 1, 2 }, hidden_channels: 5), S(1, 4, 7, 7), S(2, 4, 5, 8));
    }

    [Fact]
    public void DeepLab_and_FCN_heads()
    {
        AssertExportMatches("deeplab_head", new DeepLabHead(8, 3, new long[] { 1, 2 }), S(1, 8, 7, 5), S(1, 8, 4, 6));
        AssertExportMatches("fcn_head", new FCNHead(8, 3), S(1, 8, 7, 5), S(2, 8, 4, 6));
    }

    [Fact]
    public void Separable_convolutions_same_strided_and_even_kernel()
    {
        AssertExportMatches("sepconv_same", new SeparableConv2d(4, 6, 3), S(1, 4, 9, 6), S(1, 4, 5, 8));
        AssertExportMatches("sepconv_even_dilated", new SeparableConv2d(4, 6, 4, bias: false, dilation: 2), S(1, 4, 9, 6), S(1, 4, 10, 7));
        AssertExportMatches("sepconv_strided", new SeparableConv2d(4, 5, 3, stride: 2, padding: 1), S(1, 4, 9, 6), S(1, 4, 12, 13));
    }

    [Fact]
    public void Spatial_pyramid_pooling_whose_bins_do_not_divide_the_map()
    {
        AssertExportMatches("spp_max", new SpatialPyramidPooling(), S(2, 3, 10, 7), S(1, 3, 5, 13));
        AssertExportMatches("spp_avg", new SpatialPyramidPooling(new long[] { 3, 2 }, PyramidPoolMode.Average), S(1, 3, 10, 7), S(1, 3, 4, 5));
    }

    [Fact]
    public void SPEED_pyramids_DSPP_and_MDSPP_at_sizes_the_bins_do_not_divide()
    {
        AssertExportMatches("dspp", new DSPP(4, filters: 5), S(1, 4, 17, 13), S(2, 4, 8, 9));
        AssertExportMatches("mdspp", new MDSPP(4, filters: 8), S(1, 4, 15, 11), S(1, 4, 8, 12));
    }

    // ------------------------------------------------------------------ normalisation, layout, regularisation

    [Fact]
    public void LayerNorm2d_Permute_and_StochasticDepth_in_eval_form()
    {
        AssertExportMatches("layernorm2d", new LayerNorm2d(6, eps: 1e-6), S(2, 6, 5, 7), S(1, 6, 3, 4));
        AssertExportMatches("permute", new Permute(0, 2, 3, 1), S(1, 3, 5, 7), S(2, 3, 4, 2));
        var depth = new StochasticDepth(0.5);
        var model = OnnxExport.ToOnnx(depth, Symbolic);
        using var x = torch.randn(2, 3, 5, 4);
        depth.train();
        OnnxRunner.AssertClose(x, OnnxRunner.Run(model, x)["output"], 0, "stochastic depth (eval form: identity)");
        AssertExportMatches("stochastic_depth", depth, S(2, 3, 5, 4));
    }

    [Fact]
    public void A_WTConvNeXt_style_block_of_kernels_and_torch_layers()
    {
        var block = nn.Sequential(
            ("dw", new WTConv2d(6, 6, kernel_size: 5, wt_levels: 2)),
            ("perm", new Permute(0, 2, 3, 1)),
            ("norm", nn.LayerNorm(6, eps: 1e-6)),
            ("fc", nn.Linear(6, 12)),
            ("act", nn.GELU()),
            ("back", new Permute(0, 3, 1, 2)),
            ("ln2d", new LayerNorm2d(12)),
            ("drop", new StochasticDepth(0.2)),
            ("down", new HaarWaveletDownsampling(12, 8)));
        AssertExportMatches("wtconvnext_block", block, S(1, 6, 9, 12), S(1, 6, 14, 7));
    }
}

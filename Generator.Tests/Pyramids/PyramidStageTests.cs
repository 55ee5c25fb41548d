using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;
using NetDsl.Generator.Tests.Infrastructure;
using NetDsl.Pyramids;
using TorchSharp;
using Xunit;
using static NetDsl.Generator.Tests.Infrastructure.SpecBuilder;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Generator.Tests.Pyramids;

/// <summary>
/// The pyramid stages [SeparableConv], [DSPP], [MDSPP] and [ASPPv2] at compile time, against the runtime modules they
/// generate (their parameter-count helpers, their real parameters and a real forward), and end to end: a network with a
/// symbolic size that uses all four inside a block is generated, compiled, loaded and run at several sizes.
/// </summary>
public class PyramidStageTests
{
    private static readonly IReadOnlyDictionary<string, DeclarationSpec> NoBlocks = new Dictionary<string, DeclarationSpec>();

    private static InferenceResult Infer(DeclarationSpec network, params DeclarationSpec[] blocks) =>
        ShapeInference.Infer(network, blocks.ToDictionary(b => b.MetadataName));

    private static long Params(nn.Module module) => module.parameters().Sum(p => p.numel());

    private static Inference.SummaryRow Row(InferenceResult r, string path) => r.Rows.Single(x => x.Path == path);

    // ------------------------------------------------------------------ [SeparableConv]

    /// <summary>Kernel, stride, padding (null: "same"), dilation, bias, input size.</summary>
    public static TheoryData<int, int, int?, int, bool, int, int> SeparableConfigs => new()
    {
        { 3, 1, null, 1, true, 12, 16 },
        { 3, 2, 1, 1, false, 15, 9 },
        { 5, 2, 0, 2, true, 17, 13 },
        { 3, 1, null, 2, false, 9, 9 },
        { 2, 1, null, 1, true, 7, 8 },
        { 3, 3, 2, 3, true, 20, 11 },
    };

    [Theory]
    [MemberData(nameof(SeparableConfigs))]
    public void Separable_conv_shape_parameters_and_multiply_adds_are_the_runtime_modules(int k, int stride, int? padding, int dilation, bool bias, int h, int w)
    {
        const int cin = 4, cout = 6;
        var r = Infer(Network("Sep", cin, h, w)
            .Stage("sep", L("SeparableConv", ("outChannels", cout), ("Kernel", k), ("Stride", stride), ("Padding", padding is int p ? p : "same"),
                ("Dilation", dilation), ("Bias", bias)))
            .Build());
        Assert.True(r.Completed, string.Join("; ", r.Diagnostics));

        using var module = new SeparableConv2d(cin, cout, k, bias, stride, padding, dilation);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var y = module.call(randn(1, cin, h, w));
        Assert.Equal(new[] { 1, y.shape[1], y.shape[2], y.shape[3] }, new long[] { 1, r.Output.Channels, r.Output.Height.Offset, r.Output.Width.Offset });

        var row = Row(r, "sep");
        Assert.Equal(SeparableConv2d.ParameterCount(cin, cout, k, bias), row.Params);
        Assert.Equal(Params(module), row.Params);
        // Depthwise k x k per input channel, then pointwise C_in x C_out, at every output position.
        Assert.Equal((cin * k * k + cin * cout) * y.shape[2] * y.shape[3], row.Macs);
        Assert.Equal(new[] { "depthwise", "pointwise" }, module.named_children().Select(c => c.name));
    }

    [Fact]
    public void Separable_conv_default_is_same_padding_and_its_stride_needs_a_number()
    {
        var same = Infer(Network("Sep", 3, 10, 14).Stage("sep", L("SeparableConv", ("outChannels", 5))).Build());
        Assert.Equal("[N, 5, 10, 14]", same.Format(same.Output));

        var strided = Infer(Network("Sep", 3, 10, 14).Stage("sep", L("SeparableConv", ("outChannels", 5), ("Stride", 2))).Build());
        Assert.Equal("NDSL0021", Assert.Single(strided.Diagnostics).Id);
        Assert.Throws<ArgumentException>(() => new SeparableConv2d(3, 5, 3, stride: 2));
    }

    // ------------------------------------------------------------------ [DSPP] and [MDSPP]

    [Fact]
    public void Dspp_at_speeds_encoder_size_pools_the_grids_seed_003_lists()
    {
        // Seed 003 walks through SPEED's DSPP on a 12x16x512 map: windows (6, 8), (3, 4), (2, 2), (1, 2) give pooled
        // maps of 2x2, 4x4, 6x8 and 12x8, and the concatenation has 1024 channels.
        var r = Infer(Network("Encoder", 512, 12, 16).Stage("dspp", L("DSPP")).Build());
        Assert.True(r.Completed);
        Assert.Equal("[N, 1024, 12, 16]", r.Format(r.Output));
        var article = new (int Bin, string Window, int GridH, int GridW)[] { (2, "6x8", 2, 2), (4, "3x4", 4, 4), (6, "2x2", 6, 8), (8, "1x2", 12, 8) };
        for (int i = 0; i < 4; i++)
        {
            var (bin, window, gh, gw) = article[i];
            var child = Row(r, "dspp.convs." + i);
            Assert.Contains($"bin {bin}: AvgPool2d({window}) → {gh}x{gw} grid", child.Kind);
            Assert.Equal("[N, 128, 12, 16]", child.OutputShape);
            // The branch's separable conv runs on the pooled grid only.
            Assert.Equal((9 * 512 + 512 * 128) * gh * gw, child.Macs);
        }

        using var dspp = new DSPP(512);
        Assert.Equal(DSPP.ParameterCount(512, 128), Row(r, "dspp").Params);
        Assert.Equal(Params(dspp), Row(r, "dspp").Params);
        Assert.Equal(Params(dspp.Convs[0]), Row(r, "dspp.convs.0").Params);

        // Bins 6 and 8 do not divide 12x16: an Info, not an error.
        var info = Assert.Single(r.Diagnostics);
        Assert.Equal("NDSL0044", info.Id);
        Assert.Contains("bin 6: 6x8, bin 8: 12x8", info.Args.Last());
    }

    [Theory]
    [InlineData(64, 64, 12, 16)]
    [InlineData(32, 32, 24, 32)]
    [InlineData(10, 30, 9, 11)]
    public void Mdspp_has_F_plus_C_channels_and_the_runtime_modules_parameters(int channels, int filters, int h, int w)
    {
        var r = Infer(Network("Decoder", channels, h, w).Stage("up", L("MDSPP", ("Filters", filters))).Build());
        Assert.True(r.Completed, string.Join("; ", r.Diagnostics));
        using var mdspp = new MDSPP(channels, filters: filters);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        mdspp.eval();
        var y = mdspp.call(randn(1, channels, h, w));
        Assert.Equal(y.shape[1], r.Output.Channels);
        Assert.Equal(MDSPP.OutputChannelsFor(channels, filters), r.Output.Channels);
        Assert.Equal(MDSPP.ParameterCount(channels, filters), Row(r, "up").Params);
        Assert.Equal(Params(mdspp), Row(r, "up").Params);
        Assert.Equal(Params(mdspp.UpconvOdd), Row(r, "up.upconv_2_odd").Params);
        Assert.Equal(Params(mdspp.BranchConvs[3]), Row(r, "up.upconv_1.3").Params);
    }

    [Fact]
    public void Mdspp_arguments_are_checked()
    {
        var three = Infer(Network("D", 8, 24, 24).Stage("up", L("MDSPP", ("Bins", new object[] { 2, 4, 6 }))).Build());
        Assert.Contains(three.Diagnostics, d => d.Id == "NDSL0010" && d.Args.Last()!.Contains("exactly four bins"));
        var narrow = Infer(Network("D", 8, 24, 24).Stage("up", L("MDSPP", ("Filters", 3))).Build());
        Assert.Contains(narrow.Diagnostics, d => d.Id == "NDSL0010" && d.Args.Last()!.Contains("at least 4 filters"));
    }

    // ------------------------------------------------------------------ [ASPPv2]

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void Deeplab_v2_aspp_sums_its_branches_to_the_classes_with_the_runtime_modules_parameters(int hidden)
    {
        var r = Infer(Network("Head", 32, 28, 28).Stage("aspp", L("ASPPv2", ("numClasses", 5), ("rates", new object[] { 6, 12, 18, 24 }), ("Hidden", hidden))).Build());
        Assert.True(r.Completed, string.Join("; ", r.Diagnostics));
        Assert.Equal("[N, 5, 28, 28]", r.Format(r.Output));
        using var aspp = new DeepLabV2ASPP(32, 5, null, hidden);
        Assert.Equal(DeepLabV2ASPP.ParameterCount(32, 5, 4, hidden), Row(r, "aspp").Params);
        Assert.Equal(Params(aspp), Row(r, "aspp").Params);
        string first = hidden == 0 ? "aspp.c0" : "aspp.branch1";
        Assert.Equal(Params(aspp.Branches[0]), Row(r, first).Params);
        Assert.Equal(aspp.named_children().Select(c => "aspp." + c.name), r.Rows.Where(x => x.Depth == 2).Select(x => x.Path));
        // The largest rate sets the receptive field: 1 + 2 * 24.
        Assert.Equal(49, Row(r, "aspp").ReceptiveField);
    }

    [Fact]
    public void Deeplab_v2_aspp_defaults_to_the_ASPP_L_rates()
    {
        var r = Infer(Network("Head", 8, 32, 32).Stage("aspp", L("ASPPv2", ("numClasses", 21))).Build());
        Assert.True(r.Completed);
        Assert.Contains("rates 6/12/18/24", Row(r, "aspp").Kind);
        Assert.Equal(DeepLabV2ASPP.ParameterCount(8, 21), Row(r, "aspp").Params);
    }

    // ------------------------------------------------------------------ symbolic sizes

    private static DeclarationSpec SymbolicSpeed(int h, int w) => Network("Sym", 8, h, w)
        .Stage("down", L("Conv", ("outChannels", 8), ("Kernel", 3), ("Stride", 2), ("Padding", 1)))
        .Stage("dspp", L("DSPP", ("Filters", 4)))
        .Stage("up", L("MDSPP", ("Filters", 8), ("Bins", new object[] { 1, 3, 5, 7 })))
        .Build();

    [Fact]
    public void Symbolic_pyramid_needs_the_map_at_least_as_large_as_its_largest_bin()
    {
        var r = Infer(SymbolicSpeed(0, 0));
        Assert.True(r.Completed, string.Join("; ", r.Diagnostics));
        // The map is H/2; bin 8 needs H/2 >= 8.
        Assert.Equal(2, r.ModulusH);
        Assert.Contains("H must be at least 16", r.Constraints);
        Assert.Contains("W must be at least 16", r.Constraints);
        Assert.Equal("[N, 32, H/2, W/2]", r.Format(r.Output));
        Assert.Null(r.TotalMacs);
        Assert.NotEmpty(r.PyramidMacTerms);
        Assert.Equal("bin 2: AvgPool2d(H/2 // 2 x W/2 // 2) → grid of size // window cells → SeparableConv2d(8→4, k=3) → bilinear H/2xW/2",
                     Row(r, "dspp.convs.0").Kind);
        Assert.Null(Row(r, "dspp.convs.0").Macs);

        // One size below: the same network with a fixed 14x20 input is rejected by NDSL0043.
        var small = Infer(SymbolicSpeed(14, 20));
        Assert.Equal("NDSL0043", Assert.Single(small.Diagnostics).Id);
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(30, 18)]
    [InlineData(46, 64)]
    [InlineData(90, 34)]
    public void Symbolic_multiply_adds_at_a_size_equal_the_fixed_size_inference(int h, int w)
    {
        var symbolic = Infer(SymbolicSpeed(0, 0));
        var fixedSize = Infer(SymbolicSpeed(h, w));
        Assert.True(fixedSize.Completed, string.Join("; ", fixedSize.Diagnostics.Where(d => d.IsError)));
        long th = h / symbolic.ModulusH, tw = w / symbolic.ModulusW;
        long total = symbolic.MacTerms.Sum(m => m.PerPixel * m.Height.At(th) * m.Width.At(tw)) + symbolic.PyramidMacTerms.Sum(m => m.At(th, tw));
        Assert.Equal(fixedSize.TotalMacs, total);
        Assert.Equal(fixedSize.TotalParams, symbolic.TotalParams);
    }

    [Fact]
    public void Symbolic_spp_needs_the_map_at_least_as_large_as_its_largest_level()
    {
        var r = Infer(Network("Spp", 3, 0, 0)
            .Stage("conv", L("Conv", ("outChannels", 4), ("Kernel", 3), ("Stride", 2), ("Padding", 1)))
            .Stage("spp", L("SPP", ("bins", new object[] { 4, 2, 1 })))
            .Build());
        Assert.True(r.Completed);
        // The conv gives floor((H - 1) / 2) + 1 rows, which level 4 needs at least 4 of: H >= 7 (any H, not only even ones).
        Assert.Contains("H must be at least 7", r.Constraints);
        Assert.DoesNotContain(r.Constraints, c => c.Contains("multiple"));
        Assert.Equal(4 * 21, r.Output.Channels);
    }

    // ------------------------------------------------------------------ generated, compiled, loaded and run

    private const string EndToEndSource = """
        using NetDsl;

        namespace PyramidEndToEnd
        {
            [Block]
            public partial class SpeedStep
            {
                [Param] int filters;

                [SeparableConv("in_channels * 2", Stride = 2, Padding = 1, Bias = false)] Stage down;
                [DSPP(Filters = "in_channels / 4", Bins = new[] { 2, 4 })] Stage dspp;
                [MDSPP(Filters = "filters")] Stage mdspp;
            }

            [Network(InChannels = 8)]
            public partial class PyramidNet
            {
                [Use(typeof(SpeedStep), 8)] Stage step;
                [ASPPv2(3, 1, 2, Hidden = 4)] Stage aspp;
                [SeparableConv(2, Kernel = 3, Dilation = 2)] Stage head;
            }
        }
        """;

    [Fact]
    public void Generated_pyramid_network_compiles_and_runs_with_its_compile_time_shapes_parameters_and_multiply_adds()
    {
        var result = GeneratorHarness.Run(EndToEndSource);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        using var stream = new MemoryStream();
        var emit = result.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));

        var context = new RuntimeLoadContext();
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(stream.ToArray()));
            var type = assembly.GetType("PyramidEndToEnd.PyramidNet")!;
            var summary = (NetworkSummary)type.GetProperty("Summary", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            // 8 -> separable 16 at H/2 -> DSPP 16 + 2 * (16 / 4) = 24 -> MDSPP(8) 8 + 24 = 32 -> ASPPv2 3 -> head 2.
            Assert.Equal("[N, 2, H/2, W/2]", summary.Output);
            Assert.Contains("H must be at least 16", summary.Constraints); // MDSPP's bin 8 on the H/2 map
            Assert.Null(summary.TotalMacs);

            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
            net.eval();
            Assert.Equal(summary.TotalParams, Params(net));
            var modules = net.named_modules().ToDictionary(m => m.name, m => m.module);
            foreach (var row in summary.Rows.Where(x => modules.ContainsKey(x.Path)))
                Assert.True(row.Params == Params(modules[row.Path]), $"{row.Path}: {row.Params} vs {Params(modules[row.Path])}");
            Assert.Contains("step.mdspp.upconv_2_even.pointwise.weight", net.state_dict().Keys);
            Assert.Contains("aspp.branch2.4.bias", net.state_dict().Keys);

            // Sizes where every bin divides the map and sizes where some do not (grids finer than the bin).
            var count = MacCounter(net);
            foreach (var (h, w) in new[] { (16, 16), (18, 22), (34, 30), (48, 64) })
            {
                using var x = randn(2, 8, h, w);
                var (shape, macs) = count(x);
                Assert.Equal(new long[] { 2, 2, h / 2, w / 2 }, shape);
                Assert.Equal(macs, summary.MacsAt(h, w));
            }
            using var bad = randn(1, 8, 14, 16);
            Assert.Throws<ArgumentException>(() => net.call(bad));
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>
    /// Hooks every Conv2d of <paramref name="net"/> (the network has no other multiply-add layers) once; the returned
    /// function runs a forward and gives the output shape and the multiply-adds counted from each weight's shape and the
    /// real output size.
    /// </summary>
    private static Func<Tensor, (long[] Shape, long Macs)> MacCounter(nn.Module<Tensor, Tensor> net)
    {
        long macs = 0;
        foreach (var (_, module) in net.named_modules())
        {
            if (module is Modules.Conv2d conv)
                conv.register_forward_hook((m, i, output) =>
                {
                    var w = conv.weight!.shape; // (out, in / groups, kh, kw)
                    macs += output.numel() / output.shape[0] * w[1] * w[2] * w[3];
                    return output;
                });
            else
                Assert.False(module is Modules.Linear or Modules.ConvTranspose2d, "a layer the counter does not hook");
        }
        return input =>
        {
            macs = 0;
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var y = net.call(input);
            return (y.shape, macs);
        };
    }

    /// <summary>Shares TorchSharp and the runtime with the test process, so the loaded network's types are ours.</summary>
    private sealed class RuntimeLoadContext : AssemblyLoadContext
    {
        public RuntimeLoadContext() : base("PyramidStageTests", isCollectible: true) { }

        protected override Assembly? Load(AssemblyName name) =>
            name.Name is "TorchSharp" or "NetDsl.Runtime" ? Default.LoadFromAssemblyName(name) : null;
    }
}

/// <summary>The findings the pyramid samples silence on purpose are really there.</summary>
public class PyramidSampleDiagnosticsTests
{
    [Fact]
    public void DeepLabV2_conv5_is_a_gridding_stack_and_the_sample_silences_it()
    {
        var result = GeneratorHarness.Run(GeneratorHarness.SampleSource("DeepLabV2.cs"));
        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("NDSL0031", d.Id);
        Assert.True(d.IsSuppressed);
        Assert.StartsWith("DeepLabV2Vgg16.conv5: the stacked dilations (2, 2, 2)", d.GetMessage());
    }

    [Fact]
    public void SpeedDepth_pyramids_on_12x16_have_uneven_grids_and_the_sample_silences_them()
    {
        var result = GeneratorHarness.Run(GeneratorHarness.SampleSource("SpeedDepth.cs"));
        Assert.All(result.GeneratorDiagnostics, d => Assert.True(d.Id == "NDSL0044" && d.IsSuppressed, d.ToString()));
        Assert.Equal(new[] { "SpeedDepth.dspp", "SpeedDepth.up2" }, result.GeneratorDiagnostics.Select(d => d.GetMessage().Split(':')[0]).OrderBy(s => s));
        Assert.All(result.GeneratorDiagnostics, d => Assert.Contains("(bin 6: 6x8, bin 8: 12x8)", d.GetMessage()));
    }
}

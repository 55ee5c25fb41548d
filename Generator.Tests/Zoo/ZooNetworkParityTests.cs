using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;
using Z = NetDsl.Generator.Tests.Infrastructure.ZooFixtures;

namespace NetDsl.Generator.Tests.Zoo;

/// <summary>
/// The zoo's networks declared in NetDsl (Samples/Networks) against the references (tools/make_zoo_fixtures.py, Debian's
/// torchvision 0.14): compile-time parameters = TorchSharp's = the reference's, the same state_dict keys and shapes in
/// PyTorch's order, and, with the same weights loaded by key, the logits and the classifier's input to 1e-4 (float64,
/// which also moves every parameter, layer_scale included, with to(float64)).
/// </summary>
public class ZooNetworkParityTests
{
    public static TheoryData<string> Networks => new() { "convnext_tiny", "googlenet", "efficientnet_b0", "mobilenet_v2", "densenet121", "resnet18" };

    private static (nn.Module Net, long CompileTimeParams, string Classifier) Build(string name) => name switch
    {
        "convnext_tiny" => (new ConvNeXtTiny(), ConvNeXtTiny.Summary.TotalParams, "classifier.2"),
        "convnext_small" => (new ConvNeXtSmall(), ConvNeXtSmall.Summary.TotalParams, "classifier.2"),
        "convnext_base" => (new ConvNeXtBase(), ConvNeXtBase.Summary.TotalParams, "classifier.2"),
        "googlenet" => (new GoogLeNet(), GoogLeNet.Summary.TotalParams, "fc"),
        "efficientnet_b0" => (new EfficientNetB0(), EfficientNetB0.Summary.TotalParams, "classifier.1"),
        "mobilenet_v2" => (new MobileNetV2(), MobileNetV2.Summary.TotalParams, "classifier.1"),
        "densenet121" => (new DenseNet121(), DenseNet121.Summary.TotalParams, "classifier"),
        "densenet169" => (new DenseNet169(), DenseNet169.Summary.TotalParams, "classifier"),
        "densenet201" => (new DenseNet201(), DenseNet201.Summary.TotalParams, "classifier"),
        "resnet18" => (new ResNet18(), ResNet18.Summary.TotalParams, "fc"),
        "resnet34" => (new ResNet34(), ResNet34.Summary.TotalParams, "fc"),
        "resnet101" => (new ResNet101(), ResNet101.Summary.TotalParams, "fc"),
        "resnet152" => (new ResNet152(), ResNet152.Summary.TotalParams, "fc"),
        _ => throw new ArgumentException(name),
    };

    /// <summary>The networks with a listing only (no output fixture).</summary>
    public static TheoryData<string> ListedNetworks => new() { "convnext_tiny", "convnext_small", "convnext_base", "googlenet", "efficientnet_b0", "mobilenet_v2", "densenet121", "densenet169", "densenet201", "resnet18", "resnet34", "resnet101", "resnet152" };

    [Theory]
    [MemberData(nameof(ListedNetworks))]
    public void Declared_network_has_the_references_parameters_and_keys(string name)
    {
        var (net, compileTime, _) = Build(name);
        using var _ = net;
        var listing = Z.LoadListing(name);
        long torchSharp = net.parameters().Sum(p => p.numel());
        Assert.Equal(listing.TotalParams, torchSharp);
        Assert.Equal(listing.TotalParams, compileTime);
        Z.AssertStateDict(listing.Entries, net, name);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Declared_network_computes_the_references_logits(string name)
    {
        var (net, _, classifier) = Build(name);
        using var _ = net;
        var root = Z.Output(name);
        net.to(ScalarType.Float64);
        var filled = Z.LoadWeights(net, root);
        Assert.Equal(root.GetProperty("weights").GetArrayLength(), filled.Count);
        net.eval();
        var c = root.GetProperty("cases")[0];
        Assert.Equal(classifier, c.GetProperty("classifier").GetString());
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double[]? features = null;
        var head = (nn.Module<Tensor, Tensor>)net.named_modules().Single(m => m.name == classifier).module;
        head.register_forward_hook((_, input, output) =>
        {
            features = input.contiguous().flatten().data<double>().ToArray();
            return output;
        });
        var y = ((nn.Module<Tensor, Tensor>)net).call(Z.Input(root, c, ScalarType.Float64));
        Assert.Equal(W.Shape(c.GetProperty("shape")), y.shape);
        W.AssertClose(W.Values(c.GetProperty("logits")), y, 1e-4 * Z.Scale(c), name + " logits");
        var expected = W.Values(c.GetProperty("features"));
        double rms = Math.Sqrt(expected.Sum(v => v * v) / expected.Length);
        Assert.NotNull(features);
        W.AssertClose(expected, torch.tensor(features!), 1e-4 * Math.Max(1, rms), name + " classifier input");
    }
}

/// <summary>A network's [Param]s are constructor parameters: the summary is for the defaults, other values are built as
/// asked and checked first.</summary>
public class NetworkParameterTests
{
    [Fact]
    public void ResNet50_with_10_classes_has_torchvisions_keys_and_parameters()
    {
        using var net = new ResNet50(num_classes: 10);
        var listing = Z.LoadListing("resnet50_10");
        Assert.Equal(listing.TotalParams, net.parameters().Sum(p => p.numel()));
        Z.AssertStateDict(listing.Entries, net, "ResNet50(num_classes: 10)");
        // The compile-time summary stays the defaults' (1000 classes).
        Assert.Equal(25_557_032, ResNet50.Summary.TotalParams);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        net.eval();
        Assert.Equal(new long[] { 2, 10 }, net.call(randn(2, 3, 224, 224)).shape);
    }

    [Fact]
    public void ConvNeXt_depths_and_widths_are_constructor_parameters_built_by_the_blocks_loops()
    {
        // ConvNeXt-S's depths and ConvNeXt-B's widths given to ConvNeXtTiny at run time: torchvision's keys and counts.
        foreach (var (name, net) in new (string, nn.Module)[] { ("convnext_small", new ConvNeXtTiny(d3: 27, stochastic_depth_prob: 0.4)), ("convnext_base", new ConvNeXtTiny(width: 128, d3: 27)) })
        {
            using var _ = net;
            var listing = Z.LoadListing(name);
            Assert.Equal(listing.TotalParams, net.parameters().Sum(p => p.numel()));
            Z.AssertStateDict(listing.Entries, net, name + " from ConvNeXtTiny's constructor");
        }
        // The variants' summaries are exact for their own values; the stochastic depth of the last block is torchvision's.
        Assert.Equal(50_223_688, ConvNeXtSmall.Summary.TotalParams);
        Assert.Equal(88_591_464, ConvNeXtBase.Summary.TotalParams);
        using var small = new ConvNeXtSmall();
        var last = (NetDsl.Regularization.StochasticDepth)small.named_modules().Single(m => m.name == "features.7.2.stochastic_depth").module;
        Assert.Equal(0.4, last.P, 12);
    }

    [Fact]
    public void A_depth_below_1_is_an_argument_exception_naming_the_stage()
    {
        var e = Assert.Throws<ArgumentException>(() => new ConvNeXtTiny(d3: 0));
        Assert.Contains("stage 'stage3' needs Repeat = d3 to be at least 1, got 0", e.Message);
    }

    [Fact]
    public void The_resnet_variants_share_one_body_and_fix_its_block_and_depths()
    {
        // ResNet-18 .. 152 are [Network(Like = typeof(ResNet50))]: the body's stages, their own block and layers.
        Assert.Equal("ResNet18(block=BasicBlock, layers1=2, layers2=2, layers3=2, layers4=2)", new ResNet18().ToString());
        Assert.Equal("ResNet152(block=Bottleneck, layers1=3, layers2=8, layers3=36, layers4=3)", new ResNet152().ToString());
        // The fixed values are not constructor parameters; num_classes is.
        var ctor = typeof(ResNet101).GetConstructors().Single();
        Assert.Equal(new[] { "num_classes" }, ctor.GetParameters().Select(p => p.Name));
        using var net = new ResNet101(num_classes: 10);
        Assert.Equal(ResNet101.Summary.TotalParams - (2048 * 1000 + 1000) + (2048 * 10 + 10), net.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_class_count_below_1_is_an_argument_exception_naming_the_parameter_and_stage(int classes)
    {
        var e = Assert.Throws<ArgumentException>(() => new ResNet50(num_classes: classes));
        Assert.Equal("num_classes", e.ParamName);
        Assert.Contains($"ResNet50(num_classes: {classes}): stage 'fc' needs Linear's outFeatures = num_classes to be at least 1, got {classes}", e.Message);
    }
}

/// <summary>The runtime summary's multiply-adds at a size: exact where they fit 64 bits, an exception where not.</summary>
public class SummaryCountTests
{
    [Fact]
    public void MacsAt_a_size_whose_count_leaves_64_bits_is_an_exception_not_a_wrapped_number()
    {
        Assert.True(ConvNeXtTiny.Summary.MacsAt(224, 224) > 0);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ConvNeXtTiny.Summary.MacsAt(3_200_000_000, 3_200_000_000));
        Assert.Contains("do not fit a 64-bit count", e.Message);
    }
}

/// <summary>Arguments that depend on the copy's index: stochastic depth grows with the block's place in the network as
/// torchvision computes it (<c>stochastic_depth_prob * stage_block_id / total</c>).</summary>
public class CopyIndexTests
{
    private static double[] Probabilities(nn.Module net) => net.named_modules()
        .Where(m => m.module is NetDsl.Regularization.StochasticDepth)
        .Select(m => ((NetDsl.Regularization.StochasticDepth)m.module).P).ToArray();

    [Fact]
    public void ConvNeXt_tiny_stochastic_depth_is_torchvisions_per_block()
    {
        using var net = new ConvNeXtTiny();
        var expected = Enumerable.Range(0, 18).Select(block => 0.1 * block / (18 - 1.0)).ToArray();
        Assert.Equal(expected, Probabilities(net), new ToleranceComparer(1e-15));
    }

    [Fact]
    public void EfficientNet_b0_stochastic_depth_is_torchvisions_per_block_with_a_residual()
    {
        using var net = new EfficientNetB0();
        // torchvision gives every MBConv its probability; only the blocks with a residual use it (use_res_connect).
        int[] residual = { 2, 4, 6, 7, 9, 10, 12, 13, 14 };
        var expected = residual.Select(block => 0.2 * block / 16).ToArray();
        Assert.Equal(expected, Probabilities(net), new ToleranceComparer(1e-15));
    }

    private sealed class ToleranceComparer : IEqualityComparer<double>
    {
        private readonly double _tolerance;
        public ToleranceComparer(double tolerance) => _tolerance = tolerance;
        public bool Equals(double a, double b) => Math.Abs(a - b) <= _tolerance;
        public int GetHashCode(double value) => 0;
    }
}

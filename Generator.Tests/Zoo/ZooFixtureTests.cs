using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using NetDsl.Generator.Tests.Infrastructure;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;
using Z = NetDsl.Generator.Tests.Infrastructure.ZooFixtures;

namespace NetDsl.Generator.Tests.Zoo;

/// <summary>
/// The model-zoo fixtures (tools/make_zoo_fixtures.py, tools/wtconvnext_port.py) load, are complete and agree with
/// each other and with the reference counts (zoo.md, wavelets.md); and one of them, ResNet-50 at 224x224, runs end to
/// end through the existing generated <see cref="ResNet50"/> sample, which checks the recipe, the BatchNorm calibration
/// and the input as the future samples will use them.
/// </summary>
public class ZooFixtureTests
{
    /// <summary>The listings the issue asks for: torchvision's builders, resnet50(num_classes=10), WTConvNeXt-T/S/B.</summary>
    private static readonly string[] ExpectedListings =
    {
        "convnext_base", "convnext_small", "convnext_tiny", "densenet121", "densenet169", "densenet201", "efficientnet_b0",
        "googlenet", "mobilenet_v2", "resnet101", "resnet152", "resnet18", "resnet34", "resnet50", "resnet50_10",
        "wtconvnext_base", "wtconvnext_small", "wtconvnext_tiny",
    };

    private static readonly string[] ExpectedOutputs =
    {
        "convnext_tiny", "densenet121", "efficientnet_b0", "googlenet", "mobilenet_v2", "resnet18", "resnet50", "resnet50_10",
        "wtconvnext_tiny",
    };

    public static TheoryData<string> Listings => new(ExpectedListings);

    public static TheoryData<string> Outputs => new(ExpectedOutputs);

    [Fact]
    public void The_directory_holds_exactly_the_expected_fixtures()
    {
        Assert.Equal(ExpectedListings.OrderBy(n => n, StringComparer.Ordinal), Z.ListingNames());
        Assert.Equal(ExpectedOutputs.OrderBy(n => n, StringComparer.Ordinal), Z.OutputNames());
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public void Listing_loads_and_its_entries_add_up_to_the_header_count(string name)
    {
        var listing = Z.LoadListing(name);
        Assert.NotEmpty(listing.Entries);
        Assert.Equal(listing.TotalParams, listing.CountedParams);
        Assert.Equal(listing.Entries.Count, listing.Entries.Select(e => e.Key).Distinct().Count());
        // WTConvNeXt's header splits the count: the fixed wavelet filters are Parameters (counted) without gradients.
        if (listing.HeaderCount("fixed") is { } fixedCount)
        {
            Assert.Equal(fixedCount, listing.Entries.Where(e => e.Kind == "fixed").Sum(e => e.Numel));
            Assert.Equal(listing.TotalParams - fixedCount, listing.HeaderCount("trainable"));
        }
        else
        {
            Assert.DoesNotContain(listing.Entries, e => e.Kind == "fixed");
        }
        Assert.Contains("torch 1.13", listing.Header);
    }

    [Theory]
    [InlineData("convnext_tiny", 28_589_128L)]
    [InlineData("efficientnet_b0", 5_288_548L)]
    [InlineData("densenet121", 7_978_856L)]
    [InlineData("mobilenet_v2", 3_504_872L)]
    [InlineData("googlenet", 6_624_904L)]
    [InlineData("resnet18", 11_689_512L)]
    [InlineData("resnet50", 25_557_032L)]
    [InlineData("wtconvnext_tiny", 30_595_624L)]
    public void Listing_has_the_reference_parameter_count(string name, long published) =>
        Assert.Equal(published, Z.LoadListing(name).TotalParams); // zoo.md's table; wavelets.md for WTConvNeXt-T

    [Fact]
    public void The_zoo_resnet50_listing_is_make_fixtures_resnet50_listing()
    {
        var zoo = Z.LoadListing("resnet50");
        var older = System.IO.File.ReadAllLines(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "resnet50_state_dict.tsv")).Skip(1);
        Assert.Equal(older, zoo.Entries.Select(e => e.Line));
        // resnet50(num_classes=10): the same keys, only fc shrinks.
        var ten = Z.LoadListing("resnet50_10");
        Assert.Equal(zoo.Entries.Select(e => e.Key), ten.Entries.Select(e => e.Key));
        Assert.Equal(new long[] { 10, 2048 }, ten.Entries.Single(e => e.Key == "fc.weight").Shape);
        Assert.Equal(zoo.TotalParams - 990 * 2049, ten.TotalParams);
    }

    /// <summary>
    /// WTConvNeXt from ConvNeXt (wavelets.md section 2): per block the 7x7 depthwise conv (49C + C) becomes a WTConv2d with
    /// kernel 5 and L levels (C(25 + 2) + 4LC(25 + 1) trainable, 2 · 4C · 2² fixed Haar filters); the rest is the same. The
    /// port's listing and torchvision's ConvNeXt listing are independent files, so this ties one to the other.
    /// </summary>
    [Theory]
    [InlineData("tiny")]
    [InlineData("small")]
    [InlineData("base")]
    public void WTConvNeXt_is_ConvNeXt_with_WTConv_in_every_block(string variant)
    {
        var wt = Z.LoadListing("wtconvnext_" + variant);
        var convnext = Z.LoadListing("convnext_" + variant);
        var blocks = wt.Entries.Where(e => e.Key.EndsWith(".conv_dw.base_conv.weight", StringComparison.Ordinal)).ToList();
        Assert.Equal(convnext.Entries.Count(e => e.Key.EndsWith(".layer_scale", StringComparison.Ordinal)), blocks.Count);
        long delta = 0, fixedFilters = 0;
        foreach (var block in blocks)
        {
            string prefix = block.Key[..^"base_conv.weight".Length];
            long c = block.Shape[0];
            Assert.Equal(new[] { c, 1L, 5L, 5L }, block.Shape);
            int levels = wt.Entries.Count(e => e.Key.StartsWith(prefix + "wavelet_convs.", StringComparison.Ordinal));
            Assert.Equal(levels, wt.Entries.Count(e => e.Key.StartsWith(prefix + "wavelet_scale.", StringComparison.Ordinal)));
            Assert.InRange(levels, 2, 5);
            delta += 9 * c + 104 * levels * c;
            fixedFilters += 32 * c;
            Assert.Equal(new[] { 4 * c, 1L, 2L, 2L }, wt.Entries.Single(e => e.Key == prefix + "wt_filter").Shape);
            Assert.Equal("fixed", wt.Entries.Single(e => e.Key == prefix + "iwt_filter").Kind);
        }
        Assert.Equal(convnext.TotalParams + delta, wt.TotalParams);
        Assert.Equal(fixedFilters, wt.HeaderCount("fixed"));
        // timm-style keys: stem, downsample on stages 1-3 only, block gamma of shape (C), head.norm and head.fc.
        foreach (var key in new[] { "stem.0.weight", "stem.1.weight", "stages.1.downsample.0.weight", "stages.3.downsample.1.weight",
                                    "stages.0.blocks.0.gamma", "stages.0.blocks.0.norm.weight", "stages.0.blocks.0.mlp.fc1.weight",
                                    "stages.0.blocks.0.mlp.fc2.bias", "head.norm.weight", "head.fc.bias" })
            Assert.Contains(wt.Entries, e => e.Key == key);
        Assert.DoesNotContain(wt.Entries, e => e.Key.StartsWith("stages.0.downsample", StringComparison.Ordinal));
        Assert.Single(wt.Entries.Single(e => e.Key == "stages.0.blocks.0.gamma").Shape);
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Output_fixture_is_consistent_with_its_listing_and_itself(string name)
    {
        var root = Z.Output(name);
        var entries = Z.Entries(root);
        var listing = Z.LoadListing(name);
        Assert.Equal(listing.Entries.Select(e => e.Line), entries.Select(e => e.Line));
        Assert.Equal(listing.TotalParams, root.GetProperty("parameters").GetInt64());

        // The recipe fills every entry but num_batches_tracked and the fixed parameters, in state_dict order.
        var weights = root.GetProperty("weights").EnumerateArray().ToList();
        Assert.Equal(entries.Where(e => e.Kind != "fixed" && !e.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Select(e => e.Key),
                     weights.Select(w => w.GetProperty("key").GetString()));
        foreach (var w in weights.Where(w => w.GetProperty("key").GetString()!.EndsWith("running_var", StringComparison.Ordinal)))
            Assert.True(w.GetProperty("offset").GetDouble() > Math.Abs(w.GetProperty("amp").GetDouble()), $"{name}: {w} can be negative");

        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            var shape = W.Shape(c.GetProperty("shape"));
            var logits = W.Values(c.GetProperty("logits"));
            Assert.Equal(2, shape.Length);
            Assert.Equal(shape[0] * shape[1], logits.Length);
            Assert.Equal(c.GetProperty("sum").GetDouble(), logits.Sum(), 6);
            // 10 significant digits in the file, the script's max and min at full precision
            Assert.True(Math.Abs(c.GetProperty("max").GetDouble() - logits.Max()) <= 1e-9 * Math.Abs(logits.Max()), $"{name}: max");
            Assert.True(Math.Abs(c.GetProperty("min").GetDouble() - logits.Min()) <= 1e-9 * Math.Abs(logits.Min()), $"{name}: min");
            Assert.Equal(Array.IndexOf(logits, logits.Max()), c.GetProperty("argmax").GetInt32());
            Assert.True(logits.Distinct().Count() > logits.Length * 9 / 10, $"{name}: too many equal logits");
            var features = W.Values(c.GetProperty("features"));
            var featureShape = W.Shape(c.GetProperty("features_shape"));
            Assert.Equal(featureShape.Aggregate(1L, (a, d) => a * d), features.LongLength);
            // The classifier's input has the width of its weight's second axis.
            var classifier = entries.Single(e => e.Key == c.GetProperty("classifier").GetString() + ".weight");
            Assert.Equal(classifier.Shape[1], featureShape[^1]);
            Assert.Equal(shape[1], classifier.Shape[0]);
            var checkpoints = c.GetProperty("checkpoints").EnumerateArray().ToList();
            Assert.NotEmpty(checkpoints);
            Assert.All(checkpoints, k => Assert.True(k.GetProperty("sum_of_squares").GetDouble() > 0));
            using var scope = NewDisposeScope();
            var x = Z.Input(root, c, ScalarType.Float64); // checks the recipe against the script's sum and first values
            Assert.Equal(4, x.shape.Length);
        }
    }

    /// <summary>
    /// ResNet-50 at 224x224 through the generated sample: torchvision's keys in PyTorch's order, then the fixture's
    /// weights by key (BatchNorm statistics calibrated by the script), the input by recipe, and the pooled features and
    /// logits compared in float32 (1e-4 times their RMS; TorchSharp's Module.to(dtype) throws on generated modules).
    /// </summary>
    [Fact]
    public void ResNet50_sample_reproduces_the_zoo_fixture_end_to_end()
    {
        var root = Z.Output("resnet50");
        using var net = new ResNet50();
        Z.AssertStateDict(Z.Entries(root), net, "ResNet50");
        var filled = Z.LoadWeights(net, root);
        Assert.Equal(root.GetProperty("weights").GetArrayLength(), filled.Count);
        net.eval();
        var c = root.GetProperty("cases")[0];
        Assert.Equal("fc", c.GetProperty("classifier").GetString());
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = Z.Input(root, c, ScalarType.Float32);
        // The classifier's input, copied out in the hook (the generated forward disposes its intermediates).
        long[]? featureShape = null;
        double[]? features = null;
        var fc = (Modules.Linear)net.named_modules().Single(m => m.name == "fc").module;
        fc.register_forward_hook((_, input, output) =>
        {
            featureShape = input.shape;
            features = input.to_type(ScalarType.Float64).contiguous().flatten().data<double>().ToArray();
            return output;
        });
        var y = net.call(x);
        Assert.Equal(W.Shape(c.GetProperty("shape")), y.shape);
        W.AssertClose(W.Values(c.GetProperty("logits")), y, 1e-4 * Z.Scale(c), "ResNet50 logits (float32)");
        Assert.NotNull(features);
        Assert.Equal(W.Shape(c.GetProperty("features_shape")), featureShape);
        var expected = W.Values(c.GetProperty("features"));
        double rms = Math.Sqrt(expected.Sum(v => v * v) / expected.Length);
        W.AssertClose(expected, torch.tensor(features!), 1e-4 * Math.Max(1, rms), "ResNet50 pooled features (float32)");
    }
}

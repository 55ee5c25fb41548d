using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Pyramids;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>Seed 003's DeepLab v2 (against its own PyTorch code) and SPEED (against its Keras code's layer arithmetic).</summary>
public partial class RuntimeParityTests
{
    // ------------------------------------------------------------------ DeepLab v2 on VGG-16 vs the seed's PyTorch module

    [Fact]
    public void DeepLabV2Vgg16_state_dict_matches_the_seed_003_module_key_for_key_in_order()
    {
        var fixture = Fixture.Load("seed003_deeplabv2_state_dict.tsv");
        using var net = new DeepLabV2Vgg16();

        AssertStateDictMatches(fixture, net);
        Assert.Equal(fixture.TotalParams, net.parameters().Sum(p => p.numel()));
        Assert.Equal(fixture.TotalParams, DeepLabV2Vgg16.Summary.TotalParams);
        // VGG-16's thirteen convolutions (torchvision's vgg16().features: 14,714,688) plus four 512 -> 128 -> 128 -> 21 branches.
        long branch = 512 * 128 * 9 + 128 + 128 * 128 + 128 + 128 * 21 + 21;
        Assert.Equal(14_714_688L + 4 * branch, fixture.TotalParams);
        Assert.Equal(DeepLabV2ASPP.ParameterCount(512, 21, 4, 128), DeepLabV2Vgg16.Summary["ASPP"].Params);
    }

    [Fact]
    public void DeepLabV2Vgg16_shapes_are_the_ones_seed_003_prints()
    {
        // "# Conv1 output shape: torch.Size([4, 64, 224, 224])" ... "# Output shape: torch.Size([4, 21, 28, 28])".
        var printed = new (string Stage, long C, long Size)[]
        {
            ("conv1", 64, 224), ("pool1", 64, 112), ("conv2", 128, 112), ("pool2", 128, 56), ("conv3", 256, 56), ("pool3", 256, 28),
            ("conv4", 512, 28), ("pool4", 512, 28), ("conv5", 512, 28), ("pool5", 512, 28), ("ASPP", 21, 28),
        };
        var summary = DeepLabV2Vgg16.Summary;
        Assert.Equal("[N, 3, 224, 224]", summary.Input);
        foreach (var (stage, c, size) in printed)
            Assert.Equal($"[N, {c}, {size}, {size}]", summary[stage].OutputShape);
        Assert.Equal("[N, 21, 28, 28]", summary.Output);
        Assert.Equal(new[] { "ASPP.branch1", "ASPP.branch2", "ASPP.branch3", "ASPP.branch4" },
                     summary.Rows.Where(r => r.Path.StartsWith("ASPP.", StringComparison.Ordinal)).Select(r => r.Path));
    }

    // ------------------------------------------------------------------ SPEED vs its Keras code

    /// <summary>Largest power of two at most <paramref name="n"/> (the code's <c>HPO2</c>).</summary>
    private static long Hpo2(long n)
    {
        long p = 1;
        while (p * 2 <= n) p *= 2;
        return p;
    }

    /// <summary>
    /// SPEED's trainable parameters counted from its Keras code, layer by layer, with Keras' parameter rules:
    /// DepthwiseConv2D C·9 (no bias), Conv2D k²·C_in·C_out (+ C_out), SeparableConv2D C_in·9 + C_in·C_out (+ C_out),
    /// Conv2DTranspose 9·C_in·C_out, BatchNormalization gamma and beta (its moving statistics are buffers here). The
    /// decoder widths follow the code: the skip <c>conv_dw_N</c> is block N's depthwise output (its input channels), the
    /// separable conv after each concat has HPO2(channels / 4) filters, MDSPP turns C channels into F + C.
    /// </summary>
    private static (long Params, long[] ConcatChannels, long[] SepWidths) SpeedFromKeras()
    {
        static long Bn(long c) => 2 * c;
        static long DepthwiseBlock(long cin, long cout) => cin * 9 + Bn(cin) + cin * cout + Bn(cout);
        static long Separable(long cin, long cout, bool bias) => cin * 9 + cin * cout + (bias ? cout : 0);
        static long Mdspp(long c, long f) => 4 * Separable(c, f / 4, false) + 2 * Separable(2 * (f / 4), f / 2, false);

        // _conv_block(32, s2), then _depthwise_conv_block 1..7, DSPP(filters 128, 4 bins), blocks 12 and 13.
        var blocks = new (long In, long Out)[] { (32, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 512), (512, 512) };
        long total = 3 * 9 * 32 + Bn(32) + blocks.Sum(b => DepthwiseBlock(b.In, b.Out));
        long dsppOut = 512 + 4 * 128;
        total += 4 * Separable(512, 128, true);
        total += DepthwiseBlock(dsppOut, 1024) + DepthwiseBlock(1024, 256);

        // conv_Init_decoder: Conv2D(256, 1) with bias.
        total += 256 * 256 + 256;
        long x = 256;
        long[] skips = { blocks[5].In, blocks[3].In, blocks[1].In }; // conv_dw_6, conv_dw_4, conv_dw_2
        long[] filters = { 128, 64, 32 };                            // decode_filters / 2, / 4, / 8
        var concats = new long[3];
        var widths = new long[3];
        for (int i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                total += Mdspp(x, filters[i]);
                x = 2 * (filters[i] / 2) + x;
            }
            total += 9 * x * filters[i];              // Conv2DTranspose(filters, 3, strides 2, no bias)
            concats[i] = filters[i] + skips[i];
            widths[i] = Hpo2(concats[i] / 4);
            total += Separable(concats[i], widths[i], false);
            x = widths[i];
        }
        total += 9 * x + 1;                           // convDepthF: Conv2D(1, 3) with bias
        return (total, concats, widths);
    }

    [Fact]
    public void SpeedDepth_parameters_are_the_keras_codes_layer_by_layer()
    {
        var (expected, _, _) = SpeedFromKeras();
        using var net = new SpeedDepth();
        Assert.Equal(expected, SpeedDepth.Summary.TotalParams);
        Assert.Equal(expected, net.parameters().Sum(p => p.numel()));
        Assert.Equal(DSPP.ParameterCount(512, 128), SpeedDepth.Summary["dspp"].Params);
        Assert.Equal(MDSPP.ParameterCount(64, 64), SpeedDepth.Summary["up2"].Params);
    }

    [Fact]
    public void SpeedDepth_shapes_follow_the_code_192x256_to_48x64()
    {
        var (_, concats, widths) = SpeedFromKeras();
        var summary = SpeedDepth.Summary;
        Assert.Equal("[N, 3, 192, 256]", summary.Input);
        Assert.Equal("[N, 1, 48, 64]", summary.Output);
        // The encoder's comments: (12, 16, 512) -> DSPP -> (12, 16, 1024); the encoder ends at (6, 8, 256).
        Assert.Equal("[N, 1024, 12, 16]", summary["dspp"].OutputShape);
        Assert.Equal("[N, 256, 6, 8]", summary["conv_pw_13_relu"].OutputShape);
        var sizes = new[] { (12, 16), (24, 32), (48, 64) };
        for (int i = 0; i < 3; i++)
        {
            var (h, w) = sizes[i];
            Assert.Equal($"[N, {concats[i]}, {h}, {w}]", summary[$"up{i + 1}_concat"].OutputShape);
            Assert.Equal($"[N, {widths[i]}, {h}, {w}]", summary[$"up{i + 1}_sep_conv"].OutputShape);
        }
        Assert.Equal(new long[] { 384, 192, 96 }, concats);
        // Each MDSPP gets as many channels as its filters: "(h, w, filters) -> (h, w, filters * 2)".
        Assert.Equal("[N, 64, 12, 16]", summary["up2"].InputShape);
        Assert.Equal("[N, 128, 12, 16]", summary["up2"].OutputShape);
        Assert.Equal("[N, 64, 24, 32]", summary["up3"].OutputShape);
        // The seed's pooled DSPP maps: (2, 2), (4, 4), (6, 8), (12, 8).
        string[] grids = { "2x2", "4x4", "6x8", "12x8" };
        for (int i = 0; i < 4; i++) Assert.Contains($"→ {grids[i]} grid", summary[$"dspp.convs.{i}"].Kind);
    }

    [Fact]
    public void SpeedDepth_state_dict_keys_are_the_keras_layer_names()
    {
        using var net = new SpeedDepth();
        var sd = net.state_dict();
        var expected = new Dictionary<string, long[]>
        {
            ["conv1.weight"] = new long[] { 32, 3, 3, 3 },
            ["conv_dw_6.weight"] = new long[] { 256, 1, 3, 3 },
            ["conv_dw_6_bn.running_var"] = new long[] { 256 },
            ["conv_pw_6.weight"] = new long[] { 512, 256, 1, 1 },
            ["dspp.convs.3.pointwise.bias"] = new long[] { 128 },
            ["conv_Init_decoder.bias"] = new long[] { 256 },
            ["up1_upconv.weight"] = new long[] { 256, 128, 3, 3 },
            ["up1_sep_conv.depthwise.weight"] = new long[] { 384, 1, 3, 3 },
            ["up2.upconv_1.0.depthwise.weight"] = new long[] { 64, 1, 3, 3 },
            ["up2.upconv_2_odd.pointwise.weight"] = new long[] { 32, 32, 1, 1 },
            ["up3_upconv_final.weight"] = new long[] { 64, 32, 3, 3 },
            ["convDepthF.weight"] = new long[] { 1, 16, 3, 3 },
        };
        foreach (var (key, shape) in expected)
        {
            Assert.True(sd.ContainsKey(key), key);
            Assert.Equal(shape, sd[key].shape);
        }
        // use_bias=False in the decoder's separable and transposed convolutions.
        Assert.DoesNotContain(sd.Keys, k => k.StartsWith("up", StringComparison.Ordinal) && k.EndsWith(".bias", StringComparison.Ordinal));
    }
}

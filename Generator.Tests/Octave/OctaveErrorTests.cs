using System;
using NetDsl.Octave;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Octave;

/// <summary>
/// Argument and shape errors of the octave modules: clear <see cref="ArgumentException"/>s that name the module and,
/// for inputs, the expected and the actual shapes.
/// </summary>
public class OctaveErrorTests
{
    private static string Throws(Action action) => Assert.Throws<ArgumentException>(action).Message;

    [Theory]
    [InlineData(-0.1, 0.5, "alpha_in")]
    [InlineData(1.5, 0.5, "alpha_in")]
    [InlineData(double.NaN, 0.5, "alpha_in")]
    [InlineData(0.5, -1e-9, "alpha_out")]
    [InlineData(0.5, 1.0000001, "alpha_out")]
    public void Alpha_outside_0_1_is_rejected(double aIn, double aOut, string name)
    {
        var e = Assert.Throws<ArgumentException>(() => new OctaveConv2d(8, 8, 3, aIn, aOut, padding: 1));
        Assert.StartsWith("OctaveConv2d:", e.Message);
        Assert.Contains($"{name} must be in [0, 1]", e.Message);
        Assert.Equal(name, e.ParamName);
        Assert.Contains("alpha must be in [0, 1]", Throws(() => new OctaveBatchNorm2d(8, 1.5)));
        Assert.Contains("OctaveConv2d", Throws(() => new OctaveConvBnAct(8, 8, 3, aIn, aOut, padding: 1)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    public void Stride_other_than_1_or_2_is_rejected(long stride)
    {
        var message = Throws(() => new OctaveConv2d(8, 8, 3, stride: stride, padding: 1));
        Assert.Contains($"stride must be 1 or 2", message);
        Assert.Contains($"got {stride}", message);
    }

    [Fact]
    public void Groups_that_do_not_divide_a_convolution_are_rejected()
    {
        var message = Throws(() => new OctaveConv2d(8, 8, 3, padding: 1, groups: 3));
        Assert.StartsWith("OctaveConv2d: groups = 3", message);
        Assert.Contains("conv_l2h", message);                  // ceil(.5·3) = 2 groups do divide 4; the cross conv's 3 do not
        Assert.Contains("in_channels 8 → high 4 / low 4", message);
        // Depthwise C = 10, a = .25: the depthwise convs use their own channels (8 and 2), so it builds.
        using var dw = new OctaveConv2d(10, 10, 3, 0.25, 0.25, padding: 1, groups: 10);
        Assert.Equal(new long[] { 2, 1, 3, 3 }, dw.ConvL2L!.weight!.shape);
        Assert.Contains("groups must be at least 1", Throws(() => new OctaveConv2d(8, 8, 3, padding: 1, groups: 0)));
        Assert.Contains("must divide", Throws(() => OctaveConv2d.ParameterCount(8, 6, 3, groups: 4)));
    }

    [Fact]
    public void Depthwise_layers_must_map_each_frequency_to_itself()
    {
        var message = Throws(() => new OctaveConv2d(8, 8, 3, alpha_in: 0, alpha_out: 0.5, padding: 1, groups: 8));
        Assert.Contains("depthwise", message);
        Assert.Contains("out_channels 8 → high 4 / low 4", message);
    }

    [Fact]
    public void Size_changing_padding_with_a_low_branch_is_rejected_but_allowed_without()
    {
        var message = Throws(() => new OctaveConv2d(8, 8, 3, padding: 0));
        Assert.Contains("2·padding = dilation·(kernel_size − 1)", message);
        Assert.Contains("kernel_size 3, padding 0, dilation 1", message);
        Assert.Contains("2·padding", Throws(() => new OctaveConv2d(8, 8, 2, padding: 1)));
        Assert.Contains("2·padding", Throws(() => new OctaveConv2d(8, 8, 3, 0, 0.5, padding: 2)));
        using var plain = new OctaveConv2d(3, 4, 3, 0, 0, padding: 0); // no low branch: any padding
        using var dilated = new OctaveConv2d(8, 8, 3, padding: 2, dilation: 2);
        Assert.Equal(2, dilated.RequiredSizeMultiple);
    }

    [Fact]
    public void Odd_sizes_are_rejected_where_the_low_branch_needs_even_ones()
    {
        using var conv = new OctaveConv2d(8, 8, 3, padding: 1);
        using var scope = NewDisposeScope();
        var message = Throws(() => conv.call(new OctaveTensor(torch.randn(1, 4, 5, 6), torch.randn(1, 4, 2, 3))));
        Assert.StartsWith("OctaveConv2d:", message);
        Assert.Contains("expected high (N, 4, H, W) with H and W positive and divisible by 2", message);
        Assert.Contains("got high [1, 4, 5, 6], low [1, 4, 2, 3]", message);

        // A first layer with a low output needs even sizes too.
        using var first = new OctaveConv2d(3, 8, 3, 0, 0.5, padding: 1);
        Assert.Contains("got high [1, 3, 6, 7], no low", Throws(() => first.call(torch.randn(1, 3, 6, 7))));
    }

    [Fact]
    public void Stride_2_with_a_low_output_needs_multiples_of_4_but_a_last_layer_only_2()
    {
        using var middle = new OctaveConv2d(8, 8, 3, stride: 2, padding: 1);
        Assert.Equal(4, middle.RequiredSizeMultiple);
        using var scope = NewDisposeScope();
        var message = Throws(() => middle.call(new OctaveTensor(torch.randn(1, 4, 6, 8), torch.randn(1, 4, 3, 4))));
        Assert.Contains("divisible by 4 (stride 2 with a low-frequency output pools the high-frequency map twice)", message);
        Assert.Contains("got high [1, 4, 6, 8], low [1, 4, 3, 4]", message);

        using var last = new OctaveConv2d(8, 8, 3, 0.5, 0, stride: 2, padding: 1);
        Assert.Equal(2, last.RequiredSizeMultiple);
        var y = last.call(new OctaveTensor(torch.randn(1, 4, 6, 10), torch.randn(1, 4, 3, 5)));
        Assert.Equal(new long[] { 1, 8, 3, 5 }, y.High.shape);
        Assert.Null(y.Low);
    }

    [Fact]
    public void Low_map_must_be_exactly_half_the_high_map()
    {
        using var conv = new OctaveConv2d(8, 8, 3, padding: 1);
        using var scope = NewDisposeScope();
        var message = Throws(() => conv.call(new OctaveTensor(torch.randn(2, 4, 4, 6), torch.randn(2, 4, 2, 2))));
        Assert.Contains("expected low [2, 4, 2, 3], got high [2, 4, 4, 6], low [2, 4, 2, 2]", message);
    }

    [Fact]
    public void Wrong_channels_missing_or_unexpected_low_parts_name_both_shapes()
    {
        using var conv = new OctaveConv2d(10, 8, 3, 0.25, 0.5, padding: 1);
        using var scope = NewDisposeScope();
        var plain = Throws(() => conv.call(torch.randn(1, 10, 4, 6)));
        Assert.Contains("expected high (N, 8, H, W), low (N, 2, H/2, W/2)", plain);
        Assert.Contains("got high [1, 10, 4, 6], no low", plain);
        Assert.Contains("only the input of a first layer (alpha_in = 0)", plain);

        var missing = Throws(() => conv.call(torch.randn(1, 8, 4, 6)));
        Assert.Contains("got high [1, 8, 4, 6], no low", missing);

        var lowChannels = Throws(() => conv.call(new OctaveTensor(torch.randn(1, 8, 4, 6), torch.randn(1, 3, 2, 3))));
        Assert.Contains("low (N, 2, H/2, W/2)", lowChannels);
        Assert.Contains("low [1, 3, 2, 3]", lowChannels);

        var batch = Throws(() => conv.call(new OctaveTensor(torch.randn(2, 8, 4, 6), torch.randn(1, 2, 2, 3))));
        Assert.Contains("got high [2, 8, 4, 6], low [1, 2, 2, 3]", batch);

        using var first = new OctaveConv2d(3, 8, 3, 0, 0.5, padding: 1);
        var unexpected = Throws(() => first.call(new OctaveTensor(torch.randn(1, 3, 4, 6), torch.randn(1, 2, 2, 3))));
        Assert.Contains("takes no low-frequency input", unexpected);
        Assert.Contains("expected high (N, 3, H, W), no low part", unexpected);

        Assert.Contains("rank 3", Throws(() => first.call(torch.randn(3, 4, 6))));
        Assert.Contains("floating-point", Throws(() => first.call(torch.ones(1, 3, 4, 6, ScalarType.Int64))));
        Assert.Contains("default OctaveTensor", Throws(() => first.call(default(OctaveTensor))));
        Assert.Contains("same dtype", Throws(() => conv.call(new OctaveTensor(torch.randn(1, 8, 4, 6),
                                                                                 torch.randn(new long[] { 1, 2, 2, 3 }, ScalarType.Float64)))));
        Assert.Throws<ArgumentNullException>(() => new OctaveTensor(null!, null));
    }

    [Fact]
    public void Too_small_inputs_are_rejected_before_the_native_call()
    {
        using var plain = new OctaveConv2d(3, 4, 5, 0, 0, padding: 0);
        using var scope = NewDisposeScope();
        var message = Throws(() => plain.call(torch.randn(1, 3, 3, 8)));
        Assert.Contains("too small for a 5x5 kernel", message);
        Assert.Contains("got high [1, 3, 3, 8], no low", message);
        using var strided = new OctaveConv2d(3, 4, 1, 0, 0, stride: 2);
        Assert.Contains("too small", Throws(() => strided.call(torch.randn(1, 3, 1, 4))));
        Assert.Equal(new long[] { 1, 4, 1, 2 }, strided.call(torch.randn(1, 3, 3, 5)).High.shape); // floor(3/2), floor(5/2)
    }

    [Fact]
    public void Batch_norm_checks_its_split()
    {
        using var bn = new OctaveBatchNorm2d(10, 0.25);
        using var scope = NewDisposeScope();
        var message = Throws(() => bn.call(new OctaveTensor(torch.randn(1, 7, 4, 4), torch.randn(1, 3, 2, 2))));
        Assert.StartsWith("OctaveBatchNorm2d:", message);
        Assert.Contains("expected high (N, 8, H, W), low (N, 2, H/2, W/2) (channels 10, alpha 0.25)", message);
        Assert.Contains("got high [1, 7, 4, 4], low [1, 3, 2, 2]", message);
        Assert.Contains("no low part", Throws(() => new OctaveBatchNorm2d(4, 0).call(new OctaveTensor(torch.randn(1, 4, 2, 2), torch.randn(1, 1, 1, 1)))));
        Assert.Contains("channels must be at least 1", Throws(() => new OctaveBatchNorm2d(0, 0.5)));
    }

    [Fact]
    public void Ending_the_octave_part_with_a_low_part_left_is_an_invalid_operation()
    {
        using var scope = NewDisposeScope();
        var pair = new OctaveTensor(torch.randn(1, 4, 4, 4), torch.randn(1, 4, 2, 2));
        var message = Assert.Throws<InvalidOperationException>(() => pair.ToTensor()).Message;
        Assert.Contains("high [1, 4, 4, 4], low [1, 4, 2, 2]", message);
        Assert.Same(pair.High, new OctaveTensor(pair.High).ToTensor());
        Assert.Equal("OctaveTensor(high [1, 4, 4, 4], low [1, 4, 2, 2])", pair.ToString());
        Assert.Equal((4L, 4L, 8L, 4L, 4L), (pair.HighChannels, pair.LowChannels, pair.Channels, pair.Height, pair.Width));
    }
}

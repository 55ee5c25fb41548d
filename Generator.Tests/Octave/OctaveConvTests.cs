using System;
using System.Linq;
using NetDsl.Octave;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Generator.Tests.Octave;

/// <summary>
/// <see cref="OctaveConv2d"/> against facts that do not need PyTorch: the channel split int(α·C), the plain
/// convolution's parameter count, the multiply-add ratio 1 − 1.5α + 0.75α² (octave.md, [V-calc]), the forward formulas
/// written out with functional ops, and the argument and shape errors.
/// </summary>
public class OctaveConvTests
{
    // ------------------------------------------------------------------ channel split

    [Theory]
    [InlineData(10, 0.25, 8, 2)]
    [InlineData(10, 0.75, 3, 7)]     // int(7.5) = 7
    [InlineData(3, 0.25, 3, 0)]      // int(0.75) = 0: no low part at all
    [InlineData(64, 0.125, 56, 8)]
    [InlineData(7, 0.5, 4, 3)]
    [InlineData(100, 0.29, 72, 28)]  // 0.29·100 is 28.999999999999996 in double; Python's int() also gives 28
    [InlineData(16, 0.0, 16, 0)]
    [InlineData(16, 1.0, 0, 16)]
    public void Channel_split_is_int_alpha_c_low_and_the_rest_high(long channels, double alpha, long high, long low)
    {
        Assert.Equal(low, OctaveConv2d.LowChannels(channels, alpha));
        Assert.Equal(high, OctaveConv2d.HighChannels(channels, alpha));
        using var bn = new OctaveBatchNorm2d(channels, alpha);
        Assert.Equal(high, bn.HighChannels);
        Assert.Equal(low, bn.LowChannels);
        Assert.Equal(high > 0, bn.BnHigh is not null);
        Assert.Equal(low > 0, bn.BnLow is not null);
        if (high > 0) Assert.Equal(new[] { high }, bn.BnHigh!.weight!.shape);
        if (low > 0) Assert.Equal(new[] { low }, bn.BnLow!.running_mean!.shape);
    }

    [Fact]
    public void Awkward_c10_layer_has_consistent_conv_and_batch_norm_sizes()
    {
        using var m = new OctaveConvBnAct(10, 10, 3, alpha_in: 0.25, alpha_out: 0.75, padding: 1);
        var conv = m.Conv;
        Assert.Equal((8L, 2L, 3L, 7L), (conv.InHighChannels, conv.InLowChannels, conv.OutHighChannels, conv.OutLowChannels));
        Assert.Equal(new long[] { 3, 8, 3, 3 }, conv.ConvH2H!.weight!.shape);
        Assert.Equal(new long[] { 7, 8, 3, 3 }, conv.ConvH2L!.weight!.shape);
        Assert.Equal(new long[] { 3, 2, 3, 3 }, conv.ConvL2H!.weight!.shape);
        Assert.Equal(new long[] { 7, 2, 3, 3 }, conv.ConvL2L!.weight!.shape);
        Assert.Equal(new long[] { 3 }, m.BnHigh!.weight!.shape);
        Assert.Equal(new long[] { 7 }, m.BnLow!.weight!.shape);

        m.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var y = m.call(new OctaveTensor(torch.randn(2, 8, 6, 4), torch.randn(2, 2, 3, 2)));
        Assert.Equal(new long[] { 2, 3, 6, 4 }, y.High.shape);
        Assert.Equal(new long[] { 2, 7, 3, 2 }, y.Low!.shape);
        Assert.Equal(10, y.Channels);
        Assert.True(y.High.min().item<float>() >= 0 && y.Low.min().item<float>() >= 0); // ReLU on both
    }

    // ------------------------------------------------------------------ parameters

    [Theory]
    [InlineData(8, 8, 3, 0.5, 0.5)]
    [InlineData(10, 10, 3, 0.25, 0.75)]
    [InlineData(64, 128, 3, 0.125, 0.125)]
    [InlineData(3, 8, 3, 0.0, 0.5)]
    [InlineData(8, 5, 1, 0.5, 0.0)]
    [InlineData(16, 16, 5, 0.75, 0.25)]
    [InlineData(16, 16, 3, 1.0, 1.0)]
    [InlineData(16, 12, 3, 1.0, 0.5)]
    public void Parameters_equal_the_plain_convolution_for_groups_1(long cin, long cout, long k, double aIn, double aOut)
    {
        long plain = cin * cout * k * k;
        using var conv = new OctaveConv2d(cin, cout, k, aIn, aOut, padding: k / 2);
        Assert.Equal(plain, conv.parameters().Sum(p => p.numel()));
        Assert.Equal(plain, OctaveConv2d.ParameterCount(cin, cout, k, aIn, aOut));
    }

    [Fact]
    public void Bias_sits_on_every_convolution_as_in_dli14()
    {
        // 8 -> 8, a = .5: four convs with 4 outputs each, 576 weights + 16 biases (a plain conv would have 8).
        using var conv = new OctaveConv2d(8, 8, 3, padding: 1, bias: true);
        Assert.Equal(576 + 16, conv.parameters().Sum(p => p.numel()));
        Assert.Equal(592, OctaveConv2d.ParameterCount(8, 8, 3, bias: true));
        // First layer 3 -> 8: h2h and h2l only, 216 weights + 8 biases.
        Assert.Equal(224, OctaveConv2d.ParameterCount(3, 8, 3, 0, 0.5, bias: true));
        // Depthwise 8, a = .5: h2h and l2l, each 4 x 1 x 3 x 3 + 4.
        Assert.Equal(2 * (36 + 4), OctaveConv2d.ParameterCount(8, 8, 3, 0.5, 0.5, groups: 8, bias: true));
    }

    [Fact]
    public void Depthwise_keeps_only_the_intra_frequency_convolutions()
    {
        using var dw = new OctaveConv2d(8, 8, 3, padding: 1, groups: 8);
        Assert.True(dw.IsDepthwise);
        Assert.Null(dw.ConvH2L);
        Assert.Null(dw.ConvL2H);
        Assert.Equal(new long[] { 4, 1, 3, 3 }, dw.ConvH2H!.weight!.shape);
        Assert.Equal(new long[] { 4, 1, 3, 3 }, dw.ConvL2L!.weight!.shape);
        Assert.Equal(8 * 9, dw.parameters().Sum(p => p.numel())); // the plain depthwise conv's C·k²

        // groups = 2 (not depthwise): l2l gets ceil(.5·2) = 1 group, h2h ceil(2 − 1) = 1, the cross convs 2.
        using var g2 = new OctaveConv2d(8, 8, 3, padding: 1, groups: 2);
        Assert.False(g2.IsDepthwise);
        Assert.Equal(new long[] { 4, 4, 3, 3 }, g2.ConvL2L!.weight!.shape);
        Assert.Equal(new long[] { 4, 2, 3, 3 }, g2.ConvL2H!.weight!.shape);
        Assert.Equal(new long[] { 4, 2, 3, 3 }, g2.ConvH2L!.weight!.shape);
        Assert.Equal(new long[] { 4, 4, 3, 3 }, g2.ConvH2H!.weight!.shape);

        // A 1-channel groups = 1 first layer is not depthwise here: it keeps h2l.
        using var one = new OctaveConv2d(1, 4, 3, 0, 0.5, padding: 1);
        Assert.False(one.IsDepthwise);
        Assert.NotNull(one.ConvH2L);
    }

    // ------------------------------------------------------------------ multiply-adds

    [Theory]
    [InlineData(0.125, 1)]
    [InlineData(0.25, 1)]
    [InlineData(0.5, 1)]
    [InlineData(0.75, 1)]
    [InlineData(0.125, 2)]
    [InlineData(0.25, 2)]
    [InlineData(0.5, 2)]
    [InlineData(0.75, 2)]
    [InlineData(1.0, 1)]
    [InlineData(0.0, 2)]
    public void Multiply_add_ratio_is_1_minus_1_5a_plus_0_75a2(double a, long stride)
    {
        // C = 64, 3x3, 32x32 (56x56 too): a·C is an integer, so the split is exact. The plain layer is the same conv at
        // the output resolution (d-li14 pools before convolving at stride 2).
        // Stride 1 (octave.md): h2h (1-a)², h2l, l2h and l2l at a quarter of the positions: (1-a)² + (2a(1-a) + a²)/4.
        // Stride 2: l2h runs on the low input without upsampling, i.e. at the output resolution: (1-a)² + a(1-a) +
        // (a(1-a) + a²)/4 = 1 - 0.75a.
        foreach (long size in new long[] { 32, 56 })
        {
            long plain = 64L * 64 * 9 * (size / stride) * (size / stride);
            long octave = OctaveConv2d.MultiplyAdds(64, 64, 3, size, size, a, a, stride, padding: 1);
            double expected = stride == 1 ? 1 - 1.5 * a + 0.75 * a * a : 1 - 0.75 * a;
            Assert.True(Math.Abs((double)octave / plain - expected) < 1e-12,
                        $"a = {a}, stride {stride}, {size}x{size}: ratio {(double)octave / plain}, formula {expected}");
        }
        // octave.md's percentages
        var table = new[] { (0.125, 0.824), (0.25, 0.672), (0.5, 0.438), (0.75, 0.297), (1.0, 0.25) };
        foreach (var (alpha, pct) in table)
            Assert.True(Math.Abs(1 - 1.5 * alpha + 0.75 * alpha * alpha - pct) < 6e-4);
    }

    [Fact]
    public void Multiply_adds_count_each_branch_at_its_resolution()
    {
        // 8 -> 8, a = .5, 3x3, 8x12 at stride 1: h2h at 8x12, the other three at 4x6; 4·4·9 weights each.
        long w = 4 * 4 * 9;
        Assert.Equal(w * 96 + 3 * w * 24, OctaveConv2d.MultiplyAdds(8, 8, 3, 8, 12, padding: 1));
        // Stride 2: h2h and l2h at 4x6, h2l and l2l at 2x3.
        Assert.Equal(2 * w * 24 + 2 * w * 6, OctaveConv2d.MultiplyAdds(8, 8, 3, 8, 12, stride: 2, padding: 1));
        // No low branch, stride 2, odd size: pool to floor(7/2) = 3, 3x3 valid conv -> 1x1.
        Assert.Equal(4L * 3 * 9 * 1 * 1, OctaveConv2d.MultiplyAdds(3, 4, 3, 7, 7, 0, 0, stride: 2));
        using var conv = new OctaveConv2d(8, 8, 3, padding: 1);
        Assert.Equal(OctaveConv2d.MultiplyAdds(8, 8, 3, 8, 12, padding: 1), conv.MultiplyAddsAt(8, 12));
        Assert.Contains("divisible by 2", Assert.Throws<ArgumentException>(() => conv.MultiplyAddsAt(7, 12)).Message);
    }

    // ------------------------------------------------------------------ forward against functional formulas

    [Fact]
    public void Stride_1_forward_is_up_l2h_plus_h2h_and_h2l_of_pooled_plus_l2l()
    {
        using var conv = new OctaveConv2d(6, 4, 3, 0.5, 0.5, padding: 1, bias: true);
        conv.to(ScalarType.Float64);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var xh = torch.randn(new long[] { 2, 3, 6, 4 }, ScalarType.Float64);
        var xl = torch.randn(new long[] { 2, 3, 3, 2 }, ScalarType.Float64);
        var y = conv.call(new OctaveTensor(xh, xl));

        Tensor C(Modules.Conv2d m, Tensor x) => nn.functional.conv2d(x, m.weight!, m.bias, padding: new long[] { 1, 1 });
        Tensor Up(Tensor x) => x.repeat_interleave(2, 2).repeat_interleave(2, 3);       // nearest x2
        Tensor Down(Tensor x) => x.reshape(x.shape[0], x.shape[1], x.shape[2] / 2, 2, x.shape[3] / 2, 2).mean(new long[] { 3, 5 }); // 2x2 mean
        var expectedHigh = C(conv.ConvH2H!, xh) + Up(C(conv.ConvL2H!, xl));
        var expectedLow = C(conv.ConvL2L!, xl) + C(conv.ConvH2L!, Down(xh));
        Assert.True(torch.allclose(y.High, expectedHigh, 1e-12, 1e-12));
        Assert.True(torch.allclose(y.Low!, expectedLow, 1e-12, 1e-12));
    }

    [Fact]
    public void Stride_2_pools_first_and_does_not_upsample_l2h()
    {
        using var conv = new OctaveConv2d(6, 4, 3, 0.5, 0.5, stride: 2, padding: 1);
        conv.to(ScalarType.Float64);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var xh = torch.randn(new long[] { 1, 3, 8, 12 }, ScalarType.Float64);
        var xl = torch.randn(new long[] { 1, 3, 4, 6 }, ScalarType.Float64);
        var y = conv.call(new OctaveTensor(xh, xl));

        Tensor C(Modules.Conv2d m, Tensor x) => nn.functional.conv2d(x, m.weight!, padding: new long[] { 1, 1 });
        Tensor Down(Tensor x) => x.reshape(x.shape[0], x.shape[1], x.shape[2] / 2, 2, x.shape[3] / 2, 2).mean(new long[] { 3, 5 });
        var ph = Down(xh);
        Assert.True(torch.allclose(y.High, C(conv.ConvH2H!, ph) + C(conv.ConvL2H!, xl), 1e-12, 1e-12));
        Assert.True(torch.allclose(y.Low!, C(conv.ConvH2L!, Down(ph)) + C(conv.ConvL2L!, Down(xl)), 1e-12, 1e-12));
        Assert.Equal(new long[] { 1, 2, 4, 6 }, y.High.shape);
        Assert.Equal(new long[] { 1, 2, 2, 3 }, y.Low!.shape);
        Assert.Equal(4, conv.OutputSize(8));
    }

    [Fact]
    public void Alpha_1_keeps_everything_low_frequency_with_an_empty_high_map()
    {
        using var conv = new OctaveConv2d(6, 4, 3, 1.0, 1.0, padding: 1);
        Assert.Null(conv.ConvH2H);
        Assert.Null(conv.ConvH2L);
        Assert.Null(conv.ConvL2H);
        Assert.NotNull(conv.ConvL2L);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var low = torch.randn(1, 6, 4, 5);
        var y = conv.call(new OctaveTensor(torch.zeros(1, 0, 8, 10), low));
        Assert.Equal(new long[] { 1, 0, 8, 10 }, y.High.shape);
        Assert.True(torch.allclose(y.Low!, nn.functional.conv2d(low, conv.ConvL2L!.weight!, padding: new long[] { 1, 1 }), 1e-6, 1e-6));

        // alpha_in = 1, alpha_out = .5: the high output comes from the low input only, upsampled.
        using var mixed = new OctaveConv2d(6, 4, 3, 1.0, 0.5, padding: 1);
        var z = mixed.call(new OctaveTensor(torch.zeros(1, 0, 8, 10), low));
        var fromLow = nn.functional.conv2d(low, mixed.ConvL2H!.weight!, padding: new long[] { 1, 1 });
        Assert.True(torch.allclose(z.High, fromLow.repeat_interleave(2, 2).repeat_interleave(2, 3), 1e-6, 1e-6));
        Assert.Equal(new long[] { 1, 2, 4, 5 }, z.Low!.shape);
    }

    // ------------------------------------------------------------------ chaining and registration

    [Fact]
    public void A_network_chains_plain_first_middle_and_last_layers()
    {
        using var first = new OctaveConvBnAct(3, 16, 3, alpha_in: 0, alpha_out: 0.5, padding: 1);
        using var middle = new OctaveConvBnAct(16, 32, 3, stride: 2, padding: 1);
        using var last = new OctaveConvBn(32, 8, 1, alpha_in: 0.5, alpha_out: 0);
        Assert.Null(last.BnLow);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor x = torch.randn(2, 3, 16, 12);
        OctaveTensor a = first.call(x);                 // a plain tensor converts to (x, null)
        Assert.Equal(new long[] { 2, 8, 16, 12 }, a.High.shape);
        Assert.Equal(new long[] { 2, 8, 8, 6 }, a.Low!.shape);
        var b = middle.call(a);
        Assert.Equal(new long[] { 2, 16, 8, 6 }, b.High.shape);
        Assert.Equal(new long[] { 2, 16, 4, 3 }, b.Low!.shape);
        Tensor y = last.call(b).ToTensor();             // alpha_out = 0: no low part left
        Assert.Equal(new long[] { 2, 8, 8, 6 }, y.shape);
        var (high, low) = last.call(b);
        Assert.Null(low);
        Assert.Equal(y.shape, high.shape);
        Assert.Contains("alpha_out = 0", Assert.Throws<InvalidOperationException>(() => middle.call(a).ToTensor()).Message);
    }

    private sealed class Parent : nn.Module<Tensor, Tensor>
    {
        private readonly OctaveConvBnAct stem;
        private readonly OctaveConv2d head;

        public Parent() : base(nameof(Parent))
        {
            stem = new OctaveConvBnAct(3, 8, 3, 0, 0.5, padding: 1);
            head = new OctaveConv2d(8, 4, 1, 0.5, 0);
            RegisterComponents(); // TorchSharp's reflection-based registration by field name
        }

        public override Tensor forward(Tensor x) => head.call(stem.call(x)).ToTensor();
    }

    [Fact]
    public void Inside_a_parent_the_state_dict_has_only_pytorch_names()
    {
        using var parent = new Parent();
        var keys = parent.state_dict().Keys.ToList();
        var expected = new[]
        {
            "stem.conv.conv_h2l.weight", "stem.conv.conv_h2h.weight",
            "stem.bn_h.weight", "stem.bn_h.bias", "stem.bn_h.running_mean", "stem.bn_h.running_var", "stem.bn_h.num_batches_tracked",
            "stem.bn_l.weight", "stem.bn_l.bias", "stem.bn_l.running_mean", "stem.bn_l.running_var", "stem.bn_l.num_batches_tracked",
            "head.conv_l2h.weight", "head.conv_h2h.weight",
        };
        Assert.Equal(expected.OrderBy(k => k, StringComparer.Ordinal), keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new[] { "downsample", "upsample", "conv_l2h", "conv_h2h" }, parent.named_children().Single(c => c.name == "head").module.named_children().Select(c => c.name));
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        parent.eval();
        Assert.Equal(new long[] { 1, 4, 8, 6 }, parent.call(torch.randn(1, 3, 8, 6)).shape);
    }

    [Fact]
    public void Training_reaches_every_parameter_and_both_batch_norms()
    {
        using var m = new OctaveConvBnAct(8, 8, 3, padding: 1); // no conv bias: in training mode BN cancels it (zero gradient)
        m.train();
        using var scope = NewDisposeScope();
        var xh = torch.randn(4, 4, 8, 6).requires_grad_(true);
        var xl = torch.randn(4, 4, 4, 3).requires_grad_(true);
        var y = m.call(new OctaveTensor(xh, xl));
        (y.High.sum() + y.Low!.sum() * 2).backward();
        Assert.All(m.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
        Assert.True(xh.grad!.abs().sum().item<float>() > 0);
        Assert.True(xl.grad!.abs().sum().item<float>() > 0);
        var state = m.state_dict();
        Assert.Equal(1L, state["bn_h.num_batches_tracked"].item<long>());
        Assert.Equal(1L, state["bn_l.num_batches_tracked"].item<long>());
        Assert.True(state["bn_l.running_mean"].abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Moves_to_float64_with_its_children()
    {
        using var m = new OctaveConvBn(8, 8, 3, padding: 1);
        m.to(ScalarType.Float64);
        Assert.All(m.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(ScalarType.Float64, m.Conv.ConvL2H!.weight!.dtype);
        m.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var y = m.call(new OctaveTensor(torch.randn(new long[] { 1, 4, 4, 4 }, ScalarType.Float64),
                                        torch.randn(new long[] { 1, 4, 2, 2 }, ScalarType.Float64)));
        Assert.Equal(ScalarType.Float64, y.Low!.dtype);
    }
}

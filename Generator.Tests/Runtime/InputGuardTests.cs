using System;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Runtime;

/// <summary>
/// The generated input guard on real sample networks: every input a user can pass either runs or is rejected with an
/// <see cref="ArgumentException"/> naming the network, what it expects and what it got, before any native call.
/// </summary>
public class InputGuardTests
{
    // ------------------------------------------------------------------ dtype

    [Theory]
    [InlineData(ScalarType.Float64, "float64")]
    [InlineData(ScalarType.Float16, "float16")]
    [InlineData(ScalarType.BFloat16, "bfloat16")]
    public void A_floating_input_of_another_dtype_names_the_network_and_both_dtypes(ScalarType dtype, string name)
    {
        using var net = new DeeperCnnMaxPool();
        using var x = torch.randn(new long[] { 2, 1, 128, 128 }, dtype: dtype);
        var ex = Assert.Throws<ArgumentException>(() => net.call(x));
        AssertMentions(ex, "DeeperCnnMaxPool", "expects a float32 input", "got " + name, "input.to(float32)");
    }

    [Theory]
    [InlineData(ScalarType.Int32, "int32")]
    [InlineData(ScalarType.Int64, "int64")]
    [InlineData(ScalarType.Byte, "uint8")]
    [InlineData(ScalarType.Bool, "bool")]
    public void A_non_floating_input_is_rejected_with_a_conversion_hint(ScalarType dtype, string name)
    {
        using var net = new DeeperCnnMaxPool();
        using var x = torch.ones(new long[] { 2, 1, 128, 128 }, dtype: dtype);
        var ex = Assert.Throws<ArgumentException>(() => net.call(x));
        AssertMentions(ex, "DeeperCnnMaxPool", "expects a float32 input", "got " + name, "input.to(float32)");
        if (dtype == ScalarType.Byte) Assert.Contains("/ 255", ex.Message); // an 8-bit image is scaled too
        else Assert.DoesNotContain("/ 255", ex.Message);
    }

    [Fact]
    public void A_network_moved_to_float64_accepts_float64_and_rejects_float32()
    {
        using var net = new DeeperCnnMaxPool();
        net.to(ScalarType.Float64);
        net.eval();
        using (var noGrad = torch.no_grad())
        using (var x = torch.randn(new long[] { 2, 1, 128, 128 }, dtype: ScalarType.Float64))
        using (var y = net.call(x))
        {
            Assert.Equal(ScalarType.Float64, y.dtype);
            Assert.Equal(new long[] { 2, 1, 32, 32 }, y.shape);
        }
        using var single = torch.randn(2, 1, 128, 128);
        var ex = Assert.Throws<ArgumentException>(() => net.call(single));
        AssertMentions(ex, "DeeperCnnMaxPool", "expects a float64 input", "got float32", "input.to(float64)");
    }

    [Fact]
    public void A_module_without_parameters_accepts_every_floating_dtype_and_no_integer_one()
    {
        using var relu = nn.ReLU();
        foreach (var dtype in new[] { ScalarType.Float16, ScalarType.Float32, ScalarType.Float64 })
        {
            using var x = torch.zeros(new long[] { 1, 2, 4, 4 }, dtype: dtype);
            Assert.Same(x, Check(relu, x, channels: 2));
        }
        using var ints = torch.zeros(new long[] { 1, 2, 4, 4 }, dtype: ScalarType.Int32);
        var ex = Assert.Throws<ArgumentException>(() => Check(relu, ints, channels: 2));
        AssertMentions(ex, "Guarded", "expects a floating-point input", "got int32", "input.to(float32)");
    }

    // ------------------------------------------------------------------ device

    [Fact]
    public void An_input_on_another_device_names_both_devices()
    {
        // No accelerator is needed: the meta device holds shapes without data.
        using var net = new DeeperCnnMaxPool();
        using var onMeta = torch.empty(new long[] { 2, 1, 128, 128 }, device: torch.META);
        var ex = Assert.Throws<ArgumentException>(() => net.call(onMeta));
        AssertMentions(ex, "DeeperCnnMaxPool", "expects its input on cpu", "got an input on meta");

        net.to(torch.META);
        using var onCpu = torch.randn(2, 1, 128, 128);
        ex = Assert.Throws<ArgumentException>(() => net.call(onCpu));
        AssertMentions(ex, "DeeperCnnMaxPool", "expects its input on meta", "got an input on cpu");
    }

    // ------------------------------------------------------------------ empty batch

    [Fact]
    public void An_empty_batch_is_rejected_before_SppNet_runs()
    {
        using var net = new SppNet();
        using var x = torch.zeros(0, 3, 32, 32);
        var ex = Assert.Throws<ArgumentException>(() => net.call(x));
        AssertMentions(ex, "SppNet", "[N, 3, H, W]", "[0, 3, 32, 32]", "an empty batch: N = 0");
    }

    [Fact]
    public void An_empty_batch_is_rejected_by_forward_all_too()
    {
        using var net = new TinyDeepLabV3();
        using var x = torch.zeros(0, 3, 64, 64);
        var ex = Assert.Throws<ArgumentException>(() => net.forward_all(x));
        AssertMentions(ex, "TinyDeepLabV3", "[N, 3, 64, 64]", "[0, 3, 64, 64]", "an empty batch: N = 0");
    }

    // ------------------------------------------------------------------ memory layout

    [Fact]
    public void A_channels_last_input_runs_as_its_contiguous_NCHW_copy_through_a_strided_1x1_shortcut()
    {
        // TinyDeepLabV3's backbone has ResNet's stride-2 1x1 projection in layer2: the layout and layer that killed
        // ResNet-50 with SIGFPE, at 64x64.
        using var net = new TinyDeepLabV3();
        net.eval();
        using var noGrad = torch.no_grad();
        using var nhwc = torch.randn(1, 64, 64, 3);
        using var channelsLast = nhwc.permute(0, 3, 1, 2);
        Assert.False(channelsLast.is_contiguous());
        Assert.Equal(new long[] { 64 * 64 * 3, 1, 64 * 3, 3 }, channelsLast.stride()); // channels-last strides
        using var nchw = channelsLast.contiguous();

        using var expected = net.call(nchw);
        using (var actual = net.call(channelsLast))
            Assert.True(Identical(expected, actual), "forward on the channels-last input differs from the NCHW copy's");
        using (var all = net.forward_all(channelsLast))
            Assert.True(Identical(expected, all.Out), "forward_all on the channels-last input differs from forward on the NCHW copy");
        Assert.True(Identical(nhwc.permute(0, 3, 1, 2), channelsLast)); // the caller's tensor is left alone
    }

    [Fact]
    public void A_strided_view_runs_as_its_contiguous_copy()
    {
        using var net = new DeeperCnnMaxPool();
        net.eval();
        using var noGrad = torch.no_grad();
        using var big = torch.randn(2, 1, 256, 256);
        using var view = big[.., .., TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2)];
        Assert.False(view.is_contiguous());
        using var expected = net.call(view.contiguous());
        using var actual = net.call(view);
        Assert.True(Identical(expected, actual));
    }

    [Fact]
    public void A_contiguous_input_is_passed_on_as_it_is_and_a_non_contiguous_one_as_a_contiguous_copy()
    {
        using var net = new DeeperCnnMaxPool();
        using var x = torch.randn(2, 1, 128, 128);
        Assert.Same(x, Check(net, x, channels: 1));

        using var transposed = x.transpose(2, 3);
        using var copy = Check(net, transposed, channels: 1);
        Assert.NotSame(transposed, copy);
        Assert.True(copy.is_contiguous());
        Assert.True(Identical(transposed, copy));
    }

    [Fact]
    public void The_contiguous_copy_is_disposed_with_forwards_scope()
    {
        using var net = new DeeperCnnMaxPool();
        net.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.randn(2, 1, 128, 128);
        using var transposed = x.transpose(2, 3);
        var statistics = DisposeScopeManager.Statistics;
        long before = statistics.ThreadTotalLiveCount;
        using (var y = net.call(transposed))
            Assert.Equal(before + 1, statistics.ThreadTotalLiveCount); // the output only: the copy went with the scope
        Assert.Equal(before, statistics.ThreadTotalLiveCount);
    }

    // ------------------------------------------------------------------ shape hints

    [Fact]
    public void A_single_image_without_batch_or_an_NHWC_tensor_gets_a_hint()
    {
        using var net = new ResNet50();
        using var image = torch.randn(3, 224, 224);
        var ex = Assert.Throws<ArgumentException>(() => net.call(image));
        AssertMentions(ex, "ResNet50", "[N, 3, 224, 224]", "[3, 224, 224]", "input.unsqueeze(0)");

        using var nhwc = torch.randn(1, 224, 224, 3);
        ex = Assert.Throws<ArgumentException>(() => net.call(nhwc));
        AssertMentions(ex, "ResNet50", "[1, 224, 224, 3]", "it needs 3 channels", "input.permute(0, 3, 1, 2)");
    }

    [Fact]
    public void A_null_or_disposed_input_is_a_clear_exception()
    {
        using var net = new DeeperCnnMaxPool();
        var ex = Assert.Throws<ArgumentNullException>(() => net.call(null!));
        Assert.Contains("DeeperCnnMaxPool: the input tensor is null", ex.Message);
        var x = torch.randn(2, 1, 128, 128);
        x.Dispose();
        var disposed = Assert.Throws<ObjectDisposedException>(() => net.call(x));
        Assert.Contains("DeeperCnnMaxPool: the input tensor has been disposed", disposed.Message);
    }

    /// <summary>The guard as a generated network calls it, for a symbolic [N, channels, H, W] input.</summary>
    private static Tensor Check(nn.Module module, Tensor x, long channels) =>
        InputGuard.Check(module, x, "Guarded", $"[N, {channels}, H, W]", channels, height: 0, width: 0,
            heightMultiple: 1, minHeight: 1, widthMultiple: 1, minWidth: 1);

    /// <summary>Same shape and the same values, bit for bit.</summary>
    internal static bool Identical(Tensor a, Tensor b)
    {
        if (!a.shape.AsSpan().SequenceEqual(b.shape)) return false;
        using var same = a.eq(b).all();
        return same.item<bool>();
    }

    private static void AssertMentions(ArgumentException ex, params string[] parts)
    {
        foreach (var part in parts) Assert.Contains(part, ex.Message);
    }
}

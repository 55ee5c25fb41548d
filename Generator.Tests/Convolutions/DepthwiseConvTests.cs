using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Convolutions;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Convolutions;

/// <summary>
/// NetDsl's depthwise 'same' convolution kernel (Runtime/Convolutions/DepthwiseConvKernel.cs) against LibTorch's grouped
/// conv2d and its autograd (an independent implementation), and against finite differences in float64.
/// </summary>
public class DepthwiseConvTests
{
    // Widths that reach every path: a scalar-only row, AVX2 only, one AVX-512 vector plus tails, four-vector blocks; odd
    // heights; kernel sizes 1, 3, 5 and 7; one shape large enough to be split over threads.
    public static IEnumerable<object[]> Shapes() => new[]
    {
        new object[] { 1L, 1L, 1L, 1L, 3L },
        new object[] { 2L, 3L, 5L, 7L, 5L },
        new object[] { 1L, 2L, 9L, 19L, 3L },
        new object[] { 2L, 4L, 8L, 8L, 5L },
        new object[] { 1L, 3L, 13L, 67L, 7L },
        new object[] { 2L, 5L, 16L, 64L, 1L },
        new object[] { 4L, 16L, 64L, 64L, 5L },
    };

    private static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().ToDouble();

    // Relative to the reference's largest magnitude: float32 sums of up to 49 products (and, for the weight gradient, of
    // a whole batch's positions) in a different order.
    private static void Close(Tensor actual, Tensor expected, ScalarType dtype, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = Math.Max(1.0, expected.abs().max().ToDouble());
        double tolerance = dtype == ScalarType.Float64 ? 1e-12 : 2e-5;
        double diff = MaxAbs(actual, expected);
        Assert.True(diff <= tolerance * scale, $"{what} ({dtype}): max |diff| {diff:E2} > {tolerance * scale:E2}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_equals_LibTorchs_grouped_conv2d(long n, long c, long h, long w, long k)
    {
        using var scope = NewDisposeScope();
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            torch.random.manual_seed(n * 7 + c * 11 + h * 13 + w + k);
            var x = torch.randn(new[] { n, c, h, w }, dtype);
            var weight = torch.randn(new[] { c, 1, k, k }, dtype);
            var bias = torch.randn(new[] { c }, dtype);
            Assert.True(DepthwiseConv.UsesKernel(x, weight, bias));
            Close(DepthwiseConv.SameKernel(x, weight, bias), DepthwiseConv.SameOpChain(x, weight, bias), dtype, "with bias");
            Close(DepthwiseConv.SameKernel(x, weight), DepthwiseConv.SameOpChain(x, weight), dtype, "without bias");
            // A non-contiguous input (a channel slice of a larger tensor) is read correctly.
            var wide = torch.randn(new[] { n, 2 * c, h, w }, dtype);
            var slice = wide.slice(1, c, 2 * c, 1);
            if (n > 1) Assert.False(slice.is_contiguous());
            Close(DepthwiseConv.SameKernel(slice, weight, bias), DepthwiseConv.SameOpChain(slice, weight, bias), dtype, "non-contiguous");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gradients_equal_LibTorchs_autograd(long n, long c, long h, long w, long k)
    {
        using var scope = NewDisposeScope();
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            torch.random.manual_seed(100 + n * 7 + c * 11 + h * 13 + w + k);
            var x0 = torch.randn(new[] { n, c, h, w }, dtype);
            var w0 = torch.randn(new[] { c, 1, k, k }, dtype);
            var b0 = torch.randn(new[] { c }, dtype);
            var grad = torch.randn(new[] { n, c, h, w }, dtype);

            (Tensor, Tensor, Tensor) Grads(Func<Tensor, Tensor, Tensor, Tensor> conv)
            {
                var x = x0.detach().clone().requires_grad_(true);
                var weight = w0.detach().clone().requires_grad_(true);
                var bias = b0.detach().clone().requires_grad_(true);
                conv(x, weight, bias).backward(new List<Tensor> { grad });
                return (x.grad!, weight.grad!, bias.grad!);
            }

            var (gx, gw, gb) = Grads(DepthwiseConv.SameKernel);
            var (rx, rw, rb) = Grads(DepthwiseConv.SameOpChain);
            Close(gx, rx, dtype, "input gradient");
            Close(gw, rw, dtype, "weight gradient");
            Close(gb, rb, dtype, "bias gradient");
        }
    }

    [Fact]
    public void Only_the_tensors_that_require_grad_get_one()
    {
        using var scope = NewDisposeScope();
        var x = torch.randn(2, 3, 9, 9, dtype: ScalarType.Float64);
        var weight = torch.randn(new long[] { 3, 1, 3, 3 }, ScalarType.Float64).requires_grad_(true);
        var bias = torch.randn(new long[] { 3 }, ScalarType.Float64);
        DepthwiseConv.SameKernel(x, weight, bias).sum().backward();
        Assert.Null(x.grad);
        Assert.Null(bias.grad);
        Assert.NotNull(weight.grad);
        using (var w2 = weight.detach().clone().requires_grad_(true))
        {
            DepthwiseConv.SameOpChain(x, w2, bias).sum().backward();
            Close(weight.grad!, w2.grad!, ScalarType.Float64, "weight gradient");
        }
    }

    [Fact]
    public void Gradients_match_finite_differences_in_float64()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(5);
        var x = torch.randn(new long[] { 2, 2, 6, 11 }, ScalarType.Float64).requires_grad_(true);
        var weight = torch.randn(new long[] { 2, 1, 5, 5 }, ScalarType.Float64).requires_grad_(true);
        var bias = torch.randn(new long[] { 2 }, ScalarType.Float64).requires_grad_(true);
        var probe = torch.randn(new long[] { 2, 2, 6, 11 }, ScalarType.Float64);
        Tensor Loss(Tensor a, Tensor b, Tensor c) => (DepthwiseConv.SameKernel(a, b, c) * probe).sum();
        Loss(x, weight, bias).backward();
        const double eps = 1e-6;
        foreach (var (tensor, name) in new[] { (x, "input"), (weight, "weight"), (bias, "bias") })
        {
            var direction = torch.randn_like(tensor);
            double analytic = (tensor.grad! * direction).sum().ToDouble();
            double numeric;
            using (torch.no_grad())
            {
                Tensor Shift(Tensor t, double s) => ReferenceEquals(t, tensor) ? t + s * direction : t;
                double plus = Loss(Shift(x, eps), Shift(weight, eps), Shift(bias, eps)).ToDouble();
                double minus = Loss(Shift(x, -eps), Shift(weight, -eps), Shift(bias, -eps)).ToDouble();
                numeric = (plus - minus) / (2 * eps);
            }
            Assert.True(Math.Abs(analytic - numeric) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"{name}: {analytic} vs {numeric}");
        }
    }

    [Fact]
    public void Double_backward_is_exact()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(9);
        var x = torch.randn(new long[] { 1, 2, 7, 7 }, ScalarType.Float64).requires_grad_(true);
        var weight = torch.randn(new long[] { 2, 1, 3, 3 }, ScalarType.Float64).requires_grad_(true);
        Tensor GradNormOfInput(Func<Tensor, Tensor, Tensor?, Tensor> conv)
        {
            var y = conv(x, weight, null);
            var g = torch.autograd.grad(new List<Tensor> { (y * y).sum() }, new List<Tensor> { x }, retain_graph: true, create_graph: true)[0];
            return torch.autograd.grad(new List<Tensor> { (g * g).sum() }, new List<Tensor> { weight })[0];
        }
        Close(GradNormOfInput(DepthwiseConv.SameKernel), GradNormOfInput(DepthwiseConv.SameOpChain), ScalarType.Float64, "second order");
    }

    [Fact]
    public void Same_runs_the_kernel_forward_on_wide_maps_and_LibTorchs_on_narrow_ones_and_the_kernel_gradients_on_both()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(33);
        foreach (long width in new[] { DepthwiseConv.MinKernelForwardWidth - 1, DepthwiseConv.MinKernelForwardWidth })
        {
            var x = torch.randn(new long[] { 2, 3, 9, width });
            var weight = torch.randn(new long[] { 3, 1, 5, 5 });
            var expected = width >= DepthwiseConv.MinKernelForwardWidth
                ? DepthwiseConv.SameKernel(x, weight) : DepthwiseConv.SameOpChain(x, weight);
            Assert.Equal(0, MaxAbs(DepthwiseConv.Same(x, weight), expected));
            // Tracked: the same forward, and the kernel's gradients (bit for bit those of SameKernel).
            var w1 = weight.clone().requires_grad_(true);
            var w2 = weight.clone().requires_grad_(true);
            var y = DepthwiseConv.Same(x, w1);
            Assert.Equal(0, MaxAbs(y.detach(), expected));
            y.sum().backward();
            DepthwiseConv.SameKernel(x, w2).sum().backward();
            Assert.Equal(0, MaxAbs(w1.grad!, w2.grad!));
        }
        var e = Assert.Throws<ArgumentException>(() => DepthwiseConv.SameKernel(torch.randn(1, 2, 6, 6), torch.randn(2, 1, 4, 4)));
        Assert.Contains("odd k", e.Message);
    }

    [Fact]
    public void Even_kernels_and_other_dtypes_take_LibTorchs_path()
    {
        using var scope = NewDisposeScope();
        var x = torch.randn(1, 2, 6, 6);
        Assert.False(DepthwiseConv.UsesKernel(x, torch.randn(2, 1, 4, 4)));
        Assert.False(DepthwiseConv.UsesKernel(x.to(ScalarType.BFloat16), torch.randn(2, 1, 3, 3).to(ScalarType.BFloat16)));
        var even = DepthwiseConv.Same(x, torch.ones(2, 1, 2, 2));
        // padding='same' for k = 2 pads right and bottom: the last row and column sum one neighbour less.
        Assert.Equal(new long[] { 1, 2, 6, 6 }, even.shape);
        Assert.Equal((x[0, 0, 0, 0] + x[0, 0, 0, 1] + x[0, 0, 1, 0] + x[0, 0, 1, 1]).ToSingle(), even[0, 0, 0, 0].ToSingle(), 5);
        Assert.Equal(x[0, 0, 5, 5].ToSingle(), even[0, 0, 5, 5].ToSingle(), 5);
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(21);
        var x = torch.randn(new long[] { 4, 32, 32, 32 }, ScalarType.Float32);
        var weight = torch.randn(new long[] { 32, 1, 5, 5 }).requires_grad_(true);
        var grad = torch.randn(new long[] { 4, 32, 32, 32 });
        int threads = torch.get_num_threads();
        (Tensor, Tensor) Run(int n)
        {
            torch.set_num_threads(n);
            weight.grad = null;
            var y = DepthwiseConv.SameKernel(x, weight);
            y.backward(new List<Tensor> { grad });
            return (y.detach(), weight.grad!.clone());
        }
        try
        {
            var (y1, g1) = Run(1);
            var (y2, g2) = Run(2);
            Assert.Equal(0, MaxAbs(y1, y2));
            Assert.Equal(0, MaxAbs(g1, g2));
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    [Fact]
    public void Bad_shapes_are_clear_exceptions()
    {
        using var scope = NewDisposeScope();
        var x = torch.randn(1, 3, 6, 6);
        var e = Assert.Throws<ArgumentException>(() => DepthwiseConv.Same(x, torch.randn(4, 1, 3, 3)));
        Assert.Contains("(C, 1, k, k) with C = 3", e.Message);
        Assert.Throws<ArgumentException>(() => DepthwiseConv.Same(torch.randn(3, 6, 6), torch.randn(3, 1, 3, 3)));
        Assert.Throws<ArgumentException>(() => DepthwiseConv.Same(x, torch.randn(3, 1, 3, 3), torch.randn(4)));
    }
}

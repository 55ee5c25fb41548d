using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>
/// The fused CPU Haar kernel (Runtime/Wavelets/HaarKernel.cs, HaarFunction.cs) against the LibTorch op chain
/// (<see cref="Haar.ForwardOpChain"/>, <see cref="Haar.InverseOpChain"/>), pywt, the transform's own identities and, for
/// gradients, LibTorch's autograd through the op chain and finite differences.
/// </summary>
public class HaarKernelTests
{
    // Shapes that reach every code path: odd sizes, rows too short for a vector, widths that fill AVX-512 and AVX2 steps
    // and leave a scalar tail, and one large enough to be split over threads.
    public static IEnumerable<object[]> Shapes() => new[]
    {
        new object[] { 1L, 1L, 1L, 1L },
        new object[] { 2L, 3L, 5L, 7L },
        new object[] { 1L, 2L, 4L, 57L },   // 28 column pairs: one AVX-512 step, then AVX2 (8 floats or 4 doubles), then scalar
        new object[] { 1L, 1L, 3L, 54L },
        new object[] { 2L, 3L, 17L, 129L },
        new object[] { 2L, 8L, 64L, 66L },
    };

    private static readonly ScalarType[] Floats = { ScalarType.Float32, ScalarType.Float64 };

    private static double Diff(Tensor a, Tensor b) => WaveletFixtures.MaxAbsDiff(a, b);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fused_forward_and_inverse_equal_the_op_chain_bit_for_bit(long n, long c, long h, long w)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(n * 1000 + c * 100 + h * 10 + w);
        foreach (var dtype in Floats)
        {
            var x = torch.randn(new[] { n, c, h, w }, dtype);
            Assert.True(Haar.UsesFusedKernel(x));
            var reference = Haar.ForwardOpChain(x);
            var fused = Haar.Forward(x);
            Assert.Equal(reference.shape, fused.shape);
            Assert.Equal(dtype, fused.dtype);
            Assert.True(Diff(fused, reference) == 0, $"{dtype} [{n}, {c}, {h}, {w}]: forward");
            foreach (var layout in new[] { BandLayout.BandMajor, BandLayout.ChannelMajor })
            {
                var channels = Haar.Forward(x, layout);
                Assert.True(Diff(channels, WaveletBands.ToChannels(reference, layout)) == 0, $"{dtype} {layout}: forward");
                Assert.True(Diff(Haar.Inverse(channels, layout, h, w), Haar.InverseOpChain(reference, h, w)) == 0, $"{dtype} {layout}: inverse");
                Assert.True(Diff(Haar.Inverse(channels, layout), Haar.InverseOpChain(reference)) == 0, $"{dtype} {layout}: inverse, no crop");
            }
            Assert.True(Diff(Haar.Inverse(reference, h, w), Haar.InverseOpChain(reference, h, w)) == 0, $"{dtype}: inverse");
            // A crop smaller than the original (any size from 1 to 2h is allowed).
            long ch = Math.Max(1, h - 3), cw = Math.Max(1, w / 3);
            Assert.True(Diff(Haar.Inverse(reference, ch, cw), Haar.InverseOpChain(reference, ch, cw)) == 0, $"{dtype}: inverse cropped to {ch}x{cw}");
        }
    }

    [Fact]
    public void Non_contiguous_inputs_give_the_same_bands()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(21);
        foreach (var dtype in Floats)
        {
            var transposed = torch.randn(new long[] { 2, 3, 40, 9 }, dtype).transpose(2, 3);          // (2, 3, 9, 40)
            var channelsLast = torch.randn(new long[] { 2, 9, 33, 3 }, dtype).permute(0, 3, 1, 2);   // (2, 3, 9, 33)
            var sliced = torch.randn(new long[] { 2, 6, 11, 36 }, dtype).narrow(1, 1, 3).narrow(3, 2, 33);
            foreach (var x in new[] { transposed, channelsLast, sliced })
            {
                Assert.False(x.is_contiguous());
                Assert.True(Haar.UsesFusedKernel(x));
                var bands = Haar.Forward(x);
                Assert.True(Diff(bands, Haar.ForwardOpChain(x.contiguous())) == 0, $"{dtype} {Shape(x)}: forward");
                var strided = bands.transpose(3, 4).contiguous().transpose(3, 4);
                Assert.False(strided.is_contiguous());
                Assert.True(Diff(Haar.Inverse(strided, x.shape[2], x.shape[3]), x) < (dtype == ScalarType.Float64 ? 1e-12 : 1e-5));
            }
        }
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    [Fact]
    public void Fused_kernel_matches_pywt_in_both_layouts()
    {
        foreach (var input in new[] { "x5x7", "x8x8" })
        {
            var c = WaveletFixtures.Dwt.GetProperty("dwt2").EnumerateArray().First(e =>
                e.GetProperty("input").GetString() == input && e.GetProperty("wavelet").GetString() == "haar" &&
                e.GetProperty("mode").GetString() == "zero");
            using var scope = NewDisposeScope();
            var x = WaveletFixtures.Image(WaveletFixtures.Matrix(WaveletFixtures.Dwt.GetProperty("inputs").GetProperty(input)));
            // Two channels, the second the first negated, so the layouts differ.
            var two = torch.cat(new[] { x, -x }, 1);
            string[] keys = { "cA", "cH", "cV", "cD" };
            foreach (var dtype in Floats)
            {
                var t = two.to_type(dtype);
                var bandMajor = Haar.Forward(t, BandLayout.BandMajor);
                var channelMajor = Haar.Forward(t, BandLayout.ChannelMajor);
                double tol = dtype == ScalarType.Float64 ? 1e-10 : 1e-5;
                for (int s = 0; s < 4; s++)
                {
                    var expected = WaveletFixtures.Matrix(c.GetProperty(keys[s]));
                    WaveletFixtures.AssertClose(expected, bandMajor.select(1, s * 2), tol, $"{input} {dtype} band-major {keys[s]}");
                    WaveletFixtures.AssertClose(expected, channelMajor.select(1, s), tol, $"{input} {dtype} channel-major {keys[s]}");
                    WaveletFixtures.AssertClose(expected, -channelMajor.select(1, 4 + s), tol, $"{input} {dtype} channel-major {keys[s]}, channel 1");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Perfect_reconstruction_and_Parseval(long n, long c, long h, long w)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(h * 31 + w);
        var x = torch.randn(new[] { n, c, h, w }, ScalarType.Float64);
        var bands = Haar.Forward(x);
        Assert.True(Diff(Haar.Inverse(bands, h, w), x) < 1e-12);
        // Orthonormal, and the zero padding adds no energy.
        double energy = WaveletFixtures.SumOfSquares(x);
        Assert.Equal(1.0, WaveletFixtures.SumOfSquares(bands) / energy, 12);
        // And the other way round: any bands invert to a 2h x 2w image whose forward gives them back.
        var anyBands = torch.randn(new[] { n, c, 4, (h + 1) / 2, (w + 1) / 2 }, ScalarType.Float64);
        Assert.True(Diff(Haar.Forward(Haar.Inverse(anyBands)), anyBands) < 1e-12);
    }

    [Theory]
    [InlineData(4L, 6L)]
    [InlineData(5L, 7L)]
    [InlineData(3L, 37L)]
    public void Gradients_equal_autograd_through_the_op_chain(long h, long w)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(h + 100 * w);
        var x = torch.randn(new[] { 2, 3, h, w }, ScalarType.Float64);
        long bh = (h + 1) / 2, bw = (w + 1) / 2;
        foreach (var layout in new BandLayout?[] { null, BandLayout.BandMajor, BandLayout.ChannelMajor })
        {
            var weight = layout is null ? torch.randn(new[] { 2, 3, 4, bh, bw }, ScalarType.Float64) : torch.randn(new[] { 2, 12, bh, bw }, ScalarType.Float64);

            var fusedInput = x.detach().requires_grad_(true);
            var fused = layout is { } l ? Haar.Forward(fusedInput, l) : Haar.Forward(fusedInput);
            Assert.True(fused.requires_grad);
            (fused * weight).sum().backward();

            var referenceInput = x.detach().requires_grad_(true);
            var reference = Haar.ForwardOpChain(referenceInput);
            if (layout is { } l2) reference = WaveletBands.ToChannels(reference, l2);
            (reference * weight).sum().backward();
            Assert.True(Diff(fusedInput.grad!, referenceInput.grad!) < 1e-12, $"forward {layout}: grad");

            // The inverse, cropped to the odd original and to less than that.
            foreach (var (ch, cw) in new[] { (h, w), (1L, Math.Max(1, w - 4)) })
            {
                var imageWeight = torch.randn(new[] { 2, 3, ch, cw }, ScalarType.Float64);
                var fusedBands = weight.detach().requires_grad_(true);
                var image = layout is { } l3 ? Haar.Inverse(fusedBands, l3, ch, cw) : Haar.Inverse(fusedBands, ch, cw);
                (image * imageWeight).sum().backward();

                var referenceBands = weight.detach().requires_grad_(true);
                var stacked = layout is { } l4 ? WaveletBands.FromChannels(referenceBands, l4) : referenceBands;
                (Haar.InverseOpChain(stacked, ch, cw) * imageWeight).sum().backward();
                Assert.True(Diff(fusedBands.grad!, referenceBands.grad!) < 1e-12, $"inverse {layout} crop {ch}x{cw}: grad");
            }
        }
    }

    [Fact]
    public void Gradients_pass_a_finite_difference_check_in_float64()
    {
        // gradcheck by hand: for random directions v, <grad f(x), v> equals (f(x + eps v) - f(x - eps v)) / (2 eps) for the
        // scalar f(x) = sum(weight * Haar(x)). Odd sizes, so the padding and cropping adjoints are exercised.
        using var scope = NewDisposeScope();
        torch.random.manual_seed(5);
        var x = torch.randn(new long[] { 1, 2, 5, 9 }, ScalarType.Float64);
        var weight = torch.randn(new long[] { 1, 8, 3, 5 }, ScalarType.Float64);
        var imageWeight = torch.randn(new long[] { 1, 2, 5, 9 }, ScalarType.Float64);
        Func<Tensor, Tensor> forward = t => (Haar.Forward(t, BandLayout.BandMajor) * weight).sum();
        Func<Tensor, Tensor> inverse = t => (Haar.Inverse(t, BandLayout.ChannelMajor, 5, 9) * imageWeight).sum();
        foreach (var (f, input) in new[] { (forward, x), (inverse, weight) })
        {
            var leaf = input.detach().requires_grad_(true);
            f(leaf).backward();
            for (int k = 0; k < 4; k++)
            {
                var v = torch.randn(input.shape, ScalarType.Float64);
                double eps = 1e-6;
                double numeric;
                using (torch.no_grad())
                    numeric = (f(input + eps * v).item<double>() - f(input - eps * v).item<double>()) / (2 * eps);
                double analytic = (leaf.grad! * v).sum().item<double>();
                Assert.True(Math.Abs(numeric - analytic) < 1e-6 * (1 + Math.Abs(analytic)), $"direction {k}: {numeric} vs {analytic}");
            }
        }
    }

    [Fact]
    public void Double_backward_goes_through_the_fused_backward()
    {
        // f(x) = sum(Haar(x)^2) = |x|^2 (Parseval), so grad = 2x and the Hessian-vector product with v is 2v; the
        // backward runs the fused inverse, which create_graph records again.
        using var scope = NewDisposeScope();
        torch.random.manual_seed(6);
        var x = torch.randn(new long[] { 1, 2, 6, 34 }, ScalarType.Float64).requires_grad_(true);
        var y = Haar.Forward(x).square().sum();
        var grad = torch.autograd.grad(new[] { y }, new[] { x }, create_graph: true)[0];
        Assert.True(Diff(grad, 2 * x) < 1e-12);
        var v = torch.randn(x.shape, ScalarType.Float64);
        var hv = torch.autograd.grad(new[] { (grad * v).sum() }, new[] { x })[0];
        Assert.True(Diff(hv, 2 * v) < 1e-12);
    }

    [Fact]
    public void No_grad_and_inputs_without_grad_give_results_without_a_graph()
    {
        using var scope = NewDisposeScope();
        var x = torch.randn(new long[] { 1, 2, 4, 4 }).requires_grad_(true);
        Assert.True(Haar.Forward(x).requires_grad);
        Assert.False(Haar.Forward(x.detach()).requires_grad);
        using (torch.no_grad())
        {
            Assert.False(Haar.Forward(x).requires_grad);
            Assert.False(Haar.Inverse(Haar.Forward(x)).requires_grad);
        }
    }

    [Fact]
    public void Results_outlive_the_dispose_scope_they_are_moved_out_of_and_backward_runs_after_it()
    {
        var x = torch.randn(new long[] { 2, 3, 7, 20 }, ScalarType.Float64).requires_grad_(true);
        Tensor loss;
        using (var scope = NewDisposeScope())
        {
            var bands = Haar.Forward(x, BandLayout.BandMajor);
            loss = Haar.Inverse(bands, BandLayout.BandMajor, 7, 20).square().sum().MoveToOuterDisposeScope();
        }
        // Everything the graph needs is held natively: the scope's handles are gone, backward still works.
        loss.backward();
        Assert.True(Diff(x.grad!, 2 * x.detach()) < 1e-12);
        Assert.Equal(WaveletFixtures.SumOfSquares(x.detach()), loss.item<double>(), 10);
        loss.Dispose();
        x.Dispose();
    }

    [Fact]
    public void Other_dtypes_use_the_op_chain_with_the_same_values()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(8);
        var x = torch.randn(new long[] { 2, 3, 5, 18 });
        Assert.True(Haar.UsesFusedKernel(x));
        Assert.True(Haar.UsesFusedKernel(x.to_type(ScalarType.Float64)));
        Assert.False(Haar.UsesFusedKernel(torch.zeros(new long[] { 0, 3, 4, 4 })));
        foreach (var dtype in new[] { ScalarType.Float16, ScalarType.BFloat16 })
        {
            var low = x.to_type(dtype);
            Assert.False(Haar.UsesFusedKernel(low));
            var bands = Haar.Forward(low, BandLayout.BandMajor);
            Assert.Equal(dtype, bands.dtype);
            Assert.True(Diff(bands, Haar.Forward(low.to_type(ScalarType.Float32), BandLayout.BandMajor)) < 0.05, $"{dtype}: forward");
            var back = Haar.Inverse(bands, BandLayout.BandMajor, 5, 18);
            Assert.Equal(new long[] { 2, 3, 5, 18 }, back.shape);
            Assert.True(Diff(back, low) < 0.05, $"{dtype}: inverse");
        }
        Assert.False(Haar.UsesFusedKernel(torch.zeros(new long[] { 1, 1, 2, 2 }, ScalarType.Int32)));
    }

    [Fact]
    public void Bad_input_gives_the_same_clear_exceptions_on_both_paths()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => Haar.ForwardOpChain(torch.zeros(4, 4))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => Haar.Forward(torch.zeros(new long[] { 1, 1, 2, 2 }, ScalarType.Int32), BandLayout.BandMajor)).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => Haar.Forward(torch.zeros(new long[] { 1, 1, 0, 2 }))).Message);
        Assert.Contains("(N, C, 4, h, w)", Assert.Throws<ArgumentException>(() => Haar.InverseOpChain(torch.zeros(new long[] { 1, 1, 3, 2, 2 }))).Message);
        Assert.Equal("height", Assert.Throws<ArgumentException>(() => Haar.Inverse(torch.zeros(1, 8, 2, 2), BandLayout.ChannelMajor, 5, 4)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentException>(() => Haar.Inverse(torch.zeros(new long[] { 1, 1, 4, 2, 2 }), 4, 0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => Haar.Forward(torch.zeros(1, 1, 2, 2), (BandLayout)7));
    }
}

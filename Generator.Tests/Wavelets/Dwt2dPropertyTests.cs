using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>Identities of the transform on random inputs: perfect reconstruction, Parseval, adjointness; bad input.</summary>
public class Dwt2dPropertyTests
{
    private static readonly string[] Wavelets = { "haar", "db2", "db4", "sym3", "sym8", "coif2", "bior2.4", "bior3.1", "rbio1.3", "rbio6.8" };

    public static IEnumerable<object[]> WaveletsAndModes() =>
        from w in Wavelets
        from m in new[] { "zero", "periodization", "symmetric", "reflect", "periodic", "constant" }
        select new object[] { w, m };

    [Theory]
    [MemberData(nameof(WaveletsAndModes))]
    public void Inverse_of_forward_is_the_input_on_random_shapes(string wavelet, string mode)
    {
        // Random sizes from 1 (2 for reflect) to 19, odd and even, several channels; the inverse is cropped to the
        // input size as pywt's waverec2 does (odd sizes come back one sample longer).
        var rng = new Random(HashCode.Combine(wavelet.Length, mode.Length, wavelet[^1], mode[0]));
        int min = mode == "reflect" ? 2 : 1;
        var w = Wavelet.Get(wavelet);
        var m = DwtModes.Parse(mode);
        for (int trial = 0; trial < 6; trial++)
        {
            using var scope = NewDisposeScope();
            long h = rng.Next(min, 20), width = rng.Next(min, 20), c = rng.Next(1, 4);
            torch.random.manual_seed(trial * 7919 + h * 31 + width);
            var x = torch.randn(new long[] { 2, c, h, width }, ScalarType.Float64);
            var bands = Dwt2d.Forward(x, w, m);
            Assert.Equal(new[] { 2, c, 4, DwtModes.OutputLength(h, w.Length, m), DwtModes.OutputLength(width, w.Length, m) }, bands.shape);
            var full = Dwt2d.Inverse(bands, w, m);
            Assert.Equal(DwtModes.InverseLength(bands.shape[3], w.Length, m), full.shape[2]);
            Assert.True(full.shape[2] - h is 0 or 1, $"inverse height {full.shape[2]} for {h}");
            var back = Dwt2d.Inverse(bands, w, m, h, width);
            Assert.Equal(x.shape, back.shape);
            double err = WaveletFixtures.MaxAbsDiff(x, back);
            Assert.True(err < 1e-9, $"{wavelet} {mode} {h}x{width}: reconstruction error {err:E2}");
        }
    }

    [Theory]
    [InlineData("haar")]
    [InlineData("db2")]
    [InlineData("db5")]
    [InlineData("sym4")]
    [InlineData("coif3")]
    [InlineData("db20")]
    public void Orthogonal_periodization_preserves_energy(string wavelet)
    {
        var rng = new Random(wavelet.Length * 17 + wavelet[^1]);
        for (int trial = 0; trial < 4; trial++)
        {
            using var scope = NewDisposeScope();
            long h = 2 * rng.Next(1, 10), width = 2 * rng.Next(1, 10);
            torch.random.manual_seed(1000 + trial);
            var x = torch.randn(new long[] { 1, 2, h, width }, ScalarType.Float64);
            var bands = Dwt2d.Forward(x, wavelet, "periodization");
            double ex = WaveletFixtures.SumOfSquares(x), eb = WaveletFixtures.SumOfSquares(bands);
            Assert.True(Math.Abs(ex - eb) <= 1e-10 * ex, $"{wavelet} {h}x{width}: input energy {ex:R}, bands {eb:R}");
        }
    }

    [Fact]
    public void Biorthogonal_periodization_does_not_preserve_energy()
    {
        // The Parseval test above can fail: a non-orthogonal wavelet breaks it.
        torch.random.manual_seed(5);
        using var scope = NewDisposeScope();
        var x = torch.randn(new long[] { 1, 1, 8, 8 }, ScalarType.Float64);
        var bands = Dwt2d.Forward(x, "bior2.2", "periodization");
        Assert.True(Math.Abs(WaveletFixtures.SumOfSquares(x) - WaveletFixtures.SumOfSquares(bands)) > 1e-3);
    }

    [Fact]
    public void Haar_zero_mode_preserves_energy_for_any_size()
    {
        // Even sizes: an orthonormal 2x2 block transform. Odd sizes only add zeros, so energy is kept too.
        foreach (var (h, w) in new[] { (4L, 6L), (8L, 8L), (5L, 7L), (1L, 3L) })
        {
            using var scope = NewDisposeScope();
            torch.random.manual_seed(h * 100 + w);
            var x = torch.randn(new long[] { 2, 3, h, w }, ScalarType.Float64);
            double ex = WaveletFixtures.SumOfSquares(x);
            Assert.Equal(ex, WaveletFixtures.SumOfSquares(Dwt2d.Forward(x, "haar", "zero")), 10);
            Assert.Equal(ex, WaveletFixtures.SumOfSquares(Haar.Forward(x)), 10);
        }
    }

    [Fact]
    public void Gradient_of_band_energy_is_twice_the_input_for_orthogonal_periodization()
    {
        // sum(bands^2) = sum(x^2) for an orthonormal transform, so its gradient is 2x: autograd goes through the
        // index_select extension and the grouped convolutions.
        using var scope = NewDisposeScope();
        torch.random.manual_seed(11);
        var x = torch.randn(new long[] { 1, 2, 6, 10 }, ScalarType.Float64).requires_grad_(true);
        var energy = Dwt2d.Forward(x, "db3", "periodization").square().sum();
        energy.backward();
        Assert.True(WaveletFixtures.MaxAbsDiff(x.grad!, 2 * x.detach()) < 1e-10);
    }

    [Fact]
    public void Output_lengths_follow_pywt_dwt_coeff_len()
    {
        // Reference values (wavelets.md section 8): (5, 2, zero) -> 3, (64, 6, zero) -> 34; db3 on 64 gives 34, 19, 12
        // over three levels in pytorch_wavelets' docs.
        Assert.Equal(3, DwtModes.OutputLength(5, 2, DwtMode.Zero));
        Assert.Equal(34, DwtModes.OutputLength(64, 6, DwtMode.Zero));
        Assert.Equal(19, DwtModes.OutputLength(34, 6, DwtMode.Zero));
        Assert.Equal(12, DwtModes.OutputLength(19, 6, DwtMode.Zero));
        Assert.Equal(3, DwtModes.OutputLength(5, 6, DwtMode.Periodization));
        using var scope = NewDisposeScope();
        var bands = Dwt2d.Forward(torch.zeros(1, 1, 64, 19, ScalarType.Float64), "db3");
        Assert.Equal(new long[] { 1, 1, 4, 34, 12 }, bands.shape);
    }

    [Fact]
    public void Bad_input_throws_clear_argument_exceptions()
    {
        using var scope = NewDisposeScope();
        var image = torch.zeros(1, 2, 6, 6, ScalarType.Float64);

        var rank = Assert.Throws<ArgumentException>(() => Dwt2d.Forward(torch.zeros(2, 6, 6), "haar"));
        Assert.Contains("rank 4", rank.Message);
        Assert.Contains("[2, 6, 6]", rank.Message);

        var ints = Assert.Throws<ArgumentException>(() => Dwt2d.Forward(torch.zeros(new long[] { 1, 1, 4, 4 }, ScalarType.Int64), "haar"));
        Assert.Contains("floating-point", ints.Message);

        var mode = Assert.Throws<ArgumentException>(() => Dwt2d.Forward(image, "db2", "smooth"));
        Assert.Contains("'smooth'", mode.Message);
        Assert.Contains("zero, constant, symmetric, reflect, periodic, periodization", mode.Message);

        var wavelet = Assert.Throws<ArgumentException>(() => Dwt2d.Forward(image, "db99"));
        Assert.Contains("'db99'", wavelet.Message);

        var reflect = Assert.Throws<ArgumentException>(() => Dwt2d.Forward(torch.zeros(1, 1, 1, 6, ScalarType.Float64), "db2", "reflect"));
        Assert.Contains("reflect", reflect.Message);

        var empty = Assert.Throws<ArgumentException>(() => Dwt2d.Forward(torch.zeros(1, 0, 4, 4, ScalarType.Float64), "haar"));
        Assert.Contains("positive", empty.Message);

        var notStacked = Assert.Throws<ArgumentException>(() => Dwt2d.Inverse(image, "haar"));
        Assert.Contains("(N, C, 4, h, w)", notStacked.Message);

        // db4 has 8 taps: pywt's idwt2 needs at least 4 coefficients per axis outside periodization.
        var tooShort = Assert.Throws<ArgumentException>(() => Dwt2d.Inverse(torch.zeros(new long[] { 1, 1, 4, 3, 3 }, ScalarType.Float64), "db4", "zero"));
        Assert.Contains("at least 4 coefficients", tooShort.Message);
        Assert.Equal(new long[] { 1, 1, 6, 6 }, Dwt2d.Inverse(torch.zeros(new long[] { 1, 1, 4, 3, 3 }, ScalarType.Float64), "db4", "periodization").shape);

        var crop = Assert.Throws<ArgumentException>(() => Dwt2d.Inverse(Dwt2d.Forward(image, "haar"), "haar", "zero", height: 7));
        Assert.Equal("height", crop.ParamName);

        var mixed = Assert.Throws<ArgumentException>(() => Dwt2d.Inverse(image, image, image, torch.zeros(1, 2, 6, 5, ScalarType.Float64), Wavelet.Get("haar")));
        Assert.Contains("one shape", mixed.Message);
    }
}

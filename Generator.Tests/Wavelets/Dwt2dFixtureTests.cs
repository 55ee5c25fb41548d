using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>Dwt2d against pywt.dwt2 / pywt.idwt2 outputs computed by the real PyWavelets (float64, 1e-10).</summary>
public class Dwt2dFixtureTests
{
    private const double Tol = 1e-10;
    private static readonly string[] BandKeys = { "cA", "cH", "cV", "cD" };

    public static IEnumerable<object[]> ForwardCases() =>
        WaveletFixtures.Dwt.GetProperty("dwt2").EnumerateArray()
            .Select(c => new object[] { c.GetProperty("input").GetString()!, c.GetProperty("wavelet").GetString()!, c.GetProperty("mode").GetString()! });

    public static IEnumerable<object[]> InverseCases() =>
        WaveletFixtures.Dwt.GetProperty("idwt2").EnumerateArray()
            .Select(c => new object[] { c.GetProperty("wavelet").GetString()!, c.GetProperty("mode").GetString()! });

    private static JsonElement Case(string section, string input, string wavelet, string mode) =>
        WaveletFixtures.Dwt.GetProperty(section).EnumerateArray().Single(c =>
            (input == null || c.GetProperty("input").GetString() == input) &&
            c.GetProperty("wavelet").GetString() == wavelet && c.GetProperty("mode").GetString() == mode);

    [Fact]
    public void Fixture_covers_the_required_wavelets_and_modes()
    {
        var cases = ForwardCases().Select(c => ((string)c[1], (string)c[2])).ToHashSet();
        foreach (var w in new[] { "haar", "db2", "db3", "sym4", "coif1", "bior1.3", "bior2.2" })
            foreach (var m in new[] { "zero", "periodization", "symmetric" })
                Assert.Contains((w, m), cases);
        Assert.True(ForwardCases().Count() >= 60);
    }

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_equals_pywt_dwt2(string input, string wavelet, string mode)
    {
        using var scope = NewDisposeScope();
        var c = Case("dwt2", input, wavelet, mode);
        var x = WaveletFixtures.Image(WaveletFixtures.Matrix(WaveletFixtures.Dwt.GetProperty("inputs").GetProperty(input)));
        var bands = Dwt2d.Forward(x, wavelet, mode);
        Assert.Equal(ScalarType.Float64, bands.dtype);
        var w = Wavelet.Get(wavelet);
        var m = DwtModes.Parse(mode);
        Assert.Equal(new[] { 1, 1, 4, DwtModes.OutputLength(x.shape[2], w.Length, m), DwtModes.OutputLength(x.shape[3], w.Length, m) }, bands.shape);
        for (int s = 0; s < 4; s++)
            WaveletFixtures.AssertClose(WaveletFixtures.Matrix(c.GetProperty(BandKeys[s])), bands.select(2, s), Tol,
                $"{wavelet} {mode} {input} {BandKeys[s]}");
    }

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Inverse_of_pywt_bands_equals_pywt_idwt2(string input, string wavelet, string mode)
    {
        var c = Case("dwt2", input, wavelet, mode);
        if (!c.TryGetProperty("idwt2", out var expected))
        {
            // Even-sized inputs carry no idwt2 array: pywt's inverse returns the input exactly there.
            Assert.Equal("x8x8", input);
            expected = WaveletFixtures.Dwt.GetProperty("inputs").GetProperty(input);
        }
        using var scope = NewDisposeScope();
        var bands = torch.stack(BandKeys.Select(k => WaveletFixtures.Image(WaveletFixtures.Matrix(c.GetProperty(k)))).ToArray(), 2);
        var image = Dwt2d.Inverse(bands, Wavelet.Get(wavelet), DwtModes.Parse(mode));
        WaveletFixtures.AssertClose(WaveletFixtures.Matrix(expected), image, Tol, $"idwt2 {wavelet} {mode} {input}");
    }

    [Theory]
    [MemberData(nameof(InverseCases))]
    public void Inverse_of_arbitrary_coefficients_equals_pywt_idwt2(string wavelet, string mode)
    {
        using var scope = NewDisposeScope();
        var c = Case("idwt2", null!, wavelet, mode);
        var bands = BandKeys.Select(k => WaveletFixtures.Image(WaveletFixtures.Matrix(c.GetProperty(k)))).ToArray();
        var image = Dwt2d.Inverse(bands[0], bands[1], bands[2], bands[3], Wavelet.Get(wavelet), DwtModes.Parse(mode));
        WaveletFixtures.AssertClose(WaveletFixtures.Matrix(c.GetProperty("output")), image, Tol, $"idwt2 {wavelet} {mode}");
    }

    [Theory]
    [InlineData("db3", "zero")]
    [InlineData("bior2.2", "periodization")]
    [InlineData("sym4", "symmetric")]
    public void Float32_follows_pywt_to_single_precision(string wavelet, string mode)
    {
        using var scope = NewDisposeScope();
        var c = Case("dwt2", "x5x7", wavelet, mode);
        var x = WaveletFixtures.Image(WaveletFixtures.Matrix(WaveletFixtures.Dwt.GetProperty("inputs").GetProperty("x5x7"))).to_type(ScalarType.Float32);
        var bands = Dwt2d.Forward(x, wavelet, mode);
        Assert.Equal(ScalarType.Float32, bands.dtype);
        for (int s = 0; s < 4; s++)
            WaveletFixtures.AssertClose(WaveletFixtures.Matrix(c.GetProperty(BandKeys[s])), bands.select(2, s), 1e-5, $"float32 {BandKeys[s]}");
        var image = Dwt2d.Inverse(bands, wavelet, mode);
        Assert.Equal(ScalarType.Float32, image.dtype);
        WaveletFixtures.AssertClose(WaveletFixtures.Matrix(c.GetProperty("idwt2")), image, 1e-5, "float32 idwt2");
    }

    [Fact]
    public void Channels_and_batch_are_transformed_independently()
    {
        // The fixtures are single-channel; the grouped convolutions must give each (n, c) plane its own transform.
        using var scope = NewDisposeScope();
        var inputs = WaveletFixtures.Dwt.GetProperty("inputs");
        var a = WaveletFixtures.Image(WaveletFixtures.Matrix(inputs.GetProperty("x8x8")));
        var x = torch.cat(new[] { a, -2 * a, a.flip(3), a.transpose(2, 3) }, 1).reshape(2, 2, 8, 8);
        foreach (var (wavelet, mode) in new[] { ("db3", "zero"), ("bior2.2", "periodization"), ("sym4", "symmetric") })
        {
            var all = Dwt2d.Forward(x, wavelet, mode);
            var back = Dwt2d.Inverse(all, wavelet, mode);
            for (int n = 0; n < 2; n++)
                for (int ch = 0; ch < 2; ch++)
                {
                    var plane = x[n, ch].reshape(1, 1, 8, 8);
                    var single = Dwt2d.Forward(plane, wavelet, mode);
                    Assert.True(WaveletFixtures.MaxAbsDiff(single[0], all[n, ch]) < 1e-12, $"{wavelet} {mode} forward plane ({n}, {ch})");
                    var singleBack = Dwt2d.Inverse(single, wavelet, mode);
                    Assert.True(WaveletFixtures.MaxAbsDiff(singleBack[0, 0], back[n, ch]) < 1e-12, $"{wavelet} {mode} inverse plane ({n}, {ch})");
                }
        }
    }
}

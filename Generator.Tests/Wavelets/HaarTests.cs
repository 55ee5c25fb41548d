using System;
using System.Linq;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>The convolution-free Haar path against the reference's worked example, pywt and the general DWT.</summary>
public class HaarTests
{
    [Fact]
    public void Worked_example_arange_16()
    {
        // wavelets.md section 0: pywt.dwt2(arange(16).reshape(4, 4), 'haar') has cA[0,0] = 5, cH[0,0] = -4,
        // cV[0,0] = -1, cD = 0. From the 2x2 block formulas: cA = [[5, 9], [21, 25]], cH = -4, cV = -1 everywhere.
        using var scope = NewDisposeScope();
        var x = torch.arange(16, ScalarType.Float64).reshape(1, 1, 4, 4);
        foreach (var bands in new[] { Haar.Forward(x), Dwt2d.Forward(x, "haar", "zero") })
        {
            Assert.Equal(new long[] { 1, 1, 4, 2, 2 }, bands.shape);
            Assert.Equal(5.0, bands[0, 0, 0, 0, 0].item<double>(), 12);
            Assert.Equal(-4.0, bands[0, 0, 1, 0, 0].item<double>(), 12);
            Assert.Equal(-1.0, bands[0, 0, 2, 0, 0].item<double>(), 12);
            Assert.Equal(new[] { 5.0, 9.0, 21.0, 25.0 }, bands[0, 0, 0].flatten().data<double>().ToArray().Select(v => Math.Round(v, 12)));
            Assert.True(bands[0, 0, 1].add(4).abs().max().item<double>() < 1e-12);
            Assert.True(bands[0, 0, 2].add(1).abs().max().item<double>() < 1e-12);
            Assert.True(bands[0, 0, 3].abs().max().item<double>() < 1e-12);
        }
    }

    [Fact]
    public void One_dimensional_zero_mode_example()
    {
        // wavelets.md section 1: pywt.dwt([1, 2, 3, 4, 5], 'haar', mode='zero') gives cA = [3, 7, 5] / sqrt(2),
        // cD = [-1, -1, 5] / sqrt(2). As a 1x5 image the height axis adds a zero row: every band is divided by sqrt(2)
        // once more, cA lands in LL and cD in the high-along-W band.
        using var scope = NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2, 3, 4, 5 }, new long[] { 1, 1, 1, 5 });
        var bands = Haar.Forward(x);
        Assert.Equal(new long[] { 1, 1, 4, 1, 3 }, bands.shape);
        double[] ll = bands[0, 0, 0, 0].data<double>().ToArray(), highW = bands[0, 0, 2, 0].data<double>().ToArray();
        Assert.Equal(new[] { 1.5, 3.5, 2.5 }, ll.Select(v => Math.Round(v, 12)));
        Assert.Equal(new[] { -0.5, -0.5, 2.5 }, highW.Select(v => Math.Round(v, 12)));
        Assert.True(WaveletFixtures.MaxAbsDiff(bands, Dwt2d.Forward(x, "haar")) < 1e-12);
    }

    [Fact]
    public void Fast_path_equals_pywt_fixture()
    {
        foreach (var input in new[] { "x5x7", "x8x8", "x3x3" })
        {
            var c = WaveletFixtures.Dwt.GetProperty("dwt2").EnumerateArray().FirstOrDefault(e =>
                e.GetProperty("input").GetString() == input && e.GetProperty("wavelet").GetString() == "haar" &&
                e.GetProperty("mode").GetString() == "zero");
            if (c.ValueKind == System.Text.Json.JsonValueKind.Undefined) { Assert.Equal("x3x3", input); continue; }
            using var scope = NewDisposeScope();
            var x = WaveletFixtures.Image(WaveletFixtures.Matrix(WaveletFixtures.Dwt.GetProperty("inputs").GetProperty(input)));
            var bands = Haar.Forward(x);
            string[] keys = { "cA", "cH", "cV", "cD" };
            for (int s = 0; s < 4; s++)
                WaveletFixtures.AssertClose(WaveletFixtures.Matrix(c.GetProperty(keys[s])), bands.select(2, s), 1e-10, $"haar {input} {keys[s]}");
        }
    }

    [Theory]
    [InlineData(4, 6)]
    [InlineData(5, 7)]
    [InlineData(1, 1)]
    [InlineData(2, 9)]
    [InlineData(17, 16)]
    public void Fast_path_equals_the_convolution_path_and_inverts(long h, long w)
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(h * 37 + w);
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
        {
            var x = torch.randn(new long[] { 2, 3, h, w }, dtype);
            var fast = Haar.Forward(x);
            var conv = Dwt2d.Forward(x, Wavelet.Get("haar"), DwtMode.Zero);
            Assert.Equal(dtype, fast.dtype);
            Assert.Equal(conv.shape, fast.shape);
            double tol = dtype == ScalarType.Float64 ? 1e-12 : 1e-5;
            Assert.True(WaveletFixtures.MaxAbsDiff(fast, conv) < tol, $"{h}x{w} {dtype}: fast vs conv");

            var back = Haar.Inverse(fast, h, w);
            Assert.Equal(x.shape, back.shape);
            Assert.True(WaveletFixtures.MaxAbsDiff(back, x) < tol, $"{h}x{w} {dtype}: reconstruction");
            var convBack = Dwt2d.Inverse(fast, Wavelet.Get("haar"), DwtMode.Zero, h, w);
            Assert.True(WaveletFixtures.MaxAbsDiff(back, convBack) < tol, $"{h}x{w} {dtype}: fast vs conv inverse");
        }
    }

    [Fact]
    public void Band_major_layout_is_HWD_channel_s_times_C_plus_c()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(3);
        long n = 2, c = 3;
        var x = torch.randn(new long[] { n, c, 6, 4 }, ScalarType.Float64);
        var bands = Haar.Forward(x);
        var hwd = Haar.Forward(x, BandLayout.BandMajor);
        Assert.Equal(new long[] { n, 4 * c, 3, 2 }, hwd.shape);
        for (long s = 0; s < 4; s++)
            for (long ch = 0; ch < c; ch++)
                Assert.True(WaveletFixtures.MaxAbsDiff(hwd.select(1, s * c + ch), bands.select(1, ch).select(1, s)) == 0, $"band {s} channel {ch}");
        // HWD builds it as cat([yL, yH[:,:,0], yH[:,:,1], yH[:,:,2]], dim=1).
        var cat = torch.cat(Enumerable.Range(0, 4).Select(s => bands.select(2, s)).ToArray(), 1);
        Assert.True(WaveletFixtures.MaxAbsDiff(hwd, cat) == 0);
        Assert.True(WaveletFixtures.MaxAbsDiff(Haar.Inverse(hwd, BandLayout.BandMajor), x) < 1e-12);
        Assert.True(WaveletFixtures.MaxAbsDiff(WaveletBands.FromChannels(hwd, BandLayout.BandMajor), bands) == 0);
    }

    [Fact]
    public void Channel_major_layout_is_WTConv_channel_c_times_4_plus_s()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(4);
        long n = 2, c = 3;
        var x = torch.randn(new long[] { n, c, 4, 8 }, ScalarType.Float32);
        var bands = Haar.Forward(x);
        var wt = Haar.Forward(x, BandLayout.ChannelMajor);
        Assert.Equal(new long[] { n, 4 * c, 2, 4 }, wt.shape);
        for (long s = 0; s < 4; s++)
            for (long ch = 0; ch < c; ch++)
                Assert.True(WaveletFixtures.MaxAbsDiff(wt.select(1, ch * 4 + s), bands.select(1, ch).select(1, s)) == 0, $"band {s} channel {ch}");
        // The two layouts differ as soon as C > 1.
        Assert.True(WaveletFixtures.MaxAbsDiff(wt, Haar.Forward(x, BandLayout.BandMajor)) > 0.1);
        Assert.True(WaveletFixtures.MaxAbsDiff(Haar.Inverse(wt, BandLayout.ChannelMajor), x) < 1e-5);
    }

    [Fact]
    public void Butterfly_formulas_per_block()
    {
        // Values straight from the section 0 table for one 2x2 block a b / c d.
        using var scope = NewDisposeScope();
        double a = 1.5, b = -2, c = 4, d = 0.25;
        var x = torch.tensor(new[] { a, b, c, d }, new long[] { 1, 1, 2, 2 });
        var bands = Haar.Forward(x).flatten().data<double>().ToArray();
        Assert.Equal((a + b + c + d) / 2, bands[0], 14);
        Assert.Equal((a + b - c - d) / 2, bands[1], 14);
        Assert.Equal((a - b + c - d) / 2, bands[2], 14);
        Assert.Equal((a - b - c + d) / 2, bands[3], 14);
    }

    [Fact]
    public void Bad_input_throws_clear_argument_exceptions()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => Haar.Forward(torch.zeros(4, 4))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => Haar.Forward(torch.zeros(new long[] { 1, 1, 2, 2 }, ScalarType.Int32))).Message);
        Assert.Contains("(N, C, 4, h, w)", Assert.Throws<ArgumentException>(() => Haar.Inverse(torch.zeros(new long[] { 1, 1, 3, 2, 2 }))).Message);
        Assert.Contains("multiple of 4", Assert.Throws<ArgumentException>(() => Haar.Inverse(torch.zeros(1, 6, 2, 2), BandLayout.BandMajor)).Message);
        Assert.Equal("width", Assert.Throws<ArgumentException>(() => Haar.Inverse(torch.zeros(new long[] { 1, 1, 4, 2, 2 }), 4, 5)).ParamName);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Pyramids;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using P = NetDsl.Generator.Tests.Pyramids.PyramidFixtures;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Pyramids;

/// <summary>
/// <see cref="SpatialPyramidPooling"/> against PyTorch's adaptive pooling (spp.json: outputs at awkward sizes and the
/// adaptive bins read back from PyTorch), the output-size rule C·Σn² and sppnet-pytorch's fc1 width.
/// </summary>
public class SpatialPyramidPoolingTests
{
    public static IEnumerable<object[]> BinCases => P.Indices(P.Spp.GetProperty("adaptive_bins").GetArrayLength());

    public static IEnumerable<object[]> Cases => P.Indices(P.Spp.GetProperty("cases").GetArrayLength());

    [Theory]
    [MemberData(nameof(BinCases))]
    public void Bins_are_pytorchs_adaptive_bins(int index)
    {
        var e = P.Spp.GetProperty("adaptive_bins")[index];
        long a = e.GetProperty("a").GetInt64(), n = e.GetProperty("n").GetInt64();
        var expected = e.GetProperty("bins").EnumerateArray().Select(b => (b[0].GetInt64(), b[1].GetInt64())).ToList();
        Assert.Equal(n, expected.Count);
        var actual = Enumerable.Range(0, (int)n).Select(i => SpatialPyramidPooling.Bin(i, n, a)).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal(expected, Enumerable.Range(0, (int)n).Select(i => ShapeMath.AdaptiveBin(i, n, a)).ToList());
        // Every bin is non-empty and the bins cover the axis.
        Assert.All(actual, b => Assert.True(b.End > b.Start));
        Assert.Equal(0, actual[0].Start);
        Assert.Equal(a, actual[^1].End);
    }

    [Fact]
    public void Bins_of_the_reference_examples()
    {
        // pyramids.md section 4: a = 13, n = 4 and a = 10, n = 6 (overlapping bins); a < n repeats cells.
        Assert.Equal(new[] { (0L, 4L), (3L, 7L), (6L, 10L), (9L, 13L) }, Enumerable.Range(0, 4).Select(i => SpatialPyramidPooling.Bin(i, 4, 13)));
        Assert.Equal(new[] { (0L, 2L), (1L, 4L), (3L, 5L), (5L, 7L), (6L, 9L), (8L, 10L) },
                     Enumerable.Range(0, 6).Select(i => SpatialPyramidPooling.Bin(i, 6, 10)));
        Assert.Equal(new[] { (0L, 1L), (0L, 1L), (0L, 1L) }, Enumerable.Range(0, 3).Select(i => SpatialPyramidPooling.Bin(i, 3, 1)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_pytorch_adaptive_pooling(int index)
    {
        var c = P.Spp.GetProperty("cases")[index];
        var bins = c.GetProperty("bins").EnumerateArray().Select(b => b.GetInt64()).ToArray();
        var mode = c.GetProperty("mode").GetString() == "max" ? PyramidPoolMode.Max : PyramidPoolMode.Average;
        using var spp = new SpatialPyramidPooling(bins, mode);
        using var scope = NewDisposeScope();
        foreach (var (dtype, tol) in new[] { (ScalarType.Float64, 1e-7), (ScalarType.Float32, 1e-4) })
        {
            var x = P.Input(P.Spp, c.GetProperty("input").GetString()!, dtype);
            var y = spp.call(x);
            Assert.Equal(P.Shape(c.GetProperty("shape")), y.shape);
            Assert.Equal(spp.OutputFeaturesFor(x.shape[1]), y.shape[1]);
            W.AssertClose(P.Values(c.GetProperty("output")), y, tol, $"SPP {mode} [{string.Join(", ", bins)}] {dtype}");
        }
    }

    [Fact]
    public void Fixture_covers_the_awkward_sizes()
    {
        var pairs = P.Spp.GetProperty("adaptive_bins").EnumerateArray().Select(e => (e.GetProperty("a").GetInt64(), e.GetProperty("n").GetInt64())).ToList();
        Assert.Contains((13L, 4L), pairs);
        Assert.Contains((5L, 6L), pairs);
        // The 13x5 input pools its width of 5 into 6 bins (a < n) in both modes.
        var cases = P.Spp.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("input").GetString() == "n1c2h13w5").ToList();
        Assert.Equal(new[] { "average", "max" }, cases.Select(c => c.GetProperty("mode").GetString()).OrderBy(m => m));
        Assert.All(cases, c => Assert.Contains(6L, c.GetProperty("bins").EnumerateArray().Select(b => b.GetInt64())));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(2, 3)]
    [InlineData(3, 100)]
    [InlineData(13, 13)]
    [InlineData(24, 17)]
    public void Output_has_C_times_21_features_for_any_input_size(long h, long w)
    {
        using var spp = new SpatialPyramidPooling();
        Assert.Equal(new long[] { 4, 2, 1 }, spp.Bins);
        Assert.Equal(PyramidPoolMode.Max, spp.Mode);
        using var scope = NewDisposeScope();
        var y = spp.call(torch.randn(2, 5, h, w));
        Assert.Equal(new long[] { 2, 5 * 21 }, y.shape);
        using var avg = new SpatialPyramidPooling(new long[] { 6, 3 }, PyramidPoolMode.Average);
        Assert.Equal(new long[] { 2, 5 * 45 }, avg.call(torch.randn(2, 5, h, w)).shape);
    }

    [Fact]
    public void Output_features_formula_and_sppnets_fc1_width()
    {
        Assert.Equal(10_752, SpatialPyramidPooling.OutputFeatures(512, new long[] { 4, 2, 1 })); // sppnet-pytorch fc1 input
        Assert.Equal(256 * 21, SpatialPyramidPooling.OutputFeatures(256, SpatialPyramidPooling.DefaultBins));
        Assert.Equal(3 * (36 + 9 + 1), SpatialPyramidPooling.OutputFeatures(3, new long[] { 6, 3, 1 }));
        Assert.Equal(3 * (36 + 9 + 1), ShapeMath.SpatialPyramidFeatures(3, new long[] { 6, 3, 1 }));
        using var spp = new SpatialPyramidPooling(new long[] { 3, 1 });
        Assert.Equal(7 * 10, spp.OutputFeaturesFor(7));
    }

    [Fact]
    public void Levels_are_concatenated_in_order_and_flattened_channel_major()
    {
        // Channel c holds 100·c + 10·i + j on a 2x2 map; levels {2, 1} with max pooling.
        using var scope = NewDisposeScope();
        var values = new List<double>();
        for (int c = 0; c < 2; c++) for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) values.Add(100 * c + 10 * i + j);
        var x = torch.tensor(values.ToArray(), new long[] { 1, 2, 2, 2 });
        using var spp = new SpatialPyramidPooling(new long[] { 2, 1 });
        var y = spp.call(x).data<double>().ToArray();
        Assert.Equal(new double[] { 0, 1, 10, 11, 100, 101, 110, 111, 11, 111 }, y);
        using var avg = new SpatialPyramidPooling(new long[] { 1 }, PyramidPoolMode.Average);
        Assert.Equal(new double[] { 5.5, 105.5 }, avg.call(x).data<double>().ToArray());
    }

    [Fact]
    public void Has_no_state_and_passes_gradients()
    {
        using var spp = new SpatialPyramidPooling();
        Assert.True(spp.state_dict().Count == 0, "SPP has no parameters or buffers");
        Assert.Empty(spp.named_children().ToList());
        using var scope = NewDisposeScope();
        var x = torch.randn(2, 3, 9, 7).requires_grad_(true);
        spp.call(x).sum().backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Bad_arguments_and_inputs_are_clear_argument_exceptions()
    {
        Assert.Contains("must not be empty", Assert.Throws<ArgumentException>(() => new SpatialPyramidPooling(Array.Empty<long>())).Message);
        Assert.Contains("at least 1", Assert.Throws<ArgumentException>(() => new SpatialPyramidPooling(new long[] { 4, 0 })).Message);
        Assert.Contains("SpatialPyramidPooling", Assert.Throws<ArgumentException>(() => new SpatialPyramidPooling(mode: (PyramidPoolMode)7)).Message);
        Assert.Throws<ArgumentException>(() => SpatialPyramidPooling.OutputFeatures(0, new long[] { 1 }));
        Assert.Throws<ArgumentException>(() => SpatialPyramidPooling.Bin(4, 4, 13));
        Assert.Throws<ArgumentException>(() => SpatialPyramidPooling.Bin(0, 4, 0));
        using var spp = new SpatialPyramidPooling();
        using var scope = NewDisposeScope();
        Assert.Contains("rank 4", Assert.Throws<ArgumentException>(() => spp.call(torch.randn(3, 8, 8))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => spp.call(torch.ones(1, 3, 8, 8, ScalarType.Int64))).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => spp.call(torch.randn(new long[] { 1, 3, 0, 8 }))).Message);
        Assert.Throws<ArgumentNullException>(() => spp.call(null!));
    }
}

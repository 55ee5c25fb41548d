using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>The PyWavelets fixtures (tools/make_wavelet_fixtures.py) and small tensor helpers for the wavelet tests.</summary>
internal static class WaveletFixtures
{
    private static readonly Lazy<JsonDocument> FiltersDoc = new(() => Load("filters.json"));
    private static readonly Lazy<JsonDocument> DwtDoc = new(() => Load("dwt2.json"));

    public static JsonElement Filters => FiltersDoc.Value.RootElement.GetProperty("wavelets");

    public static JsonElement Dwt => DwtDoc.Value.RootElement;

    private static JsonDocument Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "wavelets", name);
        Assert.True(File.Exists(path), $"fixture {path} is missing (regenerate with tools/make_wavelet_fixtures.py)");
        return JsonDocument.Parse(File.ReadAllText(path));
    }

    public static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static double[,] Matrix(JsonElement e)
    {
        var rows = e.EnumerateArray().Select(Vector).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[i].Length; j++)
                m[i, j] = rows[i][j];
        return m;
    }

    /// <summary>A 2-D array as a (1, 1, H, W) float64 tensor.</summary>
    public static Tensor Image(double[,] m)
    {
        int h = m.GetLength(0), w = m.GetLength(1);
        var flat = new double[h * w];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
                flat[i * w + j] = m[i, j];
        return torch.tensor(flat, new long[] { 1, 1, h, w }, ScalarType.Float64);
    }

    /// <summary>Asserts a 2-D tensor (after squeezing leading 1s) equals the expected matrix within tol (absolute).</summary>
    public static double AssertClose(double[,] expected, Tensor actual, double tol, string what)
    {
        var t = actual.to_type(ScalarType.Float64).contiguous();
        while (t.dim() > 2) t = t.squeeze(0);
        Assert.True(t.dim() == 2, $"{what}: expected a 2-D result, got rank {t.dim()}");
        Assert.Equal(new long[] { expected.GetLength(0), expected.GetLength(1) }, t.shape);
        var values = t.data<double>().ToArray();
        int w = expected.GetLength(1);
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double err = Math.Abs(values[i] - expected[i / w, i % w]);
            worst = Math.Max(worst, err);
            Assert.True(err <= tol, $"{what}: element ({i / w}, {i % w}) is {values[i]:R}, pywt has {expected[i / w, i % w]:R} (|diff| {err:E2} > {tol:E0})");
        }
        return worst;
    }

    public static double MaxAbsDiff(Tensor a, Tensor b) =>
        (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();

    public static double SumOfSquares(Tensor t) => t.to_type(ScalarType.Float64).square().sum().item<double>();

    public static IEnumerable<object[]> Indices(int count) => Enumerable.Range(0, count).Select(i => new object[] { i });
}

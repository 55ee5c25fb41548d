using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Pyramids;

/// <summary>
/// The pyramid fixtures (tools/make_pyramid_fixtures.py, real PyTorch 1.13 / torchvision 0.14): <c>heads.json</c>
/// (torchvision ASPP, DeepLabHead, FCNHead; DeepLab v2 ASPP), <c>spp.json</c> (adaptive pooling) and <c>speed.json</c>
/// (DSPP, MDSPP). Weights and inputs are sine recipes written in the files; the weight recipe, loading, comparison and
/// state_dict listing are the wavelet module fixtures' (<see cref="W"/>).
/// </summary>
internal static class PyramidFixtures
{
    private static readonly Dictionary<string, JsonDocument> Docs = new();

    /// <summary>The root of <c>Fixtures/pyramids/{name}.json</c>.</summary>
    public static JsonElement File(string name)
    {
        lock (Docs)
        {
            if (!Docs.TryGetValue(name, out var doc))
            {
                var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "pyramids", name + ".json");
                Assert.True(System.IO.File.Exists(path), $"fixture {path} is missing (regenerate with tools/make_pyramid_fixtures.py)");
                doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
                Docs[name] = doc;
            }
            return doc.RootElement;
        }
    }

    public static JsonElement Heads => File("heads");

    public static JsonElement Spp => File("spp");

    public static JsonElement Speed => File("speed");

    public static long[] Shape(JsonElement e) => W.Shape(e);

    public static double[] Values(JsonElement e) => W.Values(e);

    /// <summary>
    /// The fixture input <paramref name="name"/> of <paramref name="root"/>: value[i] = amp·sin(freq·(i + 1) + phase) in
    /// double, checked against the sum and first values the script wrote, then converted to <paramref name="dtype"/>.
    /// </summary>
    public static Tensor Input(JsonElement root, string name, ScalarType dtype)
    {
        var e = root.GetProperty("inputs").GetProperty(name);
        var shape = Shape(e.GetProperty("shape"));
        double amp = e.GetProperty("amp").GetDouble(), freq = e.GetProperty("freq").GetDouble(), phase = e.GetProperty("phase").GetDouble();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = amp * Math.Sin(freq * (i + 1) + phase);
        var first = Values(e.GetProperty("first"));
        for (int i = 0; i < first.Length; i++)
            Assert.True(Math.Abs(first[i] - values[i]) < 1e-14, $"input {name}[{i}] is {values[i]:R}, the script had {first[i]:R}");
        Assert.True(Math.Abs(e.GetProperty("sum").GetDouble() - values.Sum()) < 1e-9, $"input {name}: the sum differs from the script's");
        return torch.tensor(values, shape, ScalarType.Float64).to_type(dtype);
    }

    /// <summary>Asserts our state_dict has the fixture's keys and shapes, in PyTorch's order within parameters and
    /// within buffers (TorchSharp lists all parameters before the buffers).</summary>
    public static void AssertSameStateDict(JsonElement listing, nn.Module module, string what)
    {
        var expected = listing.EnumerateArray()
            .Select(e => (Key: e.GetProperty("key").GetString()!, Shape: Shape(e.GetProperty("shape")),
                          IsParam: e.GetProperty("kind").GetString() == "param"))
            .ToList();
        var actual = W.Listing(module);
        Assert.Equal(expected.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal),
                     actual.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(expected.Where(e => e.IsParam).Select(e => e.Key), actual.Where(e => e.IsParam).Select(e => e.Key));
        Assert.Equal(expected.Where(e => !e.IsParam).Select(e => e.Key), actual.Where(e => !e.IsParam).Select(e => e.Key));
        foreach (var e in expected)
        {
            var a = actual.Single(r => r.Key == e.Key);
            Assert.True(e.Shape.SequenceEqual(a.Shape), $"{what}: {e.Key} has shape [{string.Join(", ", a.Shape)}], PyTorch [{string.Join(", ", e.Shape)}]");
            Assert.True(e.IsParam == a.IsParam, $"{what}: {e.Key} is a {(a.IsParam ? "parameter" : "buffer")} here");
        }
    }

    /// <summary>
    /// Fills <paramref name="module"/> (converted to <paramref name="dtype"/>, eval mode) with the fixture weights of
    /// <paramref name="entry"/>, runs case <paramref name="index"/> and compares the stored part of the output
    /// (<paramref name="stored"/> selects it) within <paramref name="tol"/>. Returns the full output.
    /// </summary>
    public static Tensor AssertCase(JsonElement root, JsonElement entry, int index, nn.Module<Tensor, Tensor> module,
                                    ScalarType dtype, double tol, string what, Func<Tensor, Tensor, Tensor>? stored = null)
    {
        module.to(dtype);
        var filled = W.Load(module, entry.GetProperty("weights"));
        Assert.Equal(entry.GetProperty("state_dict").EnumerateArray().Count(e => !e.GetProperty("key").GetString()!.EndsWith("num_batches_tracked")),
                     filled.Count);
        module.eval();
        var c = entry.GetProperty("cases")[index];
        using var noGrad = torch.no_grad();
        var x = Input(root, c.GetProperty("input").GetString()!, dtype);
        var y = module.call(x);
        Assert.Equal(Shape(c.GetProperty("shape")), y.shape);
        Assert.Equal(dtype, y.dtype);
        W.AssertClose(Values(c.GetProperty("output")), stored is null ? y : stored(y, x), tol, $"{what} on {c.GetProperty("input")} ({dtype})");
        return y;
    }

    public static IEnumerable<object[]> Indices(int count) => Enumerable.Range(0, count).Select(i => new object[] { i });
}

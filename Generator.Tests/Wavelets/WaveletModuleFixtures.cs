using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>
/// The PyTorch module fixtures (tools/make_wavelet_module_fixtures.py): inputs, the weights-by-key recipe, state_dict
/// listings and outputs of HWD, the strided-conv downsampler and WTConv2d.
/// </summary>
internal static class WaveletModuleFixtures
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "wavelet_modules", "modules.json");
        Assert.True(File.Exists(path), $"fixture {path} is missing (regenerate with tools/make_wavelet_module_fixtures.py)");
        return JsonDocument.Parse(File.ReadAllText(path));
    });

    public static JsonElement Root => Doc.Value.RootElement;

    public static JsonElement Hwd => Root.GetProperty("hwd");

    public static JsonElement Strided => Root.GetProperty("strided");

    public static JsonElement WTConv => Root.GetProperty("wtconv");

    public static JsonElement[] WTConvCases => WTConv.GetProperty("cases").EnumerateArray().ToArray();

    public static long[] Shape(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    public static double[] Values(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>A named fixture input as a tensor of the given dtype.</summary>
    public static Tensor Input(string name, ScalarType dtype)
    {
        var e = Root.GetProperty("inputs").GetProperty(name);
        return torch.tensor(Values(e.GetProperty("values")), Shape(e.GetProperty("shape")), ScalarType.Float64).to_type(dtype);
    }

    /// <summary>value[i] = offset + amp * sin(freq * (i + 1) + phase), computed in double, as the fixture script.</summary>
    public static double[] Recipe(JsonElement row, long count)
    {
        double amp = row.GetProperty("amp").GetDouble(), freq = row.GetProperty("freq").GetDouble();
        double phase = row.GetProperty("phase").GetDouble(), offset = row.GetProperty("offset").GetDouble();
        var values = new double[count];
        for (long i = 0; i < count; i++) values[i] = offset + amp * Math.Sin(freq * (i + 1) + phase);
        return values;
    }

    /// <summary>
    /// Loads the recipe's weights into <paramref name="module"/> by state_dict key with a strict
    /// <c>load_state_dict</c> (every other entry, e.g. fixed filters, keeps its value unless <paramref name="overrides"/>
    /// gives one). Returns the keys that were filled.
    /// </summary>
    public static List<string> Load(nn.Module module, JsonElement weights, IDictionary<string, Tensor>? overrides = null)
    {
        var current = module.state_dict();
        var source = new Dictionary<string, Tensor>();
        foreach (var (key, value) in current) source[key] = value.clone();
        var filled = new List<string>();
        foreach (var row in weights.EnumerateArray())
        {
            var key = row.GetProperty("key").GetString()!;
            Assert.True(current.ContainsKey(key), $"the fixture fills '{key}', which our module does not have");
            var target = current[key];
            source[key] = torch.tensor(Recipe(row, target.numel()), target.shape, ScalarType.Float64).to_type(target.dtype);
            filled.Add(key);
        }
        if (overrides is not null)
            foreach (var (key, value) in overrides) source[key] = value.to_type(current[key].dtype);
        var (missing, unexpected) = module.load_state_dict(source, strict: true);
        Assert.Empty(missing);
        Assert.Empty(unexpected);
        return filled;
    }

    /// <summary>Asserts two tensors have the same shape and agree within an absolute tolerance; returns the worst error.</summary>
    public static double AssertClose(double[] expected, Tensor actual, double tol, string what)
    {
        var values = actual.to_type(ScalarType.Float64).contiguous().flatten().data<double>().ToArray();
        Assert.True(expected.Length == values.Length, $"{what}: expected {expected.Length} values, got {values.Length}");
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double err = Math.Abs(values[i] - expected[i]);
            worst = Math.Max(worst, err);
            Assert.True(err <= tol, $"{what}: element {i} is {values[i]:R}, PyTorch has {expected[i]:R} (|diff| {err:E2} > {tol:E0})");
        }
        return worst;
    }

    /// <summary>Our state_dict as (key, shape, param|buffer) rows.</summary>
    public static List<(string Key, long[] Shape, bool IsParam)> Listing(nn.Module module)
    {
        var parameters = module.named_parameters().Select(p => p.name).ToHashSet();
        return module.state_dict().Select(kv => (kv.Key, kv.Value.shape, parameters.Contains(kv.Key))).ToList();
    }
}

using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetDsl.Octave;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Octave;

/// <summary>
/// The PyTorch octave fixtures (tools/make_octave_fixtures.py, Fixtures/octave/octave.json): inputs, per case the
/// constructor arguments, the state_dict listing, the weights-by-key recipe, PyTorch's measured multiply-adds and the
/// eval-mode outputs of both frequencies.
/// </summary>
internal static class OctaveFixtures
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "octave", "octave.json");
        Assert.True(File.Exists(path), $"fixture {path} is missing (regenerate with tools/make_octave_fixtures.py)");
        return JsonDocument.Parse(File.ReadAllText(path));
    });

    public static JsonElement Root => Doc.Value.RootElement;

    public static JsonElement[] Cases => Root.GetProperty("cases").EnumerateArray().ToArray();

    public static JsonElement Case(string name) => Cases.Single(c => c.GetProperty("name").GetString() == name);

    public static string Kind(JsonElement c) => c.GetProperty("kind").GetString()!;

    public static long Long(JsonElement c, string key) => c.GetProperty(key).GetInt64();

    public static double Double(JsonElement c, string key) => c.GetProperty(key).GetDouble();

    public static bool Bool(JsonElement c, string key) => c.GetProperty(key).GetBoolean();

    /// <summary>A named fixture input as a tensor of the given dtype.</summary>
    public static Tensor Input(string name, ScalarType dtype)
    {
        var e = Root.GetProperty("inputs").GetProperty(name);
        return torch.tensor(W.Values(e.GetProperty("values")), W.Shape(e.GetProperty("shape")), ScalarType.Float64).to_type(dtype);
    }

    /// <summary>The case's input pair (a plain tensor, i.e. no low part, for a first layer).</summary>
    public static OctaveTensor Pair(JsonElement c, ScalarType dtype)
    {
        var high = Input(c.GetProperty("high_input").GetString()!, dtype);
        var lowName = c.GetProperty("low_input");
        return lowName.ValueKind == JsonValueKind.Null ? high : new OctaveTensor(high, Input(lowName.GetString()!, dtype));
    }

    /// <summary>Builds the case's module with our classes and the case's constructor arguments.</summary>
    public static nn.Module<OctaveTensor, OctaveTensor> Build(JsonElement c)
    {
        string kind = Kind(c);
        if (kind == "bn") return new OctaveBatchNorm2d(Long(c, "channels"), Double(c, "alpha"));
        long cin = Long(c, "in_channels"), cout = Long(c, "out_channels"), k = Long(c, "kernel_size");
        double aIn = Double(c, "alpha_in"), aOut = Double(c, "alpha_out");
        long s = Long(c, "stride"), p = Long(c, "padding"), d = Long(c, "dilation"), g = Long(c, "groups");
        bool bias = Bool(c, "bias");
        return kind switch
        {
            "conv" => new OctaveConv2d(cin, cout, k, aIn, aOut, s, p, d, g, bias),
            "conv_bn" => new OctaveConvBn(cin, cout, k, aIn, aOut, s, p, d, g, bias),
            "conv_bn_act" => new OctaveConvBnAct(cin, cout, k, aIn, aOut, s, p, d, g, bias),
            _ => throw new InvalidOperationException($"unknown fixture kind {kind}"),
        };
    }

    /// <summary>Asserts one frequency of an output against the case (shape and values), or that it is absent.</summary>
    public static void AssertFrequency(JsonElement c, string which, Tensor? actual, double tol)
    {
        string name = c.GetProperty("name").GetString()!;
        var shape = c.GetProperty(which + "_shape");
        if (shape.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{name}: PyTorch has no {which} output, ours is [{(actual is null ? "" : string.Join(", ", actual.shape))}]");
            return;
        }
        Assert.True(actual is not null, $"{name}: PyTorch has a {which} output, ours is null");
        Assert.Equal(W.Shape(shape), actual!.shape);
        W.AssertClose(W.Values(c.GetProperty(which)), actual, tol, $"{name} {which}");
    }
}

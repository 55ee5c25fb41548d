using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using P = NetDsl.Generator.Tests.Pyramids.PyramidFixtures;
using W = NetDsl.Generator.Tests.Wavelets.WaveletModuleFixtures;

namespace NetDsl.Generator.Tests.Infrastructure;

/// <summary>
/// The model-zoo fixtures in <c>Fixtures/zoo/</c> (tools/make_zoo_fixtures.py from torchvision 0.14, tools/wtconvnext_port.py
/// for WTConvNeXt): state_dict listings (<c>{name}_state_dict.tsv</c>: key, shape, param / fixed / buffer after a
/// <c>#</c> header ending in <c>total_params N</c>) and output fixtures (<c>{name}.json</c>: listing, weights recipe
/// by key, inputs by recipe, logits, pooled features and per-module sums). Weights and inputs load through the wavelet
/// and pyramid fixture helpers (<see cref="W.Load"/>, <see cref="P.Input"/>), whose recipe the files share.
/// </summary>
internal static class ZooFixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "zoo");

    /// <summary>One state_dict entry. Kind is "param" (trainable), "fixed" (a requires_grad=False Parameter) or "buffer".</summary>
    public sealed record Entry(string Key, long[] Shape, string Kind)
    {
        public bool IsParameter => Kind != "buffer";

        public long Numel => Shape.Aggregate(1L, (a, d) => a * d);

        /// <summary>The line as the TSV writes it: key, shape (<c>64x3x7x7</c>, <c>scalar</c>), kind.</summary>
        public string Line => $"{Key}\t{ShapeText(Shape)}\t{Kind}";
    }

    /// <summary>A state_dict listing: the header line, its <c>total_params</c> and the entries in PyTorch's order.</summary>
    public sealed record Listing(string Name, string Header, long TotalParams, IReadOnlyList<Entry> Entries)
    {
        /// <summary>Σ numel over the parameters (trainable and fixed), which PyTorch's <c>parameters()</c> counts.</summary>
        public long CountedParams => Entries.Where(e => e.IsParameter).Sum(e => e.Numel);

        /// <summary>A <c>label N</c> field of the header (<c>trainable</c>, <c>fixed</c>), or null.</summary>
        public long? HeaderCount(string label)
        {
            foreach (var field in Header.TrimStart('#').Split(';').Select(f => f.Trim()))
                if (field.StartsWith(label + " ", StringComparison.Ordinal) &&
                    long.TryParse(field.Substring(label.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    return n;
            return null;
        }
    }

    /// <summary>The names with a listing (<c>resnet50</c> for <c>resnet50_state_dict.tsv</c>), sorted.</summary>
    public static IReadOnlyList<string> ListingNames() =>
        System.IO.Directory.GetFiles(Directory, "*_state_dict.tsv")
            .Select(p => Path.GetFileName(p)[..^"_state_dict.tsv".Length]).OrderBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>The names with an output fixture (<c>resnet18</c> for <c>resnet18.json</c>), sorted.</summary>
    public static IReadOnlyList<string> OutputNames() =>
        System.IO.Directory.GetFiles(Directory, "*.json")
            .Select(p => Path.GetFileNameWithoutExtension(p)).OrderBy(n => n, StringComparer.Ordinal).ToList();

    public static Listing LoadListing(string name)
    {
        var path = Path.Combine(Directory, name + "_state_dict.tsv");
        Assert.True(File.Exists(path), $"fixture {path} is missing (regenerate with tools/make_zoo_fixtures.py or tools/wtconvnext_port.py)");
        var lines = File.ReadAllLines(path);
        Assert.True(lines.Length > 1 && lines[0].StartsWith('#'), $"{name}: no '#' header");
        const string marker = "total_params ";
        int at = lines[0].LastIndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{name}: no total_params in the header");
        long total = long.Parse(lines[0].Substring(at + marker.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        var entries = lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split('\t');
            Assert.True(cells.Length == 3, $"{name}: '{l}' is not key, shape, kind");
            Assert.Contains(cells[2], new[] { "param", "fixed", "buffer" });
            var shape = cells[1] == "scalar" ? Array.Empty<long>()
                : cells[1].Split('x').Select(s => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            return new Entry(cells[0], shape, cells[2]);
        }).ToList();
        return new Listing(name, lines[0], total, entries);
    }

    private static readonly Dictionary<string, JsonDocument> Docs = new();

    /// <summary>The root of <c>Fixtures/zoo/{name}.json</c> (parsed once).</summary>
    public static JsonElement Output(string name)
    {
        lock (Docs)
        {
            if (!Docs.TryGetValue(name, out var doc))
            {
                var path = Path.Combine(Directory, name + ".json");
                Assert.True(File.Exists(path), $"fixture {path} is missing (regenerate with tools/make_zoo_fixtures.py or tools/wtconvnext_port.py)");
                doc = JsonDocument.Parse(File.ReadAllText(path));
                Docs[name] = doc;
            }
            return doc.RootElement;
        }
    }

    /// <summary>The JSON listing of an output fixture as entries.</summary>
    public static List<Entry> Entries(JsonElement root) =>
        root.GetProperty("state_dict").EnumerateArray()
            .Select(e => new Entry(e.GetProperty("key").GetString()!, W.Shape(e.GetProperty("shape")), e.GetProperty("kind").GetString()!))
            .ToList();

    /// <summary>The input of a case, rebuilt from its recipe (checked against the sum and first values the script wrote).</summary>
    public static Tensor Input(JsonElement root, JsonElement @case, ScalarType dtype) =>
        P.Input(root, @case.GetProperty("input").GetString()!, dtype);

    /// <summary>Fills <paramref name="module"/> by key with the fixture's recipe (strict; unlisted entries keep their values).</summary>
    public static List<string> LoadWeights(nn.Module module, JsonElement root) => W.Load(module, root.GetProperty("weights"));

    /// <summary>The module's state_dict as lines in PyTorch's order: the module tree in pre-order through
    /// <c>named_children()</c>, each module's own parameters, then its own buffers (TorchSharp's <c>state_dict()</c>
    /// lists all parameters first). Parameters without requires_grad are "fixed".</summary>
    public static List<string> PyTorchOrder(nn.Module module)
    {
        var lines = new List<string>();
        void Visit(string prefix, nn.Module m)
        {
            foreach (var (key, p) in m.named_parameters(recurse: false))
                lines.Add($"{prefix}{key}\t{ShapeText(p.shape)}\t{(p.requires_grad ? "param" : "fixed")}");
            foreach (var (key, b) in m.named_buffers(recurse: false)) lines.Add($"{prefix}{key}\t{ShapeText(b.shape)}\tbuffer");
            foreach (var (name, child) in m.named_children()) Visit(prefix + name + ".", child);
        }
        Visit("", module);
        return lines;
    }

    /// <summary>Asserts the module has the listing's entries, in PyTorch's order, with their shapes and kinds; the first
    /// difference is reported.</summary>
    public static void AssertStateDict(IReadOnlyList<Entry> expected, nn.Module module, string what)
    {
        var want = expected.Select(e => e.Line).ToList();
        var got = PyTorchOrder(module);
        int n = Math.Min(want.Count, got.Count);
        int first = Enumerable.Range(0, n).FirstOrDefault(i => want[i] != got[i], n);
        Assert.True(first == n && want.Count == got.Count,
            $"{what}: state_dict differs at entry {first}: PyTorch '{(first < want.Count ? want[first] : "<end>")}', " +
            $"ours '{(first < got.Count ? got[first] : "<end>")}' ({want.Count} expected entries, {got.Count} ours)");
    }

    /// <summary>The tolerance scale of a case: the logits' RMS, at least 1 (float32 errors grow with the values).</summary>
    public static double Scale(JsonElement @case)
    {
        double count = W.Shape(@case.GetProperty("shape")).Aggregate(1L, (a, d) => a * d);
        return Math.Max(1, Math.Sqrt(@case.GetProperty("sum_of_squares").GetDouble() / count));
    }

    public static string ShapeText(IReadOnlyList<long> shape) => shape.Count == 0 ? "scalar" : string.Join("x", shape);
}

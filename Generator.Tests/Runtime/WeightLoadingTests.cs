using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Runtime;

/// <summary>
/// The weights loader on generated sample networks: it compares first, reports every problem by key with both shapes,
/// changes nothing when it refuses, and reads the files TorchSharp's own <c>module.save</c> writes.
/// </summary>
public sealed class WeightLoadingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netdsl-weights-" + Guid.NewGuid().ToString("N"));

    public WeightLoadingTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // ------------------------------------------------------------------ problems, each named

    [Fact]
    public void A_missing_buffer_is_named_with_its_shape()
    {
        using var net = new DeeperCnnMaxPool();
        var weights = Weights(net);
        weights.Remove("conv1.1.running_mean");

        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights));
        Assert.Equal(new[] { "conv1.1.running_mean" }, ex.Report.Missing);
        Assert.Single(ex.Report.Problems);
        Assert.Contains("missing key 'conv1.1.running_mean' (the module has [16] float32)", ex.Message);
        Assert.Contains("DeeperCnnMaxPool", ex.Message);
        Assert.Contains("nothing was loaded", ex.Message);
        Assert.IsAssignableFrom<ArgumentException>(ex);
    }

    [Fact]
    public void An_unexpected_key_is_named_with_its_shape()
    {
        using var net = new DeeperCnnMaxPool();
        var weights = Weights(net);
        weights["head.scale"] = torch.ones(3);

        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights));
        Assert.Equal(new[] { "head.scale" }, ex.Report.Unexpected);
        Assert.Contains("unexpected key 'head.scale' ([3] float32;", ex.Message);
    }

    [Fact]
    public void A_shape_mismatch_names_the_key_and_both_shapes()
    {
        using var net = new DeeperCnnMaxPool();
        var weights = Weights(net);
        weights["head.weight"] = torch.randn(2, 32, 1, 1);

        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights));
        var mismatch = Assert.Single(ex.Report.ShapeMismatches);
        Assert.Equal("head.weight", mismatch.Key);
        Assert.Contains("shape mismatch at 'head.weight': the module has [1, 32, 1, 1], the weights have [2, 32, 1, 1]", ex.Message);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        using var net = new DeeperCnnMaxPool();
        var weights = Weights(net);
        weights.Remove("conv2.0.bias");
        weights.Remove("head.bias");
        weights["extra.weight"] = torch.ones(4, 4);
        weights["conv1.0.weight"] = torch.randn(16, 3, 3, 3);
        weights["conv2.1.num_batches_tracked"] = torch.tensor(1.5f); // a float into an int64 buffer

        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights));
        Assert.Equal(5, ex.Report.Problems.Count);
        Assert.Equal(new[] { "conv2.0.bias", "head.bias" }, ex.Report.Missing);
        Assert.Equal(new[] { "extra.weight" }, ex.Report.Unexpected);
        Assert.Equal("conv1.0.weight", Assert.Single(ex.Report.ShapeMismatches).Key);
        Assert.Equal("conv2.1.num_batches_tracked", Assert.Single(ex.Report.DTypeMismatches).Key);
        Assert.Contains("(1 shape mismatch, 1 dtype mismatch, 2 missing keys, 1 unexpected key)", ex.Message);
        foreach (var line in new[]
        {
            "missing key 'conv2.0.bias'", "missing key 'head.bias'", "unexpected key 'extra.weight' ([4, 4] float32",
            "shape mismatch at 'conv1.0.weight': the module has [16, 1, 3, 3], the weights have [16, 3, 3, 3]",
            "dtype mismatch at 'conv2.1.num_batches_tracked': the module has int64, the weights have float32",
        })
            Assert.Contains(line, ex.Message);
    }

    [Fact]
    public void Hundreds_of_problems_are_counted_and_the_message_lists_some_of_each_kind()
    {
        using var net = new ResNet50();
        int keys = net.state_dict().Count;
        var weights = new Dictionary<string, Tensor> { ["fc.weight"] = torch.randn(10, 2048), ["classifier.weight"] = torch.randn(10, 2048) };

        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights));

        Assert.Equal(keys + 1, ex.Report.Problems.Count); // every key but fc.weight missing, fc.weight's shape, the classifier
        Assert.Contains($"(1 shape mismatch, {keys - 1} missing keys, 1 unexpected key)", ex.Message);
        Assert.Contains("shape mismatch at 'fc.weight': the module has [1000, 2048], the weights have [10, 2048]", ex.Message);
        Assert.Contains("unexpected key 'classifier.weight'", ex.Message); // not hidden behind the hundreds of missing keys
        Assert.Contains("missing key 'conv1.weight'", ex.Message);
        Assert.Contains($"... and {keys - 1 - WeightReport.ListedPerKind} more missing keys", ex.Message);
        Assert.DoesNotContain("missing key 'fc.bias'", ex.Message); // the last key is past the listed ones
        Assert.Equal(WeightReport.ListedPerKind, ex.Message.Split('\n').Count(l => l.StartsWith("  missing key", StringComparison.Ordinal)));
        Assert.Equal(keys - 1, ex.Report.Missing.Count());
    }

    [Fact]
    public void Keys_under_an_extra_prefix_get_a_hint()
    {
        using var net = new DeeperCnnMaxPool();
        var weights = Weights(net).ToDictionary(kv => "module." + kv.Key, kv => kv.Value); // a DataParallel checkpoint
        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights));
        Assert.Contains($"hint: {weights.Count} of the weights' keys are the module's keys with the prefix 'module.' in front", ex.Message);
        Assert.Contains("'module.'", ex.Report.Hint);
    }

    // ------------------------------------------------------------------ nothing half-loaded

    [Fact]
    public void A_refused_load_changes_no_tensor()
    {
        using var net = new DeeperCnnMaxPool();
        var before = Snapshot(net);
        // Every key but the last is present with new values: a loader that copied as it went would have changed them.
        var weights = Randomized(net);
        string last = weights.Keys.Last();
        weights[last] = torch.zeros(weights[last].shape.Append(2).ToArray());

        Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights));
        AssertUnchanged(before, net);
        Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights, strict: false));
        AssertUnchanged(before, net);
    }

    [Fact]
    public void A_refused_file_load_changes_no_tensor()
    {
        using var source = new DeeperCnnMaxPool();
        string path = Save(source, "maxpool.bin");
        using var net = new DeeperCnnHwd(); // the Haar downsamplers add down1.* and down2.* keys
        var before = Snapshot(net);

        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(path));
        Assert.NotEmpty(ex.Report.Missing);
        Assert.All(ex.Report.Missing, k => Assert.True(k.StartsWith("down1.", StringComparison.Ordinal) || k.StartsWith("down2.", StringComparison.Ordinal), k));
        Assert.Empty(ex.Report.Unexpected);
        Assert.Contains(path, ex.Message);
        AssertUnchanged(before, net);
    }

    // ------------------------------------------------------------------ loading

    [Fact]
    public void A_file_saved_by_module_save_loads_every_parameter_and_buffer()
    {
        using var source = new DeeperCnnMaxPool();
        Train(source); // running statistics and num_batches_tracked that differ from a fresh network's
        string path = Save(source, "trained.bin");

        using var net = new DeeperCnnMaxPool();
        var summary = net.LoadWeights(path);

        var expected = source.state_dict();
        AssertSameValues(expected, net);
        Assert.Equal(expected.Count, summary.Loaded);
        Assert.Equal(source.named_parameters().Count(), summary.Parameters);
        Assert.Equal(source.named_buffers().Count(), summary.Buffers);
        Assert.Equal(expected.Values.Sum(t => t.numel()), summary.Elements);
        Assert.Empty(summary.Conversions);
        Assert.Empty(summary.Missing);
        Assert.Equal(path, summary.Source);
        Assert.StartsWith($"DeeperCnnMaxPool: loaded {expected.Count} tensors from {path} ({summary.Parameters} parameters, {summary.Buffers} buffers;", summary.ToString());
        Assert.Equal(1L, net.state_dict()["conv1.1.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void The_file_reader_reads_what_module_save_writes_entry_for_entry()
    {
        using var source = new DeeperCnnMaxPool();
        Train(source);
        string path = Save(source, "entries.bin");
        var read = WeightsFile.Read(path);
        try
        {
            var expected = source.state_dict();
            Assert.Equal(expected.Keys, read.Keys); // the file's order is the state_dict's
            foreach (var (key, tensor) in expected)
            {
                Assert.Equal(tensor.dtype, read[key].dtype);
                Assert.True(InputGuardTests.Identical(tensor, read[key]), key);
            }
        }
        finally
        {
            foreach (var tensor in read.Values) tensor.Dispose();
        }
    }

    [Fact]
    public void Keys_in_another_order_load_the_same()
    {
        using var source = new DeeperCnnMaxPool();
        using var net = new DeeperCnnMaxPool();
        var reversed = Weights(source).Reverse().ToList(); // buffers first, as nothing in TorchSharp writes them
        net.LoadWeights(reversed);
        AssertSameValues(source.state_dict(), net);
    }

    [Fact]
    public void Non_strict_loads_the_common_keys_and_reports_the_rest()
    {
        using var source = new DeeperCnnMaxPool();
        Train(source);
        string path = Save(source, "partial.bin");
        using var net = new DeeperCnnHwd();
        var before = Snapshot(net);

        var summary = net.LoadWeights(path, strict: false);

        var missing = net.state_dict().Keys.Where(k => !source.state_dict().ContainsKey(k)).ToList();
        Assert.NotEmpty(missing);
        Assert.Equal(missing, summary.Missing);
        Assert.Empty(summary.Unexpected);
        Assert.Equal(source.state_dict().Count, summary.Loaded);
        foreach (var (key, tensor) in source.state_dict())
            Assert.True(InputGuardTests.Identical(tensor, net.state_dict()[key]), key);
        foreach (var key in missing)
            Assert.True(InputGuardTests.Identical(before[key], net.state_dict()[key]), key + " changed");
        Assert.Contains($"{missing.Count} missing left as they were ('{missing[0]}'", summary.ToString());

        // And the other way round: the unexpected keys are ignored.
        using var hwd = new DeeperCnnHwd();
        using var plain = new DeeperCnnAvgPool();
        var back = plain.LoadWeights(Weights(hwd), strict: false);
        Assert.Equal(missing, back.Unexpected);
        Assert.Empty(back.Missing);
    }

    [Fact]
    public void Non_strict_still_refuses_a_shape_mismatch()
    {
        using var net = new DeeperCnnMaxPool();
        var before = Snapshot(net);
        var weights = Randomized(net);
        weights.Remove("head.bias");
        weights["conv2.0.weight"] = torch.randn(32, 8, 3, 3);

        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights, strict: false));
        Assert.False(ex.Strict);
        Assert.Equal("conv2.0.weight", Assert.Single(ex.Report.ShapeMismatches).Key);
        Assert.Contains("the module has [32, 16, 3, 3], the weights have [32, 8, 3, 3]", ex.Message);
        AssertUnchanged(before, net);
    }

    [Fact]
    public void Float64_weights_are_converted_into_a_float32_network()
    {
        using var source = new DeeperCnnMaxPool();
        Train(source);
        var doubles = source.state_dict().ToDictionary(kv => kv.Key,
            kv => torch.is_floating_point(kv.Value) ? kv.Value.to(ScalarType.Float64) : kv.Value);
        using var net = new DeeperCnnMaxPool();

        var summary = net.LoadWeights(doubles);

        int floating = source.state_dict().Values.Count(t => torch.is_floating_point(t));
        Assert.Equal(floating, summary.Conversions.Count);
        Assert.All(summary.Conversions, c => Assert.Equal((ScalarType.Float64, ScalarType.Float32), (c.From, c.To)));
        Assert.Contains($"converted {floating} from float64 to float32", summary.ToString());
        foreach (var (key, tensor) in net.state_dict())
        {
            Assert.Equal(source.state_dict()[key].dtype, tensor.dtype); // the network keeps its dtype
            Assert.True(InputGuardTests.Identical(doubles[key].to(tensor.dtype), tensor), key);
        }
    }

    [Fact]
    public void Float32_weights_are_converted_into_a_float64_network()
    {
        using var source = new DeeperCnnMaxPool();
        using var net = new DeeperCnnMaxPool();
        net.to(ScalarType.Float64);
        var summary = net.LoadWeights(Weights(source));
        Assert.NotEmpty(summary.Conversions);
        Assert.Equal(ScalarType.Float64, net.state_dict()["conv1.0.weight"].dtype);
        Assert.Equal(ScalarType.Int64, net.state_dict()["conv1.1.num_batches_tracked"].dtype);
        using var expected = source.state_dict()["conv1.0.weight"].to(ScalarType.Float64);
        Assert.True(InputGuardTests.Identical(expected, net.state_dict()["conv1.0.weight"]));
    }

    // ------------------------------------------------------------------ files that are not weights

    [Fact]
    public void A_truncated_file_is_an_invalid_data_error_naming_the_entry()
    {
        using var source = new DeeperCnnMaxPool();
        string path = Save(source, "truncated.bin");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length - 10).ToArray());
        using var net = new DeeperCnnMaxPool();
        var before = Snapshot(net);

        var ex = Assert.Throws<InvalidDataException>(() => net.LoadWeights(path));
        string last = source.state_dict().Keys.Last();
        Assert.Contains($"entry '{last}'", ex.Message);
        Assert.Contains("truncated", ex.Message);
        AssertUnchanged(before, net);
    }

    [Fact]
    public void A_pytorch_zip_checkpoint_is_recognised()
    {
        string path = Path.Combine(_directory, "model.pt");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            using (var entry = zip.CreateEntry("archive/data.pkl").Open()) entry.WriteByte(0x80);
        using var net = new DeeperCnnMaxPool();
        var ex = Assert.Throws<InvalidDataException>(() => net.LoadWeights(path));
        Assert.Contains("zip archive", ex.Message);
        Assert.Contains("torch.save", ex.Message);
    }

    [Theory]
    [InlineData("", "it ends inside the number of entries")]
    [InlineData("hello, world", "it announces 104 entries")]
    public void A_file_of_something_else_is_an_invalid_data_error(string content, string why)
    {
        string path = Path.Combine(_directory, "other.bin");
        File.WriteAllText(path, content);
        using var net = new DeeperCnnMaxPool();
        var before = Snapshot(net);
        var ex = Assert.Throws<InvalidDataException>(() => net.LoadWeights(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains(why, ex.Message);
        AssertUnchanged(before, net);
    }

    [Fact]
    public void An_entry_with_an_unknown_dtype_code_is_named()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)1);      // one entry
            writer.Write("conv.weight");
            writer.Write((byte)42);     // no such dtype
            writer.Write((byte)1);      // one dimension
            writer.Write((byte)3);      // of size 3
        }
        stream.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => WeightsFile.Read(stream, "handmade"));
        Assert.Contains("handmade: cannot read the weights: entry 'conv.weight' has dtype code 42", ex.Message);
    }

    [Fact]
    public void A_missing_file_is_a_file_not_found_error()
    {
        using var net = new DeeperCnnMaxPool();
        string path = Path.Combine(_directory, "nowhere.bin");
        var ex = Assert.Throws<FileNotFoundException>(() => net.LoadWeights(path));
        Assert.Contains(path, ex.Message);
    }

    // ------------------------------------------------------------------ the comparison alone

    [Fact]
    public void The_comparison_works_on_two_key_to_shape_maps()
    {
        var module = new Dictionary<string, long[]> { ["a.weight"] = new long[] { 4, 3 }, ["a.bias"] = new long[] { 4 }, ["b.running_mean"] = new long[] { 4 } };
        var weights = new Dictionary<string, long[]> { ["a.bias"] = new long[] { 4 }, ["a.weight"] = new long[] { 3, 4 }, ["c"] = new long[] { 1 } };
        var report = WeightComparison.Compare(module, weights, "Net");
        Assert.Equal(new[] { "b.running_mean" }, report.Missing);
        Assert.Equal(new[] { "c" }, report.Unexpected);
        Assert.Equal("a.weight", Assert.Single(report.ShapeMismatches).Key);
        Assert.Equal(new[] { "a.bias" }, report.Matched);
        Assert.False(report.Allows(strict: false));
        Assert.Contains("Net: the weights do not fit the module (1 shape mismatch, 1 missing key, 1 unexpected key)", report.Describe());

        var fits = WeightComparison.Compare(module, module.Reverse().ToDictionary(kv => kv.Key, kv => kv.Value), "Net");
        Assert.True(fits.IsExactMatch);
        Assert.Equal(3, fits.Matched.Count);
    }

    [Fact]
    public void Weights_without_values_are_refused_before_anything_is_converted()
    {
        using var net = new DeeperCnnMaxPool();
        var before = Snapshot(net);
        var weights = Randomized(net);
        weights["head.bias"] = torch.empty(new long[] { 1 }, device: torch.META);
        var ex = Assert.Throws<ArgumentException>(() => net.LoadWeights(weights));
        Assert.Contains("'head.bias'", ex.Message);
        Assert.Contains("meta", ex.Message);
        AssertUnchanged(before, net);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The module's own tensors by key (a copy of the dictionary, not of the values).</summary>
    private static Dictionary<string, Tensor> Weights(nn.Module module) => new(module.state_dict());

    /// <summary>New values for every key, of the module's shapes and dtypes.</summary>
    private static Dictionary<string, Tensor> Randomized(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key,
            kv => torch.is_floating_point(kv.Value) ? torch.randn(kv.Value.shape) : torch.full(kv.Value.shape, 7, dtype: kv.Value.dtype));

    private static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    private static void AssertUnchanged(Dictionary<string, Tensor> before, nn.Module module) => AssertSameValues(before, module);

    private static void AssertSameValues(IReadOnlyDictionary<string, Tensor> expected, nn.Module module)
    {
        var actual = module.state_dict();
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), actual.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (key, tensor) in expected)
        {
            Assert.Equal(tensor.dtype, actual[key].dtype);
            Assert.True(InputGuardTests.Identical(tensor, actual[key]), $"'{key}' differs");
        }
    }

    /// <summary>One training-mode forward: BatchNorm's running statistics move and num_batches_tracked becomes 1.</summary>
    private static void Train(nn.Module<Tensor, Tensor> net)
    {
        net.train();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        net.call(torch.randn(2, 1, 128, 128));
        net.eval();
    }

    private string Save(nn.Module module, string name)
    {
        string path = Path.Combine(_directory, name);
        module.save(path);
        return path;
    }
}

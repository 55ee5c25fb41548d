using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Weights;

/// <summary>
/// PyTorch checkpoints in and out, against files made by Debian's PyTorch 1.13 / torchvision 0.14
/// (tools/make_checkpoint_fixtures.py, Generator.Tests/Fixtures/checkpoints/): torch.save and safetensors files load
/// with one call and give PyTorch's outputs; files NetDsl saves are read by torch.load and read back bit for bit.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints");
    private static readonly JsonDocument Doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "checkpoints.json")));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netdsl-checkpoints-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // ------------------------------------------------------------------ checkpoints in

    [Fact]
    public void A_torchvision_resnet18_checkpoint_loads_with_one_call_and_gives_pytorchs_logits()
    {
        string path = Unzip("resnet18.pt.gz", "resnet18.pt");
        using var net = new ResNet18();
        net.to(float64);

        var summary = net.LoadWeights(path);

        Assert.Equal(net.state_dict().Count, summary.Loaded);
        Assert.Equal(11_689_512 + 9_600 + 20, summary.Elements); // parameters, BatchNorm statistics, num_batches_tracked
        net.eval();
        AssertOutput("resnet18", net);
    }

    [Theory]
    [InlineData("deeplabv3_head.pt.gz", "deeplabv3_head.pt")]
    [InlineData("deeplabv3_head.safetensors.gz", "deeplabv3_head.safetensors")]
    public void DeepLabV3s_head_loads_by_prefix_and_gives_pytorchs_output(string fixture, string name)
    {
        string path = Unzip(fixture, name);
        using var net = new DeepLabHeadParityNet();
        net.to(float64);

        var summary = net.LoadWeights(path, keys: WeightKeys.Under("classifier.", "head."));

        Assert.Equal(net.state_dict().Count, summary.Loaded);
        Assert.Empty(summary.Missing);
        Assert.Empty(summary.Unexpected); // backbone.* were left out by the key map
        net.eval();
        AssertOutput("deeplabv3_head", net);
    }

    [Fact]
    public void The_pickle_and_the_safetensors_file_hold_the_same_tensors()
    {
        var pickle = WeightsFile.Read(Unzip("deeplabv3_head.pt.gz", "a.pt"));
        var safe = WeightsFile.Read(Unzip("deeplabv3_head.safetensors.gz", "a.safetensors"));
        Assert.Equal(pickle.Keys.OrderBy(k => k, StringComparer.Ordinal), safe.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Contains("classifier.0.convs.0.0.weight", pickle.Keys);
        foreach (var (key, tensor) in pickle) Assert.True(Same(tensor, safe[key]), key);
    }

    [Fact]
    public void A_strict_load_into_a_new_head_names_both_shapes_and_changes_nothing()
    {
        string path = Unzip("resnet18.pt.gz", "resnet18.pt");
        using var net = new ResNet18(num_classes: 10);
        var before = Snapshot(net);

        var ex = Assert.Throws<WeightLoadException>(() => net.LoadWeights(path));

        Assert.Equal(MismatchReport, ex.Message.Replace(path, "resnet18.pt"));
        Assert.Equal(new[] { "fc.weight", "fc.bias" }, ex.Report.Problems.Select(p => p.Key));
        AssertUnchanged(before, net);
    }

    /// <summary>The report README.md shows, exactly.</summary>
    private const string MismatchReport =
        "ResNet18: the weights do not fit the module (2 shape mismatches); nothing was loaded from resnet18.pt:\n" +
        "  shape mismatch at 'fc.weight': the module has [10, 512], the weights have [1000, 512]\n" +
        "  shape mismatch at 'fc.bias': the module has [10], the weights have [1000]";

    [Fact]
    public void Fine_tuning_loads_the_backbone_and_keeps_the_new_head()
    {
        string path = Unzip("resnet18.pt.gz", "resnet18.pt");
        using var net = new ResNet18(num_classes: 10);
        var head = Snapshot(net).Where(kv => kv.Key.StartsWith("fc.", StringComparison.Ordinal)).ToList();

        var summary = net.LoadWeights(path, strict: false, keys: WeightKeys.Except("fc."));

        Assert.Equal(new[] { "fc.weight", "fc.bias" }, summary.Missing);
        Assert.Empty(summary.Unexpected);
        Assert.Equal(net.state_dict().Count - 2, summary.Loaded);
        var file = WeightsFile.Read(path);
        foreach (var (key, tensor) in net.state_dict())
            Assert.True(key.StartsWith("fc.", StringComparison.Ordinal) ? Same(head.Single(kv => kv.Key == key).Value, tensor) : Same(file[key], tensor), key);
        Assert.Contains("2 missing left as they were ('fc.weight', 'fc.bias')", summary.ToString());
    }

    [Fact]
    public void A_key_map_that_merges_two_keys_is_refused()
    {
        using var net = new DeepLabHeadParityNet();
        var ex = Assert.Throws<ArgumentException>(() => net.LoadWeights(Unzip("deeplabv3_head.pt.gz", "h.pt"), keys: _ => "head.4.weight"));
        Assert.Contains("to 'head.4.weight'", ex.Message);
    }

    [Fact]
    public void A_pickle_holding_more_than_tensors_is_an_invalid_data_error_and_changes_nothing()
    {
        string path = Path.Combine(_directory, "checkpoint.pt");
        using (var stream = File.Create(path))
            TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(stream, new System.Collections.Hashtable { ["aspp.project.1.weight"] = torch.ones(8), ["epoch"] = 3 });
        using var net = new AsppParityNet();
        var before = Snapshot(net);

        var ex = Assert.Throws<InvalidDataException>(() => net.LoadWeights(path));

        Assert.Contains("entry 'epoch' is a Int32, not a tensor", ex.Message);
        AssertUnchanged(before, net);
    }

    // ------------------------------------------------------------------ checkpoints out

    [Theory]
    [InlineData("aspp.pt")]
    [InlineData("aspp.pth")]
    [InlineData("aspp.safetensors")]
    public void NetDsl_to_file_to_NetDsl_is_bit_exact(string name)
    {
        using var source = SeededAspp();
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, new byte[1 << 20]); // an older, longer file is replaced, not overwritten in part
        source.SaveWeights(path);
        using var target = new AsppParityNet();

        target.LoadWeights(path);

        var expected = source.state_dict();
        Assert.Equal(expected.Keys, target.state_dict().Keys);
        foreach (var (key, tensor) in target.state_dict())
        {
            Assert.Equal(expected[key].dtype, tensor.dtype);
            Assert.True(Same(expected[key], tensor), key);
        }
        var bytes = File.ReadAllBytes(path);
        if (name.EndsWith(".safetensors")) Assert.Equal((byte)'{', bytes[8]); // 8-byte header length, then the JSON header
        else Assert.Equal(new byte[] { 0x50, 0x4B, 3, 4 }, bytes[..4]);    // torch.save's zip archive
    }

    [Fact]
    public void PyTorch_reads_the_file_NetDsl_wrote_and_gives_NetDsls_output()
    {
        using var net = new AsppParityNet();
        net.to(float64);
        net.LoadWeights(Path.Combine(Fixtures, "netdsl_aspp.pt"));
        net.eval();
        AssertOutput("netdsl_aspp", net);
    }

    [Fact]
    public void NetDsl_to_PyTorch_to_NetDsl_is_bit_exact()
    {
        var ours = WeightsFile.Read(Path.Combine(Fixtures, "netdsl_aspp.pt"));
        var theirs = WeightsFile.Read(Path.Combine(Fixtures, "pytorch_aspp.pt")); // torch.load, load_state_dict, torch.save
        using var net = new AsppParityNet();
        Assert.Equal(net.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal), theirs.Keys);
        foreach (var (key, tensor) in ours)
        {
            Assert.Equal(tensor.dtype, theirs[key].dtype);
            Assert.True(Same(tensor, theirs[key]), key);
        }
    }

    /// <summary>Writes Fixtures/checkpoints/netdsl_aspp.pt into the source tree when NETDSL_WRITE_CHECKPOINTS=1 (then
    /// run tools/make_checkpoint_fixtures.py); otherwise checks that the committed file is a seeded AsppParityNet's.</summary>
    [Fact]
    public void The_committed_NetDsl_checkpoint_is_a_seeded_AsppParityNets()
    {
        using var net = SeededAspp();
        if (Environment.GetEnvironmentVariable("NETDSL_WRITE_CHECKPOINTS") == "1")
            net.SaveWeights(Path.Combine(SourceFixtures(), "netdsl_aspp.pt"));
        var committed = WeightsFile.Read(Path.Combine(Fixtures, "netdsl_aspp.pt"));
        Assert.Equal(net.state_dict().Count, committed.Count);
        Assert.All(committed, kv => Assert.Equal(net.state_dict()[kv.Key].shape, kv.Value.shape));
    }

    // ------------------------------------------------------------------ helpers

    private static AsppParityNet SeededAspp()
    {
        torch.manual_seed(11);
        var net = new AsppParityNet();
        using (torch.no_grad())
            foreach (var (key, tensor) in net.state_dict())
                if (key.EndsWith("running_mean")) tensor.copy_(torch.randn(tensor.shape) * 0.1);
                else if (key.EndsWith("running_var")) tensor.copy_(torch.rand(tensor.shape) + 0.5);
                else if (key.EndsWith("num_batches_tracked")) tensor.fill_(3);
        return net;
    }

    private string Unzip(string fixture, string name)
    {
        string path = Path.Combine(_directory, name);
        using var input = new GZipStream(File.OpenRead(Path.Combine(Fixtures, fixture)), CompressionMode.Decompress);
        using var output = File.Create(path);
        input.CopyTo(output);
        return path;
    }

    private static Tensor Input(string name)
    {
        var spec = Doc.RootElement.GetProperty("inputs").GetProperty(name);
        long[] shape = spec.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long n = shape.Aggregate(1L, (a, b) => a * b);
        return torch.sin(torch.arange(1, n + 1, dtype: float64) * spec.GetProperty("freq").GetDouble() + spec.GetProperty("phase").GetDouble()).reshape(shape);
    }

    private static void AssertOutput(string fixture, nn.Module<Tensor, Tensor> net)
    {
        var spec = Doc.RootElement.GetProperty(fixture);
        using var _ = torch.no_grad();
        var y = net.call(Input(spec.GetProperty("input").GetString()!));
        Assert.Equal(spec.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), y.shape);
        double[] expected = spec.GetProperty("output").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] actual = y.flatten().data<double>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5, $"{fixture}: largest difference from PyTorch's output {worst:g3}");
        Assert.True(expected.Select(Math.Abs).Max() > 0.1, "the reference output is not trivially small");
    }

    /// <summary>Same dtype, shape and bytes: bit-exact.</summary>
    internal static bool Same(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.contiguous().bytes.ToArray().AsSpan().SequenceEqual(b.contiguous().bytes.ToArray());

    private static List<KeyValuePair<string, Tensor>> Snapshot(nn.Module net) =>
        net.state_dict().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.clone())).ToList();

    private static void AssertUnchanged(List<KeyValuePair<string, Tensor>> before, nn.Module net)
    {
        var now = net.state_dict();
        foreach (var (key, tensor) in before) Assert.True(Same(tensor, now[key]), key);
    }

    internal static string SourceFixtures()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetDsl.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no NetDsl.sln above the test binaries"),
            "Generator.Tests", "Fixtures", "checkpoints");
    }
}

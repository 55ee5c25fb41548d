using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Weights;

/// <summary>
/// Tied weights: a NetDsl network whose two stages share one parameter (<c>dec.weight = enc.weight</c>) against PyTorch's
/// own tied checkpoint (tools/make_tied_fixture.py, Fixtures/checkpoints/tied.pt and tied.json). Both list the tensor under
/// each key and hold it once; loading keeps the tie, and weights that give the tied keys different values are refused.
/// </summary>
public sealed class TiedWeightsTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoints");
    private static readonly JsonElement Doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "tied.json"))).RootElement;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "netdsl-tied-" + Guid.NewGuid().ToString("N"));

    public TiedWeightsTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Source = """
        using NetDsl;

        [Network(InChannels = 8, Height = 2, Width = 2)]
        public partial class TiedNet
        {
            [GlobalAvgPool, Flatten] Stage pool;
            [Linear(8)] Stage enc;
            [ReLU] Stage act;
            [Linear(8)] Stage dec;
        }
        """;

    [Fact]
    public void A_tied_network_loads_PyTorchs_tied_checkpoint_keeps_the_tie_and_saves_the_tensor_once()
    {
        NameTests.RunLoaded(Source, assembly =>
        {
            using var net = Tied(assembly);
            Assert.Equal(new[] { new[] { "enc.weight", "dec.weight" } }, WeightComparison.Ties(net.state_dict()));

            var summary = net.LoadWeights(Path.Combine(Fixtures, "tied.pt"));
            Assert.Equal(4, summary.Loaded);
            Assert.Equal((4, 0), (summary.Parameters, summary.Buffers)); // dec.weight is a parameter too, not a buffer
            Assert.Equal(8 * 8 + 8 + 8, summary.Elements);                // the tied 8x8 tensor counted (and copied) once
            var state = net.state_dict();
            Assert.Same(state["enc.weight"], state["dec.weight"]);       // still one tensor
            net.eval();
            AssertOutput(Doc, net);

            // Saved as PyTorch saves it: every key, the tied tensor's storage once (3 data entries for 4 keys).
            string path = Path.Combine(_directory, "tied.pt");
            net.SaveWeights(path);
            Assert.Equal(Doc.GetProperty("storages").GetInt32(), DataEntries(path));
            Assert.Equal(DataEntries(Path.Combine(Fixtures, "tied.pt")), DataEntries(path));
            var read = WeightsFile.Read(path);
            Assert.Equal(Doc.GetProperty("keys").EnumerateArray().Select(k => k.GetString()).Order(StringComparer.Ordinal), read.Keys);
            Assert.Same(read["enc.weight"], read["dec.weight"]);

            using var copy = Tied(assembly);
            copy.LoadWeights(path);
            foreach (var (key, tensor) in copy.state_dict()) Assert.True(CheckpointTests.Same(state[key], tensor), key);
            Assert.Same(copy.state_dict()["enc.weight"], copy.state_dict()["dec.weight"]);

            // PyTorch's reading of the file NetDsl wrote (committed, see the script): torch.load gives both keys one
            // storage, and a strict load_state_dict into PyTorch's TiedNet gives its output.
            if (Environment.GetEnvironmentVariable("NETDSL_WRITE_CHECKPOINTS") == "1")
                net.SaveWeights(Path.Combine(CheckpointTests.SourceFixtures(), "netdsl_tied.pt"));
            var pytorch = Doc.GetProperty("netdsl_tied");
            Assert.True(pytorch.GetProperty("tied_keys_share_a_storage").GetBoolean());
            Assert.Equal(DataEntries(path), pytorch.GetProperty("storages").GetInt32());
            Assert.Equal(DataEntries(path), DataEntries(Path.Combine(Fixtures, "netdsl_tied.pt")));
            Assert.Equal(Doc.GetProperty("output").EnumerateArray().Select(e => e.GetDouble()), pytorch.GetProperty("output").EnumerateArray().Select(e => e.GetDouble()));
        });
    }

    [Fact]
    public void Weights_that_give_tied_keys_different_values_are_refused_naming_both_keys_and_change_nothing()
    {
        NameTests.RunLoaded(Source, assembly =>
        {
            using var net = Tied(assembly);
            var before = net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            // PyTorch's checkpoint with the tie broken: dec.weight another tensor of the same shape.
            var weights = WeightsFile.Read(Path.Combine(Fixtures, "tied.pt"));
            weights["dec.weight"] = weights["dec.weight"] * 2;

            foreach (bool strict in new[] { true, false })
            {
                var error = Assert.Throws<WeightLoadException>(() => net.LoadWeights(weights, strict));
                var problem = Assert.Single(error.Report.Problems);
                Assert.Equal(WeightProblemKind.TiedMismatch, problem.Kind);
                Assert.Equal(("dec.weight", "enc.weight"), (problem.Key, problem.TiedTo));
                Assert.Contains("1 tied-weight conflict", error.Message);
                Assert.Contains("tied weights at 'dec.weight': the module ties it to 'enc.weight' (one [8, 8] float32 tensor), " +
                                "but the weights give the two keys different values", error.Message);
                foreach (var (key, tensor) in net.state_dict()) Assert.True(CheckpointTests.Same(before[key], tensor), key);
            }

            // The same values under both keys, one of them float64: equal once converted, so they load.
            weights["dec.weight"] = weights["enc.weight"].to(float64);
            Assert.True(net.CompareWeights(weights).IsExactMatch);
            Assert.Equal(4, net.LoadWeights(weights).Loaded);

            // Untied, the network takes any two values.
            using var untied = Network(assembly);
            weights["dec.weight"] = weights["enc.weight"] * 2;
            untied.LoadWeights(weights);
            Assert.True(untied.state_dict()["dec.weight"].allclose(weights["enc.weight"] * 2));
        });
    }

    /// <summary>TiedNet, as declared.</summary>
    private static nn.Module<Tensor, Tensor> Network(Assembly assembly) =>
        (nn.Module<Tensor, Tensor>)Activator.CreateInstance(assembly.GetType("TiedNet")!)!;

    /// <summary>TiedNet with dec's weight made enc's, the way TorchSharp ties a parameter.</summary>
    private static nn.Module<Tensor, Tensor> Tied(Assembly assembly)
    {
        var net = Network(assembly);
        var children = net.named_children().ToDictionary(c => c.name, c => c.module);
        ((Linear)children["dec"]).weight = ((Linear)children["enc"]).weight;
        return net;
    }

    /// <summary>The tensors' storages in a torch.save archive (its <c>data/</c> entries).</summary>
    private static int DataEntries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Count(e => e.FullName.Contains("/data/", StringComparison.Ordinal));
    }

    private static void AssertOutput(JsonElement doc, nn.Module<Tensor, Tensor> net)
    {
        var spec = doc.GetProperty("input");
        long[] shape = spec.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long n = shape.Aggregate(1L, (a, b) => a * b);
        using var _ = torch.no_grad();
        var x = torch.sin(torch.arange(1, n + 1, dtype: float64) * spec.GetProperty("freq").GetDouble() + spec.GetProperty("phase").GetDouble())
            .reshape(shape).to(float32);
        var y = net.call(x);
        Assert.Equal(doc.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), y.shape);
        double[] expected = doc.GetProperty("output").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] actual = y.flatten().to(float64).data<double>().ToArray();
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5, $"largest difference from PyTorch's output {worst:g3}");
        Assert.True(expected.Select(Math.Abs).Max() > 0.1, "the reference output is not trivially small");
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>
/// [Tap] and [Output]: the compile-time shapes of tapped tensors, the generated forward_all and the blocks'
/// forward(input, taps) at run time (values checked against forward hooks on a plain forward), and the DeepLabV3 sample
/// with its aux head.
/// </summary>
public class TapTests
{
    // ------------------------------------------------------------------ DeepLabV3ResNet50Aux (its state_dict: RuntimeParityTests)

    [Fact]
    public void Summary_shows_the_tapped_shape_and_the_outputs()
    {
        var s = DeepLabV3ResNet50Aux.Summary;
        var tap = Assert.Single(s.Taps);
        Assert.Equal(new NetworkTap("aux_classifier", "backbone.layer3", "[N, 1024, 28, 28]"), tap);
        Assert.Equal(s["backbone.layer3"].OutputShape, tap.Shape);
        Assert.Equal("[N, 1024, 28, 28]", s["aux_classifier"].InputShape);
        Assert.Equal(new[] { new NetworkOutput("out", "upsample", "[N, 21, 224, 224]"), new NetworkOutput("aux", "aux_upsample", "[N, 21, 224, 224]") }, s.Outputs);
        Assert.Equal("[N, 21, 224, 224]", s.Output); // the main output, not the last stage's
        var table = s.ToTable(1);
        Assert.Contains("Output \"out\": upsample [N, 21, 224, 224] (forward)", table);
        Assert.Contains("Tap: aux_classifier reads backbone.layer3 [N, 1024, 28, 28]", table);
        Assert.Contains("FCNHead(1024→256→21) ← backbone.layer3", table);
        // A network without taps or outputs has none.
        Assert.Empty(DeepLabV3ResNet50.Summary.Outputs);
        Assert.Empty(DeepLabV3ResNet50.Summary.Taps);
    }

    [Fact]
    public void Forward_runs_the_main_path_only_and_forward_all_runs_the_aux_head_once()
    {
        using var net = new TinyDeepLabV3();
        net.eval();
        int auxCalls = 0;
        var aux = (nn.Module<Tensor, Tensor>)net.named_modules().Single(m => m.name == "aux_classifier").module;
        aux.register_forward_hook((m, i, o) => { auxCalls++; return o; });
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 3, 64, 64);

        var main = net.call(x);
        Assert.Equal(0, auxCalls);
        using var all = net.forward_all(x);
        Assert.Equal(1, auxCalls);
        Assert.Equal(new long[] { 2, 3, 64, 64 }, all.Aux.shape);
        Assert.True(main.equal(all.Out).all().item<bool>());
        Assert.Equal(new[] { "out", "aux" }, all.ToDictionary().Keys);
    }

    [Fact]
    public void Forward_all_outputs_outlive_its_dispose_scope_and_the_kept_taps_do_not()
    {
        using var net = new TinyDeepLabV3();
        net.eval();
        using var noGrad = no_grad();
        using var x = randn(1, 3, 64, 64);
        TinyDeepLabV3.Outputs all;
        using (var outer = NewDisposeScope())
        {
            all = net.forward_all(x);
            // What forward_all kept from backbone.layer3 and its temporaries went with its own scope: only the outputs
            // come out, into the caller's scope.
            Assert.Equal(2, outer.DisposablesCount);
            Assert.True(outer.Contains(all.Out) && outer.Contains(all.Aux), "the outputs belong to the caller's scope");
            all.Out.DetachFromDisposeScope();
            all.Aux.DetachFromDisposeScope();
        }
        Assert.False(all.Out.IsInvalid);
        Assert.Equal(1L, all.Aux.shape[0]);
        all.Dispose();
        Assert.True(all.Out.IsInvalid && all.Aux.IsInvalid);
    }

    // ------------------------------------------------------------------ taps into blocks, generated and run

    private const string TapSource = """
        using NetDsl;

        namespace Taps;

        [Block]
        public partial class Res
        {
            [Param] int c;
            [Param(FirstRepeatOnly = true)] int stride = 1;
            [Conv("c", Kernel = 3, Stride = "stride", Padding = 1, Bias = false), BatchNorm] Stage body;
            [Shortcut] Stage skip;
            [ReLU(Inplace = true)] Stage act;
        }

        [Block(Sequential = true)]
        public partial class Pair
        {
            [Conv(8, Kernel = 1)] Stage a;
            [ReLU] Stage b;
        }

        [Block]
        public partial class Trunk
        {
            [Conv(8, Kernel = 3, Padding = 1)] Stage stem;
            [Use(typeof(Res), 8, Repeat = 2)] Stage layer;
            [Use(typeof(Pair))] Stage pair;
            [Use(typeof(Res), 16, 2)] Stage down;
        }

        [Network(InChannels = 3, Height = 16, Width = 16)]
        public partial class Net
        {
            [Use(typeof(Trunk))] Stage trunk;
            [GlobalAvgPool, Flatten] Stage pool;
            [Linear(4), Output("logits")] Stage fc;

            [Identity, Tap("trunk.layer.1.skip"), Output("skip")] Stage t1;
            [Identity, Tap("trunk.layer.0.body.1"), Output("bn")] Stage t2;
            [Identity, Tap("trunk.pair.0"), Output("pair0")] Stage t3;
            [Conv(2, Kernel = 1), Tap("trunk.down"), Output("down")] Stage t4;
            [Identity, Tap("pool"), Output("pooled")] Stage t5;
        }
        """;

    [Fact]
    public void Tapped_shapes_are_inferred_for_every_kind_of_path()
    {
        var result = GeneratorHarness.Run(TapSource);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        string net = result.Sources["Taps.Net.g.cs"];
        Assert.Contains("new(\"t1\", \"trunk.layer.1.skip\", \"[N, 8, 16, 16]\"),", net);   // a residual add in a repeated block
        Assert.Contains("new(\"t2\", \"trunk.layer.0.body.1\", \"[N, 8, 16, 16]\"),", net); // a layer of a sequence stage
        Assert.Contains("new(\"t3\", \"trunk.pair.0\", \"[N, 8, 16, 16]\"),", net);         // a Sequential block's stage "0"
        Assert.Contains("new(\"t4\", \"trunk.down\", \"[N, 16, 8, 8]\"),", net);            // a strided block
        Assert.Contains("new(\"t5\", \"pool\", \"[N, 16]\"),", net);                         // a top-level stage
        Assert.Contains("new(\"down\", \"t4\", \"[N, 2, 8, 8]\"),", net);
        Assert.Contains("var taps = new global::NetDsl.Taps(scope, \"trunk.layer.1.skip\", \"trunk.layer.0.body.1\", \"trunk.pair.0\", \"trunk.down\", \"pool\");", net);
        Assert.Contains("x = taps.Run(\"trunk\", _trunk, x);", net);
        Assert.Contains("x = taps.Run(\"pool\", _pool, x).Releasing(x);", net);
        Assert.Contains("_t4 = nn.Conv2d(16, 2, kernel_size: 1);", net); // the side head starts from the tapped channels
        Assert.Contains("x = taps.Keep(\"skip\", x.AddShortcut(_skip is not null ? _skip.call(input) : input, input, inPlace: false)).Releasing(x);", result.Sources["Taps.Res.g.cs"]);
    }

    [Fact]
    public void Forward_all_returns_what_the_tapped_stages_computed_in_a_plain_forward()
    {
        var result = GeneratorHarness.Run(TapSource);
        using var stream = new MemoryStream();
        var emit = result.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var context = new DilationRewriteTests.LoadContext();
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(stream.ToArray()));
            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(assembly.GetType("Taps.Net")!)!;
            net.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = randn(2, 3, 16, 16);

            // The reference: the module outputs of a plain forward, copied by forward hooks as they happen (the first
            // time only; the copies move out of the modules' own dispose scopes into this one).
            var seen = new Dictionary<string, Tensor>();
            var modules = net.named_modules().ToDictionary(m => m.name, m => m.module);
            foreach (var path in new[] { "trunk.layer.0.body.1", "trunk.pair.0", "trunk.down", "trunk.layer.1.act", "pool" })
                ((nn.Module<Tensor, Tensor>)modules[path]).register_forward_hook((m, i, o) =>
                {
                    if (seen.ContainsKey(path)) return o;
                    var copy = o.clone();
                    if (!scope.Contains(copy)) copy.MoveToOtherDisposeScope(scope); // (into its own scope, TorchSharp would drop it)
                    seen[path] = copy;
                    return o;
                });
            var logits = net.call(x);
            Assert.Equal(5, seen.Count);

            var all = (NetworkOutputs)assembly.GetType("Taps.Net")!.GetMethod("forward_all")!.Invoke(net, new object[] { x })!;
            Assert.Equal(new[] { "logits", "skip", "bn", "pair0", "down", "pooled" }, all.Keys);
            Assert.True(all["logits"].allclose(logits), "forward_all's main output differs from forward's");
            Assert.True(all["bn"].allclose(seen["trunk.layer.0.body.1"]));
            Assert.True(all["pair0"].allclose(seen["trunk.pair.0"]));
            Assert.True(all["pooled"].allclose(seen["pool"]));
            var down = (nn.Module<Tensor, Tensor>)modules["t4"];
            Assert.True(all["down"].allclose(down.call(seen["trunk.down"])));
            // "skip" is the residual sum before the in-place ReLU: a copy, so the ReLU did not clip it.
            Assert.True(all["skip"].relu().allclose(seen["trunk.layer.1.act"]));
            Assert.True(all["skip"].min().item<float>() < 0, "the tapped residual sum should keep its negative values");
            // The strongly typed properties are the same tensors.
            Assert.Same(all["down"], all.GetType().GetProperty("Down")!.GetValue(all));
        }
        finally
        {
            context.Unload();
        }
    }

    [Theory]
    [InlineData("head.0", "'head' (ASPP(16→4, rates 1/2)) has no inner stages to tap; only used blocks and layer sequences have them")]
    [InlineData("multi.0.conv", "'multi' is a parallel stage; its branches have no single path to tap")]
    [InlineData("trunk.layer.2", "'trunk.layer' (Sequential(2 × Res)) has no stage '2'; it has 0, 1")]
    [InlineData("nowhere", "Net has no stage 'nowhere' before aux (earlier stages: trunk, multi, head)")]
    [InlineData("aux", "a stage cannot tap itself; a tap reads an earlier stage's output")]
    public void Unknown_tap_paths_are_reported_with_what_is_there(string path, string reason)
    {
        var source = TapSource.Substring(0, TapSource.IndexOf("[Network(", StringComparison.Ordinal)) + $$"""
            [Block]
            public partial class Branch1 { [Conv(8, Kernel = 1)] Stage conv; }

            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class Net
            {
                [Use(typeof(Trunk))] Stage trunk;
                [Branch(typeof(Branch1)), Branch(typeof(Branch1)), Join(Join.Concat)] Stage multi;
                [ASPP(1, 2, Out = 4), Output("out")] Stage head;
                [Identity, Tap("{{path}}"), Output("aux")] Stage aux;
            }
            """;
        var result = GeneratorHarness.Run(source);
        var d = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("NDSL0046", d.Id);
        Assert.Equal($"Net.aux: cannot tap '{path}': {reason}", d.GetMessage());
        Assert.DoesNotContain("Taps.Net.g.cs", result.Sources.Keys);
    }

    [Fact]
    public void Taps_runtime_rejects_paths_it_was_not_asked_for()
    {
        using var scope = NewDisposeScope();
        var taps = new Taps(scope, "a.b");
        using var relu = nn.ReLU();
        var x = randn(2, 2);
        taps.Run("a", nn.Sequential(("b", nn.Identity()), ("c", relu)), x);
        Assert.True(taps["a.b"].allclose(x));
        // The copy belongs to the owner scope (here the current one), so it goes with it.
        Assert.True(scope.Contains(taps["a.b"]), "the kept copy must stay in its owner scope");
        Assert.Contains("was not asked for", Assert.Throws<KeyNotFoundException>(() => taps["a.c"]).Message);
        Assert.Contains("cannot look inside 'a'", Assert.Throws<InvalidOperationException>(() => new Taps(scope, "a.x").Run("a", relu, x)).Message);
    }
}

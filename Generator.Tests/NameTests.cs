using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>
/// User names may be anything C# and PyTorch allow: keywords, names of what the generator emits (forward, nn, Tensor,
/// cat, x, input, a stage c next to a stage _c, a class named Tensor or Stages). The generated code compiles without
/// warnings, runs, and registers every stage under its plain name (the state_dict keys); hint names are unique.
/// </summary>
public class NameTests
{
    private const string Keywords = """
        using NetDsl;

        namespace @namespace.Keywords;

        [Block]
        public partial class @class
        {
            [Param] int @checked;
            [Param(FirstRepeatOnly = true)] int @event = 1;
            [Conv("checked", Kernel = 3, Stride = "event", Padding = 1, Bias = false)] Stage @in;
            [BatchNorm] Stage @return;
            [Shortcut] Stage @params;
            [ReLU] Stage @out;
        }

        [Network(InChannels = 3, Height = 8, Width = 8)]
        public partial class @struct
        {
            [Conv(4, Kernel = 3, Padding = 1)] Stage @in;
            [Use(typeof(@class), 4, Repeat = 2)] Stage @event;
            [Add(nameof(@in))] Stage @return;
            [GlobalAvgPool, Flatten] Stage @base;
            [Linear(10)] Stage @this;
        }

        public partial class @event
        {
            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class @do
            {
                [Use(typeof(@class), 4)] Stage @if;
            }
        }
        """;

    // Every stage named like something the generated code writes; skip connections by string (a stage named nameof
    // shadows the operator in the user's own code too).
    private const string Clashes = """
        using NetDsl;

        namespace Clash;

        public class nn { }
        public class Modules { }

        [Network(InChannels = 3, Height = 8, Width = 8)]
        public partial class Tensor
        {
            [Conv(4, Kernel = 3, Padding = 1)] Stage forward;
            [Conv(4, Kernel = 1)] Stage c;
            [Conv(4, Kernel = 1)] Stage _c;
            [BatchNorm] Stage nn;
            [ReLU] Stage cat;
            [Concat("c")] Stage Modules;
            [Conv(4, Kernel = 1)] Stage x;
            [Conv(4, Kernel = 1)] Stage input;
            [Conv(4, Kernel = 1)] Stage scope;
            [Conv(4, Kernel = 1)] Stage c_out;
            [Add("_c")] Stage register_module;
            [Conv(4, Kernel = 1)] Stage _c_out;
            [Conv(4, Kernel = 1)] Stage NewDisposeScope;
            [Conv(4, Kernel = 1)] Stage CheckInput;
            [Conv(4, Kernel = 1)] Stage Forward;
            [Conv(4, Kernel = 1)] Stage field;
            [Conv(4, Kernel = 1)] Stage nameof;
        }
        """;

    private const string TappedBlock = """
        using NetDsl;

        namespace Tapped;

        [Block]
        public partial class Stages
        {
            [Param] int planes;
            [Conv("planes", Kernel = 1)] Stage forward;
            [Conv("planes", Kernel = 1)] Stage in_channels;
            [Shortcut] Stage _forward;
            public override string ToString() => "my own";
        }

        [Network(InChannels = 4, Height = 8, Width = 8)]
        public partial class Net
        {
            [Use(typeof(Stages), 4)] Stage body;
            [GlobalAvgPool, Flatten, Output("out")] Stage pool;
            [Identity, Tap("body.forward"), Output("forward")] Stage head;
        }
        """;

    [Fact]
    public void Keyword_names_compile_and_keep_their_plain_state_dict_keys()
    {
        RunLoaded(Keywords, assembly =>
        {
            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(assembly.GetType("namespace.Keywords.struct")!)!;
            var keys = net.state_dict().Keys.ToList();
            foreach (var key in new[] { "in.weight", "in.bias", "event.0.in.weight", "event.0.return.running_mean", "event.1.in.weight", "this.weight", "this.bias" })
                Assert.Contains(key, keys);
            Assert.DoesNotContain(keys, k => k.Contains('@') || k.Contains("_in") || k.Contains("_event"));
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Assert.Equal(new long[] { 2, 10 }, net.call(randn(2, 3, 8, 8)).shape);
            using var nested = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(assembly.GetType("namespace.Keywords.event+do")!)!;
            Assert.Contains("if.in.weight", nested.state_dict().Keys);
            var block = Activator.CreateInstance(assembly.GetType("namespace.Keywords.class")!, 4, 6, 2)!;
            Assert.Equal("class(in_channels=4, checked=6, event=2)", block.ToString());
            ((IDisposable)block).Dispose();
        });
    }

    [Fact]
    public void Names_of_generated_members_compile_register_side_by_side_and_run_as_declared()
    {
        RunLoaded(Clashes, assembly =>
        {
            var type = assembly.GetType("Clash.Tensor")!;
            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
            var keys = net.state_dict().Keys.ToList();
            foreach (var stage in new[] { "forward", "c", "_c", "x", "input", "scope", "c_out", "_c_out", "NewDisposeScope", "CheckInput", "Forward", "field", "nameof" })
                Assert.Contains(stage + ".weight", keys);
            Assert.Contains("nn.running_mean", keys);
            Assert.Equal(new[] { "forward", "c", "_c", "nn", "cat", "x", "input", "scope", "c_out", "_c_out", "NewDisposeScope", "CheckInput", "Forward", "field", "nameof" },
                net.named_children().Select(c => c.name).ToArray());
            var summary = (NetworkSummary)type.GetProperty("Summary")!.GetValue(null)!;
            Assert.Equal("[N, 4, 8, 8]", summary.Output);

            // The forward pass, step by step from the registered children: the locals (x, input, c_out, ...) do not
            // shadow what it calls.
            net.eval();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var children = net.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
            Tensor Run(string name, Tensor t) => children[name].call(t);
            var input = randn(2, 3, 8, 8);
            var y = Run("forward", input);
            var c = Run("c", y);
            var c2 = Run("_c", c);
            y = Run("cat", Run("nn", c2));
            y = torch.cat(new[] { y, c }, 1);
            foreach (var name in new[] { "x", "input", "scope", "c_out" }) y = Run(name, y);
            y = y + c2;
            foreach (var name in new[] { "_c_out", "NewDisposeScope", "CheckInput", "Forward", "field", "nameof" }) y = Run(name, y);
            var output = net.call(input);
            Assert.Equal(y.shape, output.shape);
            Assert.True(output.allclose(y, rtol: 1e-5, atol: 1e-6), "the generated forward differs from the declared order");
        });
    }

    [Fact]
    public void A_block_named_Stages_with_a_stage_named_forward_runs_taps_and_keeps_its_ToString()
    {
        RunLoaded(TappedBlock, assembly =>
        {
            var type = assembly.GetType("Tapped.Net")!;
            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
            var keys = net.state_dict().Keys.ToList();
            Assert.Contains("body.forward.weight", keys);
            Assert.Contains("body.in_channels.weight", keys);
            var body = net.named_children().Single(c => c.name == "body").module;
            Assert.Equal("my own", body.ToString());
            Assert.Equal(new[] { "forward", "in_channels", "_forward" }, ((IStagedModule)body).Stages.Select(s => s.Name).ToArray());
            Assert.Equal(4, ((IStagedModule)body).Stages.Count + 1);

            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var input = randn(1, 4, 8, 8);
            var forwardConv = (nn.Module<Tensor, Tensor>)body.named_children().Single(c => c.name == "forward").module;
            var expected = forwardConv.call(input);
            using var all = (NetworkOutputs)type.GetMethod("forward_all")!.Invoke(net, new object[] { input })!;
            Assert.True(all["forward"].allclose(expected), "the tap did not read body.forward");
            Assert.Equal(new long[] { 1, 4 }, net.call(input).shape);
        });
    }

    [Fact]
    public void An_octave_block_with_a_stage_named_forward_and_a_keyword_alpha_runs()
    {
        const string source = """
            using NetDsl;

            namespace Oct;

            [Block]
            public partial class OctBody
            {
                [Param] double @fixed = 0.5;
                [OctConv(8, Kernel = 1, AlphaIn = "fixed", AlphaOut = "fixed")] Stage forward;
                [BatchNorm] Stage @new;
                [Shortcut] Stage @override;
            }

            [Network(InChannels = 8, Height = 8, Width = 8)]
            public partial class OctNet
            {
                [OctConv(8, Kernel = 1, AlphaIn = 0.0, AlphaOut = 0.5)] Stage split;
                [Use(typeof(OctBody))] Stage body;
                [OctConv(8, Kernel = 1, AlphaIn = 0.5, AlphaOut = 0.0)] Stage merge;
            }
            """;
        RunLoaded(source, assembly =>
        {
            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(assembly.GetType("Oct.OctNet")!)!;
            var keys = net.state_dict().Keys.ToList();
            Assert.Contains(keys, k => k.StartsWith("body.forward.", StringComparison.Ordinal));
            Assert.Contains(keys, k => k.StartsWith("body.new.", StringComparison.Ordinal));
            var body = net.named_children().Single(c => c.name == "body").module;
            Assert.IsAssignableFrom<RenamedForwardModule<NetDsl.Octave.OctaveTensor>>(body);
            Assert.Equal("OctBody(in_channels=8, fixed=0.5)", body.ToString());
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Assert.Equal(new long[] { 2, 8, 8, 8 }, net.call(randn(2, 8, 8, 8)).shape);
        });
    }

    [Fact]
    public void Every_keyword_is_a_stage_name_and_a_block_parameter_name()
    {
        var keywords = Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKinds()
            .Select(Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetText).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToList();
        var contextual = Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetContextualKeywordKinds()
            .Select(Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetText).Where(k => k != "nameof" && k.All(char.IsLetter)).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Contains("in", keywords);
        var names = keywords.Concat(contextual).Distinct().ToList();
        string stages = string.Join("\n", names.Select((k, i) => i % 2 == 0
            ? $"    [Conv(4, Kernel = 1)] Stage @{k};"
            : $"    [Add(\"{names[i - 1]}\")] Stage @{k};"));
        string source = $$"""
            using NetDsl;
            namespace Every;

            [Block]
            public partial class Body
            {
                [Param] int @checked;
                [Param] int @while = 1;
                [Conv("checked * while", Kernel = 1)] Stage @switch;
            }

            [Network(InChannels = 4, Height = 4, Width = 4)]
            public partial class Net
            {
            {{stages}}
                [Use(typeof(Body), 4, 1)] Stage body;
            }
            """;
        RunLoaded(source, assembly =>
        {
            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(assembly.GetType("Every.Net")!)!;
            var keys = net.state_dict().Keys.ToHashSet();
            for (int i = 0; i < names.Count; i += 2) Assert.Contains(names[i] + ".weight", keys);
            Assert.Contains("body.switch.weight", keys);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Assert.Equal(new long[] { 1, 4, 4, 4 }, net.call(randn(1, 4, 4, 4)).shape);
        });
    }

    [Fact]
    public void Global_usings_that_rebind_Tensor_and_nn_are_written_around()
    {
        var result = GeneratorHarness.Run(
            "global using Tensor = System.String;\nglobal using nn = System.Math;\n",
            """
            using NetDsl;
            namespace G;
            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Net { [Conv(4, Kernel = 3)] Stage conv; [ReLU] Stage relu; }
            """);

        Assert.Empty(result.GeneratorDiagnostics);
        var errors = result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        string text = result.Sources["G.Net.g.cs"];
        Assert.Contains("public override global::TorchSharp.torch.Tensor forward(global::TorchSharp.torch.Tensor input)", text);
        Assert.Contains("_conv = global::TorchSharp.torch.nn.Conv2d(3, 4, kernel_size: 3);", text);
    }

    [Fact]
    public void Hint_names_are_unique_for_case_nesting_and_a_marker_on_two_partial_declarations()
    {
        const string source = """
            using NetDsl;

            namespace A.B
            {
                [Network(InChannels = 3, Height = 8, Width = 8)] public partial class C { [Conv(4, Kernel = 3)] Stage conv; }
            }
            namespace A
            {
                public partial class B
                {
                    [Network(InChannels = 3, Height = 8, Width = 8)] public partial class C { [Conv(5, Kernel = 3)] Stage conv; }
                }
                [Network(InChannels = 3, Height = 8, Width = 8)] public partial class Net { [Conv(6, Kernel = 3)] Stage conv; }
                [Network(InChannels = 3, Height = 8, Width = 8)] public partial class net { [Conv(7, Kernel = 3)] Stage conv; }
                [Network(InChannels = 3, Height = 8, Width = 8)] public partial class Twice { [Conv(8, Kernel = 3)] Stage conv; }
                [Network(InChannels = 3, Height = 8, Width = 8)] public partial class Twice { [Conv(8, Kernel = 1)] Stage conv2; }
            }
            """;
        var result = GeneratorHarness.Run(source);

        Assert.Null(result.Run.Results[0].Exception);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(new[] { "A.B+C.g.cs", "A.B.C.g.cs", "A.Net.g.cs", "A.net_2.g.cs", "A.Twice.g.cs" }.OrderBy(s => s, StringComparer.Ordinal),
            result.Sources.Keys.OrderBy(s => s, StringComparer.Ordinal));
        Assert.Contains("nn.Conv2d(3, 5,", result.Sources["A.B+C.g.cs"]);
        Assert.Contains("nn.Conv2d(3, 7,", result.Sources["A.net_2.g.cs"]);
        // The only errors are the user's own: the duplicate attribute (CS0579) and A.B both a namespace and a class
        // (CS0101: the collision of "A.B.C" the '+' avoids needs invalid code), none in generated code.
        var errors = result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(e => e.Id).OrderBy(id => id).ToList();
        Assert.Equal(new[] { "CS0101", "CS0579" }, errors);
    }

    [Fact]
    public void Common_names_read_as_before_and_only_clashing_ones_move()
    {
        var plain = GeneratorHarness.Run("""
            using NetDsl;
            namespace Clash;
            [Network(InChannels = 3, Height = 8, Width = 8)]
            public partial class Plain
            {
                [Conv(4, Kernel = 3, Padding = 1)] Stage conv;
                [Conv(4, Kernel = 1)] Stage c;
                [Concat("conv")] Stage merge;
            }
            """).Sources["Clash.Plain.g.cs"];
        var clash = GeneratorHarness.Run(Clashes);
        string text = clash.Sources["Clash.Tensor.g.cs"];

        // Without clashes: the short names, "_" + stage fields, forward itself, nameof.
        Assert.Contains("partial class Plain : nn.Module<Tensor, Tensor>, global::NetDsl.IStagedModule", plain);
        Assert.Contains("private readonly Modules.Conv2d _c;", plain);
        Assert.Contains("public Plain() : base(nameof(Plain))", plain);
        Assert.Contains("public override Tensor forward(Tensor input)", plain);
        Assert.Contains("x = cat(new[] { x, conv_out }, 1).Releasing(x); // merge:", plain);
        Assert.DoesNotContain("global::TorchSharp.torch.nn", plain);

        // With them: qualified where shadowed, private names around the user's, forward moved, the user's names as written.
        Assert.Contains("partial class Tensor : global::NetDsl.RenamedForwardModule<global::TorchSharp.torch.Tensor>, global::NetDsl.IStagedModule", text);
        Assert.Contains("private readonly global::TorchSharp.Modules.Conv2d __c;", text);   // stage c: the user has a member _c
        Assert.Contains("private readonly global::TorchSharp.Modules.Conv2d ___c;", text);  // stage _c
        Assert.Contains("c = new global::NetDsl.Stage(\"c\", \"Conv\", \"[N, 4, 8, 8]\", __c);", text);
        Assert.Contains("_forward = global::TorchSharp.torch.nn.Conv2d(3, 4, kernel_size: 3, padding: 1);", text);
        Assert.Contains("nn = new global::NetDsl.Stage(\"nn\"", text);
        Assert.Contains("base.register_module(\"nn\", _nn);", text);
        Assert.Contains("x = global::TorchSharp.torch.cat(new[] { x, c_out }, 1).Releasing(x);", text);
        Assert.Contains("using var scope = global::TorchSharp.torch.NewDisposeScope();", text);
        Assert.Contains("base.SetForward(Forward_);", text);                                 // a stage takes Forward too
        Assert.Contains("private global::TorchSharp.torch.Tensor Forward_(global::TorchSharp.torch.Tensor input)", text);
        Assert.Contains("CheckInput_(input);", text);
        Assert.Contains(": base(\"Tensor\")", text);                                          // a stage named nameof
        Assert.Contains("@field = new global::NetDsl.Stage(\"field\"", text);
        Assert.Contains("new[] { forward, c, _c, nn, cat, Modules, x, input", text);
    }

    /// <summary>Generates and compiles <paramref name="source"/>, checks the output is free of errors and of warnings in
    /// generated code, and runs <paramref name="check"/> on the loaded assembly.</summary>
    internal static void RunLoaded(string source, Action<Assembly> check)
    {
        var result = GeneratorHarness.Run(source);
        Assert.True(result.GeneratorDiagnostics.IsEmpty, string.Join("\n", result.GeneratorDiagnostics));
        var generatedWarnings = result.Output.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal))
            .ToList();
        Assert.True(generatedWarnings.Count == 0, string.Join("\n", generatedWarnings));
        using var stream = new MemoryStream();
        var emit = result.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var context = new DilationRewriteTests.LoadContext();
        try
        {
            check(context.LoadFromStream(new MemoryStream(stream.ToArray())));
        }
        finally
        {
            context.Unload();
        }
    }
}

using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The pipeline caches: a second run after an unrelated edit reuses the previous outputs, a changed attribute
/// argument regenerates only that network, and no step output holds Roslyn objects.
/// </summary>
public class IncrementalTests
{
    private const string Networks = """
        using NetDsl;
        namespace App;

        [Network(InChannels = 3, Height = 32, Width = 32)]
        public partial class NetA
        {
            [Conv(16, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv1;
            [GlobalAvgPool, Flatten] Stage pool;
            [Linear(10)] Stage fc;
        }

        [Network(InChannels = 1, Height = 28, Width = 28)]
        public partial class NetB
        {
            [Conv(8, Kernel = 5)] Stage conv1;
            [MaxPool(2)] Stage pool;
        }
        """;

    private const string Helper = """
        namespace App;
        public static class Helper
        {
            public static int Twice(int x) => 2 * x;
        }
        """;

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) FirstRun(params (string, string)[] sources)
    {
        var compilation = GeneratorHarness.Compile(sources);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        return (driver, compilation);
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriverRunResult run, string step) =>
        GeneratorHarness.Steps(run)[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    private static string[] SourceHints(GeneratorDriverRunResult run, string step, IncrementalStepRunReason reason) =>
        GeneratorHarness.Steps(run)[step].SelectMany(s => s.Outputs)
            .Where(o => o.Reason == reason)
            .Select(o => ((NetDsl.Generator.Model.GeneratedSource)o.Value).HintName)
            .ToArray();

    [Fact]
    public void Identical_compilation_reuses_every_step()
    {
        var compilation = GeneratorHarness.Compile(Networks, Helper);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult();
        var second = driver.RunGenerators(compilation.Clone()).GetRunResult();
        GeneratorHarness.AssertCachedAndSymbolFree(first, second);
        Assert.Equal(2, first.Results[0].GeneratedSources.Length);
    }

    [Fact]
    public void Adding_an_unrelated_file_leaves_outputs_cached()
    {
        var (driver, compilation) = FirstRun((Networks, "/src/Nets.cs"));
        var next = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Helper, GeneratorHarness.ParseOptions, "/src/Helper.cs"));
        var run = driver.RunGenerators(next).GetRunResult();

        // Roslyn re-runs the semantic transform when the compilation changes; the equatable specs make its
        // output compare equal (Unchanged), so inference and emission see no change and nothing is re-emitted.
        Assert.All(Reasons(run, TrackingNames.Networks), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(run, TrackingNames.NetworkResults), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(run, TrackingNames.NetworkSources), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Editing_an_unrelated_method_body_changes_no_model()
    {
        var (driver, compilation) = FirstRun((Networks, "/src/Nets.cs"), (Helper, "/src/Helper.cs"));
        var oldTree = compilation.SyntaxTrees.Single(t => t.FilePath == "/src/Helper.cs");
        var newTree = CSharpSyntaxTree.ParseText(Helper.Replace("2 * x", "x + x"), GeneratorHarness.ParseOptions, "/src/Helper.cs");
        var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult();

        Assert.All(Reasons(run, TrackingNames.NetworkSources), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(run, TrackingNames.NetworkResults), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Moving_a_network_down_the_file_re_reports_diagnostics_but_does_not_re_emit()
    {
        var (driver, compilation) = FirstRun((Networks, "/src/Nets.cs"));
        var oldTree = compilation.SyntaxTrees.Single();
        var newTree = CSharpSyntaxTree.ParseText("// a comment that shifts every line\n\n" + Networks, GeneratorHarness.ParseOptions, "/src/Nets.cs");
        var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult();

        // The specs carry source locations, so they change; the generated text does not.
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(run, TrackingNames.Networks));
        Assert.All(Reasons(run, TrackingNames.NetworkSources), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Changing_an_attribute_argument_regenerates_only_that_network()
    {
        var (driver, compilation) = FirstRun((Networks, "/src/Nets.cs"));
        var oldTree = compilation.SyntaxTrees.Single();
        var newTree = CSharpSyntaxTree.ParseText(Networks.Replace("[Linear(10)]", "[Linear(12)]"), GeneratorHarness.ParseOptions, "/src/Nets.cs");
        var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult();

        Assert.Equal(new[] { "App.NetA.g.cs" }, SourceHints(run, TrackingNames.NetworkSources, IncrementalStepRunReason.Modified));
        Assert.Equal(new[] { "App.NetB.g.cs" }, SourceHints(run, TrackingNames.NetworkSources, IncrementalStepRunReason.Unchanged)
            .Concat(SourceHints(run, TrackingNames.NetworkSources, IncrementalStepRunReason.Cached)).ToArray());
        Assert.Contains("nn.Linear(16, 12)", run.Results[0].GeneratedSources.Single(s => s.HintName == "App.NetA.g.cs").SourceText.ToString());
    }

    [Fact]
    public void Editing_a_block_regenerates_the_networks_that_may_use_it()
    {
        const string withBlock = """
            using NetDsl;
            namespace App;
            [Block] public partial class Twice { [Param] int c; [Conv("c", Kernel = 3, Padding = 1)] Stage a; [Conv("c", Kernel = 3, Padding = 1)] Stage b; }
            [Network(InChannels = 3, Height = 16, Width = 16)]
            public partial class UsesBlock { [Use(typeof(Twice), 8)] Stage body; }
            """;
        var (driver, compilation) = FirstRun((withBlock, "/src/Block.cs"));
        var oldTree = compilation.SyntaxTrees.Single();
        var newTree = CSharpSyntaxTree.ParseText(withBlock.Replace("Stage b;", "Stage b; [ReLU] Stage relu;"), GeneratorHarness.ParseOptions, "/src/Block.cs");
        var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult();

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(run, TrackingNames.AllBlocks));
        Assert.Equal(new[] { "App.UsesBlock.g.cs" }, SourceHints(run, TrackingNames.NetworkSources, IncrementalStepRunReason.Modified));
        Assert.Equal(new[] { "App.Twice.g.cs" }, SourceHints(run, TrackingNames.BlockSources, IncrementalStepRunReason.Modified));
    }

    private const string Body = """
        using NetDsl;
        namespace App;
        [Block] public partial class Layer { [Param] int c; [Conv("c", Kernel = 3, Padding = 1), ReLU] Stage conv; }
        [Network(InChannels = 3, Height = 16, Width = 16)]
        public partial class Body
        {
            [Param] int depth = 2;
            [Param] int width = 8;
            [Use(typeof(Layer), "width", Repeat = "depth")] Stage layers;
            [GlobalAvgPool, Flatten] Stage pool;
            [Linear(10)] Stage fc;
        }
        """;

    private const string Variant = """
        using NetDsl;
        namespace App;
        [Network(Like = typeof(Body))]
        public partial class Deeper { [Param] int depth = 5; }
        """;

    [Fact]
    public void A_variant_in_another_file_is_cached_on_an_unrelated_edit_and_follows_its_body()
    {
        var (driver, compilation) = FirstRun((Body, "/src/Body.cs"), (Variant, "/src/Deeper.cs"), (Helper, "/src/Helper.cs"));
        GeneratorHarness.AssertCachedAndSymbolFree(driver.GetRunResult(), driver.RunGenerators(compilation.Clone()).GetRunResult());

        // An unrelated edit: every step of the variant is reused.
        var helperTree = compilation.SyntaxTrees.Single(t => t.FilePath == "/src/Helper.cs");
        var edited = compilation.ReplaceSyntaxTree(helperTree, CSharpSyntaxTree.ParseText(Helper.Replace("2 * x", "x + x"), GeneratorHarness.ParseOptions, "/src/Helper.cs"));
        driver = driver.RunGenerators(edited);
        var run = driver.GetRunResult();
        Assert.All(Reasons(run, TrackingNames.VariantResults), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(Reasons(run, TrackingNames.VariantSources), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));

        // The body's file changes: the variant (whose own file did not) is generated anew with the body's new stage.
        var bodyTree = edited.SyntaxTrees.Single(t => t.FilePath == "/src/Body.cs");
        var bodyEdited = edited.ReplaceSyntaxTree(bodyTree, CSharpSyntaxTree.ParseText(Body.Replace("[Linear(10)]", "[Linear(12)]"), GeneratorHarness.ParseOptions, "/src/Body.cs"));
        run = driver.RunGenerators(bodyEdited).GetRunResult();
        Assert.Equal(new[] { "App.Deeper.g.cs" }, SourceHints(run, TrackingNames.VariantSources, IncrementalStepRunReason.Modified));
        var deeper = run.Results[0].GeneratedSources.Single(s => s.HintName == "App.Deeper.g.cs").SourceText.ToString();
        Assert.Contains("nn.Linear(width, 12)", deeper);
        Assert.Contains("(\"4\", new global::App.Layer(", deeper); // five copies: the variant's depth
    }

    [Fact]
    public void Changing_OutputStride_or_a_tap_path_regenerates_that_network_and_keeps_the_models_symbol_free()
    {
        const string source = """
            using NetDsl;
            namespace App;
            [Block] public partial class Res
            {
                [Param] int c;
                [Param(FirstRepeatOnly = true)] int stride = 1;
                [Param] int dilation = 1;
                [Conv("c", Kernel = 3, Stride = "stride", Padding = "dilation", Dilation = "dilation")] Stage conv;
            }
            [Network(InChannels = 3, Height = 32, Width = 32, OutputStride = 4)]
            public partial class Dilated
            {
                [Conv(8, Kernel = 3, Stride = 2, Padding = 1)] Stage stem;
                [Use(typeof(Res), 8, 2, Repeat = 2)] Stage layer1;
                [Use(typeof(Res), 16, 2, Repeat = 2)] Stage layer2;
                [GlobalAvgPool, Flatten, Output("out")] Stage pool;
                [Identity, Tap("layer1"), Output("features")] Stage features;
            }
            """;
        var result = GeneratorHarness.RunAndAssertCached(source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Contains("dilation: 2", result.Sources["App.Dilated.g.cs"]);

        var (driver, compilation) = FirstRun((source, "/src/Dilated.cs"));
        var oldTree = compilation.SyntaxTrees.Single();
        foreach (var edit in new[] { source.Replace("OutputStride = 4", "OutputStride = 8"), source.Replace("Tap(\"layer1\")", "Tap(\"layer1.1\")") })
        {
            var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, CSharpSyntaxTree.ParseText(edit, GeneratorHarness.ParseOptions, "/src/Dilated.cs"))).GetRunResult();
            Assert.Contains(IncrementalStepRunReason.Modified, Reasons(run, TrackingNames.Networks));
            Assert.Equal(new[] { "App.Dilated.g.cs" }, SourceHints(run, TrackingNames.NetworkSources, IncrementalStepRunReason.Modified));
        }
    }

    [Fact]
    public void Stray_stage_fields_are_reported_and_an_unrelated_edit_leaves_their_step_cached()
    {
        const string stray = """
            using NetDsl;
            namespace App;
            public partial class Body
            {
                [Conv(8, Kernel = 1)] Stage conv;
            }
            """;
        var (driver, compilation) = FirstRun((Networks, "/src/Nets.cs"), (stray, "/src/Body.cs"), (Helper, "/src/Helper.cs"));
        var first = driver.GetRunResult();
        Assert.Equal(new[] { "NDSL0058" }, first.Diagnostics.Select(d => d.Id).ToArray());
        Assert.Equal("/src/Body.cs", first.Diagnostics[0].Location.SourceTree!.FilePath);
        Assert.Equal(new[] { IncrementalStepRunReason.New }, Reasons(first, TrackingNames.StrayStages));

        var oldTree = compilation.SyntaxTrees.Single(t => t.FilePath == "/src/Helper.cs");
        var newTree = CSharpSyntaxTree.ParseText(Helper.Replace("2 * x", "x + x"), GeneratorHarness.ParseOptions, "/src/Helper.cs");
        var run = driver.RunGenerators(compilation.ReplaceSyntaxTree(oldTree, newTree)).GetRunResult();

        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, Reasons(run, TrackingNames.StrayStages));
        Assert.Equal(new[] { "NDSL0058" }, run.Diagnostics.Select(d => d.Id).ToArray());
        Assert.All(Reasons(run, TrackingNames.NetworkSources), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));

        // Marking the class a block ends the warning (and generates it).
        var marked = CSharpSyntaxTree.ParseText(stray.Replace("public partial class Body", "[Block] public partial class Body"), GeneratorHarness.ParseOptions, "/src/Body.cs");
        var fixedRun = driver.RunGenerators(compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(t => t.FilePath == "/src/Body.cs"), marked)).GetRunResult();
        Assert.Empty(fixedRun.Diagnostics);
        Assert.Contains(fixedRun.Results[0].GeneratedSources, s => s.HintName == "App.Body.g.cs");
    }
}

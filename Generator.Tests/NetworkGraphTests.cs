using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NetDsl.Samples;
using NetDsl.Samples.Imaging;
using NetDsl.Samples.Networks;
using SkiaSharp;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>`graph &lt;Name&gt;`: the graph of every sample from its compile-time summary, as DOT and as a picture.</summary>
public class NetworkGraphTests
{
    public static IEnumerable<object[]> Depths => new[] { new object[] { 1 }, new object[] { 2 }, new object[] { 3 } };

    [Theory]
    [MemberData(nameof(Depths))]
    public void Every_sample_has_a_graph_with_its_stages_shaped_edges_and_well_formed_dot(int depth)
    {
        foreach (var sample in SampleRunner.All)
        {
            var graph = NetworkGraph.From(sample.Summary, depth);
            var dot = graph.ToDot();
            var declared = DeclaredNodes(dot);
            Assert.Equal(graph.Nodes.Select(n => n.Id).OrderBy(i => i), declared.OrderBy(i => i));
            Assert.True(Balanced(dot), $"{sample.Name}: unbalanced braces or quotes");
            var edges = Regex.Matches(dot, @"^\s*(n\d+) -> (n\d+) \[label=""([^""]*)""", RegexOptions.Multiline);
            Assert.Equal(graph.Edges.Count, edges.Count);
            foreach (Match e in edges)
            {
                Assert.Contains(e.Groups[1].Value, declared);
                Assert.Contains(e.Groups[2].Value, declared);
                Assert.Matches(@"^[\[(]", e.Groups[3].Value); // a shape on every edge
            }
            // Every stage of the network is drawn: each depth-1 row has a node standing for it.
            foreach (var row in sample.Summary.Rows.Where(r => r.Depth == 1))
            {
                Assert.True(graph.NodeOf.TryGetValue(row.Path, out var id), $"{sample.Name}: no node for stage {row.Path}");
                Assert.Contains(id, declared);
            }
            // Connected from the input: every node but the input has an edge in, and every node but an output an edge out.
            var into = graph.Edges.Select(e => e.To).ToHashSet();
            var outOf = graph.Edges.Select(e => e.From).ToHashSet();
            foreach (var n in graph.Nodes)
            {
                if (n.Kind != GraphNodeKind.Input) Assert.True(into.Contains(n.Id), $"{sample.Name}: nothing flows into {n.Label}");
                if (n.Kind != GraphNodeKind.Output) Assert.True(outOf.Contains(n.Id), $"{sample.Name}: nothing flows out of {n.Label}");
            }
            Assert.Equal(Math.Max(1, sample.Summary.Outputs.Count), graph.Nodes.Count(n => n.Kind == GraphNodeKind.Output));
            // A depth limit holds: no node deeper than it.
            Assert.All(graph.Nodes.Where(n => n.Path.Length > 0), n => Assert.True(sample.Summary[n.Path].Depth <= depth, $"{sample.Name}: {n.Path} below depth {depth}"));
        }
    }

    [Fact]
    public void ResNet50_folds_the_repeated_bottlenecks_and_shows_each_first_blocks_residual_at_depth_3()
    {
        var shallow = NetworkGraph.From(ResNet50.Summary, 2);
        var folded = shallow.Nodes.Where(n => n.Kind == GraphNodeKind.Folded).Select(n => n.Label.Split('\n')[0]).ToList();
        Assert.Equal(new[] { "layer1.1 … layer1.2 (×2)", "layer2.1 … layer2.3 (×3)", "layer3.1 … layer3.5 (×5)", "layer4.1 … layer4.2 (×2)" }, folded);
        Assert.Equal(4, shallow.Clusters.Count);
        Assert.Empty(shallow.Edges.Where(e => e.Kind == GraphEdgeKind.Residual));
        // Unfolded, every one of the 16 bottlenecks is its own box.
        Assert.Equal(16, NetworkGraph.From(ResNet50.Summary, 2, fold: false).Nodes.Count(n => n.Label.Contains("Bottleneck(")));

        var deep = NetworkGraph.From(ResNet50.Summary, 3);
        // layerN.0 opens: its downsample projection adds the block's input (the edge carries the block's input shape).
        var residual = deep.Edges.Where(e => e.Kind == GraphEdgeKind.Residual).Select(e => e.Label).ToList();
        Assert.Equal(new[] { "[64, 56, 56]", "[256, 56, 56]", "[512, 28, 28]", "[1024, 14, 14]" }, residual);
        Assert.Equal(4, deep.Nodes.Count(n => n.Kind == GraphNodeKind.Residual));
    }

    [Fact]
    public void Skips_taps_and_branches_come_from_the_stage_they_read()
    {
        var unet = NetworkGraph.From(TinyUNet.Summary, 1);
        var skips = unet.Edges.Where(e => e.Kind == GraphEdgeKind.Skip).ToList();
        Assert.Equal(2, skips.Count);
        Assert.Equal(new[] { unet.NodeOf["enc2"], unet.NodeOf["enc1"] }, skips.Select(e => e.From));
        Assert.Equal(new[] { unet.NodeOf["skip2"], unet.NodeOf["skip1"] }, skips.Select(e => e.To));
        Assert.Equal(new[] { "[32, H/2, W/2]", "[16, H, W]" }, skips.Select(e => e.Label));

        var aux = NetworkGraph.From(DeepLabV3ResNet50Aux.Summary, 2);
        var tap = Assert.Single(aux.Edges, e => e.Kind == GraphEdgeKind.Tap);
        Assert.Equal(aux.NodeOf["backbone.layer3"], tap.From);
        Assert.Equal(aux.NodeOf["aux_classifier"], tap.To);
        Assert.Equal("[1024, 28, 28]", tap.Label);
        Assert.Equal(new[] { "output \"out\"", "output \"aux\"" }, aux.Nodes.Where(n => n.Kind == GraphNodeKind.Output).Select(n => n.Label.Split('\n')[0]));

        // GoogLeNet at depth 3: each Inception's four branches leave the same node and meet in one concat.
        var inception = NetworkGraph.From(GoogLeNet.Summary, 3);
        var joins = inception.Nodes.Where(n => n.Kind == GraphNodeKind.Join && n.Label.StartsWith("concat", StringComparison.Ordinal)).ToList();
        Assert.Equal(9, joins.Count);
        Assert.All(joins, j => Assert.Equal(4, inception.Edges.Count(e => e.To == j.Id)));

        // DenseNet's layers concatenate the block's input: a skip from the layer's entry.
        var dense = NetworkGraph.From(DenseNet121.Summary, 4, fold: false);
        Assert.Equal(6 + 12 + 24 + 16, dense.Edges.Count(e => e.Kind == GraphEdgeKind.Skip));
    }

    [Fact]
    public void A_kernels_parts_stay_inside_its_box()
    {
        // WTConv's levels, ASPP's rates and an octave convolution's four paths are parts of one runtime module.
        var wt = NetworkGraph.From(WTConvStack.Summary, 5);
        Assert.DoesNotContain(wt.Nodes, n => n.Path.Contains(".wavelet_convs."));
        Assert.Equal(wt.NodeOf["wt3"], wt.NodeOf["wt3.wavelet_convs.2"]);
        var oct = NetworkGraph.From(OctResNet50.Summary, 6);
        Assert.DoesNotContain(oct.Nodes, n => n.Path.EndsWith(".conv_h2l", StringComparison.Ordinal));
        Assert.Contains(oct.Nodes, n => n.Path == "layer1.0.conv2");
    }

    [Fact]
    public void Pictures_are_drawn_for_every_sample()
    {
        var dir = Path.Combine(Path.GetTempPath(), "netdsl-graphs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var sample in SampleRunner.All)
            {
                var graph = NetworkGraph.From(sample.Summary, 2);
                var png = Path.Combine(dir, sample.Name + ".png");
                var svg = Path.Combine(dir, sample.Name + ".svg");
                var (w, h) = GraphPicture.Write(graph, png, svg);
                using var bitmap = SKBitmap.Decode(png);
                Assert.Equal((w, h), (bitmap.Width, bitmap.Height));
                // Taller than one row of boxes per node on the longest chain would need nothing less than the node count's few.
                Assert.True(h > 100 && w > 100, $"{sample.Name}: {w}x{h}");
                var text = File.ReadAllText(svg);
                Assert.StartsWith("<?xml", text);
                Assert.Contains("</svg>", text);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static HashSet<string> DeclaredNodes(string dot) =>
        Regex.Matches(dot, @"^\s*(n\d+) \[label=", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();

    /// <summary>Braces balance outside quoted strings, and every quote closes.</summary>
    private static bool Balanced(string dot)
    {
        int depth = 0;
        bool quoted = false;
        for (int i = 0; i < dot.Length; i++)
        {
            char c = dot[i];
            if (quoted)
            {
                if (c == '\\') i++;
                else if (c == '"') quoted = false;
                continue;
            }
            if (c == '"') quoted = true;
            else if (c == '{') depth++;
            else if (c == '}' && --depth < 0) return false;
        }
        return depth == 0 && !quoted;
    }
}

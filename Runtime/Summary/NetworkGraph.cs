using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NetDsl
{
    /// <summary>What a node of a <see cref="NetworkGraph"/> stands for.</summary>
    public enum GraphNodeKind
    {
        /// <summary>The network's input.</summary>
        Input,
        /// <summary>A named output of the network, or its one output.</summary>
        Output,
        /// <summary>A layer, or a block drawn as one box (below the depth limit, or a runtime kernel).</summary>
        Module,
        /// <summary>Consecutive copies of one block with equal shapes and parameters, drawn as one box (×n).</summary>
        Folded,
        /// <summary>A residual add of the block's input ([Shortcut]: identity or projection).</summary>
        Residual,
        /// <summary>A join of the flow with an earlier stage ([Add], [Concat], [Mul]) or of parallel branches.</summary>
        Join,
    }

    /// <summary>What an edge of a <see cref="NetworkGraph"/> carries.</summary>
    public enum GraphEdgeKind
    {
        /// <summary>The forward path from one stage to the next.</summary>
        Flow,
        /// <summary>A block's input to its residual add.</summary>
        Residual,
        /// <summary>An earlier stage's output into a join ([Add], [Concat], [Mul]).</summary>
        Skip,
        /// <summary>A stage reading an earlier module's output by path ([Tap]).</summary>
        Tap,
    }

    /// <summary>A box of the graph: <paramref name="Label"/> has the module's name and kind; <paramref name="Cluster"/> the block it sits in (null at the top).</summary>
    public sealed record GraphNode(string Id, string Label, GraphNodeKind Kind, string? Cluster, string Path);

    /// <summary>An arrow of the graph, labelled with the shape it carries (e.g. "[64, 56, 56]", the batch left out).</summary>
    public sealed record GraphEdge(string From, string To, string Label, GraphEdgeKind Kind);

    /// <summary>A block drawn open, its modules inside (a Graphviz cluster); <paramref name="Parent"/> is the enclosing one.</summary>
    public sealed record GraphCluster(string Id, string Label, string? Parent, string Path);

    /// <summary>
    /// A picture of a network's graph made from its compile-time <see cref="NetworkSummary"/> alone: every stage a box (or
    /// a cluster of boxes when the depth limit lets a block open), consecutive copies of a block with equal shapes and
    /// parameters folded into one box (ResNet's <c>layer1.1 … layer1.2 ×2</c>), parallel branches side by side into their
    /// join, residual adds fed by the block's input, skips ([Add], [Concat], [Mul]) and taps ([Tap]) drawn from the stage
    /// they read, each edge labelled with its shape. <see cref="ToDot"/> writes Graphviz DOT (<c>dot -Tsvg</c> renders it).
    /// </summary>
    /// <remarks>
    /// The summary's rows are in forward order, a block's rows right after it one level deeper. A block opens when its
    /// children chain (each reads what the one before it wrote, or joins it with something earlier) and none of them is a
    /// part of a runtime kernel (WTConv's levels, ASPP's rates, an octave convolution's four paths: those kernels stay one
    /// box); a Parallel row's children are its branches.
    /// </remarks>
    public sealed class NetworkGraph
    {
        private readonly List<GraphNode> _nodes = new List<GraphNode>();
        private readonly List<GraphEdge> _edges = new List<GraphEdge>();
        private readonly List<GraphCluster> _clusters = new List<GraphCluster>();
        private readonly Dictionary<string, string> _nodeOf = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _tapOf;
        private readonly NetworkSummary _summary;
        private readonly int _maxDepth;
        private readonly bool _fold;

        public string Name => _summary.Name;
        public IReadOnlyList<GraphNode> Nodes => _nodes;
        public IReadOnlyList<GraphEdge> Edges => _edges;
        public IReadOnlyList<GraphCluster> Clusters => _clusters;

        /// <summary>The node that stands for each module path of the summary (a closed block's modules map to its box; an open block to its last node).</summary>
        public IReadOnlyDictionary<string, string> NodeOf => _nodeOf;

        /// <summary>The deepest level drawn (1: the network's own stages only).</summary>
        public int MaxDepth => _maxDepth;

        private sealed class Tree
        {
            public Tree(SummaryRow? row) => Row = row;
            public SummaryRow? Row { get; }
            public List<Tree> Children { get; } = new List<Tree>();
            public string Name => Row is null ? "" : LastSegment(Row.Path);
        }

        private NetworkGraph(NetworkSummary summary, int maxDepth, bool fold)
        {
            _summary = summary;
            _maxDepth = Math.Max(1, maxDepth);
            _fold = fold;
            _tapOf = summary.Taps.GroupBy(t => t.Stage).ToDictionary(g => g.Key, g => g.First().Path, StringComparer.Ordinal);
        }

        /// <summary>The graph of <paramref name="summary"/> down to <paramref name="maxDepth"/> levels, repeated blocks folded unless <paramref name="fold"/> is false.</summary>
        public static NetworkGraph From(NetworkSummary summary, int maxDepth = 2, bool fold = true)
        {
            var graph = new NetworkGraph(summary, maxDepth, fold);
            graph.Build();
            return graph;
        }

        private int _next;

        private string NewId(string prefix) => prefix + (_next++).ToString(CultureInfo.InvariantCulture);

        private void Build()
        {
            var root = new Tree(null);
            var stack = new List<Tree> { root };
            foreach (var row in _summary.Rows)
            {
                int depth = Math.Max(1, Math.Min(row.Depth, stack.Count));
                stack.RemoveRange(depth, stack.Count - depth);
                var node = new Tree(row);
                stack[depth - 1].Children.Add(node);
                stack.Add(node);
            }
            string input = AddNode("input\n" + Shape(_summary.Input), GraphNodeKind.Input, null, "");
            var (exit, exitShape) = Sequence(root.Children, input, _summary.Input, null);
            if (_summary.Outputs.Count == 0)
            {
                string output = AddNode("output\n" + Shape(_summary.Output), GraphNodeKind.Output, null, "");
                AddEdge(exit, output, exitShape, GraphEdgeKind.Flow);
                return;
            }
            foreach (var o in _summary.Outputs)
            {
                string output = AddNode($"output \"{o.Name}\"\n{Shape(o.Shape)}", GraphNodeKind.Output, null, "");
                AddEdge(_nodeOf.TryGetValue(o.Stage, out var from) ? from : exit, output, o.Shape, GraphEdgeKind.Flow);
            }
        }

        /// <summary>Draws <paramref name="children"/> one after another from <paramref name="entry"/>; returns the last node and its shape.</summary>
        private (string Id, string Shape) Sequence(List<Tree> children, string entry, string entryShape, string? cluster)
        {
            string prev = entry, prevShape = entryShape;
            var exits = new Dictionary<string, (string Id, string Shape)>(StringComparer.Ordinal);
            for (int i = 0; i < children.Count; i++)
            {
                var child = children[i];
                var row = child.Row!;
                int run = FoldRun(children, i);
                string source = prev, sourceShape = prevShape;
                var sourceKind = GraphEdgeKind.Flow;
                if (_tapOf.TryGetValue(row.Path, out var tapped))
                {
                    source = Resolve(tapped) ?? prev;
                    sourceShape = _summary.Taps.First(t => t.Stage == row.Path).Shape;
                    sourceKind = GraphEdgeKind.Tap;
                }
                (string Id, string Shape) result;
                if (run > 1)
                {
                    result = Folded(children.GetRange(i, run), source, sourceShape, sourceKind, cluster);
                    i += run - 1;
                }
                else if (IsResidual(row.Kind))
                {
                    string label = row.Kind.StartsWith("Shortcut(identity", StringComparison.Ordinal) ? "+ " + child.Name : "+ " + child.Name + "\n" + Short(row.Kind);
                    string id = AddNode(label, GraphNodeKind.Residual, cluster, row.Path);
                    MapAll(child, id);
                    AddEdge(source, id, sourceShape, sourceKind);
                    AddEdge(entry, id, entryShape, GraphEdgeKind.Residual);
                    result = (id, row.OutputShape);
                }
                else if (SkipSource(row.Kind) is { } other)
                {
                    string op = row.Kind.Substring(0, row.Kind.IndexOf('(')).ToLowerInvariant();
                    string id = AddNode(op + " " + child.Name + "\n" + Short(row.Kind), GraphNodeKind.Join, cluster, row.Path);
                    MapAll(child, id);
                    AddEdge(source, id, sourceShape, sourceKind);
                    if (other == "input") AddEdge(entry, id, entryShape, GraphEdgeKind.Skip);
                    else if (exits.TryGetValue(other, out var sibling)) AddEdge(sibling.Id, id, sibling.Shape, GraphEdgeKind.Skip);
                    else if (Resolve(other) is { } far) AddEdge(far, id, ShapeOf(other), GraphEdgeKind.Skip);
                    result = (id, row.OutputShape);
                }
                else if (row.Kind.StartsWith("Parallel(", StringComparison.Ordinal) && Opens(child))
                {
                    string join = row.Kind.Substring("Parallel(".Length).TrimEnd(')');
                    var branchExits = child.Children.Select(b => Sequence(new List<Tree> { b }, source, sourceShape, cluster)).ToList();
                    // The first edge into each branch carries the source's kind (a tap feeds every branch).
                    string id = AddNode(join + " " + child.Name, GraphNodeKind.Join, cluster, row.Path);
                    foreach (var (branch, shape) in branchExits) AddEdge(branch, id, shape, GraphEdgeKind.Flow);
                    _nodeOf[row.Path] = id;
                    result = (id, row.OutputShape);
                }
                else if (Opens(child))
                {
                    string clusterId = NewId("cluster_");
                    _clusters.Add(new GraphCluster(clusterId, row.Path + "\n" + Short(Unwrap(row.Kind)), cluster, row.Path));
                    result = SequenceFrom(child.Children, source, sourceShape, sourceKind, clusterId);
                    _nodeOf[row.Path] = result.Id;
                }
                else
                {
                    string id = AddNode(Display(row) + "\n" + Short(row.Kind), GraphNodeKind.Module, cluster, row.Path);
                    MapAll(child, id);
                    AddEdge(source, id, sourceShape, sourceKind);
                    result = (id, row.OutputShape);
                }
                exits[child.Name] = result;
                (prev, prevShape) = result;
            }
            return (prev, prevShape);
        }

        /// <summary>A sequence whose first edge is of <paramref name="kind"/> (a tap into an open block).</summary>
        private (string Id, string Shape) SequenceFrom(List<Tree> children, string source, string shape, GraphEdgeKind kind, string cluster)
        {
            int before = _edges.Count;
            var result = Sequence(children, source, shape, cluster);
            if (kind != GraphEdgeKind.Flow)
            {
                for (int e = before; e < _edges.Count; e++)
                {
                    if (_edges[e].From == source && _edges[e].Kind == GraphEdgeKind.Flow) _edges[e] = _edges[e] with { Kind = kind };
                }
            }
            return result;
        }

        private (string Id, string Shape) Folded(List<Tree> copies, string source, string sourceShape, GraphEdgeKind sourceKind, string? cluster)
        {
            var first = copies[0].Row!;
            var last = copies[copies.Count - 1].Row!;
            string id = AddNode($"{first.Path} … {last.Path} (×{copies.Count})\n{Short(first.Kind)}", GraphNodeKind.Folded, cluster, first.Path);
            foreach (var copy in copies) MapAll(copy, id);
            AddEdge(source, id, sourceShape, sourceKind);
            return (id, last.OutputShape);
        }

        /// <summary>How many siblings from <paramref name="i"/> on are copies of one block (same block, shapes and parameters); 1 when not folding.</summary>
        private int FoldRun(List<Tree> siblings, int i)
        {
            if (!_fold || siblings[i].Children.Count == 0 || _tapOf.ContainsKey(siblings[i].Row!.Path)) return 1;
            var a = siblings[i].Row!;
            int n = 1;
            while (i + n < siblings.Count)
            {
                var b = siblings[i + n].Row!;
                if (siblings[i + n].Children.Count == 0 || TypeName(b.Kind) != TypeName(a.Kind) || b.InputShape != a.InputShape ||
                    b.OutputShape != a.OutputShape || b.Params != a.Params || _tapOf.ContainsKey(b.Path) || IsReadByName(siblings, siblings[i + n].Name))
                    break;
                n++;
            }
            return n;
        }

        /// <summary>Whether a later sibling reads <paramref name="name"/> as a skip: such a copy keeps its own box.</summary>
        private static bool IsReadByName(List<Tree> siblings, string name) =>
            siblings.Any(s => s.Row is { } r && SkipSource(r.Kind) == name);

        /// <summary>Whether a block opens into its children at this depth.</summary>
        private bool Opens(Tree t)
        {
            var row = t.Row!;
            if (row.Depth >= _maxDepth || t.Children.Count == 0) return false;
            if (t.Children.Any(c => c.Row!.Kind.Length > 0 && char.IsLower(c.Row.Kind[0]))) return false; // parts of a kernel
            if (row.Kind.StartsWith("Parallel(", StringComparison.Ordinal)) return true;
            string shape = row.InputShape;
            foreach (var c in t.Children)
            {
                var r = c.Row!;
                bool reads = InputParts(r.InputShape).Contains(shape) || _tapOf.ContainsKey(r.Path) || SkipSource(r.Kind) is not null || IsResidual(r.Kind);
                if (!reads) return false;
                shape = r.OutputShape;
            }
            return true;
        }

        private static IEnumerable<string> InputParts(string shape) => shape.Split(new[] { " + " }, StringSplitOptions.None);

        private static bool IsResidual(string kind) =>
            kind.StartsWith("Shortcut(", StringComparison.Ordinal) || kind.StartsWith("Projection:", StringComparison.Ordinal);

        /// <summary>For "Concat(·, enc2)", "Add(·, stem)", "Mul(·, input)", "Concat(input, ·)": the other operand's name; else null.</summary>
        private static string? SkipSource(string kind)
        {
            foreach (var op in new[] { "Concat(", "Add(", "Mul(" })
            {
                if (!kind.StartsWith(op, StringComparison.Ordinal) || !kind.EndsWith(")", StringComparison.Ordinal)) continue;
                var args = kind.Substring(op.Length, kind.Length - op.Length - 1).Split(new[] { ", " }, StringSplitOptions.None);
                if (args.Length == 2 && (args[0] == "·" || args[1] == "·")) return args[0] == "·" ? args[1] : args[0];
            }
            return null;
        }

        private string? Resolve(string path)
        {
            // The module itself, else its nearest ancestor that is drawn.
            for (string p = path; p.Length > 0; p = p.Contains('.') ? p.Substring(0, p.LastIndexOf('.')) : "")
                if (_nodeOf.TryGetValue(p, out var id)) return id;
            return null;
        }

        private string ShapeOf(string path) => _summary.Rows.FirstOrDefault(r => r.Path == path)?.OutputShape ?? "";

        private void MapAll(Tree t, string id)
        {
            if (t.Row is not null) _nodeOf[t.Row.Path] = id;
            foreach (var c in t.Children) MapAll(c, id);
        }

        private string AddNode(string label, GraphNodeKind kind, string? cluster, string path)
        {
            string id = NewId("n");
            _nodes.Add(new GraphNode(id, label, kind, cluster, path));
            return id;
        }

        private void AddEdge(string from, string to, string shape, GraphEdgeKind kind) => _edges.Add(new GraphEdge(from, to, Shape(shape), kind));

        /// <summary>A shape without the batch: "[N, 64, 56, 56]" is "[64, 56, 56]"; an octave pair keeps both parts.</summary>
        public static string Shape(string shape) => shape.Replace("[N, ", "[").Replace("[N]", "[]");

        /// <summary>A module's name in its box: the field name, or the path's last two segments for a copy ("layer1.0").</summary>
        private static string Display(SummaryRow row)
        {
            string name = LastSegment(row.Path);
            if (name.Length == 0 || !name.All(char.IsDigit) || !row.Path.Contains('.')) return name;
            string parent = row.Path.Substring(0, row.Path.Length - name.Length - 1);
            return LastSegment(parent) + "." + name;
        }

        /// <summary>"Sequential(3 × Bottleneck)" is "3 × Bottleneck"; other kinds stay.</summary>
        private static string Unwrap(string kind) =>
            kind.StartsWith("Sequential(", StringComparison.Ordinal) ? kind.Substring("Sequential(".Length).TrimEnd(')') : kind;

        private static string TypeName(string kind)
        {
            int paren = kind.IndexOf('(');
            return paren < 0 ? kind : kind.Substring(0, paren);
        }

        /// <summary>A kind as a box holds it: broken after a comma or a "·" into lines of at most 46 characters, three at most.</summary>
        private static string Short(string kind)
        {
            const int width = 46;
            var lines = new List<string>();
            string rest = kind;
            while (rest.Length > width && lines.Count < 2)
            {
                int comma = rest.LastIndexOf(", ", width, StringComparison.Ordinal), dot = rest.LastIndexOf(" · ", width, StringComparison.Ordinal);
                if (comma <= 0 && dot <= 0) break;
                if (comma > dot)
                {
                    lines.Add(rest.Substring(0, comma + 1));
                    rest = rest.Substring(comma + 2);
                }
                else
                {
                    lines.Add(rest.Substring(0, dot) + " ·");
                    rest = rest.Substring(dot + 3);
                }
            }
            lines.Add(rest.Length <= width + 8 ? rest : rest.Substring(0, width) + "…");
            return string.Join("\n", lines);
        }

        private static string LastSegment(string path)
        {
            int dot = path.LastIndexOf('.');
            return dot < 0 ? path : path.Substring(dot + 1);
        }

        /// <summary>
        /// Graphviz DOT: top to bottom, open blocks as clusters (nested as the blocks are), residual edges dashed, skips
        /// blue, taps green, joins as ellipses, folded copies as stacked boxes. Render with <c>dot -Tsvg graph.dot -o graph.svg</c>.
        /// </summary>
        public string ToDot()
        {
            var sb = new StringBuilder();
            sb.Append("digraph ").Append(Quote(Name)).AppendLine(" {");
            sb.AppendLine("  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.35, labeljust=l];");
            sb.AppendLine("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", color=\"#5b7db1\", fontname=\"Helvetica\", fontsize=10];");
            sb.AppendLine("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#444444\"];");
            sb.Append("  label=").Append(Quote($"{Name}: {Shape(_summary.Input)} -> {Shape(_summary.Output)}, {_summary.TotalParams.ToString("N0", CultureInfo.InvariantCulture)} parameters (compile-time summary, depth {_maxDepth})")).AppendLine(";");
            sb.AppendLine("  labelloc=t;");
            WriteScope(sb, null, "  ");
            foreach (var e in _edges)
            {
                sb.Append("  ").Append(e.From).Append(" -> ").Append(e.To).Append(" [label=").Append(Quote(e.Label));
                switch (e.Kind)
                {
                    case GraphEdgeKind.Residual: sb.Append(", style=dashed, color=\"#888888\""); break;
                    case GraphEdgeKind.Skip: sb.Append(", color=\"#2b6cb0\", fontcolor=\"#2b6cb0\", constraint=false"); break;
                    case GraphEdgeKind.Tap: sb.Append(", color=\"#2f855a\", fontcolor=\"#2f855a\", style=bold"); break;
                }
                sb.AppendLine("];");
            }
            sb.AppendLine("}");
            return sb.ToString();
        }

        private void WriteScope(StringBuilder sb, string? cluster, string indent)
        {
            foreach (var n in _nodes.Where(n => n.Cluster == cluster))
            {
                sb.Append(indent).Append(n.Id).Append(" [label=").Append(Quote(n.Label));
                switch (n.Kind)
                {
                    case GraphNodeKind.Input:
                    case GraphNodeKind.Output: sb.Append(", shape=oval, fillcolor=\"#fdf6e3\""); break;
                    case GraphNodeKind.Folded: sb.Append(", peripheries=2, fillcolor=\"#e3ecf9\""); break;
                    case GraphNodeKind.Residual:
                    case GraphNodeKind.Join: sb.Append(", shape=ellipse, fillcolor=\"#f2f2f2\""); break;
                }
                sb.AppendLine("];");
            }
            foreach (var c in _clusters.Where(c => c.Parent == cluster))
            {
                sb.Append(indent).Append("subgraph ").Append(c.Id).AppendLine(" {");
                sb.Append(indent).Append("  label=").Append(Quote(c.Label)).AppendLine(";");
                sb.Append(indent).AppendLine("  style=\"rounded\"; color=\"#9aa9c2\";");
                WriteScope(sb, c.Id, indent + "  ");
                sb.Append(indent).AppendLine("}");
            }
        }

        private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Msagl.Core.Geometry;
using Microsoft.Msagl.Core.Geometry.Curves;
using Microsoft.Msagl.Core.Layout;
using Microsoft.Msagl.Core.Routing;
using Microsoft.Msagl.Layout.Layered;
using Microsoft.Msagl.Miscellaneous;
using SkiaSharp;
using MsaglEdge = Microsoft.Msagl.Core.Layout.Edge;
using MsaglNode = Microsoft.Msagl.Core.Layout.Node;

namespace NetDsl.Samples.Imaging;

/// <summary>
/// Draws a <see cref="NetworkGraph"/>: MSAGL (AutomaticGraphLayout, its Sugiyama layered layout, open blocks as clusters)
/// places the boxes and routes the edges, SkiaSharp draws them to PNG and SVG. Colours as <see cref="NetworkGraph.ToDot"/>:
/// residual edges dashed grey, skips blue, taps green, folded copies with a double frame, joins as ellipses.
/// </summary>
public static class GraphPicture
{
    private const float FontSize = 11f, LabelSize = 9f, LineHeight = 14f, Pad = 8f;

    private const float ClusterPad = 7f, ClusterHeader = 15f;

    private sealed record Placed(GeometryGraph Geometry, Rectangle Bounds, Dictionary<string, MsaglNode> Nodes, Dictionary<string, Rectangle> Clusters, List<(GraphEdge Edge, MsaglEdge Geometry)> Edges);

    /// <summary>Writes the graph as a PNG (<paramref name="pngPath"/>) and an SVG (<paramref name="svgPath"/>, when given); returns the picture's size.</summary>
    public static (int Width, int Height) Write(NetworkGraph graph, string pngPath, string? svgPath = null)
    {
        var placed = Lay(graph);
        var box = placed.Bounds;
        const float margin = 20f, header = 28f;
        int width = (int)Math.Ceiling(box.Width + 2 * margin), height = (int)Math.Ceiling(box.Height + 2 * margin + header);
        width = Math.Max(width, 420);
        void Draw(SKCanvas canvas)
        {
            canvas.Clear(SKColors.White);
            using var titleFont = Picture.Font(13);
            using var ink = new SKPaint { Color = new SKColor(60, 60, 60), IsAntialias = true };
            Picture.DrawFitted(canvas, Title(graph), width / 2f, margin + 8, width - 2 * margin, titleFont, ink);
            canvas.Save();
            // MSAGL's y grows upwards: flip it, and move the bounding box to the margins.
            canvas.Translate((float)(margin - box.Left + (width - 2 * margin - box.Width) / 2), (float)(margin + header + box.Top));
            canvas.Scale(1, -1);
            Render(canvas, graph, placed);
            canvas.Restore();
        }
        using (var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul)))
        {
            Draw(surface.Canvas);
            Picture.Save(surface, pngPath);
        }
        if (svgPath is not null)
        {
            using var stream = File.Create(svgPath);
            using (var svg = SKSvgCanvas.Create(SKRect.Create(width, height), stream)) Draw(svg);
        }
        return (width, height);
    }

    private static string Title(NetworkGraph graph) => $"{graph.Name} (compile-time graph, depth {graph.MaxDepth})";

    private static Placed Lay(NetworkGraph graph)
    {
        using var font = Picture.Font(FontSize);
        var g = new GeometryGraph();
        var nodes = new Dictionary<string, MsaglNode>();
        foreach (var n in graph.Nodes)
        {
            var lines = n.Label.Split('\n');
            double w = lines.Max(l => font.MeasureText(l)) + 2 * Pad, h = lines.Length * LineHeight + Pad;
            var curve = n.Kind is GraphNodeKind.Join or GraphNodeKind.Residual or GraphNodeKind.Input or GraphNodeKind.Output
                ? CurveFactory.CreateEllipse(w / 2 + 6, h / 2 + 2, new Point(0, 0))
                : CurveFactory.CreateRectangleWithRoundedCorners(w, h, 5, 5, new Point(0, 0));
            var node = new MsaglNode(curve, n);
            g.Nodes.Add(node);
            nodes[n.Id] = node;
        }
        var edges = new List<(GraphEdge, MsaglEdge)>();
        using var labelFont = Picture.Font(LabelSize);
        foreach (var e in graph.Edges)
        {
            if (e.From == e.To) continue;
            var edge = new MsaglEdge(nodes[e.From], nodes[e.To]) { UserData = e };
            var label = new Label(labelFont.MeasureText(e.Label) + 4, LabelSize + 4, edge);
            edge.Label = label;
            g.Edges.Add(edge);
            edges.Add((e, edge));
        }
        var settings = new SugiyamaLayoutSettings
        {
            NodeSeparation = 16,
            LayerSeparation = 34,
        };
        settings.EdgeRoutingSettings.EdgeRoutingMode = EdgeRoutingMode.Spline;
        // A tap leaves an open block from inside: keep what reads it below the whole block (the block's last node above
        // it), so the block's frame does not take in the tapping stages.
        var clusterOfNode = graph.Nodes.ToDictionary(n => n.Id, n => n.Cluster);
        var clusterById = graph.Clusters.ToDictionary(c => c.Id);
        bool Inside(string? cluster, string? within)
        {
            for (var c = cluster; c is not null; c = clusterById[c].Parent) if (c == within) return true;
            return within is null;
        }
        foreach (var e in graph.Edges.Where(e => e.Kind == GraphEdgeKind.Tap))
        {
            for (var c = clusterOfNode[e.From]; c is not null; c = clusterById[c].Parent)
            {
                if (Inside(clusterOfNode[e.To], c)) break;
                if (graph.NodeOf.TryGetValue(clusterById[c].Path, out var exit) && exit != e.To)
                    settings.AddUpDownConstraint(nodes[exit], nodes[e.To]);
            }
        }
        LayoutHelpers.CalculateLayout(g, settings, null);
        // Open blocks: the box around their members (nested blocks first, so a block's box holds its inner blocks').
        var boxes = new Dictionary<string, Rectangle>();
        Rectangle BoxOf(GraphCluster c)
        {
            if (boxes.TryGetValue(c.Id, out var known)) return known;
            var members = graph.Nodes.Where(n => n.Cluster == c.Id).Select(n => nodes[n.Id].BoundingBox)
                .Concat(graph.Clusters.Where(k => k.Parent == c.Id).Select(BoxOf)).ToList();
            var box = members[0];
            foreach (var m in members.Skip(1)) box.Add(m);
            box = new Rectangle(box.Left - ClusterPad, box.Bottom - ClusterPad, box.Right + ClusterPad, box.Top + ClusterPad + ClusterHeader);
            boxes[c.Id] = box;
            return box;
        }
        foreach (var c in graph.Clusters) BoxOf(c);
        var bounds = g.BoundingBox;
        foreach (var box in boxes.Values) bounds.Add(box);
        return new Placed(g, bounds, nodes, boxes, edges);
    }

    private static void Render(SKCanvas canvas, NetworkGraph graph, Placed placed)
    {
        using var font = Picture.Font(FontSize);
        using var boldFont = Picture.Font(FontSize);
        using var labelFont = Picture.Font(LabelSize);
        using var clusterFont = Picture.Font(10);
        using var text = new SKPaint { Color = new SKColor(25, 25, 25), IsAntialias = true };
        using var fill = new SKPaint { Style = SKPaintStyle.Fill, IsAntialias = true };
        using var stroke = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 1.2f, IsAntialias = true };
        // Clusters, outermost first.
        foreach (var c in graph.Clusters)
        {
            var box = placed.Clusters[c.Id];
            var rect = new SKRect((float)box.Left, (float)box.Bottom, (float)box.Right, (float)box.Top);
            fill.Color = new SKColor(246, 248, 252);
            stroke.Color = new SKColor(154, 169, 194);
            stroke.PathEffect = null;
            canvas.DrawRoundRect(rect, 6, 6, fill);
            canvas.DrawRoundRect(rect, 6, 6, stroke);
            // rect.Bottom is the top in MSAGL's y-up frame.
            // Right-aligned: the edge labels sit left of their edges.
            DrawText(canvas, c.Label.Replace("\n", ": "), rect.Right - 6, rect.Bottom - ClusterHeader + 3, clusterFont, text, SKTextAlign.Right, rect.Width - 12);
        }
        foreach (var (edge, geometry) in placed.Edges)
        {
            var (colour, dashed, width) = edge.Kind switch
            {
                GraphEdgeKind.Residual => (new SKColor(136, 136, 136), true, 1.2f),
                GraphEdgeKind.Skip => (new SKColor(43, 108, 176), false, 1.4f),
                GraphEdgeKind.Tap => (new SKColor(47, 133, 90), false, 2f),
                _ => (new SKColor(68, 68, 68), false, 1.1f),
            };
            stroke.Color = colour;
            stroke.StrokeWidth = width;
            stroke.PathEffect = dashed ? SKPathEffect.CreateDash(new[] { 5f, 3f }, 0) : null;
            if (geometry.Curve is not { } curve) continue;
            using var path = new SKPath();
            const int steps = 40;
            for (int i = 0; i <= steps; i++)
            {
                var p = curve[curve.ParStart + (curve.ParEnd - curve.ParStart) * i / steps];
                if (i == 0) path.MoveTo((float)p.X, (float)p.Y); else path.LineTo((float)p.X, (float)p.Y);
            }
            var end = curve.End;
            var tip = geometry.EdgeGeometry.TargetArrowhead?.TipPosition ?? end;
            path.LineTo((float)tip.X, (float)tip.Y);
            canvas.DrawPath(path, stroke);
            stroke.PathEffect = null;
            DrawArrowhead(canvas, end, tip, colour);
            if (geometry.Label is { } label && edge.Label.Length > 0)
            {
                var at = label.Center;
                using var labelInk = new SKPaint { Color = edge.Kind == GraphEdgeKind.Flow ? new SKColor(90, 90, 90) : colour, IsAntialias = true };
                DrawText(canvas, edge.Label, (float)at.X, (float)at.Y - LabelSize / 2 + 1, labelFont, labelInk, SKTextAlign.Center, float.MaxValue);
            }
        }
        foreach (var n in graph.Nodes)
        {
            var node = placed.Nodes[n.Id];
            var box = node.BoundingBox;
            var rect = new SKRect((float)box.Left, (float)box.Bottom, (float)box.Right, (float)box.Top);
            (fill.Color, stroke.Color) = n.Kind switch
            {
                GraphNodeKind.Input or GraphNodeKind.Output => (new SKColor(253, 246, 227), new SKColor(181, 137, 0)),
                GraphNodeKind.Folded => (new SKColor(227, 236, 249), new SKColor(91, 125, 177)),
                GraphNodeKind.Residual or GraphNodeKind.Join => (new SKColor(242, 242, 242), new SKColor(120, 120, 120)),
                _ => (new SKColor(238, 243, 251), new SKColor(91, 125, 177)),
            };
            stroke.StrokeWidth = 1.2f;
            if (n.Kind is GraphNodeKind.Join or GraphNodeKind.Residual or GraphNodeKind.Input or GraphNodeKind.Output)
            {
                canvas.DrawOval(rect, fill);
                canvas.DrawOval(rect, stroke);
            }
            else
            {
                if (n.Kind == GraphNodeKind.Folded)
                {
                    // A second box behind: the copies.
                    var behind = rect;
                    behind.Offset(4, 4);
                    canvas.DrawRoundRect(behind, 5, 5, fill);
                    canvas.DrawRoundRect(behind, 5, 5, stroke);
                }
                canvas.DrawRoundRect(rect, 5, 5, fill);
                canvas.DrawRoundRect(rect, 5, 5, stroke);
            }
            var lines = n.Label.Split('\n');
            float top = rect.MidY + LineHeight * lines.Length / 2f;
            for (int i = 0; i < lines.Length; i++)
                DrawText(canvas, lines[i], rect.MidX, top - LineHeight * (i + 1) + 3.5f, i == 0 ? boldFont : font, text, SKTextAlign.Center, float.MaxValue);
        }
    }

    /// <summary>Text in the flipped (y-up) frame: flips back around the baseline point.</summary>
    private static void DrawText(SKCanvas canvas, string s, float x, float y, SKFont font, SKPaint paint, SKTextAlign align, float maxWidth)
    {
        canvas.Save();
        canvas.Translate(x, y);
        canvas.Scale(1, -1);
        if (align == SKTextAlign.Center) Picture.DrawFitted(canvas, s, 0, 0, maxWidth, font, paint);
        else
        {
            using var fitted = new SKFont(font.Typeface, font.Size);
            while (fitted.MeasureText(s) > maxWidth && fitted.Size > 7) fitted.Size -= 0.5f;
            canvas.DrawText(s, 0, 0, align, fitted, paint);
        }
        canvas.Restore();
    }

    private static void DrawArrowhead(SKCanvas canvas, Point from, Point tip, SKColor colour)
    {
        double dx = tip.X - from.X, dy = tip.Y - from.Y, len = Math.Sqrt(dx * dx + dy * dy);
        if (len < 1e-6) return;
        dx /= len; dy /= len;
        const double size = 7, half = 3.5;
        var b = new Point(tip.X - dx * size, tip.Y - dy * size);
        using var path = new SKPath();
        path.MoveTo((float)tip.X, (float)tip.Y);
        path.LineTo((float)(b.X - dy * half), (float)(b.Y + dx * half));
        path.LineTo((float)(b.X + dy * half), (float)(b.Y - dx * half));
        path.Close();
        using var paint = new SKPaint { Color = colour, Style = SKPaintStyle.Fill, IsAntialias = true };
        canvas.DrawPath(path, paint);
    }
}

using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[Linear]: nn.Linear on a flat [N, F] tensor.</summary>
    public sealed class LinearRule : LayerRule
    {
        public override string Name => "Linear";
        public override bool Flattens => true;
        public override bool ConnectsAllFeatures => true;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Out = a.Expr("outFeatures", null, required: true);
            b.Bias = a.Bool("Bias", true);
            b.In = a.Expr("In", null);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            var shape = v.Shape;
            if (shape.Rank == Rank.Map && shape.ChannelsLast) return OnChannels(c);
            if (shape.Rank != Rank.Flat)
            {
                c.Report(DiagnosticDescriptors.RankMismatch, layer.Location, where,
                    $"Linear needs a flattened [N, F] input but receives {c.Fmt(shape)}; add [Flatten] (after global pooling) before it, " +
                    "or [Permute(0, 2, 3, 1)] to apply it to the channels of every pixel (torchvision's ConvNeXt block)");
                return null;
            }
            if (!c.TryEval("outFeatures", layer.Out, out var outFeatures)) return null;
            if (!c.Check(outFeatures >= 1, "outFeatures", $"Linear out-features must be positive, got {outFeatures}")) return null;
            if (shape.Channels < 0)
            {
                c.Report(DiagnosticDescriptors.SymbolicFlatten, layer.Location, where, "C*H*W");
                return null;
            }
            if (c.IsBlock && v.FlatFromSpatial)
            {
                c.Report(DiagnosticDescriptors.BlockNeedsFlatWidth, layer.Location, where);
                return null;
            }
            if (layer.In is not null && c.TryEval("In", layer.In, out var expected) && expected != shape.Channels)
            {
                c.Report(DiagnosticDescriptors.LinearInFeatures, c.LocationOf("In"), where, expected, shape.Channels, c.Fmt(shape));
                return null;
            }
            row.Kind = $"Linear({shape.Channels}→{outFeatures}" + (layer.Bias ? "" : ", bias=False") + ")";
            row.Params = shape.Channels * outFeatures + (layer.Bias ? outFeatures : 0);
            row.Macs = c.MacsOver(shape.Channels * outFeatures, Dim.Known(1), Dim.Known(1));
            var result = v;
            result.Shape = TensorShape.Flat(outFeatures);
            result.Global = true;
            result.FlatFromSpatial = false;
            c.Record(shape, result.Shape);
            return result;
        }

        /// <summary>Linear on the last dimension of a channels-last map: the channels of every pixel (weight (out, C)).</summary>
        private static LayerValue? OnChannels(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            var shape = v.Shape;
            if (!c.TryEval("outFeatures", layer.Out, out var outFeatures)) return null;
            if (!c.Check(outFeatures >= 1, "outFeatures", $"Linear out-features must be positive, got {outFeatures}")) return null;
            if (layer.In is not null && c.TryEval("In", layer.In, out var expected) && expected != shape.Channels)
            {
                c.Report(DiagnosticDescriptors.LinearInFeatures, c.LocationOf("In"), where, expected, shape.Channels, c.Fmt(shape));
                return null;
            }
            row.Kind = $"Linear({shape.Channels}→{outFeatures}" + (layer.Bias ? "" : ", bias=False") + ") per pixel";
            row.Params = shape.Channels * outFeatures + (layer.Bias ? outFeatures : 0);
            row.Macs = c.MacsOver(shape.Channels * outFeatures, shape.Height, shape.Width);
            var result = v;
            result.Shape = new TensorShape(outFeatures, shape.Height, shape.Width).InLayout(true);
            c.Record(shape, result.Shape);
            return result;
        }

        public override void Flow(BoundLayer layer, ref ChannelState state) => state.Channels = layer.Out!;

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules.Linear";

        public override string Construct(BoundLayer l, LayerEmission e) =>
            "nn.Linear(" + e.Features(l) + ", " + l.Out!.ToCSharp() + (l.Bias ? "" : ", hasBias: false") + ")";
    }
}

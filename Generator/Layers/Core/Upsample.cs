using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[Upsample]: nn.Upsample by an integer scale or to a fixed size, nearest or bilinear.</summary>
    public sealed class UpsampleRule : LayerRule
    {
        public override string Name => "Upsample";

        public override bool MustBePositive(string argument) => false; // Scale or Height / Width: 0 means "not this one"

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Scale = a.Has("scale") ? a.Expr("scale", 0) : a.Expr("Scale", 0);
            if (a.Arg("scale") is { } sl) b.ArgLocations["Scale"] = sl.Location;
            b.UpHeight = a.Expr("Height", 0);
            b.UpWidth = a.Expr("Width", 0);
            b.UpsampleMode = a.Int("Mode", 0);
            b.AlignCorners = a.Bool("AlignCorners", false);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row) = (c.Layer, c.Input, c.Row);
            if (!c.RequireMap("Upsample")) return null;
            if (!c.TryEval("Scale", layer.Scale, out var scale)) return null;
            if (!c.TryEval("Height", layer.UpHeight, out var height)) return null;
            if (!c.TryEval("Width", layer.UpWidth, out var width)) return null;
            bool byScale = scale != 0;
            bool bySize = height != 0 || width != 0;
            if (!c.Check(byScale != bySize, byScale ? "Scale" : "Height",
                    "Upsample needs either Scale or both Height and Width, not both and not neither")) return null;
            var shape = v.Shape;
            var result = v;
            string mode = layer.UpsampleMode == 1 ? "bilinear" : "nearest";
            if (byScale)
            {
                if (!c.Check(scale >= 1, "Scale", $"Upsample scale must be positive, got {scale}")) return null;
                result.Shape = new TensorShape(shape.Channels, new Dim(shape.Height.Coef * scale, shape.Height.Offset * scale), new Dim(shape.Width.Coef * scale, shape.Width.Offset * scale));
                result.Jump = v.Jump / scale;
                result.PathStride = scale == 1 ? v.PathStride : 0;
                row.Kind = $"Upsample(scale={scale}, {mode})";
            }
            else
            {
                if (!c.Check(height >= 1 && width >= 1, "Height", $"Upsample size must be positive, got {height}x{width}")) return null;
                result.Shape = new TensorShape(shape.Channels, Dim.Known(height), Dim.Known(width));
                result.PathStride = 0;
                row.Kind = $"Upsample(size={height}x{width}, {mode})";
            }
            c.Record(shape, result.Shape);
            return result;
        }

        public override void Flow(BoundLayer layer, ref ChannelState state) => state.LoseStride();

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules.Upsample";

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            string mode = l.UpsampleMode == 1 ? "global::TorchSharp.torch.UpsampleMode.Bilinear" : "global::TorchSharp.torch.UpsampleMode.Nearest";
            string align = l.UpsampleMode == 1 ? ", align_corners: " + (l.AlignCorners ? "true" : "false") : "";
            if (!LayerEmission.IsZero(l.Scale))
                return $"nn.Upsample(scale_factor: new double[] {{ {l.Scale!.ToCSharp()}, {l.Scale!.ToCSharp()} }}, mode: {mode}{align})";
            return $"nn.Upsample(size: new long[] {{ {l.UpHeight!.ToCSharp()}, {l.UpWidth!.ToCSharp()} }}, mode: {mode}{align})";
        }
    }
}

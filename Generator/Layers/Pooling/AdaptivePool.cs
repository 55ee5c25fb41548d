using System.Globalization;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// Adaptive pooling to a size x size grid: [AdaptiveAvgPool] / [AdaptiveMaxPool] (size given), [GlobalAvgPool] /
    /// [GlobalMaxPool] (size 1, a global receptive field).
    /// </summary>
    public abstract class AdaptivePoolRule : LayerRule
    {
        protected abstract bool Average { get; }

        /// <summary>Whether the size is the attribute's argument (else 1).</summary>
        protected abstract bool Sized { get; }

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            if (Sized) b.Size = a.Expr("size", null, required: true);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row) = (c.Layer, c.Input, c.Row);
            if (!c.RequireMap(Name)) return null;
            long size = 1;
            if (layer.Size is not null)
            {
                if (!c.TryEval("size", layer.Size, out size)) return null;
                if (!c.Check(size >= 1, "size", $"adaptive pooling output size must be positive, got {size}")) return null;
            }
            row.Kind = (Average ? "AdaptiveAvgPool2d(" : "AdaptiveMaxPool2d(") + size.ToString(CultureInfo.InvariantCulture) + ")";
            var result = v;
            result.Shape = new TensorShape(v.Shape.Channels, Dim.Known(size), Dim.Known(size));
            if (size == 1) result.Global = true;
            else result.PathStride = 0;
            c.Record(v.Shape, result.Shape);
            return result;
        }

        public override void Flow(BoundLayer layer, ref ChannelState state) => state.LoseStride();

        public override string ModuleType(BoundLayer layer, LayerEmission e) => Average ? "Modules.AdaptiveAvgPool2d" : "Modules.AdaptiveMaxPool2d";

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            string size = Sized ? l.Size!.ToCSharp() : "1";
            return Average ? "nn.AdaptiveAvgPool2d(" + size + ")" : "nn.AdaptiveMaxPool2d(new long[] { " + size + ", " + size + " })";
        }
    }

    public sealed class AdaptiveAvgPoolRule : AdaptivePoolRule
    {
        public override string Name => "AdaptiveAvgPool";
        protected override bool Average => true;
        protected override bool Sized => true;
    }

    public sealed class AdaptiveMaxPoolRule : AdaptivePoolRule
    {
        public override string Name => "AdaptiveMaxPool";
        protected override bool Average => false;
        protected override bool Sized => true;
    }

    public sealed class GlobalAvgPoolRule : AdaptivePoolRule
    {
        public override string Name => "GlobalAvgPool";
        protected override bool Average => true;
        protected override bool Sized => false;
    }

    public sealed class GlobalMaxPoolRule : AdaptivePoolRule
    {
        public override string Name => "GlobalMaxPool";
        protected override bool Average => false;
        protected override bool Sized => false;
    }
}

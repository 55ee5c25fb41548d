using System.Linq;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[SPP] (seed 003, He et al.): spatial pyramid pooling to a fixed-length vector of C·Σ bins² features, max or
    /// average. Runtime: NetDsl.Pyramids.SpatialPyramidPooling.</summary>
    public sealed class SPPRule : LayerRule
    {
        public override string Name => "SPP";

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            a.List("bins", b.Bins, new long[] { 4, 2, 1 });
            b.PoolMode = a.Int("Mode", 0);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row) = (c.Layer, c.Input, c.Row);
            var shape = v.Shape;
            if (!c.RequireMap("SPP")) return null;
            var bad = layer.Bins.FirstOrDefault(n => n < 1);
            if (!c.Check(layer.Bins.All(n => n >= 1), "bins", $"SPP bins must be positive, got {bad}")) return null;
            if (!PyramidChecks.CheckSppLevels(c, shape)) return null;
            long cells = layer.Bins.Sum(n => n * n);
            var result = v;
            result.Shape = TensorShape.Flat(shape.Channels * cells);
            result.Global = true;
            result.PathStride = 0;
            result.FlatFromSpatial = false;
            row.Kind = $"SPP({(layer.PoolMode == 0 ? "max" : "avg")}, bins {string.Join("/", layer.Bins)}: {shape.Channels}·{cells} = {shape.Channels * cells} features)";
            c.Record(shape, result.Shape);
            return result;
        }

        public override void Flow(BoundLayer layer, ref ChannelState state)
        {
            state.Channels = Expr.Mul(state.Channels, Expr.Num(layer.Bins.Sum(n => n * n)));
            state.LoseStride();
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Pyramids.SpatialPyramidPooling";

        public override string Construct(BoundLayer l, LayerEmission e) =>
            "new global::NetDsl.Pyramids.SpatialPyramidPooling(" + LayerEmission.LongArray(l.Bins) +
            (l.PoolMode == 1 ? ", global::NetDsl.Pyramids.PyramidPoolMode.Average" : "") + ")";
    }
}

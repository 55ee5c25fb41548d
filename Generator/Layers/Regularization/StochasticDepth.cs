using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[StochasticDepth(p)]: torchvision.ops.StochasticDepth (row or batch mode, identity in eval); p a real
    /// expression (a block's double parameter). Runtime: NetDsl.Regularization.StochasticDepth.</summary>
    public sealed class StochasticDepthRule : LayerRule
    {
        public override string Name => "StochasticDepth";
        public override bool Allocates(BoundLayer layer) => false;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Probability = a.Real("p", 0.0, required: true);
            b.Mode = a.Int("Mode", 0);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var layer = c.Layer;
            if (!c.TryEvalReal("p", layer.Probability, out var p)) return null;
            if (!c.Check(p >= 0 && p <= 1, "p", $"StochasticDepth's drop probability must be within [0, 1], got {p.ToString("R", CultureInfo.InvariantCulture)}")) return null;
            c.Row.Kind = $"StochasticDepth(p={p.ToString("0.####", CultureInfo.InvariantCulture)}, {(layer.Mode == 1 ? "batch" : "row")})";
            c.Record(c.Input.Shape, c.Input.Shape);
            return c.Input;
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Regularization.StochasticDepth";

        public override string Construct(BoundLayer l, LayerEmission e) =>
            "new global::NetDsl.Regularization.StochasticDepth(" + l.Probability!.ToCSharp() + (l.Mode == 1 ? ", global::NetDsl.StochasticDepthMode.Batch" : "") + ")";

        public override GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = stride = dilation = 0;
            return GriddingRole.PerPixel;
        }
    }
}

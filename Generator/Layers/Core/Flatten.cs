using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[Flatten]: [N, C, H, W] to [N, C*H*W] (a view).</summary>
    public sealed class FlattenRule : LayerRule
    {
        public override string Name => "Flatten";
        public override bool Flattens => true;
        public override bool Allocates(BoundLayer layer) => false;

        public override void Bind(LayerBinding a, BoundLayer b) { }

        public override LayerValue? Infer(LayerInference c)
        {
            var v = c.Input;
            var shape = v.Shape;
            var result = v;
            if (shape.Rank == Rank.Map)
            {
                long features = shape.Height.IsKnown && shape.Width.IsKnown ? shape.Channels * shape.Height.Offset * shape.Width.Offset : -1;
                result.Shape = TensorShape.Flat(features);
                result.FlatFromSpatial = !(shape.Height.IsKnown && shape.Width.IsKnown && shape.Height.Offset == 1 && shape.Width.Offset == 1);
            }
            c.Row.Kind = "Flatten()";
            c.Record(shape, result.Shape);
            return result;
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules.Flatten";

        public override string Construct(BoundLayer layer, LayerEmission e) => "nn.Flatten()";
    }
}

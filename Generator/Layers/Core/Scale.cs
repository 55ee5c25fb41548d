using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// [Scale]: a learnable tensor that multiplies the current value, registered directly under the stage's name
    /// (torchvision's ConvNeXt <c>layer_scale</c> of shape (C, 1, 1), timm's <c>gamma</c> of shape (C)). A parameter, not
    /// a module: the stage holds it alone.
    /// </summary>
    public sealed class ScaleRule : LayerRule
    {
        public override string Name => "Scale";
        public override bool IsParameter => true;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Init = a.Double("Init", 1.0);
            b.Mode = a.Int("Shape", 0);
        }

        private static bool Vector(BoundLayer layer) => layer.Mode == 1;

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            var shape = v.Shape;
            if (!c.Check(!double.IsNaN(layer.Init) && !double.IsInfinity(layer.Init), "Init", $"Scale's initial value must be finite, got {layer.Init.ToString("R", CultureInfo.InvariantCulture)}")) return null;
            if (shape.Rank == Rank.Flat && shape.Channels < 0)
            {
                c.Report(DiagnosticDescriptors.SymbolicFlatten, layer.Location, where, "C*H*W");
                return null;
            }
            long ch = shape.Channels;
            string tensor = Vector(layer) ? $"({ch})" : $"({ch}, 1, 1)";
            // (C, 1, 1) lines up with an NCHW map only; (C) with the last dimension (or, reshaped, with an NCHW map's channels).
            if (!Vector(layer) && (shape.Rank != Rank.Map || shape.ChannelsLast))
            {
                c.Report(DiagnosticDescriptors.BroadcastMismatch, c.LocationOf("Shape"), where, c.Fmt(shape), tensor,
                    shape.Rank != Rank.Map
                        ? "a (C, 1, 1) tensor against [N, F] would broadcast to three dimensions; use Shape = ScaleShape.Channels"
                        : "aligned from the last dimension, its C meets the channels-last map's height; use Shape = ScaleShape.Channels, or permute back first");
                return null;
            }
            row.Kind = $"Scale{tensor}, init {layer.Init.ToString("R", CultureInfo.InvariantCulture)}";
            row.Params = ch;
            c.Record(shape, shape);
            return v;
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules.Parameter";

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            string size = Vector(l) ? e.Features(l) : e.Features(l) + ", 1, 1";
            return $"nn.Parameter(full(new long[] {{ {size} }}, {LayerEmission.Double(l.Init)}))";
        }

        public override string Forward(BoundLayer layer, string input, string field, LayerEmission e) =>
            Vector(layer) && !e.IsChannelsLast(layer) && !e.IsFlatInput(layer) ? $"{input} * {field}.reshape(1, -1, 1, 1)" : $"{input} * {field}";

        /// <summary>A Mul by the parameter (an initializer named by its state_dict key), reshaped as in forward.</summary>
        public override string OnnxForward(BoundLayer layer, string input, string field, LayerEmission e) =>
            Vector(layer) && !e.IsChannelsLast(layer) && !e.IsFlatInput(layer) ? $"g.Mul({input}, g.Reshape(g.Weight({field}), 1, -1, 1, 1))" : $"g.Mul({input}, g.Weight({field}))";
    }
}

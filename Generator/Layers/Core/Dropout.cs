using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[Dropout]: nn.Dropout, or nn.Dropout2d (whole channels) with Channelwise; identity in eval.</summary>
    public sealed class DropoutRule : LayerRule
    {
        public override string Name => "Dropout";
        public override bool IsPerFrequency => true;
        public override bool Allocates(BoundLayer layer) => false;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.P = a.Has("p") ? a.Double("p", 0.5) : a.Double("P", 0.5);
            if (a.Arg("p") is { } pl) b.ArgLocations["P"] = pl.Location;
            b.Channelwise = a.Bool("Channelwise", false);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var layer = c.Layer;
            if (!c.Check(layer.P >= 0 && layer.P <= 1, "P", $"Dropout probability must be within [0, 1], got {layer.P.ToString(CultureInfo.InvariantCulture)}")) return null;
            if (layer.Channelwise && !c.RequireMap("Dropout2d")) return null;
            c.Row.Kind = (layer.Channelwise ? "Dropout2d(" : "Dropout(") + layer.P.ToString("R", CultureInfo.InvariantCulture) + ")";
            c.Record(c.Input.Shape, c.Input.Shape);
            return c.Input;
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => layer.Channelwise ? "Modules.Dropout2d" : "Modules.Dropout";

        public override string Construct(BoundLayer l, LayerEmission e) => (l.Channelwise ? "nn.Dropout2d(" : "nn.Dropout(") + LayerEmission.Double(l.P) + ")";

        public override GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = stride = dilation = 0;
            return GriddingRole.PerPixel;
        }
    }
}

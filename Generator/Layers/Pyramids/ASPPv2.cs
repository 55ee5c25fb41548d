using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[ASPPv2] (DeepLab v2, seed 003): one branch per rate to the classes, summed; ASPP-L (one dilated 3x3 per
    /// rate) or the VGG form with Hidden (fc6 / fc7 of that width). Runtime: NetDsl.Pyramids.DeepLabV2ASPP.</summary>
    public sealed class ASPPv2Rule : LayerRule
    {
        /// <summary>DeepLab v2's ASPP-L rates, the default of [ASPPv2].</summary>
        internal static readonly long[] DeepLabV2Rates = { 6, 12, 18, 24 };

        public override string Name => "ASPPv2";

        public override bool MustBePositive(string argument) => argument != "Hidden";

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Out = a.Expr("numClasses", null, required: true);
            a.List("rates", b.Bins, DeepLabV2Rates);
            b.Hidden = a.Expr("Hidden", 0);
        }

        public override void Flow(BoundLayer layer, ref ChannelState state) => state.Channels = layer.Out!;

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Pyramids.DeepLabV2ASPP";

        public override string Construct(BoundLayer l, LayerEmission e) =>
            $"new global::NetDsl.Pyramids.DeepLabV2ASPP({e.InChannels(l)}, {l.Out!.ToCSharp()}, {LayerEmission.LongArray(l.Bins)}" +
            (LayerEmission.IsZero(l.Hidden) ? "" : ", hidden_channels: " + l.Hidden!.ToCSharp()) + ")";

        public override LayerValue? Infer(LayerInference ctx)
        {
            var (layer, v, row, where) = (ctx.Layer, ctx.Input, ctx.Row, ctx.Where);

            const string module = "ASPPv2";
            if (!ctx.RequireMap(module)) return null;
            var shape = v.Shape;
            long c = shape.Channels;
            if (!ctx.TryEval("numClasses", layer.Out, out var classes)) return null;
            if (!ctx.TryEval("Hidden", layer.Hidden, out var hidden)) return null;
            if (!ctx.Check(classes >= 1, "numClasses", $"{module} needs at least one class, got {classes}")) return null;
            if (!ctx.Check(hidden >= 0, "Hidden", $"{module} Hidden must be 0 (one conv per rate) or a positive width, got {hidden}")) return null;
            var rates = layer.Bins;
            if (!PyramidChecks.CheckRates(ctx, module)) return null;
            foreach (var rate in rates)
                ctx.ReportDegenerateDilation("rates", shape, rate, "that ASPP branch");

            row.IsContainer = true;
            string inputText = ctx.Fmt(shape);
            var outShape = new TensorShape(classes, shape.Height, shape.Width);
            for (int i = 0; i < rates.Count; i++)
            {
                long r = rates[i];
                string dilated = $"Conv2d({c}→{(hidden == 0 ? classes : hidden)}, k=3, p={r}, d={r})";
                long parameters, perPixel;
                string name, kind;
                if (hidden == 0)
                {
                    name = "c" + i.ToString(CultureInfo.InvariantCulture);
                    kind = $"rate {r}: {dilated}";
                    perPixel = 9 * c * classes;
                    parameters = perPixel + classes;
                }
                else
                {
                    name = "branch" + (i + 1).ToString(CultureInfo.InvariantCulture);
                    kind = $"rate {r}: {dilated} · ReLU · Conv2d({hidden}→{hidden}, k=1) · ReLU · Conv2d({hidden}→{classes}, k=1)";
                    perPixel = 9 * c * hidden + hidden * hidden + hidden * classes;
                    parameters = perPixel + 2 * hidden + classes;
                }
                ctx.AddRow(new SummaryRow(row.Path + "." + name, row.Depth + 1, kind)
                {
                    InputShape = inputText,
                    OutputShape = ctx.Fmt(outShape),
                    Params = parameters,
                    Macs = ctx.MacsOver(perPixel, shape.Height, shape.Width),
                    ReceptiveField = v.Global ? null : v.Rf + 2 * r * v.Jump,
                });
            }
            row.Kind = $"ASPPv2({c}→{classes}, sum of {rates.Count} branches, rates {string.Join("/", rates)}" + (hidden == 0 ? "" : $", hidden {hidden}") + ")";

            var result = v;
            result.Shape = outShape;
            result.Rf = v.Rf + 2 * rates.Max() * v.Jump;
            ctx.Record(shape, outShape);
            return result;
                }
    }
}

using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[SeparableConv] (seed 003, Keras' SeparableConv2D): depthwise k x k (stride, padding, dilation), then a
    /// pointwise 1x1 with the bias; padding "same" by default. Runtime: NetDsl.Pyramids.SeparableConv2d.</summary>
    public sealed class SeparableConvRule : LayerRule
    {
        public override string Name => "SeparableConv";

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Out = a.Expr("outChannels", null, required: true);
            b.Kernel = a.Expr("Kernel", 3);
            b.Stride = a.Expr("Stride", 1);
            b.Dilation = a.Expr("Dilation", 1);
            b.Bias = a.Bool("Bias", true);
            b.In = a.Expr("In", null);
            // Keras' padding='same' is the default here (SPEED's use), unlike [Conv]'s 0.
            a.Padding(b, keywords: true, defaultSame: true, accepted: "a number, \"same\" or \"valid\"");
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);

            const string name = "SeparableConv2d";
            if (!c.RequireMap(name)) return null;
            var shape = v.Shape;
            long cin = shape.Channels;
            if (!ConvArguments.TryRead(c, name, out var a, groups: false)) return null;
            var (cout, k, s, p, d) = (a.Out, a.Kernel, a.Stride, a.Padding, a.Dilation);
            if (layer.In is not null && c.TryEval("In", layer.In, out var expected) && expected != cin)
                c.Report(DiagnosticDescriptors.ChannelMismatch, c.LocationOf("In"), where, name, expected, cin);
            if (layer.PaddingSame && s != 1)
            {
                c.Report(DiagnosticDescriptors.SamePaddingStride, c.LocationOf("Padding") ?? layer.Location, where);
                return null;
            }

            Dim? h, w;
            if (layer.PaddingSame)
            {
                h = shape.Height;
                w = shape.Width;
            }
            else
            {
                h = c.WindowDim(shape.Height, k, s, p, d, false, true, name);
                w = h is null ? null : c.WindowDim(shape.Width, k, s, p, d, false, false, name);
            }
            if (h is null || w is null) return null;
            if (k > 1 && d > 1) c.ReportDegenerateDilation("Dilation", shape, d, "its depthwise step");

            var outShape = new TensorShape(cout, h.Value, w.Value);
            row.Params = cin * k * k + cin * cout + (layer.Bias ? cout : 0);
            row.Macs = c.MacsOver(cin * k * k + cin * cout, h.Value, w.Value);
            string pad = layer.PaddingSame ? "same" : p.ToString(CultureInfo.InvariantCulture);
            row.Kind = $"SeparableConv2d({cin}→{cout}, k={k}" + (s != 1 ? $", s={s}" : "") + (pad != "0" ? $", p={pad}" : "") +
                (d != 1 ? $", d={d}" : "") + (layer.Bias ? "" : ", bias=False") + $"): depthwise {k}x{k} · pointwise 1x1";

            return c.Windowed(outShape, ShapeMath.EffectiveKernel(k, d), s);
                }

        public override void Flow(BoundLayer layer, ref ChannelState state)
        {
            state.Channels = layer.Out!;
            state.Strided(layer.Stride);
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Pyramids.SeparableConv2d";

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            var args = new List<string> { e.InChannels(l), l.Out!.ToCSharp(), "kernel_size: " + l.Kernel!.ToCSharp() };
            if (!l.Bias) args.Add("bias: false");
            LayerEmission.Optional(args, "stride", l.Stride, 1);
            // No padding argument is 'same' (the runtime's default); "valid" is padding 0.
            if (!l.PaddingSame) args.Add("padding: " + l.Padding!.ToCSharp());
            LayerEmission.Optional(args, "dilation", l.Dilation, 1);
            return "new global::NetDsl.Pyramids.SeparableConv2d(" + string.Join(", ", args) + ")";
        }

        public override GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = layer.Kernel?.Evaluate(env, out _) ?? 0;
            stride = layer.Stride?.Evaluate(env, out _) ?? 0;
            dilation = layer.Dilation?.Evaluate(env, out _) ?? 1;
            return GriddingRole.Convolution;
        }
    }
}

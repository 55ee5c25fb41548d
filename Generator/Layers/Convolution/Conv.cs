using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[Conv] and [ConvTranspose]: torch.nn.Conv2d / ConvTranspose2d (shared binding, shape rule and counts).</summary>
    public abstract class ConvolutionRule : LayerRule
    {
        protected abstract bool Transpose { get; }

        private string ModuleName => Transpose ? "ConvTranspose2d" : "Conv2d";

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules." + ModuleName;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Out = a.Expr("outChannels", null, required: true);
            b.Kernel = a.Expr("Kernel", 3);
            b.Stride = a.Expr("Stride", 1);
            b.Dilation = a.Expr("Dilation", 1);
            b.Groups = a.Expr("Groups", 1);
            b.Bias = a.Bool("Bias", true);
            b.In = a.Expr("In", null);
            if (Transpose) b.OutputPadding = a.Expr("OutputPadding", 0);
            a.Padding(b, keywords: !Transpose, defaultSame: false,
                accepted: Transpose ? "a number" : "a number, \"same\"" + (a.IsBlock ? ", \"valid\"" : " or \"valid\""));
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            bool transpose = Transpose;
            string name = ModuleName;
            if (!c.RequireMap(name)) return null;
            var shape = v.Shape;
            long cin = shape.Channels;
            long outputPadding = 0;
            if (!ConvArguments.TryRead(c, name, out var a)) return null;
            var (cout, k, s, p, d, g) = (a.Out, a.Kernel, a.Stride, a.Padding, a.Dilation, a.Groups);
            if (transpose && !c.TryEval("OutputPadding", layer.OutputPadding, out outputPadding)) return null;
            if (transpose && !c.Check(outputPadding >= 0 && outputPadding < System.Math.Max(s, d), "OutputPadding",
                    $"{name} output padding must be smaller than the stride or the dilation, got {outputPadding}")) return null;

            if (layer.In is not null && c.TryEval("In", layer.In, out var expected) && expected != cin)
                c.Report(DiagnosticDescriptors.ChannelMismatch, c.LocationOf("In"), where, name, expected, cin);
            if (cin % g != 0 || cout % g != 0)
            {
                c.Report(DiagnosticDescriptors.GroupsNotDividing, c.LocationOf("Groups"), where, g, cin, cout);
                return null;
            }
            if (layer.PaddingSame && s != 1)
            {
                c.Report(DiagnosticDescriptors.SamePaddingStride, c.LocationOf("Padding"), where);
                return null;
            }

            Dim? h, w;
            if (transpose)
            {
                h = c.TransposeDim(shape.Height, k, s, p, outputPadding, d, true);
                w = h is null ? null : c.TransposeDim(shape.Width, k, s, p, outputPadding, d, false);
            }
            else if (layer.PaddingSame)
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

            if (!transpose && k > 1 && d > 1)
                c.ReportDegenerateDilation("Dilation", shape, d, "it");

            var outShape = new TensorShape(cout, h.Value, w.Value);
            long weights = transpose ? cin * (cout / g) * k * k : cout * (cin / g) * k * k;
            row.Params = weights + (layer.Bias ? cout : 0);
            row.Macs = transpose ? c.MacsOver(weights, shape.Height, shape.Width) : c.MacsOver(weights, h.Value, w.Value);

            string pad = layer.PaddingSame ? "same" : p.ToString(CultureInfo.InvariantCulture);
            row.Kind = $"{name}({cin}→{cout}, k={k}" + (s != 1 ? $", s={s}" : "") + (pad != "0" ? $", p={pad}" : "") +
                (d != 1 ? $", d={d}" : "") + (g != 1 ? $", g={g}" : "") + (outputPadding != 0 ? $", op={outputPadding}" : "") + (layer.Bias ? "" : ", bias=False") + ")";

            long extent = ShapeMath.EffectiveKernel(k, d);
            if (!transpose) return c.Windowed(outShape, extent, s);
            var result = v;
            result.Shape = outShape;
            result.Jump = v.Jump / s;
            result.Rf = v.Rf + (extent - 1) * result.Jump;
            result.PathStride = s == 1 ? v.PathStride : 0;
            c.Record(shape, outShape);
            return result;
        }

        public override void Flow(BoundLayer layer, ref ChannelState state)
        {
            state.Channels = layer.Out!;
            if (!Transpose) state.Strided(layer.Stride);
            else if (!(layer.Stride is { IsConstant: true } s && s.Equals(Expr.Num(1)))) state.LoseStride();
        }

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            var args = new List<string> { e.InChannels(l), l.Out!.ToCSharp(), "kernel_size: " + l.Kernel!.ToCSharp() };
            if (l.PaddingSame) args.Add("padding: global::TorchSharp.Padding.Same");
            LayerEmission.Optional(args, "stride", l.Stride, 1);
            if (!l.PaddingSame) LayerEmission.Optional(args, "padding", l.Padding, 0);
            if (Transpose) LayerEmission.Optional(args, "output_padding", l.OutputPadding, 0);
            LayerEmission.Optional(args, "dilation", l.Dilation, 1);
            LayerEmission.Optional(args, "groups", l.Groups, 1);
            if (!l.Bias) args.Add("bias: false");
            return "nn." + ModuleName + "(" + string.Join(", ", args) + ")";
        }

        public override GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = stride = dilation = 0;
            if (Transpose) return GriddingRole.EndsRun;
            kernel = layer.Kernel?.Evaluate(env, out _) ?? 0;
            stride = layer.Stride?.Evaluate(env, out _) ?? 0;
            dilation = layer.Dilation?.Evaluate(env, out _) ?? 1;
            return GriddingRole.Convolution;
        }
    }

    /// <summary>[Conv]: torch.nn.Conv2d (padding a number or "same" / "valid").</summary>
    public sealed class ConvRule : ConvolutionRule
    {
        public override string Name => "Conv";
        protected override bool Transpose => false;
    }

    /// <summary>[ConvTranspose]: torch.nn.ConvTranspose2d.</summary>
    public sealed class ConvTransposeRule : ConvolutionRule
    {
        public override string Name => "ConvTranspose";
        protected override bool Transpose => true;
    }
}

using System.Collections.Generic;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[MaxPool] and [AvgPool]: nn.MaxPool2d / AvgPool2d (stride defaults to the kernel, as PyTorch's).</summary>
    public abstract class PoolRule : LayerRule
    {
        protected abstract bool Max { get; }

        private string ModuleName => Max ? "MaxPool2d" : "AvgPool2d";

        public override string KernelArgument => "kernel";

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Kernel = a.Expr("kernel", null, required: true);
            b.Stride = a.Expr("Stride", 0);
            b.Padding = a.Expr("Padding", 0);
            b.Dilation = a.Expr("Dilation", 1);
            b.CeilMode = a.Bool("CeilMode", false);
            b.CountIncludePad = a.Bool("CountIncludePad", true);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row) = (c.Layer, c.Input, c.Row);
            bool max = Max;
            string name = ModuleName;
            if (!c.RequireMap(name)) return null;
            if (!c.TryEval("kernel", layer.Kernel, out var k)) return null;
            if (!c.TryEval("Stride", layer.Stride, out var s)) return null;
            if (!c.TryEval("Padding", layer.Padding, out var p)) return null;
            long d = 1;
            if (max && !c.TryEval("Dilation", layer.Dilation, out d)) return null;
            if (s == 0) s = k;
            if (!c.Check(k >= 1, "kernel", $"{name} kernel size must be positive, got {k}")) return null;
            if (!c.Check(s >= 1, "Stride", $"{name} stride must be positive, got {s}")) return null;
            if (!c.Check(d >= 1, "Dilation", $"{name} dilation must be positive, got {d}")) return null;
            long extent = ShapeMath.EffectiveKernel(k, d);
            // PyTorch compares the padding with half the kernel size, not with the dilated extent.
            if (!c.Check(p >= 0 && 2 * p <= k, "Padding", $"{name} padding must be between 0 and half the kernel ({k / 2}), got {p}")) return null;

            var shape = v.Shape;
            var h = c.WindowDim(shape.Height, k, s, p, d, layer.CeilMode, true, name);
            var w = h is null ? null : c.WindowDim(shape.Width, k, s, p, d, layer.CeilMode, false, name);
            if (h is null || w is null) return null;
            row.Kind = $"{name}(k={k}" + (s != k ? $", s={s}" : "") + (p != 0 ? $", p={p}" : "") + (d != 1 ? $", d={d}" : "") +
                (layer.CeilMode ? ", ceil_mode=True" : "") + (!max && !layer.CountIncludePad ? ", count_include_pad=False" : "") + ")";
            return c.Windowed(new TensorShape(shape.Channels, h.Value, w.Value), extent, s);
        }

        public override void Flow(BoundLayer layer, ref ChannelState state) =>
            state.Strided(layer.Stride is { IsConstant: true } z && z.Equals(Expr.Num(0)) ? layer.Kernel : layer.Stride);

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules." + ModuleName;

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            var args = new List<string> { "kernel_size: " + l.Kernel!.ToCSharp() };
            LayerEmission.Optional(args, "stride", l.Stride, 0);
            LayerEmission.Optional(args, "padding", l.Padding, 0);
            if (Max) LayerEmission.Optional(args, "dilation", l.Dilation, 1);
            if (l.CeilMode) args.Add("ceil_mode: true");
            if (!Max && !l.CountIncludePad) args.Add("count_include_pad: false");
            return "nn." + ModuleName + "(" + string.Join(", ", args) + ")";
        }
    }

    public sealed class MaxPoolRule : PoolRule
    {
        public override string Name => "MaxPool";
        protected override bool Max => true;
    }

    public sealed class AvgPoolRule : PoolRule
    {
        public override string Name => "AvgPool";
        protected override bool Max => false;
    }
}

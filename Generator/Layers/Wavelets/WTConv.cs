using System;
using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[WTConv] (seed 001, ECCV 2024): WTConv2d, a depthwise conv plus a cascade of wavelet levels; channels in ==
    /// out. One summary row per level with its sub-band size and receptive field. Runtime: NetDsl.Wavelets.WTConv2d.
    /// <c>Filters = WTConvFilters.Parameters</c> holds the fixed filters as the official Parameters without gradients:
    /// they get rows of their own (<c>wt_filter</c>, <c>iwt_filter</c>) and count among the parameters.</summary>
    public sealed class WTConvRule : LayerRule
    {
        public override string Name => "WTConv";

        private static bool FiltersAreParameters(BoundLayer layer) => layer.Mode == 1;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Out = a.Expr("outChannels", null);
            b.Kernel = a.Expr("Kernel", 5);
            b.Stride = a.Expr("Stride", 1);
            b.Bias = a.Bool("Bias", true);
            b.Levels = a.Expr("Levels", 1);
            if (a.Text("Wavelet") is { } wavelet) b.WaveletName = wavelet;
            b.Mode = a.Int("Filters", 0); // NetDsl.WTConvFilters: 0 buffers, 1 Parameters (requires_grad=False)
        }

        public override LayerValue? Infer(LayerInference ctx)
        {
            var (layer, v, row, where) = (ctx.Layer, ctx.Input, ctx.Row, ctx.Where);

            if (!ctx.RequireMap("WTConv")) return null;
            var shape = v.Shape;
            long c = shape.Channels;
            if (!ctx.TryEval("outChannels", layer.Out, out var cout)) return null;
            if (!ctx.TryEval("Kernel", layer.Kernel, out var k)) return null;
            if (!ctx.TryEval("Stride", layer.Stride, out var s)) return null;
            if (!ctx.TryEval("Levels", layer.Levels, out var levels)) return null;
            if (!ctx.Check(k >= 1, "Kernel", $"WTConv kernel size must be positive, got {k}")) return null;
            if (!ctx.Check(s >= 1, "Stride", $"WTConv stride must be positive, got {s}")) return null;
            if (!ctx.Check(levels >= 1, "Levels", $"WTConv needs at least one wavelet level, got {levels}")) return null;
            if (cout != c)
            {
                ctx.Report(DiagnosticDescriptors.WTConvChannels, ctx.LocationOf("outChannels"), where, cout, c);
                return null;
            }
            if (!WaveletCatalog.Contains(layer.WaveletName))
            {
                ctx.Report(DiagnosticDescriptors.UnknownWavelet, ctx.LocationOf("Wavelet"), where, layer.WaveletName, string.Join(", ", WaveletCatalog.Names));
                return null;
            }
            int f = WaveletCatalog.FilterLength(layer.WaveletName);

            // The cascade: each level halves the previous LL (odd sizes padded, then cropped on the way back up).
            var levelDims = new List<(Dim H, Dim W)>();
            Dim lh = shape.Height, lw = shape.Width;
            for (long level = 1; level <= levels; level++)
            {
                if (lh.IsKnown && lw.IsKnown && lh.Offset == 1 && lw.Offset == 1)
                {
                    ctx.Report(DiagnosticDescriptors.WaveletLevelsTooDeep, ctx.LocationOf("Levels"), where, level, levels,
                        $"{shape.Height.Format("H", ctx.ModH)}x{shape.Width.Format("W", ctx.ModW)}", level - 1);
                    return null;
                }
                lh = ctx.HalveCeil(lh, true);
                lw = ctx.HalveCeil(lw, false);
                levelDims.Add((lh, lw));
                if (lh.IsKnown && lw.IsKnown && (lh.Offset < k || lw.Offset < k))
                    ctx.Report(DiagnosticDescriptors.WaveletBandBelowKernel, ctx.LocationOf("Levels"), where, level, $"{lh.Offset}x{lw.Offset}", k);
            }
            ctx.ReportOddSizes("WTConv", shape, "each level pads it to even at the bottom/right and crops the result back, as the reference does");

            // Parameters as the reference counts them; the fixed wavelet filters apart when they are buffers.
            long basePerChannel = k * k + (layer.Bias ? 1 : 0);
            long fixedFilters = 2 * 4 * c * f * f;
            bool counted = FiltersAreParameters(layer);
            row.IsContainer = true;
            row.Kind = $"WTConv2d({c}, k={k}" + (s != 1 ? $", s={s}" : "") + $", levels={levels}, {layer.WaveletName}" + (layer.Bias ? "" : ", bias=False") +
                (counted ? $"; {fixedFilters.ToString("N0", CultureInfo.InvariantCulture)} fixed filter values counted)" : $"; +{fixedFilters.ToString("N0", CultureInfo.InvariantCulture)} fixed filter values)");

            string path = row.Path;
            var inputText = ctx.Fmt(shape);
            void Child(string name, string kind, long parameters, long? macs, double? rf) =>
                ctx.AddRow(new SummaryRow(path + "." + name, row.Depth + 1, kind)
                {
                    InputShape = inputText,
                    OutputShape = ctx.Fmt(shape),
                    Params = parameters,
                    Macs = macs,
                    ReceptiveField = rf,
                });
            if (counted)
            {
                // The module's own Parameters come first in PyTorch's state_dict order, as in the reference.
                foreach (var name in new[] { "wt_filter", "iwt_filter" })
                    Child(name, $"fixed filter ({4 * c}, 1, {f}, {f}), requires_grad=False", fixedFilters / 2, 0, v.Rf);
            }
            double baseRf = v.Rf + (k - 1) * v.Jump;
            Child("base_conv", $"Conv2d({c}→{c}, k={k}, p=same, g={c}{(layer.Bias ? "" : ", bias=False")})", c * basePerChannel, ctx.MacsOver(c * k * k, shape.Height, shape.Width), baseRf);
            Child("base_scale", $"scale ({c}), init 1.0", c, 0, baseRf);
            double rf = baseRf;
            for (int i = 0; i < levelDims.Count; i++)
            {
                long scale = 1L << (i + 1);
                // Level l: analysis filters (f taps) at strides 1..2^(l-1), a k x k conv at stride 2^l, synthesis back.
                double levelRf = v.Rf + v.Jump * ((k - 1) * scale + scale - 1 + 2 * (f - 2) * (scale - 1));
                rf = Math.Max(rf, levelRf);
                var (dh, dw) = levelDims[i];
                string size = dh.Format("H", ctx.ModH) + "x" + dw.Format("W", ctx.ModW);
                double ownRf = (k - 1) * scale + scale + 2 * (f - 2) * (scale - 1);
                Child("wavelet_convs." + i.ToString(CultureInfo.InvariantCulture),
                    $"level {i + 1}: Conv2d({4 * c}→{4 * c}, k={k}, g={4 * c}, bias=False) on {size} sub-bands, sees {ownRf.ToString("0.##", CultureInfo.InvariantCulture)} px",
                    4 * c * k * k, ctx.MacsOver(4 * c * k * k, dh, dw), levelRf);
                Child("wavelet_scale." + i.ToString(CultureInfo.InvariantCulture), $"scale ({4 * c}), init 0.1", 4 * c, 0, levelRf);
            }

            var result = v;
            if (s != 1)
            {
                // Stride by subsampling the result (AvgPool2d(1, s)): ceil(H/s).
                var h = ctx.WindowDim(shape.Height, 1, s, 0, 1, false, true, "WTConv");
                var w = h is null ? null : ctx.WindowDim(shape.Width, 1, s, 0, 1, false, false, "WTConv");
                if (h is null || w is null) return null;
                result.Shape = new TensorShape(c, h.Value, w.Value);
            }
            result.Rf = rf;
            result.Jump = v.Jump * s;
            result.PathStride = v.PathStride * s;
            ctx.Record(shape, result.Shape);
            return result;
        }

        public override void Flow(BoundLayer layer, ref ChannelState state) => state.Strided(layer.Stride);

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Wavelets.WTConv2d";

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            string inC = e.InChannels(l);
            var args = new List<string> { inC, inC, "kernel_size: " + l.Kernel!.ToCSharp() };
            LayerEmission.Optional(args, "stride", l.Stride, 1);
            if (!l.Bias) args.Add("bias: false");
            LayerEmission.Optional(args, "wt_levels", l.Levels, 1);
            if (l.WaveletName != "db1") args.Add("wt_type: " + LayerEmission.Literal(l.WaveletName));
            if (FiltersAreParameters(l)) args.Add("filters: global::NetDsl.WTConvFilters.Parameters");
            return "new global::NetDsl.Wavelets.WTConv2d(" + string.Join(", ", args) + ")";
        }
    }
}

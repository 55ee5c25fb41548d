using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// [OctConv] (seed 002, Chen et al. 2019): values become (high, low) pairs, the low part at half resolution with
    /// int(alpha·C) channels. Semantics of d-li14/octconv.pytorch: h2h, h2l through 2x2 average pooling, l2h then nearest
    /// 2x upsampling, l2l; at stride 2 the inputs are pooled first and l2h is not upsampled. With BatchNorm (and ReLU) it is
    /// d-li14's Conv_BN (Conv_BN_ACT). One summary row per convolution at its resolution, and the saving against Conv2d.
    /// Runtime: NetDsl.Octave.
    /// </summary>
    public sealed class OctConvRule : LayerRule
    {
        public override string Name => "OctConv";
        public override bool IsOctave => true;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Out = a.Expr("outChannels", null, required: true);
            b.Kernel = a.Expr("Kernel", 3);
            b.Stride = a.Expr("Stride", 1);
            b.Padding = a.Expr("Padding", 0);
            b.Dilation = a.Expr("Dilation", 1);
            b.Groups = a.Expr("Groups", 1);
            b.Bias = a.Bool("Bias", false);
            b.In = a.Expr("In", null);
            b.AlphaIn = a.Real("AlphaIn", 0.5);
            b.AlphaOut = a.Real("AlphaOut", 0.5);
            b.OctBatchNorm = a.Bool("BatchNorm", false);
            b.OctReLU = a.Bool("ReLU", false);
            if (b.OctReLU && !b.OctBatchNorm)
                a.Fail("ReLU", "needs BatchNorm = true (the pair is d-li14's Conv_BN_ACT); for a ReLU straight after the convolution, declare [ReLU] in a stage of its own", b.LocationOf("ReLU"));
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);

            const string Name = "OctConv";
            if (!c.RequireMap(Name)) return null;
            var shape = v.Shape;
            long inHigh = shape.Channels, inLow = shape.LowChannels, cin = inHigh + inLow;
            // The stride is checked below: an octave conv takes 1 or 2 (NDSL0038).
            if (!ConvArguments.TryRead(c, Name, out var a, checkStride: false)) return null;
            var (cout, k, s, p, d, g) = (a.Out, a.Kernel, a.Stride, a.Padding, a.Dilation, a.Groups);
            if (!c.TryEvalReal("AlphaIn", layer.AlphaIn, out var alphaIn)) return null;
            if (!c.TryEvalReal("AlphaOut", layer.AlphaOut, out var alphaOut)) return null;
            bool alphasOk = true;
            foreach (var (argument, alpha) in new[] { ("AlphaIn", alphaIn), ("AlphaOut", alphaOut) })
            {
                if (double.IsNaN(alpha) || alpha < 0 || alpha > 1)
                {
                    c.Report(DiagnosticDescriptors.OctaveAlphaRange, c.LocationOf(argument), where, argument, alpha.ToString("R", CultureInfo.InvariantCulture));
                    alphasOk = false;
                }
            }
            if (!alphasOk) return null;
            if (s != 1 && s != 2)
            {
                c.Report(DiagnosticDescriptors.OctaveStride, c.LocationOf("Stride"), where, s);
                return null;
            }
            if (layer.In is not null && c.TryEval("In", layer.In, out var expected) && expected != cin)
                c.Report(DiagnosticDescriptors.ChannelMismatch, c.LocationOf("In"), where, Name, expected, cin);

            // The split this layer expects against the pair it receives.
            long expLow = ShapeMath.OctaveLowChannels(cin, alphaIn), expHigh = cin - expLow;
            if (expLow != inLow)
            {
                if (inLow == 0)
                    c.Report(DiagnosticDescriptors.OctaveMixing, c.LocationOf("AlphaIn"), where,
                        $"the octave conv splits its input by AlphaIn = {ShapeInference.Alpha(alphaIn)} into (high {expHigh}, low {expLow}) but receives the plain {c.Fmt(shape)}; " +
                        "the first octave layer takes AlphaIn = 0 and splits the plain tensor itself");
                else if (expLow == 0)
                    c.Report(DiagnosticDescriptors.OctaveMixing, c.LocationOf("AlphaIn"), where,
                        $"the octave conv takes a plain tensor (AlphaIn = {ShapeInference.Alpha(alphaIn)}) but receives the pair {c.Fmt(shape)}; give it the AlphaOut of the layer before");
                else
                    c.Report(DiagnosticDescriptors.OctaveChannelPair, c.LocationOf("AlphaIn"), where, Name, cin, ShapeInference.Alpha(alphaIn), expHigh, expLow, inHigh, inLow,
                        v.Alpha > 0 ? $", the split of alpha {ShapeInference.Alpha(v.Alpha)}" : "");
                return null;
            }
            long outLow = ShapeMath.OctaveLowChannels(cout, alphaOut), outHigh = cout - outLow;
            var branches = ShapeMath.OctaveBranches(inHigh, inLow, outHigh, outLow, g, alphaIn);
            bool depthwise = g == cin && g > 1;
            if (depthwise && ((inLow > 0) != (outLow > 0) || (inHigh > 0) != (outHigh > 0)))
            {
                c.Report(DiagnosticDescriptors.ArgumentOutOfRange, c.LocationOf("AlphaOut"), where,
                    $"a depthwise octave conv (groups = in_channels = {g}) has no cross-frequency convolutions, so each frequency must map to itself: " +
                    $"(high {inHigh}, low {inLow}) → (high {outHigh}, low {outLow})");
                return null;
            }
            foreach (var b in branches)
            {
                if (b.Present && (b.Groups < 1 || b.In % b.Groups != 0 || b.Out % b.Groups != 0))
                {
                    c.Report(DiagnosticDescriptors.ArgumentOutOfRange, c.LocationOf("Groups"), where,
                        $"groups = {g} gives {b.Name} {b.Groups} group(s), which must divide its {b.In} input and {b.Out} output channels");
                    return null;
                }
            }
            bool hasLow = inLow > 0 || outLow > 0;
            if (hasLow && 2 * p != d * (k - 1))
            {
                string hint = d * (k - 1) % 2 == 0 ? $"use Padding = {d * (k - 1) / 2}" : "an even kernel cannot keep sizes";
                c.Report(DiagnosticDescriptors.ArgumentOutOfRange, c.LocationOf("Padding"), where,
                    $"with a low-frequency branch every octave convolution must keep sizes (2·padding = dilation·(kernel − 1)), or the high and low maps lose their 2:1 ratio; {hint}");
                return null;
            }

            long multiple = !hasLow ? 1 : s == 2 && outLow > 0 ? 4 : 2;
            if (!c.RequireOctaveMultiple(shape, multiple,
                    multiple == 4 ? "stride 2 with a low-frequency output pools the high-frequency map twice" : "the low-frequency maps are half the high-frequency ones"))
                return null;

            // High output: ConvOutput(floor(H / s), k, 1, p, d) (ShapeMath.OctaveConvOutput); low output: half of it.
            Dim hIn = s == 2 ? c.HalveFloor(shape.Height, true) : shape.Height;
            Dim wIn = s == 2 ? c.HalveFloor(shape.Width, false) : shape.Width;
            var ho = c.WindowDim(hIn, k, 1, p, d, false, true, Name);
            var wo = ho is null ? null : c.WindowDim(wIn, k, 1, p, d, false, false, Name);
            if (ho is null || wo is null) return null;
            Dim lho = outLow > 0 ? c.HalveFloor(ho.Value, true) : default, lwo = outLow > 0 ? c.HalveFloor(wo.Value, false) : default;

            // Parameters and multiply-adds per convolution, at the resolution each runs at.
            row.IsContainer = true;
            long extent = ShapeMath.EffectiveKernel(k, d);
            // The low path sees twice as far per tap (half resolution) plus the pooling window.
            double rfOut = v.Rf + (hasLow ? (2 * (extent - 1) + 1) * v.Jump : (extent - 1) * v.Jump) + (s == 2 ? v.Jump : 0);
            double? rfShown = v.Global ? null : rfOut;
            long? total = 0;
            double relative = 0; // multiply-adds relative to one position of the output, for the saving
            string prefix = row.Path + (layer.OctBatchNorm ? ".conv." : ".");
            string inText = c.Fmt(shape);
            foreach (var b in branches)
            {
                if (!b.Present) continue;
                bool toLow = b.ToLow, fromLow = b.FromLow;
                // l2h runs on the low input (size-keeping), then is upsampled at stride 1; the others at their output size.
                Dim bh = toLow ? lho : fromLow ? shape.LowHeight : ho.Value;
                Dim bw = toLow ? lwo : fromLow ? shape.LowWidth : wo.Value;
                var macs = c.MacsOver(b.Weights(k), bh, bw);
                total = total is null || macs is null ? null : total + macs;
                relative += b.Weights(k) * ShapeInference.Area(bh, bw) / ShapeInference.Area(ho.Value, wo.Value);
                string where2 = (fromLow ? "low" : "high") + " → " + (toLow ? "low" : "high");
                c.AddRow(new SummaryRow(prefix + b.Name, row.Depth + 1,
                    $"Conv2d({b.In}→{b.Out}, k={k}" + (p != 0 ? $", p={p}" : "") + (d != 1 ? $", d={d}" : "") + (b.Groups != 1 ? $", g={b.Groups}" : "") +
                    (layer.Bias ? "" : ", bias=False") + $") {where2} on {bh.Format("H", c.ModH)}x{bw.Format("W", c.ModW)}")
                {
                    InputShape = inText,
                    OutputShape = c.Fmt(new TensorShape(b.Out, bh, bw)),
                    Params = b.Weights(k) + (layer.Bias ? b.Out : 0),
                    Macs = macs,
                    ReceptiveField = rfShown,
                });
            }
            if (layer.OctBatchNorm)
            {
                if (outHigh > 0)
                    c.AddRow(new SummaryRow(row.Path + ".bn_h", row.Depth + 1, $"BatchNorm2d({outHigh}) high") { Params = 2 * outHigh, InputShape = inText, OutputShape = c.Fmt(new TensorShape(outHigh, ho.Value, wo.Value)), ReceptiveField = rfShown });
                if (outLow > 0)
                    c.AddRow(new SummaryRow(row.Path + ".bn_l", row.Depth + 1, $"BatchNorm2d({outLow}) low") { Params = 2 * outLow, InputShape = inText, OutputShape = c.Fmt(new TensorShape(outLow, lho, lwo)), ReceptiveField = rfShown });
            }

            // The saving against the plain convolution with the same channels at the same output size.
            // (For a symbolic size, the ratio of the sizes' growth rates: exact wherever the divisibility constraints hold.)
            long plainPerPixel = cout * (cin / g) * k * k;
            bool exact = ho.Value.IsKnown && wo.Value.IsKnown;
            string saving = (exact ? "" : "≈") + (100.0 * relative / plainPerPixel).ToString("0.0", CultureInfo.InvariantCulture) + "% of Conv2d's MACs";
            string ops = (layer.OctBatchNorm ? " · BN" : "") + (layer.OctReLU ? " · ReLU" : "");
            row.Kind = $"OctConv({cin}→{cout}, k={k}" + (s != 1 ? $", s={s}" : "") + (p != 0 ? $", p={p}" : "") + (d != 1 ? $", d={d}" : "") +
                (g != 1 ? $", g={g}" : "") + $", α {ShapeInference.Alpha(alphaIn)}→{ShapeInference.Alpha(alphaOut)}){ops}; {saving}";

            var outShape = outLow > 0 ? TensorShape.Octave(outHigh, ho.Value, wo.Value, outLow, lho, lwo) : new TensorShape(outHigh, ho.Value, wo.Value);
            var result = v;
            result.Shape = outShape;
            result.Alpha = outLow > 0 ? alphaOut : 0;
            result.Rf = rfOut;
            result.Jump = v.Jump * s;
            result.PathStride = v.PathStride * s;
            c.Record(shape, outShape);
            return result;
                }

        public override void Flow(BoundLayer layer, ref ChannelState state)
        {
            state.Channels = layer.Out!;
            state.Strided(layer.Stride);
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => OctaveModuleType(layer);

        public override string OctaveModuleType(BoundLayer layer) => layer.OctReLU ? "OctaveConvBnAct" : layer.OctBatchNorm ? "OctaveConvBn" : "OctaveConv2d";

        public override string Construct(BoundLayer layer, LayerEmission e) => ConstructOctave(layer, e);

        public override string ConstructOctave(BoundLayer l, LayerEmission e)
        {
            var args = new List<string> { e.InChannels(l), l.Out!.ToCSharp(), "kernel_size: " + l.Kernel!.ToCSharp(),
                "alpha_in: " + l.AlphaIn!.ToCSharp(), "alpha_out: " + l.AlphaOut!.ToCSharp() };
            LayerEmission.Optional(args, "stride", l.Stride, 1);
            LayerEmission.Optional(args, "padding", l.Padding, 0);
            LayerEmission.Optional(args, "dilation", l.Dilation, 1);
            LayerEmission.Optional(args, "groups", l.Groups, 1);
            if (l.Bias) args.Add("bias: true");
            return $"new {OctaveModuleType(l)}(" + string.Join(", ", args) + ")";
        }
    }
}

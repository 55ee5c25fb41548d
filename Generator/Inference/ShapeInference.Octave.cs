using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Octave convolution (Chen et al. 2019) in the shape inference: values become (high, low) pairs, the low part at half
    /// resolution with int(alpha·C) channels. Semantics of d-li14/octconv.pytorch: h2h, h2l through 2x2 average pooling,
    /// l2h then nearest 2x upsampling, l2l; at stride 2 the inputs are pooled first and l2h is not upsampled.
    /// </summary>
    public sealed partial class ShapeInference
    {
        /// <summary>Layers that take an octave pair: the octave conv and the per-frequency layers.</summary>
        private static bool AcceptsOctave(BoundLayer layer) => layer.Kind == LayerKind.OctConv || OctaveTyping.IsPerFrequency(layer);

        private bool IsOctaveDeclaration(BoundDeclaration declaration) => OctaveTyping.IsOctave(declaration, ResolveBlock);

        /// <summary>Whether a stage's module takes octave pairs (an octave conv, or a use of an octave block).</summary>
        private bool IsOctaveStage(BoundStage stage) => OctaveTyping.IsOctaveStage(stage, ResolveBlock);

        /// <summary>A used block, bound (once), or null when the name is not a block.</summary>
        private BoundDeclaration? ResolveBlock(string name) => _blocks.TryGetValue(name, out var spec) ? Bind(spec) : null;

        private static string Alpha(double alpha) => alpha.ToString("0.###", CultureInfo.InvariantCulture);

        private bool TryEvalReal(Scope scope, BoundLayer layer, string argument, Expr? expr, string where, out double value)
        {
            value = 0;
            if (expr is null) return false;
            var result = expr.EvaluateReal(scope.RealEnv, out var error);
            if (result is null)
            {
                Report(DiagnosticDescriptors.InvalidExpression, layer.LocationOf(argument), where, $"{argument}: {error}");
                return false;
            }
            value = result.Value;
            return true;
        }

        private Value? ApplyOctConv(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            const string Name = "OctConv";
            if (!RequireMap(v, layer, where, Name)) return null;
            var shape = v.Shape;
            long inHigh = shape.Channels, inLow = shape.LowChannels, cin = inHigh + inLow;
            if (!TryEval(scope, layer, "outChannels", layer.Out, where, out var cout)) return null;
            if (!TryEval(scope, layer, "Kernel", layer.Kernel, where, out var k)) return null;
            if (!TryEval(scope, layer, "Stride", layer.Stride, where, out var s)) return null;
            if (!TryEval(scope, layer, "Padding", layer.Padding, where, out var p)) return null;
            if (!TryEval(scope, layer, "Dilation", layer.Dilation, where, out var d)) return null;
            if (!TryEval(scope, layer, "Groups", layer.Groups, where, out var g)) return null;
            if (!TryEvalReal(scope, layer, "AlphaIn", layer.AlphaIn, where, out var alphaIn)) return null;
            if (!TryEvalReal(scope, layer, "AlphaOut", layer.AlphaOut, where, out var alphaOut)) return null;
            if (!Check(cout >= 1, layer, "outChannels", where, $"{Name} output channels must be positive, got {cout}")) return null;
            if (!Check(k >= 1, layer, "Kernel", where, $"{Name} kernel size must be positive, got {k}")) return null;
            if (!Check(p >= 0, layer, "Padding", where, $"{Name} padding must not be negative, got {p}")) return null;
            if (!Check(d >= 1, layer, "Dilation", where, $"{Name} dilation must be positive, got {d}")) return null;
            if (!Check(g >= 1, layer, "Groups", where, $"{Name} groups must be positive, got {g}")) return null;
            bool alphasOk = true;
            foreach (var (argument, alpha) in new[] { ("AlphaIn", alphaIn), ("AlphaOut", alphaOut) })
            {
                if (double.IsNaN(alpha) || alpha < 0 || alpha > 1)
                {
                    Report(DiagnosticDescriptors.OctaveAlphaRange, layer.LocationOf(argument), where, argument, alpha.ToString("R", CultureInfo.InvariantCulture));
                    alphasOk = false;
                }
            }
            if (!alphasOk) return null;
            if (s != 1 && s != 2)
            {
                Report(DiagnosticDescriptors.OctaveStride, layer.LocationOf("Stride"), where, s);
                return null;
            }
            if (layer.In is not null && TryEval(scope, layer, "In", layer.In, where, out var expected) && expected != cin)
                Report(DiagnosticDescriptors.ChannelMismatch, layer.LocationOf("In"), where, Name, expected, cin);

            // The split this layer expects against the pair it receives.
            long expLow = ShapeMath.OctaveLowChannels(cin, alphaIn), expHigh = cin - expLow;
            if (expLow != inLow)
            {
                if (inLow == 0)
                    Report(DiagnosticDescriptors.OctaveMixing, layer.LocationOf("AlphaIn"), where,
                        $"the octave conv splits its input by AlphaIn = {Alpha(alphaIn)} into (high {expHigh}, low {expLow}) but receives the plain {Fmt(shape)}; " +
                        "the first octave layer takes AlphaIn = 0 and splits the plain tensor itself");
                else if (expLow == 0)
                    Report(DiagnosticDescriptors.OctaveMixing, layer.LocationOf("AlphaIn"), where,
                        $"the octave conv takes a plain tensor (AlphaIn = {Alpha(alphaIn)}) but receives the pair {Fmt(shape)}; give it the AlphaOut of the layer before");
                else
                    Report(DiagnosticDescriptors.OctaveChannelPair, layer.LocationOf("AlphaIn"), where, Name, cin, Alpha(alphaIn), expHigh, expLow, inHigh, inLow,
                        v.Alpha > 0 ? $", the split of alpha {Alpha(v.Alpha)}" : "");
                return null;
            }
            long outLow = ShapeMath.OctaveLowChannels(cout, alphaOut), outHigh = cout - outLow;
            var branches = ShapeMath.OctaveBranches(inHigh, inLow, outHigh, outLow, g, alphaIn);
            bool depthwise = g == cin && g > 1;
            if (depthwise && ((inLow > 0) != (outLow > 0) || (inHigh > 0) != (outHigh > 0)))
            {
                Report(DiagnosticDescriptors.ArgumentOutOfRange, layer.LocationOf("AlphaOut"), where,
                    $"a depthwise octave conv (groups = in_channels = {g}) has no cross-frequency convolutions, so each frequency must map to itself: " +
                    $"(high {inHigh}, low {inLow}) → (high {outHigh}, low {outLow})");
                return null;
            }
            foreach (var b in branches)
            {
                if (b.Present && (b.Groups < 1 || b.In % b.Groups != 0 || b.Out % b.Groups != 0))
                {
                    Report(DiagnosticDescriptors.ArgumentOutOfRange, layer.LocationOf("Groups"), where,
                        $"groups = {g} gives {b.Name} {b.Groups} group(s), which must divide its {b.In} input and {b.Out} output channels");
                    return null;
                }
            }
            bool hasLow = inLow > 0 || outLow > 0;
            if (hasLow && 2 * p != d * (k - 1))
            {
                string hint = d * (k - 1) % 2 == 0 ? $"use Padding = {d * (k - 1) / 2}" : "an even kernel cannot keep sizes";
                Report(DiagnosticDescriptors.ArgumentOutOfRange, layer.LocationOf("Padding"), where,
                    $"with a low-frequency branch every octave convolution must keep sizes (2·padding = dilation·(kernel − 1)), or the high and low maps lose their 2:1 ratio; {hint}");
                return null;
            }

            long multiple = !hasLow ? 1 : s == 2 && outLow > 0 ? 4 : 2;
            if (!RequireOctaveMultiple(layer, where, shape, multiple,
                    multiple == 4 ? "stride 2 with a low-frequency output pools the high-frequency map twice" : "the low-frequency maps are half the high-frequency ones"))
                return null;

            // High output: ConvOutput(floor(H / s), k, 1, p, d) (ShapeMath.OctaveConvOutput); low output: half of it.
            Dim hIn = s == 2 ? HalveFloor(shape.Height, true) : shape.Height;
            Dim wIn = s == 2 ? HalveFloor(shape.Width, false) : shape.Width;
            var ho = WindowDim(hIn, k, 1, p, d, false, true, layer, where, Name);
            var wo = ho is null ? null : WindowDim(wIn, k, 1, p, d, false, false, layer, where, Name);
            if (ho is null || wo is null) return null;
            Dim lho = outLow > 0 ? HalveFloor(ho.Value, true) : default, lwo = outLow > 0 ? HalveFloor(wo.Value, false) : default;

            // Parameters and multiply-adds per convolution, at the resolution each runs at.
            row.IsContainer = true;
            long extent = ShapeMath.EffectiveKernel(k, d);
            // The low path sees twice as far per tap (half resolution) plus the pooling window.
            double rfOut = v.Rf + (hasLow ? (2 * (extent - 1) + 1) * v.Jump : (extent - 1) * v.Jump) + (s == 2 ? v.Jump : 0);
            double? rfShown = v.Global ? null : rfOut;
            long? total = 0;
            double relative = 0; // multiply-adds relative to one position of the output, for the saving
            string prefix = row.Path + (layer.OctBatchNorm ? ".conv." : ".");
            string inText = Fmt(shape);
            foreach (var b in branches)
            {
                if (!b.Present) continue;
                bool toLow = b.ToLow, fromLow = b.FromLow;
                // l2h runs on the low input (size-keeping), then is upsampled at stride 1; the others at their output size.
                Dim bh = toLow ? lho : fromLow ? shape.LowHeight : ho.Value;
                Dim bw = toLow ? lwo : fromLow ? shape.LowWidth : wo.Value;
                var macs = MacsOver(b.Weights(k), bh, bw);
                total = total is null || macs is null ? null : total + macs;
                relative += b.Weights(k) * Area(bh, bw) / Area(ho.Value, wo.Value);
                string where2 = (fromLow ? "low" : "high") + " → " + (toLow ? "low" : "high");
                _result.Rows.Add(new SummaryRow(prefix + b.Name, row.Depth + 1,
                    $"Conv2d({b.In}→{b.Out}, k={k}" + (p != 0 ? $", p={p}" : "") + (d != 1 ? $", d={d}" : "") + (b.Groups != 1 ? $", g={b.Groups}" : "") +
                    (layer.Bias ? "" : ", bias=False") + $") {where2} on {bh.Format("H", _modH)}x{bw.Format("W", _modW)}")
                {
                    InputShape = inText,
                    OutputShape = Fmt(new TensorShape(b.Out, bh, bw)),
                    Params = b.Weights(k) + (layer.Bias ? b.Out : 0),
                    Macs = macs,
                    ReceptiveField = rfShown,
                });
            }
            if (layer.OctBatchNorm)
            {
                if (outHigh > 0)
                    _result.Rows.Add(new SummaryRow(row.Path + ".bn_h", row.Depth + 1, $"BatchNorm2d({outHigh}) high") { Params = 2 * outHigh, InputShape = inText, OutputShape = Fmt(new TensorShape(outHigh, ho.Value, wo.Value)), ReceptiveField = rfShown });
                if (outLow > 0)
                    _result.Rows.Add(new SummaryRow(row.Path + ".bn_l", row.Depth + 1, $"BatchNorm2d({outLow}) low") { Params = 2 * outLow, InputShape = inText, OutputShape = Fmt(new TensorShape(outLow, lho, lwo)), ReceptiveField = rfShown });
            }

            // The saving against the plain convolution with the same channels at the same output size.
            // (For a symbolic size, the ratio of the sizes' growth rates: exact wherever the divisibility constraints hold.)
            long plainPerPixel = cout * (cin / g) * k * k;
            bool exact = ho.Value.IsKnown && wo.Value.IsKnown;
            string saving = (exact ? "" : "≈") + (100.0 * relative / plainPerPixel).ToString("0.0", CultureInfo.InvariantCulture) + "% of Conv2d's MACs";
            string ops = (layer.OctBatchNorm ? " · BN" : "") + (layer.OctReLU ? " · ReLU" : "");
            row.Kind = $"OctConv({cin}→{cout}, k={k}" + (s != 1 ? $", s={s}" : "") + (p != 0 ? $", p={p}" : "") + (d != 1 ? $", d={d}" : "") +
                (g != 1 ? $", g={g}" : "") + $", α {Alpha(alphaIn)}→{Alpha(alphaOut)}){ops}; {saving}";

            var outShape = outLow > 0 ? TensorShape.Octave(outHigh, ho.Value, wo.Value, outLow, lho, lwo) : new TensorShape(outHigh, ho.Value, wo.Value);
            var result = v;
            result.Shape = outShape;
            result.Alpha = outLow > 0 ? alphaOut : 0;
            result.Rf = rfOut;
            result.Jump = v.Jump * s;
            result.PathStride = v.PathStride * s;
            Record(scope, layer, shape, outShape);
            return result;
        }

        private Value? ApplyOctaveBatchNorm(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            var shape = v.Shape;
            long c = shape.Channels + shape.LowChannels;
            if (layer.In is not null && TryEval(scope, layer, "In", layer.In, where, out var expected) && expected != c)
                Report(DiagnosticDescriptors.ChannelMismatch, layer.LocationOf("In"), where, "BatchNorm", expected, c);
            if (!Check(layer.Eps > 0, layer, "Eps", where, $"BatchNorm eps must be positive, got {layer.Eps.ToString(CultureInfo.InvariantCulture)}")) return null;
            if (!Check(layer.Momentum >= 0 && layer.Momentum <= 1, layer, "Momentum", where, $"BatchNorm momentum must be within [0, 1], got {layer.Momentum.ToString(CultureInfo.InvariantCulture)}")) return null;
            row.Kind = $"OctaveBatchNorm2d(high {shape.Channels}, low {shape.LowChannels})";
            row.Params = 2 * c;
            Record(scope, layer, shape, shape);
            return v;
        }

        /// <summary>The projection of an octave residual: d-li14's downsample, an octave 1x1 conv (stride 1 or 2) and BN per frequency.</summary>
        private bool ProjectOctave(Scope scope, BoundLayer layer, Value main, Value input, SummaryRow row, string path, string where)
        {
            var a = main.Shape;
            var b = input.Shape;
            long ca = a.Channels + a.LowChannels, cb = b.Channels + b.LowChannels;
            long s = main.PathStride;
            if (s != 1 && s != 2)
            {
                Report(DiagnosticDescriptors.ShortcutProjection, layer.Location, where, Fmt(b), Fmt(a),
                    s < 1 ? "the main path does not have an integer stride" : $"an octave projection pools by 2 at most, but the main path has stride {s}");
                return false;
            }
            double alphaIn = input.Alpha, alphaOut = main.Alpha;
            long outLow = ShapeMath.OctaveLowChannels(ca, alphaOut);
            Dim h = s == 2 ? HalveFloor(b.Height, true) : b.Height;
            Dim w = s == 2 ? HalveFloor(b.Width, false) : b.Width;
            var projected = outLow > 0
                ? TensorShape.Octave(ca - outLow, h, w, outLow, HalveFloor(h, true), HalveFloor(w, false))
                : new TensorShape(ca, h, w);
            if (!projected.Equals(a))
            {
                Report(DiagnosticDescriptors.ShortcutProjection, layer.Location, where, Fmt(b), Fmt(a),
                    $"an octave 1x1 conv with stride {s} and alpha {Alpha(alphaIn)}→{Alpha(alphaOut)} gives {Fmt(projected)}");
                return false;
            }
            var branches = ShapeMath.OctaveBranches(b.Channels, b.LowChannels, a.Channels, a.LowChannels, 1, alphaIn);
            long parameters = 2 * ca;
            long? macs = 0;
            foreach (var br in branches)
            {
                if (!br.Present) continue;
                bool toLow = br.ToLow, fromLow = br.FromLow;
                var m = MacsOver(br.Weights(1), toLow ? a.LowHeight : fromLow ? b.LowHeight : a.Height, toLow ? a.LowWidth : fromLow ? b.LowWidth : a.Width);
                macs = macs is null || m is null ? null : macs + m;
                parameters += br.Weights(1);
            }
            string conv = $"OctConv({cb}→{ca}, k=1" + (s != 1 ? $", s={s}" : "") + $", α {Alpha(alphaIn)}→{Alpha(alphaOut)}) · BN per frequency";
            row.Kind = "Projection: " + conv;
            row.IsContainer = true;
            _result.Rows.Add(new SummaryRow(path + ".0", scope.Depth + 1, "OctaveConvBn: " + conv)
            {
                InputShape = Fmt(b),
                OutputShape = Fmt(a),
                Params = parameters,
                Macs = macs,
                ReceptiveField = input.Global ? null : input.Rf,
            });
            Record(scope, layer, b, a, f =>
            {
                f.Projected = true;
                f.ProjectionStride = s;
            });
            return true;
        }

        /// <summary>
        /// NDSL0037 unless the high-frequency size is a multiple of <paramref name="multiple"/>. A symbolic size raises the
        /// axis modulus instead (the generated guard then checks it), unless it can never be a multiple.
        /// </summary>
        private bool RequireOctaveMultiple(BoundLayer layer, string where, TensorShape shape, long multiple, string why)
        {
            if (multiple <= 1) return true;
            var bad = new List<string>();
            foreach (var (dim, isHeight) in new[] { (shape.Height, true), (shape.Width, false) })
            {
                if (dim.IsKnown)
                {
                    if (dim.Offset % multiple != 0) bad.Add((isHeight ? "height " : "width ") + dim.Offset.ToString(CultureInfo.InvariantCulture));
                    continue;
                }
                if (dim.Coef % multiple != 0)
                {
                    long factor = multiple / ShapeMath.Gcd(dim.Coef, multiple);
                    throw isHeight ? new ModulusRestart(_modH * factor, _modW) : new ModulusRestart(_modH, _modW * factor);
                }
                if (dim.Offset % multiple != 0) bad.Add((isHeight ? "height " : "width ") + dim.Format(isHeight ? "H" : "W", isHeight ? _modH : _modW) + " for every input");
            }
            if (bad.Count == 0) return true;
            Report(DiagnosticDescriptors.OctaveOddSize, layer.Location, where, Fmt(shape), multiple, why, string.Join(" and ", bad));
            return false;
        }

        /// <summary>An area for ratios: the product of the sizes, or of their growth rates for symbolic sizes.</summary>
        private static double Area(Dim h, Dim w) => (double)(h.IsKnown ? h.Offset : h.Coef) * (w.IsKnown ? w.Offset : w.Coef);

        /// <summary>floor(x / 2), as 2x2 average pooling; a symbolic size needs an even coefficient (the modulus is raised).</summary>
        private Dim HalveFloor(Dim x, bool isHeight)
        {
            if (x.IsKnown) return Dim.Known(ShapeMath.FloorDiv(x.Offset, 2));
            if (x.Coef % 2 != 0)
                throw isHeight ? new ModulusRestart(_modH * 2, _modW) : new ModulusRestart(_modH, _modW * 2);
            return new Dim(x.Coef / 2, ShapeMath.FloorDiv(x.Offset, 2));
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using Value = NetDsl.Generator.Layers.LayerValue;

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
        private static bool AcceptsOctave(BoundLayer layer) => layer.Rule is { IsOctave: true } || OctaveTyping.IsPerFrequency(layer);

        private bool IsOctaveDeclaration(BoundDeclaration declaration) => OctaveTyping.IsOctave(declaration, ResolveBlock);

        /// <summary>Whether a stage's module takes octave pairs (an octave conv, or a use of an octave block).</summary>
        private bool IsOctaveStage(BoundStage stage) => OctaveTyping.IsOctaveStage(stage, ResolveBlock);

        /// <summary>A used block, bound (once), or null when the name is not a block.</summary>
        private BoundDeclaration? ResolveBlock(string name) => _blocks.TryGetValue(name, out var spec) ? Bind(spec) : null;

        internal static string Alpha(double alpha) => alpha.ToString("0.###", CultureInfo.InvariantCulture);

        internal bool TryEvalReal(Scope scope, BoundLayer layer, string argument, Expr? expr, string where, out double value)
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
        internal bool RequireOctaveMultiple(BoundLayer layer, string where, TensorShape shape, long multiple, string why)
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
        internal static double Area(Dim h, Dim w) => (double)(h.IsKnown ? h.Offset : h.Coef) * (w.IsKnown ? w.Offset : w.Coef);

        /// <summary>floor(x / 2), as 2x2 average pooling; a symbolic size needs an even coefficient (the modulus is raised).</summary>
        internal Dim HalveFloor(Dim x, bool isHeight)
        {
            if (x.IsKnown) return Dim.Known(ShapeMath.FloorDiv(x.Offset, 2));
            if (x.Coef % 2 != 0)
                throw isHeight ? new ModulusRestart(_modH * 2, _modW) : new ModulusRestart(_modH, _modW * 2);
            return new Dim(x.Coef / 2, ShapeMath.FloorDiv(x.Offset, 2));
        }
    }
}

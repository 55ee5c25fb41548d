using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// [DSPP] and [MDSPP] (SPEED, seed 003): pyramid branches at the bins (average pool with window size // bin, separable
    /// 3x3, bilinear resize back), concatenated with the input; MDSPP mixes the branches in the pairs 1 + 3 and 2 + 4.
    /// Each is one row whose children are the runtime module's children, with every branch's pooled grid in its text.
    /// Runtime: NetDsl.Pyramids.DSPP / MDSPP.
    /// </summary>
    public abstract class SpeedPyramidRule : LayerRule
    {
        /// <summary>SPEED's bins, the default of [DSPP] and [MDSPP].</summary>
        internal static readonly long[] SpeedBins = { 2, 4, 6, 8 };

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Out = a.Expr("Filters", 128);
            a.List("Bins", b.Bins, SpeedBins, emptyIsError: true);
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Pyramids." + Name;

        public override string Construct(BoundLayer l, LayerEmission e) =>
            $"new global::NetDsl.Pyramids.{Name}({e.InChannels(l)}, {LayerEmission.LongArray(l.Bins)}, filters: {l.Out!.ToCSharp()})";

        public override LayerValue? Infer(LayerInference ctx)
        {
            var (layer, v, row, where) = (ctx.Layer, ctx.Input, ctx.Row, ctx.Where);

            bool mixed = this is MDSPPRule;
            string module = mixed ? "MDSPP" : "DSPP";
            if (!ctx.RequireMap(module)) return null;
            var shape = v.Shape;
            long c = shape.Channels;
            if (!ctx.TryEval("Filters", layer.Out, out var f)) return null;
            if (mixed)
            {
                if (!ctx.Check(f >= 4, "Filters", $"MDSPP needs at least 4 filters (its branches have filters // 4 channels), got {f}")) return null;
                if (!ctx.Check(layer.Bins.Count == 4, "Bins",
                        $"MDSPP needs exactly four bins (mixed in the pairs 1 + 3 and 2 + 4), got [{string.Join(", ", layer.Bins)}]")) return null;
            }
            else if (!ctx.Check(f >= 1, "Filters", $"DSPP filters must be positive, got {f}")) return null;
            if (!PyramidChecks.CheckSpeedBins(ctx, shape, module)) return null;

            var bins = layer.Bins;
            long branchOut = mixed ? f / 4 : f;
            bool branchBias = !mixed;
            string size = shape.Height.Format("H", ctx.ModH) + "x" + shape.Width.Format("W", ctx.ModW);
            string inputText = ctx.Fmt(shape);
            string path = row.Path;
            row.IsContainer = true;
            void Child(string name, string kind, long parameters, long? macs, long channels, double? rf, long? inChannels = null) =>
                ctx.AddRow(new SummaryRow(path + "." + name, row.Depth + 1, kind)
                {
                    InputShape = inChannels is long pairIn ? ctx.Fmt(new TensorShape(pairIn, shape.Height, shape.Width)) : inputText,
                    OutputShape = ctx.Fmt(new TensorShape(channels, shape.Height, shape.Width)),
                    Params = parameters,
                    Macs = macs,
                    ReceptiveField = rf,
                });

            for (int i = 0; i < bins.Count; i++)
            {
                long b = bins[i];
                long perCell = 9 * c + c * branchOut;
                string name = (mixed ? "upconv_1." : "convs.") + i.ToString(CultureInfo.InvariantCulture);
                Child(name, $"bin {b}: {PyramidChecks.PoolText(ctx, shape, b)} → SeparableConv2d({c}→{branchOut}, k=3{(branchBias ? "" : ", bias=False")}) → bilinear {size}",
                    perCell + (branchBias ? branchOut : 0), ctx.MacsOverGrid(perCell, shape.Height, shape.Width, b), branchOut, PyramidChecks.BranchRf(v, shape, b, 0));
            }

            long outChannels;
            if (mixed)
            {
                long quarter = f / 4, half = f / 2;
                long perPixel = 9 * 2 * quarter + 2 * quarter * half;
                // The pair convolutions: one more 3x3 at full resolution after the resize; the wider window is the smaller bin's.
                Child("upconv_2_odd", $"bins {bins[0]} + {bins[2]}: concat · ReLU → SeparableConv2d({2 * quarter}→{half}, k=3, bias=False) → ReLU",
                    perPixel, ctx.MacsOver(perPixel, shape.Height, shape.Width), half, PyramidChecks.BranchRf(v, shape, Math.Min(bins[0], bins[2]), 2), 2 * quarter);
                Child("upconv_2_even", $"bins {bins[1]} + {bins[3]}: concat · ReLU → SeparableConv2d({2 * quarter}→{half}, k=3, bias=False) → ReLU",
                    perPixel, ctx.MacsOver(perPixel, shape.Height, shape.Width), half, PyramidChecks.BranchRf(v, shape, Math.Min(bins[1], bins[3]), 2), 2 * quarter);
                outChannels = 2 * half + c;
                row.Kind = $"MDSPP({c}→{outChannels} = {half} + {half} + input, F={f}, bins {string.Join("/", bins)})";
            }
            else
            {
                outChannels = c + bins.Count * f;
                row.Kind = $"DSPP({c}→{outChannels} = input + {bins.Count}·{f}, bins {string.Join("/", bins)})";
            }

            var result = v;
            result.Shape = new TensorShape(outChannels, shape.Height, shape.Width);
            // The widest window is the smallest bin's; MDSPP's pair convolutions add one more 3x3 at full resolution.
            var rf = PyramidChecks.BranchRf(v, shape, bins.Min(), mixed ? 2 : 0);
            if (rf is null) result.Global = true;
            else result.Rf = Math.Max(v.Rf, rf.Value);
            ctx.Record(shape, result.Shape);
            return result;
                }
    }

    /// <summary>[DSPP]: C + R·F channels (the input first, then one block of F per bin).</summary>
    public sealed class DSPPRule : SpeedPyramidRule
    {
        public override string Name => "DSPP";

        public override void Flow(BoundLayer layer, ref ChannelState state) =>
            state.Channels = Expr.Add(state.Channels, Expr.Mul(Expr.Num(layer.Bins.Count), layer.Out!));
    }

    /// <summary>[MDSPP]: 2·(F/2) + C channels (the two mixed pairs, then the input).</summary>
    public sealed class MDSPPRule : SpeedPyramidRule
    {
        public override string Name => "MDSPP";

        public override void Flow(BoundLayer layer, ref ChannelState state) =>
            state.Channels = Expr.Add(Expr.Mul(Expr.Num(2), Expr.Binary('/', layer.Out!, Expr.Num(2))), state.Channels);
    }
}

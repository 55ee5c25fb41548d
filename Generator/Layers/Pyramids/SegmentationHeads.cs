using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>torchvision's segmentation heads (seed 003): [ASPP], [DeepLabHead] (ASPP rates 12/24/36, then 3x3 conv, BN,
    /// ReLU, 1x1 classifier) and [FCNHead]; same spatial size, known parameter formulas. Runtime: NetDsl.Pyramids.</summary>
    public abstract class SegmentationHeadRule : LayerRule
    {
        public override void Flow(BoundLayer layer, ref ChannelState state) => state.Channels = layer.Out!;

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Pyramids." + Name;

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);

            string name = Name;
            if (!c.RequireMap(name)) return null;
            var shape = v.Shape;
            long cin = shape.Channels;
            if (!c.TryEval(this is ASPPRule ? "Out" : this is DeepLabHeadRule ? "numClasses" : "channels", layer.Out, out var cout)) return null;
            if (!c.Check(cout >= 1, this is ASPPRule ? "Out" : this is DeepLabHeadRule ? "numClasses" : "channels", $"{name} output channels must be positive, got {cout}")) return null;
            var rates = layer.Bins;
            long pixels = 0;
            long perPixel, parameters;
            double rf = v.Rf;
            if (this is FCNHeadRule)
            {
                if (!c.Check(cin >= 4, "channels", $"FCNHead needs at least 4 input channels (it reduces to in/4), got {cin}")) return null;
                long inter = cin / 4;
                parameters = cin * inter * 9 + 2 * inter + inter * cout + cout;
                perPixel = cin * inter * 9 + inter * cout;
                rf += 2 * v.Jump;
                row.Kind = $"FCNHead({cin}→{inter}→{cout})";
            }
            else
            {
                if (!PyramidChecks.CheckRates(c, "ASPP")) return null;
                long aspp = this is ASPPRule ? cout : 256;
                long branches = rates.Count + 2;
                parameters = (cin * aspp + 2 * aspp) * 2 + rates.Count * (cin * aspp * 9 + 2 * aspp) + branches * aspp * aspp + 2 * aspp;
                perPixel = cin * aspp + rates.Count * cin * aspp * 9 + branches * aspp * aspp;
                // The image-pooling branch's 1x1 conv runs once per sample.
                c.AddMacTerm(new MacTerm(cin * aspp, Dim.Known(1), Dim.Known(1)));
                pixels = cin * aspp;
                foreach (var rate in rates)
                    c.ReportDegenerateDilation(this is ASPPRule ? "rates" : "numClasses", shape, rate, "that ASPP branch");
                rf = v.Rf + 2 * rates.Max() * v.Jump;
                if (this is DeepLabHeadRule)
                {
                    parameters += 256 * 256 * 9 + 2 * 256 + 256 * cout + cout;
                    perPixel += 256 * 256 * 9 + 256 * cout;
                    rf += 2 * v.Jump;
                    row.Kind = $"DeepLabHead({cin}→{cout}, ASPP rates {string.Join("/", rates)})";
                }
                else
                {
                    row.Kind = $"ASPP({cin}→{cout}, rates {string.Join("/", rates)})";
                }
                // Image pooling makes the receptive field global.
                rf = double.PositiveInfinity;
            }
            row.Params = parameters;
            var macs = c.MacsOver(perPixel, shape.Height, shape.Width);
            row.Macs = macs is null ? null : macs + pixels;
            var result = v;
            result.Shape = new TensorShape(cout, shape.Height, shape.Width);
            if (double.IsPositiveInfinity(rf)) result.Global = true;
            else result.Rf = rf;
            c.Record(shape, result.Shape);
            return result;
                }
    }

    /// <summary>[ASPP(rates, Out)]: torchvision's ASPP (1x1, one 3x3 per rate, image pooling; concat; 1x1 projection).</summary>
    public sealed class ASPPRule : SegmentationHeadRule
    {
        public override string Name => "ASPP";

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            a.List("rates", b.Bins, null);
            b.Out = a.Expr("Out", 256);
        }

        public override string Construct(BoundLayer l, LayerEmission e) =>
            $"new global::NetDsl.Pyramids.ASPP({e.InChannels(l)}, {LayerEmission.LongArray(l.Bins)}{(l.Out!.Equals(Expr.Num(256)) ? "" : ", out_channels: " + l.Out.ToCSharp())})";
    }

    /// <summary>[DeepLabHead(numClasses)]: torchvision's DeepLabHead.</summary>
    public sealed class DeepLabHeadRule : SegmentationHeadRule
    {
        public override string Name => "DeepLabHead";

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Bins.AddRange(new long[] { 12, 24, 36 });
            b.Out = a.Expr("numClasses", null);
        }

        public override string Construct(BoundLayer l, LayerEmission e) => $"new global::NetDsl.Pyramids.DeepLabHead({e.InChannels(l)}, {l.Out!.ToCSharp()})";
    }

    /// <summary>[FCNHead(channels)]: torchvision's FCNHead (3x3 conv to in/4, BN, ReLU, dropout, 1x1).</summary>
    public sealed class FCNHeadRule : SegmentationHeadRule
    {
        public override string Name => "FCNHead";

        public override void Bind(LayerBinding a, BoundLayer b) => b.Out = a.Expr("channels", null);

        public override string Construct(BoundLayer l, LayerEmission e) => $"new global::NetDsl.Pyramids.FCNHead({e.InChannels(l)}, {l.Out!.ToCSharp()})";
    }
}

using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[BatchNorm]: BatchNorm2d on a map, BatchNorm1d on a flat tensor, OctaveBatchNorm2d on an octave pair.</summary>
    public sealed class BatchNormRule : LayerRule
    {
        public override string Name => "BatchNorm";
        public override bool IsPerFrequency => true;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Eps = a.Double("Eps", 1e-5);
            b.Momentum = a.Double("Momentum", 0.1);
            b.In = a.Expr("In", null);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            var shape = v.Shape;
            if (shape.ChannelsLast)
            {
                c.Report(DiagnosticDescriptors.NormalizedDimension, layer.Location, where,
                    $"BatchNorm normalises dimension 1 of an NCHW map, but the channels-last {c.Fmt(shape)} has its height there; use [LayerNorm] on a channels-last map, or permute back first ([Permute(0, 3, 1, 2)])");
                return null;
            }
            if (!shape.IsOctave && shape.Rank == Rank.Flat && shape.Channels < 0)
            {
                c.Report(DiagnosticDescriptors.SymbolicFlatten, layer.Location, where, "C*H*W");
                return null;
            }
            // An octave pair is normalised per frequency; In counts both.
            long channels = shape.Channels + shape.LowChannels;
            if (layer.In is not null && c.TryEval("In", layer.In, out var expected) && expected != channels)
                c.Report(DiagnosticDescriptors.ChannelMismatch, c.LocationOf("In"), where, "BatchNorm", expected, channels);
            if (!c.Check(layer.Eps > 0, "Eps", $"BatchNorm eps must be positive, got {layer.Eps.ToString(CultureInfo.InvariantCulture)}")) return null;
            if (!c.Check(layer.Momentum >= 0 && layer.Momentum <= 1, "Momentum", $"BatchNorm momentum must be within [0, 1], got {layer.Momentum.ToString(CultureInfo.InvariantCulture)}")) return null;
            row.Kind = shape.IsOctave ? $"OctaveBatchNorm2d(high {shape.Channels}, low {shape.LowChannels})"
                : (shape.Rank == Rank.Map ? "BatchNorm2d(" : "BatchNorm1d(") + shape.Channels.ToString(CultureInfo.InvariantCulture) + ")";
            row.Params = 2 * channels;
            c.Record(shape, shape);
            return v;
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => e.IsFlatInput(layer) ? "Modules.BatchNorm1d" : "Modules.BatchNorm2d";

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            // After Flatten the features are C*H*W, which only inference knows (the channel flow keeps C).
            var args = new List<string> { e.Features(l) };
            AddOptions(l, args);
            return (e.IsFlatInput(l) ? "nn.BatchNorm1d(" : "nn.BatchNorm2d(") + string.Join(", ", args) + ")";
        }

        public override string OctaveModuleType(BoundLayer layer) => "OctaveBatchNorm2d";

        public override string ConstructOctave(BoundLayer l, LayerEmission e)
        {
            var args = new List<string> { e.InChannels(l), "alpha: " + e.Alpha(l).ToCSharp() };
            AddOptions(l, args);
            return "new OctaveBatchNorm2d(" + string.Join(", ", args) + ")";
        }

        private static void AddOptions(BoundLayer l, List<string> args)
        {
            if (l.Eps != 1e-5) args.Add("eps: " + LayerEmission.Double(l.Eps));
            if (l.Momentum != 0.1) args.Add("momentum: " + LayerEmission.Double(l.Momentum));
        }

        public override GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = stride = dilation = 0;
            return GriddingRole.PerPixel;
        }
    }
}

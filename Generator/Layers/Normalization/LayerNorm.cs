using System.Collections.Generic;
using System.Globalization;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>The norms with a weight and a bias per channel (2C parameters, no multiply-adds counted, as BatchNorm).</summary>
    public abstract class ChannelNormRule : LayerRule
    {
        /// <summary>The summary text for <paramref name="channels"/>.</summary>
        protected abstract string Describe(BoundLayer layer, long channels, long groups);

        /// <summary>Whether the norm takes the value's channels: null when it does, else why not (NDSL0076).</summary>
        protected abstract string? WrongDimension(LayerInference c, TensorShape shape);

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            var shape = v.Shape;
            if (WrongDimension(c, shape) is { } why)
            {
                c.Report(DiagnosticDescriptors.NormalizedDimension, layer.Location, where, why);
                return null;
            }
            if (shape.Rank == Rank.Flat && shape.Channels < 0)
            {
                c.Report(DiagnosticDescriptors.SymbolicFlatten, layer.Location, where, "C*H*W");
                return null;
            }
            if (!c.Check(layer.Eps > 0 && !double.IsInfinity(layer.Eps), "Eps", $"{Name} eps must be positive, got {layer.Eps.ToString(CultureInfo.InvariantCulture)}")) return null;
            long groups = 1;
            if (layer.Groups is not null)
            {
                if (!c.TryEval("groups", layer.Groups, out groups)) return null;
                if (!c.Check(groups >= 1 && shape.Channels % groups == 0, "groups",
                        $"GroupNorm's groups must be positive and divide the {shape.Channels} channels, got {groups}")) return null;
            }
            row.Kind = Describe(layer, shape.Channels, groups);
            row.Params = 2 * shape.Channels;
            c.Record(shape, shape);
            return v;
        }

        protected static string Eps(BoundLayer l) => l.Eps == 1e-5 ? "" : ", eps: " + LayerEmission.Double(l.Eps);

        protected static string EpsText(BoundLayer l) => l.Eps == 1e-5 ? "" : ", eps=" + l.Eps.ToString("R", CultureInfo.InvariantCulture);

        public override GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = stride = dilation = 0;
            return GriddingRole.PerPixel;
        }
    }

    /// <summary>[LayerNorm]: nn.LayerNorm over the last dimension (channels-last maps, flat tensors).</summary>
    public sealed class LayerNormRule : ChannelNormRule
    {
        public override string Name => "LayerNorm";

        public override void Bind(LayerBinding a, BoundLayer b) => b.Eps = a.Double("Eps", 1e-5);

        protected override string? WrongDimension(LayerInference c, TensorShape shape) =>
            shape.Rank == Rank.Map && !shape.ChannelsLast
                ? $"LayerNorm normalises the last dimension, but the last dimension of the NCHW map {c.Fmt(shape)} is its width; " +
                  "permute to channels-last first ([Permute(0, 2, 3, 1)], as torchvision's ConvNeXt block) or use [LayerNorm2d]"
                : null;

        protected override string Describe(BoundLayer layer, long channels, long groups) =>
            "LayerNorm(" + channels.ToString(CultureInfo.InvariantCulture) + EpsText(layer) + ")";

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules.LayerNorm";

        public override string Construct(BoundLayer l, LayerEmission e) => "nn.LayerNorm(new long[] { " + e.Features(l) + " }" + Eps(l) + ")";
    }

    /// <summary>[LayerNorm2d]: LayerNorm over the channels of an NCHW map (runtime: NetDsl.Normalization.LayerNorm2d).</summary>
    public sealed class LayerNorm2dRule : ChannelNormRule
    {
        public override string Name => "LayerNorm2d";

        public override void Bind(LayerBinding a, BoundLayer b) => b.Eps = a.Double("Eps", 1e-5);

        protected override string? WrongDimension(LayerInference c, TensorShape shape) => shape.Rank != Rank.Map
            ? $"LayerNorm2d normalises the channels of an [N, C, H, W] map but receives the flat {c.Fmt(shape)}; use [LayerNorm]"
            : shape.ChannelsLast
                ? $"LayerNorm2d normalises dimension 1 of an NCHW map, but the channels-last {c.Fmt(shape)} has its height there; use [LayerNorm] on a channels-last map, or permute back first"
                : null;

        protected override string Describe(BoundLayer layer, long channels, long groups) =>
            "LayerNorm2d(" + channels.ToString(CultureInfo.InvariantCulture) + EpsText(layer) + ")";

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Normalization.LayerNorm2d";

        public override string Construct(BoundLayer l, LayerEmission e) => "new global::NetDsl.Normalization.LayerNorm2d(" + e.InChannels(l) + Eps(l) + ")";
    }

    /// <summary>[GroupNorm(groups)]: nn.GroupNorm on an NCHW map.</summary>
    public sealed class GroupNormRule : ChannelNormRule
    {
        public override string Name => "GroupNorm";

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.Groups = a.Expr("groups", null, required: true);
            b.Eps = a.Double("Eps", 1e-5);
        }

        protected override string? WrongDimension(LayerInference c, TensorShape shape) => shape.Rank != Rank.Map
            ? $"GroupNorm normalises groups of channels of an [N, C, H, W] map but receives the flat {c.Fmt(shape)}"
            : shape.ChannelsLast
                ? $"GroupNorm normalises dimension 1 of an NCHW map, but the channels-last {c.Fmt(shape)} has its height there; permute back first ([Permute(0, 3, 1, 2)])"
                : null;

        protected override string Describe(BoundLayer layer, long channels, long groups) =>
            $"GroupNorm({groups.ToString(CultureInfo.InvariantCulture)}, {channels.ToString(CultureInfo.InvariantCulture)}{EpsText(layer)})";

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "Modules.GroupNorm";

        public override string Construct(BoundLayer l, LayerEmission e) => $"nn.GroupNorm({l.Groups!.ToCSharp()}, {e.InChannels(l)}{Eps(l)})";
    }
}

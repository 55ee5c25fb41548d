using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// [Permute(dims)]: torchvision's Permute module. The shape keeps which dimension holds the channels: [0, 2, 3, 1] takes
    /// an NCHW map to channels-last [N, H, W, C] (the summary shows it so), [0, 3, 1, 2] back; a permutation that swaps
    /// height and width swaps them in the shape. Runtime: NetDsl.Layout.Permute.
    /// </summary>
    public sealed class PermuteRule : LayerRule
    {
        public override string Name => "Permute";
        public override bool Allocates(BoundLayer layer) => false;

        public override void Bind(LayerBinding a, BoundLayer b) => a.List("dims", b.Dims, null);

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            var dims = layer.Dims;
            var shape = v.Shape;
            string text = string.Join(", ", dims);
            int rank = shape.Rank == Rank.Map ? 4 : 2;
            string? why = null;
            if (dims.Count != rank || !dims.OrderBy(d => d).SequenceEqual(Enumerable.Range(0, rank).Select(i => (long)i)))
                why = $"is not a permutation of the {rank} dimensions of {c.Fmt(shape)} (0 .. {rank - 1}, each once)";
            else if (dims[0] != 0)
                why = $"moves the batch dimension of {c.Fmt(shape)}; NetDsl keeps the batch first";
            if (why is null && rank == 4)
            {
                // The logical axes in the current order, then in the new one.
                var current = shape.ChannelsLast ? new[] { 'N', 'H', 'W', 'C' } : new[] { 'N', 'C', 'H', 'W' };
                var next = dims.Select(d => current[d]).ToArray();
                int channelAt = System.Array.IndexOf(next, 'C');
                if (channelAt == 2)
                {
                    why = $"puts the channels of {c.Fmt(shape)} third ([N, {next[1]}, C, {next[3]}]); the layers after a permute take NCHW or channels-last NHWC maps";
                }
                else
                {
                    var spatial = next.Where(a => a == 'H' || a == 'W').ToArray();
                    bool swapped = spatial[0] == 'W';
                    var permuted = new TensorShape(shape.Channels, swapped ? shape.Width : shape.Height, swapped ? shape.Height : shape.Width).InLayout(channelAt == 3);
                    row.Kind = $"Permute([{text}])";
                    var result = v;
                    result.Shape = permuted;
                    if (swapped) result.PathStride = 0;
                    c.Record(shape, permuted);
                    return result;
                }
            }
            if (why is not null)
            {
                c.Report(DiagnosticDescriptors.InvalidPermutation, c.LocationOf("dims"), where, text, why);
                return null;
            }
            row.Kind = $"Permute([{text}])";
            c.Record(shape, shape);
            return v;
        }

        public override void Flow(BoundLayer layer, ref ChannelState state)
        {
            // The channels' place after the permutation (the inference checks the rest).
            var dims = layer.Dims;
            if (dims.Count != 4) return;
            var current = state.ChannelsLast ? new[] { 'N', 'H', 'W', 'C' } : new[] { 'N', 'C', 'H', 'W' };
            if (dims[1] >= 0 && dims[1] < 4 && dims[3] >= 0 && dims[3] < 4) state.ChannelsLast = current[dims[3]] == 'C';
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => "global::NetDsl.Layout.Permute";

        public override string Construct(BoundLayer l, LayerEmission e) => "new global::NetDsl.Layout.Permute(" + string.Join(", ", l.Dims) + ")";

        public override GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = stride = dilation = 0;
            return GriddingRole.PerPixel;
        }
    }
}

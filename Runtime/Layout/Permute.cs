using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Layout
{
    /// <summary>
    /// torchvision's <c>ops.misc.Permute</c>: a module without state that permutes the dimensions (ConvNeXt's
    /// [0, 2, 3, 1] to channels-last before LayerNorm and Linear, [0, 3, 1, 2] back). A module, so it takes its index in a
    /// Sequential as torchvision's does (the keys after it shift).
    /// </summary>
    public sealed partial class Permute : nn.Module<Tensor, Tensor>
    {
        private readonly long[] _dims;

        /// <param name="dims">A permutation of 0 .. n-1.</param>
        public Permute(params long[] dims) : base(nameof(Permute))
        {
            if (dims is null || dims.Length == 0 || !dims.OrderBy(d => d).SequenceEqual(Enumerable.Range(0, dims.Length).Select(i => (long)i)))
                throw new ArgumentException($"Permute needs a permutation of 0 .. n-1, got [{string.Join(", ", dims ?? Array.Empty<long>())}]", nameof(dims));
            _dims = (long[])dims.Clone();
        }

        public long[] Dims => (long[])_dims.Clone();

        public override Tensor forward(Tensor input)
        {
            if (input.dim() != _dims.Length)
                throw new ArgumentException($"Permute([{string.Join(", ", _dims)}]) expects {_dims.Length} dimensions, got [{string.Join(", ", input.shape)}]", nameof(input));
            return input.permute(_dims);
        }

        public override string ToString() => $"Permute([{string.Join(", ", _dims)}])";
    }
}

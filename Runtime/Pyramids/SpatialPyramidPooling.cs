using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Pyramids
{
    /// <summary>The pooling a <see cref="SpatialPyramidPooling"/> level applies in each bin.</summary>
    public enum PyramidPoolMode
    {
        /// <summary>Maximum over the bin (He et al.'s SPP-net).</summary>
        Max,

        /// <summary>Mean over the bin.</summary>
        Average,
    }

    /// <summary>
    /// Spatial pyramid pooling (He et al., "Spatial Pyramid Pooling in Deep Convolutional Networks", TPAMI 2015):
    /// each level n pools the map into n×n bins, the levels are flattened and concatenated, so
    /// (N, C, H, W) becomes (N, C·Σn²) for <b>any</b> H and W (21·C for the default levels {4, 2, 1}).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The bins are PyTorch's adaptive pooling bins (<c>adaptive_max_pool2d</c> / <c>adaptive_avg_pool2d</c>): bin i of n
    /// over a length-a axis covers [floor(i·a/n), ceil((i+1)·a/n)) (<see cref="Bin"/>). That always gives exactly n bins,
    /// overlapping when n does not divide a and repeating input cells when a &lt; n. The paper's fixed rule (window
    /// ceil(a/n), stride floor(a/n)) gives fewer than n bins for sizes such as a = 10, n = 6 and none for a &lt; n, and
    /// sppnet-pytorch's padded max pool is rejected by PyTorch for sizes such as a = 13, n = 6; adaptive pooling has
    /// neither problem.
    /// </para>
    /// <para>
    /// Layout: level by level in the order given, each level flattened as sppnet-pytorch's <c>x.view(N, -1)</c> of the
    /// (N, C, n, n) map, i.e. channel-major (feature <c>offset + c·n² + i·n + j</c>). No parameters and no state.
    /// </para>
    /// </remarks>
    public sealed partial class SpatialPyramidPooling : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(SpatialPyramidPooling);
        private readonly long[] _bins;

        /// <summary>Builds the layer.</summary>
        /// <param name="bins">Pyramid levels n (each pooled to n×n), at least one, each at least 1; {4, 2, 1} when null.</param>
        /// <param name="mode">Max (the paper) or average pooling in each bin.</param>
        /// <exception cref="ArgumentException">A level is below 1 or the list is empty.</exception>
        public SpatialPyramidPooling(IReadOnlyList<long>? bins = null, PyramidPoolMode mode = PyramidPoolMode.Max) : base(Name)
        {
            _bins = PyramidInput.PositiveList(Name, bins ?? DefaultBins, nameof(bins));
            if (mode != PyramidPoolMode.Max && mode != PyramidPoolMode.Average)
                throw new ArgumentException($"{Name}: unknown pooling mode {mode}.", nameof(mode));
            Mode = mode;
        }

        /// <summary>Nothing to register: the layer has no children, parameters or buffers.</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>The levels of sppnet-pytorch and the paper's classification network: {4, 2, 1} (21 bins).</summary>
        public static IReadOnlyList<long> DefaultBins { get; } = new long[] { 4, 2, 1 };

        /// <summary>The pyramid levels n, in output order.</summary>
        public IReadOnlyList<long> Bins => _bins;

        /// <summary>Max or average pooling.</summary>
        public PyramidPoolMode Mode { get; }

        /// <summary>Output features for <paramref name="channels"/> input channels: C · Σ n².</summary>
        public long OutputFeaturesFor(long channels) => ShapeMath.SpatialPyramidFeatures(channels, _bins);

        /// <summary>Output features of a pyramid with levels <paramref name="bins"/> over C channels: C · Σ n²
        /// (10,752 for C = 512 and {4, 2, 1}).</summary>
        /// <exception cref="ArgumentException">channels is below 1, or a level is below 1.</exception>
        public static long OutputFeatures(long channels, IReadOnlyList<long> bins)
        {
            PyramidInput.Positive(Name, channels, nameof(channels));
            return ShapeMath.SpatialPyramidFeatures(channels, PyramidInput.PositiveList(Name, bins, nameof(bins)));
        }

        /// <summary>
        /// PyTorch's adaptive pooling bin <paramref name="index"/> of <paramref name="bins"/> over a length-
        /// <paramref name="length"/> axis: [floor(i·a/n), ceil((i+1)·a/n)), end exclusive.
        /// </summary>
        /// <exception cref="ArgumentException">The index is outside [0, n) or a size is below 1.</exception>
        public static (long Start, long End) Bin(long index, long bins, long length)
        {
            PyramidInput.Positive(Name, bins, nameof(bins));
            PyramidInput.Positive(Name, length, nameof(length));
            if (index < 0 || index >= bins)
                throw new ArgumentException($"{Name}: bin index {index} is outside [0, {bins}).", nameof(index));
            return ShapeMath.AdaptiveBin(index, bins, length);
        }

        /// <summary>(N, C, H, W) to (N, C·Σn²).</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with a positive height and width.</exception>
        public override Tensor forward(Tensor x)
        {
            PyramidInput.Check(Name, x, 0);
            using var scope = NewDisposeScope();
            long n = x.shape[0];
            var levels = new Tensor[_bins.Length];
            for (int i = 0; i < _bins.Length; i++)
            {
                var size = new[] { _bins[i], _bins[i] };
                var pooled = Mode == PyramidPoolMode.Max
                    ? nn.functional.adaptive_max_pool2d(x, size)
                    : nn.functional.adaptive_avg_pool2d(x, size);
                levels[i] = pooled.reshape(n, -1);
            }
            return torch.cat(levels, 1).MoveToOuterDisposeScope();
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Pyramids
{
    /// <summary>The pyramid branch both SPEED modules share: pool, separable convolution, resize back.</summary>
    internal static partial class SpeedPyramid
    {
        /// <summary>Throws unless every bin fits the map: window = size // bin must be at least 1 along H and W.</summary>
        public static void CheckBins(string module, Tensor x, long[] bins)
        {
            long h = x.shape[2], w = x.shape[3];
            foreach (long bin in bins)
            {
                if (bin > h || bin > w)
                {
                    string axis = bin > h ? "height" : "width";
                    long size = bin > h ? h : w;
                    throw new ArgumentException(
                        $"{module}: bin {bin} is larger than the feature map {axis} {size} (window {size} // {bin} = 0); every bin " +
                        $"must be at most the height and the width, got input {PyramidInput.Shape(x)}.", nameof(x));
                }
            }
        }

        /// <summary>AvgPool(window = stride = (H // bin, W // bin), valid) → <paramref name="conv"/> → bilinear resize to (H, W).</summary>
        public static Tensor Branch(Tensor x, long bin, SeparableConv2d conv)
        {
            long h = x.shape[2], w = x.shape[3];
            var window = new[] { ShapeMath.PyramidWindow(h, bin), ShapeMath.PyramidWindow(w, bin) };
            var pooled = nn.functional.avg_pool2d(x, window, window);
            var y = conv.call(pooled);
            return nn.functional.interpolate(y, new[] { h, w }, mode: InterpolationMode.Bilinear, align_corners: false);
        }
    }

    /// <summary>
    /// DSPP, depthwise separable pyramid pooling (SPEED, Papa et al., IEEE Access 2022; <c>lorenzopapa5/SPEED</c>
    /// <c>depthwise_separable_pyramid_pooling</c>): for each bin b an average pool with window = stride = (H // b, W // b),
    /// a 3×3 <see cref="SeparableConv2d"/> to F filters (with bias) and a bilinear resize back to (H, W); the output is
    /// the input followed by the branches: (N, C, H, W) becomes (N, C + R·F, H, W) (C + 4F for the four default bins).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The pool is Keras' <c>AveragePooling2D</c> with padding 'valid', so the pooled grid has floor(H / (H // b)) cells,
    /// which is b only when b divides H (H = 15, b = 4: window 3, 5 cells); the separable convolution runs on that grid.
    /// A bin larger than the height or the width makes the window 0 and is rejected with an <see cref="ArgumentException"/>.
    /// The resize is PyTorch's bilinear <c>interpolate</c> with align_corners = false, taken as the equivalent of TF2's
    /// <c>tf.image.resize</c> (bilinear, half-pixel centres, no antialias) that the reference calls.
    /// </para>
    /// <para>
    /// Children: <c>convs.{i}</c> = SeparableConv2d(C → F, 3, bias) for bin i (keys <c>convs.0.depthwise.weight</c>,
    /// <c>convs.0.pointwise.weight</c>, <c>convs.0.pointwise.bias</c>). The Keras layers have automatic names; their kernels
    /// map as described on <see cref="SeparableConv2d"/>.
    /// </para>
    /// </remarks>
    public sealed partial class DSPP : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(DSPP);
        private readonly long[] _bins;
        private readonly Modules.ModuleList<SeparableConv2d> _convs;

        /// <summary>SPEED's bins {2, 4, 6, 8}.</summary>
        public static IReadOnlyList<long> DefaultBins { get; } = new long[] { 2, 4, 6, 8 };

        /// <summary>Builds the module with PyTorch's default initialisation of the convolutions.</summary>
        /// <param name="in_channels">Input channels C (at least 1; 512 in the SPEED encoder).</param>
        /// <param name="bins">Pyramid bins, at least one, each at least 1; {2, 4, 6, 8} when null.</param>
        /// <param name="filters">Filters F of each branch (at least 1; 128 in SPEED).</param>
        /// <exception cref="ArgumentException">An argument is below 1 or the bin list is empty.</exception>
        public DSPP(long in_channels, IReadOnlyList<long>? bins = null, long filters = 128) : base(Name)
        {
            PyramidInput.Positive(Name, in_channels, nameof(in_channels));
            PyramidInput.Positive(Name, filters, nameof(filters));
            _bins = PyramidInput.PositiveList(Name, bins ?? DefaultBins, nameof(bins));
            InChannels = in_channels;
            Filters = filters;
            _convs = nn.ModuleList(_bins.Select(_ => new SeparableConv2d(in_channels, filters, 3, bias: true)).ToArray());
            register_module("convs", _convs);
        }

        /// <summary>Children are registered in the constructor; nothing more to register.</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Input channels C.</summary>
        public long InChannels { get; }

        /// <summary>Filters F per branch.</summary>
        public long Filters { get; }

        /// <summary>The bins, in branch order.</summary>
        public IReadOnlyList<long> Bins => _bins;

        /// <summary>The branch convolutions <c>convs.{i}</c>.</summary>
        public IReadOnlyList<SeparableConv2d> Convs => _convs.ToList();

        /// <summary>Output channels: C + R·F (the input first, then one block of F per bin).</summary>
        public long OutputChannels => OutputChannelsFor(InChannels, Filters, _bins.Length);

        /// <summary>Output channels of DSPP over C channels with R bins of F filters: C + R·F.</summary>
        public static long OutputChannelsFor(long inChannels, long filters, int binCount = 4) => inChannels + binCount * filters;

        /// <summary>Parameters of DSPP over C channels with R bins of F filters: R·(9·C + C·F + F) (a 3×3 separable
        /// convolution with bias per bin).</summary>
        public static long ParameterCount(long inChannels, long filters, int binCount = 4) =>
            binCount * SeparableConv2d.ParameterCount(inChannels, filters, 3, bias: true);

        /// <summary>
        /// The pooling window and pooled grid of a bin along one axis of length <paramref name="size"/>: window = size // bin,
        /// cells = floor((size − window) / window) + 1.
        /// </summary>
        /// <exception cref="ArgumentException">The bin is larger than the size (window 0) or an argument is below 1.</exception>
        public static (long Window, long Cells) PooledGrid(long size, long bin)
        {
            PyramidInput.Positive(Name, size, nameof(size));
            PyramidInput.Positive(Name, bin, nameof(bin));
            long window = ShapeMath.PyramidWindow(size, bin);
            if (window < 1)
                throw new ArgumentException($"{Name}: bin {bin} is larger than the size {size} (window {size} // {bin} = 0).", nameof(bin));
            return (window, ShapeMath.PyramidGrid(size, window));
        }

        /// <summary>(N, C, H, W) to (N, C + R·F, H, W): [input, branch(bins[0]), branch(bins[1]), …].</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C channels, or a bin is
        /// larger than its height or width.</exception>
        public override Tensor forward(Tensor x)
        {
            PyramidInput.Check(Name, x, InChannels);
            SpeedPyramid.CheckBins(Name, x, _bins);
            using var scope = NewDisposeScope();
            var parts = new Tensor[_bins.Length + 1];
            parts[0] = x;
            for (int i = 0; i < _bins.Length; i++) parts[i + 1] = SpeedPyramid.Branch(x, _bins[i], _convs[i]);
            return torch.cat(parts, 1).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// MDSPP, mixed depthwise separable pyramid pooling (SPEED's decoder, <c>depthwise_mixed_separable_pyramid_pooling</c>):
    /// four pyramid branches P_b (pool as <see cref="DSPP"/>, 3×3 <see cref="SeparableConv2d"/> to F/4 without bias, resize
    /// back), mixed in two pairs, E = ReLU(SepConv(F/2, no bias)(ReLU([P_bins[0], P_bins[2]]))) and
    /// O = ReLU(SepConv(F/2, no bias)(ReLU([P_bins[1], P_bins[3]]))); output [E, O, input]: (N, C, H, W) becomes
    /// (N, 2·(F/2) + C, H, W), i.e. F + C for an even F.
    /// </summary>
    /// <remarks>
    /// <para>
    /// F/4 and F/2 are floor divisions, as the reference's <c>filters // 4</c> and <c>filters // 2</c>; F must be at least 4.
    /// With SPEED's bins {2, 4, 6, 8} the pairs are (2, 6) and (4, 8). Note the input comes <b>last</b> here and first in DSPP.
    /// Pooling, bin checks and the resize are as in <see cref="DSPP"/>.
    /// </para>
    /// <para>
    /// Children after the reference's Keras layer names without the <c>{name}_</c> prefix: <c>upconv_1.{i}</c> =
    /// SeparableConv2d(C → F/4) for bin i (Keras <c>{name}_upconv_1_{bin}</c>); <c>upconv_2_odd</c> =
    /// SeparableConv2d(2·(F/4) → F/2) on the pair (bins[0], bins[2]) and <c>upconv_2_even</c> on (bins[1], bins[3]), as in the
    /// reference, where the layer on concat_list[0] and [2] is named <c>_upconv_2_odd</c>.
    /// </para>
    /// </remarks>
    public sealed partial class MDSPP : nn.Module<Tensor, Tensor>
    {
        private const string Name = nameof(MDSPP);
        private readonly long[] _bins;
        private readonly Modules.ModuleList<SeparableConv2d> _upconv1;

        /// <summary>Builds the module with PyTorch's default initialisation of the convolutions.</summary>
        /// <param name="in_channels">Input channels C (at least 1).</param>
        /// <param name="bins">Exactly four bins, each at least 1; SPEED's {2, 4, 6, 8} when null.</param>
        /// <param name="filters">Filters F (at least 4): the branches have F/4 channels, each pair F/2.</param>
        /// <exception cref="ArgumentException">An argument is out of range or there are not exactly four bins.</exception>
        public MDSPP(long in_channels, IReadOnlyList<long>? bins = null, long filters = 128) : base(Name)
        {
            PyramidInput.Positive(Name, in_channels, nameof(in_channels));
            if (filters < 4)
                throw new ArgumentException($"{Name}: filters must be at least 4 (the branches have filters // 4 channels), got {filters}.",
                                            nameof(filters));
            _bins = PyramidInput.PositiveList(Name, bins ?? DSPP.DefaultBins, nameof(bins));
            if (_bins.Length != 4)
                throw new ArgumentException($"{Name}: needs exactly four bins (mixed in the pairs 0+2 and 1+3), got [{string.Join(", ", _bins)}].",
                                            nameof(bins));
            InChannels = in_channels;
            Filters = filters;
            long quarter = filters / 4, half = filters / 2;
            _upconv1 = nn.ModuleList(_bins.Select(_ => new SeparableConv2d(in_channels, quarter, 3, bias: false)).ToArray());
            UpconvOdd = new SeparableConv2d(2 * quarter, half, 3, bias: false);
            UpconvEven = new SeparableConv2d(2 * quarter, half, 3, bias: false);
            register_module("upconv_1", _upconv1);
            register_module("upconv_2_odd", UpconvOdd);
            register_module("upconv_2_even", UpconvEven);
        }

        /// <summary>Children are registered in the constructor; nothing more to register.</summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Input channels C.</summary>
        public long InChannels { get; }

        /// <summary>Filters F.</summary>
        public long Filters { get; }

        /// <summary>The four bins, in branch order.</summary>
        public IReadOnlyList<long> Bins => _bins;

        /// <summary>The branch convolutions <c>upconv_1.{i}</c> (C → F/4).</summary>
        public IReadOnlyList<SeparableConv2d> BranchConvs => _upconv1.ToList();

        /// <summary><c>upconv_2_odd</c>: the pair (bins[0], bins[2]) to F/2.</summary>
        public SeparableConv2d UpconvOdd { get; }

        /// <summary><c>upconv_2_even</c>: the pair (bins[1], bins[3]) to F/2.</summary>
        public SeparableConv2d UpconvEven { get; }

        /// <summary>Output channels: 2·(F/2) + C.</summary>
        public long OutputChannels => OutputChannelsFor(InChannels, Filters);

        /// <summary>Output channels of MDSPP over C channels with F filters: 2·(F // 2) + C (F + C for an even F).</summary>
        public static long OutputChannelsFor(long inChannels, long filters) => 2 * (filters / 2) + inChannels;

        /// <summary>Parameters of MDSPP over C channels with F filters (no biases): four branches C → F/4 and two pair
        /// convolutions 2·(F/4) → F/2, each a 3×3 separable convolution.</summary>
        public static long ParameterCount(long inChannels, long filters)
        {
            long quarter = filters / 4, half = filters / 2;
            return 4 * SeparableConv2d.ParameterCount(inChannels, quarter, 3, bias: false) +
                   2 * SeparableConv2d.ParameterCount(2 * quarter, half, 3, bias: false);
        }

        /// <summary>(N, C, H, W) to (N, 2·(F/2) + C, H, W): [E, O, input].</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C channels, or a bin is
        /// larger than its height or width.</exception>
        public override Tensor forward(Tensor x)
        {
            PyramidInput.Check(Name, x, InChannels);
            SpeedPyramid.CheckBins(Name, x, _bins);
            using var scope = NewDisposeScope();
            var p = new Tensor[4];
            for (int i = 0; i < 4; i++) p[i] = SpeedPyramid.Branch(x, _bins[i], _upconv1[i]);
            var e = nn.functional.relu(UpconvOdd.call(nn.functional.relu(torch.cat(new[] { p[0], p[2] }, 1))));
            var o = nn.functional.relu(UpconvEven.call(nn.functional.relu(torch.cat(new[] { p[1], p[3] }, 1))));
            return torch.cat(new[] { e, o, x }, 1).MoveToOuterDisposeScope();
        }
    }
}

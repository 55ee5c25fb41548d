using System;
using System.Linq;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>
    /// Operators the runtime's kernels share (wavelets, pyramids, octave pairs): strided slices, crops and pads computed
    /// from the runtime shape, so that a model exported with symbolic sizes stays exact at every size.
    /// </summary>
    public sealed partial class OnnxGraph
    {
        /// <summary>x[..., start::step] along each of <paramref name="axes"/> (to the end of the axis).</summary>
        public OnnxValue SliceStep(OnnxValue x, long[] axes, long start, long step)
        {
            var starts = Enumerable.Repeat(start, axes.Length).ToArray();
            var ends = Enumerable.Repeat(long.MaxValue, axes.Length).ToArray();
            var steps = Enumerable.Repeat(step, axes.Length).ToArray();
            return Node("Slice", new[] { x, Ints(starts), Ints(ends), Ints(axes), Ints(steps) });
        }

        /// <summary>x[:, :, ::s, ::s]: the subsampling of a strided output (WTConv's stride).</summary>
        public OnnxValue SubsampleHW(OnnxValue x, long stride) => stride == 1 ? x : SliceStep(x, new long[] { 2, 3 }, 0, stride);

        /// <summary>x[:, :, :H, :W] with H, W the height and width of <paramref name="like"/> at run time.</summary>
        public OnnxValue CropLike(OnnxValue x, OnnxValue like) =>
            Node("Slice", new[] { x, Ints(0, 0), Shape(like, 2, 4), Ints(2, 3) });

        /// <summary>
        /// One zero row at the bottom when the height is odd and one zero column at the right when the width is odd
        /// (<c>F.pad(x, (0, W % 2, 0, H % 2))</c>, the wavelets' odd-size padding), computed from the runtime shape.
        /// </summary>
        public OnnxValue PadToEven(OnnxValue x)
        {
            var odd = Node("Mod", new[] { Shape(x, 2, 4), Ints(2, 2) });
            var pads = Concat(0, Ints(0, 0, 0, 0, 0, 0), odd);
            return Node("Pad", new[] { x, pads }, ("mode", "constant"));
        }

        /// <summary>x gathered along <paramref name="axis"/> at constant <paramref name="indices"/> (a channel permutation).</summary>
        public OnnxValue Gather(OnnxValue x, long axis, params long[] indices) =>
            Node("Gather", new[] { x, Ints(indices) }, ("axis", axis));

        /// <summary>
        /// A one-level 2-D DWT as a grouped convolution: the odd-size padding, then Conv with the (4C, 1, L, L) analysis
        /// filter, stride 2, padding L/2 − 1, C groups. Output (N, 4C, ceil(H/2), ceil(W/2)), channel-major (channel c·4 + s is
        /// band s of input channel c), as WTConv's <c>wavelet_transform</c>.
        /// </summary>
        public OnnxValue WaveletTransform(OnnxValue x, OnnxValue filter, long channels, long filterLength)
        {
            long pad = filterLength / 2 - 1;
            return Conv(PadToEven(x), filter, null, new[] { filterLength, filterLength }, new long[] { 2, 2 }, new[] { pad, pad },
                new long[] { 1, 1 }, channels);
        }

        /// <summary>
        /// The inverse of <see cref="WaveletTransform"/>: grouped ConvTranspose of the (N, 4C, h, w) channel-major bands with the
        /// (4C, 1, L, L) synthesis filter, stride 2, padding L/2 − 1, C groups, giving (N, C, 2h, 2w), as WTConv's
        /// <c>inverse_wavelet_transform</c>.
        /// </summary>
        public OnnxValue InverseWaveletTransform(OnnxValue bands, OnnxValue filter, long channels, long filterLength)
        {
            long pad = filterLength / 2 - 1;
            return Node("ConvTranspose", new[] { bands, filter }, ("kernel_shape", new[] { filterLength, filterLength }),
                ("strides", new long[] { 2, 2 }), ("pads", new[] { pad, pad, pad, pad }), ("dilations", new long[] { 1, 1 }), ("group", channels));
        }

        /// <summary>
        /// Keras' AveragePooling2D with window = stride = (H // bin, W // bin) and 'valid' padding (SPEED's pyramid pool), for
        /// sizes known only at run time: the map is cropped to whole windows, reshaped to (N, C, cells, window, cells, window)
        /// and averaged over the windows.
        /// </summary>
        public OnnxValue BinAveragePool(OnnxValue x, long bin)
        {
            var hw = Shape(x, 2, 4);
            var window = Node("Div", new[] { hw, Ints(bin, bin) });
            var cells = Node("Div", new[] { hw, window });
            var whole = Node("Mul", new[] { cells, window });
            var cropped = Node("Slice", new[] { x, Ints(0, 0), whole, Ints(2, 3) });
            var (cellsH, cellsW) = (Slice(cells, 0, 1, 0), Slice(cells, 1, 2, 0));
            var (windowH, windowW) = (Slice(window, 0, 1, 0), Slice(window, 1, 2, 0));
            var shape = Concat(0, Shape(x, 0, 2), cellsH, windowH, cellsW, windowW);
            var blocks = Node("Reshape", new[] { cropped, shape });
            return Node("ReduceMean", new[] { blocks }, ("axes", new long[] { 3, 5 }), ("keepdims", 0L));
        }

        /// <summary>A constant floating tensor of the network's type made from <paramref name="t"/> (any floating type).</summary>
        public OnnxValue ConstantOfType(Tensor t)
        {
            using var typed = t.to_type(DType);
            return Constant(typed);
        }
    }
}

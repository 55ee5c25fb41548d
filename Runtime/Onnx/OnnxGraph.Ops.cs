using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>The operators the module kinds share, written as PyTorch's own exporter writes them.</summary>
    public sealed partial class OnnxGraph
    {
        /// <summary>a + b (+ c ...), broadcasting as PyTorch.</summary>
        public OnnxValue Add(OnnxValue a, params OnnxValue[] more) =>
            more.Aggregate(a, (sum, b) => Node("Add", new[] { sum, b }));

        /// <summary>Adds octave pairs part by part (OctaveTensor's +): high with high, low with low.</summary>
        public OctaveValue Add(OctaveValue a, params OctaveValue[] more)
        {
            var high = Add(a.High, more.Select(m => m.High).ToArray());
            var lows = new[] { a.Low }.Concat(more.Select(m => m.Low)).Where(l => l is not null).Select(l => l!.Value).ToArray();
            if (lows.Length != 0 && lows.Length != more.Length + 1)
                throw new OnnxExportException($"at '{Path}': an octave pair with a low part added to one without");
            return new OctaveValue(high, lows.Length == 0 ? null : Add(lows[0], lows.Skip(1).ToArray()));
        }

        /// <summary>a * b (* c ...), broadcasting (squeeze-excitation's [N, C, 1, 1] gate).</summary>
        public OnnxValue Mul(OnnxValue a, params OnnxValue[] more) =>
            more.Aggregate(a, (product, b) => Node("Mul", new[] { product, b }));

        public OnnxValue Sub(OnnxValue a, OnnxValue b) => Node("Sub", new[] { a, b });

        public OnnxValue Div(OnnxValue a, OnnxValue b) => Node("Div", new[] { a, b });

        /// <summary>torch.cat(parts, axis).</summary>
        public OnnxValue Concat(long axis, params OnnxValue[] parts) =>
            parts.Length == 1 ? parts[0] : Node("Concat", parts, ("axis", axis));

        public OnnxValue Transpose(OnnxValue x, params long[] perm) => Node("Transpose", new[] { x }, ("perm", perm));

        public OnnxValue Reshape(OnnxValue x, params long[] shape) => Node("Reshape", new[] { x, Ints(shape) });

        public OnnxValue Relu(OnnxValue x) => Node("Relu", new[] { x });

        public OnnxValue Sigmoid(OnnxValue x) => Node("Sigmoid", new[] { x });

        /// <summary>Clip(x, min, max): ReLU6, Hardtanh.</summary>
        public OnnxValue Clip(OnnxValue x, double min, double max) => Node("Clip", new[] { x, Scalar(min), Scalar(max) });

        /// <summary>The int64 shape of <paramref name="x"/> (dims [start, end)).</summary>
        public OnnxValue Shape(OnnxValue x, long start, long end) => Node("Shape", new[] { x }, ("start", start), ("end", end));

        /// <summary>x[..., start:end] along <paramref name="axis"/>, bounds as int64 values of shape [1].</summary>
        public OnnxValue Slice(OnnxValue x, OnnxValue start, OnnxValue end, long axis) =>
            Node("Slice", new[] { x, start, end, Ints(axis) });

        /// <summary>x[..., start:end] along <paramref name="axis"/> with constant bounds.</summary>
        public OnnxValue Slice(OnnxValue x, long start, long end, long axis) => Slice(x, Ints(start), Ints(end), axis);

        /// <summary>A convolution with a weight (and bias) value: NCHW, pads as PyTorch's symmetric padding.</summary>
        public OnnxValue Conv(OnnxValue x, OnnxValue weight, OnnxValue? bias, long[] kernel, long[] stride, long[] padding, long[] dilation, long groups) =>
            Node("Conv", bias is { } b ? new[] { x, weight, b } : new[] { x, weight },
                ("kernel_shape", kernel), ("strides", stride), ("pads", Pads(padding)), ("dilations", dilation), ("group", groups));

        /// <summary>ONNX's pads from PyTorch's per-dimension padding: all begins, then all ends.</summary>
        public static long[] Pads(IReadOnlyList<long> padding) => padding.Concat(padding).ToArray();

        /// <summary>Resize by constant scales on H and W: nearest as PyTorch's (asymmetric, floor), bilinear with
        /// align_corners False (half_pixel) or True (align_corners).</summary>
        public OnnxValue ResizeByScales(OnnxValue x, double scaleH, double scaleW, bool bilinear, bool alignCorners)
        {
            var scales = Node("Constant", System.Array.Empty<OnnxValue>(), ("value_floats", new[] { 1.0, 1.0, scaleH, scaleW }));
            return Node("Resize", new[] { x, default, scales }, ResizeAttributes(bilinear, alignCorners));
        }

        /// <summary>Resize to the size held by the int64 value <paramref name="sizeHW"/> ([2]: H, W), N and C kept.</summary>
        public OnnxValue ResizeTo(OnnxValue x, OnnxValue sizeHW, bool bilinear, bool alignCorners)
        {
            var sizes = Concat(0, Shape(x, 0, 2), sizeHW);
            return Node("Resize", new[] { x, default, default, sizes }, ResizeAttributes(bilinear, alignCorners));
        }

        private static (string, object)[] ResizeAttributes(bool bilinear, bool alignCorners) => bilinear
            ? new (string, object)[] { ("mode", "linear"), ("coordinate_transformation_mode", alignCorners ? "align_corners" : "half_pixel") }
            : new (string, object)[] { ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor") };

        /// <summary>
        /// PyTorch's adaptive pooling, exactly, for any input size: output bin i of n covers [floor(i*H/n), ceil((i+1)*H/n))
        /// (bins overlap or differ in size when n does not divide H). One output of 1 x 1 is the global pool; otherwise each
        /// bin is a slice reduced by ReduceMax / ReduceMean, computed from the runtime shape (symbolic sizes stay exact).
        /// </summary>
        public OnnxValue AdaptivePool(OnnxValue x, long outH, long outW, bool max)
        {
            if (outH == 1 && outW == 1) return Node(max ? "GlobalMaxPool" : "GlobalAveragePool", new[] { x });
            var h = Shape(x, 2, 3);
            var w = Shape(x, 3, 4);
            var rows = new OnnxValue[outH];
            for (long i = 0; i < outH; i++)
            {
                var (hs, he) = Bin(h, i, outH);
                var band = Slice(x, hs, he, 2);
                var cells = new OnnxValue[outW];
                for (long j = 0; j < outW; j++)
                {
                    var (ws, we) = Bin(w, j, outW);
                    cells[j] = Node(max ? "ReduceMax" : "ReduceMean", new[] { Slice(band, ws, we, 3) }, ("axes", new long[] { 2, 3 }), ("keepdims", 1L));
                }
                rows[i] = Concat(3, cells);
            }
            return Concat(2, rows);
        }

        /// <summary>The bounds of adaptive bin <paramref name="i"/> of <paramref name="n"/> over a size held by <paramref name="size"/>.</summary>
        private (OnnxValue Start, OnnxValue End) Bin(OnnxValue size, long i, long n)
        {
            var start = Node("Div", new[] { Node("Mul", new[] { size, Ints(i) }), Ints(n) });
            var end = Node("Div", new[] { Node("Add", new[] { Node("Mul", new[] { size, Ints(i + 1) }), Ints(n - 1) }), Ints(n) });
            return (start, end);
        }
    }
}

using NetDsl.Onnx;

namespace NetDsl.Pyramids
{
    internal static partial class SpeedPyramid
    {
        /// <summary><see cref="Branch"/> as ONNX: the valid average pool with window = stride = size // bin (from the runtime
        /// shape), the separable conv, a bilinear Resize (half_pixel) back to the input's height and width.</summary>
        public static OnnxValue ExportBranch(OnnxGraph g, OnnxValue x, long bin, SeparableConv2d conv)
        {
            var y = g.Module(conv, g.BinAveragePool(x, bin));
            return g.ResizeTo(y, g.Shape(x, 2, 4), bilinear: true, alignCorners: false);
        }
    }

    /// <summary>DSPP as ONNX: [input, branch(bins[0]), branch(bins[1]), …] concatenated on channels.</summary>
    public sealed partial class DSPP : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            var parts = new OnnxValue[_bins.Length + 1];
            parts[0] = input;
            using (g.Enter(_convs))
                for (int i = 0; i < _bins.Length; i++) parts[i + 1] = SpeedPyramid.ExportBranch(g, input, _bins[i], _convs[i]);
            return g.Concat(1, parts);
        }
    }

    /// <summary>MDSPP as ONNX: the four branches, the two mixed pairs E and O, then [E, O, input].</summary>
    public sealed partial class MDSPP : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            var p = new OnnxValue[4];
            using (g.Enter(_upconv1))
                for (int i = 0; i < 4; i++) p[i] = SpeedPyramid.ExportBranch(g, input, _bins[i], _upconv1[i]);
            var e = g.Relu(g.Module(UpconvOdd, g.Relu(g.Concat(1, p[0], p[2]))));
            var o = g.Relu(g.Module(UpconvEven, g.Relu(g.Concat(1, p[1], p[3]))));
            return g.Concat(1, e, o, input);
        }
    }
}

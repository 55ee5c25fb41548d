using NetDsl.Onnx;

namespace NetDsl.Layout
{
    /// <summary>Permute as ONNX: one Transpose.</summary>
    public sealed partial class Permute : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input) => g.Transpose(input, _dims);
    }
}

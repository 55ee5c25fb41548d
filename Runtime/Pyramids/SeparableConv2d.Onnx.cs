using NetDsl.Onnx;

namespace NetDsl.Pyramids
{
    /// <summary>SeparableConv2d as ONNX: <c>depthwise</c> (a grouped Conv, 'same' or explicit padding), then <c>pointwise</c>.</summary>
    public sealed partial class SeparableConv2d : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input) => g.Module(Pointwise, g.Module(Depthwise, input));
    }
}

using NetDsl.Onnx;

namespace NetDsl.Regularization
{
    /// <summary>StochasticDepth as ONNX: its eval form, the identity (whatever mode the module is in).</summary>
    public sealed partial class StochasticDepth : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input) => input;
    }
}

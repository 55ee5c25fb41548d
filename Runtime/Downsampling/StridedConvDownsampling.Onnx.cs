using NetDsl.Onnx;

namespace NetDsl.Downsampling
{
    /// <summary>The seed's strided convolution as ONNX: <c>conv</c>, then <c>relu</c> when it is applied.</summary>
    public sealed partial class StridedConvDownsampling : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            var y = g.Module(Conv, input);
            return IsRelu ? g.Module(_relu, y) : y;
        }
    }
}

using NetDsl.Onnx;

namespace NetDsl.Pyramids
{
    /// <summary>DeepLabHead as ONNX: <c>0</c> ASPP, <c>1</c> conv, <c>2</c> BatchNorm, <c>3</c> ReLU, <c>4</c> classifier.</summary>
    public sealed partial class DeepLabHead : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            var y = g.Module(_relu, g.Module(Norm, g.Module(Conv, g.Module(Aspp, input))));
            return g.Module(Classifier, y);
        }
    }

    /// <summary>FCNHead as ONNX: <c>0</c> conv, <c>1</c> BatchNorm, <c>2</c> ReLU, <c>3</c> Dropout (eval: identity), <c>4</c> classifier.</summary>
    public sealed partial class FCNHead : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            var y = g.Module(_dropout, g.Module(_relu, g.Module(Norm, g.Module(Conv, input))));
            return g.Module(Classifier, y);
        }
    }
}

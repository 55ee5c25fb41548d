using NetDsl.Onnx;

namespace NetDsl.Pyramids
{
    /// <summary>ASPPConv as ONNX: the dilated conv <c>0</c>, <c>1</c> BatchNorm, <c>2</c> ReLU.</summary>
    public sealed partial class ASPPConv : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input) => g.Module(_relu, g.Module(Norm, g.Module(Conv, input)));
    }

    /// <summary>
    /// ASPPPooling as ONNX: the global average pool <c>0</c>, conv <c>1</c>, BatchNorm <c>2</c>, ReLU <c>3</c>, then a
    /// bilinear Resize (align_corners false: half_pixel) to the input's height and width read from its runtime shape.
    /// </summary>
    public sealed partial class ASPPPooling : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            var y = g.Module(_relu, g.Module(Norm, g.Module(Conv, g.Module(_pool, input))));
            return g.ResizeTo(y, g.Shape(input, 2, 4), bilinear: true, alignCorners: false);
        }
    }

    /// <summary>ASPP as ONNX: the branches <c>convs.*</c> on the input, concatenated on channels, then <c>project</c>
    /// (its Dropout in eval form).</summary>
    public sealed partial class ASPP : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input) => g.Module(Project, g.Parallel(_convs, input, concat: true));
    }
}

using NetDsl.Onnx;

namespace NetDsl.Octave
{
    /// <summary>Conv_BN as ONNX: <c>conv</c>, then <c>bn_h</c> / <c>bn_l</c> per frequency.</summary>
    public sealed partial class OctaveConvBn : IOnnxOctaveExport
    {
        public OctaveValue ExportOnnx(OnnxGraph g, OctaveValue input) =>
            OctaveBatchNorm2d.ExportApply(g, BnHigh, BnLow, null, g.Module(Conv, input));
    }

    /// <summary>Conv_BN_ACT as ONNX: <c>conv</c>, then <c>act</c>(<c>bn_h</c>) and <c>act</c>(<c>bn_l</c>).</summary>
    public sealed partial class OctaveConvBnAct : IOnnxOctaveExport
    {
        public OctaveValue ExportOnnx(OnnxGraph g, OctaveValue input) =>
            OctaveBatchNorm2d.ExportApply(g, BnHigh, BnLow, Activation, g.Module(Conv, input));
    }
}

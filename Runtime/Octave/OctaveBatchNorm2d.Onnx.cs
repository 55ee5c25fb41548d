using NetDsl.Onnx;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Octave
{
    /// <summary>OctaveBatchNorm2d as ONNX: <c>bn_h</c> on the high part, <c>bn_l</c> on the low part.</summary>
    public sealed partial class OctaveBatchNorm2d : IOnnxOctaveExport
    {
        public OctaveValue ExportOnnx(OnnxGraph g, OctaveValue input)
        {
            if ((LowChannels > 0) != (input.Low is not null))
                throw g.Unsupported(this, LowChannels > 0 ? "expects a low-frequency part, its input has none" : "has no low-frequency channels, its input has a low part");
            return ExportApply(g, BnHigh, BnLow, null, input);
        }

        /// <summary><see cref="Apply"/> as ONNX: bn_h (then the activation) on the high part, bn_l (then the activation) on the low part.</summary>
        internal static OctaveValue ExportApply(OnnxGraph g, Modules.BatchNorm2d? bnH, Modules.BatchNorm2d? bnL,
                                                nn.Module<Tensor, Tensor>? activation, OctaveValue x)
        {
            var high = x.High;
            if (bnH is not null)
            {
                high = g.Module(bnH, high);
                if (activation is not null) high = g.Module(activation, high);
            }
            OnnxValue? low = null;
            if (x.Low is { } l)
            {
                low = g.Module(bnL!, l);
                if (activation is not null) low = g.Module(activation, low.Value);
            }
            return new OctaveValue(high, low);
        }
    }
}

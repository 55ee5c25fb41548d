using System.Linq;
using NetDsl.Onnx;

namespace NetDsl.Pyramids
{
    /// <summary>DeepLab v2's ASPP as ONNX: every branch (<c>c{i}</c> or <c>branch{i}</c>) on the input, summed.</summary>
    public sealed partial class DeepLabV2ASPP : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            var outputs = _branches.Select(b => g.Module(b, input)).ToArray();
            return g.Add(outputs[0], outputs.Skip(1).ToArray());
        }
    }
}

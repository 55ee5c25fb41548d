using NetDsl.Onnx;

namespace NetDsl.Normalization
{
    /// <summary>LayerNorm2d as ONNX: Transpose to channels-last, LayerNormalization over C (opset 17), Transpose back.</summary>
    public sealed partial class LayerNorm2d : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            var channelsLast = g.Transpose(input, 0, 2, 3, 1);
            var y = g.Node("LayerNormalization", new[] { channelsLast, g.Weight(get_parameter("weight")!), g.Weight(get_parameter("bias")!) },
                ("axis", -1L), ("epsilon", Eps));
            return g.Transpose(y, 0, 3, 1, 2);
        }
    }
}

using System.Linq;
using NetDsl.Onnx;

namespace NetDsl.Pyramids
{
    /// <summary>
    /// SPP as ONNX: each level an exact adaptive pool to n x n (per-bin slices where n does not divide the map, see
    /// <see cref="OnnxGraph.AdaptivePool"/>; a global pool for n = 1), flattened (N, C·n²) channel-major as
    /// <c>reshape(N, -1)</c>, the levels concatenated in order.
    /// </summary>
    public sealed partial class SpatialPyramidPooling : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            bool max = Mode == PyramidPoolMode.Max;
            var levels = _bins.Select(n => g.Node("Flatten", new[] { g.AdaptivePool(input, n, n, max) }, ("axis", 1L))).ToArray();
            return g.Concat(1, levels);
        }
    }
}

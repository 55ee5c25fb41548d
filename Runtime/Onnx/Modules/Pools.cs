using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>
    /// Pools. Max and average pools write ceil_mode and (average) count_include_pad explicitly: PyTorch's default for
    /// count_include_pad is true, ONNX's false. Adaptive pools are exact for any size (per-bin slices where the bins do not
    /// divide the map, see <see cref="OnnxGraph.AdaptivePool"/>).
    /// </summary>
    internal static partial class OnnxModules
    {
        private static void RegisterPools()
        {
            Register<MaxPool2d>((g, m, x) => g.Node("MaxPool", new[] { x }, ("kernel_shape", m.kernel_size), ("strides", m.stride ?? m.kernel_size),
                ("pads", OnnxGraph.Pads(m.padding ?? new long[m.kernel_size.Length])), ("dilations", m.dilation ?? Ones(m.kernel_size.Length)), ("ceil_mode", m.ceil_mode)));
            Register<AvgPool2d>((g, m, x) =>
            {
                if (m.divisor_override is not null) throw g.Unsupported(m, "has divisor_override, which ONNX's AveragePool does not have");
                return g.Node("AveragePool", new[] { x }, ("kernel_shape", m.kernel_size), ("strides", m.stride ?? m.kernel_size),
                    ("pads", OnnxGraph.Pads(m.padding ?? new long[m.kernel_size.Length])), ("ceil_mode", m.ceil_mode), ("count_include_pad", m.count_include_pad));
            });
            Register<AdaptiveAvgPool2d>((g, m, x) => g.AdaptivePool(x, m.output_size[0], m.output_size.Length > 1 ? m.output_size[1] : m.output_size[0], max: false));
            Register<AdaptiveMaxPool2d>((g, m, x) => g.AdaptivePool(x, m.output_size[0], m.output_size.Length > 1 ? m.output_size[1] : m.output_size[0], max: true));
        }

        private static long[] Ones(int n)
        {
            var ones = new long[n];
            System.Array.Fill(ones, 1L);
            return ones;
        }
    }
}

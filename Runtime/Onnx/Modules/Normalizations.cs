using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>BatchNorm (eval: the running statistics) and LayerNorm (opset 17's LayerNormalization over the last dims).</summary>
    internal static partial class OnnxModules
    {
        private static void RegisterNormalizations()
        {
            Register<BatchNorm2d>((g, m, x) => BatchNorm(g, m, x));
            Register<BatchNorm1d>((g, m, x) => BatchNorm(g, m, x));
            Register<LayerNorm>((g, m, x) =>
            {
                var scale = m.weight is null ? g.Constant(Filled(m.normalized_shape, 1), m.normalized_shape) : g.Weight(m.weight);
                var bias = m.bias is null ? g.Constant(Filled(m.normalized_shape, 0), m.normalized_shape) : g.Weight(m.bias);
                return g.Node("LayerNormalization", new[] { x, scale, bias }, ("axis", (long)-m.normalized_shape.Length), ("epsilon", m.eps));
            });
        }

        private static OnnxValue BatchNorm(OnnxGraph g, BatchNorm m, OnnxValue x)
        {
            if (m.running_mean is null || m.running_var is null)
                throw g.Unsupported(m, "has no running statistics (track_running_stats=False): its eval form normalises by the batch, which ONNX's BatchNormalization does not");
            var scale = m.weight is null ? g.Constant(Filled(new[] { m.num_features }, 1), m.num_features) : g.Weight(m.weight);
            var bias = m.bias is null ? g.Constant(new double[m.num_features], m.num_features) : g.Weight(m.bias);
            // ONNX's momentum is the weight of the running value (1 - PyTorch's); it does not change eval outputs.
            return g.Node("BatchNormalization", new[] { x, scale, bias, g.Weight(m.running_mean), g.Weight(m.running_var) },
                ("epsilon", m.eps), ("momentum", 1 - (m.momentum ?? 0.1)));
        }

        /// <summary>A tensor's values, all <paramref name="value"/> (the affine terms a norm without them applies).</summary>
        private static double[] Filled(long[] shape, double value)
        {
            long n = 1;
            foreach (var d in shape) n *= d;
            var values = new double[n];
            System.Array.Fill(values, value);
            return values;
        }
    }
}

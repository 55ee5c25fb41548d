using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>Conv2d and ConvTranspose2d: ONNX Conv / ConvTranspose with PyTorch's pads (all begins, then all ends),
    /// dilations and groups; "same" padding as PyTorch splits it (the smaller half first).</summary>
    internal static partial class OnnxModules
    {
        private static void RegisterConvolutions()
        {
            Register<Conv2d>((g, m, x) =>
            {
                if (m.padding_mode != PaddingModes.Zeros) x = PadInput(g, m, x);
                var inputs = m.bias is null ? new[] { x, g.Weight(m.weight!) } : new[] { x, g.Weight(m.weight!), g.Weight(m.bias) };
                return g.Node("Conv", inputs, ("kernel_shape", m.kernel_size), ("strides", m.stride), ("pads", ConvPads(m)),
                    ("dilations", m.dilation), ("group", m.groups));
            });
            Register<ConvTranspose2d>((g, m, x) =>
            {
                var inputs = m.bias is null ? new[] { x, g.Weight(m.weight!) } : new[] { x, g.Weight(m.weight!), g.Weight(m.bias) };
                return g.Node("ConvTranspose", inputs, ("kernel_shape", m.kernel_size), ("strides", m.stride),
                    ("pads", OnnxGraph.Pads(m.padding!)), ("dilations", m.dilation), ("group", m.groups), ("output_padding", m.output_padding));
            });
        }

        private static long[] ConvPads(Convolution m)
        {
            if (m.padding_type == Padding.Same)
            {
                // PyTorch's _conv_forward for padding="same": total = dilation * (k - 1), left = total / 2, right = the rest.
                var total = m.kernel_size.Select((k, i) => m.dilation[i] * (k - 1)).ToArray();
                return total.Select(t => t / 2).Concat(total.Select(t => t - t / 2)).ToArray();
            }
            if (m.padding_type == Padding.Valid) return new long[m.kernel_size.Length * 2];
            return m.padding_mode == PaddingModes.Zeros ? OnnxGraph.Pads(m.padding!) : new long[m.kernel_size.Length * 2];
        }

        /// <summary>reflect / replicate / circular padding as an explicit Pad before a conv without padding.</summary>
        private static OnnxValue PadInput(OnnxGraph g, Conv2d m, OnnxValue x)
        {
            string mode = m.padding_mode switch
            {
                PaddingModes.Reflect => "reflect",
                PaddingModes.Replicate => "edge",
                _ => throw g.Unsupported(m, $"uses padding_mode {m.padding_mode}, which ONNX's Pad does not have"),
            };
            var p = m.padding ?? throw g.Unsupported(m, "has a padding mode but no padding");
            return g.Node("Pad", new[] { x, g.Ints(0, 0, p[0], p[1], 0, 0, p[0], p[1]) }, ("mode", mode));
        }
    }
}

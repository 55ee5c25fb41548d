using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>Linear (a MatMul by the transposed weight and an Add: works on [N, F] and on channels-last maps), Flatten (any span of dims),
    /// the training-only layers in their eval form (identity), Upsample (Resize with PyTorch's coordinate modes) and padding.</summary>
    internal static partial class OnnxModules
    {
        private static void RegisterCore()
        {
            Register<Linear>((g, m, x) =>
            {
                var y = g.Node("MatMul", new[] { x, g.Transpose(g.Weight(m.weight!), 1, 0) });
                return m.bias is null ? y : g.Add(y, g.Weight(m.bias));
            });
            Register<Flatten>((g, m, x) =>
            {
                long start = m.start_dim, end = m.end_dim;
                if (start == 1 && end == -1) return g.Node("Flatten", new[] { x }, ("axis", 1L));
                if (start == 0 && end == -1) return g.Reshape(x, -1);
                // Any other span: Reshape to [dims before start, -1, dims after end]. Shape's start and end count from the
                // back when negative, as Flatten's dims do, and an end past the rank is clamped, so this holds at any rank.
                var parts = new System.Collections.Generic.List<OnnxValue>();
                if (start != 0) parts.Add(g.Shape(x, 0, start));
                parts.Add(g.Ints(-1));
                if (end != -1) parts.Add(g.Shape(x, end + 1, long.MaxValue));
                return g.Node("Reshape", new[] { x, g.Concat(0, parts.ToArray()) });
            });
            Register<Identity>((g, m, x) => x);
            Register<Dropout>((g, m, x) => x);
            Register<Dropout2d>((g, m, x) => x);
            Register<Upsample>((g, m, x) =>
            {
                bool bilinear = m.mode switch
                {
                    TorchSharp.torch.UpsampleMode.Nearest => false,
                    TorchSharp.torch.UpsampleMode.Bilinear => true,
                    _ => throw g.Unsupported(m, $"upsamples with mode {m.mode}; the export writes nearest and bilinear"),
                };
                bool align = m.align_corners ?? false;
                var scale = m.scale_factor.ToArray();
                var size = m.size.ToArray();
                if (scale.Length > 0) return g.ResizeByScales(x, scale[0], scale.Length > 1 ? scale[1] : scale[0], bilinear, align);
                if (size.Length > 0) return g.ResizeTo(x, g.Ints(size[0], size.Length > 1 ? size[1] : size[0]), bilinear, align);
                throw g.Unsupported(m, "has neither a size nor a scale factor");
            });
            Register<ZeroPad2d>((g, m, x) =>
            {
                var p = m.padding; // left, right, top, bottom
                return g.Node("Pad", new[] { x, g.Ints(0, 0, p[2], p[0], 0, 0, p[3], p[1]) }, ("mode", "constant"));
            });
        }
    }
}

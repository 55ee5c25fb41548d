using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>[Downsample(kind)] (seed 000): a 2x downsampler: max or average pooling, a strided 3x3 conv, or Haar wavelet
    /// downsampling (HWD: Haar DWT, then 1x1 conv, BN, ReLU). Runtime: NetDsl.Downsampling.</summary>
    public sealed class DownsampleRule : LayerRule
    {
        private static readonly string[] s_names = { "MaxPool", "AvgPool", "StridedConv", "Hwd" };

        public override string Name => "Downsample";

        public override bool MustBePositive(string argument) => false; // Out = 0 keeps the channels

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.DownsampleKind = a.Int("kind", 0);
            b.Out = a.Expr("Out", 0);
            b.WithReLU = a.Bool("ReLU", true);
        }

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            if (!c.RequireMap("Downsample")) return null;
            if (!c.Check(layer.DownsampleKind >= 0 && layer.DownsampleKind <= 3, "kind", $"unknown downsampler kind {layer.DownsampleKind}")) return null;
            var shape = v.Shape;
            long cin = shape.Channels;
            if (!c.TryEval("Out", layer.Out, out var cout)) return null;
            if (!c.Check(cout >= 0, "Out", $"Downsample output channels must be positive (or 0 to keep them), got {cout}")) return null;
            int kind = layer.DownsampleKind;
            string name = s_names[kind];
            if (cout == 0) cout = cin;
            if (kind <= 1 && cout != cin)
            {
                c.Report(DiagnosticDescriptors.ArgumentOutOfRange, c.LocationOf("Out"), where,
                    $"a {name} downsampler keeps the channels ({cin}); drop Out or use StridedConv / Hwd to change them");
                return null;
            }

            var result = v;
            Dim? h, w;
            long window;
            switch (kind)
            {
                case 0:
                case 1:
                    window = 2;
                    h = c.WindowDim(shape.Height, 2, 2, 0, 1, false, true, name);
                    w = h is null ? null : c.WindowDim(shape.Width, 2, 2, 0, 1, false, false, name);
                    if (h is null || w is null) return null;
                    row.Kind = $"Downsample({name}: {(kind == 0 ? "MaxPool2d" : "AvgPool2d")}(k=2))";
                    break;
                case 2:
                    window = 3;
                    h = c.WindowDim(shape.Height, 3, 2, 1, 1, false, true, name);
                    w = h is null ? null : c.WindowDim(shape.Width, 3, 2, 1, 1, false, false, name);
                    if (h is null || w is null) return null;
                    row.Params = 9 * cin * cout + cout;
                    row.Macs = c.MacsOver(9 * cin * cout, h.Value, w.Value);
                    row.Kind = $"Downsample(StridedConv: Conv2d({cin}→{cout}, k=3, s=2, p=1){(layer.WithReLU ? " · ReLU" : "")})";
                    break;
                default:
                    window = 2;
                    // One Haar level: ceil(H/2), odd sizes zero-padded at the bottom/right (pytorch_wavelets' mode='zero').
                    c.ReportOddSizes("Hwd", shape, "it is zero-padded at the bottom/right first, as pytorch_wavelets' mode='zero' does, so the last row/column of bands pairs a pixel with a zero");
                    h = c.HalveCeil(shape.Height, true);
                    w = c.HalveCeil(shape.Width, false);
                    row.Params = 4 * cin * cout + 3 * cout;
                    row.Macs = c.MacsOver(4 * cin * cout, h.Value, w.Value);
                    row.Kind = $"Downsample(Hwd: Haar DWT → Conv2d({4 * cin}→{cout}, k=1) · BatchNorm2d · ReLU)";
                    break;
            }
            return c.Windowed(new TensorShape(cout, h!.Value, w!.Value), window, 2);
        }

        public override void Flow(BoundLayer layer, ref ChannelState state)
        {
            if (layer.Out is not null && !layer.Out.Equals(Expr.Num(0))) state.Channels = layer.Out;
            state.Strided(Expr.Num(2));
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => layer.DownsampleKind switch
        {
            0 => "Modules.MaxPool2d",
            1 => "Modules.AvgPool2d",
            2 => "global::NetDsl.Downsampling.StridedConvDownsampling",
            _ => "global::NetDsl.Downsampling.HaarWaveletDownsampling",
        };

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            string inC = e.InChannels(l);
            string outC = l.Out is null || l.Out.Equals(Expr.Num(0)) ? inC : l.Out.ToCSharp();
            return l.DownsampleKind switch
            {
                0 => "nn.MaxPool2d(kernel_size: 2)",
                1 => "nn.AvgPool2d(kernel_size: 2)",
                2 => $"new global::NetDsl.Downsampling.StridedConvDownsampling({inC}, {outC}{(l.WithReLU ? "" : ", is_relu: false")})",
                _ => $"new global::NetDsl.Downsampling.HaarWaveletDownsampling({inC}, {outC})",
            };
        }
    }
}

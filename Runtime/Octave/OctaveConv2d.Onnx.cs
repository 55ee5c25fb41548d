using NetDsl.Onnx;

namespace NetDsl.Octave
{
    /// <summary>
    /// OctaveConv2d as ONNX, path by path as <see cref="forward"/>: with stride 2 the high input is pooled first (the
    /// <c>downsample</c> AvgPool 2x2); h2h on it; l2h on the low input, upsampled (nearest x2) at stride 1, added; h2l on the
    /// pooled high input; l2l on the low input (pooled at stride 2), added. alpha_out = 1 writes the empty high map as a
    /// zero-channel slice of the high input at the output resolution.
    /// </summary>
    public sealed partial class OctaveConv2d : IOnnxOctaveExport
    {
        public OctaveValue ExportOnnx(OnnxGraph g, OctaveValue input)
        {
            var high = input.High;
            var low = input.Low;
            if (InLowChannels > 0 && low is null)
                throw g.Unsupported(this, $"expects a high/low pair ({_plan.SplitText()}) but its input has no low-frequency part");
            if (InLowChannels == 0 && low is not null)
                throw g.Unsupported(this, $"takes no low-frequency input ({_plan.SplitText()}) but its input has one");
            var xh = Stride == 2 && InHighChannels > 0 ? g.Module(_downsample, high) : high;
            OnnxValue? yh = null, yl = null;
            if (ConvH2H is not null) yh = g.Module(ConvH2H, xh);
            if (ConvL2H is not null)
            {
                var fromLow = g.Module(ConvL2H, low!.Value);
                if (Stride == 1) fromLow = g.Module(_upsample, fromLow);
                yh = yh is { } h ? g.Add(fromLow, h) : fromLow;
            }
            if (ConvH2L is not null) yl = g.Module(ConvH2L, g.Module(_downsample, xh));
            if (ConvL2L is not null)
            {
                var fromLow = g.Module(ConvL2L, Stride == 2 ? g.Module(_downsample, low!.Value) : low!.Value);
                yl = yl is { } l ? g.Add(l, fromLow) : fromLow;
            }
            // alpha_out = 1: (N, 0, H', W'). The convolutions keep sizes (a low branch), so H' is H at stride 1 and
            // H / 2 (H divisible by 4) at stride 2: the high input's channels [0, 0) at that resolution.
            yh ??= g.SubsampleHW(g.Slice(high, 0, 0, 1), Stride);
            return new OctaveValue(yh.Value, yl);
        }
    }
}

using System.Collections.Generic;
using NetDsl.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Wavelets
{
    /// <summary>
    /// WTConv2d as ONNX, as the official module computes it (every wavelet, the Haar one included): per level the odd-size
    /// padding and <c>wavelet_transform</c> as a grouped stride-2 Conv with <c>wt_filter</c>, the level's depthwise conv and
    /// scale, its raw LL channels (c·4) as the next level's input; from the deepest level up the reconstruction of the level
    /// below added to the LL channels, <c>inverse_wavelet_transform</c> as a grouped ConvTranspose with <c>iwt_filter</c>,
    /// cropped to the level's input size; then the scaled base conv plus the reconstruction, subsampled by the stride.
    /// Sizes are read from the runtime shape, so symbolic H and W stay exact.
    /// </summary>
    public sealed partial class WTConv2d : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            long c = Channels, length = Wavelet.Length;
            var decomposition = g.Weight(wt_filter);
            var reconstruction = g.Weight(iwt_filter);
            var levelInputs = new List<OnnxValue>();
            var convolved = new List<OnnxValue>();
            var current = input;
            for (int i = 0; i < Levels; i++)
            {
                levelInputs.Add(current);
                var bands = g.WaveletTransform(current, decomposition, c, length); // (N, 4C, h, w), channel-major
                current = g.SliceStep(bands, new long[] { 1 }, 0, 4);              // raw LL: next level's input
                OnnxValue y;
                using (g.Enter(_waveletConvs)) y = g.Module(_waveletConvs[i], bands);
                using (g.Enter(_waveletScale)) y = g.Module(_waveletScale[i], y);
                convolved.Add(y);
            }

            // The level below's reconstruction (C channels) goes to the LL channels c·4: a grouped 1x1 Conv with the
            // filter (1, 0, 0, 0) per channel places it there, zeros elsewhere.
            OnnxValue? placeLl = null;
            OnnxValue? next = null;
            for (int i = (int)Levels - 1; i >= 0; i--)
            {
                var bands = convolved[i];
                if (next is { } below)
                {
                    if (placeLl is null)
                    {
                        using var filter = LlPlacement(c);
                        placeLl = g.ConstantOfType(filter);
                    }
                    bands = g.Add(bands, g.Conv(below, placeLl.Value, null, new long[] { 1, 1 }, new long[] { 1, 1 }, new long[] { 0, 0 }, new long[] { 1, 1 }, c));
                }
                var image = g.InverseWaveletTransform(bands, reconstruction, c, length);
                next = g.CropLike(image, levelInputs[i]);
            }

            var baseOut = g.Module(BaseScale, g.Module(BaseConv, input));
            return g.SubsampleHW(g.Add(baseOut, next!.Value), Stride);
        }

        private static Tensor LlPlacement(long channels)
        {
            var values = new double[4 * channels];
            for (long c = 0; c < channels; c++) values[4 * c] = 1;
            return torch.tensor(values, new[] { 4 * channels, 1, 1, 1 }, ScalarType.Float64);
        }
    }

    /// <summary>_ScaleModule as ONNX: Mul by its weight (broadcast).</summary>
    public sealed partial class ScaleModule : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input) => g.Mul(g.Weight(weight), input);
    }
}

using NetDsl.Onnx;
using NetDsl.Wavelets;

namespace NetDsl.Downsampling
{
    /// <summary>
    /// HWD as ONNX: the one-level Haar DWT (mode 'zero': the odd-size padding) as a grouped stride-2 Conv with the 2x2 Haar
    /// filters (a constant: the module's own pytorch_wavelets buffers are 1-D and unused by its forward), a Gather from
    /// WTConv's channel-major order to HWD's band-major one, then <c>conv_bn_relu</c>.
    /// </summary>
    public sealed partial class HaarWaveletDownsampling : IOnnxExport
    {
        public OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input)
        {
            long c = InChannels;
            var (decomposition, reconstruction) = WTConv2d.CreateFilters(Wavelet.Get("haar"), c);
            reconstruction.Dispose();
            OnnxValue filter;
            using (decomposition) filter = g.ConstantOfType(decomposition);
            var channelMajor = g.WaveletTransform(input, filter, c, 2);
            var bandMajor = new long[4 * c]; // channel s·C + c reads channel c·4 + s
            for (long s = 0; s < 4; s++)
                for (long ch = 0; ch < c; ch++)
                    bandMajor[s * c + ch] = ch * 4 + s;
            return g.Module(_convBnRelu, g.Gather(channelMajor, 1, bandMajor));
        }
    }
}

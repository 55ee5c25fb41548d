using System;
using NetDsl.Wavelets;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Downsampling
{
    /// <summary>
    /// HWD, Haar Wavelet Downsampling (Xu et al., Pattern Recognition 2023; <c>apple1986/HWD</c> class <c>Down_wt</c>):
    /// a one-level Haar DWT that halves H and W and moves everything into 4·C_in channels, then a 1x1 convolution,
    /// batch normalisation and ReLU. (N, C_in, H, W) becomes (N, C_out, ceil(H/2), ceil(W/2)).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The transform is pytorch_wavelets' <c>DWTForward(J=1, wave='haar', mode='zero')</c>: an odd height or width
    /// gets one zero row / column at the bottom / right. Each 2x2 block (a b / c d) gives LL = (a+b+c+d)/2,
    /// high along H = (a+b−c−d)/2, high along W = (a−b+c−d)/2 and HH = (a−b−c+d)/2, concatenated band-major
    /// (<see cref="BandLayout.BandMajor"/>: channel <c>s·C_in + c</c> is band s of input channel c), as the reference's
    /// <c>torch.cat([yL, yH[0][:,:,0], yH[0][:,:,1], yH[0][:,:,2]], dim=1)</c>. It is computed without convolutions
    /// (<see cref="Haar"/>); it has no trainable parameters.
    /// </para>
    /// <para>
    /// Children and state_dict keys are the reference's: <c>conv_bn_relu.0</c> = Conv2d(4·C_in → C_out, 1x1, bias),
    /// <c>conv_bn_relu.1</c> = BatchNorm2d(C_out), <c>conv_bn_relu.2</c> = ReLU; parameters 4·C_in·C_out + 3·C_out.
    /// </para>
    /// <para>
    /// <b>Buffers <c>wt.h0_col</c>, <c>wt.h1_col</c>, <c>wt.h0_row</c>, <c>wt.h1_row</c>.</b> pytorch_wavelets'
    /// <c>DWTForward</c> registers its analysis filters as persistent buffers (<c>register_buffer</c>): the reversed
    /// pywt <c>dec_lo</c> / <c>dec_hi</c> of haar, shapes (1, 1, 2, 1) for the columns and (1, 1, 1, 2) for the rows,
    /// in the default dtype. They are therefore in every <c>Down_wt</c> checkpoint. This module registers the same four
    /// constant buffers under <c>wt.</c> (float32, the same values), so a reference state_dict loads with strict keys
    /// and our state_dict has exactly the reference's keys. They are not parameters (the parameter count stays
    /// 4·C_in·C_out + 3·C_out) and the forward pass does not read them: the Haar filters are fixed, and the fast path
    /// uses their closed form. Loading a checkpoint overwrites them with the same values.
    /// </para>
    /// </remarks>
    public sealed partial class HaarWaveletDownsampling : nn.Module<Tensor, Tensor>
    {
        private readonly HaarFilterBuffers _wt;
        private readonly Modules.Sequential _convBnRelu;

        /// <summary>Builds HWD with PyTorch's default initialisation of the convolution and batch norm.</summary>
        /// <param name="in_channels">Input channels C_in (at least 1).</param>
        /// <param name="out_channels">Output channels C_out (at least 1).</param>
        /// <exception cref="ArgumentException">A channel count is below 1.</exception>
        public HaarWaveletDownsampling(long in_channels, long out_channels) : base(nameof(HaarWaveletDownsampling))
        {
            if (in_channels < 1)
                throw new ArgumentException($"HaarWaveletDownsampling: in_channels must be at least 1, got {in_channels}.", nameof(in_channels));
            if (out_channels < 1)
                throw new ArgumentException($"HaarWaveletDownsampling: out_channels must be at least 1, got {out_channels}.", nameof(out_channels));
            InChannels = in_channels;
            OutChannels = out_channels;

            _wt = new HaarFilterBuffers();
            Conv = nn.Conv2d(4 * in_channels, out_channels, kernel_size: 1, stride: 1, bias: true);
            Norm = nn.BatchNorm2d(out_channels);
            _convBnRelu = nn.Sequential(("0", Conv), ("1", Norm), ("2", nn.ReLU(inplace: true)));
            register_module("wt", _wt);
            register_module("conv_bn_relu", _convBnRelu);
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under PyTorch's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add every field a second time
        /// under its C# name (e.g. <c>_waveletConvs.0.weight</c>); this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }


        /// <summary>Input channels C_in.</summary>
        public long InChannels { get; }

        /// <summary>Output channels C_out.</summary>
        public long OutChannels { get; }

        /// <summary>The 1x1 convolution <c>conv_bn_relu.0</c> (4·C_in → C_out, with bias).</summary>
        public Modules.Conv2d Conv { get; }

        /// <summary>The batch normalisation <c>conv_bn_relu.1</c>.</summary>
        public Modules.BatchNorm2d Norm { get; }

        /// <summary>Output height or width for an input of <paramref name="size"/>: ceil(size / 2).</summary>
        public static long OutputSize(long size) => ShapeMath.DwtOutput(size, 2);

        /// <summary>Parameters of HWD: 4·C_in·C_out + C_out (conv) + 2·C_out (batch norm affine).</summary>
        public static long ParameterCount(long inChannels, long outChannels) =>
            4 * inChannels * outChannels + 3 * outChannels;

        /// <summary>
        /// The Haar sub-bands HWD feeds to its convolution: (N, 4·C_in, ceil(H/2), ceil(W/2)), band-major
        /// [LL, high along H, high along W, HH], each block of C_in channels.
        /// </summary>
        /// <exception cref="ArgumentException">See <see cref="forward"/>.</exception>
        public Tensor Transform(Tensor x)
        {
            Check(x);
            return Haar.Forward(x, BandLayout.BandMajor);
        }

        /// <summary>(N, C_in, H, W) to (N, C_out, ceil(H/2), ceil(W/2)).</summary>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C_in channels and
        /// positive height and width.</exception>
        public override Tensor forward(Tensor x)
        {
            Check(x);
            using var scope = NewDisposeScope();
            var bands = Haar.Forward(x, BandLayout.BandMajor);
            return _convBnRelu.call(bands).MoveToOuterDisposeScope();
        }

        private void Check(Tensor x)
        {
            if (x is null) throw new ArgumentNullException(nameof(x));
            string shape = "[" + string.Join(", ", x.shape) + "]";
            if (x.dim() != 4)
                throw new ArgumentException($"HaarWaveletDownsampling: expected an NCHW tensor of rank 4, got rank {x.dim()} {shape}.", nameof(x));
            if (x.shape[1] != InChannels)
                throw new ArgumentException($"HaarWaveletDownsampling: expected {InChannels} input channels, got {shape}.", nameof(x));
            if (x.shape[2] < 1 || x.shape[3] < 1)
                throw new ArgumentException($"HaarWaveletDownsampling: height and width must be positive, got {shape}.", nameof(x));
            if (!torch.is_floating_point(x))
                throw new ArgumentException($"HaarWaveletDownsampling: expected a floating-point input, got {x.dtype}.", nameof(x));
        }

        /// <summary>
        /// pytorch_wavelets' <c>DWTForward</c> state for haar: the reversed analysis filters as constant buffers
        /// (<c>h0_col</c>, <c>h1_col</c> of shape (1, 1, 2, 1); <c>h0_row</c>, <c>h1_row</c> of shape (1, 1, 1, 2)).
        /// </summary>
        private sealed class HaarFilterBuffers : nn.Module
        {
            public HaarFilterBuffers() : base("DWTForward")
            {
                var haar = Wavelet.Get("haar");
                var lo = Reversed(haar.DecLo);
                var hi = Reversed(haar.DecHi);
                register_buffer("h0_col", torch.tensor(lo, new long[] { 1, 1, lo.Length, 1 }, ScalarType.Float32));
                register_buffer("h1_col", torch.tensor(hi, new long[] { 1, 1, hi.Length, 1 }, ScalarType.Float32));
                register_buffer("h0_row", torch.tensor(lo, new long[] { 1, 1, 1, lo.Length }, ScalarType.Float32));
                register_buffer("h1_row", torch.tensor(hi, new long[] { 1, 1, 1, hi.Length }, ScalarType.Float32));
            }

            private static float[] Reversed(double[] filter)
            {
                var result = new float[filter.Length];
                for (int i = 0; i < filter.Length; i++) result[i] = (float)filter[filter.Length - 1 - i];
                return result;
            }
        }
    }
}

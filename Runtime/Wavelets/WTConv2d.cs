using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Convolutions;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Wavelets
{
    /// <summary>
    /// WTConv, wavelet convolution for large receptive fields (Finder et al., ECCV 2024; <c>BGU-CS-VIL/WTConv</c>
    /// class <c>WTConv2d</c>): a depthwise k x k convolution plus a cascade of wavelet levels, each running its own
    /// depthwise k x k convolution on the four sub-bands at 1/2^level resolution. A drop-in replacement for a
    /// depthwise convolution: (N, C, H, W) to (N, C, ceil(H/s), ceil(W/s)).
    /// </summary>
    /// <remarks>
    /// <para>Forward, exactly as the official module:</para>
    /// <list type="number">
    /// <item>For level i = 0..L−1 on <c>cur</c> (first the input): remember its size; pad an odd height / width with one
    /// zero row / column at the bottom / right; transform to (N, C, 4, h, w); the next level's input is the raw LL band;
    /// <c>wavelet_scale[i] ⊙ wavelet_convs[i]</c> runs on the 4C channels in channel-major order
    /// (<see cref="BandLayout.ChannelMajor"/>, channel <c>c·4 + s</c>).</item>
    /// <item>From the deepest level up: add the level below's reconstruction to this level's convolved LL, inverse
    /// transform, crop to the remembered size.</item>
    /// <item><c>y = base_scale ⊙ base_conv(x) + reconstruction</c>; with stride s &gt; 1, <c>y[:, :, ::s, ::s]</c>
    /// (the official <c>AvgPool2d(kernel_size=1, stride=s)</c>).</item>
    /// </list>
    /// <para>
    /// Transforms: for <c>db1</c> / <c>haar</c> the convolution-free <see cref="Haar"/> path (transform and inverse);
    /// for any other pywt wavelet (<see cref="Wavelet.Names"/>) the official grouped <c>conv2d</c> with
    /// <c>wt_filter</c> (stride 2, padding L/2 − 1) and grouped <c>conv_transpose2d</c> with <c>iwt_filter</c>.
    /// The filters are the official <c>create_wavelet_filter</c>'s: reversed dec filters (reconstruction: rec filters
    /// as pywt gives them), outer products v[i]·u[j] in the order (lo, lo), (hi, lo), (lo, hi), (hi, hi) with i along H,
    /// each (4, 1, L, L) block repeated per channel: shape (4C, 1, L, L).
    /// </para>
    /// <para>
    /// State (the official names, so state_dict keys match): <c>wt_filter</c>, <c>iwt_filter</c> (4C, 1, L, L);
    /// <c>base_conv.weight</c> (C, 1, k, k), <c>base_conv.bias</c> (C) when <c>bias</c>; <c>base_scale.weight</c>
    /// (1, C, 1, 1) initialised to 1; per level <c>wavelet_convs.{i}.weight</c> (4C, 1, k, k) and
    /// <c>wavelet_scale.{i}.weight</c> (1, 4C, 1, 1) initialised to 0.1. The convolutions use PyTorch's default
    /// initialisation and <c>padding='same'</c> (an even k puts the extra pixel right / bottom, as PyTorch).
    /// </para>
    /// <para>
    /// <b>Fixed filters are buffers by default.</b> The official code wraps <c>wt_filter</c> and <c>iwt_filter</c> in
    /// <c>nn.Parameter(requires_grad=False)</c>, so they show up in its <c>parameters()</c> (and in timm's
    /// <c>param_count</c>: 2·4C·L² more, 32C for Haar). By default they are registered buffers here: they are in the
    /// state_dict under the same keys (a reference checkpoint loads with strict keys) and move with
    /// <c>.to(device / dtype)</c>, but <c>parameters()</c> holds only the trainable C(k² + 2) + 4·L·C(k² + 1) values
    /// (C fewer without bias); see <see cref="TrainableParameterCount"/> and <see cref="FixedFilterCount"/>. With
    /// <c>filters: WTConvFilters.Parameters</c> they are the official Parameters without gradients instead (WTConvNeXt's
    /// 30,595,624 counts them). Either way the state_dict is the same, in PyTorch's order (the module has no other
    /// parameter of its own), and the Haar fast path does not read the filters (their values are fixed); the
    /// convolution path does.
    /// </para>
    /// </remarks>
    public sealed partial class WTConv2d : nn.Module<Tensor, Tensor>
    {
        // Named as the registered buffers: TorchSharp's .to(dtype / device) replaces the registered tensors and assigns
        // the new ones to the members of the same name.
        private Tensor wt_filter;
        private Tensor iwt_filter;
        private readonly Modules.ModuleList<Modules.Conv2d> _waveletConvs;
        private readonly Modules.ModuleList<ScaleModule> _waveletScale;

        /// <summary>Builds WTConv2d with the official initialisation (PyTorch's conv default, scales 1 and 0.1).</summary>
        /// <param name="in_channels">Channels C (at least 1).</param>
        /// <param name="out_channels">Must equal <paramref name="in_channels"/> (WTConv is depthwise).</param>
        /// <param name="kernel_size">Kernel size k of the base and the wavelet convolutions (at least 1).</param>
        /// <param name="stride">Output stride s (at least 1), applied at the end by subsampling.</param>
        /// <param name="bias">Give <c>base_conv</c> a bias (the wavelet convolutions never have one).</param>
        /// <param name="wt_levels">Number of wavelet levels L (at least 1).</param>
        /// <param name="wt_type">A pywt wavelet name (<see cref="Wavelet.Names"/>); <c>db1</c> (Haar) by default.</param>
        /// <param name="filters">Register <c>wt_filter</c> / <c>iwt_filter</c> as buffers (default) or, as the official
        /// code, as Parameters with <c>requires_grad</c> false.</param>
        /// <exception cref="ArgumentException">in_channels differs from out_channels, an argument is out of range, or the
        /// wavelet is unknown.</exception>
        public WTConv2d(long in_channels, long out_channels, long kernel_size = 5, long stride = 1, bool bias = true,
                        long wt_levels = 1, string wt_type = "db1", WTConvFilters filters = WTConvFilters.Buffers)
            : base(nameof(WTConv2d))
        {
            if (in_channels < 1)
                throw new ArgumentException($"WTConv2d: in_channels must be at least 1, got {in_channels}.", nameof(in_channels));
            if (out_channels != in_channels)
                throw new ArgumentException(
                    $"WTConv2d: out_channels must equal in_channels (it is a depthwise convolution), got in_channels = {in_channels}, " +
                    $"out_channels = {out_channels}.", nameof(out_channels));
            if (kernel_size < 1)
                throw new ArgumentException($"WTConv2d: kernel_size must be at least 1, got {kernel_size}.", nameof(kernel_size));
            if (stride < 1)
                throw new ArgumentException($"WTConv2d: stride must be at least 1, got {stride}.", nameof(stride));
            if (wt_levels < 1)
                throw new ArgumentException($"WTConv2d: wt_levels must be at least 1, got {wt_levels}.", nameof(wt_levels));
            if (wt_type is null) throw new ArgumentNullException(nameof(wt_type));
            if (filters != WTConvFilters.Buffers && filters != WTConvFilters.Parameters)
                throw new ArgumentException($"WTConv2d: filters must be Buffers or Parameters, got {filters}.", nameof(filters));
            try
            {
                Wavelet = Wavelet.Get(wt_type);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"WTConv2d: unknown wt_type '{wt_type}'. {e.Message}", nameof(wt_type), e);
            }

            Channels = in_channels;
            KernelSize = kernel_size;
            Stride = stride;
            Levels = wt_levels;
            HasBias = bias;
            UsesHaarFastPath = Wavelet.Name == "haar" || Wavelet.Name == "db1";

            var (dec, rec) = CreateFilters(Wavelet, in_channels);
            wt_filter = dec;
            iwt_filter = rec;
            BaseConv = nn.Conv2d(in_channels, in_channels, kernel_size, TorchSharp.Padding.Same, groups: in_channels, bias: bias);
            BaseScale = new ScaleModule(new long[] { 1, in_channels, 1, 1 }, 1.0);
            var convs = new Modules.Conv2d[wt_levels];
            var scales = new ScaleModule[wt_levels];
            for (int i = 0; i < wt_levels; i++)
            {
                convs[i] = nn.Conv2d(4 * in_channels, 4 * in_channels, kernel_size, TorchSharp.Padding.Same, groups: 4 * in_channels, bias: false);
                scales[i] = new ScaleModule(new long[] { 1, 4 * in_channels, 1, 1 }, 0.1);
            }
            _waveletConvs = nn.ModuleList(convs);
            _waveletScale = nn.ModuleList(scales);

            FilterStorage = filters;
            if (filters == WTConvFilters.Parameters)
            {
                // Named as the fields: .to(dtype / device) replaces the parameters and assigns them to these members.
                wt_filter = new Modules.Parameter(dec, requires_grad: false);
                iwt_filter = new Modules.Parameter(rec, requires_grad: false);
                register_parameter(nameof(wt_filter), (Modules.Parameter)wt_filter);
                register_parameter(nameof(iwt_filter), (Modules.Parameter)iwt_filter);
            }
            else
            {
                register_buffer(nameof(wt_filter), wt_filter);
                register_buffer(nameof(iwt_filter), iwt_filter);
            }
            register_module("base_conv", BaseConv);
            register_module("base_scale", BaseScale);
            register_module("wavelet_convs", _waveletConvs);
            register_module("wavelet_scale", _waveletScale);
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under PyTorch's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add every field a second time
        /// under its C# name (e.g. <c>_waveletConvs.0.weight</c>); this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }


        /// <summary>How <c>wt_filter</c> / <c>iwt_filter</c> are registered (buffers, or Parameters without gradients).</summary>
        public WTConvFilters FilterStorage { get; }

        /// <summary>The fixed decomposition filter <c>wt_filter</c> (4C, 1, f, f).</summary>
        public Tensor WtFilter => wt_filter;

        /// <summary>The fixed reconstruction filter <c>iwt_filter</c> (4C, 1, f, f).</summary>
        public Tensor IwtFilter => iwt_filter;

        /// <summary>Channels C (input and output).</summary>
        public long Channels { get; }

        /// <summary>Kernel size k.</summary>
        public long KernelSize { get; }

        /// <summary>Output stride s.</summary>
        public long Stride { get; }

        /// <summary>Wavelet levels L.</summary>
        public long Levels { get; }

        /// <summary>Whether <c>base_conv</c> has a bias.</summary>
        public bool HasBias { get; }

        /// <summary>The wavelet (<c>wt_type</c>).</summary>
        public Wavelet Wavelet { get; }

        /// <summary>True for db1 / haar: transform and inverse by the convolution-free <see cref="Haar"/> path.</summary>
        public bool UsesHaarFastPath { get; }

        /// <summary>The base depthwise convolution <c>base_conv</c>.</summary>
        public Modules.Conv2d BaseConv { get; }

        /// <summary>The base scale <c>base_scale</c> (weight (1, C, 1, 1)).</summary>
        public ScaleModule BaseScale { get; }

        /// <summary>The per-level depthwise convolutions <c>wavelet_convs.{i}</c> on 4C channels.</summary>
        public IReadOnlyList<Modules.Conv2d> WaveletConvs => _waveletConvs.ToList();

        /// <summary>The per-level scales <c>wavelet_scale.{i}</c> (weight (1, 4C, 1, 1)).</summary>
        public IReadOnlyList<ScaleModule> WaveletScales => _waveletScale.ToList();

        /// <summary>Output height or width for an input of <paramref name="size"/> at <paramref name="stride"/>: ceil(size / s).</summary>
        public static long OutputSize(long size, long stride = 1) => ShapeMath.SubsampleOutput(size, stride);

        /// <summary>
        /// Trainable parameters: C·k² (+ C bias) + C (base scale) + L·(4C·k² + 4C), i.e. C(k² + 2) + 4·L·C(k² + 1) with
        /// bias and C less without.
        /// </summary>
        public static long TrainableParameterCount(long channels, long kernelSize, long levels, bool bias) =>
            channels * kernelSize * kernelSize + (bias ? channels : 0) + channels +
            levels * (4 * channels * kernelSize * kernelSize + 4 * channels);

        /// <summary>
        /// Values in the fixed filters <c>wt_filter</c> and <c>iwt_filter</c>: 2·4C·f² for a filter of f taps (32C for
        /// Haar). The official code counts them among its parameters; here they are buffers unless
        /// <see cref="WTConvFilters.Parameters"/> is asked for.
        /// </summary>
        public static long FixedFilterCount(long channels, int filterLength) => 2 * 4 * channels * filterLength * filterLength;

        /// <summary>
        /// The official <c>create_wavelet_filter(wt_type, C, C)</c>: decomposition (4C, 1, L, L) from the reversed
        /// <c>dec_lo</c> / <c>dec_hi</c> and reconstruction (4C, 1, L, L) from <c>rec_lo</c> / <c>rec_hi</c>; block s of
        /// each channel is the outer product v[i]·u[j] with (v, u) = (lo, lo), (hi, lo), (lo, hi), (hi, hi). The products
        /// are taken in double precision and stored as <paramref name="dtype"/> (float32 by default, as the official code
        /// and the module's buffers).
        /// </summary>
        /// <exception cref="ArgumentException">channels is below 1 or dtype is not floating point.</exception>
        public static (Tensor Decomposition, Tensor Reconstruction) CreateFilters(Wavelet wavelet, long channels,
                                                                                  ScalarType dtype = ScalarType.Float32)
        {
            if (wavelet is null) throw new ArgumentNullException(nameof(wavelet));
            if (channels < 1) throw new ArgumentException($"WTConv2d.CreateFilters: channels must be at least 1, got {channels}.", nameof(channels));
            if (!torch.is_floating_point(dtype))
                throw new ArgumentException($"WTConv2d.CreateFilters: dtype must be floating point, got {dtype}.", nameof(dtype));
            var decLo = wavelet.DecLo.Reverse().ToArray();
            var decHi = wavelet.DecHi.Reverse().ToArray();
            return (Stack(decLo, decHi, channels, dtype), Stack(wavelet.RecLo, wavelet.RecHi, channels, dtype));
        }

        private static Tensor Stack(double[] lo, double[] hi, long channels, ScalarType dtype)
        {
            int length = lo.Length;
            var pairs = new[] { (lo, lo), (hi, lo), (lo, hi), (hi, hi) }; // (along H, along W)
            var block = new double[4 * length * length];
            for (int s = 0; s < 4; s++)
                for (int i = 0; i < length; i++)
                    for (int j = 0; j < length; j++)
                        block[(s * length + i) * length + j] = pairs[s].Item1[i] * pairs[s].Item2[j];
            using var one = torch.tensor(block, new long[] { 4, 1, length, length }, ScalarType.Float64);
            using var typed = one.to_type(dtype);
            return typed.repeat(channels, 1, 1, 1);
        }

        /// <summary>(N, C, H, W) to (N, C, ceil(H/s), ceil(W/s)); any H, W ≥ 1.</summary>
        /// <remarks>
        /// The official function with fewer passes over the activations (each removed pass is a full read and write of a
        /// tensor as large as the level's bands, forward and again in backward):
        /// <list type="bullet">
        /// <item>The scales are folded into the convolutions: <c>s ⊙ (conv(x, w) + b) = conv(x, w·s) + b·s</c>, a multiply
        /// on the (C, 1, k, k) weights instead of on the (N, C, H, W) activations; autograd takes the scales' gradients
        /// through that multiply, so the activation-sized <c>grad·s</c> and <c>Σ grad·x</c> passes of a scale's backward
        /// go too.</item>
        /// <item>No per-level stack or cat: a level's convolution writes its (N, 4C, h, w) output once; the level below's
        /// reconstruction is added in place into its LL planes (channels c·4, a quarter of the tensor) and the inverse
        /// transform reads that tensor as (N, C, 4, h, w), a view. The conv output is not saved by any backward, so the
        /// in-place add is autograd-safe.</item>
        /// <item>The final <c>base + reconstruction</c> is added in place into the base convolution's output.</item>
        /// <item>The transforms take views (the raw LL band is a strided view of the bands, not a copy); the Haar path
        /// pads odd sizes itself, and only where a level is odd.</item>
        /// </list>
        /// </remarks>
        /// <exception cref="ArgumentException">The input is not a floating-point NCHW tensor with C channels and
        /// positive height and width.</exception>
        public override Tensor forward(Tensor x)
        {
            Check(x);
            using var scope = NewDisposeScope();
            long n = x.shape[0], c = Channels;
            var levels = new (Tensor Bands, long Height, long Width)[Levels];

            var current = x;
            for (int i = 0; i < Levels; i++)
            {
                long height = current.shape[2], width = current.shape[3];
                var bands = UsesHaarFastPath ? Haar.Forward(current) : Transform(current);   // (N, C, 4, h, w)
                long h = bands.shape[3], w = bands.shape[4];
                current = bands.select(2, 0);                                                  // raw LL: next level's input
                var convolved = ScaledDepthwise(bands.reshape(n, 4 * c, h, w), _waveletConvs[i], _waveletScale[i]); // channel-major
                levels[i] = (convolved.view(n, c, 4, h, w), height, width);
            }

            Tensor? next = null;
            for (int i = (int)Levels - 1; i >= 0; i--)
            {
                var (bands, height, width) = levels[i];
                if (next is not null) bands.select(2, 0).add_(next);                          // LL += the level below
                next = UsesHaarFastPath ? Haar.Inverse(bands, height, width) : Inverse(bands, height, width);
            }

            var y = ScaledDepthwise(x, BaseConv, BaseScale).add_(next!);
            if (Stride > 1)
                y = y.slice(2, 0, y.shape[2], Stride).slice(3, 0, y.shape[3], Stride);
            return y.MoveToOuterDisposeScope();
        }

        // scale ⊙ conv(x) as one convolution: conv(x, w·s, b·s) with 'same' padding (an even k pads one more right / bottom,
        // as PyTorch's padding='same'), through NetDsl's depthwise kernel on CPU (DepthwiseConv.Same).
        private static Tensor ScaledDepthwise(Tensor x, Modules.Conv2d conv, ScaleModule scale)
        {
            var s = scale.weight.view(-1);
            var weight = conv.weight! * s.view(-1, 1, 1, 1);
            var bias = conv.bias is { } b ? b * s : null;
            return DepthwiseConv.Same(x, weight, bias);
        }

        // The official wavelet_transform after its odd-size padding: grouped conv2d, stride 2, padding L/2 - 1.
        private Tensor Transform(Tensor x)
        {
            long height = x.shape[2], width = x.shape[3];
            if (height % 2 == 1 || width % 2 == 1)
                x = nn.functional.pad(x, new long[] { 0, width % 2, 0, height % 2 }, PaddingModes.Constant, 0.0);
            long pad = Wavelet.Length / 2 - 1;
            var y = nn.functional.conv2d(x, wt_filter, strides: new long[] { 2, 2 }, padding: new long[] { pad, pad }, groups: Channels);
            return y.reshape(y.shape[0], Channels, 4, y.shape[2], y.shape[3]);
        }

        // The official inverse_wavelet_transform (grouped conv_transpose2d, stride 2, padding L/2 - 1) and crop.
        private Tensor Inverse(Tensor bands, long height, long width)
        {
            long n = bands.shape[0], h = bands.shape[3], w = bands.shape[4];
            long pad = Wavelet.Length / 2 - 1;
            var image = nn.functional.conv_transpose2d(bands.reshape(n, 4 * Channels, h, w), iwt_filter,
                strides: new long[] { 2, 2 }, padding: new long[] { pad, pad }, groups: Channels);
            return image.narrow(2, 0, height).narrow(3, 0, width);
        }

        private void Check(Tensor x)
        {
            if (x is null) throw new ArgumentNullException(nameof(x));
            string shape = "[" + string.Join(", ", x.shape) + "]";
            if (x.dim() != 4)
                throw new ArgumentException($"WTConv2d: expected an NCHW tensor of rank 4, got rank {x.dim()} {shape}.", nameof(x));
            if (x.shape[1] != Channels)
                throw new ArgumentException($"WTConv2d: expected {Channels} channels, got {shape}.", nameof(x));
            if (x.shape[2] < 1 || x.shape[3] < 1)
                throw new ArgumentException($"WTConv2d: height and width must be positive, got {shape}.", nameof(x));
            if (!torch.is_floating_point(x))
                throw new ArgumentException($"WTConv2d: expected a floating-point input, got {x.dtype}.", nameof(x));
        }
    }

    /// <summary>
    /// WTConv's <c>_ScaleModule</c>: multiplies its input elementwise (with broadcasting) by a learnable
    /// <c>weight</c> of a fixed shape, initialised to a constant. No bias.
    /// </summary>
    public sealed partial class ScaleModule : nn.Module<Tensor, Tensor>
    {
        /// <summary>A scale of shape <paramref name="dims"/> filled with <paramref name="initScale"/>.</summary>
        /// <exception cref="ArgumentException">A dimension is below 1.</exception>
        public ScaleModule(long[] dims, double initScale = 1.0) : base("_ScaleModule")
        {
            if (dims is null) throw new ArgumentNullException(nameof(dims));
            if (dims.Length == 0 || dims.Any(d => d < 1))
                throw new ArgumentException($"ScaleModule: dims must be positive, got [{string.Join(", ", dims)}].", nameof(dims));
            Dims = (long[])dims.Clone();
            register_parameter(nameof(weight), new Modules.Parameter(torch.full(dims, initScale, ScalarType.Float32)));
        }

        /// <summary>The weight's shape.</summary>
        public IReadOnlyList<long> Dims { get; }

        /// <summary>
        /// The learnable scale <c>weight</c>, read from the module's registry. The private setter registers a new tensor,
        /// as TorchSharp's own modules do: <c>.to(dtype / device)</c> assigns the converted parameter to the member named
        /// like the parameter, and the registry must follow (a separate backing field would be registered twice).
        /// </summary>
        public Modules.Parameter weight
        {
            get => get_parameter(nameof(weight))!;
            private set => ConditionallyRegisterParameter(nameof(weight), value);
        }

        /// <summary><c>weight ⊙ x</c>.</summary>
        public override Tensor forward(Tensor x) => torch.mul(weight, x);
    }
}

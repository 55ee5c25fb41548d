using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Octave
{
    /// <summary>
    /// Octave convolution (Chen et al., "Drop an Octave", ICCV 2019) with the semantics of the PyTorch reference
    /// <c>d-li14/octconv.pytorch</c> (<c>octconv.py</c>, class <c>OctaveConv</c>): the channels of input and output are
    /// split into a full-resolution high-frequency part and a half-resolution low-frequency part, and four convolutions
    /// connect them. (high (N, C_in_h, H, W), low (N, C_in_l, H/2, W/2)) becomes
    /// (high (N, C_out_h, H/s, W/s), low (N, C_out_l, H/2s, W/2s)).
    /// </summary>
    /// <remarks>
    /// <para><b>Channels.</b> low = int(α·C) (truncation), high = C − int(α·C), on both sides (<see cref="LowChannels"/>,
    /// <see cref="HighChannels"/>); e.g. C = 10, α = 0.25 gives high 8, low 2.</para>
    /// <para><b>Convolutions</b>, registered in d-li14's order (so state_dict keys and order match): <c>conv_l2l</c>
    /// (C_in_l → C_out_l), <c>conv_l2h</c> (C_in_l → C_out_h), <c>conv_h2l</c> (C_in_h → C_out_l), <c>conv_h2h</c>
    /// (C_in_h → C_out_h), each Conv2d with the layer's kernel, padding, dilation and bias and stride 1. A convolution
    /// exists only when both of its sides have channels: alpha_in = 0 has no l2*, alpha_out = 0 no *2l, alpha = 1 no
    /// high side. The stateless children <c>downsample</c> (AvgPool2d 2x2, stride 2, floor) and <c>upsample</c>
    /// (nearest, x2) are registered first, as in the reference.</para>
    /// <para><b>Forward</b> (d = downsample, u = upsample). Stride 1: Y_h = u(l2h(X_l)) + h2h(X_h),
    /// Y_l = h2l(d(X_h)) + l2l(X_l). Stride 2: X_h ← d(X_h) first; Y_h = l2h(X_l) + h2h(X_h) (no upsample: the low map
    /// already has the new high resolution), Y_l = h2l(d(X_h)) + l2l(d(X_l)). A missing convolution contributes nothing.
    /// </para>
    /// <para><b>Groups</b> (d-li14's later revision, which seed 002 ports to Paddle): depthwise when
    /// groups = in_channels (and &gt; 1): only h2h and l2l, each depthwise over its own input channels; otherwise l2l has
    /// ceil(α_in·g) groups, h2h ceil(g − α_in·g) and the cross convolutions g. Each must divide its convolution's
    /// channels. (d-li14 also calls a 1-channel, groups = 1 layer depthwise and drops its cross paths; here it is not.)</para>
    /// <para><b>Types.</b> The module is <c>nn.Module&lt;OctaveTensor, OctaveTensor&gt;</c> whatever its alphas, so
    /// every octave layer of a network, including d-li14's α = 0 blocks after the last split, has the same type and a
    /// generated network chains them with <c>.call</c>. At the boundaries: a plain <see cref="Tensor"/> converts
    /// implicitly to an <see cref="OctaveTensor"/> without a low part (a first layer, alpha_in = 0, takes it), and a last
    /// layer (alpha_out = 0) returns a pair whose <see cref="OctaveTensor.Low"/> is null, which
    /// <see cref="OctaveTensor.ToTensor"/> turns back into a plain tensor. With alpha_out = 1 the output's High has zero
    /// channels.</para>
    /// <para><b>Shapes.</b> With a low branch (either side) the convolutions must keep sizes, 2·padding =
    /// dilation·(kernel_size − 1) (checked when constructed), and the high input's height and width must be divisible by
    /// <see cref="RequiredSizeMultiple"/> (2, or 4 for stride 2 with a low output), with the low input exactly half
    /// (checked in <see cref="forward"/>); otherwise the reference fails in an add.</para>
    /// <para><b>Counts.</b> For groups = 1 and no bias the parameters are the plain convolution's C_in·C_out·k² (the
    /// splits partition both axes). With bias, d-li14 gives every convolution a bias, so each output frequency has one
    /// bias per source. Multiply-adds per sample for α_in = α_out = α are (1 − 1.5α + 0.75α²) times the plain
    /// convolution's at stride 1 and (1 − 0.75α) times at stride 2 (<see cref="MultiplyAdds"/>).</para>
    /// </remarks>
    public sealed partial class OctaveConv2d : nn.Module<OctaveTensor, OctaveTensor>
    {
        private readonly OctaveConvPlan _plan;
        private readonly Modules.AvgPool2d _downsample;
        private readonly Modules.Upsample _upsample;

        /// <summary>Builds the octave convolution with PyTorch's default initialisation of the four convolutions.</summary>
        /// <param name="in_channels">Input channels C_in, both frequencies together (at least 1).</param>
        /// <param name="out_channels">Output channels C_out, both frequencies together (at least 1).</param>
        /// <param name="kernel_size">Square kernel size k (at least 1).</param>
        /// <param name="alpha_in">Low-frequency fraction of the input channels, in [0, 1]; 0 for a first layer.</param>
        /// <param name="alpha_out">Low-frequency fraction of the output channels, in [0, 1]; 0 for a last layer.</param>
        /// <param name="stride">1 or 2 (2 pools the inputs first).</param>
        /// <param name="padding">Zero padding of every convolution (at least 0).</param>
        /// <param name="dilation">Dilation of every convolution (at least 1).</param>
        /// <param name="groups">Groups; groups = in_channels makes it depthwise (only h2h and l2l).</param>
        /// <param name="bias">Give every convolution a bias (d-li14).</param>
        /// <exception cref="ArgumentException">An argument is out of range: alpha outside [0, 1], stride not 1 or 2, groups
        /// not dividing a convolution's channels, a depthwise layer whose frequencies do not map to themselves, or a
        /// low branch with size-changing padding.</exception>
        public OctaveConv2d(long in_channels, long out_channels, long kernel_size, double alpha_in = 0.5, double alpha_out = 0.5,
                            long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = false)
            : base(nameof(OctaveConv2d))
        {
            _plan = OctaveConvPlan.Create(nameof(OctaveConv2d), in_channels, out_channels, kernel_size, alpha_in, alpha_out, groups);
            _plan.CheckGeometry(nameof(OctaveConv2d), stride, padding, dilation);
            Stride = stride;
            Padding = padding;
            Dilation = dilation;
            HasBias = bias;

            _downsample = nn.AvgPool2d(2, 2);
            _upsample = nn.Upsample(scale_factor: new double[] { 2, 2 }, mode: torch.UpsampleMode.Nearest);
            register_module("downsample", _downsample);
            register_module("upsample", _upsample);
            ConvL2L = Make(_plan.L2L);
            ConvL2H = Make(_plan.L2H);
            ConvH2L = Make(_plan.H2L);
            ConvH2H = Make(_plan.H2H);
        }

        private Modules.Conv2d? Make(OctaveBranch branch)
        {
            if (!branch.Present) return null;
            var conv = nn.Conv2d(branch.In, branch.Out, _plan.Kernel, stride: 1, padding: Padding, dilation: Dilation,
                                 groups: branch.Groups, bias: HasBias);
            register_module(branch.Name, conv);
            return conv;
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under PyTorch's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add every field a second time
        /// under its C# name; this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Input channels C_in (both frequencies).</summary>
        public long InChannels => _plan.InChannels;

        /// <summary>Output channels C_out (both frequencies).</summary>
        public long OutChannels => _plan.OutChannels;

        /// <summary>Kernel size k.</summary>
        public long KernelSize => _plan.Kernel;

        /// <summary>Low-frequency fraction of the input channels.</summary>
        public double AlphaIn => _plan.AlphaIn;

        /// <summary>Low-frequency fraction of the output channels.</summary>
        public double AlphaOut => _plan.AlphaOut;

        /// <summary>Stride, 1 or 2.</summary>
        public long Stride { get; }

        /// <summary>Padding of every convolution.</summary>
        public long Padding { get; }

        /// <summary>Dilation of every convolution.</summary>
        public long Dilation { get; }

        /// <summary>The groups argument.</summary>
        public long Groups => _plan.Groups;

        /// <summary>Whether every convolution has a bias.</summary>
        public bool HasBias { get; }

        /// <summary>Depthwise (groups = in_channels &gt; 1): no cross-frequency convolutions.</summary>
        public bool IsDepthwise => _plan.Depthwise;

        /// <summary>High-frequency input channels, C_in − int(α_in·C_in).</summary>
        public long InHighChannels => _plan.InHigh;

        /// <summary>Low-frequency input channels, int(α_in·C_in).</summary>
        public long InLowChannels => _plan.InLow;

        /// <summary>High-frequency output channels, C_out − int(α_out·C_out).</summary>
        public long OutHighChannels => _plan.OutHigh;

        /// <summary>Low-frequency output channels, int(α_out·C_out).</summary>
        public long OutLowChannels => _plan.OutLow;

        /// <summary>What the high-frequency input's height and width must be divisible by: 1 without a low branch, 4 for
        /// stride 2 with a low-frequency output, 2 otherwise.</summary>
        public long RequiredSizeMultiple => _plan.RequiredMultiple(Stride);

        /// <summary><c>conv_h2h</c> (high → high), or null when a side has no high channels.</summary>
        public Modules.Conv2d? ConvH2H { get; }

        /// <summary><c>conv_h2l</c> (high → low), or null (no high input, no low output, or depthwise).</summary>
        public Modules.Conv2d? ConvH2L { get; }

        /// <summary><c>conv_l2h</c> (low → high), or null (no low input, no high output, or depthwise).</summary>
        public Modules.Conv2d? ConvL2H { get; }

        /// <summary><c>conv_l2l</c> (low → low), or null when a side has no low channels.</summary>
        public Modules.Conv2d? ConvL2L { get; }

        /// <summary>Low-frequency channels of a C-channel map: int(α·C), truncated as Python's <c>int</c>.</summary>
        /// <exception cref="ArgumentException">channels is negative or alpha is outside [0, 1].</exception>
        public static long LowChannels(long channels, double alpha)
        {
            if (channels < 0) throw new ArgumentException($"OctaveConv2d: channels must be at least 0, got {channels}.", nameof(channels));
            OctaveConvPlan.CheckAlpha(nameof(OctaveConv2d), alpha, nameof(alpha));
            return ShapeMath.OctaveLowChannels(channels, alpha);
        }

        /// <summary>High-frequency channels of a C-channel map: C − int(α·C).</summary>
        /// <exception cref="ArgumentException">channels is negative or alpha is outside [0, 1].</exception>
        public static long HighChannels(long channels, double alpha) => channels - LowChannels(channels, alpha);

        /// <summary>High-frequency output height or width for a high-frequency input of <paramref name="size"/>:
        /// ConvOutput(floor(size / s), k, 1, p, d) (<see cref="ShapeMath.OctaveConvOutput"/>); the low output is half.</summary>
        public long OutputSize(long size) => ShapeMath.OctaveConvOutput(size, KernelSize, Stride, Padding, Dilation);

        /// <summary>
        /// Parameters of an octave convolution: Σ over the present convolutions of C_out·(C_in/g)·k² (+ C_out with bias).
        /// For groups = 1 without bias this is the plain convolution's C_in·C_out·k².
        /// </summary>
        /// <exception cref="ArgumentException">The arguments are invalid (as for the constructor).</exception>
        public static long ParameterCount(long in_channels, long out_channels, long kernel_size, double alpha_in = 0.5,
                                          double alpha_out = 0.5, long groups = 1, bool bias = false)
        {
            var plan = OctaveConvPlan.Create(nameof(OctaveConv2d), in_channels, out_channels, kernel_size, alpha_in, alpha_out, groups);
            return plan.Branches.Where(b => b.Present).Sum(b => b.Weights(kernel_size) + (bias ? b.Out : 0));
        }

        /// <summary>
        /// Multiply-adds per sample for a high-frequency input of <paramref name="height"/> x <paramref name="width"/>:
        /// Σ over the present convolutions of (weights C_out·(C_in/g)·k²) x (its output positions), bias, pooling, upsampling
        /// and adds not counted (the convention of NetDsl's summary). The branches run at: h2h on H/s, l2h on H/2,
        /// h2l on H/2s, l2l on H/2s (s = stride). For α_in = α_out = α, size-keeping padding and integer α·C this is
        /// (1 − 1.5α + 0.75α²)·C_in·C_out·k²·H·W at stride 1, the reference's ratio; at stride 2 l2h works at the output
        /// resolution, so it is (1 − 0.75α)·C_in·C_out·k²·(H/2)·(W/2).
        /// </summary>
        /// <exception cref="ArgumentException">The arguments are invalid (as for the constructor), or the size does not fit
        /// (see <see cref="RequiredSizeMultiple"/>).</exception>
        public static long MultiplyAdds(long in_channels, long out_channels, long kernel_size, long height, long width,
                                        double alpha_in = 0.5, double alpha_out = 0.5, long stride = 1, long padding = 0,
                                        long dilation = 1, long groups = 1)
        {
            var plan = OctaveConvPlan.Create(nameof(OctaveConv2d), in_channels, out_channels, kernel_size, alpha_in, alpha_out, groups);
            plan.CheckGeometry(nameof(OctaveConv2d), stride, padding, dilation);
            CheckSize(plan, stride, padding, dilation, height, width, () => $"a high-frequency input of {height} x {width}");
            long Positions(long divisor) =>
                ShapeMath.ConvOutput(height / divisor, kernel_size, 1, padding, dilation) *
                ShapeMath.ConvOutput(width / divisor, kernel_size, 1, padding, dilation);
            long total = 0;
            if (plan.H2H.Present) total += plan.H2H.Weights(kernel_size) * Positions(stride);
            if (plan.L2H.Present) total += plan.L2H.Weights(kernel_size) * Positions(2);
            if (plan.H2L.Present) total += plan.H2L.Weights(kernel_size) * Positions(2 * stride);
            if (plan.L2L.Present) total += plan.L2L.Weights(kernel_size) * Positions(2 * stride);
            return total;
        }

        /// <summary>Multiply-adds per sample of this layer for a high-frequency input of the given size (<see cref="MultiplyAdds"/>).</summary>
        /// <exception cref="ArgumentException">The size does not fit.</exception>
        public long MultiplyAddsAt(long height, long width) =>
            MultiplyAdds(InChannels, OutChannels, KernelSize, height, width, AlphaIn, AlphaOut, Stride, Padding, Dilation, Groups);

        /// <summary>
        /// (high (N, C_in_h, H, W), low (N, C_in_l, H/2, W/2) or null) to (high (N, C_out_h, H', W'), low
        /// (N, C_out_l, H'/2, W'/2) or null) with H' = <see cref="OutputSize"/>(H).
        /// </summary>
        /// <exception cref="ArgumentException">The input does not fit the layer: channels per frequency, a low part where
        /// none is expected or none where one is, a low map that is not exactly half the high map, a height or width not
        /// divisible by <see cref="RequiredSizeMultiple"/>, a map too small for the kernel, non-floating-point data. The
        /// message names the layer, the expected and the actual shapes.</exception>
        public override OctaveTensor forward(OctaveTensor x)
        {
            CheckInput(x);
            var (high, low) = x;
            using var scope = NewDisposeScope();
            // Each temporary is released right after its last use and the paths are summed in place (a convolution's
            // backward does not read its output), as PyTorch's reference counting frees d-li14's: the scope alone would
            // keep every path's output, the pooled maps and the sums alive until the layer returns.
            bool pooledHigh = Stride == 2 && InHighChannels > 0;
            var xh = pooledHigh ? _downsample.call(high) : high;
            Tensor? yh = null, yl = null;
            if (ConvH2H is not null) yh = ConvH2H.call(xh);
            if (ConvL2H is not null)
            {
                var fromLow = ConvL2H.call(low!);
                if (Stride == 1) fromLow = _upsample.call(fromLow).Releasing(fromLow);
                yh = yh is null ? fromLow : yh.add_(fromLow).Releasing(fromLow);
            }
            if (ConvH2L is not null)
            {
                var pooled = _downsample.call(xh);
                yl = ConvH2L.call(pooled).Releasing(pooled);
            }
            if (pooledHigh) xh.Dispose();
            if (ConvL2L is not null)
            {
                var source = Stride == 2 ? _downsample.call(low!) : low!;
                var fromLow = ConvL2L.call(source).Releasing(source, low!);
                yl = yl is null ? fromLow : yl.add_(fromLow).Releasing(fromLow);
            }
            // alpha_out = 1: no high-frequency channels, an empty map at the output resolution.
            yh ??= torch.empty(new[] { high.shape[0], 0, OutputSize(high.shape[2]), OutputSize(high.shape[3]) },
                               dtype: high.dtype, device: high.device);
            return new OctaveTensor(yh, yl).MoveToOuterDisposeScope();
        }

        private void CheckInput(OctaveTensor x)
        {
            const string Owner = nameof(OctaveConv2d);
            var high = x.High;
            if (high is null)
                throw new ArgumentException($"{Owner}: the input pair has no high-frequency tensor (a default OctaveTensor).", nameof(x));
            string expectedHigh = $"high (N, {InHighChannels}, H, W)";
            string expectedLow = InLowChannels > 0 ? $"low (N, {InLowChannels}, H/2, W/2)" : "no low part";
            string expected = $"expected {expectedHigh}, {expectedLow} ({_plan.SplitText()})";
            if (high.dim() != 4)
                throw new ArgumentException($"{Owner}: {expected}; the high-frequency input has rank {high.dim()}: {x.ShapeText}.", nameof(x));
            if (!torch.is_floating_point(high))
                throw new ArgumentException($"{Owner}: expected a floating-point input, got {high.dtype}.", nameof(x));
            if (high.shape[1] != InHighChannels)
            {
                string hint = x.Low is null && InLowChannels > 0 && high.shape[1] == InChannels
                    ? " A plain tensor is only the input of a first layer (alpha_in = 0); this layer expects a high/low pair."
                    : "";
                throw new ArgumentException($"{Owner}: {expected}; got {x.ShapeText}.{hint}", nameof(x));
            }
            var low = x.Low;
            if (InLowChannels == 0 && low is not null)
                throw new ArgumentException($"{Owner}: {expected}; got {x.ShapeText} (alpha_in = {OctaveConvPlan.Num(AlphaIn)} takes no low-frequency input).", nameof(x));
            if (InLowChannels > 0 && low is null)
                throw new ArgumentException($"{Owner}: {expected}; got {x.ShapeText}.", nameof(x));
            if (low is not null)
            {
                if (low.dim() != 4 || low.shape[0] != high.shape[0] || low.shape[1] != InLowChannels)
                    throw new ArgumentException($"{Owner}: {expected}; got {x.ShapeText}.", nameof(x));
                if (low.dtype != high.dtype)
                    throw new ArgumentException($"{Owner}: the high- and low-frequency inputs must have the same dtype, got {high.dtype} and {low.dtype}.", nameof(x));
            }
            CheckSize(_plan, Stride, Padding, Dilation, high.shape[2], high.shape[3], () => x.ShapeText);
            if (low is not null && (low.shape[2] * 2 != high.shape[2] || low.shape[3] * 2 != high.shape[3]))
                throw new ArgumentException(
                    $"{Owner}: the low-frequency input must be exactly half the high-frequency one: expected low " +
                    $"[{high.shape[0]}, {InLowChannels}, {high.shape[2] / 2}, {high.shape[3] / 2}], got {x.ShapeText}.", nameof(x));
        }

        private static void CheckSize(OctaveConvPlan plan, long stride, long padding, long dilation, long height, long width,
                                      Func<string> actual)
        {
            const string Owner = nameof(OctaveConv2d);
            long multiple = plan.RequiredMultiple(stride);
            if (height < 1 || width < 1 || height % multiple != 0 || width % multiple != 0)
            {
                string why = multiple == 4
                    ? "stride 2 with a low-frequency output pools the high-frequency map twice"
                    : multiple == 2 ? "the low-frequency maps are half the high-frequency ones" : "sizes must be positive";
                throw new ArgumentException(
                    $"{Owner}: expected high (N, {plan.InHigh}, H, W) with H and W positive and divisible by {multiple} ({why}); " +
                    $"got {actual()}.", "x");
            }
            long outH = ShapeMath.OctaveConvOutput(height, plan.Kernel, stride, padding, dilation);
            long outW = ShapeMath.OctaveConvOutput(width, plan.Kernel, stride, padding, dilation);
            if (height / stride < 1 || width / stride < 1 || outH < 1 || outW < 1)
                throw new ArgumentException(
                    $"{Owner}: the input is too small for a {plan.Kernel}x{plan.Kernel} kernel (dilation {dilation}, padding {padding}) " +
                    $"at stride {stride}: the output would be {outH} x {outW}; got {actual()}.", "x");
        }
    }
}

using System;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Octave
{
    /// <summary>
    /// Batch normalisation of an octave pair: one <c>BatchNorm2d</c> per frequency, <c>bn_h</c> over the C − int(α·C)
    /// high-frequency channels and <c>bn_l</c> over the int(α·C) low-frequency ones (the children of d-li14's
    /// <c>Conv_BN</c>, with the same split as the convolution that feeds it).
    /// </summary>
    /// <remarks>
    /// <para>d-li14 sizes the high BN as int(C·(1 − α)), which differs from the convolution's C − int(α·C) when α·C is not
    /// an integer (C = 10, α = 0.25: 7 against 8) and then fails at run time; this module does not copy that.</para>
    /// <para>A BN exists only for a frequency with channels (none for the low part when int(α·C) = 0, none for the high
    /// part when α = 1); state_dict keys <c>bn_h.weight</c>, <c>bn_h.bias</c>, <c>bn_h.running_mean</c>,
    /// <c>bn_h.running_var</c>, <c>bn_h.num_batches_tracked</c>, then the same under <c>bn_l</c>. Like every octave
    /// module it is <c>nn.Module&lt;OctaveTensor, OctaveTensor&gt;</c> (see <see cref="OctaveConv2d"/> for the choice).</para>
    /// </remarks>
    public sealed partial class OctaveBatchNorm2d : nn.Module<OctaveTensor, OctaveTensor>
    {
        /// <summary>Builds the two batch norms with PyTorch's defaults.</summary>
        /// <param name="channels">Channels C of the pair, both frequencies (at least 1).</param>
        /// <param name="alpha">Low-frequency fraction in [0, 1] (the alpha_out of the convolution before it).</param>
        /// <param name="eps">BatchNorm2d eps.</param>
        /// <param name="momentum">BatchNorm2d momentum.</param>
        /// <param name="affine">Learnable weight and bias.</param>
        /// <param name="track_running_stats">Keep running mean and variance.</param>
        /// <exception cref="ArgumentException">channels is below 1 or alpha is outside [0, 1].</exception>
        public OctaveBatchNorm2d(long channels, double alpha = 0.5, double eps = 1e-5, double momentum = 0.1, bool affine = true,
                                 bool track_running_stats = true)
            : base(nameof(OctaveBatchNorm2d))
        {
            if (channels < 1)
                throw new ArgumentException($"OctaveBatchNorm2d: channels must be at least 1, got {channels}.", nameof(channels));
            OctaveConvPlan.CheckAlpha(nameof(OctaveBatchNorm2d), alpha, nameof(alpha));
            Channels = channels;
            Alpha = alpha;
            (BnHigh, BnLow) = Create(this, channels, alpha, eps, momentum, affine, track_running_stats);
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under PyTorch's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add every field a second time
        /// under its C# name; this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>Channels C (both frequencies).</summary>
        public long Channels { get; }

        /// <summary>Low-frequency fraction α.</summary>
        public double Alpha { get; }

        /// <summary>High-frequency channels, C − int(α·C).</summary>
        public long HighChannels => Channels - OctaveConv2d.LowChannels(Channels, Alpha);

        /// <summary>Low-frequency channels, int(α·C).</summary>
        public long LowChannels => OctaveConv2d.LowChannels(Channels, Alpha);

        /// <summary><c>bn_h</c>, or null when there are no high-frequency channels.</summary>
        public Modules.BatchNorm2d? BnHigh { get; }

        /// <summary><c>bn_l</c>, or null when there are no low-frequency channels.</summary>
        public Modules.BatchNorm2d? BnLow { get; }

        /// <summary>Normalises each frequency with its own batch norm; the shapes are unchanged.</summary>
        /// <exception cref="ArgumentException">The pair's channels per frequency are not (C − int(α·C), int(α·C)) or the
        /// low part is missing or unexpected; the message names the expected and actual shapes.</exception>
        public override OctaveTensor forward(OctaveTensor x)
        {
            if (x.High is null)
                throw new ArgumentException("OctaveBatchNorm2d: the input pair has no high-frequency tensor (a default OctaveTensor).", nameof(x));
            bool highOk = x.High.dim() == 4 && x.High.shape[1] == HighChannels;
            bool lowOk = LowChannels == 0 ? x.Low is null : x.Low is not null && x.Low.dim() == 4 && x.Low.shape[1] == LowChannels;
            if (!highOk || !lowOk)
                throw new ArgumentException(
                    $"OctaveBatchNorm2d: expected high (N, {HighChannels}, H, W), " +
                    (LowChannels > 0 ? $"low (N, {LowChannels}, H/2, W/2)" : "no low part") +
                    $" (channels {Channels}, alpha {OctaveConvPlan.Num(Alpha)}); got {x.ShapeText}.", nameof(x));
            return Apply(BnHigh, BnLow, null, x);
        }

        /// <summary>Creates bn_h and bn_l for a C-channel pair and registers them on <paramref name="owner"/>.</summary>
        internal static (Modules.BatchNorm2d? High, Modules.BatchNorm2d? Low) Create(nn.Module owner, long channels, double alpha,
            double eps = 1e-5, double momentum = 0.1, bool affine = true, bool trackRunningStats = true)
        {
            long low = OctaveConv2d.LowChannels(channels, alpha);
            long high = channels - low;
            Modules.BatchNorm2d? bnH = null, bnL = null;
            if (high > 0)
            {
                bnH = nn.BatchNorm2d(high, eps, momentum, affine, trackRunningStats);
                owner.register_module("bn_h", bnH);
            }
            if (low > 0)
            {
                bnL = nn.BatchNorm2d(low, eps, momentum, affine, trackRunningStats);
                owner.register_module("bn_l", bnL);
            }
            return (bnH, bnL);
        }

        /// <summary>bn_h (then the activation) on the high part, bn_l (then the activation) on the low part.</summary>
        internal static OctaveTensor Apply(Modules.BatchNorm2d? bnH, Modules.BatchNorm2d? bnL, nn.Module<Tensor, Tensor>? activation,
                                           OctaveTensor x, bool releaseInput = false)
        {
            using var scope = torch.NewDisposeScope();
            // No bn_h only with zero high channels: an alias keeps the empty map in this scope. Each frequency's
            // intermediates are released as soon as the next step has read them (and x's parts too when the caller made
            // x for this call: a convolution's output).
            var high = bnH is null ? x.High.alias() : bnH.call(x.High);
            if (releaseInput) high = high.Releasing(x.High);
            if (activation is not null && bnH is not null) high = activation.call(high).Releasing(high);
            Tensor? low = null;
            if (x.Low is not null)
            {
                low = bnL!.call(x.Low);
                if (releaseInput) low = low.Releasing(x.Low);
                if (activation is not null) low = activation.call(low).Releasing(low);
            }
            return new OctaveTensor(high, low).MoveToOuterDisposeScope();
        }
    }
}

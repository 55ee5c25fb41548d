using System;
using TorchSharp;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Octave
{
    /// <summary>
    /// An octave convolution followed by one batch norm per frequency: d-li14's <c>Conv_BN</c> (children <c>conv</c>,
    /// <c>bn_h</c>, <c>bn_l</c>, so state_dict keys such as <c>conv.conv_h2h.weight</c> and <c>bn_l.running_var</c>).
    /// </summary>
    /// <remarks>
    /// The batch norms have the convolution's output split, C_out − int(α_out·C_out) and int(α_out·C_out) (not d-li14's
    /// int(C_out·(1 − α_out)); see <see cref="OctaveBatchNorm2d"/>), and exist only for a frequency with channels. Like
    /// every octave module it is <c>nn.Module&lt;OctaveTensor, OctaveTensor&gt;</c> (see <see cref="OctaveConv2d"/>).
    /// </remarks>
    public sealed partial class OctaveConvBn : nn.Module<OctaveTensor, OctaveTensor>
    {
        /// <summary>Builds the convolution (arguments as <see cref="OctaveConv2d"/>) and the two batch norms (PyTorch defaults).</summary>
        /// <param name="in_channels">Input channels C_in (both frequencies).</param>
        /// <param name="out_channels">Output channels C_out (both frequencies).</param>
        /// <param name="kernel_size">Square kernel size.</param>
        /// <param name="alpha_in">Low-frequency fraction of the input, in [0, 1].</param>
        /// <param name="alpha_out">Low-frequency fraction of the output, in [0, 1].</param>
        /// <param name="stride">1 or 2.</param>
        /// <param name="padding">Padding of every convolution.</param>
        /// <param name="dilation">Dilation of every convolution.</param>
        /// <param name="groups">Groups (groups = in_channels: depthwise).</param>
        /// <param name="bias">Give every convolution a bias.</param>
        /// <exception cref="ArgumentException">As for <see cref="OctaveConv2d"/>.</exception>
        public OctaveConvBn(long in_channels, long out_channels, long kernel_size, double alpha_in = 0.5, double alpha_out = 0.5,
                            long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = false)
            : base(nameof(OctaveConvBn))
        {
            Conv = new OctaveConv2d(in_channels, out_channels, kernel_size, alpha_in, alpha_out, stride, padding, dilation, groups, bias);
            register_module("conv", Conv);
            (BnHigh, BnLow) = OctaveBatchNorm2d.Create(this, out_channels, alpha_out);
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under PyTorch's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add every field a second time
        /// under its C# name; this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>The octave convolution <c>conv</c>.</summary>
        public OctaveConv2d Conv { get; }

        /// <summary><c>bn_h</c> over the high-frequency output channels, or null when there are none.</summary>
        public Modules.BatchNorm2d? BnHigh { get; }

        /// <summary><c>bn_l</c> over the low-frequency output channels, or null when there are none.</summary>
        public Modules.BatchNorm2d? BnLow { get; }

        /// <summary>conv, then bn_h on the high part and bn_l on the low part.</summary>
        /// <exception cref="ArgumentException">The input does not fit the convolution (see <see cref="OctaveConv2d.forward"/>).</exception>
        public override OctaveTensor forward(OctaveTensor x)
        {
            using var scope = NewDisposeScope();
            var y = Conv.call(x);
            return OctaveBatchNorm2d.Apply(BnHigh, BnLow, null, y, releaseInput: true).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// An octave convolution, one batch norm per frequency and the activation on each frequency: d-li14's
    /// <c>Conv_BN_ACT</c> (children <c>conv</c>, <c>bn_h</c>, <c>bn_l</c>, <c>act</c>).
    /// </summary>
    /// <remarks>
    /// As <see cref="OctaveConvBn"/>, plus one activation module <c>act</c> (ReLU by default) applied to the high and the
    /// low part in turn, as d-li14 does (an activation with state, e.g. PReLU, is therefore shared by both frequencies and
    /// appears once in the state_dict, under <c>act.</c>).
    /// </remarks>
    public sealed partial class OctaveConvBnAct : nn.Module<OctaveTensor, OctaveTensor>
    {
        /// <summary>Builds the convolution (arguments as <see cref="OctaveConv2d"/>), the two batch norms and the activation.</summary>
        /// <param name="in_channels">Input channels C_in (both frequencies).</param>
        /// <param name="out_channels">Output channels C_out (both frequencies).</param>
        /// <param name="kernel_size">Square kernel size.</param>
        /// <param name="alpha_in">Low-frequency fraction of the input, in [0, 1].</param>
        /// <param name="alpha_out">Low-frequency fraction of the output, in [0, 1].</param>
        /// <param name="stride">1 or 2.</param>
        /// <param name="padding">Padding of every convolution.</param>
        /// <param name="dilation">Dilation of every convolution.</param>
        /// <param name="groups">Groups (groups = in_channels: depthwise).</param>
        /// <param name="bias">Give every convolution a bias.</param>
        /// <param name="activation_layer">Makes the activation module (d-li14's <c>activation_layer</c>); ReLU when null.</param>
        /// <exception cref="ArgumentException">As for <see cref="OctaveConv2d"/>.</exception>
        public OctaveConvBnAct(long in_channels, long out_channels, long kernel_size, double alpha_in = 0.5, double alpha_out = 0.5,
                               long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = false,
                               Func<nn.Module<Tensor, Tensor>>? activation_layer = null)
            : base(nameof(OctaveConvBnAct))
        {
            Conv = new OctaveConv2d(in_channels, out_channels, kernel_size, alpha_in, alpha_out, stride, padding, dilation, groups, bias);
            register_module("conv", Conv);
            (BnHigh, BnLow) = OctaveBatchNorm2d.Create(this, out_channels, alpha_out);
            Activation = activation_layer is null ? nn.ReLU() : activation_layer()
                ?? throw new ArgumentException("OctaveConvBnAct: activation_layer returned null.", nameof(activation_layer));
            register_module("act", Activation);
        }

        /// <summary>
        /// Components are registered explicitly in the constructor under PyTorch's names. TorchSharp calls
        /// RegisterComponents again when a parent registers this module, which would add every field a second time
        /// under its C# name; this module has nothing more to register.
        /// </summary>
        protected override void RegisterComponents()
        {
        }

        /// <summary>The octave convolution <c>conv</c>.</summary>
        public OctaveConv2d Conv { get; }

        /// <summary><c>bn_h</c> over the high-frequency output channels, or null when there are none.</summary>
        public Modules.BatchNorm2d? BnHigh { get; }

        /// <summary><c>bn_l</c> over the low-frequency output channels, or null when there are none.</summary>
        public Modules.BatchNorm2d? BnLow { get; }

        /// <summary>The activation <c>act</c>, applied to each frequency.</summary>
        public nn.Module<Tensor, Tensor> Activation { get; }

        /// <summary>conv, then act(bn_h(·)) on the high part and act(bn_l(·)) on the low part.</summary>
        /// <exception cref="ArgumentException">The input does not fit the convolution (see <see cref="OctaveConv2d.forward"/>).</exception>
        public override OctaveTensor forward(OctaveTensor x)
        {
            using var scope = NewDisposeScope();
            var y = Conv.call(x);
            return OctaveBatchNorm2d.Apply(BnHigh, BnLow, Activation, y, releaseInput: true).MoveToOuterDisposeScope();
        }
    }
}

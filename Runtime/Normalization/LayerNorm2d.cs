using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Normalization
{
    /// <summary>
    /// LayerNorm over the channels of an [N, C, H, W] map, torchvision's <c>ops.misc.LayerNorm2d</c> (and timm's): permute
    /// to channels-last, layer_norm over C, permute back. State_dict keys <c>weight</c> and <c>bias</c> of shape (C).
    /// </summary>
    public sealed partial class LayerNorm2d : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter _weight;
        private readonly TorchSharp.Modules.Parameter _bias;

        /// <param name="channels">C (at least 1).</param>
        /// <param name="eps">Added to the variance (torchvision's ConvNeXt passes 1e-6).</param>
        public LayerNorm2d(long channels, double eps = 1e-5) : base(nameof(LayerNorm2d))
        {
            if (channels < 1) throw new ArgumentException($"LayerNorm2d needs at least one channel, got {channels}", nameof(channels));
            if (!(eps > 0) || double.IsInfinity(eps)) throw new ArgumentException($"LayerNorm2d eps must be positive and finite, got {eps}", nameof(eps));
            Channels = channels;
            Eps = eps;
            _weight = nn.Parameter(ones(channels));
            _bias = nn.Parameter(zeros(channels));
            register_parameter("weight", _weight);
            register_parameter("bias", _bias);
        }

        public long Channels { get; }
        public double Eps { get; }

        /// <summary>Nothing more to register (the constructor registers under PyTorch's names).</summary>
        protected override void RegisterComponents()
        {
        }

        public override Tensor forward(Tensor input)
        {
            if (input.dim() != 4 || input.shape[1] != Channels)
                throw new ArgumentException($"LayerNorm2d({Channels}) expects [N, {Channels}, H, W], got [{string.Join(", ", input.shape)}]", nameof(input));
            using var scope = NewDisposeScope();
            var weight = get_parameter("weight")!;
            var bias = get_parameter("bias")!;
            var x = input.permute(0, 2, 3, 1);
            x = nn.functional.layer_norm(x, new long[] { Channels }, weight, bias, Eps);
            return x.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
        }

        public override string ToString() => $"LayerNorm2d({Channels}, eps={Eps})";
    }
}

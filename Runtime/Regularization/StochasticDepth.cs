using System;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Regularization
{
    // The mode is NetDsl.StochasticDepthMode, the attribute's.
    /// <summary>
    /// torchvision.ops.StochasticDepth (Huang et al. 2016, "Deep Networks with Stochastic Depth"): in training, zeroes the
    /// input with probability p, per sample (row) or for the whole batch, and scales what survives by 1 / (1 − p);
    /// identity in eval mode or when p = 0. No state.
    /// </summary>
    public sealed partial class StochasticDepth : nn.Module<Tensor, Tensor>
    {
        /// <param name="p">Probability of dropping, within [0, 1].</param>
        /// <param name="mode">Whole samples (row) or the whole batch.</param>
        public StochasticDepth(double p, StochasticDepthMode mode = StochasticDepthMode.Row) : base(nameof(StochasticDepth))
        {
            if (double.IsNaN(p) || p < 0 || p > 1) throw new ArgumentException($"drop probability has to be between 0 and 1, but got {p}", nameof(p));
            P = p;
            Mode = mode;
        }

        public double P { get; }
        public StochasticDepthMode Mode { get; }

        public override Tensor forward(Tensor input)
        {
            if (!training || P == 0.0) return input.alias();
            using var scope = NewDisposeScope();
            var shape = new long[input.dim()];
            for (int i = 0; i < shape.Length; i++) shape[i] = 1;
            if (Mode == StochasticDepthMode.Row) shape[0] = input.shape[0];
            double survival = 1.0 - P;
            var noise = empty(shape, dtype: input.dtype, device: input.device).bernoulli_(survival);
            if (survival > 0.0) noise.div_(survival);
            return (input * noise).MoveToOuterDisposeScope();
        }

        public override string ToString() => $"StochasticDepth(p={P}, mode={Mode.ToString().ToLowerInvariant()})";
    }
}

using System;

namespace NetDsl
{
    // The layers of today's CNNs (ConvNeXt, EfficientNet, MobileNetV3): normalisation over the channels, the
    // channels-last layout, hard activations, a learnable per-channel scale and stochastic depth.

    /// <summary>
    /// <c>nn.LayerNorm</c> over the last dimension: the channels of a channels-last [N, H, W, C] map (after
    /// <see cref="PermuteAttribute"/>, as torchvision's ConvNeXt block) or the features of a flat [N, F] tensor. On an
    /// NCHW map use <see cref="LayerNorm2dAttribute"/>.
    /// </summary>
    public sealed class LayerNormAttribute : LayerAttribute
    {
        public double Eps { get; set; } = 1e-5;
    }

    /// <summary>LayerNorm over the channels of an [N, C, H, W] map (torchvision's and timm's <c>LayerNorm2d</c>).</summary>
    public sealed class LayerNorm2dAttribute : LayerAttribute
    {
        public double Eps { get; set; } = 1e-5;
    }

    /// <summary><c>nn.GroupNorm(groups, C)</c> on an [N, C, H, W] map.</summary>
    public sealed class GroupNormAttribute : LayerAttribute
    {
        public GroupNormAttribute(object groups) => Groups = groups;
        public object Groups { get; }
        public double Eps { get; set; } = 1e-5;
    }

    /// <summary>
    /// Permutes the dimensions (torchvision's <c>ops.misc.Permute</c>, a module that takes its index in a sequence):
    /// <c>[Permute(0, 2, 3, 1)]</c> to channels-last [N, H, W, C], <c>[Permute(0, 3, 1, 2)]</c> back. The batch stays first.
    /// </summary>
    public sealed class PermuteAttribute : LayerAttribute
    {
        public PermuteAttribute(params int[] dims) => Dims = dims;
        public int[] Dims { get; }
    }

    /// <summary><c>nn.Hardswish</c> (MobileNetV3).</summary>
    public sealed class HardswishAttribute : LayerAttribute
    {
        public bool Inplace { get; set; }
    }

    /// <summary><c>nn.Hardsigmoid</c> (MobileNetV3's squeeze-excitation gate).</summary>
    public sealed class HardsigmoidAttribute : LayerAttribute
    {
        public bool Inplace { get; set; }
    }

    /// <summary>The shape of a <see cref="ScaleAttribute"/>'s learnable tensor.</summary>
    public enum ScaleShape
    {
        /// <summary>(C, 1, 1): torchvision's ConvNeXt <c>layer_scale</c>, broadcast over an NCHW map.</summary>
        ChannelMap = 0,
        /// <summary>(C): timm's <c>gamma</c>; reshaped to (1, C, 1, 1) on an NCHW map, as is on a channels-last one.</summary>
        Channels = 1,
    }

    /// <summary>
    /// A learnable tensor that multiplies the current value, registered directly under the stage's name (the key is
    /// <c>layer_scale</c>, not <c>layer_scale.weight</c>), initialised to <see cref="Init"/>. On a stage of its own.
    /// </summary>
    public sealed class ScaleAttribute : LayerAttribute
    {
        public double Init { get; set; } = 1.0;
        public ScaleShape Shape { get; set; } = ScaleShape.ChannelMap;
    }

    /// <summary>How <see cref="StochasticDepthAttribute"/> drops paths.</summary>
    public enum StochasticDepthMode
    {
        /// <summary>Each sample of the batch on its own (torchvision's "row").</summary>
        Row = 0,
        /// <summary>The whole batch at once ("batch").</summary>
        Batch = 1,
    }

    /// <summary>
    /// torchvision.ops.StochasticDepth: in training, drops the residual branch with probability <c>p</c> (a number, or
    /// inside a block an expression over its parameters, e.g. <c>"sd_prob"</c>) and scales the rest by 1 / (1 − p);
    /// identity in eval mode.
    /// </summary>
    public sealed class StochasticDepthAttribute : LayerAttribute
    {
        public StochasticDepthAttribute(object p) => P = p;
        public object P { get; }
        public StochasticDepthMode Mode { get; set; } = StochasticDepthMode.Row;
    }
}

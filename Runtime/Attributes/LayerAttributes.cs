using System;

namespace NetDsl
{
    // Layer attributes go on a Stage field. Several on one field make a sequence (emitted as an
    // nn.Sequential named after the field, children "0", "1", ...); a single one is the layer itself.
    //
    // Arguments typed `object` take an int literal, or, inside a [Block], a string expression over the
    // block's [Param] fields and `in_channels`, e.g. "planes * 4" or "in_channels / 4".

    /// <summary>Base class of every stage attribute.</summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = true, Inherited = false)]
    public abstract class LayerAttribute : Attribute
    {
    }

    /// <summary>2-D convolution (<c>nn.Conv2d</c>).</summary>
    public sealed class ConvAttribute : LayerAttribute
    {
        public ConvAttribute(object outChannels) => OutChannels = outChannels;
        public object OutChannels { get; }
        /// <summary>Kernel size (square). Default 3.</summary>
        public object Kernel { get; set; } = 3;
        public object Stride { get; set; } = 1;
        /// <summary>An int, an expression, or "same" (stride 1 only) / "valid".</summary>
        public object Padding { get; set; } = 0;
        public object Dilation { get; set; } = 1;
        public object Groups { get; set; } = 1;
        public bool Bias { get; set; } = true;
        /// <summary>Optional: the input channels this layer expects; checked at compile time.</summary>
        public object? In { get; set; }
    }

    /// <summary>2-D transposed convolution (<c>nn.ConvTranspose2d</c>).</summary>
    public sealed class ConvTransposeAttribute : LayerAttribute
    {
        public ConvTransposeAttribute(object outChannels) => OutChannels = outChannels;
        public object OutChannels { get; }
        public object Kernel { get; set; } = 3;
        public object Stride { get; set; } = 1;
        public object Padding { get; set; } = 0;
        public object OutputPadding { get; set; } = 0;
        public object Dilation { get; set; } = 1;
        public object Groups { get; set; } = 1;
        public bool Bias { get; set; } = true;
        /// <summary>Optional: the input channels this layer expects; checked at compile time.</summary>
        public object? In { get; set; }
    }

    /// <summary><c>nn.BatchNorm2d</c> over the incoming channels (or <c>BatchNorm1d</c> after Flatten).</summary>
    public sealed class BatchNormAttribute : LayerAttribute
    {
        public double Eps { get; set; } = 1e-5;
        public double Momentum { get; set; } = 0.1;
        /// <summary>Optional: the input channels this layer expects; checked at compile time.</summary>
        public object? In { get; set; }
    }

    /// <summary><c>nn.ReLU</c>.</summary>
    public sealed class ReLUAttribute : LayerAttribute
    {
        public bool Inplace { get; set; }
    }

    /// <summary><c>nn.ReLU6</c>.</summary>
    public sealed class ReLU6Attribute : LayerAttribute
    {
        public bool Inplace { get; set; }
    }

    /// <summary><c>nn.LeakyReLU</c>.</summary>
    public sealed class LeakyReLUAttribute : LayerAttribute
    {
        public double Slope { get; set; } = 0.01;
        public bool Inplace { get; set; }
    }

    /// <summary><c>nn.GELU</c>.</summary>
    public sealed class GELUAttribute : LayerAttribute { }

    /// <summary><c>nn.Sigmoid</c>.</summary>
    public sealed class SigmoidAttribute : LayerAttribute { }

    /// <summary><c>nn.SiLU</c>.</summary>
    public sealed class SiLUAttribute : LayerAttribute { }

    /// <summary><c>nn.Tanh</c>.</summary>
    public sealed class TanhAttribute : LayerAttribute { }

    /// <summary><c>nn.MaxPool2d</c>. Stride defaults to the kernel size, as in PyTorch.</summary>
    public sealed class MaxPoolAttribute : LayerAttribute
    {
        public MaxPoolAttribute(object kernel) => Kernel = kernel;
        public object Kernel { get; }
        /// <summary>Stride; 0 means "same as the kernel" (PyTorch's default).</summary>
        public object Stride { get; set; } = 0;
        public object Padding { get; set; } = 0;
        public object Dilation { get; set; } = 1;
        public bool CeilMode { get; set; }
    }

    /// <summary><c>nn.AvgPool2d</c>. Stride defaults to the kernel size, as in PyTorch.</summary>
    public sealed class AvgPoolAttribute : LayerAttribute
    {
        public AvgPoolAttribute(object kernel) => Kernel = kernel;
        public object Kernel { get; }
        /// <summary>Stride; 0 means "same as the kernel" (PyTorch's default).</summary>
        public object Stride { get; set; } = 0;
        public object Padding { get; set; } = 0;
        public bool CeilMode { get; set; }
        public bool CountIncludePad { get; set; } = true;
    }

    /// <summary><c>nn.AdaptiveAvgPool2d</c> to a fixed output size.</summary>
    public sealed class AdaptiveAvgPoolAttribute : LayerAttribute
    {
        public AdaptiveAvgPoolAttribute(object size) => Size = size;
        public object Size { get; }
    }

    /// <summary><c>nn.AdaptiveMaxPool2d</c> to a fixed output size.</summary>
    public sealed class AdaptiveMaxPoolAttribute : LayerAttribute
    {
        public AdaptiveMaxPoolAttribute(object size) => Size = size;
        public object Size { get; }
    }

    /// <summary>Global average pooling: <c>nn.AdaptiveAvgPool2d(1)</c>, output [N, C, 1, 1].</summary>
    public sealed class GlobalAvgPoolAttribute : LayerAttribute { }

    /// <summary>Global max pooling: <c>nn.AdaptiveMaxPool2d(1)</c>, output [N, C, 1, 1].</summary>
    public sealed class GlobalMaxPoolAttribute : LayerAttribute { }

    /// <summary><c>nn.Flatten</c> (from dim 1): [N, C, H, W] to [N, C*H*W].</summary>
    public sealed class FlattenAttribute : LayerAttribute { }

    /// <summary><c>nn.Linear</c>; in-features are the flattened size of the incoming tensor.</summary>
    public sealed class LinearAttribute : LayerAttribute
    {
        public LinearAttribute(object outFeatures) => OutFeatures = outFeatures;
        public object OutFeatures { get; }
        public bool Bias { get; set; } = true;
        /// <summary>Optional: the in-features this layer expects (the flattened size); checked at compile time.</summary>
        public object? In { get; set; }
    }

    /// <summary><c>nn.Dropout</c> (or <c>Dropout2d</c> with <see cref="Channelwise"/>).</summary>
    public sealed class DropoutAttribute : LayerAttribute
    {
        public DropoutAttribute() { }
        public DropoutAttribute(double p) => P = p;
        public double P { get; set; } = 0.5;
        public bool Channelwise { get; set; }
    }

    /// <summary>Upsampling mode for <see cref="UpsampleAttribute"/>.</summary>
    public enum UpsampleMode
    {
        Nearest = 0,
        Bilinear = 1,
    }

    /// <summary>
    /// <c>nn.Upsample</c>: by an integer <see cref="Scale"/>, or to a fixed <see cref="Height"/> x <see cref="Width"/>.
    /// </summary>
    public sealed class UpsampleAttribute : LayerAttribute
    {
        public UpsampleAttribute() { }
        public UpsampleAttribute(object scale) => Scale = scale;
        /// <summary>Integer scale factor (or an expression); 0 when a size is given.</summary>
        public object Scale { get; set; } = 0;
        /// <summary>Output height (or an expression); 0 when a scale is given.</summary>
        public object Height { get; set; } = 0;
        /// <summary>Output width (or an expression); 0 when a scale is given.</summary>
        public object Width { get; set; } = 0;
        public UpsampleMode Mode { get; set; } = UpsampleMode.Nearest;
        public bool AlignCorners { get; set; }
    }

    /// <summary>Identity (<c>nn.Identity</c>): a named no-op, handy as a tap point.</summary>
    public sealed class IdentityAttribute : LayerAttribute { }

    /// <summary>How <see cref="SPPAttribute"/> pools each bin.</summary>
    public enum PoolMode
    {
        Max = 0,
        Average = 1,
    }

    /// <summary>
    /// Spatial pyramid pooling (He et al. 2015): pool the map into n x n bins for each level (PyTorch adaptive
    /// pooling), flatten and concatenate: a fixed C·Σn² features whatever the input size, so a Linear can follow.
    /// </summary>
    public sealed class SPPAttribute : LayerAttribute
    {
        public SPPAttribute(params int[] bins) => Bins = bins;
        /// <summary>Bins per side for each level; empty means 4, 2, 1 (sppnet-pytorch's levels).</summary>
        public int[] Bins { get; }
        public PoolMode Mode { get; set; } = PoolMode.Max;
    }

    /// <summary>
    /// torchvision's ASPP: a 1x1 branch, one 3x3 atrous branch per rate (padding = rate), image pooling (global average
    /// pool, 1x1, BN, ReLU, bilinear back), concatenated and projected to <see cref="Out"/> channels (1x1, BN, ReLU,
    /// dropout 0.5). State-dict names as torchvision's (<c>convs.0.0.weight</c>, ..., <c>project.0.weight</c>).
    /// </summary>
    public sealed class ASPPAttribute : LayerAttribute
    {
        public ASPPAttribute(params int[] rates) => Rates = rates;
        /// <summary>Atrous rates; torchvision's DeepLabV3 uses 12, 24, 36 at output stride 8.</summary>
        public int[] Rates { get; }
        public object Out { get; set; } = 256;
    }

    /// <summary>
    /// torchvision's DeepLabHead: ASPP(in, rates 12/24/36) then 3x3 conv 256→256 (no bias), BN, ReLU, and a 1x1 conv to
    /// the classes. Children named "0".."4" as torchvision's nn.Sequential.
    /// </summary>
    public sealed class DeepLabHeadAttribute : LayerAttribute
    {
        public DeepLabHeadAttribute(object numClasses) => NumClasses = numClasses;
        public object NumClasses { get; }
    }

    /// <summary>torchvision's FCNHead: 3x3 conv to in/4 (no bias), BN, ReLU, dropout 0.1, 1x1 conv to the channels.</summary>
    public sealed class FCNHeadAttribute : LayerAttribute
    {
        public FCNHeadAttribute(object channels) => Channels = channels;
        public object Channels { get; }
    }
}

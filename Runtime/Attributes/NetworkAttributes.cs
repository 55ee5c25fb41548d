using System;

namespace NetDsl
{
    /// <summary>
    /// Marks a <c>partial</c> class as a network. Its <see cref="Stage"/> fields, in declaration order,
    /// are the forward path; the generator makes the class a TorchSharp <c>Module&lt;Tensor, Tensor&gt;</c>.
    /// </summary>
    /// <remarks>
    /// <see cref="Height"/> and <see cref="Width"/> may be left at 0: the size is then symbolic and the
    /// compiler collects the constraints it needs (for example "H must be a multiple of 32"), which the
    /// generated module checks at run time.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>Channels of the input tensor (NCHW).</summary>
        public int InChannels { get; set; } = 3;

        /// <summary>Input height; 0 for a symbolic height.</summary>
        public int Height { get; set; }

        /// <summary>Input width; 0 for a symbolic width.</summary>
        public int Width { get; set; }

        /// <summary>Batch size used for the summary's memory figures (the batch itself is always dynamic).</summary>
        public int Batch { get; set; } = 1;

        /// <summary>
        /// The output stride to reach by trading the last strides for dilation (torchvision's
        /// <c>replace_stride_with_dilation</c>): the compiler marks the last strided <see cref="UseAttribute"/> stages
        /// <see cref="UseAttribute.Dilate"/> until the path's stride is this power of 2. 0 keeps the strides.
        /// </summary>
        public int OutputStride { get; set; }

        /// <summary>
        /// A variant of another network: this class gets that network's stages, and its own <c>[Param]</c> fields set new
        /// values for the body's parameters (<c>[Network(Like = typeof(ResNet50))] partial class ResNet101 { [Param] int
        /// layers3 = 23; }</c>). One body for ResNet-18 to 152, with the reference's keys and no prefix. A variant declares
        /// no stages of its own; InChannels, Height, Width and Batch come from the body unless the variant gives them.
        /// </summary>
        public Type? Like { get; set; }
    }

    /// <summary>
    /// Marks a <c>partial</c> class as a reusable block: a module with parameters, used as a stage with
    /// <see cref="UseAttribute"/> or <see cref="BranchAttribute"/>. Its input channel count is known to the
    /// compiler at each use and is available to expressions as <c>in_channels</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class BlockAttribute : Attribute
    {
        /// <summary>
        /// Emit the block like a PyTorch <c>nn.Sequential</c> subclass: children are named "0", "1", ...
        /// (torchvision's <c>ASPPConv</c>), instead of by field name.
        /// </summary>
        public bool Sequential { get; set; }

        /// <summary>As <see cref="NetworkAttribute.OutputStride"/>, for the block's own stages (ResNet-50 at output stride 8 as
        /// DeepLabV3's backbone). 0 keeps the strides.</summary>
        public int OutputStride { get; set; }
    }

    /// <summary>
    /// A block parameter. Declare it as an <c>int</c> field of the block (or a <c>double</c> one for an octave
    /// convolution's alpha); an initializer gives the default. Parameters are positional at the use site, in declaration
    /// order.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class ParamAttribute : Attribute
    {
        /// <summary>
        /// In a repeated use (<see cref="UseAttribute.Repeat"/>), only the first copy receives the given
        /// value; the later copies get the default. This is ResNet's <c>_make_layer</c>: stride 2 on the
        /// first Bottleneck of a layer, stride 1 on the rest.
        /// </summary>
        public bool FirstRepeatOnly { get; set; }
    }
}

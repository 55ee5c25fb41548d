using System;

namespace NetDsl
{
    /// <summary>
    /// Uses a <see cref="BlockAttribute"/> class as the stage, with positional arguments for its
    /// <see cref="ParamAttribute"/> fields. With <see cref="Repeat"/> &gt; 1 the stage is an nn.Sequential of
    /// copies named "0", "1", ... (ResNet's <c>layer1</c>), each fed the previous one's output.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class UseAttribute : LayerAttribute
    {
        public UseAttribute(Type block, params object[] args)
        {
            Block = block;
            Args = args;
        }

        public Type Block { get; }
        public object[] Args { get; }

        /// <summary>Number of copies; 1 means the block itself is the stage.</summary>
        public int Repeat { get; set; } = 1;

        /// <summary>
        /// Arguments for the first copy of a repeated use, when it differs from the others by more than a
        /// <see cref="ParamAttribute.FirstRepeatOnly"/> parameter. torchvision's <c>_make_layer(dilate=True)</c> is
        /// the case: the first Bottleneck keeps the previous dilation, the later ones use the new one.
        /// </summary>
        public object[]? FirstArgs { get; set; }

        /// <summary>
        /// Trade this use's stride for dilation, as torchvision's <c>_make_layer(dilate=True)</c> (its
        /// <c>replace_stride_with_dilation</c>): the block's <c>stride</c> argument becomes 1 and the declaration's running
        /// dilation is multiplied by it; the first copy keeps the previous dilation, the later copies take the new one.
        /// Later uses of blocks with a dilation parameter that do not give it take the running dilation, as torchvision's do.
        /// The block needs <c>[Param] int stride</c> (first-copy-only when repeated) and <c>[Param] int dilation</c>.
        /// </summary>
        public bool Dilate { get; set; }
    }

    /// <summary>How a shortcut that changes shape is handled.</summary>
    public enum Projection
    {
        /// <summary>Add a 1x1 conv (stride = the main path's stride, no bias) + BatchNorm when the shapes differ.</summary>
        Auto = 0,
        /// <summary>Always project, even when the shapes already match.</summary>
        Always = 1,
        /// <summary>Never project: the shapes must match (a compile-time error otherwise).</summary>
        Never = 2,
    }

    /// <summary>
    /// Residual add: adds the input of the enclosing block (or network) to the current tensor. When the
    /// shapes differ it is projected (see <see cref="Projection"/>); the projection module takes the
    /// stage's name, so ResNet's <c>downsample</c> is <c>[Shortcut] Stage downsample;</c>.
    /// </summary>
    public sealed class ShortcutAttribute : LayerAttribute
    {
        public Projection Projection { get; set; } = Projection.Auto;
    }

    /// <summary>Skip connection: adds the outputs of earlier named stages to the current tensor (same shape).</summary>
    public sealed class AddAttribute : LayerAttribute
    {
        public AddAttribute(params string[] from) => From = from;
        public string[] From { get; }
    }

    /// <summary>
    /// Skip connection: concatenates, along channels, the current tensor followed by the outputs of earlier
    /// named stages (same spatial size). U-Net and SPEED decoders.
    /// </summary>
    public sealed class ConcatAttribute : LayerAttribute
    {
        public ConcatAttribute(params string[] from) => From = from;
        public string[] From { get; }
    }

    /// <summary>How parallel branches are joined.</summary>
    public enum Join
    {
        /// <summary>Concatenate along channels (branches must agree on spatial size).</summary>
        Concat = 0,
        /// <summary>Sum element-wise (branches must agree on the whole shape).</summary>
        Sum = 1,
    }

    /// <summary>
    /// One parallel branch: a block applied to the stage's input. Put several on one Stage field with a
    /// <see cref="JoinAttribute"/>; the stage becomes an nn.ModuleList named after the field, branches "0", "1", ...
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = true, Inherited = false)]
    public sealed class BranchAttribute : LayerAttribute
    {
        public BranchAttribute(Type block, params object[] args)
        {
            Block = block;
            Args = args;
        }

        public Type Block { get; }
        public object[] Args { get; }
    }

    /// <summary>Joins the <see cref="BranchAttribute"/>s of a stage.</summary>
    public sealed class JoinAttribute : LayerAttribute
    {
        public JoinAttribute(Join mode) => Mode = mode;
        public Join Mode { get; }
    }
}

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

        /// <summary>
        /// A use of the block a <c>[Param] Type</c> of the declaration names (<c>[Use("block", 64)]</c> with
        /// <c>[Param] Type block = typeof(Bottleneck);</c>): one network body for several blocks, as torchvision's
        /// <c>ResNet(block, layers)</c>. The parameter is fixed by the declaration; a variant
        /// (<see cref="NetworkAttribute.Like"/>) sets another.
        /// </summary>
        public UseAttribute(string blockParameter, params object[] args)
        {
            BlockParameter = blockParameter;
            Args = args;
        }

        public Type? Block { get; }
        public string? BlockParameter { get; }
        public object[] Args { get; }

        /// <summary>
        /// Number of copies; 1 means the block itself is the stage. A number, or an expression over the network's
        /// parameters (<c>Repeat = "layers3"</c>, torchvision's <c>_make_layer(block, 256, layers[2])</c>): a parameter a
        /// count depends on is fixed by the declaration (the compile-time summary, keys and counts are exact for it), and a
        /// variant (<see cref="NetworkAttribute.Like"/>) sets another value.
        /// </summary>
        public object Repeat { get; set; } = 1;

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

        /// <summary>
        /// The names of the copies of a repeated use, as a pattern: <c>{0}</c> is the copy's index from 0, <c>{1}</c> from 1
        /// (torchvision's DenseNet: <c>Names = "denselayer{1}"</c>). Default: "0", "1", ... as nn.Sequential names them.
        /// </summary>
        public string? Names { get; set; }

        /// <summary>
        /// In a <c>[Block(Sequential = true)]</c>, the copies of a repeated use are children of the block itself with
        /// consecutive indices, not of a Sequential of their own: torchvision's MobileNetV2 <c>features.2</c>,
        /// <c>features.3</c>, ... from one row of <c>inverted_residual_setting</c>.
        /// </summary>
        public bool Inline { get; set; }
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

    /// <summary>Names a skip connection can take besides earlier stages.</summary>
    public static class From
    {
        /// <summary>The input of the enclosing block (or network): <c>[Mul(From.Input)]</c> gates it (squeeze-excitation),
        /// <c>[Concat(From.Input, EarlierFirst = true)]</c> appends new features to it (DenseNet).</summary>
        public const string Input = "(input)";
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

        /// <summary>Put the named earlier tensors first and the current one last (torchvision's DenseNet:
        /// <c>torch.cat([x, new_features], 1)</c>), so that weights land on the reference's channels.</summary>
        public bool EarlierFirst { get; set; }
    }

    /// <summary>
    /// Element-wise multiply of the current tensor with earlier stages' outputs or <see cref="From.Input"/>, broadcast as
    /// PyTorch broadcasts (checked at compile time): squeeze-excitation's <c>scale * input</c> multiplies an
    /// [N, C, H, W] map by an [N, C, 1, 1] gate.
    /// </summary>
    public sealed class MulAttribute : LayerAttribute
    {
        public MulAttribute(params string[] from) => From = from;
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

        /// <summary>
        /// The branch's own module name (GoogLeNet's <c>branch1</c> .. <c>branch4</c>). When every branch of a stage is
        /// named, the branches are registered directly on the enclosing module under these names and the stage's name is
        /// no part of the keys; otherwise they are the stage's ModuleList "0", "1", ...
        /// </summary>
        public string? Name { get; set; }
    }

    /// <summary>Joins the <see cref="BranchAttribute"/>s of a stage.</summary>
    public sealed class JoinAttribute : LayerAttribute
    {
        public JoinAttribute(Join mode) => Mode = mode;
        public Join Mode { get; }
    }
}

namespace NetDsl
{
    /// <summary>
    /// The stage exists only when the condition holds, a comparison over the block's parameters and <c>in_channels</c>
    /// (<c>"expand_ratio != 1"</c>, <c>"stride == 1 &amp;&amp; in_channels == out_channels"</c>; <c>==</c>, <c>!=</c>, <c>&lt;</c>,
    /// <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c> and parentheses). An absent stage has no
    /// module and takes no index in a Sequential block, so the keys after it shift as torchvision's do (MobileNetV2's and
    /// EfficientNet's expand conv, their residual).
    /// </summary>
    [System.AttributeUsage(System.AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class IfAttribute : LayerAttribute
    {
        public IfAttribute(string condition) => Condition = condition;
        public string Condition { get; }
    }
}

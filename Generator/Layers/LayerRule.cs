using System.Collections.Generic;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Layers
{
    /// <summary>How a layer takes part in the gridding check of stacked dilated convolutions (HDC).</summary>
    public enum GriddingRole
    {
        /// <summary>Acts per pixel (BN, activations, dropout): the run of dilated convolutions goes on.</summary>
        PerPixel,
        /// <summary>Resamples or mixes positions otherwise: the run ends here.</summary>
        EndsRun,
        /// <summary>A k x k convolution with a stride and a dilation: joins the run (or ends it, see ShapeInference).</summary>
        Convolution,
    }

    /// <summary>
    /// One layer kind, in one place: how its attribute binds (<see cref="Bind"/>), its shape rule with its diagnostics,
    /// parameters, multiply-adds, receptive field and summary text (<see cref="Infer"/>), its symbolic channel flow inside
    /// blocks (<see cref="Flow"/>), and the TorchSharp module it becomes (<see cref="ModuleType"/>, <see cref="Construct"/>).
    /// </summary>
    /// <remarks>
    /// The pipeline (Binder, ShapeInference, ChannelFlow, ModuleEmitter) calls kinds only through this class and never
    /// switches on them; composition (sequences, blocks, shortcuts, skips, branches, taps) stays in the pipeline. Rules are
    /// stateless singletons found by <see cref="LayerCatalog"/>: a new layer is one new file here plus its attribute in
    /// NetDsl.Runtime. Families share a base (<see cref="ElementwiseRule"/>, <see cref="PoolRule"/>, ...).
    /// </remarks>
    public abstract class LayerRule
    {
        /// <summary>The attribute's name without "Attribute", as the parser reports it (e.g. "Conv").</summary>
        public abstract string Name { get; }

        /// <summary>Reads the attribute's arguments into the bound layer, applying the attribute's defaults; an argument it
        /// reports turns <see cref="LayerBinding.Ok"/> false.</summary>
        public abstract void Bind(LayerBinding a, BoundLayer b);

        /// <summary>The shape rule: the output value, or null after reporting why the layer cannot take its input.</summary>
        public abstract LayerValue? Infer(LayerInference c);

        /// <summary>The symbolic channel flow inside a block: channels and path stride after the layer (default: unchanged).</summary>
        public virtual void Flow(BoundLayer layer, ref ChannelState state) { }

        /// <summary>The field type of a stage made of this one layer (e.g. "Modules.Conv2d").</summary>
        public abstract string ModuleType(BoundLayer layer, LayerEmission e);

        /// <summary>The C# expression that constructs the module.</summary>
        public abstract string Construct(BoundLayer layer, LayerEmission e);

        /// <summary>The module type when the layer runs on an octave pair (default: wrapped per frequency).</summary>
        public virtual string OctaveModuleType(BoundLayer layer) => "PerFrequency";

        /// <summary>The construction when the layer runs on an octave pair (default: the plain module, once per frequency).</summary>
        public virtual string ConstructOctave(BoundLayer layer, LayerEmission e) => "new PerFrequency(" + Construct(layer, e) + ")";

        /// <summary>A learnable tensor registered directly under the stage's name (a parameter, not a module): the stage holds
        /// it alone, and <see cref="Forward"/> says how it is applied.</summary>
        public virtual bool IsParameter => false;

        /// <summary>The forward expression of a stage made of this one layer held in <paramref name="field"/>.</summary>
        public virtual string Forward(BoundLayer layer, string input, string field, LayerEmission e) => field + ".call(" + input + ")";

        /// <summary>
        /// The ONNX counterpart of <see cref="Forward"/>: C# over <c>NetDsl.Onnx</c> values in the graph <c>g</c>. By default
        /// the stage's module writes itself: TorchSharp's layers by their kind (Runtime/Onnx/Modules/), the runtime's kernels
        /// beside their code (e.g. Runtime/Wavelets/WTConv2d.Onnx.cs). A parameter stage (<see cref="IsParameter"/>) says here
        /// how its tensor is applied.
        /// </summary>
        public virtual string OnnxForward(BoundLayer layer, string input, string field, LayerEmission e) => $"g.Module({field}, {input})";

        /// <summary>Whether an integer argument must be at least 1 (channels, kernels, strides); a network constructed with
        /// other [Param] values checks these before building anything.</summary>
        public virtual bool MustBePositive(string argument) => argument is not ("Padding" or "OutputPadding" or "In");

        /// <summary>Element-wise without parameters or state (ReLU, GELU, ...).</summary>
        public virtual bool IsActivation => false;

        /// <summary>Acts on each frequency of an octave pair as on a plain tensor (BN, activations, dropout, identity).</summary>
        public virtual bool IsPerFrequency => false;

        /// <summary>Makes or consumes octave pairs itself (the octave convolution).</summary>
        public virtual bool IsOctave => false;

        /// <summary>Its output is a new tensor (not its input, an in-place update of it, or a view): a residual after it can
        /// be added in place.</summary>
        public virtual bool Allocates(BoundLayer layer) => true;

        /// <summary>Connects every input feature to every output (Linear): how an overflowing layer's counts are estimated
        /// for its NDSL0050 message (else as a convolution).</summary>
        public virtual bool ConnectsAllFeatures => false;

        /// <summary>Turns a map into a flat [N, F] tensor (a BatchNorm after it is BatchNorm1d in a block).</summary>
        public virtual bool Flattens => false;

        /// <summary>The name of the kernel-size argument, where a "kernel too large" diagnostic lands.</summary>
        public virtual string KernelArgument => "Kernel";

        /// <summary>Its role in the gridding check; for <see cref="GriddingRole.Convolution"/> also kernel, stride, dilation.</summary>
        public virtual GriddingRole Gridding(BoundLayer layer, IReadOnlyDictionary<string, long> env, out long kernel, out long stride, out long dilation)
        {
            kernel = stride = dilation = 0;
            return GriddingRole.EndsRun;
        }
    }

    /// <summary>The symbolic state <see cref="LayerRule.Flow"/> updates: channels, the path stride (null when not an integer).</summary>
    public struct ChannelState
    {
        public Expr Channels;
        public Expr? Stride;

        /// <summary>Multiplies the path stride by <paramref name="factor"/> (null stays null).</summary>
        public void Strided(Expr? factor) => Stride = Stride is null || factor is null ? null : Expr.Mul(Stride, factor);

        /// <summary>The path stride is no longer an integer (upsampling, adaptive pooling).</summary>
        public void LoseStride() => Stride = null;

        /// <summary>Whether the value is a channels-last [N, H, W, C] map (after a permute).</summary>
        public bool ChannelsLast;
    }
}

using System.Collections.Generic;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// What an attribute on a Stage field is: a layer (its <see cref="Layers.LayerRule"/> says everything about it), or a
    /// piece of composition, which the pipeline itself handles. The name of each composition member is the attribute's
    /// name without "Attribute".
    /// </summary>
    public enum LayerKind
    {
        /// <summary>A layer of the catalogue (<see cref="BoundLayer.Rule"/>).</summary>
        Layer,
        Use,
        Shortcut,
        Add,
        Concat,
        /// <summary>[Mul]: element-wise multiply with earlier outputs or the input, broadcast (squeeze-excitation).</summary>
        Mul,
        Branch,
        Join,
        /// <summary>[Tap]: a stage modifier (the stage reads an earlier stage's output), not a layer.</summary>
        Tap,
        /// <summary>[Output]: a stage modifier (the stage's output is a named network output), not a layer.</summary>
        Output,
        /// <summary>[If]: a stage modifier (the stage exists only when its condition holds), not a layer.</summary>
        If,
    }

    /// <summary>How a stage is made up.</summary>
    public enum StageForm
    {
        /// <summary>One layer, or a sequence (nn.Sequential "0", "1", ...).</summary>
        Sequence,
        /// <summary>A block, possibly repeated.</summary>
        Use,
        /// <summary>Residual add of the declaration's input, projected when needed.</summary>
        Shortcut,
        /// <summary>Element-wise sum with earlier stages' outputs.</summary>
        Add,
        /// <summary>Channel concat with earlier stages' outputs.</summary>
        Concat,
        /// <summary>Element-wise multiply with earlier stages' outputs or the input, broadcast.</summary>
        Mul,
        /// <summary>Parallel branches (blocks) joined by concat or sum.</summary>
        Parallel,
    }

    /// <summary>An argument of a block use: an expression and where it was written.</summary>
    public sealed class BlockArg
    {
        public BlockArg(Expr value, LocationInfo? location)
        {
            Value = value;
            Location = location;
        }

        public Expr Value { get; }
        public LocationInfo? Location { get; }
    }

    /// <summary>
    /// A layer attribute bound to its defaults and checked for argument types. Numeric arguments are
    /// expressions (literals in networks, arithmetic over parameters in blocks). Lives only inside one
    /// pipeline step; never cached.
    /// </summary>
    public sealed partial class BoundLayer
    {
        public BoundLayer(LayerKind kind, LocationInfo? location)
        {
            Kind = kind;
            Location = location;
        }

        /// <summary>A layer of the catalogue.</summary>
        public BoundLayer(Layers.LayerRule rule, LocationInfo? location) : this(LayerKind.Layer, location) => Rule = rule;

        public LayerKind Kind { get; }

        /// <summary>The layer's rule, or null for composition (<see cref="Kind"/> other than Layer).</summary>
        public Layers.LayerRule? Rule { get; }

        /// <summary>The attribute's name without "Attribute" (for messages and the stage's description).</summary>
        public string Name => Rule?.Name ?? Kind.ToString();
        public LocationInfo? Location { get; }
        public Dictionary<string, LocationInfo?> ArgLocations { get; } = new Dictionary<string, LocationInfo?>();

        /// <summary>The expressions the arguments were bound to, by argument name: a diagnostic on an argument whose value
        /// comes from a block parameter lands on the use's argument that set it (see ShapeInference.LocationOf).</summary>
        public Dictionary<string, Expr> ArgExprs { get; } = new Dictionary<string, Expr>();

        public Expr? Out { get; set; }
        public Expr? Kernel { get; set; }
        public Expr? Stride { get; set; }
        public Expr? Padding { get; set; }
        public bool PaddingSame { get; set; }
        public Expr? OutputPadding { get; set; }
        public Expr? Dilation { get; set; }
        public Expr? Groups { get; set; }
        public Expr? In { get; set; }
        public Expr? Size { get; set; }
        public bool Bias { get; set; } = true;
        public bool CeilMode { get; set; }
        public bool CountIncludePad { get; set; } = true;
        public bool Inplace { get; set; }
        public bool AlignCorners { get; set; }
        public bool Channelwise { get; set; }
        public double Eps { get; set; } = 1e-5;
        public double Momentum { get; set; } = 0.1;
        public double Slope { get; set; } = 0.01;
        public double P { get; set; } = 0.5;
        public Expr? Scale { get; set; }
        public Expr? UpHeight { get; set; }
        public Expr? UpWidth { get; set; }
        /// <summary>0 nearest, 1 bilinear (NetDsl.UpsampleMode).</summary>
        public int UpsampleMode { get; set; }
        public int Repeat { get; set; } = 1;

        /// <summary><c>Repeat = "layers3"</c>: the expression <see cref="Repeat"/> was evaluated from (its parameters are
        /// fixed by the declaration), else null.</summary>
        public Expr? RepeatExpr { get; set; }

        /// <summary>In a block, <c>Repeat = "num_layers"</c>: the count over the block's parameters, a loop of the generated
        /// constructor and evaluated per use by inference (<see cref="Repeat"/> stays 1), else null.</summary>
        public Expr? RepeatCount { get; set; }

        /// <summary>Whether the use has (or may have) more than one copy.</summary>
        public bool Repeated => Repeat > 1 || RepeatCount is not null;
        /// <summary>NetDsl.DownsampleKind: 0 max pool, 1 avg pool, 2 strided conv, 3 HWD.</summary>
        public int DownsampleKind { get; set; }
        /// <summary>Downsample(StridedConv): ReLU after the conv.</summary>
        public bool WithReLU { get; set; } = true;
        /// <summary>SPP: bins per side of each pyramid level.</summary>
        public List<long> Bins { get; } = new List<long>();
        /// <summary>Permute: the permutation.</summary>
        public List<long> Dims { get; } = new List<long>();
        /// <summary>StochasticDepth: the drop probability (a real expression).</summary>
        public Expr? Probability { get; set; }
        /// <summary>An enum-valued mode of the kind (StochasticDepth: NetDsl.StochasticDepthMode; Scale: NetDsl.ScaleShape).</summary>
        public int Mode { get; set; }
        /// <summary>Scale: the initial value of the learnable tensor.</summary>
        public double Init { get; set; } = 1.0;
        /// <summary>SPP: 0 max, 1 average (NetDsl.PoolMode).</summary>
        public int PoolMode { get; set; }
        /// <summary>WTConv: number of wavelet levels.</summary>
        public Expr? Levels { get; set; }
        /// <summary>WTConv: the pywt wavelet name.</summary>
        public string WaveletName { get; set; } = "db1";
        /// <summary>OctConv: low-frequency fraction of the input (a real expression: a number or a double parameter).</summary>
        public Expr? AlphaIn { get; set; }
        /// <summary>OctConv: low-frequency fraction of the output.</summary>
        public Expr? AlphaOut { get; set; }
        /// <summary>OctConv: one BatchNorm2d per frequency after the convolution (d-li14's Conv_BN).</summary>
        public bool OctBatchNorm { get; set; }
        /// <summary>OctConv: ReLU on each frequency after the batch norms (d-li14's Conv_BN_ACT).</summary>
        public bool OctReLU { get; set; }
        /// <summary>0 auto, 1 always, 2 never (NetDsl.Projection).</summary>
        public int Projection { get; set; }
        /// <summary>0 concat, 1 sum (NetDsl.Join).</summary>
        public int JoinMode { get; set; }
        /// <summary>Fully qualified name of the block (for Use and Branch).</summary>
        public string? BlockName { get; set; }
        public List<BlockArg> BlockArgs { get; } = new List<BlockArg>();
        /// <summary>Use with FirstArgs: the first copy's arguments; null when the first copy takes <see cref="BlockArgs"/>.</summary>
        public List<BlockArg>? FirstBlockArgs { get; set; }

        /// <summary>Use: trade the stride for dilation (torchvision's _make_layer(dilate=True)); see <see cref="DilationRewrite"/>.</summary>
        public bool Dilate { get; set; }
        /// <summary>Use, after <see cref="DilationRewrite"/>: what the rewrite did, for the summary ("stride 2 → dilation 2").</summary>
        public string? DilationNote { get; set; }
        /// <summary>Concat: the earlier tensors first, the current one last (DenseNet's order).</summary>
        public bool EarlierFirst { get; set; }
        /// <summary>Branch: its own module name (GoogLeNet's branch1), or null.</summary>
        public string? BranchName { get; set; }
        /// <summary>Use in a Sequential block: the copies are the block's own children, consecutive indices.</summary>
        public bool Inline { get; set; }
        /// <summary>Use: the pattern of the copies' names ("denselayer{1}"), or null for "0", "1", ...</summary>
        public string? CopyNames { get; set; }

        /// <summary>A use whose copies sit in an nn.Sequential (Repeat > 1, or named copies: torchvision's one-block stages,
        /// EfficientNet's features.1 = Sequential(MBConv)); else the block is the stage's module itself.</summary>
        public bool IsRepeatContainer => Repeated || CopyNames is not null;

        /// <summary>The name of copy <paramref name="index"/> of a repeated use.</summary>
        public string CopyName(int index) => CopyNames is null
            ? index.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, CopyNames, index, index + 1);

        /// <summary>The name the skip connections use for the declaration's input (NetDsl.From.Input).</summary>
        public const string InputName = "(input)";

        /// <summary>Tap: the module path of the tapped stage.</summary>
        public string? TapPath { get; set; }
        /// <summary>If: the condition.</summary>
        public Condition? Condition { get; set; }
        /// <summary>Output: the output's name.</summary>
        public string? OutputName { get; set; }

        /// <summary>The arguments of copy <paramref name="index"/> of a use.</summary>
        public List<BlockArg> ArgsOfCopy(int index) => index == 0 && FirstBlockArgs is not null ? FirstBlockArgs : BlockArgs;
        public List<string> From { get; } = new List<string>();

        public LocationInfo? LocationOf(string argument) =>
            ArgLocations.TryGetValue(argument, out var location) && location is not null ? location : Location;

        /// <summary>True for layers without parameters or state that act element-wise.</summary>
        public bool IsActivation => Rule is { IsActivation: true };
    }

    /// <summary>A stage after binding: its form and its layers.</summary>
    public sealed class BoundStage
    {
        public BoundStage(string name, StageForm form, List<BoundLayer> layers, LocationInfo? location)
        {
            Name = name;
            Form = form;
            Layers = layers;
            Location = location;
        }

        public string Name { get; }
        public StageForm Form { get; }
        public List<BoundLayer> Layers { get; }
        public LocationInfo? Location { get; }

        /// <summary>[Tap] on this stage (it reads an earlier stage's output instead of the previous one), or null.</summary>
        public BoundLayer? Tap { get; set; }

        /// <summary>[Output] on this stage (its output is a named network output), or null.</summary>
        public BoundLayer? Output { get; set; }

        /// <summary>[If] on this stage: it exists only when the condition holds (per use), or null.</summary>
        public Condition? Condition { get; set; }

        /// <summary>Where the [If] was written.</summary>
        public LocationInfo? ConditionLocation { get; set; }

        /// <summary>The Join layer of a parallel stage.</summary>
        public BoundLayer? JoinLayer => Form == StageForm.Parallel ? Layers.Find(l => l.Kind == LayerKind.Join) : null;

        /// <summary>The Branch layers of a parallel stage, in order.</summary>
        public List<BoundLayer> Branches => Layers.FindAll(l => l.Kind == LayerKind.Branch);
    }

    /// <summary>A declaration after binding.</summary>
    public sealed class BoundDeclaration
    {
        public BoundDeclaration(DeclarationSpec spec, List<BoundStage> stages)
        {
            Spec = spec;
            Stages = stages;
        }

        public DeclarationSpec Spec { get; }
        public List<BoundStage> Stages { get; }
    }
}

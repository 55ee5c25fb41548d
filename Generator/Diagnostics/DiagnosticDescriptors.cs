using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Diagnostics
{
    /// <summary>
    /// The one catalogue of NetDsl's diagnostics. IDs are stable (never reused or renumbered); every
    /// descriptor links to its section of docs/diagnostics.md and is tracked in AnalyzerReleases.*.md.
    /// </summary>
    public static class DiagnosticDescriptors
    {
        private const string Category = "NetDsl";
        private const string HelpBase = "https://github.com/netdsl/netdsl/blob/main/docs/diagnostics.md#";

        private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
                description: description, helpLinkUri: HelpBase + id.ToLowerInvariant());

        private static DiagnosticDescriptor Warning(string id, string title, string message, string description) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
                description: description, helpLinkUri: HelpBase + id.ToLowerInvariant());

        private static DiagnosticDescriptor Info(string id, string title, string message, string description) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
                description: description, helpLinkUri: HelpBase + id.ToLowerInvariant());

        public static readonly DiagnosticDescriptor NotPartial = Error("NDSL0001",
            "Network or block class must be partial",
            "'{0}' must be declared partial so NetDsl can generate its module code",
            "The generator adds the TorchSharp module (fields, constructor, forward) to the class in a second partial declaration.");

        public static readonly DiagnosticDescriptor UnsupportedDeclaration = Error("NDSL0002",
            "Unsupported network declaration",
            "'{0}' cannot be generated: {1}",
            "Networks and blocks must be non-generic, non-static classes whose containing types are partial, and may not declare their own base class.");

        public static readonly DiagnosticDescriptor ChannelMismatch = Error("NDSL0003",
            "Channel mismatch between stages",
            "{0}: {1} expects {2} input channels but receives {3}",
            "A layer that states its input channels (In = ...) receives a tensor with a different channel count from the stage before it.");

        public static readonly DiagnosticDescriptor LinearInFeatures = Error("NDSL0004",
            "Linear in-features do not match the flattened size",
            "{0}: Linear expects {1} in-features but the incoming tensor has {2} features ({3})",
            "The Linear layer's In must equal the flattened size of its input.");

        public static readonly DiagnosticDescriptor AddShapeMismatch = Error("NDSL0005",
            "Residual or sum of different shapes",
            "{0}: cannot add {1} and {2}{3}",
            "Element-wise addition (a residual shortcut, an [Add] skip, or branches joined by Sum) needs identical shapes.");

        public static readonly DiagnosticDescriptor ConcatSpatialMismatch = Error("NDSL0006",
            "Concat of different spatial sizes",
            "{0}: cannot concatenate {1} and {2} along channels: spatial sizes differ",
            "Tensors concatenated along channels must agree on height and width.");

        public static readonly DiagnosticDescriptor SizeBelowOne = Error("NDSL0007",
            "Spatial size falls below 1",
            "{0}: {1} gives an output {2} of {3} (input {4})",
            "A convolution or pooling layer would produce an empty output for the declared input size.");

        public static readonly DiagnosticDescriptor KernelTooLarge = Error("NDSL0008",
            "Kernel larger than the padded input",
            "{0}: the {1} kernel (extent {2}) is larger than the padded input {3} of {4} ({5})",
            "The dilated kernel extent (k-1)*d+1 exceeds the input size plus padding; PyTorch rejects this at run time.");

        public static readonly DiagnosticDescriptor GroupsNotDividing = Error("NDSL0009",
            "Groups do not divide the channels",
            "{0}: groups = {1} must divide both the input channels ({2}) and the output channels ({3})",
            "Grouped convolutions split input and output channels into equal groups.");

        public static readonly DiagnosticDescriptor ArgumentOutOfRange = Error("NDSL0010",
            "Argument out of range",
            "{0}: {1}",
            "An attribute argument is outside its valid range (sizes must be positive, probabilities within [0, 1], ...).");

        public static readonly DiagnosticDescriptor UnknownStage = Error("NDSL0011",
            "Unknown stage name",
            "{0}: no earlier stage named '{1}' in '{2}'{3}",
            "Skip connections ([Add], [Concat]) read the output of a stage declared earlier in the same network or block.");

        public static readonly DiagnosticDescriptor BlockCycle = Error("NDSL0012",
            "Block uses itself",
            "Block '{0}' uses itself through {1}",
            "Blocks may use other blocks, but not in a cycle: the network would be infinitely deep.");

        public static readonly DiagnosticDescriptor NotABlock = Error("NDSL0013",
            "Type is not a block",
            "'{0}' is not a [Block] class",
            "[Use] and [Branch] take a partial class marked [Block].");

        public static readonly DiagnosticDescriptor BlockArguments = Error("NDSL0014",
            "Wrong block arguments",
            "Block '{0}' {1}",
            "Arguments to a block are positional, one per [Param] field in declaration order; parameters without a default are required.");

        public static readonly DiagnosticDescriptor InvalidExpression = Error("NDSL0015",
            "Invalid argument expression",
            "{0}: {1}",
            "Expression arguments are integer arithmetic (+ - * / % and parentheses) over the block's [Param] fields and in_channels.");

        public static readonly DiagnosticDescriptor InvalidStageField = Error("NDSL0016",
            "Invalid stage field",
            "'{0}': {1}",
            "Layer attributes go on fields of type NetDsl.Stage, and every Stage field needs at least one layer attribute.");

        public static readonly DiagnosticDescriptor InvalidComposition = Error("NDSL0017",
            "Invalid stage composition",
            "{0}: {1}",
            "[Use], [Shortcut], [Add], [Concat] and [Branch]+[Join] each make up a stage on their own; layers are combined in sequences.");

        public static readonly DiagnosticDescriptor RankMismatch = Error("NDSL0018",
            "Layer needs a different tensor rank",
            "{0}: {1}",
            "Spatial layers need an [N, C, H, W] tensor; Linear needs a flattened [N, F] tensor.");

        public static readonly DiagnosticDescriptor InternalError = Error("NDSL0019",
            "NetDsl generator failure",
            "NetDsl could not process '{0}': {1}",
            "The generator hit an unexpected error. Nothing was generated for this class. Please report it with the declaration.");

        public static readonly DiagnosticDescriptor SymbolicFlatten = Error("NDSL0020",
            "Flattened size depends on a symbolic input size",
            "{0}: the flattened size {1} depends on the input size; fix Height/Width on [Network] or pool to a fixed size first",
            "Linear layers need a fixed in-feature count; with a symbolic input size use global or adaptive pooling before Flatten.");

        public static readonly DiagnosticDescriptor SamePaddingStride = Error("NDSL0021",
            "padding = \"same\" with stride > 1",
            "{0}: padding \"same\" requires stride 1 (PyTorch rejects it otherwise)",
            "PyTorch only supports padding='same' for stride-1 convolutions.");

        public static readonly DiagnosticDescriptor ShortcutProjection = Error("NDSL0022",
            "Shortcut cannot be projected",
            "{0}: the shortcut input {1} cannot be projected to the main path's {2}: {3}",
            "A projection shortcut is a 1x1 convolution with the main path's stride; it can only match sizes that stride produces.");

        public static readonly DiagnosticDescriptor UnknownAttributeArgument = Error("NDSL0023",
            "Unsupported argument value",
            "{0}: argument '{1}' {2}",
            "An argument has a type or value the layer does not accept (for example a double where an integer is needed, or an unknown padding keyword).");

        public static readonly DiagnosticDescriptor EmptyDeclaration = Warning("NDSL0024",
            "Network or block without stages",
            "'{0}' declares no Stage fields; nothing to generate",
            "A network needs at least one stage.");

        public static readonly DiagnosticDescriptor BlockNeedsFlatWidth = Error("NDSL0025",
            "Linear inside a block needs a 1x1 input",
            "{0}: a Linear inside a block must follow global pooling (its in-features cannot depend on the spatial size at each use)",
            "Blocks are emitted once for all uses; their layer sizes may depend on channels and parameters, not on spatial sizes.");

        public static readonly DiagnosticDescriptor WTConvChannels = Error("NDSL0026",
            "WTConv must keep the channel count",
            "{0}: WTConv is depthwise: its output channels ({1}) must equal its input channels ({2})",
            "WTConv2d replaces a depthwise convolution, so in_channels == out_channels (the reference asserts it).");

        public static readonly DiagnosticDescriptor WaveletLevelsTooDeep = Error("NDSL0027",
            "Wavelet level falls below 1x1",
            "{0}: level {1} of {2} has nothing left to transform: the {3} input is down to 1x1 after {4} level(s)",
            "Each wavelet level halves the size (rounding up); a level whose sub-band would be smaller than 1x1 does not exist.");

        public static readonly DiagnosticDescriptor WaveletBandBelowKernel = Warning("NDSL0028",
            "Wavelet sub-band smaller than the kernel",
            "{0}: level {1} works on a {2} sub-band, smaller than its {3}x{3} kernel; the level mostly sees zero padding",
            "A level whose sub-band is smaller than the kernel still runs, but its convolution sees mostly padding: fewer levels give the same receptive field.");

        public static readonly DiagnosticDescriptor UnknownWavelet = Error("NDSL0029",
            "Unknown wavelet",
            "{0}: unknown wavelet '{1}'; valid names: {2}",
            "Wavelet names are PyWavelets' (haar, db1-db20, sym2-sym20, coif1-coif5, biorN.M, rbioN.M).");

        public static readonly DiagnosticDescriptor OddSizeWavelet = Info("NDSL0030",
            "Odd size fed to a wavelet stage",
            "{0}: the {1} input is odd along {2}; {3}",
            "The Haar transform pairs rows and columns: an odd size is zero-padded at the bottom/right (HWD, as pytorch_wavelets' mode='zero') or padded and cropped back (WTConv).");

        public static readonly DiagnosticDescriptor Gridding = Warning("NDSL0031",
            "Stacked dilations leave holes (gridding)",
            "{0}: the stacked dilations ({1}) of {2}x{2} convolutions never look at {3} of the {4} offsets in their receptive field (gridding), e.g. {5}; {6}",
            "Consecutive dilated convolutions see only the offsets r1*t1 + ... + rn*tn; when the rates share a factor (2, 4, 8) whole rows and columns are never seen. Hybrid dilated convolution (HDC) picks rates such as 1, 2, 5.");

        public static readonly DiagnosticDescriptor DegenerateDilation = Warning("NDSL0032",
            "Dilation as large as the feature map",
            "{0}: dilation {1} is at least the input's {2}, so the kernel's outer taps only ever see padding: {3}",
            "A dilated k x k convolution whose rate reaches past the map (DeepLab v3's observation for large rates on small maps) wastes its outer weights.");

        public static readonly DiagnosticDescriptor AsppRatesNotDistinct = Error("NDSL0033",
            "ASPP rates are not distinct",
            "{0}: the atrous rates ({1}) repeat {2}; each ASPP branch should look at a different scale",
            "ASPP's branches differ only by their rate; a repeated rate adds a branch that computes the same thing with other weights.");

        public static readonly DiagnosticDescriptor OctaveAlphaRange = Error("NDSL0034",
            "Octave alpha outside [0, 1]",
            "{0}: {1} is the low-frequency fraction of the channels and must be within [0, 1], got {2}",
            "An octave convolution keeps int(alpha*C) channels at half resolution and C - int(alpha*C) at full resolution; alpha is a fraction.");

        public static readonly DiagnosticDescriptor OctaveChannelPair = Error("NDSL0035",
            "Octave channel pair mismatch",
            "{0}: {1} splits its {2} input channels by alpha_in {3} into (high {4}, low {5}) but receives (high {6}, low {7}){8}",
            "Consecutive octave layers must agree on the (high, low) split: int(alpha*C) low channels, C - int(alpha*C) high ones.");

        public static readonly DiagnosticDescriptor OctaveMixing = Error("NDSL0036",
            "Plain and octave tensors mixed",
            "{0}: {1}",
            "An octave (high, low) pair must be split from a plain tensor by an octave conv with AlphaIn = 0 and merged back by one with AlphaOut = 0; plain layers cannot take a pair and octave layers expecting a pair cannot take a plain tensor.");

        public static readonly DiagnosticDescriptor OctaveOddSize = Error("NDSL0037",
            "Octave size not divisible",
            "{0}: the high-frequency input {1} must have a height and width divisible by {2} ({3}), got {4}",
            "The low-frequency maps are half the high-frequency ones, so up(down(x)) must round-trip: even sizes, and multiples of 4 where a stride-2 layer pools twice.");

        public static readonly DiagnosticDescriptor OctaveStride = Error("NDSL0038",
            "Octave convolution stride other than 1 or 2",
            "{0}: an octave convolution pools by 2x2 for its stride, so the stride must be 1 or 2, got {1}",
            "OctConv implements stride 2 by average pooling before stride-1 convolutions; other strides have no octave form.");

        public static readonly DiagnosticDescriptor PyramidBinTooLarge = Error("NDSL0042",
            "Pyramid bin larger than the feature map",
            "{0}: pyramid level {1} is larger than the {2} map's {3} {4}, so its {1}x{1} bins would repeat input cells instead of pooling them",
            "A spatial pyramid level n pools the map into n x n bins. PyTorch's adaptive pooling accepts n larger than the map by repeating cells (the paper's window/stride rule has stride 0 there), so the fixed-length vector would hold copies instead of context. A symbolic size gets an 'at least n' constraint instead.");

        public static readonly DiagnosticDescriptor PyramidWindowZero = Error("NDSL0043",
            "Pyramid pooling window rounds to 0",
            "{0}: bin {1} pools the {2} map with a window of {3} // {1} = 0 along the {4}; every bin must be at most the map's height and width (bins {5})",
            "SPEED's pyramids (DSPP, MDSPP) average-pool each branch with window = size // bin; a bin larger than the map makes the window 0, which Keras and PyTorch reject. A symbolic size gets an 'at least the largest bin' constraint instead.");

        public static readonly DiagnosticDescriptor PyramidBinUneven = Info("NDSL0044",
            "Pyramid bin does not divide the feature map",
            "{0}: bins {1} do not divide the {2} map, so their pooled grids are not bin x bin ({3}); the window is size // bin with 'valid' pooling, as in SPEED",
            "SPEED's pooling window is size // bin with stride = window and no padding, so the pooled grid has floor(size / window) cells: the bin only when the bin divides the size (bin 8 over 12 rows: window 1, 12 cells). The branch still works; the information says its grid is finer than its bin.");

        public static readonly DiagnosticDescriptor PyramidBinsNotDistinct = Error("NDSL0045",
            "Pyramid bins are not distinct",
            "{0}: the pyramid bins ({1}) repeat {2}; each level should pool at a different scale",
            "Pyramid levels (SPP) and branches (DSPP, MDSPP) differ only by their bin; a repeated bin pools at the same scale again.");

        public static readonly DiagnosticDescriptor UnknownTap = Error("NDSL0046",
            "Unknown tap path",
            "{0}: cannot tap '{1}': {2}",
            "[Tap(\"path\")] reads the output of an earlier stage by its module path: a top-level stage, or a stage inside a used block (\"backbone.layer3\", \"backbone.layer3.5.conv2\"). The path must name a stage that runs before the tapping one, outside parallel branches and library modules.");

        public static readonly DiagnosticDescriptor InvalidOutputs = Error("NDSL0047",
            "Invalid network outputs",
            "{0}: {1}",
            "A network with [Tap] or [Output] stages returns named outputs: the main path (the stages before the first [Tap]) and every side head must end in an [Output], output names must be distinct, and taps and outputs belong to networks, not blocks.");

        public static readonly DiagnosticDescriptor CannotDilate = Error("NDSL0048",
            "Block use cannot trade stride for dilation",
            "{0}: {1} cannot trade its stride for dilation: {2}",
            "Dilate = true (or an OutputStride that dilates this stage) rewrites the use as torchvision's _make_layer(dilate=True): stride 1, the running dilation times the stride. The block needs [Param] int stride (first copy only when repeated) and [Param] int dilation, and the use must leave both the dilation and FirstArgs to the rewrite.");

        public static readonly DiagnosticDescriptor OutputStrideUnreachable = Error("NDSL0049",
            "Output stride not reachable",
            "{0}: output stride {1} {2}",
            "OutputStride trades the last strides of the declaration for dilation, from the last strided stage backwards, and only block uses with stride and dilation parameters can be dilated; the result must be a power of 2 that this path can reach.");

        public static readonly DiagnosticDescriptor CountOverflow = Error("NDSL0050",
            "Count does not fit 64 bits",
            "{0}: {1} cannot be counted in 64 bits (the largest count is 9.22e18){2}",
            "Channels, sizes, parameters, multiply-adds and memory are counted in checked 64-bit arithmetic; a count beyond 2^63 - 1 is reported with its approximate value instead of wrapping around to a wrong (often negative) number.");

        public static readonly DiagnosticDescriptor ValueBeyondInt = Error("NDSL0051",
            "Value too large for the generated module",
            "{0}: {1} is {2}, more than the 2,147,483,647 that {3} takes",
            "Block parameters and in_channels are C# ints in the generated constructors (and TorchSharp takes some arguments as int): a channel count or argument above int.MaxValue would wrap around in the generated code, so it is an error at compile time.");

        public static readonly DiagnosticDescriptor ExceedsMemory = Info("NDSL0052",
            "Network larger than memory",
            "{0}: {1}",
            "The parameters (4 bytes each, float32) or the largest activation of one sample are above 64 GiB: the network generates and compiles, but building or running it needs that much memory.");
        public static readonly DiagnosticDescriptor NonFiniteArgument = Error("NDSL0055",
            "Argument is not a finite number",
            "{0}: argument '{1}' is {2}; it must be a finite number",
            "NaN and the infinities are never valid layer settings (a slope, eps, momentum, probability, scale or alpha); the generated code could not even write them as C# literals.");

        public static readonly DiagnosticDescriptor GeneratedMemberWritten = Error("NDSL0056",
            "Class declares a member NetDsl generates",
            "'{0}' declares {1}, which NetDsl generates for it; {2}",
            "The generator writes the module's constructor, forward, Dispose(bool) and RegisterComponents; a second one in the user's part of the class cannot compile. Remove it, or put the code in another class.");

        public static readonly DiagnosticDescriptor GeneratedNameTaken = Error("NDSL0057",
            "Name taken by a generated member",
            "'{0}': the name '{1}' is the generated {2}; rename the {3}",
            "Every generated network has a static Summary and a Stages property, blocks an InChannels property, networks with [Output] stages an Outputs class and forward_all; the overrides Dispose and RegisterComponents are generated too. A member or a class of the same name cannot coexist with them. Private generated names (fields, helpers, locals) never clash: they are chosen around the user's names.");

        public static readonly DiagnosticDescriptor StageFieldsWithoutDeclaration = Warning("NDSL0058",
            "Stage fields without [Network] or [Block]",
            "'{0}' has {1} but is marked neither [Network] nor [Block]: Stage fields do nothing without [Network] or [Block]",
            "Only classes marked [Network] or [Block] are generated; Stage fields and layer attributes elsewhere are ignored, which usually means the class attribute was forgotten.");
        public static readonly DiagnosticDescriptor BroadcastMismatch = Error("NDSL0075",
            "Shapes do not broadcast",
            "{0}: cannot multiply {1} and {2}: {3}",
            "An element-wise multiply ([Mul], [Scale]) broadcasts as PyTorch does: aligned from the last dimension, each pair of sizes must be equal or one of them 1, and the result must keep the current tensor's shape.");

        public static readonly DiagnosticDescriptor NormalizedDimension = Error("NDSL0076",
            "Normalisation over the wrong dimension",
            "{0}: {1}",
            "BatchNorm, GroupNorm and LayerNorm2d normalise dimension 1 of an NCHW map; LayerNorm normalises the last dimension, which is the channels only on a channels-last map ([Permute(0, 2, 3, 1)] first) or a flat tensor. A norm that would normalise the width or the height is reported.");

        public static readonly DiagnosticDescriptor InvalidPermutation = Error("NDSL0077",
            "Invalid permutation",
            "{0}: Permute({1}) {2}",
            "[Permute] takes a permutation of the tensor's dimensions that keeps the batch first; on a map the channels end up second (NCHW) or last (NHWC), which is what the layers after it can take.");

        public static readonly DiagnosticDescriptor NotAModule = Error("NDSL0080",
            "Type cannot be a module stage",
            "{0}: '{1}' cannot be a [Module] stage: {2}",
            "[Module(typeof(X), ...)] takes a hand-written TorchSharp module: a non-abstract class deriving from nn.Module<Tensor, Tensor> with a constructor the generated code can call. A [Block] or [Network] class is used with [Use].");

        public static readonly DiagnosticDescriptor ModuleConstructor = Error("NDSL0081",
            "No constructor of the module takes the arguments",
            "{0}: no constructor of '{1}' takes ({2}); {3}",
            "The positional arguments of [Module(typeof(X), ...)] are X's constructor arguments, checked against its public constructors: integers and integer expressions bind to int and long parameters, numbers to double and float ones, true / false to bool, strings as they are to string parameters.");

        public static readonly DiagnosticDescriptor ModuleContractInput = Error("NDSL0082",
            "Module contract contradicts its input",
            "{0}: {1}'s contract takes {2} input channels but receives {3} ({4})",
            "A hand-written module's contract may state the input channels it is made for (In); the layers before it must deliver them. Its output channels (Out) are what the layers after it receive, checked as any layer's (NDSL0003, NDSL0004).");
        public static readonly DiagnosticDescriptor VariantBody = Error("NDSL0090",
            "Like names no network body",
            "{0}: Like = typeof({1}) {2}",
            "[Network(Like = typeof(Body))] makes a variant of another [Network] class of the same compilation: the variant gets the body's stages and sets the body's parameters. The body must be a [Network] that is not itself a variant.");

        public static readonly DiagnosticDescriptor VariantParameter = Error("NDSL0091",
            "Variant parameter not in its body",
            "{0}.{1}: {2}",
            "A variant's [Param] fields set the body's parameters of the same name and type; a parameter the body does not declare would change nothing.");

        public static readonly DiagnosticDescriptor VariantStage = Error("NDSL0092",
            "Variant declares a stage",
            "{0}.{1}: a variant of {2} takes its stages from the body; declare stages there, or make {0} a network of its own",
            "A [Network(Like = ...)] class gets every stage of its body, in the body's order, under the body's names; a stage of its own would have no place among them.");

        public static readonly DiagnosticDescriptor StructuralParameter = Error("NDSL0093",
            "Parameter fixed by the declaration used as a value",
            "{0}: {1}",
            "A parameter that a Repeat count depends on, or a Type parameter, is fixed by the declaration (its value decides the modules, keys and counts); it cannot also be a network's constructor parameter, and a block's Repeat count must be a number.");

        public static readonly IReadOnlyList<DiagnosticDescriptor> All = new[]
        {
            NotPartial, UnsupportedDeclaration, ChannelMismatch, LinearInFeatures, AddShapeMismatch, ConcatSpatialMismatch,
            SizeBelowOne, KernelTooLarge, GroupsNotDividing, ArgumentOutOfRange, UnknownStage, BlockCycle, NotABlock,
            BlockArguments, InvalidExpression, InvalidStageField, InvalidComposition, RankMismatch, InternalError,
            SymbolicFlatten, SamePaddingStride, ShortcutProjection, UnknownAttributeArgument, EmptyDeclaration,
            BlockNeedsFlatWidth, WTConvChannels, WaveletLevelsTooDeep, WaveletBandBelowKernel, UnknownWavelet, OddSizeWavelet,
            Gridding, DegenerateDilation, AsppRatesNotDistinct,
            OctaveAlphaRange, OctaveChannelPair, OctaveMixing, OctaveOddSize, OctaveStride,
            PyramidBinTooLarge, PyramidWindowZero, PyramidBinUneven, PyramidBinsNotDistinct,
            UnknownTap, InvalidOutputs, CannotDilate, OutputStrideUnreachable,
            CountOverflow, ValueBeyondInt, ExceedsMemory,
            NonFiniteArgument, GeneratedMemberWritten, GeneratedNameTaken, StageFieldsWithoutDeclaration,
            BroadcastMismatch, NormalizedDimension, InvalidPermutation,
            NotAModule, ModuleConstructor, ModuleContractInput,
            VariantBody, VariantParameter, VariantStage, StructuralParameter,
        };

        private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = All.ToDictionary(d => d.Id);

        public static DiagnosticDescriptor ById(string id) => s_byId[id];
    }
}

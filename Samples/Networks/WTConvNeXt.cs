namespace NetDsl.Samples.Networks;

// WTConvNeXt (Finder et al., ECCV 2024) as BGU-CS-VIL/WTConv's wtconvnext/wtconvnext.py builds it on timm 1.0.7: ConvNeXt
// with every 7x7 depthwise conv replaced by a WTConv2d (kernel 5, Haar, 5, 4, 3, 2 wavelet levels in the four stages).
// The module tree and so the state_dict keys are timm's (tools/wtconvnext_port.py writes the reference out):
//     stem.0, stem.1; stages.N.downsample.0/1 (N = 1, 2, 3); stages.N.blocks.M.{gamma, conv_dw.*, norm, mlp.fc1, mlp.fc2};
//     head.norm, head.fc.
// One body for T, S and B: the depths and widths are the network's [Param]s (constructor parameters; the summary is for
// the defaults), and WTConvNeXtSmall / WTConvNeXtBase are variants with theirs.

/// <summary>timm's <c>Mlp</c> as ConvNeXt uses it (channels last): <c>fc1</c> (C to hidden), GELU (exact erf form),
/// <c>fc2</c> back to C. timm's drop1, norm (Identity) and drop2 hold no state and do nothing here (rate 0).</summary>
[Block]
public partial class TimmMlp
{
    [Param] int hidden;

    [Linear("hidden")] Stage fc1;
    [GELU] Stage act;
    [Linear("in_channels")] Stage fc2;
}

/// <summary>
/// wtconvnext.py's <c>WTConvNeXtBlock</c>: <c>conv_dw</c> = WTConv2d(C, C, 5, wt_levels = <c>levels</c>) with the fixed
/// Haar filters as the official Parameters without gradients, then on the channels-last map <c>norm</c> (LayerNorm, eps
/// 1e-6) and <c>mlp</c> (C to 4C to C), back to NCHW, times <c>gamma</c> (C) reshaped to (1, C, 1, 1), drop path, plus
/// the input (timm's shortcut is the identity: in == out and stride 1 in every WTConvNeXt block). <c>gamma</c> is the
/// block's own parameter, so it is its first state_dict entry, as in PyTorch.
/// </summary>
[Block]
public partial class WTConvNeXtBlock
{
    [Param] int levels;
    [Param] double drop_prob;

    [WTConv("in_channels", Kernel = 5, Levels = "levels", Filters = WTConvFilters.Parameters)] Stage conv_dw;
    [Permute(0, 2, 3, 1)] Stage to_channels_last;
    [LayerNorm(Eps = 1e-6)] Stage norm;
    [Use(typeof(TimmMlp), "4 * in_channels")] Stage mlp;
    [Permute(0, 3, 1, 2)] Stage to_channels_first;
    [Scale(Init = 1e-6, Shape = ScaleShape.Channels)] Stage gamma;
    [StochasticDepth("drop_prob")] Stage drop_path;
    [Shortcut(Projection = Projection.Never)] Stage shortcut;
}

/// <summary>
/// wtconvnext.py's <c>WTConvNeXtStage</c>: <c>downsample</c> (LayerNorm2d, then a 2x2 stride-2 conv to <c>dim</c>) when the
/// channels change (stages 1 to 3; stage 0 keeps the stem's width and stride and has none), then <c>depth</c> blocks
/// (timm's <c>nn.Sequential</c> <c>blocks</c>). Block <c>index</c> of the stage is block <c>first + index</c> of
/// <c>total</c> in the network: its drop-path rate is timm's <c>linspace(0, drop_path_rate, total)</c> at that place.
/// </summary>
[Block]
public partial class WTConvNeXtStage
{
    [Param] int dim;
    [Param] int depth;
    [Param] int levels;
    [Param] double drop_path_rate;
    [Param] int first;
    [Param] int total;

    [LayerNorm2d(Eps = 1e-6), Conv("dim", Kernel = 2, Stride = 2), If("in_channels != dim")] Stage downsample;
    [Use(typeof(WTConvNeXtBlock), "levels", "drop_path_rate * (index + first) / (total - 1)", Repeat = "depth")] Stage blocks;
}

/// <summary>timm's <c>NormMlpClassifierHead</c> (ConvNeXt's default head, no hidden layer): <c>global_pool</c> (average, the
/// map kept 1x1), <c>norm</c> (LayerNorm2d), <c>flatten</c>, <c>fc</c>. Its pre_logits and drop hold no state.</summary>
[Block]
public partial class NormMlpClassifierHead
{
    [Param] int num_classes;

    [GlobalAvgPool] Stage global_pool;
    [LayerNorm2d(Eps = 1e-6)] Stage norm;
    [Flatten] Stage flatten;
    [Linear("num_classes")] Stage fc;
}

/// <summary>The four stages (timm's <c>stages</c>, an <c>nn.Sequential</c>): widths and depths as given, wavelet levels
/// 5, 4, 3, 2 (wtconvnext.py's <c>wt_levels</c> default).</summary>
[Block(Sequential = true)]
public partial class WTConvNeXtStages
{
    [Param] int dim0;
    [Param] int dim1;
    [Param] int dim2;
    [Param] int dim3;
    [Param] int depth0;
    [Param] int depth1;
    [Param] int depth2;
    [Param] int depth3;
    [Param] double drop_path_rate;

    [Use(typeof(WTConvNeXtStage), "dim0", "depth0", 5, "drop_path_rate", 0, "depth0 + depth1 + depth2 + depth3")] Stage stage0;
    [Use(typeof(WTConvNeXtStage), "dim1", "depth1", 4, "drop_path_rate", "depth0", "depth0 + depth1 + depth2 + depth3")] Stage stage1;
    [Use(typeof(WTConvNeXtStage), "dim2", "depth2", 3, "drop_path_rate", "depth0 + depth1", "depth0 + depth1 + depth2 + depth3")] Stage stage2;
    [Use(typeof(WTConvNeXtStage), "dim3", "depth3", 2, "drop_path_rate", "depth0 + depth1 + depth2", "depth0 + depth1 + depth2 + depth3")] Stage stage3;
}

/// <summary>
/// WTConvNeXt-T (<c>wtconvnext_tiny</c>: depths 3, 3, 9, 3, widths 96, 192, 384, 768): 30,595,624 parameters as PyTorch
/// counts them (30,383,656 trainable and 211,968 fixed Haar filter values), timm's keys, any input size from 32.
/// <c>drop_path_rate</c> is wtconvnext.py's (0 by default: every drop path is the identity).
/// </summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class WTConvNeXtTiny
{
    [Param] int dim0 = 96, dim1 = 192, dim2 = 384, dim3 = 768;
    [Param] int depth0 = 3, depth1 = 3, depth2 = 9, depth3 = 3;
    [Param] double drop_path_rate = 0.0;
    [Param] int num_classes = 1000;

    [Conv("dim0", Kernel = 4, Stride = 4), LayerNorm2d(Eps = 1e-6)] Stage stem;
    [Use(typeof(WTConvNeXtStages), "dim0", "dim1", "dim2", "dim3", "depth0", "depth1", "depth2", "depth3", "drop_path_rate")] Stage stages;
    [Use(typeof(NormMlpClassifierHead), "num_classes")] Stage head;
}

/// <summary>WTConvNeXt-S (<c>wtconvnext_small</c>): depths 3, 3, 27, 3; 54,448,936 parameters (433,152 fixed).</summary>
[Network(Like = typeof(WTConvNeXtTiny))]
public partial class WTConvNeXtSmall
{
    [Param] int depth2 = 27;
}

/// <summary>WTConvNeXt-B (<c>wtconvnext_base</c>): depths 3, 3, 27, 3, widths 128, 256, 512, 1024; 94,225,128 parameters
/// (577,536 fixed).</summary>
[Network(Like = typeof(WTConvNeXtTiny))]
public partial class WTConvNeXtBase
{
    [Param] int dim0 = 128, dim1 = 256, dim2 = 512, dim3 = 1024;
    [Param] int depth2 = 27;
}

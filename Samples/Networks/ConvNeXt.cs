namespace NetDsl.Samples.Networks;

/// <summary>
/// torchvision's ConvNeXt block (<c>CNBlock</c>): a depthwise 7x7 conv, then per pixel on the channels-last map LayerNorm,
/// Linear to 4C, GELU, Linear back, scaled by the learnable <c>layer_scale</c> (C, 1, 1), stochastic depth, plus the input.
/// Keys as torchvision's: <c>block.0</c> (conv), <c>block.2</c> (LayerNorm), <c>block.3</c>, <c>block.5</c> (Linear),
/// <c>layer_scale</c>; the Permutes (block.1, block.6), GELU and StochasticDepth hold no state.
/// </summary>
[Block]
public partial class CNBlock
{
    [Param] double sd_prob;

    [Conv("in_channels", Kernel = 7, Padding = 3, Groups = "in_channels"), Permute(0, 2, 3, 1), LayerNorm(Eps = 1e-6),
     Linear("4 * in_channels"), GELU, Linear("in_channels"), Permute(0, 3, 1, 2)] Stage block;
    [Scale(Init = 1e-6)] Stage layer_scale;
    [StochasticDepth("sd_prob", Mode = StochasticDepthMode.Row)] Stage stochastic_depth;
    [Shortcut] Stage residual;
}

/// <summary>
/// ConvNeXt's <c>features</c> as torchvision builds them from its <c>block_setting</c>: the 4x4 patchify stem with
/// LayerNorm2d, four stages of CNBlocks (<c>d1</c> .. <c>d4</c> of them, built by a loop) at <c>width</c>, 2, 4 and 8 times
/// <c>width</c> channels, LayerNorm2d and a 2x2 stride-2 conv between them. One body for ConvNeXt-T, S and B.
/// </summary>
[Block(Sequential = true)]
public partial class ConvNeXtFeatures
{
    [Param] int width;
    [Param] int d1;
    [Param] int d2;
    [Param] int d3;
    [Param] int d4;
    [Param] double stochastic_depth_prob;

    [Conv("width", Kernel = 4, Stride = 4), LayerNorm2d(Eps = 1e-6)] Stage stem;
    // Stochastic depth grows with the block's place in the network, as torchvision computes it:
    // stochastic_depth_prob * stage_block_id / (total_stage_blocks - 1).
    [Use(typeof(CNBlock), "stochastic_depth_prob * index / (d1 + d2 + d3 + d4 - 1)", Repeat = "d1")] Stage stage1;
    [LayerNorm2d(Eps = 1e-6), Conv("2 * width", Kernel = 2, Stride = 2)] Stage downsample1;
    [Use(typeof(CNBlock), "stochastic_depth_prob * (index + d1) / (d1 + d2 + d3 + d4 - 1)", Repeat = "d2")] Stage stage2;
    [LayerNorm2d(Eps = 1e-6), Conv("4 * width", Kernel = 2, Stride = 2)] Stage downsample2;
    [Use(typeof(CNBlock), "stochastic_depth_prob * (index + d1 + d2) / (d1 + d2 + d3 + d4 - 1)", Repeat = "d3")] Stage stage3;
    [LayerNorm2d(Eps = 1e-6), Conv("8 * width", Kernel = 2, Stride = 2)] Stage downsample3;
    [Use(typeof(CNBlock), "stochastic_depth_prob * (index + d1 + d2 + d3) / (d1 + d2 + d3 + d4 - 1)", Repeat = "d4")] Stage stage4;
}

/// <summary>
/// torchvision's <c>convnext_tiny</c>: 28,589,128 parameters, torchvision's keys, any input size. The widths, depths and
/// stochastic-depth probability are constructor parameters (<c>new ConvNeXtTiny(d3: 27)</c> is ConvNeXt-S's shape); the
/// summary is for these defaults, and <see cref="ConvNeXtSmall"/> and <see cref="ConvNeXtBase"/> are variants with theirs.
/// </summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class ConvNeXtTiny
{
    [Param] int width = 96;
    [Param] int d1 = 3, d2 = 3, d3 = 9, d4 = 3;
    [Param] double stochastic_depth_prob = 0.1;
    [Param] int num_classes = 1000;

    [Use(typeof(ConvNeXtFeatures), "width", "d1", "d2", "d3", "d4", "stochastic_depth_prob")] Stage features;
    [GlobalAvgPool] Stage avgpool;
    [LayerNorm2d(Eps = 1e-6), Flatten, Linear("num_classes")] Stage classifier;
}

/// <summary>torchvision's <c>convnext_small</c>: (96, 192, 384, 768) x (3, 3, 27, 3), stochastic depth 0.4; 50,223,688 parameters.</summary>
[Network(Like = typeof(ConvNeXtTiny))]
public partial class ConvNeXtSmall
{
    [Param] int d3 = 27;
    [Param] double stochastic_depth_prob = 0.4;
}

/// <summary>torchvision's <c>convnext_base</c>: (128, 256, 512, 1024) x (3, 3, 27, 3), stochastic depth 0.5; 88,591,464 parameters.</summary>
[Network(Like = typeof(ConvNeXtTiny))]
public partial class ConvNeXtBase
{
    [Param] int width = 128;
    [Param] int d3 = 27;
    [Param] double stochastic_depth_prob = 0.5;
}

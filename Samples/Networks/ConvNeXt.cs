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
/// ConvNeXt-T's <c>features</c> as torchvision builds them: the 4x4 patchify stem with LayerNorm2d, four stages of
/// CNBlocks (3, 3, 9, 3) at 96, 192, 384, 768 channels, LayerNorm2d and a 2x2 stride-2 conv between them.
/// </summary>
[Block(Sequential = true)]
public partial class ConvNeXtTinyFeatures
{
    [Conv(96, Kernel = 4, Stride = 4), LayerNorm2d(Eps = 1e-6)] Stage stem;
    // Stochastic depth grows with the block's place in the network, 0.1 * block / 17, as torchvision computes it.
    [Use(typeof(CNBlock), "0.1 * index / 17", Repeat = 3)] Stage stage1;
    [LayerNorm2d(Eps = 1e-6), Conv(192, Kernel = 2, Stride = 2)] Stage downsample1;
    [Use(typeof(CNBlock), "0.1 * (index + 3) / 17", Repeat = 3)] Stage stage2;
    [LayerNorm2d(Eps = 1e-6), Conv(384, Kernel = 2, Stride = 2)] Stage downsample2;
    [Use(typeof(CNBlock), "0.1 * (index + 6) / 17", Repeat = 9)] Stage stage3;
    [LayerNorm2d(Eps = 1e-6), Conv(768, Kernel = 2, Stride = 2)] Stage downsample3;
    [Use(typeof(CNBlock), "0.1 * (index + 15) / 17", Repeat = 3)] Stage stage4;
}

/// <summary>torchvision's <c>convnext_tiny</c>: 28,589,128 parameters, torchvision's keys, any input size.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class ConvNeXtTiny
{
    [Use(typeof(ConvNeXtTinyFeatures))] Stage features;
    [GlobalAvgPool] Stage avgpool;
    [LayerNorm2d(Eps = 1e-6), Flatten, Linear(1000)] Stage classifier;
}

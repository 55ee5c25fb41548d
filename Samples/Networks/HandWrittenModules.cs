using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Networks;

/// <summary>
/// A hand-written TorchSharp module (no NetDsl in it): squeeze-excitation's channel gate, global average pool, 1x1 conv to
/// <c>squeeze</c> channels, ReLU, 1x1 conv back, sigmoid, times the input. Children <c>fc1</c> and <c>fc2</c>, as
/// torchvision's <c>SqueezeExcitation</c>; 2·C·S + C + S parameters.
/// </summary>
public sealed class ChannelGate : nn.Module<Tensor, Tensor>, NetDsl.Onnx.IOnnxExport
{
    private readonly TorchSharp.Modules.Conv2d fc1;
    private readonly TorchSharp.Modules.Conv2d fc2;

    public ChannelGate(long channels, long squeeze) : base(nameof(ChannelGate))
    {
        fc1 = nn.Conv2d(channels, squeeze, 1);
        fc2 = nn.Conv2d(squeeze, channels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var scale = nn.functional.adaptive_avg_pool2d(input, 1);
        scale = nn.functional.relu(fc1.call(scale));
        scale = nn.functional.sigmoid(fc2.call(scale));
        return (input * scale).MoveToOuterDisposeScope();
    }

    /// <summary>Its ONNX nodes, as forward: the export hook of a hand-written module (docs/onnx.md).</summary>
    public NetDsl.Onnx.OnnxValue ExportOnnx(NetDsl.Onnx.OnnxGraph g, NetDsl.Onnx.OnnxValue input)
    {
        var scale = g.Node("GlobalAveragePool", new[] { input });
        scale = g.Relu(g.Module(fc1, scale));
        scale = g.Sigmoid(g.Module(fc2, scale));
        return g.Mul(input, scale);
    }
}

/// <summary>
/// A hand-written downsampler: space-to-depth (<c>pixel_unshuffle(2)</c>: [N, C, H, W] to [N, 4C, H/2, W/2], no pixel lost)
/// then a 1x1 conv without bias to <c>outChannels</c>. Child <c>proj</c>; 4·C·out parameters.
/// </summary>
public sealed class SpaceToDepthConv : nn.Module<Tensor, Tensor>, NetDsl.Onnx.IOnnxExport
{
    private readonly TorchSharp.Modules.Conv2d proj;

    public SpaceToDepthConv(long channels, long outChannels) : base(nameof(SpaceToDepthConv))
    {
        proj = nn.Conv2d(4 * channels, outChannels, 1, bias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return proj.call(nn.functional.pixel_unshuffle(input, 2)).MoveToOuterDisposeScope();
    }

    /// <summary>pixel_unshuffle(2) as Reshape / Transpose / Reshape (ONNX's SpaceToDepth orders the channels otherwise), then proj.</summary>
    public NetDsl.Onnx.OnnxValue ExportOnnx(NetDsl.Onnx.OnnxGraph g, NetDsl.Onnx.OnnxValue input)
    {
        var h2 = g.Div(g.Shape(input, 2, 3), g.Ints(2));
        var w2 = g.Div(g.Shape(input, 3, 4), g.Ints(2));
        var blocks = g.Node("Reshape", new[] { input, g.Concat(0, g.Shape(input, 0, 2), h2, g.Ints(2), w2, g.Ints(2)) });
        var moved = g.Transpose(blocks, 0, 1, 3, 5, 2, 4); // [N, C, 2, 2, H/2, W/2]
        var unshuffled = g.Node("Reshape", new[] { moved, g.Concat(0, g.Shape(input, 0, 1), g.Ints(-1), h2, w2) });
        return g.Module(proj, unshuffled);
    }
}

/// <summary>A conv, BN, ReLU and the hand-written gate on its output: in a block, <c>channels</c> is the gate's input, <c>planes</c>.</summary>
[Block]
public partial class GatedConv
{
    [Param] int planes;

    [Conv("planes", Kernel = 3, Padding = 1, Bias = false), BatchNorm, ReLU] Stage conv;
    [Module(typeof(ChannelGate), "channels", "channels / 8", Params = "2 * channels * (channels / 8) + channels + channels / 8",
        SampleMacs = "2 * channels * (channels / 8)", Global = true)] Stage gate;
}

/// <summary>
/// Hand-written TorchSharp modules as stages, each with its shape contract: the gate keeps channels and size, the
/// downsampler gives 64 channels at half the size (<c>Stride = 2</c>) with 4·C·64 parameters and as many multiply-adds per
/// output position. The compiler checks the layers around them against the contracts (the BatchNorm after the downsampler
/// gets 64 channels), the summary counts their parameters, and the first forward checks each module against its contract.
/// </summary>
[Network(InChannels = 3, Height = 32, Width = 32)]
public partial class HandWrittenModules
{
    [Use(typeof(GatedConv), 32)] Stage block1;                                   // [N, 32, 32, 32]
    [Module(typeof(SpaceToDepthConv), "channels", 64, Out = 64, Stride = 2,
        Params = "4 * channels * 64", Macs = "4 * channels * 64", Kernel = 2)] Stage down;   // [N, 64, 16, 16]
    [BatchNorm, ReLU] Stage act;
    [Use(typeof(GatedConv), 64)] Stage block2;                                   // [N, 64, 16, 16]
    [GlobalAvgPool, Flatten] Stage pool;
    [Linear(10)] Stage fc;
}

namespace NetDsl.Samples.Networks;

/// <summary>A conv-BN-ReLU branch with a given kernel and dilation (padding keeps the size).</summary>
[Block(Sequential = true)]
public partial class ConvBranch
{
    [Param] int channels;
    [Param] int kernel = 3;
    [Param] int dilation = 1;

    [Conv("channels", Kernel = "kernel", Padding = "dilation * (kernel - 1) / 2", Dilation = "dilation", Bias = false)] Stage conv;
    [BatchNorm] Stage bn;
    [ReLU(Inplace = true)] Stage relu;
}

/// <summary>Image-level context: global average pool, 1x1 conv, then nearest upsampling back to the map size.</summary>
[Block(Sequential = true)]
public partial class PoolBranch
{
    [Param] int channels;
    [Param] int size;

    [GlobalAvgPool] Stage pool;
    [Conv("channels", Kernel = 1)] Stage conv;
    [ReLU] Stage relu;
    [Upsample(Height = "size", Width = "size")] Stage up;
}

/// <summary>
/// Parallel branches (1x1, 3x3, dilated 3x3, image pooling) joined by concat, a 1x1 projection, a residual
/// sum with an earlier stage, and a classifier: the composition features ASPP-style heads are built from.
/// </summary>
[Network(InChannels = 3, Height = 32, Width = 32)]
public partial class MultiScaleNet
{
    [Conv(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm, ReLU(Inplace = true)] Stage stem;
    [Branch(typeof(ConvBranch), 16, 1),
     Branch(typeof(ConvBranch), 16, 3),
     Branch(typeof(ConvBranch), 16, 3, 2),
     Branch(typeof(PoolBranch), 16, 32),
     Join(Join.Concat)] Stage branches;
    [Conv(32, Kernel = 1, Bias = false, In = 64), BatchNorm] Stage project;
    [Add(nameof(stem))] Stage residual;
    [ReLU] Stage relu;
    [GlobalAvgPool, Flatten] Stage pool;
    [Dropout(0.2)] Stage dropout;
    [Linear(10, In = 32)] Stage fc;
}

namespace NetDsl.Samples.Networks;

/// <summary>torchvision's GoogLeNet <c>BasicConv2d</c>: conv (no bias), BatchNorm (eps 0.001), ReLU.</summary>
[Block]
public partial class BasicConv2d
{
    [Param] int out_channels;
    [Param] int kernel = 1;
    [Param] int padding = 0;
    [Param] int stride = 1;

    [Conv("out_channels", Kernel = "kernel", Stride = "stride", Padding = "padding", Bias = false)] Stage conv;
    [BatchNorm(Eps = 0.001)] Stage bn;
    [ReLU(Inplace = true)] Stage relu;
}

/// <summary>An Inception branch that reduces with a 1x1 BasicConv2d, then a 3x3 one (torchvision's branch2 and branch3:
/// its "5x5" branch is a 3x3 too).</summary>
[Block(Sequential = true)]
public partial class InceptionReduce
{
    [Param] int reduce;
    [Param] int out_channels;

    [Use(typeof(BasicConv2d), "reduce")] Stage squeeze;
    [Use(typeof(BasicConv2d), "out_channels", 3, 1)] Stage conv;
}

/// <summary>An Inception branch that max-pools 3x3 (stride 1, ceil mode), then projects with a 1x1 BasicConv2d (branch4).</summary>
[Block(Sequential = true)]
public partial class InceptionPoolProjection
{
    [Param] int out_channels;

    [MaxPool(3, Stride = 1, Padding = 1, CeilMode = true)] Stage pool;
    [Use(typeof(BasicConv2d), "out_channels")] Stage proj;
}

/// <summary>torchvision's <c>Inception</c>: four named branches (keys <c>branch1</c> .. <c>branch4</c>), concatenated.</summary>
[Block]
public partial class Inception
{
    [Param] int ch1x1;
    [Param] int ch3x3red;
    [Param] int ch3x3;
    [Param] int ch5x5red;
    [Param] int ch5x5;
    [Param] int pool_proj;

    [Branch(typeof(BasicConv2d), "ch1x1", Name = "branch1"),
     Branch(typeof(InceptionReduce), "ch3x3red", "ch3x3", Name = "branch2"),
     Branch(typeof(InceptionReduce), "ch5x5red", "ch5x5", Name = "branch3"),
     Branch(typeof(InceptionPoolProjection), "pool_proj", Name = "branch4"),
     Join(Join.Concat)] Stage branches;
}

/// <summary>torchvision's <c>googlenet(aux_logits=False, init_weights=False)</c>: 6,624,904 parameters, its keys.</summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class GoogLeNet
{
    [Use(typeof(BasicConv2d), 64, 7, 3, 2)] Stage conv1;
    [MaxPool(3, Stride = 2, CeilMode = true)] Stage maxpool1;
    [Use(typeof(BasicConv2d), 64)] Stage conv2;
    [Use(typeof(BasicConv2d), 192, 3, 1)] Stage conv3;
    [MaxPool(3, Stride = 2, CeilMode = true)] Stage maxpool2;
    [Use(typeof(Inception), 64, 96, 128, 16, 32, 32)] Stage inception3a;
    [Use(typeof(Inception), 128, 128, 192, 32, 96, 64)] Stage inception3b;
    [MaxPool(3, Stride = 2, CeilMode = true)] Stage maxpool3;
    [Use(typeof(Inception), 192, 96, 208, 16, 48, 64)] Stage inception4a;
    [Use(typeof(Inception), 160, 112, 224, 24, 64, 64)] Stage inception4b;
    [Use(typeof(Inception), 128, 128, 256, 24, 64, 64)] Stage inception4c;
    [Use(typeof(Inception), 112, 144, 288, 32, 64, 64)] Stage inception4d;
    [Use(typeof(Inception), 256, 160, 320, 32, 128, 128)] Stage inception4e;
    [MaxPool(2, Stride = 2, CeilMode = true)] Stage maxpool4;
    [Use(typeof(Inception), 256, 160, 320, 32, 128, 128)] Stage inception5a;
    [Use(typeof(Inception), 384, 192, 384, 48, 128, 128)] Stage inception5b;
    [GlobalAvgPool] Stage avgpool;
    [Flatten] Stage flatten;
    [Dropout(0.2)] Stage dropout;
    [Linear(1000)] Stage fc;
}

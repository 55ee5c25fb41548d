namespace NetDsl.Samples.Networks;

/// <summary>
/// Seed 004's dilated-convolution module: six unpadded 3x3 convs with dilations 1, 2, 5, 1, 2, 5 (two HDC groups).
/// 64x64 shrinks to 62, 58, 48, 46, 42, 32; then a 32x32 average pool and a classifier. The single "conv" stage is
/// the seed's nn.Sequential, so the state_dict keys are the same (conv.0.weight, conv.1.running_mean, ..., fc.bias).
/// </summary>
[Network(InChannels = 3, Height = 64, Width = 64)]
public partial class DilatedNet
{
    [Conv(32, Kernel = 3, Dilation = 1), BatchNorm, ReLU(Inplace = true),
     Conv(32, Kernel = 3, Dilation = 2), BatchNorm, ReLU(Inplace = true),
     Conv(64, Kernel = 3, Dilation = 5), BatchNorm, ReLU(Inplace = true),
     Conv(64, Kernel = 3, Dilation = 1), BatchNorm, ReLU(Inplace = true),
     Conv(64, Kernel = 3, Dilation = 2), BatchNorm, ReLU(Inplace = true),
     Conv(128, Kernel = 3, Dilation = 5), BatchNorm, ReLU(Inplace = true)]
    Stage conv;

    [AvgPool(32)] Stage pool;
    [Flatten] Stage flatten;
    [Linear(3, In = 128)] Stage fc;
}

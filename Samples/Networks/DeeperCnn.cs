namespace NetDsl.Samples.Networks;

// Seed 000's experiment: the same small CNN four times, only the downsampler differs (one attribute argument).
// conv-BN-ReLU, downsample, conv-BN-ReLU, downsample, 1x1 conv to one channel.

[Network(InChannels = 1, Height = 128, Width = 128)]
public partial class DeeperCnnMaxPool
{
    [Conv(16, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv1;
    [Downsample(DownsampleKind.MaxPool)] Stage down1;
    [Conv(32, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv2;
    [Downsample(DownsampleKind.MaxPool)] Stage down2;
    [Conv(1, Kernel = 1)] Stage head;
}

[Network(InChannels = 1, Height = 128, Width = 128)]
public partial class DeeperCnnAvgPool
{
    [Conv(16, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv1;
    [Downsample(DownsampleKind.AvgPool)] Stage down1;
    [Conv(32, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv2;
    [Downsample(DownsampleKind.AvgPool)] Stage down2;
    [Conv(1, Kernel = 1)] Stage head;
}

[Network(InChannels = 1, Height = 128, Width = 128)]
public partial class DeeperCnnStridedConv
{
    [Conv(16, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv1;
    [Downsample(DownsampleKind.StridedConv)] Stage down1;
    [Conv(32, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv2;
    [Downsample(DownsampleKind.StridedConv)] Stage down2;
    [Conv(1, Kernel = 1)] Stage head;
}

[Network(InChannels = 1, Height = 128, Width = 128)]
public partial class DeeperCnnHwd
{
    [Conv(16, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv1;
    [Downsample(DownsampleKind.Hwd)] Stage down1;
    [Conv(32, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv2;
    [Downsample(DownsampleKind.Hwd)] Stage down2;
    [Conv(1, Kernel = 1)] Stage head;
}

namespace NetDsl.Samples.Networks;

/// <summary>Seed 000's worked example: a 3x3 max pool (stride 1) over a 1x3x3x3 tensor gives one value per channel.</summary>
[Network(InChannels = 3, Height = 3, Width = 3)]
public partial class SeedMaxPool
{
    [MaxPool(3, Stride = 1)] Stage pool;
}

/// <summary>Seed 000's worked example: a 3x3 average pool (stride 1) over the same tensor.</summary>
[Network(InChannels = 3, Height = 3, Width = 3)]
public partial class SeedAvgPool
{
    [AvgPool(3, Stride = 1)] Stage pool;
}

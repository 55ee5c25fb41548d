namespace NetDsl.Samples.Networks;

/// <summary>
/// Seed 001's claim, made visible in the summary: five WTConv layers with 1 to 5 wavelet levels. Each level's
/// row shows its sub-band size and receptive field (5·2^l pixels for Haar: exponential in the levels) while the
/// parameters grow by the same 4·C·(k²+1) per level (linear).
/// </summary>
[Network(InChannels = 32, Height = 64, Width = 64)]
public partial class WTConvStack
{
    [WTConv(32, Kernel = 5, Levels = 1)] Stage wt1;
    [WTConv(32, Kernel = 5, Levels = 2)] Stage wt2;
    [WTConv(32, Kernel = 5, Levels = 3)] Stage wt3;
#pragma warning disable NDSL0028 // levels 4 and 5 work on 4x4 and 2x2 sub-bands, smaller than the 5x5 kernel: shown on purpose
    [WTConv(32, Kernel = 5, Levels = 4)] Stage wt4;
    [WTConv(32, Kernel = 5, Levels = 5)] Stage wt5;
#pragma warning restore NDSL0028
}

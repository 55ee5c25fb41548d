namespace NetDsl.Samples.Networks;

/// <summary>
/// Seed 004's counter-example: the same six-layer module as <see cref="DilatedNet"/> but with dilations 2, 4, 8,
/// which share the factor 2. The compiler proves the stack never sees half of its receptive field (NDSL0031,
/// silenced here because the sample exists to show it; `dotnet build` without the pragma reports it).
/// </summary>
[Network(InChannels = 3, Height = 64, Width = 64)]
public partial class GriddingNet
{
#pragma warning disable NDSL0031 // on purpose: this is the gridding variant next to DilatedNet's HDC rates
    [Conv(32, Kernel = 3, Dilation = 2), BatchNorm, ReLU(Inplace = true),
     Conv(32, Kernel = 3, Dilation = 4), BatchNorm, ReLU(Inplace = true),
     Conv(64, Kernel = 3, Dilation = 8), BatchNorm, ReLU(Inplace = true)]
    Stage conv;
#pragma warning restore NDSL0031

    [GlobalAvgPool, Flatten] Stage pool;
    [Linear(3)] Stage fc;
}

namespace NetDsl.Samples.Networks;

/// <summary>
/// Octave layers one by one, at any input size: a plain octave conv that splits the input (alpha 0.25), a batch norm
/// and a ReLU per frequency as stages of their own, a conv-BN-ReLU stage, a residual [Add] of two octave stages,
/// dropout per frequency, a stride-2 octave conv, and the merge back to a plain map. The size is symbolic, so the
/// compiler collects what the octave layers need (a multiple of 4: the stride-2 layer pools the high map twice).
/// </summary>
[Network(InChannels = 3, Height = 0, Width = 0)]
public partial class OctaveLayers
{
    [OctConv(32, Padding = 1, AlphaIn = 0.0, AlphaOut = 0.25)] Stage split;
    [BatchNorm] Stage bn;
    [ReLU] Stage relu;
    [OctConv(32, Padding = 1, AlphaIn = 0.25, AlphaOut = 0.25), BatchNorm, ReLU(Inplace = true)] Stage conv;
    [Add(nameof(relu))] Stage residual;
    [Dropout(0.1)] Stage dropout;
    [OctConv(64, Stride = 2, Padding = 1, AlphaIn = 0.25, AlphaOut = 0.25, BatchNorm = true, ReLU = true)] Stage down;
    [OctConv(64, Kernel = 1, AlphaIn = 0.25, AlphaOut = 0.0, BatchNorm = true, ReLU = true)] Stage merge;
    [GlobalAvgPool] Stage pool;
    [Flatten] Stage flatten;
    [Linear(10)] Stage fc;
}

namespace NetDsl.Samples.Networks;

/// <summary>
/// Seed 003's SPP-Net: convolutions, then a spatial pyramid pooling with levels 4, 2, 1 that turns any map into
/// 256·(16 + 4 + 1) = 5,376 features, so the classifier's in-features are fixed at compile time while the input
/// size stays symbolic. Run on two sizes.
/// </summary>
[Network(InChannels = 3)]
public partial class SppNet
{
    [Conv(64, Kernel = 3, Padding = 1), ReLU(Inplace = true), MaxPool(2)] Stage features1;
    [Conv(128, Kernel = 3, Padding = 1), ReLU(Inplace = true), MaxPool(2)] Stage features2;
    [Conv(256, Kernel = 3, Padding = 1), ReLU(Inplace = true)] Stage features3;
    [SPP(4, 2, 1)] Stage spp;
    [Linear(1024, In = 5376), ReLU(Inplace = true), Dropout(0.5)] Stage fc1;
    [Linear(10)] Stage fc2;
}

using NetDsl;
using static TorchSharp.torch;

// SmallNet below is declared with attributes; NetDsl's generator infers every shape at compile time (the comments show
// them) and writes its TorchSharp module. A wrong declaration, e.g. `In = 8` on conv2, fails the build with an NDSL error
// on that attribute.
using var net = new SmallNet();
net.eval();
Console.Write(SmallNet.Summary.ToTable());

using (no_grad())
{
    using var x = randn(4, 3, 32, 32);
    using var logits = net.call(x);
    using var probabilities = logits.softmax(1);
    Console.WriteLine($"forward: [{string.Join(", ", x.shape)}] -> [{string.Join(", ", logits.shape)}]");
    Console.WriteLine($"first image's class: {probabilities[0].argmax().item<long>()} of {logits.shape[1]}");
}

// Weights: the module's keys are PyTorch's (conv1.0.weight, conv1.1.running_mean, fc.weight, ...), so a checkpoint of the
// same network saved by PyTorch, torch.save(model.state_dict(), "small.pt") (or .pth, .safetensors), loads with
//     Console.WriteLine(net.LoadWeights("small.pt"));   // strict: every key and shape must fit, else nothing changes
// and net.SaveWeights("small.pt") writes a file that PyTorch's torch.load + load_state_dict accepts.

[Network(InChannels = 3, Height = 32, Width = 32)]
public partial class SmallNet
{
    [Conv(16, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv1;  // [N, 16, 32, 32]
    [MaxPool(2)] Stage pool1;                                          // [N, 16, 16, 16]
    [Conv(32, Kernel = 3, Padding = 1), BatchNorm, ReLU] Stage conv2;  // [N, 32, 16, 16]
    [GlobalAvgPool, Flatten] Stage pool;                               // [N, 32]
    [Linear(10)] Stage fc;                                             // [N, 10]
}

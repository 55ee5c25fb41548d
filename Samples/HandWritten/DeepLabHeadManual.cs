using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NetDsl.Samples.HandWritten;

/// <summary>
/// torchvision's <c>DeepLabHead(in_channels, num_classes)</c> written by hand in plain TorchSharp: the `bench pyramids`
/// baseline for the generated <c>classifier</c> of <see cref="Networks.DeepLabV3ResNet50"/> (which uses the runtime's
/// <c>NetDsl.Pyramids.DeepLabHead</c>). As in torchvision, the head is an <c>nn.Sequential</c>: ASPP (rates 12, 24, 36,
/// 256 channels), 3x3 conv, batch norm, ReLU, 1x1 classifier; so the state_dict keys are torchvision's
/// (<c>0.convs.0.0.weight</c> … <c>4.bias</c>) and weights copy across by key (<see cref="CopyWeights"/>).
/// </summary>
public static class DeepLabHeadManual
{
    /// <summary>The head as torchvision builds it: Sequential(ASPP, Conv2d, BatchNorm2d, ReLU, Conv2d).</summary>
    public static Sequential Create(long in_channels = 2048, long num_classes = 21) =>
        Sequential(
            new Aspp(in_channels, new long[] { 12, 24, 36 }, 256),
            Conv2d(256, 256, kernel_size: 3, padding: 1, bias: false),
            BatchNorm2d(256),
            ReLU(),
            Conv2d(256, num_classes, kernel_size: 1));

    /// <summary>
    /// Copies every parameter and buffer of <paramref name="source"/> (a module with the same state_dict keys, such as the
    /// generated network's classifier) into <paramref name="target"/>, strictly: a missing or extra key throws.
    /// </summary>
    public static void CopyWeights(Module target, Module source)
    {
        var (missing, unexpected) = target.load_state_dict(source.state_dict(), strict: true);
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new System.InvalidOperationException(
                $"state_dict mismatch: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
    }

    /// <summary>
    /// torchvision's <c>ASPP</c>: <c>convs</c> = a 1x1 branch, one dilated 3x3 branch per rate and the image-pooling branch
    /// (global average pool, 1x1, BN, ReLU, resized back bilinearly), concatenated; <c>project</c> = 1x1, BN, ReLU, dropout.
    /// </summary>
    private sealed class Aspp : Module<Tensor, Tensor>
    {
        private readonly ModuleList<Module<Tensor, Tensor>> convs = new();
        private readonly Sequential project;

        public Aspp(long in_channels, long[] atrous_rates, long out_channels) : base("ASPP")
        {
            convs.Add(Sequential(
                Conv2d(in_channels, out_channels, kernel_size: 1, bias: false),
                BatchNorm2d(out_channels),
                ReLU()));
            foreach (long rate in atrous_rates)
                convs.Add(Sequential(
                    Conv2d(in_channels, out_channels, kernel_size: 3, padding: rate, dilation: rate, bias: false),
                    BatchNorm2d(out_channels),
                    ReLU()));
            // ASPPPooling: a Sequential whose forward resizes its 1x1 result back to the input's size (done in forward below).
            convs.Add(Sequential(
                AdaptiveAvgPool2d(1),
                Conv2d(in_channels, out_channels, kernel_size: 1, bias: false),
                BatchNorm2d(out_channels),
                ReLU()));
            project = Sequential(
                Conv2d(convs.Count * out_channels, out_channels, kernel_size: 1, bias: false),
                BatchNorm2d(out_channels),
                ReLU(),
                Dropout(0.5));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var size = new[] { x.shape[2], x.shape[3] };
            var branches = new Tensor[convs.Count];
            for (int i = 0; i < convs.Count - 1; i++) branches[i] = convs[i].call(x);
            branches[^1] = functional.interpolate(convs[^1].call(x), size, mode: InterpolationMode.Bilinear, align_corners: false);
            return project.call(torch.cat(branches, 1)).MoveToOuterDisposeScope();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var branch in convs) branch.Dispose();
                project.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace NetDsl.Samples.HandWritten;

/// <summary>
/// ResNet-50 written by hand in idiomatic TorchSharp, the way TorchSharp's own TorchVision <c>ResNet.cs</c> builds it:
/// the benchmark baseline for the generated <see cref="Networks.ResNet50"/>. Same state_dict keys and parameter count
/// as torchvision (and as the generated network), so weights copy across by key
/// (<c>Generator.Tests/HandWrittenResNetTests.cs</c> proves the two compute the same function).
/// Unlike the generated network it does not check the input shape: any [N, 3, H, W] with H, W &gt;= 32 runs.
/// </summary>
public sealed class ResNet50Manual : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1 = Sequential();
    private readonly Sequential layer2 = Sequential();
    private readonly Sequential layer3 = Sequential();
    private readonly Sequential layer4 = Sequential();
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Flatten flatten;
    private readonly Linear fc;

    private int in_planes = 64;

    public ResNet50Manual(int num_classes = 1000) : base("ResNet50Manual")
    {
        conv1 = Conv2d(3, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64);
        relu = ReLU(inplace: true);
        maxpool = MaxPool2d(kernel_size: 3, stride: 2, padding: 1);

        MakeLayer(layer1, planes: 64, blocks: 3, stride: 1);
        MakeLayer(layer2, planes: 128, blocks: 4, stride: 2);
        MakeLayer(layer3, planes: 256, blocks: 6, stride: 2);
        MakeLayer(layer4, planes: 512, blocks: 3, stride: 2);

        avgpool = AdaptiveAvgPool2d(1);
        flatten = Flatten();
        fc = Linear(512 * Bottleneck.expansion, num_classes);

        RegisterComponents();
    }

    private void MakeLayer(Sequential layer, int planes, int blocks, int stride)
    {
        Sequential? downsample = null;
        if (stride != 1 || in_planes != planes * Bottleneck.expansion)
        {
            downsample = Sequential(
                Conv2d(in_planes, planes * Bottleneck.expansion, kernel_size: 1, stride: stride, bias: false),
                BatchNorm2d(planes * Bottleneck.expansion));
        }
        layer.append(new Bottleneck(in_planes, planes, stride, downsample));
        in_planes = planes * Bottleneck.expansion;
        for (int i = 1; i < blocks; i++)
            layer.append(new Bottleneck(in_planes, planes, 1, null));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = maxpool.call(relu.call(bn1.call(conv1.call(input))));
        x = layer1.call(x);
        x = layer2.call(x);
        x = layer3.call(x);
        x = layer4.call(x);
        var result = fc.call(flatten.call(avgpool.call(x)));
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Copies every parameter and buffer of <paramref name="source"/> (a network with the same state_dict keys, such as
    /// the generated ResNet50) into this one, strictly: a missing or extra key throws.
    /// </summary>
    public void CopyWeightsFrom(Module source)
    {
        var (missing, unexpected) = load_state_dict(source.state_dict(), strict: true);
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new System.InvalidOperationException(
                $"state_dict mismatch: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", unexpected)}]");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            bn1.Dispose();
            relu.Dispose();
            maxpool.Dispose();
            layer1.Dispose();
            layer2.Dispose();
            layer3.Dispose();
            layer4.Dispose();
            avgpool.Dispose();
            flatten.Dispose();
            fc.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>torchvision's Bottleneck (v1.5: stride on the 3x3 conv); the shortcut projection is passed in.</summary>
    private sealed class Bottleneck : Module<Tensor, Tensor>
    {
        public const int expansion = 4;

        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Conv2d conv3;
        private readonly BatchNorm2d bn3;
        private readonly ReLU relu;
        private readonly Sequential? downsample;

        public Bottleneck(int in_planes, int planes, int stride, Sequential? downsample) : base("Bottleneck")
        {
            conv1 = Conv2d(in_planes, planes, kernel_size: 1, bias: false);
            bn1 = BatchNorm2d(planes);
            conv2 = Conv2d(planes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
            bn2 = BatchNorm2d(planes);
            conv3 = Conv2d(planes, planes * expansion, kernel_size: 1, bias: false);
            bn3 = BatchNorm2d(planes * expansion);
            relu = ReLU(inplace: true);
            this.downsample = downsample;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var identity = downsample is null ? input : downsample.call(input);
            var x = relu.call(bn1.call(conv1.call(input)));
            x = relu.call(bn2.call(conv2.call(x)));
            x = bn3.call(conv3.call(x));
            return x.add_(identity).relu_().MoveToOuterDisposeScope();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                conv1.Dispose();
                bn1.Dispose();
                conv2.Dispose();
                bn2.Dispose();
                conv3.Dispose();
                bn3.Dispose();
                relu.Dispose();
                downsample?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

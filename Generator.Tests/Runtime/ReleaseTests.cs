using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using NetDsl.Samples.Benchmarking;
using NetDsl.Samples.HandWritten;
using NetDsl.Samples.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Runtime;

/// <summary>Tests that read process-wide counters (live TorchSharp tensors, the native heap) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCounters
{
    public const string Name = "process-wide counters";
}

/// <summary>
/// The generated forwards release each intermediate after its last use: they compute what the same modules run stage by
/// stage without releases compute, leave no tensor behind, keep autograd working, and their peak activation memory,
/// measured on the native heap, is the compile-time peak of the summary (within 5%).
/// </summary>
[Collection(ProcessWideCounters.Name)]
public class ReleaseTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ReleaseTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    /// <summary>Finalizers of tensors other tests left to the GC run now, not during a count.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static nn.Module<Tensor, Tensor> M(IStagedModule net, string stage) =>
        (nn.Module<Tensor, Tensor>)net.Stages.Single(s => s.Name == stage).Module!;

    [Fact]
    public void TinyUNet_forward_equals_its_stages_run_without_releases_and_leaves_one_tensor()
    {
        torch.manual_seed(3);
        using var net = new TinyUNet();
        net.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.randn(2, 1, 32, 48);
        Tensor reference;
        using (var scope = NewDisposeScope())
        {
            var e1 = M(net, "enc1").call(x);
            var e2 = M(net, "enc2").call(M(net, "pool1").call(e1));
            var b = M(net, "bottleneck").call(M(net, "pool2").call(e2));
            var d2 = M(net, "dec2").call(cat(new[] { M(net, "up2").call(b), e2 }, 1));
            var d1 = M(net, "dec1").call(cat(new[] { M(net, "up1").call(d2), e1 }, 1));
            reference = M(net, "head").call(d1).MoveToOuterDisposeScope();
        }
        using (reference)
        {
            Settle();
            long before = Tensor.TotalCount;
            using var y = net.call(x);
            Assert.Equal(before + 1, Tensor.TotalCount); // the output, nothing else
            Assert.Equal(0.0, (y - reference).abs().max().ToDouble());
            Assert.False(x.IsInvalid);                   // the caller's input is never released
        }
    }

    [Fact]
    public void MultiScaleNet_forward_equals_its_stages_run_without_releases_and_leaves_one_tensor()
    {
        torch.manual_seed(5);
        using var net = new MultiScaleNet();
        net.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.randn(3, 3, 32, 32);
        Tensor reference;
        using (var scope = NewDisposeScope())
        {
            var stem = M(net, "stem").call(x.clone()); // ReLU(inplace) works on a copy: the reference keeps its own
            var branches = (TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor>>)net.Stages.Single(s => s.Name == "branches").Module!;
            var joined = cat(branches.Select(b => b.call(stem)).ToArray(), 1);
            var sum = M(net, "project").call(joined) + stem;
            var pooled = M(net, "pool").call(M(net, "relu").call(sum));
            reference = M(net, "fc").call(M(net, "dropout").call(pooled)).MoveToOuterDisposeScope();
        }
        using (reference)
        {
            Settle();
            long before = Tensor.TotalCount;
            using var y = net.call(x);
            Assert.Equal(before + 1, Tensor.TotalCount);
            Assert.True((y - reference).abs().max().ToDouble() < 1e-6);
        }
    }

    [Fact]
    public void Tap_network_forward_all_leaves_only_its_outputs()
    {
        torch.manual_seed(7);
        using var net = new TinyDeepLabV3();
        net.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.randn(1, 3, 64, 64);
        using (net.forward_all(x)) { } // warm-up
        Settle();
        long before = Tensor.TotalCount;
        using (var outputs = net.forward_all(x))
        {
            Assert.Equal(before + 2, Tensor.TotalCount); // "out" and "aux"
            using var scope = NewDisposeScope();
            Assert.Equal(0.0, (outputs.Out - net.call(x)).abs().max().ToDouble());
        }
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void A_training_forward_keeps_what_autograd_needs_gradients_equal_the_hand_written_networks()
    {
        torch.manual_seed(11);
        using var generated = new ResNet50();
        using var handWritten = new ResNet50Manual();
        handWritten.CopyWeightsFrom(generated);
        generated.train();
        handWritten.train();
        using var x = torch.randn(2, 3, 224, 224);
        using (var scope = NewDisposeScope())
        {
            generated.call(x).square().sum().backward();
            handWritten.call(x).square().sum().backward();
        }
        var a = generated.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var b = handWritten.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var name in new[] { "conv1.weight", "layer1.0.conv1.weight", "layer3.2.bn2.weight", "layer4.0.downsample.0.weight", "fc.weight" })
        {
            using var ga = a[name].grad!;
            using var gb = b[name].grad!;
            double scale = Math.Max(1e-12, gb.abs().max().ToDouble());
            Assert.True((ga - gb).abs().max().ToDouble() / scale < 1e-4, name);
            Assert.True(ga.abs().max().ToDouble() > 0, name);
        }
    }

    // ------------------------------------------------------------------ measured peak against the summary's

    public static IEnumerable<object[]> PeakCases() => new[]
    {
        new object[] { "ResNet50", 1 },
        new object[] { "MultiScaleNet", 32 },     // parallel branches joined by concat, a skip add
        new object[] { "TinyDeepLabV3", 8 },      // a network with a tap and outputs (forward: its main path)
        new object[] { "OctResNet50", 1 },        // octave layers: four paths, pools and upsamplings inside each layer
        // Symbolic sizes: the summary's plan evaluated at the input's size (PeakActivationBytesAt(N, h, w)).
        new object[] { "ConvNeXtTiny", 1 },       // 224 x 224; layer scale and stochastic depth in every block
        new object[] { "DenseNet121", 1 },        // 224 x 224; concatenated features kept across each dense block
        new object[] { "WTConvNeXtTiny", 1 },     // 224 x 224, between the multiples of its period (128): residue classes
        new object[] { "TinyUNet", 8 },           // 64 x 96; skips across the whole network, concatenated on the way up
    };

    [Theory]
    [MemberData(nameof(PeakCases))]
    public void The_compile_time_peak_is_the_measured_peak_within_5_percent(string network, int batch)
    {
        var (net, summary) = network switch
        {
            "ResNet50" => ((nn.Module<Tensor, Tensor>)new ResNet50(), ResNet50.Summary),
            "MultiScaleNet" => ((nn.Module<Tensor, Tensor>)new MultiScaleNet(), MultiScaleNet.Summary),
            "TinyDeepLabV3" => ((nn.Module<Tensor, Tensor>)new TinyDeepLabV3(), TinyDeepLabV3.Summary),
            "OctResNet50" => ((nn.Module<Tensor, Tensor>)new OctResNet50(), OctResNet50.Summary),
            "ConvNeXtTiny" => ((nn.Module<Tensor, Tensor>)new ConvNeXtTiny(), ConvNeXtTiny.Summary),
            "DenseNet121" => ((nn.Module<Tensor, Tensor>)new DenseNet121(), DenseNet121.Summary),
            "WTConvNeXtTiny" => ((nn.Module<Tensor, Tensor>)new WTConvNeXtTiny(), WTConvNeXtTiny.Summary),
            "TinyUNet" => ((nn.Module<Tensor, Tensor>)new TinyUNet(), TinyUNet.Summary),
            _ => throw new ArgumentException(network),
        };
        using var _ = net;
        net.eval();
        using var noGrad = torch.no_grad();
        var (h, w) = network == "TinyUNet" ? (64L, 96L) : (224L, 224L);
        var shape = summary.FixedHeight > 0
            ? summary.Input.Trim('[', ']').Split(", ").Skip(1).Select(long.Parse).Prepend(batch).ToArray()
            : new[] { batch, long.Parse(summary.Input.Split(", ")[1]), h, w };
        using var x = torch.randn(shape);
        long expected = summary.PeakActivationBytesAt(batch, shape[2], shape[3])!.Value;
        long measured = NativeHeap.PeakDuring(net, () => net.call(x));
        double ratio = (double)measured / expected;
        _output.WriteLine($"{network} batch {batch}: measured {measured:N0} B, compile-time {expected:N0} B (ratio {ratio:0.000})");
        Assert.True(Math.Abs(ratio - 1) <= 0.05, $"{network} batch {batch}: measured {measured:N0} B, compile-time {expected:N0} B (ratio {ratio:0.000})");
    }
}

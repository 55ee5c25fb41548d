using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetDsl.Samples.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples;

/// <summary>A sample network: how to build it, what the compiler said about it, and what to feed it.</summary>
public sealed record Sample(
    string Name,
    string Description,
    NetworkSummary Summary,
    Func<nn.Module<Tensor, Tensor>> Create,
    IReadOnlyList<long[]> InputShapes,
    int TableDepth = int.MaxValue,
    Func<Tensor>? FixedInput = null,
    Action<Tensor>? Check = null,
    Action<nn.Module<Tensor, Tensor>, Tensor>? AllOutputs = null);

public static class SampleRunner
{
    /// <summary>Seed 000's worked example input (values printed in the article).</summary>
    public static Tensor SeedPoolingInput() => tensor(new float[]
    {
        0.3939f, 0.8964f, 0.3681f, 0.5134f, 0.3780f, 0.0047f, 0.0681f, 0.0989f, 0.5962f,
        0.7954f, 0.4811f, 0.3329f, 0.8804f, 0.3986f, 0.3561f, 0.2797f, 0.3672f, 0.6508f,
        0.6309f, 0.1340f, 0.0564f, 0.3101f, 0.9927f, 0.5554f, 0.0947f, 0.2305f, 0.8299f,
    }, new long[] { 1, 3, 3, 3 });

    public static IReadOnlyList<Sample> All { get; } = new[]
    {
        new Sample("DilatedNet", "Seed 004: six dilated 3x3 convs (1,2,5,1,2,5), 64 -> 62, 58, 48, 46, 42, 32, avg pool, classifier",
            DilatedNet.Summary, () => new DilatedNet(), new[] { new long[] { 2, 3, 64, 64 } }),
        new Sample("SeedMaxPool", "Seed 000: 3x3 max pool (stride 1) of the article's 1x3x3x3 tensor; expected [0.8964, 0.8804, 0.9927]",
            SeedMaxPool.Summary, () => new SeedMaxPool(), new[] { new long[] { 1, 3, 3, 3 } }, FixedInput: SeedPoolingInput,
            Check: y => PrintValues(y, new[] { 0.8964, 0.8804, 0.9927 })),
        new Sample("SeedAvgPool", "Seed 000: 3x3 average pool (stride 1) of the same tensor; expected [0.3686, 0.5047, 0.4261]",
            SeedAvgPool.Summary, () => new SeedAvgPool(), new[] { new long[] { 1, 3, 3, 3 } }, FixedInput: SeedPoolingInput,
            Check: y => PrintValues(y, new[] { 0.3686, 0.5047, 0.4261 })),
        new Sample("ResNet50", "torchvision's ResNet-50: 25,557,032 parameters, identical state_dict keys",
            ResNet50.Summary, () => new ResNet50(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 2),
        new Sample("ConvNeXtTiny", "torchvision's convnext_tiny: patchify stem, CNBlocks with a channels-last LayerNorm, Linear and layer_scale, 28,589,128 parameters",
            ConvNeXtTiny.Summary, () => new ConvNeXtTiny(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 2),
        new Sample("ConvNeXtSmall", "torchvision's convnext_small from ConvNeXt-T's body ([Network(Like = ...)]: depths 3-3-27-3, stochastic depth 0.4), 50,223,688 parameters",
            ConvNeXtSmall.Summary, () => new ConvNeXtSmall(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("ConvNeXtBase", "torchvision's convnext_base from the same body (width 128, depths 3-3-27-3), 88,591,464 parameters",
            ConvNeXtBase.Summary, () => new ConvNeXtBase(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("GoogLeNet", "torchvision's googlenet (aux_logits=False): Inception blocks with named branches branch1..branch4, 6,624,904 parameters",
            GoogLeNet.Summary, () => new GoogLeNet(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("EfficientNetB0", "torchvision's efficientnet_b0: MBConv with a conditional expand conv, squeeze-excitation ([Mul] broadcast) and a conditional residual, 5,288,548 parameters",
            EfficientNetB0.Summary, () => new EfficientNetB0(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 2),
        new Sample("MobileNetV2", "torchvision's mobilenet_v2: one InvertedResidual declaration (conditional expand conv and residual), the setting table as inline repeats, 3,504,872 parameters",
            MobileNetV2.Summary, () => new MobileNetV2(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 2),
        new Sample("DenseNet121", "torchvision's densenet121: dense layers concatenated after the earlier features, copies named denselayer1.., 7,978,856 parameters",
            DenseNet121.Summary, () => new DenseNet121(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 2),
        new Sample("DenseNet201", "torchvision's densenet201, a variant of DenseNet-121's body (block_config 6-12-48-32, built by the body's loops), 20,013,928 parameters",
            DenseNet201.Summary, () => new DenseNet201(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("ResNet18", "torchvision's resnet18, a variant of ResNet-50's body (BasicBlock, 2-2-2-2): 11,689,512 parameters, num_classes a constructor parameter",
            ResNet18.Summary, () => new ResNet18(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("ResNet152", "torchvision's resnet152, a variant of ResNet-50's body (Bottleneck, 3-8-36-3): 60,192,808 parameters",
            ResNet152.Summary, () => new ResNet152(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("DeepLabV3ResNet50", "torchvision's deeplabv3_resnet50 without aux: OS-8 backbone, DeepLabHead (ASPP 12/24/36), 39,638,869 parameters",
            DeepLabV3ResNet50.Summary, () => new DeepLabV3ResNet50(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("OctResNet50", "d-li14's Oct-ResNet-50 (alpha 0.5 in layers 1-3, 0 in layer 4): ResNet-50's 25,557,032 parameters, 2.367 G multiply-adds instead of 4.089 G",
            OctResNet50.Summary, () => new OctResNet50(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 2),
        new Sample("OctResNet101", "Oct-ResNet-101 (3, 4, 23, 3 blocks, alpha 0.5)",
            OctResNet101.Summary, () => new OctResNet101(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("OctResNet152", "Oct-ResNet-152 (3, 8, 36, 3 blocks, alpha 0.5)",
            OctResNet152.Summary, () => new OctResNet152(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("OctResNet200", "Oct-ResNet-200 (3, 24, 36, 3 blocks, alpha 0.5)",
            OctResNet200.Summary, () => new OctResNet200(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("OctMobileNetV1", "Seed 002's Oct-MobileNetV1 for 10 classes: octave depthwise-separable blocks, alpha 0.5",
            OctMobileNetV1.Summary, () => new OctMobileNetV1(), new[] { new long[] { 2, 3, 224, 224 } }, TableDepth: 2),
        new Sample("OctResNetTiny", "A CIFAR-sized Oct-ResNet (32x32, split, stride-2 and merging octave Bottlenecks); checked against PyTorch numerically",
            OctResNetTiny.Summary, () => new OctResNetTiny(), new[] { new long[] { 4, 3, 32, 32 } }, TableDepth: 1),
        new Sample("OctaveLayers", "Octave layers one by one on a symbolic size (split, BN and ReLU per frequency, residual add, stride 2, merge), run at two sizes",
            OctaveLayers.Summary, () => new OctaveLayers(), new[] { new long[] { 2, 3, 32, 32 }, new long[] { 1, 3, 24, 40 } }),
        new Sample("DeepLabV3ResNet50Aux", "torchvision's deeplabv3_resnet50 with the aux FCNHead on backbone.layer3 ([Tap]): outputs \"out\" and \"aux\", 42,004,074 parameters",
            DeepLabV3ResNet50Aux.Summary, () => new DeepLabV3ResNet50Aux(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1,
            AllOutputs: (m, x) => PrintOutputs(((DeepLabV3ResNet50Aux)m).forward_all(x), m.call(x))),
        new Sample("ResNet50OS16", "ResNet-50's features at output stride 16 (OutputStride = 16 dilates layer4): 224x224 -> 14x14, 23,508,032 parameters",
            ResNet50OS16.Summary, () => new ResNet50OS16(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 1),
        new Sample("MultiScaleNet", "Parallel 1x1 / 3x3 / dilated 3x3 / image-pooling branches joined by concat, projection, residual sum",
            MultiScaleNet.Summary, () => new MultiScaleNet(), new[] { new long[] { 4, 3, 32, 32 } }, TableDepth: 2),
        new Sample("WTConvStack", "Seed 001: WTConv with 1-5 wavelet levels: receptive field doubles per level, parameters grow linearly",
            WTConvStack.Summary, () => new WTConvStack(), new[] { new long[] { 1, 32, 64, 64 } }, TableDepth: 2),
        new Sample("WTConvNeXtTiny", "WTConvNeXt-T as BGU-CS-VIL/WTConv's wtconvnext.py builds it (timm's keys): ConvNeXt with WTConv2d (k 5, 5-4-3-2 Haar levels) as conv_dw, 30,595,624 parameters with the fixed filters",
            WTConvNeXtTiny.Summary, () => new WTConvNeXtTiny(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 2),
        new Sample("WTConvNeXtSmall", "WTConvNeXt-S from WTConvNeXt-T's body ([Network(Like = ...)]: depths 3-3-27-3), 54,448,936 parameters (run at 128x128)",
            WTConvNeXtSmall.Summary, () => new WTConvNeXtSmall(), new[] { new long[] { 1, 3, 128, 128 } }, TableDepth: 1),
        new Sample("WTConvNeXtBase", "WTConvNeXt-B from the same body (widths 128-256-512-1024, depths 3-3-27-3), 94,225,128 parameters (run at 128x128)",
            WTConvNeXtBase.Summary, () => new WTConvNeXtBase(), new[] { new long[] { 1, 3, 128, 128 } }, TableDepth: 1),
        new Sample("DeepLabV2Vgg16", "Seed 003: DeepLab v2 on VGG-16 (pool4/pool5 at stride 1, conv5 dilated 2), ASPP rates 6/12/18/24 summed: 224x224 -> 21x28x28 as the seed prints",
            DeepLabV2Vgg16.Summary, () => new DeepLabV2Vgg16(), new[] { new long[] { 1, 3, 224, 224 } }, TableDepth: 2),
        new Sample("SpeedDepth", "Seed 003: SPEED depth network, MobileNet encoder with DSPP, decoder with MDSPP and encoder skips: 192x256 -> 48x64 depth",
            SpeedDepth.Summary, () => new SpeedDepth(), new[] { new long[] { 1, 3, 192, 256 } }),
        new Sample("SppNet", "Seed 003: SPP-Net, pyramid levels 4/2/1 give 5,376 features for any input size (from 16x16, odd sizes too); run at two sizes",
            SppNet.Summary, () => new SppNet(), new[] { new long[] { 2, 3, 64, 64 }, new long[] { 1, 3, 97, 131 } }),
        new Sample("TinyUNet", "A small U-Net with a symbolic input size (H, W multiples of 4), run at two sizes",
            TinyUNet.Summary, () => new TinyUNet(), new[] { new long[] { 2, 1, 64, 64 }, new long[] { 1, 1, 96, 128 } }, TableDepth: 1),
        new Sample("HandWrittenModules", "Hand-written TorchSharp modules as stages with declared contracts (a channel gate, a space-to-depth downsampler): checked against their neighbours at compile time and on the first call",
            HandWrittenModules.Summary, () => new HandWrittenModules(), new[] { new long[] { 2, 3, 32, 32 } }),
    };

    public static int Execute(string[] args)
    {
        if (args.Length > 0 && args[0] == "list")
        {
            foreach (var s in All) Console.WriteLine($"{s.Name,-14} {s.Description}");
            return 0;
        }
        if (args.Length > 0 && args[0].Equals("CrackExperiment", StringComparison.OrdinalIgnoreCase))
        {
            Experiments.CrackExperiment.Run(args.Length > 1 ? args[1] : System.IO.Path.Combine("Samples", "out"));
            return 0;
        }
        if (args.Length > 0 && args[0].Equals("OctaveAlphaSweep", StringComparison.OrdinalIgnoreCase))
        {
            Experiments.OctaveAlphaSweep.Run();
            return 0;
        }
        if (args.Length > 0 && args[0].Equals("erf", StringComparison.OrdinalIgnoreCase))
        {
            Experiments.ErfExperiment.Run(Option(args, "--out") ?? System.IO.Path.Combine("Samples", "out"),
                stage: int.Parse(Option(args, "--stage") ?? "4", CultureInfo.InvariantCulture),
                size: int.Parse(Option(args, "--size") ?? "160", CultureInfo.InvariantCulture),
                count: int.Parse(Option(args, "--count") ?? "4", CultureInfo.InvariantCulture));
            return 0;
        }
        if (args.Length > 0 && args[0].Equals("graph", StringComparison.OrdinalIgnoreCase))
            return Graph(args.Skip(1).ToArray());
        if (args.Length > 0 && args[0] == "bench")
            return Benchmarks.Run(args.Skip(1).ToArray());
        if (args.Length > 0 && args[0] == "export")
            return Export.OnnxExportCommand.Run(args.Skip(1).ToArray());
        if (args.Length > 0 && args[0] == "train-step")
            return Training.TrainStep.Run(args.Skip(1).ToArray());
        if (args.Length > 0 && args[0] == "train")
            return Training.TrainCommand.Run(args.Skip(1).ToArray());

        var selected = args.Length == 0 ? All : All.Where(s => args.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"Unknown sample '{string.Join(" ", args)}'. Samples: {string.Join(", ", All.Select(s => s.Name))}; or 'list', 'bench', 'export <Name>|all [path]', 'graph <Name>', 'erf', 'CrackExperiment'.");
            return 2;
        }
        if (args.Length == 0)
        {
            Console.WriteLine($"NetDsl samples ({All.Count}); run one with `dotnet run --project Samples -- <Name>`:");
            foreach (var s in All) Console.WriteLine($"  {s.Name,-14} {s.Description}");
        }
        int failures = 0;
        foreach (var sample in selected)
        {
            try
            {
                Run(sample);
            }
            catch (Exception ex)
            {
                failures++;
                Console.Error.WriteLine($"{sample.Name} FAILED: {ex}");
            }
        }
        if (args.Length == 0)
        {
            Console.WriteLine();
            Console.WriteLine("### OctaveAlphaSweep: Oct-ResNet-50's multiply-adds against alpha (compile time)");
            Experiments.OctaveAlphaSweep.Run();
            Console.WriteLine();
            Console.WriteLine("### CrackExperiment: seed 000's downsampler comparison on a synthetic crack image");
            Experiments.CrackExperiment.Run(System.IO.Path.Combine("Samples", "out"));
        }
        return failures == 0 ? 0 : 1;
    }

    public static void Run(Sample sample)
    {
        Console.WriteLine();
        Console.WriteLine($"### {sample.Name}: {sample.Description}");
        Console.WriteLine(sample.Summary.ToTable(sample.TableDepth));
        using var module = sample.Create();
        module.eval();
        long runtimeParams = module.parameters().Sum(p => p.numel());
        Console.WriteLine($"Parameters: compile time {sample.Summary.TotalParams:N0}, TorchSharp {runtimeParams:N0}" +
            (runtimeParams == sample.Summary.TotalParams ? " (equal)" : " (DIFFERENT)"));
        if (runtimeParams != sample.Summary.TotalParams)
            throw new InvalidOperationException($"{sample.Name}: parameter counts differ");
        using var noGrad = torch.no_grad();
        foreach (var shape in sample.InputShapes)
        {
            using var scope = torch.NewDisposeScope();
            var x = sample.FixedInput?.Invoke() ?? torch.randn(shape);
            module.call(x).Dispose(); // warm-up
            var watch = Stopwatch.StartNew();
            var y = module.call(x);
            watch.Stop();
            Console.WriteLine($"Forward {Shape(x.shape)} -> {Shape(y.shape)} in {watch.Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms");
            sample.Check?.Invoke(y);
            sample.AllOutputs?.Invoke(module, x);
        }
        if (sample.Summary.Constraints.Count > 0)
        {
            // The generated forward checks the compile-time constraints before any native call.
            var shape = (long[])sample.InputShapes[0].Clone();
            var summary = sample.Summary;
            // A height that breaks a constraint: off the multiple when there is one, else one below the minimum.
            shape[2] = summary.HeightMultiple > 1 ? shape[2] + 1 : summary.MinHeight - 1;
            try
            {
                using var bad = torch.randn(shape);
                module.call(bad).Dispose();
                throw new InvalidOperationException($"{sample.Name} accepted {Shape(shape)}, which breaks its constraints");
            }
            catch (ArgumentException ex)
            {
                Console.WriteLine($"Input {Shape(shape)} is rejected: {ex.Message}");
            }
        }
    }

    /// <summary>Prints forward_all's outputs and checks the main one is what forward returned.</summary>
    private static void PrintOutputs(NetworkOutputs outputs, Tensor forward)
    {
        using (outputs)
        {
            Console.WriteLine("forward_all: " + string.Join(", ", outputs.Select(o => $"\"{o.Key}\" {Shape(o.Value.shape)}")));
            if (!outputs.Values.First().equal(forward).all().item<bool>())
                throw new InvalidOperationException("forward_all's main output differs from forward's");
            Console.WriteLine($"\"{outputs.Keys.First()}\" equals forward's output");
        }
    }

    private static void PrintValues(Tensor y, double[] expected)
    {
        var values = y.flatten().data<float>().ToArray();
        Console.WriteLine("Values:   [" + string.Join(", ", values.Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture))) + "]");
        Console.WriteLine("Expected: [" + string.Join(", ", expected.Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture))) + "]");
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(values[i] - expected[i]) > 5e-5)
                throw new InvalidOperationException($"value {i}: {values[i]} differs from the article's {expected[i]}");
        }
    }

    /// <summary>
    /// <c>graph &lt;Name&gt; [--depth n] [--no-fold] [--out dir]</c> (or <c>graph all</c>): the sample's graph from its
    /// compile-time summary as Graphviz DOT, PNG and SVG under the output folder (Samples/out/graphs).
    /// </summary>
    public static int Graph(string[] args)
    {
        var names = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var samples = names.Count == 1 && names[0] == "all" ? All.ToList() : All.Where(s => names.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (samples.Count == 0 || samples.Count != names.Distinct(StringComparer.OrdinalIgnoreCase).Count() && names[0] != "all")
        {
            Console.Error.WriteLine($"Usage: graph <Name>... | all [--depth n] [--no-fold] [--out dir]. Samples: {string.Join(", ", All.Select(s => s.Name))}.");
            return 2;
        }
        int depth = int.Parse(Option(args, "--depth") ?? "2", CultureInfo.InvariantCulture);
        string folder = Option(args, "--out") ?? System.IO.Path.Combine("Samples", "out", "graphs");
        System.IO.Directory.CreateDirectory(folder);
        foreach (var sample in samples)
        {
            var graph = NetworkGraph.From(sample.Summary, depth, fold: !args.Contains("--no-fold"));
            string stem = System.IO.Path.Combine(folder, sample.Name + (depth == 2 ? "" : "-depth" + depth.ToString(CultureInfo.InvariantCulture)));
            System.IO.File.WriteAllText(stem + ".dot", graph.ToDot());
            var (w, h) = Imaging.GraphPicture.Write(graph, stem + ".png", stem + ".svg");
            Console.WriteLine($"{sample.Name}: {graph.Nodes.Count} nodes, {graph.Edges.Count} edges, {graph.Clusters.Count} open blocks at depth {depth} -> {stem}.dot, .png ({w}x{h}), .svg");
        }
        return 0;
    }

    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/> (<c>--stage 3</c>), or null.</summary>
    public static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}

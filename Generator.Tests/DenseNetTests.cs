using System;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace NetDsl.Generator.Tests;

/// <summary>
/// DenseNet as the language writes it today: a [Block] DenseLayer (BN, ReLU, 1x1 conv to 4·growth, BN, ReLU, 3x3 conv to
/// growth) whose output is concatenated with its input, repeated inside a [Block] DenseBlock. Each copy's channels are
/// the previous ones plus growth: the channel flow must stay small (it used to grow as a tree and overflow the stack at 18
/// layers) and its generation time linear in the number of layers.
/// </summary>
public class DenseNetTests
{
    private readonly ITestOutputHelper _output;

    public DenseNetTests(ITestOutputHelper output) => _output = output;

    public static string DenseBlockSource(int layers) => $$"""
        using NetDsl;

        [Block]
        public partial class DenseLayer
        {
            [Param] int growth;
            [Identity] Stage input;
            [BatchNorm, ReLU, Conv("4 * growth", Kernel = 1, Bias = false), BatchNorm, ReLU, Conv("growth", Kernel = 3, Padding = 1, Bias = false)] Stage layers;
            [Concat(nameof(input))] Stage cat;
        }

        [Block]
        public partial class DenseBlock
        {
            [Param] int growth;
            [Use(typeof(DenseLayer), "growth", Repeat = {{layers}})] Stage layers;
        }

        [Network(InChannels = 64, Height = 16, Width = 16)]
        public partial class Net
        {
            [Use(typeof(DenseBlock), 32)] Stage block;
        }
        """;

    /// <summary>DenseNet-201 (torchvision's layout): dense blocks of 6, 12, 48 and 32 layers, growth 32, transitions halving the channels.</summary>
    public const string DenseNet201Source = """
        using NetDsl;

        [Block]
        public partial class DenseLayer
        {
            [Param] int growth;
            [Identity] Stage input;
            [BatchNorm, ReLU, Conv("4 * growth", Kernel = 1, Bias = false), BatchNorm, ReLU, Conv("growth", Kernel = 3, Padding = 1, Bias = false)] Stage layers;
            [Concat(nameof(input))] Stage cat;
        }

        [Block]
        public partial class DenseBlock48
        {
            [Param] int growth;
            [Use(typeof(DenseLayer), "growth", Repeat = 48)] Stage layers;
        }

        [Block]
        public partial class Transition
        {
            [BatchNorm, ReLU, Conv("in_channels / 2", Kernel = 1, Bias = false), AvgPool(2, Stride = 2)] Stage layers;
        }

        [Network(InChannels = 3, Height = 224, Width = 224)]
        public partial class DenseNet201
        {
            [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false), BatchNorm, ReLU, MaxPool(3, Stride = 2, Padding = 1)] Stage stem;
            [Use(typeof(DenseLayer), 32, Repeat = 6)] Stage denseblock1;
            [Use(typeof(Transition))] Stage transition1;
            [Use(typeof(DenseLayer), 32, Repeat = 12)] Stage denseblock2;
            [Use(typeof(Transition))] Stage transition2;
            [Use(typeof(DenseBlock48), 32)] Stage denseblock3;
            [Use(typeof(Transition))] Stage transition3;
            [Use(typeof(DenseLayer), 32, Repeat = 32)] Stage denseblock4;
            [BatchNorm] Stage norm5;
            [ReLU, GlobalAvgPool, Flatten] Stage pool;
            [Linear(1000)] Stage classifier;
        }
        """;

    [Fact]
    public void A_dense_block_of_48_layers_generates_and_compiles_with_the_channels_of_each_copy()
    {
        var result = GeneratorHarness.Run(DenseBlockSource(48));
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        var block = result.Sources["DenseBlock.g.cs"];
        // Copy i gets in_channels + i * growth channels, written in normal form.
        Assert.Contains("(\"1\", new global::DenseLayer(in_channels: growth + in_channels, growth: growth))", block);
        Assert.Contains("(\"47\", new global::DenseLayer(in_channels: growth * 47 + in_channels, growth: growth))", block);
        Assert.Matches(new Regex(@"\[N, \{growth \* 48 \+ in_channels\}, H', W'\]"), block);
    }

    [Fact]
    public void DenseNet201_generates_compiles_and_has_torchvisions_parameter_count()
    {
        var result = GeneratorHarness.Run(DenseNet201Source);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics);
        var net = result.Sources["DenseNet201.g.cs"];
        // torchvision.models.densenet201(): 20,013,928 parameters; the features end with 1920 channels.
        Assert.Contains("totalParams: 20013928L", net);
        Assert.Contains("nn.Linear(1920, 1000)", net);
    }

    [Fact]
    public void Generation_time_grows_linearly_with_the_layers_of_a_dense_block()
    {
        // A ratio in the same run, not a wall-clock limit: 48 layers against 12. Linear is 4; the old tree of channel counts
        // doubled with each layer. Best of three runs each, after a warm-up.
        GeneratorHarness.Run(DenseBlockSource(12));
        double Best(int layers) => Enumerable.Range(0, 3).Min(_ =>
        {
            var watch = Stopwatch.StartNew();
            var result = GeneratorHarness.Run(DenseBlockSource(layers));
            watch.Stop();
            Assert.Empty(result.GeneratorDiagnostics);
            return watch.Elapsed.TotalMilliseconds;
        });
        double small = Best(12), large = Best(48);
        Assert.True(large / small < 10, $"12 layers: {small:F0} ms, 48 layers: {large:F0} ms, ratio {large / small:F1} (linear: 4)");
    }

    /// <summary>
    /// The generation times recorded in docs/benchmarks.md ("Generator: dense blocks"), printed as a table: each dense block
    /// against the 6-layer one in the same run (median of nine runs after a warm-up), and DenseNet-201 against the ResNet-50
    /// sample. Run with <c>dotnet test Generator.Tests -c Release --filter "FullyQualifiedName~DenseNetTests.Generation_times"
    /// --logger "console;verbosity=detailed"</c>.
    /// </summary>
    [Fact]
    public void Generation_times_for_the_benchmarks_document()
    {
        double Median(string source)
        {
            GeneratorHarness.Run(source);
            var times = Enumerable.Range(0, 9).Select(_ =>
            {
                var watch = Stopwatch.StartNew();
                var result = GeneratorHarness.Run(source);
                watch.Stop();
                Assert.Empty(result.GeneratorDiagnostics);
                return watch.Elapsed.TotalMilliseconds;
            }).OrderBy(t => t).ToList();
            return times[4];
        }
        double baseline = Median(DenseBlockSource(6));
        _output.WriteLine("| declaration | median ms | against 6 layers |");
        _output.WriteLine("|---|---|---|");
        foreach (int layers in new[] { 6, 12, 24, 48, 96 })
        {
            double ms = layers == 6 ? baseline : Median(DenseBlockSource(layers));
            _output.WriteLine($"| dense block, {layers} layers | {ms:F1} | {ms / baseline:F2} |");
        }
        double resnet = Median(GeneratorHarness.SampleSource("ResNet50.cs"));
        double densenet = Median(DenseNet201Source);
        _output.WriteLine($"| ResNet-50 sample (ResNet50.cs) | {resnet:F1} | |");
        _output.WriteLine($"| DenseNet-201 (6, 12, 48, 32 layers) | {densenet:F1} | {densenet / resnet:F2} x ResNet-50 |");
        // The zoo samples: DenseNet-121/169/201 in one file (torchvision's keys), ConvNeXt-T, EfficientNet-B0, MobileNetV2.
        foreach (var file in new[] { "DenseNet.cs", "ConvNeXt.cs", "EfficientNet.cs", "MobileNetV2.cs", "GoogLeNet.cs" })
        {
            double ms = Median(GeneratorHarness.SampleSource(file));
            _output.WriteLine($"| {file} (sample) | {ms:F1} | {ms / resnet:F2} x ResNet-50 |");
        }
        Assert.True(densenet > 0 && resnet > 0);
    }
}

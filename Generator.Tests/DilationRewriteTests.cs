using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;
using NetDsl.Generator.Tests.Pyramids;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The dilation rewrite ([Use(..., Dilate = true)], [Network/Block(OutputStride = n)]): it must give exactly what the
/// hand-written FirstArgs form gives, and the convolutions torchvision's ResNet-50 has for every
/// replace_stride_with_dilation (Fixtures/deeplab/deeplab.json, written by the real torchvision 0.14).
/// </summary>
public class DilationRewriteTests
{
    private static string Backbone(string name, string attribute, string layer2, string layer3, string layer4) => $$"""
        using NetDsl;
        using NetDsl.Samples.Networks;

        namespace Rewrite;

        {{attribute}}
        public partial class {{name}}
        {
            [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
            [BatchNorm] Stage bn1;
            [ReLU(Inplace = true)] Stage relu;
            [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
            [Use(typeof(Bottleneck), 64, Repeat = 3)] Stage layer1;
            [Use(typeof(Bottleneck), {{layer2}}, Repeat = 4)] Stage layer2;
            [Use(typeof(Bottleneck), {{layer3}}, Repeat = 6)] Stage layer3;
            [Use(typeof(Bottleneck), {{layer4}}, Repeat = 3)] Stage layer4;
        }
        """;

    /// <summary>The FirstArgs form the DeepLabV3 backbone was declared with before the rewrite existed.</summary>
    private static readonly string FirstArgsForm = Backbone("ByFirstArgs", "[Block]", "128, 2",
        "256, 1, 2, FirstArgs = new object[] { 256, 1, 1 }", "512, 1, 4, FirstArgs = new object[] { 512, 1, 2 }");

    private static readonly string DilateForm = Backbone("ByDilate", "[Block]", "128, 2", "256, 2, Dilate = true", "512, 2, Dilate = true");

    private static readonly string OutputStrideForm = Backbone("ByOutputStride", "[Block(OutputStride = 8)]", "128, 2", "256, 2", "512, 2");

    /// <summary>A network around each backbone, so that inference (the summary) runs for each.</summary>
    private static string Wrapper(string backbone) => $$"""
        using NetDsl;

        namespace Rewrite;

        [Network(InChannels = 3, Height = 224, Width = 224)]
        public partial class {{backbone}}Net
        {
            [Use(typeof({{backbone}}))] Stage backbone;
        }
        """;

    private static GeneratorHarness.Result Generate(params string[] sources)
    {
        var result = GeneratorHarness.Run(new[] { GeneratorHarness.SampleSource("ResNet50.cs") }.Concat(sources).ToArray());
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        return result;
    }

    private static string Source(GeneratorHarness.Result result, string className) =>
        result.Sources.Single(s => s.Key == "Rewrite." + className + ".g.cs").Value;

    /// <summary>The generated constructor body, with the class name neutralised and without comment lines (the rewrite
    /// says in a comment what it did).</summary>
    private static string Constructor(string source, string className)
    {
        int start = source.IndexOf($"public {className}(int in_channels)", StringComparison.Ordinal);
        int end = source.IndexOf("protected override void RegisterComponents()", start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "no constructor for " + className);
        var lines = source.Substring(start, end - start).Replace(className, "X").Split('\n');
        return string.Join("\n", lines.Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
    }

    [Fact]
    public void Dilate_and_OutputStride_generate_the_FirstArgs_form_constructor()
    {
        var result = Generate(FirstArgsForm, DilateForm, OutputStrideForm);
        string expected = Constructor(Source(result, "ByFirstArgs"), "ByFirstArgs");
        Assert.Contains("(\"0\", new global::NetDsl.Samples.Networks.Bottleneck(in_channels: 512, planes: 256, stride: 1, dilation: 1))", expected);
        Assert.Contains("(\"1\", new global::NetDsl.Samples.Networks.Bottleneck(in_channels: 2048, planes: 512, dilation: 4))", expected);
        Assert.Equal(expected, Constructor(Source(result, "ByDilate"), "ByDilate"));
        Assert.Equal(expected, Constructor(Source(result, "ByOutputStride"), "ByOutputStride"));
        Assert.Contains("// Stride traded for dilation as torchvision's _make_layer(dilate=True): stride 2 → dilation 2, then 4.", Source(result, "ByDilate"));
        Assert.DoesNotContain("Stride traded", Source(result, "ByFirstArgs"));
    }

    /// <summary>(path, input, output, params, mult-adds) of every summary row: what the compiler inferred, without the kinds.</summary>
    private static List<string> Rows(string source) =>
        Regex.Matches(source, "new\\(\"(backbone[^\"]*)\", \\d+, \"(?:[^\"\\\\]|\\\\.)*\", (\"[^\"]*\", \"[^\"]*\", \\d+L, (?:\\d+L|null), [^)]*)\\)")
            .Select(m => m.Groups[1].Value + " " + m.Groups[2].Value).ToList();

    [Fact]
    public void Dilate_and_OutputStride_infer_the_FirstArgs_forms_shapes_parameters_and_receptive_fields()
    {
        var result = Generate(FirstArgsForm, DilateForm, OutputStrideForm, Wrapper("ByFirstArgs"), Wrapper("ByDilate"), Wrapper("ByOutputStride"));
        var expected = Rows(Source(result, "ByFirstArgsNet"));
        Assert.True(expected.Count > 150, $"only {expected.Count} rows parsed");
        Assert.Contains(expected, r => r.StartsWith("backbone \"[N, 3, 224, 224]\", \"[N, 2048, 28, 28]\", 23508032L", StringComparison.Ordinal));
        Assert.Equal(expected, Rows(Source(result, "ByDilateNet")));
        Assert.Equal(expected, Rows(Source(result, "ByOutputStrideNet")));
        // The summary says what the rewrite did.
        Assert.Contains("Sequential(6 × Bottleneck; stride 2 → dilation 1, then 2)", Source(result, "ByDilateNet"));
        Assert.Contains("Sequential(3 × Bottleneck; stride 2 → dilation 2, then 4)", Source(result, "ByOutputStrideNet"));
    }

    [Fact]
    public void OutputStride_equal_to_the_path_stride_changes_nothing()
    {
        var plain = Backbone("Plain", "[Block]", "128, 2", "256, 2", "512, 2");
        var os32 = Backbone("Os32", "[Block(OutputStride = 32)]", "128, 2", "256, 2", "512, 2");
        var result = Generate(plain, os32);
        Assert.Equal(Constructor(Source(result, "Plain"), "Plain"), Constructor(Source(result, "Os32"), "Os32"));
        Assert.Contains("planes: 512, stride: 2)", Source(result, "Os32"));
    }

    // ------------------------------------------------------------------ against torchvision, every replace_stride_with_dilation

    /// <summary>ResNet-50's structure at 1/16 of its widths (the convolutions' names, strides, dilations and paddings are
    /// all the test compares, and building 25 M parameters per case is slow).</summary>
    private static string Network(string name, string attribute, string flags) => $$"""
        using NetDsl;
        using NetDsl.Samples.Networks;

        namespace Rewrite;

        [Network({{attribute}})]
        public partial class {{name}}
        {
            [Conv(4, Kernel = 7, Stride = 2, Padding = 3, Bias = false)] Stage conv1;
            [BatchNorm] Stage bn1;
            [ReLU(Inplace = true)] Stage relu;
            [MaxPool(3, Stride = 2, Padding = 1)] Stage maxpool;
            [Use(typeof(Bottleneck), 4, Repeat = 3)] Stage layer1;
            [Use(typeof(Bottleneck), 8, 2, Repeat = 4{{(flags[0] == 'T' ? ", Dilate = true" : "")}})] Stage layer2;
            [Use(typeof(Bottleneck), 16, 2, Repeat = 6{{(flags[1] == 'T' ? ", Dilate = true" : "")}})] Stage layer3;
            [Use(typeof(Bottleneck), 32, 2, Repeat = 3{{(flags[2] == 'T' ? ", Dilate = true" : "")}})] Stage layer4;
        }
        """;

    private const string Size = "InChannels = 3, Height = 64, Width = 64";

    [Fact]
    public void Every_replace_stride_with_dilation_builds_torchvisions_convolutions()
    {
        // Dilate = true per layer, as torchvision's list, including the ones with a plain layer after a dilated one
        // ([True, False, True]: layer3 keeps its stride 2 but takes the running dilation 2).
        var flags = new[] { "FFF", "FFT", "FTF", "FTT", "TFF", "TFT", "TTF", "TTT" };
        var sources = flags.Select(f => Network("Resnet" + f, Size, f)).ToArray();
        RunLoaded(sources, assembly =>
        {
            foreach (var f in flags)
            {
                using var net = (nn.Module)Activator.CreateInstance(assembly.GetType("Rewrite.Resnet" + f)!)!;
                DeepLabParityTests.AssertConvs(DeepLabParityTests.TorchvisionConvs(f), net, "Dilate flags " + f);
            }
        });
    }

    [Theory]
    [InlineData(32, "FFF", 2)]
    [InlineData(16, "FFT", 4)]
    [InlineData(8, "FTT", 8)]
    [InlineData(4, "TTT", 16)]
    public void OutputStride_dilates_the_last_layers_as_torchvision(int outputStride, string flags, int mapSize)
    {
        RunLoaded(new[] { Network("Os" + outputStride, Size + ", OutputStride = " + outputStride, "FFF") }, assembly =>
        {
            var type = assembly.GetType("Rewrite.Os" + outputStride)!;
            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
            DeepLabParityTests.AssertConvs(DeepLabParityTests.TorchvisionConvs(flags), net, "OutputStride " + outputStride);
            var summary = (NetworkSummary)type.GetProperty("Summary")!.GetValue(null)!;
            Assert.Equal($"[N, 128, {mapSize}, {mapSize}]", summary.Output);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            net.eval();
            Assert.Equal(new long[] { 1, 128, mapSize, mapSize }, net.call(randn(1, 3, 64, 64)).shape);
        });
    }

    /// <summary>Generates and compiles <paramref name="sources"/> (with the samples' Bottleneck) and runs <paramref name="check"/> on the loaded assembly.</summary>
    private static void RunLoaded(string[] sources, Action<Assembly> check)
    {
        var result = Generate(sources);
        using var stream = new MemoryStream();
        var emit = result.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var context = new LoadContext();
        try
        {
            check(context.LoadFromStream(new MemoryStream(stream.ToArray())));
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Resolves TorchSharp and NetDsl.Runtime from the default context, so types and native state are shared.</summary>
    internal sealed class LoadContext : AssemblyLoadContext
    {
        public LoadContext() : base("DilationRewriteTests", isCollectible: true) { }

        protected override Assembly? Load(AssemblyName name) =>
            name.Name is "TorchSharp" or "NetDsl.Runtime" ? Default.LoadFromAssemblyName(name) : null;
    }
}

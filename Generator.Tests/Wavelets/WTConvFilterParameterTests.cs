using System;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;
using NetDsl.Wavelets;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Wavelets;

/// <summary>
/// WTConv2d's fixed filters as the official code holds them (<c>nn.Parameter(requires_grad=False)</c>, opt-in with
/// <see cref="WTConvFilters.Parameters"/>) against the default buffers: the same state_dict (keys, order, values) and
/// outputs, the filters counted in <c>parameters()</c> and by the compiler, never given a gradient.
/// </summary>
public class WTConvFilterParameterTests
{
    private static WTConv2d Build(string wave, WTConvFilters filters) => new(3, 3, 3, 1, true, 2, wave, filters);

    [Theory]
    [InlineData("db1")]
    [InlineData("db2")]
    public void Parameters_and_buffers_have_the_same_state_dict_and_outputs(string wave)
    {
        using var buffers = Build(wave, WTConvFilters.Buffers);
        using var parameters = Build(wave, WTConvFilters.Parameters);
        Assert.Equal(WTConvFilters.Parameters, parameters.FilterStorage);
        // PyTorch's order (own parameters, own buffers, children) is the same; TorchSharp's state_dict() lists the
        // parameters first, so there the filters move from the end to the front.
        static string[] KeysAndShapes(nn.Module m) => ZooFixtures.PyTorchOrder(m).Select(l => l[..l.LastIndexOf('\t')]).ToArray();
        Assert.Equal(KeysAndShapes(buffers), KeysAndShapes(parameters));
        Assert.Equal(buffers.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal), parameters.state_dict().Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(new[] { "wt_filter", "iwt_filter" }, parameters.named_parameters(recurse: false).Select(p => p.name));
        Assert.Empty(parameters.named_buffers());
        int taps = buffers.Wavelet.Length;
        long trainable = WTConv2d.TrainableParameterCount(3, 3, 2, bias: true), fixedCount = WTConv2d.FixedFilterCount(3, taps);
        Assert.Equal(trainable, buffers.parameters().Sum(p => p.numel()));
        Assert.Equal(trainable + fixedCount, parameters.parameters().Sum(p => p.numel()));
        Assert.Equal(fixedCount, parameters.parameters().Where(p => !p.requires_grad).Sum(p => p.numel()));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        parameters.load_state_dict(buffers.state_dict());
        Assert.True(buffers.WtFilter.allclose(parameters.WtFilter, rtol: 0, atol: 0));
        Assert.True(buffers.IwtFilter.allclose(parameters.IwtFilter, rtol: 0, atol: 0));
        var x = randn(2, 3, 9, 7);
        Assert.True(buffers.call(x).allclose(parameters.call(x), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Converting_the_dtype_keeps_the_filters_fixed_parameters_and_the_members_in_sync()
    {
        using var m = Build("db2", WTConvFilters.Parameters);
        using var reference = Build("db2", WTConvFilters.Buffers);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        reference.load_state_dict(m.state_dict());
        m.to(ScalarType.Float64);
        reference.to(ScalarType.Float64);
        var filter = m.named_parameters().Single(p => p.name == "wt_filter").parameter;
        Assert.False(filter.requires_grad);
        Assert.Equal(ScalarType.Float64, filter.dtype);
        Assert.Same(filter, m.WtFilter); // the conv path reads the converted parameter
        var x = randn(1, 3, 9, 7, dtype: ScalarType.Float64);
        Assert.True(m.call(x).allclose(reference.call(x), rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void Gradients_do_not_reach_the_fixed_filter_parameters()
    {
        using var m = Build("db2", WTConvFilters.Parameters);
        using var scope = NewDisposeScope();
        m.call(randn(1, 3, 9, 7)).square().sum().backward();
        Assert.All(m.parameters().Where(p => p.requires_grad), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
        Assert.Null(m.WtFilter.grad);
        Assert.Null(m.IwtFilter.grad);
    }

    [Fact]
    public void An_unknown_filters_value_is_an_argument_exception()
    {
        var e = Assert.Throws<ArgumentException>(() => new WTConv2d(3, 3, filters: (WTConvFilters)2));
        Assert.Equal("filters", e.ParamName);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData(", Filters = WTConvFilters.Buffers", false)]
    [InlineData(", Filters = WTConvFilters.Parameters", true)]
    public void The_compiler_counts_the_filters_only_as_parameters(string filters, bool counted)
    {
        var result = GeneratorHarness.Run($$"""
            using NetDsl;
            [Network(InChannels = 8, Height = 16, Width = 16)]
            public partial class Net
            {
                [WTConv(8, Kernel = 3, Levels = 2, Wavelet = "db2"{{filters}})] Stage wt;
            }
            """);
        Assert.Empty(result.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        var code = result.Sources.Single().Value;
        long trainable = WTConv2d.TrainableParameterCount(8, 3, 2, bias: true), fixedCount = WTConv2d.FixedFilterCount(8, 4);
        long total = long.Parse(Regex.Match(code, @"totalParams: (\d+)L").Groups[1].Value);
        Assert.Equal(counted ? trainable + fixedCount : trainable, total);
        Assert.Equal(counted, code.Contains("filters: global::NetDsl.WTConvFilters.Parameters"));
        Assert.Equal(counted, code.Contains("new(\"wt.wt_filter\""));
    }
}

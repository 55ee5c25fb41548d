using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Tests.Infrastructure;
using NetDsl.Samples.Networks;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Custom;

/// <summary>
/// Hand-written TorchSharp modules as stages ([Module]): the compile-time summary takes their declared contracts, the
/// generated network registers them under the stage's name, and a module that breaks its contract throws on construction
/// (its parameter count) or on the first call (its output), naming the stage and both sides.
/// </summary>
public class HandWrittenModuleTests
{
    [Fact]
    public void The_summary_takes_shapes_and_parameters_from_the_contracts()
    {
        var rows = HandWrittenModules.Summary.Rows.ToDictionary(r => r.Path);
        // down: SpaceToDepthConv(32, 64) declared Out = 64, Stride = 2, Params = 4 * channels * 64 on the 32 channels arriving.
        Assert.Equal("[N, 32, 32, 32]", rows["down"].InputShape);
        Assert.Equal("[N, 64, 16, 16]", rows["down"].OutputShape);
        Assert.Equal(4L * 32 * 64, rows["down"].Params);
        Assert.Equal(4L * 32 * 64 * 16 * 16, rows["down"].Macs);
        // The BatchNorm after it was built for the 64 channels the contract gives.
        Assert.Equal("BatchNorm2d(64)", rows["act.0"].Kind);
        // block2.gate: ChannelGate(64, 8), 2·C·S + C + S, inside a block whose channels come from its parameter.
        Assert.Equal(2L * 64 * 8 + 64 + 8, rows["block2.gate"].Params);
        Assert.StartsWith("ChannelGate(64, 8)", rows["block2.gate"].Kind);
        // Its two 1x1 convs run once per sample, on the pooled [N, 64, 1, 1]: 64·8 + 8·64 multiply-adds.
        Assert.Equal(2L * 64 * 8, rows["block2.gate"].Macs);
    }

    [Fact]
    public void The_parameter_count_is_torchsharps_and_the_keys_are_the_modules_own_under_the_stage_name()
    {
        using var net = new HandWrittenModules();
        long runtime = net.parameters().Sum(p => p.numel());
        Assert.Equal(runtime, HandWrittenModules.Summary.TotalParams);

        var keys = net.state_dict().Keys.ToList();
        Assert.Contains("down.proj.weight", keys);
        Assert.Contains("block1.gate.fc1.weight", keys);
        Assert.Contains("block1.gate.fc2.bias", keys);
        Assert.Contains("block2.gate.fc1.weight", keys);
        // The gate's own modules and nothing else of it: fc1 and fc2, weight and bias each.
        Assert.Equal(4, keys.Count(k => k.StartsWith("block1.gate.", StringComparison.Ordinal)));
        Assert.Equal(new long[] { 4, 32, 1, 1 }, net.state_dict()["block1.gate.fc1.weight"].shape);
    }

    [Fact]
    public void A_network_whose_modules_keep_their_contracts_runs()
    {
        using var net = new HandWrittenModules();
        net.eval();
        using var _ = no_grad();
        using var y = net.call(randn(2, 3, 32, 32));
        Assert.Equal(new long[] { 2, 10 }, y.shape);
        // Later calls (the check has passed once) run as well, at another batch size.
        using var z = net.call(randn(1, 3, 32, 32));
        Assert.Equal(new long[] { 1, 10 }, z.shape);
    }

    [Fact]
    public void A_first_output_other_than_the_contract_gives_throws_with_both_shapes()
    {
        // The module halves the size; the contract says it keeps it.
        using var module = ModuleContract.Declare(new SpaceToDepthConv(8, 16), "Test.down", inChannels: 8, outChannels: 16, stride: 1, ceilMode: false, parameters: 4 * 8 * 16);
        using var x = randn(2, 8, 16, 16);
        var e = Assert.Throws<ModuleContractException>(() => module.call(x));
        Assert.IsAssignableFrom<InvalidOperationException>(e);
        Assert.Equal("Test.down", e.Stage);
        Assert.Equal("[2, 16, 16, 16]", e.Declared);
        Assert.Equal("[2, 16, 8, 8]", e.Actual);
        Assert.Contains("Test.down", e.Message);
        Assert.Contains("SpaceToDepthConv returned [2, 16, 8, 8] for the input [2, 8, 16, 16]", e.Message);
        Assert.Contains("gives [2, 16, 16, 16]", e.Message);
        // A failed check is not passed: the next call checks again.
        Assert.Throws<ModuleContractException>(() => module.call(x));
    }

    /// <summary>The runtime's size rule at odd sizes: a 2x2 pooling rounds 17 down to 8, a stride-2 3x3 conv with padding 1 up to 9.</summary>
    [Theory]
    [InlineData(false, 17, 8)]
    [InlineData(true, 17, 9)]
    [InlineData(false, 16, 8)]
    [InlineData(true, 16, 8)]
    public void The_size_rule_rounds_as_declared(bool ceilMode, long size, long expected)
    {
        Assert.Equal(new[] { 2, 4, expected, expected }, ModuleContract.Expected(new long[] { 2, 3, size, size }, 4, 2, ceilMode));
        // TorchSharp's own modules of either kind agree.
        using var x = randn(1, 1, size, size);
        using var y = ceilMode ? nn.Conv2d(1, 1, 3, stride: 2, padding: 1).call(x) : nn.MaxPool2d(2).call(x);
        Assert.Equal(expected, y.shape[2]);
    }

    [Fact]
    public void A_parameter_count_other_than_the_contracts_throws_at_construction()
    {
        var e = Assert.Throws<ModuleContractException>(() =>
            ModuleContract.Declare(new ChannelGate(16, 4), "Test.gate", inChannels: 16, outChannels: 16, stride: 1, ceilMode: false, parameters: 100));
        Assert.Equal("Test.gate", e.Stage);
        Assert.Equal("100 parameters", e.Declared);
        Assert.Equal($"{2 * 16 * 4 + 16 + 4} parameters", e.Actual);
        Assert.Contains("the ChannelGate has 148 trainable parameters, but its contract declares 100", e.Message);
    }

    /// <summary>A module that keeps the size, declared with Stride = 2: the compiler believes the contract (the Linear after it
    /// is built for 4·8·8 features), and the generated network's first forward throws instead of running on.</summary>
    private const string LyingNetwork = """
        using NetDsl;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Lying;

        public sealed class Keep : nn.Module<Tensor, Tensor>
        {
            private readonly TorchSharp.Modules.Conv2d conv;
            public Keep(long channels) : base(nameof(Keep)) { conv = nn.Conv2d(channels, channels, 3, padding: 1); RegisterComponents(); }
            public override Tensor forward(Tensor input) => conv.call(input);
        }

        [Network(InChannels = 4, Height = 16, Width = 16)]
        public partial class Net
        {
            [Module(typeof(Keep), "channels", Stride = 2, Params = "channels * channels * 9 + channels", Kernel = 3)] Stage m;
            [Flatten] Stage flat;
            [Linear(10)] Stage fc;
        }
        """;

    [Fact]
    public void The_generated_forward_checks_the_contract_on_the_first_call()
    {
        var result = GeneratorHarness.Run(LyingNetwork);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("Linear(256→10)", result.Sources.Single(s => s.Key.EndsWith("Net.g.cs", StringComparison.Ordinal)).Value);

        using var stream = new MemoryStream();
        Assert.True(result.Output.Emit(stream).Success);
        var context = new SummaryShapes.BatchLoadContext("LyingModule");
        try
        {
            var type = context.LoadFromStream(new MemoryStream(stream.ToArray())).GetType("Lying.Net")!;
            using var net = (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!;
            using var x = randn(2, 4, 16, 16);
            var e = Assert.Throws<ModuleContractException>(() => net.call(x));
            Assert.Equal("Net.m", e.Stage);
            Assert.Equal("[2, 4, 8, 8]", e.Declared);
            Assert.Equal("[2, 4, 16, 16]", e.Actual);
        }
        finally
        {
            context.Unload();
        }
    }
}

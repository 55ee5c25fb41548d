using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetDsl.Generator.Tests.Infrastructure;
using Xunit;

namespace NetDsl.Generator.Tests.Platform;

/// <summary>
/// LibTorch's C++ warnings stay off the console once a NetDsl network exists. This machine's CPU supports NNPACK, so the
/// child processes below use another warning that goes the same way (c10's logger, <c>TORCH_WARN</c>): <c>std()</c> of one
/// element prints "degrees of freedom is &lt;= 0" on every call.
/// </summary>
public class TorchLoggingTests
{
    // ------------------------------------------------------------------ the decision

    [Theory]
    [InlineData(null, null, TorchLogSeverity.Error)]
    [InlineData("", "  ", TorchLogSeverity.Error)]
    [InlineData("WARNING", null, TorchLogSeverity.Warning)]
    [InlineData("info", "ERROR", TorchLogSeverity.Info)]
    [InlineData("3", null, TorchLogSeverity.Fatal)]
    [InlineData(null, "warning", TorchLogSeverity.Warning)]
    [InlineData(null, "0", TorchLogSeverity.Info)]
    [InlineData(null, "loud", TorchLogSeverity.Error)] // not a level: LibTorch's variable, so NetDsl's default and no throw
    public void The_level_comes_from_NetDsls_variable_then_LibTorchs_then_the_default(string? netdsl, string? torch, TorchLogSeverity expected)
    {
        Assert.Equal(expected, TorchLogging.Decide(netdsl, torch, out string why));
        Assert.False(string.IsNullOrEmpty(why));
        if (!string.IsNullOrWhiteSpace(netdsl)) Assert.Contains(TorchLogging.EnvironmentVariable, why);
        else if (!string.IsNullOrWhiteSpace(torch)) Assert.Contains(TorchLogging.TorchEnvironmentVariable, why);
    }

    [Fact]
    public void Keep_leaves_LibTorchs_level_and_a_wrong_value_of_NetDsls_variable_is_an_error()
    {
        Assert.Null(TorchLogging.Decide("keep", "ERROR", out string why));
        Assert.Contains("kept", why);
        var error = Assert.Throws<ArgumentException>(() => TorchLogging.Decide("quiet", null, out _));
        Assert.Contains(TorchLogging.EnvironmentVariable + "='quiet'", error.Message);
    }

    // ------------------------------------------------------------------ in this process

    [Fact]
    public void A_network_applies_the_decided_level_and_Set_changes_it()
    {
        using var net = new NetDsl.Samples.Networks.DeeperCnnMaxPool();
        var decided = TorchLogging.Decide(Environment.GetEnvironmentVariable(TorchLogging.EnvironmentVariable),
            Environment.GetEnvironmentVariable(TorchLogging.TorchEnvironmentVariable), out _);
        Assert.NotNull(TorchLogging.Reason);
        var before = TorchLogging.Level;
        Assert.NotNull(before);
        if (decided is { } level) Assert.Equal(level, before);
        try
        {
            TorchLogging.Set(TorchLogSeverity.Fatal);
            Assert.Equal(TorchLogSeverity.Fatal, TorchLogging.Level);
            Assert.Contains("application", TorchLogging.Reason);
            TorchLogging.EnsureApplied(); // applied already: it leaves the application's choice
            Assert.Equal(TorchLogSeverity.Fatal, TorchLogging.Level);
        }
        finally
        {
            TorchLogging.Set(before!.Value);
        }
    }

    // ------------------------------------------------------------------ in a child process, as a user runs it

    /// <summary>The child: the user touches torch first (three warnings), then builds a NetDsl network, runs it, and warns three times more.</summary>
    private const string ChildProgram = """
        using System;
        using System.Linq;
        using NetDsl;
        using static TorchSharp.torch;

        static void Warn(string tag)
        {
            Console.Error.WriteLine("--- " + tag);
            using var one = ones(1);
            for (int i = 0; i < 3; i++) one.std().Dispose();
            Console.Error.Flush();
        }

        Warn("before");
        using var net = new QuietNet();
        Console.WriteLine("level " + TorchLogging.Level);
        using var y = net.call(randn(2, 1, 8, 8));
        Console.WriteLine("shape " + string.Join("x", y.shape));
        Warn("after");
        if (args.Contains("fail"))
        {
            using var bad = ones(2, 3).matmul(ones(2, 3));
        }

        [Network(InChannels = 1, Height = 8, Width = 8)]
        public partial class QuietNet
        {
            [Conv(4, Kernel = 3), ReLU] Stage conv;
            [GlobalAvgPool, Flatten] Stage pool;
        }
        """;

    private const string Warning = "degrees of freedom is <= 0";

    private static readonly Lazy<string> child = new(CompileChild);

    [Theory]
    // Nothing set: LibTorch warns until the network exists, then NetDsl's ERROR level silences it.
    [InlineData(null, null, 0, "Error")]
    // TORCH_CPP_LOG_LEVEL alone does nothing in a TorchSharp process (the three lines before); NetDsl honours it.
    [InlineData(null, "ERROR", 0, "Error")]
    [InlineData(null, "WARNING", 3, "Warning")]
    // NetDsl's own variable wins, and keep leaves LibTorch's default.
    [InlineData("WARNING", "ERROR", 3, "Warning")]
    [InlineData("keep", null, 3, "Warning")]
    public void LibTorchs_warnings_stop_once_a_network_exists_unless_the_user_asks_for_them(string? netdsl, string? torch, int afterExpected, string level)
    {
        var (exit, stdout, stderr) = RunChild(netdsl, torch);
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var (before, after) = CountWarnings(stderr);
        Assert.True(before == 3, $"LibTorch itself should warn on each of the three calls before the network\n{stderr}");
        Assert.True(after == afterExpected, $"{after} warnings after the network, expected {afterExpected}\n{stderr}");
        Assert.Contains("level " + level, stdout);
        Assert.Contains("shape 2x4", stdout);
    }

    [Fact]
    public void Errors_still_reach_the_console()
    {
        var (exit, stdout, stderr) = RunChild(null, null, "fail");
        Assert.NotEqual(0, exit);
        Assert.Equal((3, 0), CountWarnings(stderr));
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied", stderr);
    }

    private static (int Before, int After) CountWarnings(string stderr)
    {
        var lines = stderr.Split('\n');
        int marker = Array.FindIndex(lines, l => l.StartsWith("--- after", StringComparison.Ordinal));
        Assert.True(marker > 0, stderr);
        return (lines.Take(marker).Count(l => l.Contains(Warning)), lines.Skip(marker).Count(l => l.Contains(Warning)));
    }

    /// <summary>Compiles <see cref="ChildProgram"/> with the generator into the test binaries' folder, where the test host's deps
    /// file resolves TorchSharp, the runtime and the native LibTorch for it.</summary>
    private static string CompileChild()
    {
        var compilation = GeneratorHarness.Compile(ChildProgram);
        compilation = compilation.WithAssemblyName("NetDslQuietChild").WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        var result = GeneratorHarness.Run(compilation);
        Assert.Empty(result.GeneratorDiagnostics);
        string path = Path.Combine(AppContext.BaseDirectory, "NetDslQuietChild.dll");
        using (var stream = File.Create(path))
        {
            var emit = result.Output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        }
        return path;
    }

    private static (int Exit, string Stdout, string Stderr) RunChild(string? netdsl, string? torch, params string[] args) =>
        TestHostProcess.Run(child.Value, new Dictionary<string, string?> { [TorchLogging.EnvironmentVariable] = netdsl, [TorchLogging.TorchEnvironmentVariable] = torch }, args);
}

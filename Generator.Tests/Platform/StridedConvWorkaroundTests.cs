using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Samples.Networks;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Platform;

/// <summary>The tests that switch <see cref="StridedConvWorkaround.Enabled"/> run alone, so no other test builds a network meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StridedConvWorkaroundCollection
{
    public const string Name = "StridedConvWorkaround";
}

[Collection(StridedConvWorkaroundCollection.Name)]
public class StridedConvWorkaroundTests
{
    // ------------------------------------------------------------------ the math

    [Theory]
    [InlineData(6, 10, 2, 2, 1, true, 9, 11)]
    [InlineData(6, 10, 3, 2, 2, false, 10, 7)]
    [InlineData(4, 8, 2, 3, 4, true, 5, 5)]
    public void The_sliced_stride_1_form_has_the_plain_convolutions_output_and_gradients(int cin, int cout, int sh, int sw, int groups, bool bias, int h, int w)
    {
        // float64 takes LibTorch's native (non-oneDNN) convolution, which is safe on every CPU, for both forms.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var conv = nn.Conv2d(cin, cout, (1L, 1L), stride: (sh, sw), groups: groups, bias: bias).to(float64);
        Assert.True(StridedConvWorkaround.Applies(conv));
        var x = torch.randn(new long[] { 3, cin, h, w }, float64, requires_grad: true);
        var upstream = torch.randn(3, cout, (h + sh - 1) / sh, (w + sw - 1) / sw, dtype: float64);

        var plain = conv.forward(x);
        var plainGrads = Grads(plain, upstream, x, conv);
        var sliced = StridedConvWorkaround.Forward(conv, x);
        var slicedGrads = Grads(sliced, upstream, x, conv);

        Assert.Equal(plain.shape, sliced.shape);
        Assert.True(plain.allclose(sliced, rtol: 1e-12, atol: 1e-12), "outputs differ");
        Assert.Equal(plainGrads.Count, slicedGrads.Count);
        for (int i = 0; i < plainGrads.Count; i++)
            Assert.True(plainGrads[i].allclose(slicedGrads[i], rtol: 1e-12, atol: 1e-12), $"gradient {i} (input, weight, bias) differs");
        // The input's gradient is zero off the stride grid: the rows and columns the convolution never reads.
        Assert.Equal(0.0, plainGrads[0][.., .., TensorIndex.Slice(1, null, sh), ..].abs().sum().item<double>());
    }

    [Fact]
    public void An_attached_layer_runs_the_sliced_form_only_when_a_backward_can_follow_and_keeps_its_stride()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var conv = nn.Conv2d(4, 6, 1, stride: 2, bias: false);
        var twin = nn.Conv2d(4, 6, 1, stride: 2, bias: false);
        using (torch.no_grad()) twin.weight!.copy_(conv.weight!);
        WithEnabled(true, () => Assert.Equal(1, StridedConvWorkaround.Attach(conv)));
        Assert.True(StridedConvWorkaround.IsAttached(conv));
        Assert.False(StridedConvWorkaround.IsAttached(twin));
        WithEnabled(true, () => Assert.Equal(0, StridedConvWorkaround.Attach(conv))); // once per layer

        var seen = new List<(long Stride, long Height)>();
        conv.register_forward_pre_hook((m, input) => { seen.Add((((Conv2d)m).stride[0], input.shape[2])); return null!; });
        var x = torch.randn(2, 4, 7, 7, requires_grad: true);
        var dx = new Tensor[2];
        WithEnabled(true, () =>
        {
            var y = conv.call(x);
            Assert.True(y.allclose(twin.call(x), rtol: 1e-5, atol: 1e-6));
            y.sum().backward();
            dx[0] = x.grad!.clone();
            x.grad!.zero_();
            twin.call(x).sum().backward();
            dx[1] = x.grad!.clone();
            using (torch.no_grad()) conv.call(x);
        });
        Assert.True(dx[0].allclose(dx[1], rtol: 1e-5, atol: 1e-6), "input gradients differ");
        Assert.True(conv.weight!.grad!.allclose(twin.weight!.grad!, rtol: 1e-4, atol: 1e-5), "weight gradients differ");
        // With grad: stride 1 on the subsampled 4x4 input; under no_grad: the declared stride 2 on the 7x7 input.
        Assert.Equal(new[] { (1L, 4L), (2L, 7L) }, seen);
        Assert.Equal(new long[] { 2, 2 }, conv.stride);
    }

    [Fact]
    public void Only_strided_1x1_convolutions_without_padding_are_rewritten()
    {
        Assert.True(StridedConvWorkaround.Applies(nn.Conv2d(8, 8, 1, stride: 2)));
        Assert.True(StridedConvWorkaround.Applies(nn.Conv2d(8, 8, (1L, 1L), stride: (1L, 2L))));
        Assert.False(StridedConvWorkaround.Applies(nn.Conv2d(8, 8, 1)));
        Assert.False(StridedConvWorkaround.Applies(nn.Conv2d(8, 8, 3, stride: 2, padding: 1)));
        Assert.False(StridedConvWorkaround.Applies(nn.Conv2d(8, 8, 1, stride: 2, padding: 1)));
    }

    [Fact]
    public void A_generated_block_attaches_its_strided_projection_only_when_enabled()
    {
        WithEnabled(true, () =>
        {
            using var block = new Bottleneck(512, 256, stride: 2);
            var convs = block.named_modules().Where(m => m.module is Conv2d).ToDictionary(m => m.name, m => (Conv2d)m.module);
            Assert.Equal(new[] { "downsample.0" }, convs.Where(c => StridedConvWorkaround.IsAttached(c.Value)).Select(c => c.Key));
            Assert.Equal(4, convs.Count);
        });
        WithEnabled(false, () =>
        {
            using var block = new Bottleneck(512, 256, stride: 2);
            Assert.DoesNotContain(block.named_modules().Select(m => m.module).OfType<Conv2d>(), StridedConvWorkaround.IsAttached);
        });
    }

    // ------------------------------------------------------------------ where it is needed

    [Fact]
    public void The_variable_overrides_the_cpu_and_the_cpu_decides_otherwise()
    {
        var broken = new CpuCacheReport("AuthenticAMD", new long[] { 1, 1, 1 });
        var healthy = new CpuCacheReport("AuthenticAMD", new long[] { 32 << 10, 1 << 20, 32 << 20 });
        Assert.True(StridedConvWorkaround.Decide(null, broken, out string why));
        Assert.Contains("no cache sizes", why);
        Assert.False(StridedConvWorkaround.Decide("", healthy, out _));
        Assert.False(StridedConvWorkaround.Decide("0", broken, out why));
        Assert.Contains(StridedConvWorkaround.EnvironmentVariable + "=0", why);
        Assert.True(StridedConvWorkaround.Decide("1", healthy, out _));
        Assert.True(StridedConvWorkaround.Decide("on", healthy, out _));
        Assert.Throws<ArgumentException>(() => StridedConvWorkaround.Decide("sometimes", healthy, out _));
    }

    [Fact]
    public void Cpuid_answers_become_the_cache_sizes_onednn_reads()
    {
        // An AMD CPU answering leaf 0x8000001D with zeros (the hypervisor of the crash) gives oneDNN 1-byte caches.
        var zero = CpuCacheReport.FromCpuid((leaf, sub) => leaf == 0 ? Vendor("AuthenticAMD") : (0u, 0u, 0u, 0u));
        Assert.Equal(new long[] { 1, 1, 1 }, zero.DataCacheBytes);
        Assert.True(zero.ReportsNoCacheSizes);

        // EPYC's answers: L1d 8 ways x 64 B x 64 sets, L2 8 ways x 64 B x 2048 sets, L3 16 ways x 64 B x 32768 sets.
        var epyc = CpuCacheReport.FromCpuid((leaf, sub) => (leaf, sub) switch
        {
            (0, _) => Vendor("AuthenticAMD"),
            (0x8000001D, 0) => (0x121u, (7u << 22) | 63u, 63u, 0u),
            (0x8000001D, 2) => (0x143u, (7u << 22) | 63u, 2047u, 0u),
            (0x8000001D, 3) => (0x163u, (15u << 22) | 63u, 32767u, 0u),
            _ => (0u, 0u, 0u, 0u),
        });
        Assert.Equal(new long[] { 32 << 10, 1 << 20, 32 << 20 }, epyc.DataCacheBytes);
        Assert.False(epyc.ReportsNoCacheSizes);
        Assert.Equal("AuthenticAMD: data caches L1 32 KiB, L2 1 MiB, L3 32 MiB", epyc.ToString());

        // An Intel CPU without leaf 4 reports no level: oneDNN then guesses sizes and is safe.
        var intelNone = CpuCacheReport.FromCpuid((leaf, sub) => leaf == 0 ? Vendor("GenuineIntel") : (0u, 0u, 0u, 0u));
        Assert.Empty(intelNone.DataCacheBytes);
        Assert.False(intelNone.ReportsNoCacheSizes);
        // Leaf 4 with L1d (type 1), L1i (type 2, skipped) and L2 (type 3).
        var intel = CpuCacheReport.FromCpuid((leaf, sub) => (leaf, sub) switch
        {
            (0, _) => Vendor("GenuineIntel"),
            (4, 0) => (0x21u, (11u << 22) | 63u, 63u, 0u),
            (4, 1) => (0x22u, (7u << 22) | 63u, 63u, 0u),
            (4, 2) => (0x43u, (15u << 22) | 63u, 2047u, 0u),
            _ => (0u, 0u, 0u, 0u),
        });
        Assert.Equal(new long[] { 48 << 10, 2 << 20 }, intel.DataCacheBytes);
    }

    private static (uint, uint, uint, uint) Vendor(string s)
    {
        uint Word(int i) => (uint)(s[i] | s[i + 1] << 8 | s[i + 2] << 16 | s[i + 3] << 24);
        return (0x10u, Word(0), Word(8), Word(4)); // EBX, EDX, ECX spell it
    }

    // ------------------------------------------------------------------ the crash, in a child process

    [Fact]
    public void A_training_step_through_a_strided_1x1_projection_runs_to_completion_in_a_child_process()
    {
        // A SIGFPE would kill the test host, so the step runs in the Samples app (`train-step --check`): one SGD step of a
        // generated Bottleneck whose 512->1024 stride-2 projection is a shape oneDNN's backward divides by zero on CPUs
        // without cache sizes. The workaround is forced on, so the path a broken CPU takes runs on every machine.
        var (exit, stdout, stderr) = RunSamples(new Dictionary<string, string> { [StridedConvWorkaround.EnvironmentVariable] = "1" }, "train-step", "--check");
        Assert.True(exit == 0, $"the child exited with {exit} (a negative or 128+ code is a signal)\n{stdout}\n{stderr}");
        Assert.Contains("workaround on", stdout);
        Assert.Contains("strided 1x1 convs 1, attached 1; output 1x1024x4x4", stdout);
    }

    private static (int Exit, string Stdout, string Stderr) RunSamples(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        string samples = Path.Combine(AppContext.BaseDirectory, "NetDsl.Samples.dll");
        Assert.True(File.Exists(samples), $"{samples} is missing (Generator.Tests references Samples)");
        return TestHostProcess.Run(samples, env.ToDictionary(e => e.Key, e => (string?)e.Value), args);
    }

    // ------------------------------------------------------------------ helpers

    private static List<Tensor> Grads(Tensor y, Tensor upstream, Tensor x, Conv2d conv)
    {
        var inputs = new List<Tensor> { x, conv.weight! };
        if (conv.bias is not null) inputs.Add(conv.bias);
        return torch.autograd.grad(new[] { y }, inputs, new[] { upstream }).ToList();
    }

    private static void WithEnabled(bool enabled, Action action)
    {
        bool before = StridedConvWorkaround.Enabled;
        StridedConvWorkaround.Enabled = enabled;
        try { action(); }
        finally { StridedConvWorkaround.Enabled = before; }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;
using NetDsl.Octave;
using TorchSharp;
using Xunit;
using static NetDsl.Generator.Tests.Infrastructure.SpecBuilder;
using static TorchSharp.torch;
using Modules = TorchSharp.Modules;

namespace NetDsl.Generator.Tests.Octave;

/// <summary>
/// 600 random chains of octave convolutions (random channels, alphas, kernels, strides, padding, groups, BN, sizes from
/// 1 to 24 or symbolic, with the mistakes the compiler checks for: a split of another alpha, a pair fed to a first layer,
/// odd sizes, stride 3, size-changing padding, depthwise layers that change alpha), inferred at compile time and run with
/// the runtime's octave modules: the compiler accepts a chain exactly when the runtime runs it (at fixed sizes), and then
/// the output shape, the parameter count and the multiply-adds (counted by hooks on the runtime's convolutions) agree.
/// A symbolic chain must run at every size its constraints allow. Each failure prints the seed and the chain.
/// </summary>
public class OctavePropertyTests
{
    private const int Chains = 600;

    private sealed record OctLayer(long Out, long Kernel, long Stride, long Padding, long Groups, double AlphaIn, double AlphaOut, bool Bn)
    {
        public override string ToString() =>
            $"OctConv({Out}, k={Kernel}, s={Stride}, p={Padding}, g={Groups}, α {AlphaIn.ToString(CultureInfo.InvariantCulture)}→{AlphaOut.ToString(CultureInfo.InvariantCulture)}{(Bn ? ", BN" : "")})";
    }

    private sealed record Chain(int Seed, long Channels, int Height, int Width, List<OctLayer> Layers)
    {
        public override string ToString() => $"seed {Seed}: [N, {Channels}, {(Height == 0 ? "H" : Height)}, {(Width == 0 ? "W" : Width)}] -> " + string.Join(" -> ", Layers);
    }

    private static readonly double[] Alphas = { 0, 0.25, 0.5, 0.75 };

    private static Chain Draw(int seed)
    {
        var r = new Random(seed);
        long c = r.Next(1, 9);
        int Size() => r.Next(8) == 0 ? 0 : r.Next(2) == 0 ? 4 * r.Next(1, 7) : r.Next(1, 25); // symbolic, a multiple of 4, or any
        int h = Size(), w = Size();
        var layers = new List<OctLayer>();
        double alpha = 0;
        long channels = c;
        int count = r.Next(1, 4);
        for (int i = 0; i <= count; i++)
        {
            bool last = i == count;
            double alphaIn = r.Next(12) == 0 ? Alphas[r.Next(Alphas.Length)] : alpha;     // mostly the split it receives
            double alphaOut = last ? 0 : Alphas[r.Next(Alphas.Length)];                  // the last merges back
            long k = r.Next(3) == 0 ? 1 : 3;
            long s = r.Next(20) == 0 ? 3 : r.Next(3) == 0 ? 2 : 1;
            long p = r.Next(15) == 0 ? (k / 2 + 1) : k / 2;                              // sometimes size-changing
            long groups = r.Next(8) == 0 ? channels : 1;                                   // sometimes depthwise
            long outChannels = groups > 1 ? channels : r.Next(1, 13);
            if (groups > 1 && r.Next(2) == 0) alphaOut = alphaIn;                          // a proper depthwise layer
            layers.Add(new OctLayer(outChannels, k, s, p, groups, alphaIn, alphaOut, r.Next(2) == 0));
            alpha = alphaOut;
            channels = outChannels;
        }
        return new Chain(seed, c, h, w, layers);
    }

    private static DeclarationSpec Spec(Chain chain)
    {
        var b = Network("Chain", (int)chain.Channels, chain.Height, chain.Width);
        for (int i = 0; i < chain.Layers.Count; i++)
        {
            var l = chain.Layers[i];
            b.Stage("layer" + i, L("OctConv", ("outChannels", (int)l.Out), ("Kernel", (int)l.Kernel), ("Stride", (int)l.Stride), ("Padding", (int)l.Padding),
                ("Groups", (int)l.Groups), ("AlphaIn", l.AlphaIn), ("AlphaOut", l.AlphaOut), ("BatchNorm", l.Bn)));
        }
        return b.Build();
    }

    /// <summary>Runs the chain with the runtime's modules: output shape, parameters, multiply-adds per sample (hooks); or the exception.</summary>
    private static (long[] Shape, long Params, long Macs) RunRuntime(Chain chain, long height, long width)
    {
        var modules = new List<nn.Module<OctaveTensor, OctaveTensor>>();
        try
        {
            long channels = chain.Channels;
            foreach (var l in chain.Layers)
            {
                modules.Add(l.Bn
                    ? new OctaveConvBn(channels, l.Out, l.Kernel, l.AlphaIn, l.AlphaOut, l.Stride, l.Padding, 1, l.Groups)
                    : new OctaveConv2d(channels, l.Out, l.Kernel, l.AlphaIn, l.AlphaOut, l.Stride, l.Padding, 1, l.Groups));
                channels = l.Out;
            }
            foreach (var m in modules) m.eval();
            var macs = CountConvMacs(modules);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            OctaveTensor x = randn(2, chain.Channels, height, width);
            foreach (var m in modules) x = m.call(x);
            var result = x.ToTensor();
            return (result.shape, modules.Sum(m => m.parameters().Sum(p => p.numel())), macs.Value);
        }
        finally
        {
            foreach (var m in modules) m.Dispose();
        }
    }

    /// <summary>A running count of the multiply-adds per sample of every Conv2d inside <paramref name="modules"/> (forward hooks).</summary>
    internal static StrongBox<long> CountConvMacs(IEnumerable<nn.Module> modules)
    {
        var macs = new StrongBox<long>(0);
        foreach (var m in modules)
        {
            foreach (var (_, sub) in m.named_modules())
            {
                if (sub is not Modules.Conv2d conv) continue;
                conv.register_forward_hook((_, _, output) =>
                {
                    var shape = conv.weight!.shape;
                    macs.Value += output.numel() / output.shape[0] * shape[1] * shape[2] * shape[3];
                    return output;
                });
            }
        }
        return macs;
    }

    private static long MacsAt(InferenceResult r, long height, long width) =>
        r.MacTerms.Sum(t => t.PerPixel * t.Height.At(height / r.ModulusH) * t.Width.At(width / r.ModulusW));

    [Fact]
    public void Compile_time_octave_checks_agree_with_the_runtime()
    {
        var failures = new List<string>();
        int accepted = 0, rejected = 0, symbolic = 0, symbolicAccepted = 0;
        var rejectedIds = new SortedSet<string>(StringComparer.Ordinal);
        for (int seed = 1; seed <= Chains; seed++)
        {
            var chain = Draw(seed);
            var inferred = ShapeInference.Infer(Spec(chain), new Dictionary<string, DeclarationSpec>());
            var errors = inferred.Diagnostics.Where(d => d.IsError).ToList();
            if (chain.Height == 0 || chain.Width == 0)
            {
                symbolic++;
                if (errors.Count > 0) continue; // symbolic chains: checked in the positive direction only (below)
                symbolicAccepted++;
                // Every size the constraints allow must run: the smallest and a larger one.
                foreach (var k in new long[] { 1, 3 })
                {
                    long h = chain.Height != 0 ? chain.Height : inferred.ModulusH * Math.Max(k, (inferred.MinHeight + inferred.ModulusH - 1) / inferred.ModulusH);
                    long w = chain.Width != 0 ? chain.Width : inferred.ModulusW * Math.Max(k, (inferred.MinWidth + inferred.ModulusW - 1) / inferred.ModulusW);
                    try
                    {
                        var (shape, parameters, macs) = RunRuntime(chain, h, w);
                        long expectedH = inferred.Output.Height.At(h / inferred.ModulusH), expectedW = inferred.Output.Width.At(w / inferred.ModulusW);
                        if (shape[1] != inferred.Output.Channels || shape[2] != expectedH || shape[3] != expectedW || parameters != inferred.TotalParams || macs != MacsAt(inferred, h, w))
                            failures.Add($"{chain} at {h}x{w}: runtime [{string.Join(", ", shape)}], {parameters} params, {macs} MACs; compile time {inferred.Format(inferred.Output)} " +
                                $"= [{inferred.Output.Channels}, {expectedH}, {expectedW}], {inferred.TotalParams} params, {MacsAt(inferred, h, w)} MACs");
                    }
                    catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
                    {
                        failures.Add($"{chain} at {h}x{w} (allowed by {string.Join(", ", inferred.Constraints)}): the runtime rejects it: {ex.Message}");
                    }
                }
                continue;
            }

            (long[] Shape, long Params, long Macs)? run = null;
            string? runtimeError = null;
            try
            {
                run = RunRuntime(chain, chain.Height, chain.Width);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
            {
                runtimeError = ex.Message;
            }
            if (errors.Count == 0)
            {
                accepted++;
                if (run is null) { failures.Add($"{chain}: compiles, but the runtime rejects it: {runtimeError}"); continue; }
                var (shape, parameters, macs) = run.Value;
                var o = inferred.Output;
                if (shape[1] != o.Channels || shape[2] != o.Height.Offset || shape[3] != o.Width.Offset || parameters != inferred.TotalParams || macs != inferred.TotalMacs)
                    failures.Add($"{chain}: runtime [{string.Join(", ", shape)}], {parameters} params, {macs} MACs; compile time {inferred.Format(o)}, {inferred.TotalParams} params, {inferred.TotalMacs} MACs");
            }
            else
            {
                rejected++;
                foreach (var e in errors) rejectedIds.Add(e.Id);
                if (run is not null)
                    failures.Add($"{chain}: the runtime runs it, but the compiler reports {string.Join("; ", errors.Select(e => e.Id + " " + string.Join(" | ", e.Args)))}");
            }
        }

        var report = new StringBuilder($"{accepted} accepted, {rejected} rejected ({string.Join(", ", rejectedIds)}), {symbolic} symbolic ({symbolicAccepted} accepted); {failures.Count} disagreements");
        foreach (var f in failures.Take(5)) report.Append("\n  ").Append(f);
        Assert.True(failures.Count == 0, report.ToString());
        // The draw covers both outcomes and the octave checks.
        Assert.True(accepted >= 100 && rejected >= 100 && symbolicAccepted >= 20, report.ToString());
        foreach (var id in new[] { "NDSL0035", "NDSL0036", "NDSL0037", "NDSL0038", "NDSL0010" })
            Assert.True(rejectedIds.Contains(id), $"no chain was rejected with {id}: " + report);
    }
}

/// <summary>
/// 200 random stacks of octave Bottlenecks (the OctBottleneck sample's stages as a block spec: 1x1, 3x3 with the stride,
/// 1x1 to planes * 4, [Shortcut], ReLU; random planes, strides, alphas, fixed or symbolic sizes), inferred at compile time
/// and run with the runtime's modules wired as d-li14's Bottleneck (projection = octave 1x1 conv + BN when stride, channels
/// or alpha change; residual added per frequency): same verdict at fixed sizes, same shape, parameters and multiply-adds.
/// </summary>
public class OctaveBottleneckPropertyTests
{
    private const int Stacks = 200;

    private sealed record Use(long Planes, long Stride, double AlphaIn, double AlphaOut);

    private static readonly double[] Alphas = { 0, 0.25, 0.5 };

    private static DeclarationSpec BlockSpec() =>
        Block("OctBottleneck").Param("planes").Param("stride", 1).RealParam("alpha_in", 0.5).RealParam("alpha_out", 0.5)
            .Stage("conv1", L("OctConv", ("outChannels", "planes"), ("Kernel", 1), ("AlphaIn", "alpha_in"), ("AlphaOut", "alpha_out"), ("BatchNorm", true), ("ReLU", true)))
            .Stage("conv2", L("OctConv", ("outChannels", "planes"), ("Kernel", 3), ("Stride", "stride"), ("Padding", 1), ("AlphaIn", "alpha_out"), ("AlphaOut", "alpha_out"), ("BatchNorm", true), ("ReLU", true)))
            .Stage("conv3", L("OctConv", ("outChannels", "planes * 4"), ("Kernel", 1), ("AlphaIn", "alpha_out"), ("AlphaOut", "alpha_out"), ("BatchNorm", true)))
            .Stage("downsample", L("Shortcut"))
            .Stage("relu", L("ReLU"))
            .Build();

    private static (long C, int H, int W, List<Use> Uses) Draw(int seed)
    {
        var r = new Random(seed);
        long c = 4 * r.Next(1, 5);
        int Size() => r.Next(6) == 0 ? 0 : r.Next(2) == 0 ? 8 * r.Next(1, 4) : r.Next(4, 25);
        int h = Size(), w = Size();
        var uses = new List<Use>();
        double alpha = 0;
        int count = r.Next(1, 4);
        for (int i = 0; i < count; i++)
        {
            double alphaIn = r.Next(10) == 0 ? Alphas[r.Next(Alphas.Length)] : alpha;
            double alphaOut = i == count - 1 ? 0 : Alphas[r.Next(Alphas.Length)];
            uses.Add(new Use(4 * r.Next(1, 4), r.Next(3) == 0 ? 2 : 1, alphaIn, alphaOut));
            alpha = alphaOut;
        }
        return (c, h, w, uses);
    }

    private static (long[] Shape, long Params, long Macs) RunRuntime(long c, long height, long width, List<Use> uses)
    {
        var modules = new List<nn.Module>();
        T Keep<T>(T m) where T : nn.Module { modules.Add(m); m.eval(); return m; }
        try
        {
            var blocks = new List<(OctaveConvBn Conv1, OctaveConvBn Conv2, OctaveConvBn Conv3, OctaveConvBn? Projection)>();
            long channels = c;
            foreach (var u in uses)
            {
                var conv1 = Keep(new OctaveConvBn(channels, u.Planes, 1, u.AlphaIn, u.AlphaOut));
                var conv2 = Keep(new OctaveConvBn(u.Planes, u.Planes, 3, u.AlphaOut, u.AlphaOut, stride: u.Stride, padding: 1));
                var conv3 = Keep(new OctaveConvBn(u.Planes, u.Planes * 4, 1, u.AlphaOut, u.AlphaOut));
                OctaveConvBn? projection = u.Stride != 1 || channels != u.Planes * 4 || u.AlphaIn != u.AlphaOut
                    ? Keep(new OctaveConvBn(channels, u.Planes * 4, 1, u.AlphaIn, u.AlphaOut, stride: u.Stride))
                    : null;
                blocks.Add((conv1, conv2, conv3, projection));
                channels = u.Planes * 4;
            }
            var macs = OctavePropertyTests.CountConvMacs(modules);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            OctaveTensor x = randn(2, c, height, width);
            foreach (var (conv1, conv2, conv3, projection) in blocks)
            {
                // ReLU after BN in conv1 and conv2 (Conv_BN_ACT); OctaveConvBn here, so apply it by hand.
                var y = conv1.call(x);
                y = new OctaveTensor(nn.functional.relu(y.High), y.Low is null ? null : nn.functional.relu(y.Low));
                y = conv2.call(y);
                y = new OctaveTensor(nn.functional.relu(y.High), y.Low is null ? null : nn.functional.relu(y.Low));
                y = conv3.call(y) + (projection is null ? x : projection.call(x));
                x = new OctaveTensor(nn.functional.relu(y.High), y.Low is null ? null : nn.functional.relu(y.Low));
            }
            var result = x.ToTensor();
            return (result.shape, modules.Sum(m => m.parameters().Sum(p => p.numel())), macs.Value);
        }
        finally
        {
            foreach (var m in modules) m.Dispose();
        }
    }

    [Fact]
    public void Octave_bottleneck_stacks_agree_with_the_runtime()
    {
        var block = BlockSpec();
        var blocks = new Dictionary<string, DeclarationSpec> { [block.MetadataName] = block };
        var failures = new List<string>();
        int accepted = 0, rejected = 0, symbolic = 0;
        for (int seed = 1; seed <= Stacks; seed++)
        {
            var (c, h, w, uses) = Draw(seed);
            var b = Network("Stack", (int)c, h, w);
            for (int i = 0; i < uses.Count; i++)
                b.Stage("layer" + i, L("Use", ("block", Type("OctBottleneck")), ("args", new object[] { (int)uses[i].Planes, (int)uses[i].Stride, uses[i].AlphaIn, uses[i].AlphaOut })));
            var inferred = ShapeInference.Infer(b.Build(), blocks);
            var errors = inferred.Diagnostics.Where(d => d.IsError).ToList();
            string what = $"seed {seed}: [N, {c}, {(h == 0 ? "H" : h)}, {(w == 0 ? "W" : w)}] -> " +
                string.Join(" -> ", uses.Select(u => $"OctBottleneck({u.Planes}, s{u.Stride}, α {u.AlphaIn.ToString(CultureInfo.InvariantCulture)}→{u.AlphaOut.ToString(CultureInfo.InvariantCulture)})"));
            long height = h, width = w;
            if (h == 0 || w == 0)
            {
                symbolic++;
                if (errors.Count > 0) continue;
                height = h != 0 ? h : inferred.ModulusH * Math.Max(2, (inferred.MinHeight + inferred.ModulusH - 1) / inferred.ModulusH);
                width = w != 0 ? w : inferred.ModulusW * Math.Max(2, (inferred.MinWidth + inferred.ModulusW - 1) / inferred.ModulusW);
            }
            (long[] Shape, long Params, long Macs)? run = null;
            string? runtimeError = null;
            try
            {
                run = RunRuntime(c, height, width, uses);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
            {
                runtimeError = ex.Message;
            }
            if (errors.Count > 0)
            {
                rejected++;
                if (run is not null) failures.Add($"{what}: the runtime runs it, but the compiler reports {string.Join("; ", errors.Select(e => e.Id + " " + string.Join(" | ", e.Args)))}");
                continue;
            }
            accepted++;
            if (run is null) { failures.Add($"{what} at {height}x{width}: compiles, but the runtime rejects it: {runtimeError}"); continue; }
            var (shape, parameters, macs) = run.Value;
            long oh = inferred.Output.Height.At(height / inferred.ModulusH), ow = inferred.Output.Width.At(width / inferred.ModulusW);
            long expectedMacs = inferred.MacTerms.Sum(t => t.PerPixel * t.Height.At(height / inferred.ModulusH) * t.Width.At(width / inferred.ModulusW));
            if (shape[1] != inferred.Output.Channels || shape[2] != oh || shape[3] != ow || parameters != inferred.TotalParams || macs != expectedMacs)
                failures.Add($"{what} at {height}x{width}: runtime [{string.Join(", ", shape)}], {parameters} params, {macs} MACs; " +
                    $"compile time [{inferred.Output.Channels}, {oh}, {ow}], {inferred.TotalParams} params, {expectedMacs} MACs");
        }
        string report = $"{accepted} accepted, {rejected} rejected, {symbolic} symbolic; {failures.Count} disagreements" +
            string.Concat(failures.Take(5).Select(f => "\n  " + f));
        Assert.True(failures.Count == 0, report);
        Assert.True(accepted >= 60 && rejected >= 20, report);
    }
}

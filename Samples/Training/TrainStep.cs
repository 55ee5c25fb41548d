using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetDsl.Samples.Benchmarking;
using NetDsl.Samples.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Training;

/// <summary>
/// `train-step`: ResNet-50 training steps (batch 8, 224x224, SGD with momentum, cross-entropy) with oneDNN's strided 1x1
/// backward as declared ("plain") and through <see cref="StridedConvWorkaround"/> ("workaround"), alternating, plus
/// inference forward times of both. `train-step --check` is the child process of the SIGFPE test: one training step of a
/// generated Bottleneck whose 512→1024 stride-2 1x1 projection is the shape oneDNN's backward planning divides by zero on
/// CPUs without cache sizes.
/// </summary>
public static class TrainStep
{
    public const string Usage = "usage: train-step [--steps N] [--threads N] [--batch N] [--mode plain|workaround|both] | train-step --check";

    public static int Run(string[] args)
    {
        if (args.Contains("--check")) return Check();
        int steps = 5, threads = 2, batch = 8;
        string mode = "both";
        for (int i = 0; i < args.Length; i++)
        {
            int Int() => i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v : throw new ArgumentException($"train-step: {args[i - 1]} needs a positive integer\n{Usage}");
            switch (args[i])
            {
                case "--steps": steps = Int(); break;
                case "--threads": threads = Int(); break;
                case "--batch": batch = Int(); break;
                case "--mode" when i + 1 < args.Length && args[i + 1] is "plain" or "workaround" or "both": mode = args[++i]; break;
                default: Console.Error.WriteLine(Usage); return 2;
            }
        }
        torch.set_num_threads(threads);
        Console.WriteLine($"CPU: {CpuCacheReport.Current}; workaround at startup: {(StridedConvWorkaround.Enabled ? "on" : "off")} ({StridedConvWorkaround.Reason})");
        Console.WriteLine($"ONEDNN_MAX_CPU_ISA={Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? "(unset)"}, {threads} threads, batch {batch}, {steps} timed steps per mode after one warm-up");

        var modes = mode == "both" ? new[] { false, true } : new[] { mode == "workaround" };
        var nets = new List<(bool Workaround, ResNet50 Net, optim.Optimizer Opt)>();
        bool startup = StridedConvWorkaround.Enabled;
        foreach (bool w in modes)
        {
            StridedConvWorkaround.Enabled = w; // decides what the constructor attaches
            torch.manual_seed(0);
            var net = new ResNet50();
            net.train();
            nets.Add((w, net, torch.optim.SGD(net.parameters(), 0.01, momentum: 0.9)));
        }
        StridedConvWorkaround.Enabled = true; // the attached hooks run; the plain net has none
        try
        {
            using var loss = nn.CrossEntropyLoss();
            torch.manual_seed(1);
            using var x = torch.randn(batch, 3, 224, 224);
            using var target = torch.randint(0, 1000, new long[] { batch });
            Func<Tensor> Step(ResNet50 net, optim.Optimizer opt) => () =>
            {
                net.train();
                opt.zero_grad();
                using var l = loss.call(net.call(x), target);
                l.backward();
                opt.step();
                return l.detach();
            };
            Func<Tensor> Infer(ResNet50 net) => () =>
            {
                net.eval();
                using var noGrad = torch.no_grad();
                return net.call(x);
            };
            if (nets.Count == 1)
            {
                var (w, net, opt) = nets[0];
                var f = Step(net, opt);
                f().Dispose();
                var ms = Enumerable.Range(0, steps).Select(_ => { var t = Stopwatch.StartNew(); f().Dispose(); return t.Elapsed.TotalMilliseconds; }).ToList();
                Console.WriteLine($"{(w ? "workaround" : "plain"),-10} training step median {PairedTiming.Ms(PairedTiming.Median(ms))} ms, min {PairedTiming.Ms(ms.Min())} ms " +
                    $"(steps {string.Join(", ", ms.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))})");
                return 0;
            }
            // Alternating back-to-back pairs (plain, workaround), so load from other processes hits both alike.
            var train = PairedTiming.Measure(Step(nets[0].Net, nets[0].Opt), Step(nets[1].Net, nets[1].Opt), warmup: 1, rounds: 1, perRound: steps);
            var infer = PairedTiming.Measure(Infer(nets[0].Net), Infer(nets[1].Net), warmup: 1, rounds: 1, perRound: steps);
            string Steps(IReadOnlyList<double> ms) => string.Join(", ", ms.Select(t => t.ToString("0", CultureInfo.InvariantCulture)));
            Console.WriteLine($"plain      training step median {PairedTiming.Ms(train.AMedianMs)} ms, min {PairedTiming.Ms(train.AMs.Min())} ms (steps {Steps(train.AMs)}); " +
                $"inference forward median {PairedTiming.Ms(infer.AMedianMs)} ms");
            Console.WriteLine($"workaround training step median {PairedTiming.Ms(train.BMedianMs)} ms, min {PairedTiming.Ms(train.BMs.Min())} ms (steps {Steps(train.BMs)}); " +
                $"inference forward median {PairedTiming.Ms(infer.BMedianMs)} ms");
            Console.WriteLine($"workaround / plain (median of back-to-back pair ratios): training step {(1 / train.Ratio).ToString("0.000", CultureInfo.InvariantCulture)}, " +
                $"inference forward {(1 / infer.Ratio).ToString("0.000", CultureInfo.InvariantCulture)}");
        }
        finally
        {
            StridedConvWorkaround.Enabled = startup;
            foreach (var (_, net, opt) in nets) { opt.Dispose(); net.Dispose(); }
        }
        return 0;
    }

    /// <summary>One SGD step of a generated stride-2 Bottleneck (512→1024 projection) at [1, 512, 8, 8]; prints what ran.</summary>
    private static int Check()
    {
        torch.set_num_threads(2);
        torch.manual_seed(0);
        using var block = new Bottleneck(512, 256, stride: 2);
        block.train();
        var projections = block.named_modules().Select(m => m.module).OfType<TorchSharp.Modules.Conv2d>().Where(StridedConvWorkaround.Applies).ToList();
        int attached = projections.Count(StridedConvWorkaround.IsAttached);
        using var opt = torch.optim.SGD(block.parameters(), 0.1);
        using var x = torch.randn(1, 512, 8, 8, requires_grad: true);
        using var y = block.call(x);
        using var l = y.square().mean();
        l.backward();
        opt.step();
        double g = x.grad!.abs().sum().item<float>();
        Console.WriteLine($"workaround {(StridedConvWorkaround.Enabled ? "on" : "off")} ({StridedConvWorkaround.Reason}); " +
            $"strided 1x1 convs {projections.Count}, attached {attached}; output {string.Join("x", y.shape)}; |dx| {g.ToString("G6", CultureInfo.InvariantCulture)}");
        return double.IsFinite(g) && g > 0 ? 0 : 1;
    }
}

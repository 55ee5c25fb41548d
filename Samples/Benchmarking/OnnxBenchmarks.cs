using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetDsl.Onnx;
using NetDsl.Samples.Networks;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace NetDsl.Samples;

/// <summary>
/// `bench onnx`: a network exported by NetDsl, run by ONNX Runtime's CPU provider, against the same network in TorchSharp
/// (eval, no_grad), at the same thread count, interleaved in one process: ResNet-50 and DeepLabV3-ResNet50, batch 1,
/// 224 x 224. The outputs must agree to 1e-4 before anything is timed.
/// </summary>
public static class OnnxBenchmarks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Case(string Name, long Parameters, long FileBytes, double MaxDiff, TimingResult Timing);

    public static string? Run(BenchOptions options, string command)
    {
        string loadBefore = BenchDocument.LoadAverage();
        int threads = torch.get_num_threads();
        var cases = new List<Case>();
        foreach (var (name, create) in new (string, Func<nn.Module<Tensor, Tensor>>)[]
        {
            ("ResNet50", () => new ResNet50()),
            ("DeepLabV3ResNet50", () => new DeepLabV3ResNet50()),
        })
        {
            torch.manual_seed(5);
            using var net = create();
            net.eval();
            var model = ((IOnnxNetwork)net).ToOnnx();
            using var sessionOptions = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            using var session = new InferenceSession(model, sessionOptions);
            long[] shape = { 1, 3, 224, 224 };
            using var input = torch.randn(shape);
            var onnxInput = new[] { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input.data<float>().ToArray(), shape.Select(d => (int)d).ToArray())) };
            using var noGrad = torch.no_grad();

            double maxDiff;
            using (NewDisposeScope())
            {
                var expected = net.call(input);
                using var results = session.Run(onnxInput);
                var first = (DenseTensor<float>)results.First().Value;
                var actual = torch.tensor(first.Buffer.ToArray(), expected.shape);
                maxDiff = (actual - expected).abs().max().ToDouble();
                double scale = Math.Max(1, expected.abs().max().ToDouble());
                Console.WriteLine($"{name}: {model.Length / 1e6:0.0} MB ONNX, max |ONNX Runtime - TorchSharp| = {maxDiff:0.0e+0}");
                if (!(maxDiff <= 1e-4 * scale))
                {
                    Console.Error.WriteLine($"bench onnx: {name}'s ONNX Runtime output differs from TorchSharp's; the comparison would be meaningless.");
                    return null;
                }
            }
            Console.WriteLine($"{name}: {options.Warmup} warm-up + {options.Rounds} rounds x {options.PerRound} forwards each, {threads} thread(s)...");
            var timing = PairedTiming.Measure(
                () =>
                {
                    using var r = session.Run(onnxInput);
                    return torch.empty(0);
                },
                () => net.call(input),
                options.Warmup, options.Rounds, options.PerRound, log: Console.WriteLine, aName: "ONNX Runtime", bName: "TorchSharp");
            cases.Add(new Case(name, net.parameters().Sum(p => p.numel()), model.Length, maxDiff, timing));
        }

        var sb = new StringBuilder();
        sb.AppendLine("## ONNX Runtime against TorchSharp: the exported networks");
        sb.AppendLine();
        sb.AppendLine($"Command: `{command}`");
        sb.AppendLine();
        sb.AppendLine(BenchDocument.FormatMachine(BenchDocument.Machine(loadBefore)));
        sb.AppendLine();
        sb.AppendLine($"Each network exported by `ExportOnnx` (opset 17) and run by ONNX Runtime {typeof(InferenceSession).Assembly.GetName().Version?.ToString(3)} " +
                      $"(CPU provider, all graph optimisations, {threads} intra-op thread(s)) against the same module in TorchSharp " +
                      $"(eval, no_grad, torch.get_num_threads() = {threads}), batch 1, input [1, 3, 224, 224]; interleaved back-to-back pairs, " +
                      "ratio = ONNX Runtime / TorchSharp (below 1: ONNX Runtime is faster). ONNX Runtime's time includes copying the output out.");
        sb.AppendLine();
        sb.AppendLine("| network | parameters | ONNX file | max \\|ORT - TorchSharp\\| | ORT median ms | TorchSharp median ms | ratio (median of pairs) | round ratios |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var c in cases)
        {
            sb.AppendLine(string.Create(Inv,
                $"| {c.Name} | {c.Parameters:N0} | {c.FileBytes / 1e6:0.0} MB | {c.MaxDiff:0.0e+0} | {PairedTiming.Ms(c.Timing.AMedianMs)} | {PairedTiming.Ms(c.Timing.BMedianMs)} | " +
                $"**{c.Timing.Ratio:0.00}** | {string.Join(", ", c.Timing.RoundRatios.Select(r => r.ToString("0.00", Inv)))} |"));
        }
        string section = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(section);
        return section;
    }
}

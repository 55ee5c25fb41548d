using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetDsl.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace NetDsl.Samples.Export;

/// <summary>
/// `export &lt;Name&gt;|all [path]`: writes a sample network as ONNX (opset 17, from its compile-time graph and its weights),
/// then runs the file in ONNX Runtime on a random input and prints how far its outputs are from TorchSharp's eval outputs.
/// The path is a file for one network, a folder for all (default Samples/out/onnx/). Netron opens the files.
/// </summary>
public static class OnnxExportCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine($"export: name a sample or 'all': {string.Join(", ", SampleRunner.All.Select(s => s.Name))}");
            return 2;
        }
        var selected = args[0].Equals("all", StringComparison.OrdinalIgnoreCase)
            ? SampleRunner.All.ToList()
            : SampleRunner.All.Where(s => s.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase)).ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"export: no sample '{args[0]}'. Samples: {string.Join(", ", SampleRunner.All.Select(s => s.Name))}");
            return 2;
        }
        string target = args.Length > 1 ? args[1] : Path.Combine("Samples", "out", "onnx");
        bool toFile = selected.Count == 1 && target.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        int failures = 0;
        foreach (var sample in selected)
        {
            string path = toFile ? target : Path.Combine(target, sample.Name + ".onnx");
            try
            {
                Export(sample, path);
            }
            catch (OnnxExportException ex)
            {
                failures++;
                Console.Error.WriteLine($"{sample.Name}: cannot be exported: {ex.Message}");
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private static void Export(Sample sample, string path)
    {
        torch.manual_seed(1);
        using var net = sample.Create();
        net.eval();
        var clock = Stopwatch.StartNew();
        ((IOnnxNetwork)net).ExportOnnx(path);
        double seconds = clock.Elapsed.TotalSeconds;
        long bytes = new FileInfo(path).Length;
        long parameters = net.parameters().Sum(p => p.numel());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sample.Name}: {path} ({bytes / 1e6:0.0} MB, {parameters:N0} parameters, {(double)bytes / Math.Max(1, parameters):0.00} bytes per parameter, written in {seconds:0.0} s)"));

        // The file in ONNX Runtime against TorchSharp, at each of the sample's input sizes.
        using var session = new InferenceSession(path, new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR });
        foreach (var shape in sample.InputShapes)
        {
            using var scope = torch.NewDisposeScope();
            var input = sample.FixedInput?.Invoke() ?? torch.randn(shape);
            Tensor expected;
            using (torch.no_grad()) expected = net.call(input);
            var data = input.contiguous().data<float>().ToArray();
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(data, shape.Select(d => (int)d).ToArray())) });
            var first = (DenseTensor<float>)results.First().Value;
            var actual = torch.tensor(first.Buffer.ToArray(), first.Dimensions.ToArray().Select(d => (long)d).ToArray());
            double diff = (actual - expected).abs().max().ToDouble();
            double scale = Math.Max(1, expected.abs().max().ToDouble());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ONNX Runtime at {SampleRunner.Shape(shape)}: output {SampleRunner.Shape(actual.shape)}, max |ONNX Runtime - TorchSharp| = {diff:0.0e+0} ({(diff <= 1e-4 * scale ? "equal" : "DIFFERENT")} to 1e-4 of {scale:0.##})"));
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Onnx;

/// <summary>Runs an exported model in ONNX Runtime and compares its outputs with TorchSharp's.</summary>
public static class OnnxRunner
{
    /// <summary>The model's outputs on <paramref name="input"/> (float32 or float64), by output name, as TorchSharp tensors.</summary>
    public static Dictionary<string, Tensor> Run(byte[] model, Tensor input)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 2, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        var shape = input.shape.Select(d => (int)d).ToArray();
        using var c = input.contiguous();
        var value = input.dtype == ScalarType.Float64
            ? NamedOnnxValue.CreateFromTensor("input", new DenseTensor<double>(c.data<double>().ToArray(), shape))
            : NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(c.data<float>().ToArray(), shape));
        using var results = session.Run(new[] { value });
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            if (r.Value is DenseTensor<float> f) outputs[r.Name] = tensor(f.Buffer.ToArray(), f.Dimensions.ToArray().Select(d => (long)d).ToArray());
            else if (r.Value is DenseTensor<double> d) outputs[r.Name] = tensor(d.Buffer.ToArray(), d.Dimensions.ToArray().Select(x => (long)x).ToArray());
            else throw new InvalidOperationException($"output {r.Name} has type {r.Value?.GetType().Name}");
        }
        return outputs;
    }

    /// <summary>BatchNorm running statistics away from (0, 1), so that an export reading the wrong ones (or none) shows.</summary>
    public static void PerturbStatistics(TorchSharp.torch.nn.Module module, long seed = 11)
    {
        using var noGrad = TorchSharp.torch.no_grad();
        var gen = new TorchSharp.torch.Generator((ulong)seed);
        foreach (var (name, b) in module.named_buffers())
        {
            if (name.EndsWith("running_mean", StringComparison.Ordinal)) b.copy_(TorchSharp.torch.randn(b.shape, dtype: b.dtype, generator: gen) * 0.1);
            else if (name.EndsWith("running_var", StringComparison.Ordinal)) b.copy_(TorchSharp.torch.rand(b.shape, dtype: b.dtype, generator: gen) * 0.5 + 0.75);
        }
    }

    /// <summary>Asserts ONNX Runtime's output equals TorchSharp's: same shape, |a - b| &lt;= tol * max(1, max |b|).</summary>
    public static void AssertClose(Tensor expected, Tensor actual, double tol, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{what}: ONNX shape [{string.Join(", ", actual.shape)}], TorchSharp [{string.Join(", ", expected.shape)}]");
        using var e = expected.to_type(ScalarType.Float64);
        using var a = actual.to_type(ScalarType.Float64);
        double scale = Math.Max(1.0, e.abs().max().item<double>());
        double diff = (e - a).abs().max().item<double>();
        Assert.True(diff <= tol * scale, $"{what}: max |ONNX - TorchSharp| = {diff:G4} (scale {scale:G4}, tolerance {tol * scale:G4})");
    }
}

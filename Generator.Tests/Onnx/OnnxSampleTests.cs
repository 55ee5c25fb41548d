using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Onnx;
using NetDsl.Samples;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Onnx;

/// <summary>
/// Every sample network written as ONNX from its compile-time graph and run in ONNX Runtime gives TorchSharp's eval
/// outputs (every named output, at each of the sample's input sizes: two for networks of symbolic size, one model), and
/// the file holds each weight once (about 4 bytes per parameter).
/// </summary>
public class OnnxSampleTests
{
    public static TheoryData<string> SampleNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var s in SampleRunner.All) data.Add(s.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void Exported_sample_runs_in_onnx_runtime_equal_to_torchsharp(string name)
    {
        var sample = SampleRunner.All.Single(s => s.Name == name);
        torch.manual_seed(3);
        using var net = sample.Create();
        net.eval();
        OnnxRunner.PerturbStatistics(net);
        var model = ((IOnnxNetwork)net).ToOnnx();
        // NETDSL_ONNX_DUMP=dir keeps the models (tools/check_onnx.py checks them with Debian's onnx).
        if (Environment.GetEnvironmentVariable("NETDSL_ONNX_DUMP") is { Length: > 0 } dump)
        {
            System.IO.Directory.CreateDirectory(dump);
            System.IO.File.WriteAllBytes(System.IO.Path.Combine(dump, name + ".onnx"), model);
        }

        long parameters = net.parameters().Sum(p => p.numel());
        long buffers = net.named_buffers().Where(b => !b.name.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Sum(b => b.buffer.numel());
        Assert.InRange(model.Length, 4 * parameters, (long)(4 * (parameters + buffers) * 1.01) + 256 * 1024);

        foreach (var shape in sample.InputShapes)
        {
            using var scope = torch.NewDisposeScope();
            var input = sample.FixedInput?.Invoke() ?? torch.randn(shape);
            var expected = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            using (torch.no_grad())
            {
                var all = net.GetType().GetMethod("forward_all");
                if (all is null) expected["output"] = net.call(input);
                else foreach (var (key, value) in (IReadOnlyDictionary<string, Tensor>)all.Invoke(net, new object[] { input })!) expected[key] = value;
            }
            var actual = OnnxRunner.Run(model, input);
            Assert.Equal(expected.Keys.OrderBy(k => k), actual.Keys.OrderBy(k => k));
            foreach (var (key, value) in expected)
                OnnxRunner.AssertClose(value, actual[key], 1e-4, $"{name} at [{string.Join(", ", shape)}], output \"{key}\"");
        }
    }
}

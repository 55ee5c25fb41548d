using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Google.Protobuf;
using NetDsl.Onnx.Protocol;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>
    /// Writes a NetDsl network as an ONNX model (opset 17) from its compile-time graph and its live weights, without
    /// tracing: <c>net.ExportOnnx("resnet50.onnx")</c>. The graph's input is "input" with the summary's shape (symbolic sizes
    /// as named dimensions N, H, W); its outputs are named as forward_all's, or "output". Training-only layers are written in
    /// their eval form, whatever mode the module is in. See docs/onnx.md.
    /// </summary>
    public static class OnnxExport
    {
        /// <summary>Writes <paramref name="network"/> to <paramref name="path"/>.</summary>
        public static void ExportOnnx(this IOnnxNetwork network, string path)
        {
            var bytes = ToOnnx(network);
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
            File.WriteAllBytes(path, bytes);
        }

        /// <summary>The ONNX model of <paramref name="network"/> as bytes.</summary>
        public static byte[] ToOnnx(this IOnnxNetwork network)
        {
            var module = network as nn.Module ?? throw new ArgumentException("an IOnnxNetwork is a generated TorchSharp module", nameof(network));
            var summary = network.Summary;
            using var noGrad = no_grad();
            var g = new OnnxGraph(module, DTypeOf(module), summary.Name);
            var input = g.Input("input", Dims(summary.Input));
            var outputs = network.ExportOnnxOutputs(g, input);
            var shapes = summary.Outputs.Count > 0 ? summary.Outputs.ToDictionary(o => o.Name, o => o.Shape) : new Dictionary<string, string> { ["output"] = summary.Output };
            foreach (var (name, value) in outputs)
                g.Output(name, value, shapes.TryGetValue(name, out var shape) ? Dims(shape) : null);
            return Model(g, summary.Name, DocString(summary)).ToByteArray();
        }

        /// <summary>
        /// Writes any module on an input of the given dimensions (numbers, or names for symbolic sizes): a runtime layer, a
        /// generated block, a hand-written module that implements <see cref="IOnnxExport"/>. One output, "output".
        /// </summary>
        public static byte[] ToOnnx(nn.Module module, params string[] inputDims) => ToOnnx(module, inputDims, null);

        /// <summary>As <see cref="ToOnnx(nn.Module, string[])"/>, with the output's dimensions (names for sizes not fixed):
        /// onnx's checker (1.12) requires a shape on every graph output.</summary>
        public static byte[] ToOnnx(nn.Module module, string[] inputDims, string[]? outputDims)
        {
            using var noGrad = no_grad();
            var g = new OnnxGraph(module, DTypeOf(module), module.GetName());
            var input = g.Input("input", inputDims);
            // An octave layer or block alone: a plain input (a pair without a low part) and a plain output (AlphaOut = 0).
            var output = module is IOnnxExport own ? own.ExportOnnx(g, input)
                : module is IOnnxOctaveExport octave ? octave.ExportOnnx(g, input).ToValue()
                : OnnxModules.Write(g, module, input);
            g.Output("output", output, outputDims);
            return Model(g, module.GetName(), $"{module.GetName()} exported by NetDsl").ToByteArray();
        }

        private static ModelProto Model(OnnxGraph g, string name, string doc)
        {
            var model = new ModelProto
            {
                IrVersion = 8,
                ProducerName = "NetDsl",
                ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString(3) ?? "0",
                DocString = doc,
                Graph = g.Proto,
            };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxGraph.Opset });
            g.Proto.DocString = doc;
            model.MetadataProps.Add(new StringStringEntryProto { Key = "netdsl.network", Value = name });
            return model;
        }

        /// <summary>What the model's doc string says: the shapes and the constraints on symbolic sizes.</summary>
        private static string DocString(NetworkSummary s)
        {
            var lines = new List<string> { $"{s.Name}: {s.Input} -> {s.Output}, {s.TotalParams.ToString("N0", CultureInfo.InvariantCulture)} parameters (exported by NetDsl)." };
            if (s.FixedHeight == 0 || s.FixedWidth == 0)
            {
                lines.Add($"Input sizes: H at least {s.MinHeight}{(s.HeightMultiple > 1 ? $" and a multiple of {s.HeightMultiple}" : "")}, " +
                          $"W at least {s.MinWidth}{(s.WidthMultiple > 1 ? $" and a multiple of {s.WidthMultiple}" : "")}.");
            }
            lines.AddRange(s.Constraints);
            foreach (var o in s.Outputs) lines.Add($"Output \"{o.Name}\" ({o.Stage}): {o.Shape}.");
            return string.Join("\n", lines);
        }

        /// <summary>"[N, 3, H, W]" as dims: numbers stay numbers, anything else is a named dimension.</summary>
        internal static string[] Dims(string shape) =>
            shape.Trim().TrimStart('[').TrimEnd(']').Split(',').Select(d => d.Trim()).ToArray();

        private static ScalarType DTypeOf(nn.Module module) =>
            module.parameters().FirstOrDefault()?.dtype is { } t && (t == ScalarType.Float64) ? ScalarType.Float64 : ScalarType.Float32;
    }
}

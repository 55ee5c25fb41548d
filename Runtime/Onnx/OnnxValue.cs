using System;
using System.Collections.Generic;

namespace NetDsl.Onnx
{
    /// <summary>A tensor of the ONNX graph being written: the name of a graph input, an initializer or a node's output.</summary>
    public readonly struct OnnxValue : IEquatable<OnnxValue>
    {
        internal OnnxValue(string name) => Name = name ?? throw new ArgumentNullException(nameof(name));

        /// <summary>The value's name in the graph.</summary>
        public string Name { get; }

        /// <summary>Whether this is a value (not default).</summary>
        public bool IsValid => Name is not null;

        public bool Equals(OnnxValue other) => string.Equals(Name, other.Name, StringComparison.Ordinal);
        public override bool Equals(object? obj) => obj is OnnxValue v && Equals(v);
        public override int GetHashCode() => Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name);
        public override string ToString() => Name ?? "(none)";
    }

    /// <summary>
    /// The ONNX counterpart of <see cref="NetDsl.Octave.OctaveTensor"/>: a high-frequency value and, when the split has one,
    /// a low-frequency value at half the resolution. A plain value converts to a pair without a low part.
    /// </summary>
    public readonly struct OctaveValue
    {
        public OctaveValue(OnnxValue high, OnnxValue? low)
        {
            High = high;
            Low = low;
        }

        public OnnxValue High { get; }

        public OnnxValue? Low { get; }

        public static implicit operator OctaveValue(OnnxValue plain) => new OctaveValue(plain, null);

        /// <summary>The plain value of a pair without a low part (after a layer with AlphaOut = 0), as OctaveTensor.ToTensor().</summary>
        public OnnxValue ToValue() => Low is null
            ? High
            : throw new OnnxExportException("an octave pair with a low-frequency part was used as a plain tensor (its last octave layer needs AlphaOut = 0)");
    }

    /// <summary>A module that writes its own ONNX nodes: every generated NetDsl block and network, and the runtime's kernels
    /// that no single ONNX operator covers (wavelets, octave convolution, pyramid pooling). A hand-written module used as a
    /// stage implements it to be exportable.</summary>
    public interface IOnnxExport
    {
        /// <summary>Writes the nodes of a forward pass on <paramref name="input"/> into <paramref name="g"/> and returns the
        /// output value. Call submodules through <see cref="OnnxGraph.Module(TorchSharp.torch.nn.Module, OnnxValue)"/>.</summary>
        OnnxValue ExportOnnx(OnnxGraph g, OnnxValue input);
    }

    /// <summary>A module on octave pairs (an octave block, OctaveConv2d, PerFrequency) that writes its own ONNX nodes.</summary>
    public interface IOnnxOctaveExport
    {
        OctaveValue ExportOnnx(OnnxGraph g, OctaveValue input);
    }

    /// <summary>
    /// A generated network: its compile-time summary (input and output shapes, symbolic sizes, constraints) and its
    /// graph with every named output (forward_all's, or the one output of forward).
    /// </summary>
    public interface IOnnxNetwork : IOnnxExport
    {
        NetworkSummary Summary { get; }

        /// <summary>The outputs in declaration order, named as forward_all's (one "output" for a network without [Output]).</summary>
        IReadOnlyList<KeyValuePair<string, OnnxValue>> ExportOnnxOutputs(OnnxGraph g, OnnxValue input);
    }

    /// <summary>A module or construct that cannot be written as ONNX, with the stage it belongs to.</summary>
    public sealed class OnnxExportException : Exception
    {
        public OnnxExportException(string message) : base(message) { }
    }
}

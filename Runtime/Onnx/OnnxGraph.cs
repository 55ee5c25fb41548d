using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using NetDsl.Onnx.Protocol;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Onnx
{
    /// <summary>
    /// The ONNX graph being written by an export (<see cref="OnnxExport"/>): the nodes, the weights as initializers named by
    /// their state_dict keys (each tensor once, so tied weights stay tied), and the module path of what is being written,
    /// which names the nodes (<c>layer1.0.conv1/Conv</c>) and the errors. Generated modules write their stages through
    /// <see cref="Module(nn.Module, OnnxValue)"/>; each module kind writes its own nodes (Onnx/Modules/, and the runtime's
    /// kernels beside their code) with <c>Node</c>, <see cref="Weight"/> and the constants here.
    /// </summary>
    public sealed partial class OnnxGraph
    {
        /// <summary>The opset written: 17 (what Debian's onnx 1.12 checks; LayerNormalization is in it).</summary>
        public const int Opset = 17;

        private readonly GraphProto _graph = new GraphProto();
        private readonly Dictionary<Tensor, string> _weightNames = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Tensor, string> _written = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<string, int> _nodeNames = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly Dictionary<string, OnnxValue> _outputsByPath = new Dictionary<string, OnnxValue>(StringComparer.Ordinal);
        private readonly Stack<(nn.Module Module, string Path)> _scope = new Stack<(nn.Module, string)>();
        private int _constants;

        internal OnnxGraph(nn.Module root, ScalarType dtype, string name)
        {
            DType = dtype;
            _graph.Name = name;
            foreach (var (key, p) in root.named_parameters()) _weightNames.TryAdd(p, key);
            foreach (var (key, b) in root.named_buffers()) _weightNames.TryAdd(b, key);
            _scope.Push((root, ""));
        }

        /// <summary>The floating type of the network (float32, or float64 after to(float64)): weights and constants are written in it.</summary>
        public ScalarType DType { get; }

        internal GraphProto Proto => _graph;

        /// <summary>The module path being written ("" at the network, "layer1.0.conv1" inside).</summary>
        public string Path => _scope.Peek().Path;

        /// <summary>A graph input with the given dimensions (a number, or a name for a symbolic size such as "N" or "H").</summary>
        public OnnxValue Input(string name, IReadOnlyList<string> dims)
        {
            _graph.Input.Add(ValueInfo(name, dims));
            return new OnnxValue(name);
        }

        /// <summary>Names <paramref name="value"/> as a graph output (an Identity node when the name differs).</summary>
        public void Output(string name, OnnxValue value, IReadOnlyList<string>? dims)
        {
            if (value.Name != name) Node("Identity", new[] { value }, output: name);
            _graph.Output.Add(ValueInfo(name, dims));
        }

        private ValueInfoProto ValueInfo(string name, IReadOnlyList<string>? dims)
        {
            var tensor = new TypeProto.Types.Tensor { ElemType = (int)ElementType(DType) };
            if (dims is not null)
            {
                tensor.Shape = new TensorShapeProto();
                foreach (var d in dims)
                {
                    tensor.Shape.Dim.Add(long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out long n)
                        ? new TensorShapeProto.Types.Dimension { DimValue = n }
                        : new TensorShapeProto.Types.Dimension { DimParam = d });
                }
            }
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
        }

        // ------------------------------------------------------------------ modules and scopes

        /// <summary>Writes <paramref name="module"/> (a child of the module being written) on <paramref name="input"/>: a
        /// module that implements <see cref="IOnnxExport"/> writes itself, TorchSharp's layers are written by their kind
        /// (Onnx/Modules/), anything else is an <see cref="OnnxExportException"/> naming the stage.</summary>
        public OnnxValue Module(nn.Module module, OnnxValue input)
        {
            using (Enter(module))
            {
                var output = OnnxModules.Write(this, module, input);
                _outputsByPath[Path] = output;
                return output;
            }
        }

        /// <summary>Writes a module on an octave pair (an octave block or layer, or a per-frequency one).</summary>
        public OctaveValue Module(nn.Module module, OctaveValue input)
        {
            using (Enter(module))
            {
                if (module is IOnnxOctaveExport octave) return octave.ExportOnnx(this, input);
                if (input.Low is null) return OnnxModules.Write(this, module, input.High);
                throw Unsupported(module, "runs on an octave pair but has no octave ONNX export (IOnnxOctaveExport)");
            }
        }

        /// <summary>A parallel stage: each child of <paramref name="branches"/> on <paramref name="input"/>, then their
        /// outputs concatenated on channels (<paramref name="concat"/>) or summed.</summary>
        public OnnxValue Parallel(nn.Module branches, OnnxValue input, bool concat)
        {
            using (Enter(branches))
            {
                // A ModuleList enumerates its items (its children() may be empty: it holds them in a list).
                var items = branches is System.Collections.IEnumerable list ? list.Cast<nn.Module>() : branches.children();
                var outputs = items.Select(b => Module(b, input)).ToArray();
                if (outputs.Length == 0) throw Unsupported(branches, "is a parallel stage without branches");
                var output = concat ? Concat(1, outputs) : Add(outputs[0], outputs.Skip(1).ToArray());
                _outputsByPath[Path] = output;
                return output;
            }
        }

        /// <summary>Records a stage's value that no module wrote (a residual add, a skip's concat) under its name, for a [Tap]
        /// into it; returns <paramref name="value"/>.</summary>
        public OnnxValue Keep(string name, OnnxValue value)
        {
            _outputsByPath[Path.Length == 0 ? name : Path + "." + name] = value;
            return value;
        }

        /// <summary>Records a stage's octave pair (its high part is what a tap would read); returns <paramref name="value"/>.</summary>
        public OctaveValue Keep(string name, OctaveValue value)
        {
            Keep(name, value.High);
            return value;
        }

        /// <summary>The output of the module at <paramref name="path"/> (from the network: "backbone.layer3"), written earlier
        /// in this export: what a [Tap] stage reads.</summary>
        public OnnxValue Tap(string path) => _outputsByPath.TryGetValue(path, out var value)
            ? value
            : throw new OnnxExportException($"the tap '{path}' was not written before the stage that reads it");

        /// <summary>Enters the scope of a child module: its name is the one its parent registered it under.</summary>
        public IDisposable Enter(nn.Module module)
        {
            var (parent, path) = _scope.Peek();
            string name = ChildName(parent, module) ?? module.GetName();
            _scope.Push((module, path.Length == 0 ? name : path + "." + name));
            return new Leave(_scope);
        }

        private static string? ChildName(nn.Module parent, nn.Module child)
        {
            if (ReferenceEquals(parent, child)) return null;
            foreach (var (name, m) in parent.named_children())
                if (ReferenceEquals(m, child)) return name;
            if (parent is System.Collections.IEnumerable list)
            {
                int i = 0;
                foreach (var item in list)
                {
                    if (ReferenceEquals(item, child)) return i.ToString(CultureInfo.InvariantCulture);
                    i++;
                }
            }
            return null;
        }

        private sealed class Leave : IDisposable
        {
            private readonly Stack<(nn.Module, string)> _scope;
            public Leave(Stack<(nn.Module, string)> scope) => _scope = scope;
            public void Dispose() => _scope.Pop();
        }

        /// <summary>An export error for <paramref name="module"/> at the current path.</summary>
        public OnnxExportException Unsupported(nn.Module module, string why) =>
            new OnnxExportException($"stage '{(Path.Length == 0 ? "(network)" : Path)}' ({module.GetType().Name}) {why}");

        // ------------------------------------------------------------------ nodes

        /// <summary>Adds a node with one output and returns it. <paramref name="inputs"/> may hold default values for omitted
        /// optional inputs; attributes are (name, value) with long, double, string, long[], double[] values.</summary>
        public OnnxValue Node(string op, IReadOnlyList<OnnxValue> inputs, params (string Name, object Value)[] attributes) =>
            Node(op, inputs, null, attributes);

        /// <summary>A node whose output has the given name (graph outputs).</summary>
        public OnnxValue Node(string op, IReadOnlyList<OnnxValue> inputs, string? output, params (string Name, object Value)[] attributes) =>
            Nodes(op, inputs, 1, output, attributes)[0];

        /// <summary>Adds a node with <paramref name="outputs"/> outputs.</summary>
        public OnnxValue[] Nodes(string op, IReadOnlyList<OnnxValue> inputs, int outputs, string? output, params (string Name, object Value)[] attributes)
        {
            string baseName = (Path.Length == 0 ? "" : Path + "/") + op;
            _nodeNames.TryGetValue(baseName, out int count);
            _nodeNames[baseName] = count + 1;
            string nodeName = count == 0 ? baseName : baseName + "_" + count.ToString(CultureInfo.InvariantCulture);
            var node = new NodeProto { OpType = op, Name = nodeName };
            foreach (var v in inputs) node.Input.Add(v.IsValid ? v.Name : "");
            var results = new OnnxValue[outputs];
            for (int i = 0; i < outputs; i++)
            {
                string name = output is not null && i == 0 ? output : outputs == 1 ? nodeName + ":0" : nodeName + ":" + i.ToString(CultureInfo.InvariantCulture);
                node.Output.Add(name);
                results[i] = new OnnxValue(name);
            }
            foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
            _graph.Node.Add(node);
            return results;
        }

        private static AttributeProto Attribute(string name, object value)
        {
            var a = new AttributeProto { Name = name };
            switch (value)
            {
                case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
                case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
                case bool b: a.Type = AttributeProto.Types.AttributeType.Int; a.I = b ? 1 : 0; break;
                case double d: a.Type = AttributeProto.Types.AttributeType.Float; a.F = (float)d; break;
                case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
                case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
                case long[] ls: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ls); break;
                case double[] ds: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(ds.Select(d => (float)d)); break;
                default: throw new ArgumentException($"ONNX attribute {name}: unsupported value type {value?.GetType().Name}");
            }
            return a;
        }

        // ------------------------------------------------------------------ weights and constants

        /// <summary>A weight or buffer of the network as an initializer named by its state_dict key; written once however
        /// often it is used (tied weights: the same Parameter object in two modules, a shared module).</summary>
        public OnnxValue Weight(Tensor tensor)
        {
            if (_written.TryGetValue(tensor, out var written)) return new OnnxValue(written);
            string name = _weightNames.TryGetValue(tensor, out var stateKey) ? stateKey : Path + ".tensor" + (_constants++).ToString(CultureInfo.InvariantCulture);
            _graph.Initializer.Add(TensorOf(name, tensor));
            _written[tensor] = name;
            return new OnnxValue(name);
        }

        /// <summary>A constant floating tensor of the network's type (dims empty: a scalar).</summary>
        public OnnxValue Constant(double[] values, params long[] dims)
        {
            using var t = tensor(values, dims, dtype: ScalarType.Float64).to_type(DType);
            return NewConstant(t);
        }

        /// <summary>A floating scalar of the network's type.</summary>
        public OnnxValue Scalar(double value) => Constant(new[] { value });

        /// <summary>A constant int64 vector (shapes, axes, pads, slice bounds).</summary>
        public OnnxValue Ints(params long[] values)
        {
            using var t = tensor(values, new long[] { values.Length }, dtype: ScalarType.Int64);
            return NewConstant(t);
        }

        /// <summary>A constant tensor computed from the network's weights (a fused or reshaped filter): written once per call.</summary>
        public OnnxValue Constant(Tensor t) => NewConstant(t);

        private OnnxValue NewConstant(Tensor t)
        {
            string name = (Path.Length == 0 ? "" : Path + ".") + "const" + (_constants++).ToString(CultureInfo.InvariantCulture);
            _graph.Initializer.Add(TensorOf(name, t));
            return new OnnxValue(name);
        }

        private static TensorProto TensorOf(string name, Tensor t)
        {
            using var c = t.detach().cpu().contiguous();
            var proto = new TensorProto { Name = name, DataType = (int)ElementType(c.dtype) };
            proto.Dims.AddRange(c.shape);
            byte[] bytes = c.dtype switch
            {
                ScalarType.Float32 => MemoryMarshal.AsBytes(c.data<float>().ToArray().AsSpan()).ToArray(),
                ScalarType.Float64 => MemoryMarshal.AsBytes(c.data<double>().ToArray().AsSpan()).ToArray(),
                ScalarType.Int64 => MemoryMarshal.AsBytes(c.data<long>().ToArray().AsSpan()).ToArray(),
                _ => throw new OnnxExportException($"tensor '{name}' has type {c.dtype}, which the export does not write"),
            };
            if (!BitConverter.IsLittleEndian) throw new OnnxExportException("ONNX raw data is little-endian; this machine is not");
            proto.RawData = ByteString.CopyFrom(bytes);
            return proto;
        }

        internal static TensorProto.Types.DataType ElementType(ScalarType t) => t switch
        {
            ScalarType.Float32 => TensorProto.Types.DataType.Float,
            ScalarType.Float64 => TensorProto.Types.DataType.Double,
            ScalarType.Int64 => TensorProto.Types.DataType.Int64,
            _ => throw new OnnxExportException($"the export writes float32 and float64 networks, not {t}"),
        };
    }
}

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers
{
    /// <summary>
    /// [Module(typeof(X), args..., Out, In, Stride, CeilMode, Params, Macs, Kernel, Global)]: a hand-written TorchSharp module
    /// as a layer. The compiler cannot see into X's forward, so X's declared contract is its shape rule: output channels
    /// <c>Out</c> (default: the input's), sizes divided by <c>Stride</c>, <c>Params</c> trainable parameters; the layers around
    /// it are checked against that as against any layer. The generated construction passes the module through
    /// <c>NetDsl.ModuleContract.Declare</c>, which checks the parameter count at once and the output shape on the first call,
    /// so a module that does not keep its contract throws instead of leaving a wrong summary.
    /// </summary>
    /// <remarks>The constructor arguments are bound here against the constructors the parser recorded
    /// (<see cref="ModuleTypeSpec"/>): NDSL0080 when X cannot be a stage, NDSL0081 when no constructor takes them.</remarks>
    public sealed class ModuleRule : LayerRule
    {
        /// <summary>The name a [Module]'s arguments and contract use for the module's own input channels.</summary>
        public const string Channels = "channels";

        public override string Name => "Module";

        public override string KernelArgument => "Stride";

        // Values the compiler cannot see (the module may return its input): a residual after it is not added in place.
        public override bool Allocates(BoundLayer layer) => false;

        // The contract's arguments may be 0 (Params, Macs) and the constructor's are the module's own business; the module and
        // ModuleContract.Declare check theirs when built with other [Param] values.
        public override bool MustBePositive(string argument) => false;

        public override void Bind(LayerBinding a, BoundLayer b)
        {
            b.ContractWhere = a.Where;
            var type = a.Layer.Module;
            var typeArg = a.Arg("module");
            if (type is null || type.Problem is not null)
            {
                string name = type?.Display ?? (typeArg?.Value.Text is { } text ? Short(text) : typeArg?.Value.ToString() ?? "null");
                a.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAModule, typeArg?.Location ?? a.Layer.Location, a.Where, name,
                    type?.Problem ?? "it is not a class deriving from TorchSharp's nn.Module<Tensor, Tensor>"));
                a.Ok = false;
                return;
            }
            b.ModuleType = type;
            if (a.Spec.Params.Any(p => p.Name == Channels))
            {
                a.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression, a.Layer.Location, a.Where,
                    $"'{Channels}' names a [Module]'s own input channels, and '{a.Spec.DisplayName}' has a [Param] of that name; rename the parameter"));
                a.Ok = false;
                return;
            }
            b.Out = Contract(a, b, "Out", required: false);
            b.In = Contract(a, b, "In", required: false);
            b.Stride = Contract(a, b, "Stride", required: false) ?? Expr.Num(1);
            b.Kernel = Contract(a, b, "Kernel", required: false) ?? Expr.Num(1);
            b.ContractMacs = Contract(a, b, "Macs", required: false) ?? Expr.Num(0);
            b.ContractSampleMacs = Contract(a, b, "SampleMacs", required: false) ?? Expr.Num(0);
            b.ContractParams = Contract(a, b, "Params", required: true);
            b.CeilMode = a.Bool("CeilMode", false);
            b.ContractGlobal = a.Bool("Global", false);
            if (a.Ok) BindConstructor(a, b, type);
        }

        /// <summary>An integer of the contract: a number or an expression over the declaration's names and <see cref="Channels"/>.</summary>
        private static Expr? Contract(LayerBinding a, BoundLayer b, string name, bool required)
        {
            var arg = a.Arg(name);
            if (arg is null || arg.Value.Kind == ArgKind.Null)
            {
                if (required)
                    a.Fail(name, arg is null
                        ? "is required: the module's trainable parameter count, a number or an expression (\"2 * channels\"); the generated constructor checks it against the module"
                        : "must be an integer or an expression string, not null");
                return null;
            }
            var e = Binder.ToExpr(a.Spec, arg, a.Where, a.Diagnostics, extraName: Channels);
            if (e is null) a.Ok = false;
            else b.ArgExprs[name] = e;
            return e;
        }

        private static void BindConstructor(LayerBinding a, BoundLayer b, ModuleTypeSpec type)
        {
            var argsSpec = a.Arg("args");
            var items = argsSpec is null ? new List<ArgValue>()
                : argsSpec.Value.Kind == ArgKind.Array ? argsSpec.Value.Items.ToList() : new List<ArgValue> { argsSpec.Value };
            // Constructors the arguments can bind to by kind; the first that binds without a report wins, else the first of
            // them reports (an expression's own mistake is NDSL0015 on it, not "no constructor").
            var candidates = type.Constructors.Where(c => Fits(c, items)).ToList();
            if (candidates.Count == 0)
            {
                string given = string.Join(", ", items.Select(Describe));
                string known = type.Constructors.Count == 0
                    ? "it has no public constructor"
                    : "its constructors: " + string.Join("; ", type.Constructors.Select(c => c.Display));
                a.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModuleConstructor, argsSpec?.Location ?? a.Layer.Location, a.Where, type.Display, given, known));
                a.Ok = false;
                return;
            }
            foreach (var ctor in candidates)
            {
                var scratch = new List<DiagnosticInfo>();
                var bound = BindArgs(a, ctor, items, argsSpec, scratch);
                if (scratch.Count == 0 || ctor == candidates[candidates.Count - 1])
                {
                    a.Diagnostics.AddRange(scratch);
                    if (scratch.Count > 0) a.Ok = false;
                    else b.ModuleArgs.AddRange(bound);
                    return;
                }
            }
        }

        private static bool Fits(ConstructorSpec ctor, List<ArgValue> items)
        {
            if (items.Count > ctor.Parameters.Count) return false;
            for (int i = items.Count; i < ctor.Parameters.Count; i++)
            {
                if (!ctor.Parameters[i].Optional) return false;
            }
            for (int i = 0; i < items.Count; i++)
            {
                var kind = items[i].Kind;
                bool fits = ctor.Parameters[i].Type switch
                {
                    "int" or "long" => kind is ArgKind.Int or ArgKind.String,
                    "double" or "float" => kind is ArgKind.Int or ArgKind.Double or ArgKind.String,
                    "bool" => kind == ArgKind.Bool,
                    "string" => kind == ArgKind.String,
                    _ => false,
                };
                if (!fits) return false;
            }
            return true;
        }

        private static List<ModuleArg> BindArgs(LayerBinding a, ConstructorSpec ctor, List<ArgValue> items, ArgSpec? argsSpec, List<DiagnosticInfo> diagnostics)
        {
            var result = new List<ModuleArg>();
            for (int i = 0; i < items.Count; i++)
            {
                var type = ctor.Parameters[i].Type;
                var location = argsSpec?.LocationOfItem(i);
                switch (type)
                {
                    case "bool":
                        result.Add(new ModuleArg(type, null, items[i].Number != 0 ? "true" : "false", location));
                        break;
                    case "string":
                        result.Add(new ModuleArg(type, null, items[i].Text ?? "", location));
                        break;
                    default:
                        var e = Binder.ToExpr(a.Spec, new ArgSpec(ctor.Parameters[i].Name, items[i], location), a.Where, diagnostics,
                            allowReal: type is "double" or "float", extraName: Channels);
                        if (e is not null) result.Add(new ModuleArg(type, e, null, location));
                        break;
                }
            }
            return result;
        }

        private static string Describe(ArgValue value) => value.Kind switch
        {
            ArgKind.Int => "int " + value,
            ArgKind.Double => "double " + value,
            ArgKind.Bool => "bool " + value,
            ArgKind.String => "string " + value,
            _ => value.ToString(),
        };

        private static string Short(string name)
        {
            if (name.StartsWith("global::", System.StringComparison.Ordinal)) name = name.Substring(8);
            int dot = name.LastIndexOf('.');
            return dot >= 0 ? name.Substring(dot + 1) : name;
        }

        /// <summary><paramref name="e"/> with <see cref="Channels"/> replaced by <paramref name="channels"/>.</summary>
        private static Expr WithChannels(Expr e, Expr channels) =>
            e.Substitute(new Dictionary<string, Expr>(System.StringComparer.Ordinal) { [Channels] = channels });

        public override LayerValue? Infer(LayerInference c)
        {
            var (layer, v, row, where) = (c.Layer, c.Input, c.Row, c.Where);
            var shape = v.Shape;
            var type = layer.ModuleType!;
            if (!c.RequireMap(type.Display)) return null;
            var channels = Expr.Num(shape.Channels);
            if (layer.In is not null)
            {
                if (!c.TryEval("In", WithChannels(layer.In, channels), out var expected)) return null;
                if (expected != shape.Channels)
                {
                    c.Report(DiagnosticDescriptors.ModuleContractInput, c.LocationOf("In"), where, type.Display, expected, shape.Channels, c.Fmt(shape));
                    return null;
                }
            }
            long outChannels = shape.Channels;
            if (layer.Out is not null && !c.TryEval("Out", WithChannels(layer.Out, channels), out outChannels)) return null;
            if (!c.Check(outChannels >= 1, "Out", $"{type.Display}'s contract must give at least one output channel, got {outChannels}")) return null;
            if (!c.TryEval("Stride", WithChannels(layer.Stride!, channels), out var stride)) return null;
            if (!c.Check(stride >= 1, "Stride", $"{type.Display}'s contract stride must be at least 1, got {stride}")) return null;
            if (!c.TryEval("Kernel", WithChannels(layer.Kernel!, channels), out var kernel)) return null;
            if (!c.Check(kernel >= 1, "Kernel", $"{type.Display}'s contract kernel must be at least 1, got {kernel}")) return null;
            if (!c.TryEval("Params", WithChannels(layer.ContractParams!, channels), out var parameters)) return null;
            if (!c.Check(parameters >= 0, "Params", $"{type.Display}'s contract must give a parameter count of at least 0, got {parameters}")) return null;
            if (!c.TryEval("Macs", WithChannels(layer.ContractMacs!, channels), out var macs)) return null;
            if (!c.Check(macs >= 0, "Macs", $"{type.Display}'s contract must give at least 0 multiply-adds per position, got {macs}")) return null;
            if (!c.TryEval("SampleMacs", WithChannels(layer.ContractSampleMacs!, channels), out var sampleMacs)) return null;
            if (!c.Check(sampleMacs >= 0, "SampleMacs", $"{type.Display}'s contract must give at least 0 multiply-adds per sample, got {sampleMacs}")) return null;
            var shown = new List<string>();
            foreach (var arg in layer.ModuleArgs)
            {
                if (arg.Value is null) shown.Add(arg.Type == "string" ? "\"" + arg.Text + "\"" : arg.Text!);
                else if (arg.Type is "double" or "float")
                {
                    if (!c.TryEvalReal(arg.Type, WithChannels(arg.Value, channels), out var real)) return null;
                    shown.Add(real.ToString("R", CultureInfo.InvariantCulture));
                }
                else
                {
                    if (!c.TryEval(arg.Type, WithChannels(arg.Value, channels), out var number)) return null;
                    shown.Add(number.ToString(CultureInfo.InvariantCulture));
                }
            }

            // The size rule: floor(x / s) is a window of s with stride s, ceil(x / s) a window of 1 with stride s.
            Dim? height = shape.Height, width = shape.Width;
            if (stride != 1)
            {
                long window = layer.CeilMode ? 1 : stride;
                string name = $"{type.Display} contract's stride-{stride}";
                height = c.WindowDim(shape.Height, window, stride, 0, 1, false, true, name);
                if (height is null) return null;
                width = c.WindowDim(shape.Width, window, stride, 0, 1, false, false, name);
                if (width is null) return null;
            }
            var output = new TensorShape(outChannels, height.Value, width.Value);
            bool declared = macs != 0 || sampleMacs != 0;
            row.Kind = type.Display + "(" + string.Join(", ", shown) + ")" + (declared ? ", hand-written" : ", hand-written (multiply-adds not declared)");
            row.Params = parameters;
            long? perPosition = macs == 0 ? 0 : c.MacsOver(macs, height.Value, width.Value);
            long? perSample = sampleMacs == 0 ? 0 : c.MacsOver(sampleMacs, Dim.Known(1), Dim.Known(1));
            row.Macs = perPosition is null || perSample is null ? null : perPosition + perSample;
            var result = c.Windowed(output, kernel, stride);
            if (layer.ContractGlobal) result.Global = true;
            return result;
        }

        public override void Flow(BoundLayer layer, ref ChannelState state)
        {
            var channels = state.Channels;
            if (layer.Out is not null) state.Channels = WithChannels(layer.Out, channels);
            if (!LayerEmission.IsOne(layer.Stride)) state.Strided(WithChannels(layer.Stride!, channels));
        }

        public override string ModuleType(BoundLayer layer, LayerEmission e) => layer.ModuleType!.Name;

        public override string Construct(BoundLayer l, LayerEmission e)
        {
            var channels = e.InChannelsExpr(l) ?? Expr.Var(Channels);
            string CSharp(Expr x) => WithChannels(x, channels).ToCSharp();
            var args = l.ModuleArgs.Select(a => a.Value is null ? (a.Type == "string" ? LayerEmission.Literal(a.Text!) : a.Text!)
                : a.Type == "float" ? "(float)(" + CSharp(a.Value) + ")" : CSharp(a.Value));
            string module = "new " + l.ModuleType!.Name + "(" + string.Join(", ", args) + ")";
            return "global::NetDsl.ModuleContract.Declare(" + module + ", " + LayerEmission.Literal(l.ContractWhere ?? "") +
                ", inChannels: " + channels.ToCSharp() +
                ", outChannels: " + (l.Out is null ? channels.ToCSharp() : CSharp(l.Out)) +
                ", stride: " + CSharp(l.Stride!) +
                ", ceilMode: " + (l.CeilMode ? "true" : "false") +
                ", parameters: " + CSharp(l.ContractParams!) + ")";
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// Writes the TorchSharp module for a network or a block: submodule fields in declaration order named
    /// like PyTorch (so state_dict keys match), a constructor that builds them, a forward that calls them
    /// with <c>.call</c> inside a dispose scope, and a Dispose override. Networks also get an input guard and
    /// the compile-time summary.
    /// </summary>
    public sealed partial class ModuleEmitter
    {
        public const string ToolName = "NetDsl";
        public const string ToolVersion = "0.1.0";

        private readonly SourceWriter _w = new SourceWriter();
        private readonly BoundDeclaration _declaration;
        private readonly InferenceResult? _inference;
        private readonly IReadOnlyDictionary<string, BoundDeclaration> _bound;
        private readonly ChannelFlow _flow;
        private readonly Dictionary<BoundStage, string> _fieldTypes = new Dictionary<BoundStage, string>();
        private readonly HashSet<string> _referenced = new HashSet<string>(StringComparer.Ordinal);
        private readonly LayerEmission _emission;

        // ---- names (see NameScope): the user's names are reserved, the generated private ones claimed around them
        private readonly Dictionary<BoundStage, string> _fieldNames = new Dictionary<BoundStage, string>();
        private readonly Dictionary<string, string> _outLocals = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _outputLocals = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly string _checkInput = "CheckInput";
        /// <summary>The forward pass's method name when a member of the user's takes "forward" (else null: forward itself).</summary>
        private readonly string? _renamedForward;

        /// <summary>The parameters the declaration fixes (Type parameters, those a Repeat count depends on): fields with
        /// their declared values, not constructor parameters. See <see cref="Binder.StructuralParameters"/>.</summary>
        private readonly HashSet<string> _fixed;

        /// <summary>The parameters the constructor takes.</summary>
        private IEnumerable<ParamSpec> CtorParams => _declaration.Spec.Params.Where(p => !_fixed.Contains(p.Name));

        private ModuleEmitter(BoundDeclaration declaration, InferenceResult? inference, IReadOnlyDictionary<string, BoundDeclaration> bound)
        {
            _declaration = declaration;
            _fixed = Binder.StructuralParameters(declaration);
            _inference = inference;
            _bound = bound;
            _flow = new ChannelFlow(bound);
            _emission = new LayerEmission(
                l => _flow.LayerInput.TryGetValue(l, out var channels) ? channels : null,
                // A network with [Param]s is built for any values: where a layer's input depends on them, the symbolic flow.
                l => _inference is not null && _inference.Facts.TryGetValue(l, out var facts) && !DependsOnParameters(l) ? facts : null,
                IsFlatInput,
                l => _flow.LayerAlpha.TryGetValue(l, out var alpha) ? alpha : null,
                l => _flow.ChannelsLastInput.Contains(l));
            var spec = declaration.Spec;
            var input = spec.Kind == DeclarationKind.Network ? Expr.Num(spec.InChannels) : Expr.Var(Expr.InChannels);
            if (inference is not null)
                foreach (var tap in inference.Taps) _flow.TapChannels[tap.Path] = Expr.Num(tap.Shape.Channels);
            _flow.Walk(declaration, input);
            foreach (var stage in declaration.Stages)
            {
                foreach (var layer in stage.Layers)
                {
                    foreach (var name in layer.From)
                        if (name != BoundLayer.InputName) _referenced.Add(name);
                }
            }

            // Class scope: the user's members, TorchSharp's, and the generated public ones, then the private fields
            // ("_conv1"; "__c" for a stage c when the user has a member _c) and helpers.
            var members = new NameScope(spec.ReservedNames);
            foreach (var name in new[] { "forward", "Stages", "Summary", "InChannels", "Outputs", "forward_all", "Dispose", "RegisterComponents", "ToString" })
                members.Reserve(name);
            foreach (var stage in declaration.Stages) members.Reserve(stage.Name);
            foreach (var stage in declaration.Stages) _fieldNames[stage] = members.Claim("_" + stage.Name);
            if (IsNetwork) _checkInput = members.Claim("CheckInput");
            if (spec.ForwardTaken) _renamedForward = members.Claim("Forward");
            // Locals of the forward passes: they may shadow a user member (forward never reads one), not a field it calls.
            var locals = new NameScope(_fieldNames.Values);
            foreach (var name in new[] { _checkInput, "Outputs", "input", "scope", "x", "o", "taps", "outputs" }) locals.Reserve(name);
            foreach (var stage in declaration.Stages)
            {
                if (_referenced.Contains(stage.Name)) _outLocals[stage.Name] = locals.Claim(stage.Name.TrimStart('@') + "_out");
            }
            foreach (var stage in declaration.Stages)
            {
                if (stage.Output?.OutputName is { } output) _outputLocals[stage.Name] = locals.Claim("output_" + output);
            }
        }

        /// <summary>A user name written as an identifier (@ for a keyword).</summary>
        private static string Id(string name) => NameScope.Escape(name);

        /// <summary>The class name as written in C# (constructor, nameof).</summary>
        private string ClassId => Id(_declaration.Spec.ClassName);

        /// <summary>The module's name passed to TorchSharp's constructor: nameof(Net), or the literal when a member of the user's is named nameof.</summary>
        private string ModuleNameArgument =>
            _declaration.Spec.ReservedNames.Contains("nameof") ? Literal(_declaration.Spec.ClassName) : $"nameof({ClassId})";

        private bool IsNetwork => _declaration.Spec.Kind == DeclarationKind.Network;

        /// <summary>Hint name: see <see cref="HintNames.Of"/>.</summary>
        public static string HintName(DeclarationSpec spec) => HintNames.Of(spec);

        /// <summary>Emits a network, given a successful inference.</summary>
        public static string EmitNetwork(InferenceResult inference, BoundDeclaration network) =>
            new ModuleEmitter(network, inference, inference.Bound).Emit();

        /// <summary>Emits a block class.</summary>
        public static string EmitBlock(BoundDeclaration block, IReadOnlyDictionary<string, BoundDeclaration> bound) =>
            new ModuleEmitter(block, null, bound).Emit();

        private string Emit()
        {
            var spec = _declaration.Spec;
            _w.WriteLine("// <auto-generated/>");
            _w.WriteLine($"// Generated by {ToolName} from the attributes on {spec.DisplayName}. Do not edit: change the attributes instead.");
            _w.WriteLine("#nullable enable");
            _w.WriteLine();
            _w.WriteLine("using static global::TorchSharp.torch;");
            _w.WriteLine("using Modules = global::TorchSharp.Modules;");
            _w.WriteLine("using static global::NetDsl.Lifetimes; // Releasing: each intermediate is disposed after its last use");
            if (UsesOctave) _w.WriteLine("using global::NetDsl.Octave;");
            _w.WriteLine();
            if (spec.Namespace.Length > 0)
            {
                _w.WriteLine("namespace " + NameScope.EscapeDotted(spec.Namespace));
                _w.OpenBrace();
            }
            foreach (var parent in spec.ContainingTypes)
            {
                int space = parent.LastIndexOf(' ');
                _w.WriteLine("partial " + parent.Substring(0, space + 1) + Id(parent.Substring(space + 1)));
                _w.OpenBrace();
            }

            WriteClass();

            foreach (var _ in spec.ContainingTypes) _w.CloseBrace();
            if (spec.Namespace.Length > 0) _w.CloseBrace();
            // Short names (nn, Tensor, cat, ...) that a name of the user's shadows are written qualified.
            return Qualifier.Rewrite(_w.ToString(), spec.ShadowedNames);
        }

        private void WriteClass()
        {
            var spec = _declaration.Spec;
            string summary = IsNetwork
                ? $"Network {spec.ClassName}: {Shape(_inference!.Input)} -> {Shape(_inference.Output)}, {Count(_inference.TotalParams)} parameters." +
                  (spec.VariantOf is null ? "" : $" A variant of {spec.VariantOf}.")
                : $"Block {spec.ClassName}({string.Join(", ", new[] { "in_channels" }.Concat(spec.Params.Select(p => p.Name)))}).";
            _w.WriteLine("/// <summary>" + summary + "</summary>");
            _w.WriteLine($"[global::System.CodeDom.Compiler.GeneratedCode(\"{ToolName}\", \"{ToolVersion}\")]");
            string value = OctaveModule ? "OctaveTensor" : "Tensor";
            // A stage named forward takes the name: the override is then in RenamedForwardModule, calling the generated Forward.
            string baseType = _renamedForward is null ? $"nn.Module<{value}, {value}>" : $"global::NetDsl.RenamedForwardModule<{value}>";
            // An octave block has no taps overload (its running value is a pair); a tap into one is reported (NDSL0046).
            _w.WriteLine($"partial class {ClassId} : {baseType}, global::NetDsl.IStagedModule{(IsNetwork || OctaveModule ? "" : ", global::NetDsl.ITappable")}, {OnnxInterface}");
            _w.OpenBrace();
            WriteFields();
            WriteConstructor();
            _w.WriteLine();
            WriteForward();
            _w.WriteLine();
            // An octave block has no taps overload: its running value is a pair, and taps into it are reported (NDSL0046).
            if (!IsNetwork && !OctaveModule) WriteTapForward();
            else if (HasOutputs) WriteOutputs();
            if ((!IsNetwork && !OctaveModule) || HasOutputs) _w.WriteLine();
            WriteOnnxExport();
            _w.WriteLine();
            WriteDispose();
            WriteParameterMove();
            _w.WriteLine();
            WriteStagesAndToString();
            if (IsNetwork)
            {
                _w.WriteLine();
                WriteGuard();
                _w.WriteLine();
                SummaryEmitter.Write(_w, spec, _inference!);
            }
            _w.CloseBrace();
        }

        // ---------------------------------------------------------------- fields

        private string ComponentName(BoundStage stage, int index) =>
            _declaration.Spec.SequentialBlock ? index.ToString(CultureInfo.InvariantCulture) : stage.Name;

        /// <summary>The private field holding a stage's module: "_conv1", or a variant free of the user's names.</summary>
        private string FieldName(BoundStage stage) => _fieldNames[stage];

        private string? FieldType(BoundStage stage)
        {
            switch (stage.Form)
            {
                case StageForm.Sequence:
                    var only = stage.Layers[0];
                    if (IsOctaveStage(stage)) return stage.Layers.Count == 1 ? only.Rule!.OctaveModuleType(only) : "OctaveSequential";
                    return stage.Layers.Count == 1 ? only.Rule!.ModuleType(only, _emission) : "Modules.Sequential";
                case StageForm.Use:
                    return !stage.Layers[0].IsRepeatContainer ? BlockType(stage.Layers[0]) : IsOctaveStage(stage) ? "OctaveSequential" : "Modules.Sequential";
                case StageForm.Shortcut:
                    return ShortcutPresence(stage.Layers[0]) == Presence.Never ? null : IsOctaveStage(stage) ? "OctaveSequential" : "Modules.Sequential";
                case StageForm.Parallel:
                    return "Modules.ModuleList<nn.Module<Tensor, Tensor>>";
                default:
                    return null;
            }
        }

        private string BlockType(BoundLayer layer) => layer.BlockName!;

        private bool IsFlatInput(BoundLayer layer)
        {
            if (_inference is not null && _inference.Facts.TryGetValue(layer, out var facts)) return facts.Input.Rank == Rank.Flat;
            // In a block: flat when a Flatten or Linear comes earlier in the declaration.
            foreach (var stage in _declaration.Stages)
            {
                foreach (var l in stage.Layers)
                {
                    if (ReferenceEquals(l, layer)) return false;
                    if (l.Rule is { Flattens: true } && !_flow.ChannelsLastInput.Contains(l)) return true; // Linear on a channels-last map keeps it a map
                }
            }
            return false;
        }

        private void WriteFields()
        {
            WriteInheritedFields();
            for (int i = 0; i < _declaration.Stages.Count; i++)
            {
                var stage = _declaration.Stages[i];
                var type = FieldType(stage);
                if (type is null) continue;
                _fieldTypes[stage] = type;
                bool optional = IsOptional(stage);
                _w.WriteLine($"// {stage.Name}: {StageComment(stage)}" + (stage.Condition is null ? "" : $" (only when {Condition(stage, constructor: true)})"));
                // A parameter stage's field is replaced when the module moves (see _toEpilog below).
                _w.WriteLine($"private {(ParameterLayer(stage) is null ? "readonly " : "")}{type}{(optional ? "?" : "")} {FieldName(stage)};");
                _w.WriteLine();
            }
        }

        private string StageComment(BoundStage stage)
        {
            if (IsNetwork && _inference!.StageOutputs.TryGetValue(stage.Name, out var output))
                return Shape(_inference.StageInputs[stage.Name]) + " -> " + Shape(output);
            var first = stage.Layers[0];
            var last = stage.Form == StageForm.Parallel ? stage.JoinLayer! : stage.Layers[stage.Layers.Count - 1];
            string inC = _flow.LayerInput.TryGetValue(first, out var a) ? a.ToCSharp() : "?";
            string outC = _flow.LayerOutput.TryGetValue(last, out var b) ? b.ToCSharp() : "?";
            return $"[N, {inC}, *, *] -> [N, {outC}, *, *]";
        }

        // ---------------------------------------------------------------- constructor

        private void WriteConstructor()
        {
            var spec = _declaration.Spec;
            if (IsNetwork)
            {
                _w.WriteLine($"/// <summary>Builds {spec.ClassName} with freshly initialised weights (PyTorch's default initialisation).</summary>");
                var parameters = CtorParams.Select(p => p.TypeName + " " + Id(p.Name) + " = " + p.DefaultExpr!.ToCSharp());
                _w.WriteLine($"public {ClassId}({string.Join(", ", parameters)}) : base({ModuleNameArgument})");
            }
            else
            {
                var parameters = new List<string> { "int in_channels" };
                for (int i = 0; i < spec.Params.Count; i++)
                {
                    var p = spec.Params[i];
                    parameters.Add(p.TypeName + " " + Id(p.Name) + (CtorDefault(spec.Params, i) is { } d ? " = " + d.ToCSharp() : ""));
                }
                _w.WriteLine($"/// <summary>Builds {spec.ClassName} for an input of <paramref name=\"in_channels\"/> channels.</summary>");
                _w.WriteLine($"public {ClassId}({string.Join(", ", parameters)}) : base({ModuleNameArgument})");
            }
            _w.OpenBrace();
            if (!IsNetwork) _w.WriteLine("InChannels = in_channels;");
            foreach (var p in CtorParams) _w.WriteLine($"this.{Id(p.Name)} = {Id(p.Name)};");
            if (IsNetwork) WriteParameterChecks();
            foreach (var (local, condition, present, absent) in _flow.ConditionalChannels)
                _w.WriteLine($"var {Id(local)} = {condition.ToCSharp(ConstructorName)} ? {present.ToCSharp()} : {absent.ToCSharp()};");
            for (int i = 0; i < _declaration.Stages.Count; i++)
            {
                var stage = _declaration.Stages[i];
                if (!_fieldTypes.ContainsKey(stage)) continue;
                if (stage.Condition is null)
                {
                    WriteStageConstruction(stage);
                    continue;
                }
                _w.WriteLine($"if ({Condition(stage, constructor: true)})");
                _w.OpenBrace();
                WriteStageConstruction(stage);
                _w.CloseBrace();
            }
            // A stage named like a constructor parameter (in_channels) is reached through this.
            var ctorParameters = new HashSet<string>(IsNetwork ? Enumerable.Empty<string>() : spec.Params.Select(p => p.Name).Append("in_channels"), StringComparer.Ordinal);
            foreach (var stage in _declaration.Stages)
            {
                string module = _fieldTypes.ContainsKey(stage) && ParameterLayer(stage) is null ? FieldName(stage) : "null";
                string target = (ctorParameters.Contains(stage.Name) ? "this." : "") + Id(stage.Name);
                _w.WriteLine($"{target} = new global::NetDsl.Stage({Literal(stage.Name)}, {Literal(StageKind(stage))}, {StageShapeExpression(stage)}, {module});");
            }
            _w.WriteLine("// Registered under PyTorch's names, in declaration order: these are the state_dict keys.");
            // In a Sequential block with conditional stages an absent stage takes no index: the names are counted.
            bool counted = CountedIndices;
            // The running index, named around the constructor's parameters and locals (a [Param] may be called index).
            string index = "index";
            while (spec.Params.Any(p => p.Name == index) || _flow.ConditionalChannels.Any(c => c.Local == index)) index = "_" + index;
            if (counted) _w.WriteLine($"var {index} = 0;");
            for (int i = 0; i < _declaration.Stages.Count; i++)
            {
                var stage = _declaration.Stages[i];
                if (!_fieldTypes.ContainsKey(stage))
                {
                    // A stage without a module still takes its index when present (as the inference names the paths).
                    if (counted) _w.WriteLine(stage.Condition is null ? $"{index}++;" : $"if ({Condition(stage, constructor: true)}) {index}++;");
                    continue;
                }
                bool optional = IsOptional(stage);
                if (NamedBranches(stage))
                {
                    // Named branches are the module's own children (GoogLeNet's branch1 .. branch4), not the list's.
                    for (int b = 0; b < stage.Branches.Count; b++)
                        _w.WriteLine($"register_module({Literal(stage.Branches[b].BranchName!)}, {FieldName(stage)}[{b}]);");
                    continue;
                }
                string registered = counted ? $"({index}++).ToString(global::System.Globalization.CultureInfo.InvariantCulture)" : Literal(ComponentName(stage, i));
                if (IsInline(stage))
                {
                    // Inline copies are this block's own children, numbered on (MobileNetV2's features.2, features.3, ...).
                    _w.WriteLine((optional ? $"if ({FieldName(stage)} is not null) " : "") +
                        $"foreach (var (_, copy) in {FieldName(stage)}.named_children()) register_module({registered}, copy);");
                    continue;
                }
                string register = ParameterLayer(stage) is null
                    ? $"register_module({registered}, {FieldName(stage)});"
                    : $"register_parameter({registered}, {FieldName(stage)});";
                _w.WriteLine(optional ? $"if ({FieldName(stage)} is not null) {register}" : register);
            }
            if (_renamedForward is not null)
                _w.WriteLine($"base.SetForward({_renamedForward}); // forward is the name of a stage here: RenamedForwardModule's forward calls {_renamedForward}");
            _w.CloseBrace();
            _w.WriteLine();
            _w.WriteLine("/// <summary>");
            _w.WriteLine("/// Nothing to do: the constructor registers the modules under PyTorch's names. Not TorchSharp's registration by");
            _w.WriteLine("/// field: the Stage fields of this class carry those names, and to(device / dtype) looks fields up by name.");
            _w.WriteLine("/// </summary>");
            _w.WriteLine("protected override void RegisterComponents()");
            _w.OpenBrace();
            _w.CloseBrace();
        }

        private string StageShapeExpression(BoundStage stage)
        {
            if (IsNetwork && _inference!.StageOutputs.TryGetValue(stage.Name, out var output)) return Literal(Shape(output));
            var last = stage.Form == StageForm.Parallel ? stage.JoinLayer! : stage.Layers[stage.Layers.Count - 1];
            // An interpolation hole ends its expression at a top-level ':' (global::, ?:): parenthesised then.
            if (_flow.LayerOutput.TryGetValue(last, out var c)) return "$\"[N, {" + (c.ToCSharp() is var t && t.IndexOf(':') >= 0 ? "(" + t + ")" : t) + "}, H', W']\"";
            return Literal("");
        }

        private string StageKind(BoundStage stage)
        {
            switch (stage.Form)
            {
                case StageForm.Sequence: return string.Join(" · ", stage.Layers.Select(l => l.Name));
                case StageForm.Use:
                    var use = stage.Layers[0];
                    return (use.RepeatCount is { } count ? count + " × " : use.Repeat > 1 ? use.Repeat.ToString(CultureInfo.InvariantCulture) + " × " : "") + Display(use.BlockName!);
                case StageForm.Shortcut: return "Shortcut";
                case StageForm.Add: return "Add(" + string.Join(", ", stage.Layers[0].From) + ")";
                case StageForm.Concat: return "Concat(" + string.Join(", ", stage.Layers[0].From) + ")";
                case StageForm.Mul: return "Mul(" + string.Join(", ", stage.Layers[0].From) + ")";
                case StageForm.Parallel: return (stage.JoinLayer!.JoinMode == 0 ? "Concat" : "Sum") + " of " + string.Join(", ", stage.Branches.Select(b => Display(b.BlockName!)));
                default: return stage.Form.ToString();
            }
        }

        private static string Display(string name)
        {
            var s = name.StartsWith("global::", StringComparison.Ordinal) ? name.Substring(8) : name;
            int dot = s.LastIndexOf('.');
            return (dot >= 0 ? s.Substring(dot + 1) : s).TrimStart('@');
        }

        private void WriteStageConstruction(BoundStage stage)
        {
            string field = FieldName(stage);
            switch (stage.Form)
            {
                case StageForm.Sequence:
                {
                    bool octave = IsOctaveStage(stage);
                    System.Func<BoundLayer, string> factory = l => octave ? l.Rule!.ConstructOctave(l, _emission) : l.Rule!.Construct(l, _emission);
                    if (stage.Layers.Count == 1)
                    {
                        _w.WriteLine($"{field} = {factory(stage.Layers[0])};");
                    }
                    else
                    {
                        _w.WriteLine($"{field} = {(octave ? "new OctaveSequential" : "nn.Sequential")}(");
                        _w.Indentation++;
                        for (int i = 0; i < stage.Layers.Count; i++)
                            _w.WriteLine($"(\"{i}\", {factory(stage.Layers[i])}){(i + 1 < stage.Layers.Count ? "," : ");")}");
                        _w.Indentation--;
                    }
                    break;
                }
                case StageForm.Use:
                {
                    var use = stage.Layers[0];
                    var copies = _flow.CopyInputs[use];
                    if (use.DilationNote is not null) _w.WriteLine(DilationComment(use));
                    if (use.RepeatCount is not null)
                    {
                        WriteRepeatLoop(use, field);
                    }
                    else if (!use.IsRepeatContainer)
                    {
                        _w.WriteLine($"{field} = {BlockFactory(use, copies[0], true)};");
                    }
                    else
                    {
                        _w.WriteLine($"{field} = {(IsOctaveStage(stage) ? "new OctaveSequential" : "nn.Sequential")}(");
                        _w.Indentation++;
                        for (int i = 0; i < use.Repeat; i++)
                            _w.WriteLine($"(\"{use.CopyName(i)}\", {BlockFactory(use, copies[i], i == 0, i)}){(i + 1 < use.Repeat ? "," : ");")}");
                        _w.Indentation--;
                    }
                    break;
                }
                case StageForm.Shortcut:
                {
                    var layer = stage.Layers[0];
                    var inC = _flow.LayerInput[layer];
                    var outC = _flow.LayerOutput[layer];
                    var presence = ShortcutPresence(layer);
                    Expr stride = ProjectionStride(layer);
                    string build = IsOctaveStage(stage) ? OctaveProjection(layer, inC, outC, stride) : "nn.Sequential(\n" +
                        $"    (\"0\", nn.Conv2d({inC}, {outC}, kernel_size: 1{(stride.Equals(Expr.Num(1)) ? "" : ", stride: " + stride)}, bias: false)),\n" +
                        $"    (\"1\", nn.BatchNorm2d({outC})))";
                    if (presence == Presence.Always)
                    {
                        _w.WriteLine($"{field} = {build};");
                    }
                    else
                    {
                        _w.WriteLine(IsOctaveStage(stage)
                            ? "// Project the shortcut when the main path changes the stride, the channels or the alpha (d-li14's rule, and the split)."
                            : "// Project the shortcut when the main path changes the stride or the channels (torchvision's rule).");
                        _w.WriteLine($"if ({ProjectionCondition(layer)})");
                        _w.OpenBrace();
                        _w.WriteLine($"{field} = {build};");
                        _w.CloseBrace();
                    }
                    break;
                }
                case StageForm.Parallel:
                {
                    var branches = stage.Branches;
                    _w.WriteLine($"{field} = new Modules.ModuleList<nn.Module<Tensor, Tensor>>(");
                    _w.Indentation++;
                    for (int i = 0; i < branches.Count; i++)
                        _w.WriteLine(BlockFactory(branches[i], _flow.LayerInput[branches[i]], true) + (i + 1 < branches.Count ? "," : ");"));
                    _w.Indentation--;
                    break;
                }
            }
        }

        private enum Presence
        {
            Never,
            Sometimes,
            Always,
        }

        private Expr ProjectionStride(BoundLayer shortcut)
        {
            if (IsNetwork && _inference!.Facts.TryGetValue(shortcut, out var facts)) return Expr.Num(facts.ProjectionStride);
            return _flow.ShortcutStride.TryGetValue(shortcut, out var s) && s is not null ? s : Expr.Num(1);
        }

        private string ProjectionCondition(BoundLayer shortcut)
        {
            var stride = ProjectionStride(shortcut);
            var inC = _flow.LayerInput[shortcut];
            var outC = _flow.LayerOutput[shortcut];
            var parts = new List<string>();
            if (!stride.Equals(Expr.Num(1))) parts.Add(stride.ToCSharp(1) + " != 1");
            if (!inC.Equals(outC)) parts.Add(inC.ToCSharp(1) + " != " + outC.ToCSharp(1));
            if (ShortcutAlphas(shortcut) is { } alphas && !alphas.In.Equals(alphas.Out)) parts.Add(alphas.In.ToCSharp(1) + " != " + alphas.Out.ToCSharp(1));
            return parts.Count == 0 ? "false" : string.Join(" || ", parts);
        }

        private Presence ShortcutPresence(BoundLayer shortcut)
        {
            if (shortcut.Projection == 1) return Presence.Always;
            if (shortcut.Projection == 2) return Presence.Never;
            if (IsNetwork && _inference!.Facts.TryGetValue(shortcut, out var facts)) return facts.Projected ? Presence.Always : Presence.Never;
            var stride = _flow.ShortcutStride.TryGetValue(shortcut, out var s) ? s : null;
            var inC = _flow.LayerInput[shortcut];
            var outC = _flow.LayerOutput[shortcut];
            bool strideOne = stride is not null && stride.Equals(Expr.Num(1));
            var alphas = ShortcutAlphas(shortcut);
            bool sameAlpha = alphas is null || alphas.Value.In.Equals(alphas.Value.Out);
            if (strideOne && inC.Equals(outC) && sameAlpha) return Presence.Never;
            if (stride is not null && stride.IsConstant && !strideOne) return Presence.Always;
            if (inC.IsConstant && outC.IsConstant && !inC.Equals(outC)) return Presence.Always;
            if (!sameAlpha && IsLiteral(alphas!.Value.In) && IsLiteral(alphas.Value.Out)) return Presence.Always;
            return Presence.Sometimes;
        }

        /// <summary>A parameter's default in the block's constructor: only where every later parameter has one too (C# puts
        /// optional parameters last); the uses pass the others explicitly.</summary>
        private static Expr? CtorDefault(IReadOnlyList<ParamSpec> parameters, int index)
        {
            for (int i = index; i < parameters.Count; i++)
                if (parameters[i].DefaultExpr is null) return null;
            return parameters[index].DefaultExpr;
        }

        private string BlockFactory(BoundLayer use, Expr inChannels, bool firstCopy, int copyIndex = 0)
        {
            var index = new Dictionary<string, Expr>(StringComparer.Ordinal) { [Expr.CopyIndex] = Expr.Num(copyIndex) };
            var args = new List<string> { "in_channels: " + inChannels.ToCSharp() };
            if (_bound.TryGetValue(use.BlockName!, out var block))
            {
                var parameters = block.Spec.Params;
                for (int i = 0; i < parameters.Count; i++)
                {
                    var p = parameters[i];
                    if (!firstCopy && p.FirstRepeatOnly)
                    {
                        // The later copies take the default: left out where the constructor has it, else written.
                        if (CtorDefault(parameters, i) is null && p.DefaultExpr is { } value) args.Add(Id(p.Name) + ": " + value.ToCSharp());
                        continue;
                    }
                    var given = use.ArgsOfCopy(firstCopy ? 0 : 1);
                    if (i >= given.Count) continue;
                    // The copy's index is a number per copy; an argument without names left is written as its value.
                    args.Add(Id(p.Name) + ": " + ArgumentText(p, given[i].Value.Substitute(index)));
                }
            }
            return $"new {use.BlockName}({string.Join(", ", args)})";
        }

        /// <summary>A block argument as C#: a double parameter's argument without names left is written as its value.</summary>
        private static string ArgumentText(ParamSpec p, Expr arg, int precedence = 0) =>
            p.Real && IsLiteral(arg) && !arg.IsConstant
                ? LayerEmission.Double(arg.EvaluateReal(new Dictionary<string, double>(), out _)!.Value)
                : arg.ToCSharp(precedence);

        /// <summary>
        /// <c>Repeat = "num_layers"</c> in a block: the copies are built by a loop, as torchvision's
        /// <c>for i in range(num_layers): layers.append(...)</c>; copy i's input channels follow ChannelFlow's rule.
        /// </summary>
        private void WriteRepeatLoop(BoundLayer use, string field)
        {
            var (first, second, step, _) = _flow.RepeatLoops[use];
            var spec = _declaration.Spec;
            string copy = "copy";
            while (spec.Params.Any(p => p.Name == copy) || _flow.ConditionalChannels.Any(c => c.Local == copy) || copy == Expr.InChannels)
                copy = "_" + copy;
            var index = Expr.Var(copy);
            var loopIndex = new Dictionary<string, Expr>(StringComparer.Ordinal);
            if (!spec.Params.Any(p => p.Name == Expr.CopyIndex)) loopIndex[Expr.CopyIndex] = index;
            string count = use.RepeatCount!.Substitute(loopIndex).ToCSharp();
            string inChannels = first.Equals(second) && step.Equals(Expr.Num(0)) ? first.ToCSharp()
                : Expr.Binary('-', second, first).Equals(step) ? Expr.Add(first, Expr.Mul(index, step)).ToCSharp()
                : step.Equals(Expr.Num(0)) ? $"{copy} == 0 ? {first.ToCSharp(1)} : {second.ToCSharp(1)}"
                : $"{copy} == 0 ? {first.ToCSharp(1)} : {Expr.Add(second, Expr.Mul(Expr.Binary('-', index, Expr.Num(1)), step)).ToCSharp(1)}";
            var args = new List<string> { "in_channels: " + inChannels };
            if (_bound.TryGetValue(use.BlockName!, out var block))
            {
                var parameters = block.Spec.Params;
                var given0 = use.ArgsOfCopy(0);
                var givenLater = use.ArgsOfCopy(1);
                for (int i = 0; i < parameters.Count; i++)
                {
                    var p = parameters[i];
                    string? ofFirst = i < given0.Count ? ArgumentText(p, given0[i].Value.Substitute(loopIndex), 1) : null;
                    string? ofLater = p.FirstRepeatOnly ? p.DefaultExpr?.ToCSharp(1)
                        : i < givenLater.Count ? ArgumentText(p, givenLater[i].Value.Substitute(loopIndex), 1) : null;
                    // Neither copy gives it, or only the later copies' default where the constructor has it: left out.
                    if (ofFirst is null && (ofLater is null || p.FirstRepeatOnly && CtorDefault(parameters, i) is not null)) continue;
                    ofFirst ??= p.DefaultExpr?.ToCSharp(1);
                    ofLater ??= p.DefaultExpr?.ToCSharp(1);
                    args.Add(Id(p.Name) + ": " + (ofFirst == ofLater ? ofFirst : $"{copy} == 0 ? {ofFirst} : {ofLater}"));
                }
            }
            string name = use.CopyNames is null
                ? $"{copy}.ToString(global::System.Globalization.CultureInfo.InvariantCulture)"
                : $"string.Format(global::System.Globalization.CultureInfo.InvariantCulture, {Literal(use.CopyNames)}, {copy}, {copy} + 1)";
            _w.WriteLine($"if ({use.RepeatCount!.ToCSharp(1)} < 1)");
            _w.WriteLine($"    throw new global::System.ArgumentException($\"{spec.ClassName}: stage '{_declaration.Stages.First(st => st.Layers.Contains(use)).Name}' needs Repeat = {use.RepeatCount.ToCSharp().Replace("{", "{{").Replace("}", "}}")} to be at least 1, got {{{count}}}\");");
            _w.WriteLine($"{field} = nn.Sequential();");
            _w.WriteLine($"for (int {copy} = 0; {copy} < {count}; {copy}++)");
            _w.WriteLine($"    {field}.append({name}, new {use.BlockName}({string.Join(", ", args)}));");
        }

        /// <summary>An expression without names (a number).</summary>
        private static bool IsLiteral(Expr e) => e.EvaluateReal(new Dictionary<string, double>(), out _) is not null;

        // ---------------------------------------------------------------- forward

        private void WriteForward()
        {
            string value = OctaveModule ? "OctaveTensor" : "Tensor";
            _w.WriteLine($"/// <summary>{ForwardSummary()}</summary>");
            _w.WriteLine(_renamedForward is null ? $"public override {value} forward({value} input)" : $"private {value} {_renamedForward}({value} input)");
            _w.OpenBrace();
            _w.WriteLine("using var scope = NewDisposeScope(); // the safety net: each intermediate is released after its last use");
            if (IsNetwork) _w.WriteLine(CheckInputLine);
            _w.WriteLine("var x = input;");
            // The running value: x, of the module's own type. A network whose stages work on octave pairs keeps those in o
            // (OctaveTensor) and returns to x where a plain stage follows; an octave block calls a plain stage on x.ToTensor().
            var flow = new ForwardValue(OctaveModule);
            var outputOctave = new Dictionary<string, bool>(StringComparer.Ordinal);
            var stages = MainPath();
            // Whether x is a tensor this forward allocated and nothing else refers to: then the residual can be
            // added in place (ResNet.cs's add_), saving one activation per block.
            var fresh = FreshBefore(stages);
            var plan = PlanOf(stages, fresh, keptOutputs: false);
            for (int i = 0; i < stages.Count; i++)
            {
                var stage = stages[i];
                string comment = "// " + stage.Name + ": " + (IsNetwork && _inference!.StageOutputs.TryGetValue(stage.Name, out var o) ? Shape(o) : StageComment(stage));
                string field = FieldName(stage);
                bool octave = IsOctaveStage(stage);
                if (stage.Condition is not null)
                {
                    _w.WriteLine(_fieldTypes.ContainsKey(stage) ? $"if ({field} is not null)" : $"if ({Condition(stage, constructor: false)})");
                    _w.OpenBrace();
                }
                string old = flow.Variable;
                string released = RunningRelease(plan, i, old, stages, old);
                switch (stage.Form)
                {
                    case StageForm.Sequence:
                    case StageForm.Use:
                    {
                        string arg = flow.Read(octave);
                        string call = ParameterLayer(stage) is { } parameter ? parameter.Rule!.Forward(parameter, arg, field, _emission) : $"{field}.call({arg})";
                        _w.WriteLine($"{flow.Assign(octave)}{WithRelease(call, released)}; {comment}");
                        break;
                    }
                    case StageForm.Shortcut:
                    {
                        var presence = ShortcutPresence(stage.Layers[0]);
                        string current = flow.Read(octave);
                        string target = flow.Assign(octave);
                        if (presence == Presence.Never)
                        {
                            _w.WriteLine(fresh[i] ? $"{target}{current}.add_(input); {comment}" : $"{target}({current} + input){released}; {comment}");
                            break;
                        }
                        string shortcut = presence == Presence.Always ? $"{field}.call(input)" : $"{field} is not null ? {field}.call(input) : input";
                        // The projection's output is released by AddShortcut once added (never the input itself).
                        _w.WriteLine($"{target}{current}.AddShortcut({shortcut}, input, inPlace: {(fresh[i] ? "true" : "false")}){(fresh[i] ? "" : released)}; {comment}");
                        break;
                    }
                    case StageForm.Add:
                    {
                        // Per frequency when the value is an octave pair (OctaveTensor's +).
                        bool pair = flow.IsOctave;
                        string current = flow.Read(pair);
                        var terms = stage.Layers[0].From.Select(n => Convert(OutputVariable(n), outputOctave.TryGetValue(n, out var oo) && oo, pair)).ToList();
                        _w.WriteLine($"{flow.Assign(pair)}{WithRelease(SumExpression(current, terms), released)}; {comment}");
                        break;
                    }
                    case StageForm.Concat:
                    {
                        string current = flow.Read(false);
                        var terms = stage.Layers[0].From.Select(n => Convert(OutputVariable(n), outputOctave.TryGetValue(n, out var oo) && oo, false));
                        string parts = stage.Layers[0].EarlierFirst ? string.Join(", ", terms) + ", " + current : current + ", " + string.Join(", ", terms);
                        _w.WriteLine($"{flow.Assign(false)}cat(new[] {{ {parts} }}, 1){released}; {comment}");
                        break;
                    }
                    case StageForm.Mul:
                    {
                        string current = flow.Read(false);
                        var terms = stage.Layers[0].From.Select(n => Convert(OutputVariable(n), outputOctave.TryGetValue(n, out var oo) && oo, false)).ToList();
                        _w.WriteLine($"{flow.Assign(false)}{WithRelease(ProductExpression(current, terms), released)}; {comment}");
                        break;
                    }
                    case StageForm.Parallel:
                    {
                        string current = flow.Read(false);
                        string target = flow.Assign(false);
                        _w.WriteLine($"{target}{ParallelExpression(stage, current)}{released}; {comment}");
                        break;
                    }
                }
                if (stage.Condition is not null) _w.CloseBrace();
                if (_referenced.Contains(stage.Name))
                {
                    _w.WriteLine($"var {OutputVariable(stage.Name)} = {flow.Variable};");
                    outputOctave[stage.Name] = flow.IsOctave;
                }
                WriteReleases(plan, i, stages, flow.Variable);
            }
            if (IsNetwork && flow.IsOctave)
                _w.WriteLine("x = o.ToTensor(); // the last octave layer merged the pair (AlphaOut = 0)");
            _w.WriteLine("return x.MoveToOuterDisposeScope();");
            _w.CloseBrace();
        }

        /// <summary>An earlier output in the domain a stage needs: o.ToTensor() for a plain use of an octave network value.</summary>
        private static string Convert(string variable, bool isOctave, bool wantOctave) =>
            isOctave && !wantOctave ? variable + ".ToTensor()" : variable;

        /// <summary>The running value of a forward pass and its domain (plain x, octave o in a network; always x in a block).</summary>
        private sealed class ForwardValue
        {
            private readonly bool _octaveModule;
            private readonly string _toPlain;
            private bool _declaredO;

            /// <param name="toPlain">The call that makes a pair without a low part plain: ToTensor() (forward), ToValue() (ONNX).</param>
            public ForwardValue(bool octaveModule, string toPlain = ".ToTensor()")
            {
                _octaveModule = octaveModule;
                _toPlain = toPlain;
                IsOctave = octaveModule;
            }

            /// <summary>Whether the value is an OctaveTensor variable.</summary>
            public bool IsOctave { get; private set; }

            public string Variable => IsOctave && !_octaveModule ? "o" : "x";

            /// <summary>The value as the argument of a stage of the given domain.</summary>
            public string Read(bool octave)
            {
                if (_octaveModule) return octave ? "x" : "x" + _toPlain;
                if (IsOctave) return octave ? "o" : "o" + _toPlain;
                return "x"; // a Tensor converts implicitly to a pair without a low part
            }

            /// <summary>The assignment for a result of the given domain, and the switch of domain.</summary>
            public string Assign(bool octave)
            {
                if (_octaveModule) return "x = ";
                IsOctave = octave;
                if (!octave) return "x = ";
                if (_declaredO) return "o = ";
                _declaredO = true;
                return "var o = ";
            }
        }

        /// <summary>The local keeping a stage's output for a later skip connection ("conv1_out", or a variant free of the
        /// fields' names), or the declaration's input (From.Input).</summary>
        private string OutputVariable(string stage) => stage == BoundLayer.InputName ? "input" : _outLocals[stage];

        /// <summary>A parallel stage whose branches all have names: they are registered on this module under them.</summary>
        private static bool NamedBranches(BoundStage stage) =>
            stage.Form == StageForm.Parallel && stage.Branches.Count > 0 && stage.Branches.All(b => b.BranchName is not null);

        /// <summary>Layers whose output is a new tensor (not their input, an in-place update of it, or a view).</summary>
        private static bool Allocates(BoundLayer layer) => layer.Rule is not { } rule || rule.Allocates(layer);

        // ---------------------------------------------------------------- dispose, stages, guard

        private void WriteDispose()
        {
            _w.WriteLine("protected override void Dispose(bool disposing)");
            _w.OpenBrace();
            _w.WriteLine("if (disposing)");
            _w.OpenBrace();
            foreach (var stage in _declaration.Stages)
            {
                if (!_fieldTypes.ContainsKey(stage)) continue;
                _w.WriteLine($"{FieldName(stage)}{(IsOptional(stage) ? "?" : "")}.Dispose();");
            }
            _w.CloseBrace();
            _w.WriteLine("base.Dispose(disposing);");
            _w.CloseBrace();
        }

        /// <summary>A Sequential block whose children's indices are counted at construction (conditional or inline stages).</summary>
        private bool CountedIndices => _declaration.Spec.SequentialBlock && _declaration.Stages.Any(s => s.Condition is not null || IsInline(s));

        /// <summary>A repeated use whose copies are the block's own children.</summary>
        private static bool IsInline(BoundStage stage) => stage.Form == StageForm.Use && stage.Layers[0] is { Inline: true, Repeat: > 1 };

        /// <summary>Whether a layer's input channels depend on the network's [Param]s (then the flow, not the defaults' facts).</summary>
        private bool DependsOnParameters(BoundLayer layer)
        {
            if (_declaration.Spec.Params.Count == 0 || !_flow.LayerInput.TryGetValue(layer, out var input)) return false;
            var names = new SortedSet<string>(StringComparer.Ordinal);
            input.CollectVariables(names);
            return _declaration.Spec.Params.Any(p => names.Contains(p.Name));
        }

        /// <summary>A variant's members that its body declares (stage fields, the parameters it leaves at the body's values).</summary>
        private void WriteInheritedFields()
        {
            var spec = _declaration.Spec;
            if (spec.InheritedFields.Count == 0) return;
            _w.WriteLine($"// Declared by {spec.VariantOf}, the body of this variant: its stages, and the parameters left at its values.");
            foreach (var name in spec.InheritedFields)
            {
                var p = spec.Params.FirstOrDefault(q => q.Name == name);
                if (p is null) _w.WriteLine($"private global::NetDsl.Stage {Id(name)};");
                else _w.WriteLine($"private {p.TypeName} {Id(name)} = {ParamValue(p)};");
            }
            _w.WriteLine();
        }

        private static string ParamValue(ParamSpec p) =>
            p.IsType ? $"typeof({p.TypeDefault})" : p.Real && p.RealDefault is double r ? LayerEmission.Double(r) : p.DefaultExpr!.ToCSharp();

        /// <summary>
        /// A network built with other [Param] values than the defaults the summary shows: every layer argument computed from
        /// them that must be positive is checked first, an ArgumentException naming the parameter and the stage.
        /// </summary>
        private void WriteParameterChecks()
        {
            var spec = _declaration.Spec;
            var ctorParams = CtorParams.ToList();
            if (ctorParams.Count == 0) return;
            string call = spec.ClassName + "(" + string.Join(", ", ctorParams.Select(p => p.Name + ": {" + Id(p.Name) + "}")) + ")";
            foreach (var stage in _declaration.Stages)
            {
                foreach (var layer in stage.Layers)
                {
                    if (layer.Rule is not { } rule) continue;
                    foreach (var pair in layer.ArgExprs)
                    {
                        string argument = pair.Key;
                        var expr = pair.Value;
                        var names = new SortedSet<string>(StringComparer.Ordinal);
                        expr.CollectVariables(names);
                        var parameter = ctorParams.FirstOrDefault(p => names.Contains(p.Name) && !p.Real);
                        if (parameter is null || !rule.MustBePositive(argument) || spec.Params.Any(p => p.Real && names.Contains(p.Name))) continue;
                        string value = expr.ToCSharp();
                        _w.WriteLine($"if ({expr.ToCSharp(1)} < 1)");
                        _w.WriteLine($"    throw new global::System.ArgumentException($\"{call}: stage '{stage.Name}' needs {layer.Name}'s {argument} = {value.Replace("{", "{{").Replace("}", "}}")} to be at least 1, got {{{value}}}\", nameof({Id(parameter.Name)}));");
                    }
                }
            }
        }

        /// <summary>A stage whose module may be absent: a projection shortcut decided at construction, a conditional stage.</summary>
        private bool IsOptional(BoundStage stage) =>
            stage.Condition is not null || stage.Form == StageForm.Shortcut && ShortcutPresence(stage.Layers[0]) == Presence.Sometimes;

        /// <summary>A conditional stage's condition as C#: over the constructor's parameters, or in forward over the block's
        /// fields (its [Param]s and InChannels).</summary>
        private string Condition(BoundStage stage, bool constructor) =>
            stage.Condition!.ToCSharp(constructor ? ConstructorName : name => name == Expr.InChannels ? "InChannels" : "this." + Id(name));

        private static string ConstructorName(string name) => Id(name);

        /// <summary>The layer of a stage that holds a learnable tensor ([Scale]), or null.</summary>
        private static BoundLayer? ParameterLayer(BoundStage stage) =>
            stage.Form == StageForm.Sequence && stage.Layers.Count == 1 && stage.Layers[0].Rule is { IsParameter: true } ? stage.Layers[0] : null;

        /// <summary>
        /// For modules with parameter stages: TorchSharp's own move (to(dtype / device)) would store each moved parameter
        /// in the field named like it, which is the user's Stage field; this moves them into their own fields instead.
        /// </summary>
        private void WriteParameterMove()
        {
            var stages = _declaration.Stages.Where(s => ParameterLayer(s) is not null).ToList();
            if (stages.Count == 0) return;
            _w.WriteLine();
            _w.WriteLine("/// <summary>Moves the learnable tensors of the parameter stages with the module (TorchSharp would store them in the");
            _w.WriteLine("/// Stage fields of the same names).</summary>");
            _w.WriteLine("protected override void _toEpilog(global::TorchSharp.torch.ScalarType? dtype, global::TorchSharp.torch.Device? device, bool non_blocking)");
            _w.OpenBrace();
            foreach (var stage in stages) _w.WriteLine($"_internal_params.Remove(\"{stage.Name}\");");
            _w.WriteLine("base._toEpilog(dtype, device, non_blocking);");
            foreach (var stage in stages)
            {
                string field = FieldName(stage);
                _w.WriteLine($"if (ReplaceParameter(dtype, device, {field}, out var moved_{stage.Name}))");
                _w.OpenBrace();
                _w.WriteLine($"{field}.Dispose();");
                _w.WriteLine($"{field} = moved_{stage.Name}!;");
                _w.CloseBrace();
                _w.WriteLine($"register_parameter(\"{stage.Name}\", {field});");
            }
            _w.CloseBrace();
        }

        private void WriteStagesAndToString()
        {
            var spec = _declaration.Spec;
            _w.WriteLine("/// <summary>The stages in forward order, with their compile-time shapes and modules.</summary>");
            // A class named Stages cannot have a member Stages (CS0542): the interface's property is implemented explicitly.
            string stagesMember = spec.ClassName == "Stages" ? "global::NetDsl.IStagedModule.Stages" : "public global::System.Collections.Generic.IReadOnlyList<global::NetDsl.Stage> Stages";
            if (spec.ClassName == "Stages") stagesMember = "global::System.Collections.Generic.IReadOnlyList<global::NetDsl.Stage> " + stagesMember;
            _w.WriteLine($"{stagesMember} => new[] {{ {string.Join(", ", _declaration.Stages.Select(s => Id(s.Name)))} }};");
            if (IsNetwork && _fixed.Count > 0 && !spec.HasOwnToString && spec.ClassName != "ToString")
            {
                // The values the declaration fixes, shown (and read: a field of the user's that nothing reads would warn).
                var fixedParams = spec.Params.Where(p => _fixed.Contains(p.Name)).ToList();
                _w.WriteLine();
                _w.WriteLine($"/// <summary>The network and the values its declaration fixes{(spec.VariantOf is null ? "" : " (a variant of " + spec.VariantOf + ")")}.</summary>");
                var parts = fixedParams.Select(p => p.Name + "={" + (p.IsType ? Id(p.Name) + ".Name" : Id(p.Name)) + "}");
                _w.WriteLine($"public override string ToString() => $\"{spec.ClassName}({string.Join(", ", parts)})\";");
            }
            if (!IsNetwork)
            {
                _w.WriteLine();
                _w.WriteLine("/// <summary>Input channels this block was built for.</summary>");
                _w.WriteLine("public int InChannels { get; }");
                // Not when the user wrote one, or the class is named ToString (CS0542).
                if (!spec.HasOwnToString && spec.ClassName != "ToString")
                {
                    _w.WriteLine();
                    var parts = new List<string> { "in_channels={InChannels}" };
                    parts.AddRange(spec.Params.Select(p => p.Name + "={" + Id(p.Name) + "}"));
                    _w.WriteLine($"public override string ToString() => $\"{spec.ClassName}({string.Join(", ", parts)})\";");
                }
            }
        }

        /// <summary>The first statement of a network's forward and forward_all (after the dispose scope, which owns a copy).</summary>
        private string CheckInputLine => $"input = {_checkInput}(input); // shape, dtype and device; a non-contiguous input is made contiguous (NCHW)";

        private void WriteGuard()
        {
            var spec = _declaration.Spec;
            var r = _inference!;
            _w.WriteLine("/// <summary>");
            _w.WriteLine($"/// Checks the input before any native call: the shape {Shape(r.Input)} (N at least 1), a floating dtype equal to the");
            _w.WriteLine("/// parameters' (float32 unless the network was moved with to(dtype)) and the parameters' device. A non-contiguous input");
            _w.WriteLine("/// (channels-last, x.permute(0, 3, 1, 2) of an NHWC tensor) is returned as a contiguous NCHW copy.");
            _w.WriteLine("/// </summary>");
            _w.WriteLine($"private Tensor {_checkInput}(Tensor input) =>");
            _w.Indentation++;
            string h = spec.Height > 0 ? spec.Height.ToString(CultureInfo.InvariantCulture) : "0";
            string w = spec.Width > 0 ? spec.Width.ToString(CultureInfo.InvariantCulture) : "0";
            _w.WriteLine($"global::NetDsl.InputGuard.Check(this, input, \"{spec.ClassName}\", {Literal(Shape(r.Input))}, channels: {spec.InChannels}, height: {h}, width: {w},");
            _w.WriteLine($"    heightMultiple: {r.HeightMultiple}, minHeight: {r.MinHeight}, widthMultiple: {r.WidthMultiple}, minWidth: {r.MinWidth});");
            _w.Indentation--;
        }

        private string Shape(TensorShape shape) => _inference!.Format(shape);

        internal static string Literal(string text) => LayerEmission.Literal(text);

        internal static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    }
}

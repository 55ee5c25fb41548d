using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// [Tap] and [Output]: every block gets <c>forward(input, taps)</c>, which runs its stages and keeps the outputs a
    /// network asks for; a network with outputs gets an <c>Outputs</c> class and <c>forward_all</c>, which runs the main
    /// path and the side heads. Its <c>forward</c> runs only the main path.
    /// </summary>
    public sealed partial class ModuleEmitter
    {
        /// <summary>The network's [Tap] paths, distinct, in declaration order.</summary>
        private List<string> TapPaths() =>
            _declaration.Stages.Where(s => s.Tap?.TapPath is not null).Select(s => s.Tap!.TapPath!).Distinct().ToList();

        /// <summary>The network's [Output] stages in declaration order.</summary>
        private List<BoundStage> OutputStages() => _declaration.Stages.Where(s => s.Output is not null).ToList();

        private bool HasOutputs => IsNetwork && _declaration.Stages.Exists(s => s.Output is not null);

        /// <summary>The local holding an [Output] stage's tensor in forward_all: "output_aux", or a variant free of the other names.</summary>
        private string OutputVariableOf(BoundStage stage) => _outputLocals[stage.Name];

        /// <summary>Says in the constructor why a use's arguments are not the ones written (the dilation rewrite).</summary>
        private static string DilationComment(BoundLayer use) => use.Dilate
            ? $"// Stride traded for dilation as torchvision's _make_layer(dilate=True): {use.DilationNote}."
            : $"// The running dilation after the dilated stages before this one ({use.DilationNote}), as torchvision's self.dilation.";

        // ---------------------------------------------------------------- blocks: forward(input, taps)

        /// <summary>A block's <c>forward(input, taps)</c>: the stages of forward, each run through <c>taps</c>.</summary>
        private void WriteTapForward()
        {
            _w.WriteLine("/// <summary>");
            _w.WriteLine($"/// Runs the stages like {(_renamedForward is null ? "<see cref=\"forward(Tensor)\"/>" : "<c>forward</c>")} and keeps the outputs <paramref name=\"taps\"/> asks for (a network");
            _w.WriteLine("/// stage's [Tap] into this block, e.g. \"backbone.layer3\"); the kept tensors outlive this call's dispose scope.");
            _w.WriteLine("/// </summary>");
            // A stage named forward takes the name: the interface's method is then implemented explicitly.
            _w.WriteLine(_renamedForward is null ? "public Tensor forward(Tensor input, global::NetDsl.Taps taps)" : "Tensor global::NetDsl.ITappable.forward(Tensor input, global::NetDsl.Taps taps)");
            _w.OpenBrace();
            _w.WriteLine("using var scope = NewDisposeScope();");
            _w.WriteLine("var x = input;");
            bool counted = CountedIndices;
            if (counted) _w.WriteLine("var index = 0;");
            var stages = _declaration.Stages;
            // Never in place here: a kept copy is taken after each stage, and the same releases as forward.
            var plan = PlanOf(stages, null, keptOutputs: false);
            for (int i = 0; i < stages.Count; i++)
            {
                var stage = stages[i];
                string name = counted ? "(index++).ToString(global::System.Globalization.CultureInfo.InvariantCulture)" : Literal(ComponentName(stage, i));
                string prefix = stage.Condition is null ? "" : _fieldTypes.ContainsKey(stage) ? $"if ({FieldName(stage)} is not null) " : $"if ({Condition(stage, constructor: false)}) ";
                string released = RunningRelease(plan, i, "x", stages, "x");
                _w.WriteLine(prefix + (stage.Form is StageForm.Sequence or StageForm.Use && ParameterLayer(stage) is null
                    ? $"x = taps.Run({name}, {FieldName(stage)}, x){released};"
                    : $"x = taps.Keep({name}, {JoinExpression(stage)}){released};"));
                if (IsInline(stage)) _w.WriteLine(prefix + $"index += {stage.Layers[0].Repeat - 1}; // the other inline copies");
                if (_referenced.Contains(stage.Name)) _w.WriteLine($"var {OutputVariable(stage.Name)} = x;");
                WriteReleases(plan, i, stages, "x");
            }
            _w.WriteLine("return x.MoveToOuterDisposeScope();");
            _w.CloseBrace();
        }

        /// <summary>The new x of a stage without a module of its own (residual, skip, parallel join), never in place; the
        /// temporaries it makes (a projection's output, the branches') are released in it.</summary>
        private string JoinExpression(BoundStage stage)
        {
            string field = FieldName(stage);
            switch (stage.Form)
            {
                case StageForm.Shortcut:
                    return ShortcutPresence(stage.Layers[0]) switch
                    {
                        Presence.Never => "x + input",
                        Presence.Always => $"x.AddShortcut({field}.call(input), input, inPlace: false)",
                        _ => $"x.AddShortcut({field} is not null ? {field}.call(input) : input, input, inPlace: false)",
                    };
                case StageForm.Add:
                    return SumExpression("x", stage.Layers[0].From.Select(OutputVariable).ToList());
                case StageForm.Concat:
                    return stage.Layers[0].EarlierFirst
                        ? $"cat(new[] {{ {string.Join(", ", stage.Layers[0].From.Select(OutputVariable))}, x }}, 1)"
                        : $"cat(new[] {{ x, {string.Join(", ", stage.Layers[0].From.Select(OutputVariable))} }}, 1)";
                case StageForm.Mul:
                    return ProductExpression("x", stage.Layers[0].From.Select(OutputVariable).ToList());
                case StageForm.Parallel:
                    return ParallelExpression(stage, "x");
                default:
                    return ParameterLayer(stage) is { } parameter ? parameter.Rule!.Forward(parameter, "x", field, _emission) : $"{field}.call(x)";
            }
        }

        // ---------------------------------------------------------------- networks: Outputs and forward_all

        /// <summary>The forward's summary line: a network with side heads runs only its main path there.</summary>
        private string ForwardSummary()
        {
            if (!HasOutputs) return "Runs the stages in declaration order.";
            var main = OutputStages()[0];
            return _declaration.Stages.Exists(s => s.Tap is not null)
                ? $"Runs the main path (the stages up to {main.Name}) and returns output \"{main.Output!.OutputName}\"; <see cref=\"forward_all\"/> also runs the side heads."
                : $"Runs the stages in declaration order and returns output \"{main.Output!.OutputName}\"; <see cref=\"forward_all\"/> returns every output.";
        }

        private void WriteOutputs()
        {
            var spec = _declaration.Spec;
            var outputs = OutputStages();
            var r = _inference!;
            string Described(BoundStage s) => $"\"{s.Output!.OutputName}\" ({s.Name}): {Shape(r.StageOutputs[s.Name])}";

            _w.WriteLine("/// <summary>");
            _w.WriteLine($"/// What <see cref=\"forward_all\"/> returns: the outputs of {spec.ClassName} by name, in declaration order, like the");
            _w.WriteLine("/// OrderedDict of torchvision's segmentation models (it is an IReadOnlyDictionary<string, Tensor> with those keys).");
            _w.WriteLine("/// </summary>");
            _w.WriteLine("public sealed class Outputs : global::NetDsl.NetworkOutputs");
            _w.OpenBrace();
            string parameters = string.Join(", ", outputs.Select(s => "Tensor @" + s.Output!.OutputName));
            string names = string.Join(", ", outputs.Select(s => "\"" + s.Output!.OutputName + "\""));
            string values = string.Join(", ", outputs.Select(s => "@" + s.Output!.OutputName));
            _w.WriteLine($"public Outputs({parameters}) : base(new[] {{ {names} }}, new[] {{ {values} }})");
            _w.OpenBrace();
            foreach (var s in outputs) _w.WriteLine($"{ShapeInference.PropertyName(s.Output!.OutputName!)} = @{s.Output.OutputName};");
            _w.CloseBrace();
            for (int i = 0; i < outputs.Count; i++)
            {
                _w.WriteLine();
                _w.WriteLine($"/// <summary>Output {Described(outputs[i])}{(i == 0 ? ", what forward returns" : "")}.</summary>");
                _w.WriteLine($"public Tensor {ShapeInference.PropertyName(outputs[i].Output!.OutputName!)} {{ get; }}");
            }
            _w.CloseBrace();
            _w.WriteLine();

            var taps = TapPaths();
            _w.WriteLine("/// <summary>");
            _w.WriteLine($"/// Runs the network and returns all its outputs: {string.Join("; ", outputs.Select(Described))}.");
            foreach (var (stage, path, shape) in r.Taps)
                _w.WriteLine($"/// {stage} reads {path} ({Shape(shape)}).");
            _w.WriteLine("/// </summary>");
            _w.WriteLine("public Outputs forward_all(Tensor input)");
            _w.OpenBrace();
            _w.WriteLine("using var scope = NewDisposeScope();");
            _w.WriteLine(CheckInputLine);
            if (taps.Count > 0)
                _w.WriteLine($"var taps = new global::NetDsl.Taps(scope, {string.Join(", ", taps.Select(Literal))});");
            _w.WriteLine("var x = input;");
            var stages = _declaration.Stages;
            var plan = PlanOf(stages, null, keptOutputs: true);
            for (int i = 0; i < stages.Count; i++)
            {
                var stage = stages[i];
                if (stage.Tap?.TapPath is { } path)
                    _w.WriteLine($"x = taps[{Literal(path)}]; // {stage.Name} reads {path}: {Shape(r.Taps.First(t => t.Stage == stage.Name).Shape)}");
                string comment = $" // {stage.Name}: {Shape(r.StageOutputs[stage.Name])}";
                var kept = taps.Where(t => t == stage.Name || t.StartsWith(stage.Name + ".", System.StringComparison.Ordinal)).ToList();
                if (kept.Count > 0) comment += "; keeps " + string.Join(", ", kept.Select(t => t + " " + Shape(r.Taps.First(x => x.Path == t).Shape)));
                string released = RunningRelease(plan, i, "x", stages, "x");
                if (stage.Form is StageForm.Sequence or StageForm.Use && ParameterLayer(stage) is null)
                    _w.WriteLine(kept.Count > 0 ? $"x = taps.Run({Literal(stage.Name)}, {FieldName(stage)}, x){released};{comment}" : $"x = {FieldName(stage)}.call(x){released};{comment}");
                else
                    _w.WriteLine(kept.Count > 0 ? $"x = taps.Keep({Literal(stage.Name)}, {JoinExpression(stage)}){released};{comment}" : $"x = {WithRelease(JoinExpression(stage), released)};{comment}");
                if (_referenced.Contains(stage.Name)) _w.WriteLine($"var {OutputVariable(stage.Name)} = x;");
                if (stage.Output is not null)
                {
                    // A copy when the next stage of the same path works in place (it would change the output).
                    bool inPlaceNext = i + 1 < stages.Count && stages[i + 1].Tap is null && stages[i + 1].Form == StageForm.Sequence &&
                        stages[i + 1].Layers[0] is { IsActivation: true, Inplace: true };
                    _w.WriteLine(inPlaceNext
                        ? $"var {OutputVariableOf(stage)} = x.clone(); // output \"{stage.Output.OutputName}\" (copied: {stages[i + 1].Name} works in place)"
                        : $"var {OutputVariableOf(stage)} = x; // output \"{stage.Output.OutputName}\"");
                }
                WriteReleases(plan, i, stages, "x");
            }
            _w.WriteLine($"var outputs = new Outputs({string.Join(", ", outputs.Select(OutputVariableOf))});");
            _w.WriteLine("outputs.MoveToOuterDisposeScope();");
            _w.WriteLine("return outputs;");
            _w.CloseBrace();
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Inference;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// ONNX export: every generated module writes its graph as its forward runs, stage by stage, on ONNX values
    /// (<c>NetDsl.Onnx.OnnxGraph</c>) instead of tensors: a stage's module through <c>g.Module</c> (which names it by its
    /// place in the module tree and writes its kind's nodes, Runtime/Onnx/), residuals, skips and joins as Add / Concat /
    /// Mul, octave pairs as OctaveValue. Networks also write every named output (forward_all's) and read [Tap]s from the
    /// values written earlier. The methods are explicit interface implementations: they take no name from the user's class.
    /// </summary>
    public sealed partial class ModuleEmitter
    {
        private const string OnnxNs = "global::NetDsl.Onnx.";

        private string OnnxInterface => OnnxNs + (IsNetwork ? "IOnnxNetwork" : OctaveModule ? "IOnnxOctaveExport" : "IOnnxExport");

        private string OnnxValueType => OnnxNs + (OctaveModule ? "OctaveValue" : "OnnxValue");

        private void WriteOnnxExport()
        {
            string value = OnnxValueType;
            string self = OnnxNs + (OctaveModule ? "IOnnxOctaveExport" : "IOnnxExport");
            _w.WriteLine("/// <summary>Writes the ONNX nodes of the stages forward runs, on graph values (NetDsl.Onnx.OnnxExport writes the model).</summary>");
            _w.WriteLine($"{value} {self}.ExportOnnx({OnnxNs}OnnxGraph g, {value} input)");
            _w.OpenBrace();
            WriteOnnxStages(MainPath(), outputs: false);
            _w.CloseBrace();
            if (!IsNetwork) return;

            _w.WriteLine();
            _w.WriteLine("/// <summary>The compile-time summary: the model's input and output shapes and its constraints.</summary>");
            _w.WriteLine($"global::NetDsl.NetworkSummary {OnnxNs}IOnnxNetwork.Summary => Summary;");
            _w.WriteLine();
            string list = "global::System.Collections.Generic.IReadOnlyList<global::System.Collections.Generic.KeyValuePair<string, " + OnnxNs + "OnnxValue>>";
            if (!HasOutputs)
            {
                _w.WriteLine("/// <summary>The one output, \"output\".</summary>");
                _w.WriteLine($"{list} {OnnxNs}IOnnxNetwork.ExportOnnxOutputs({OnnxNs}OnnxGraph g, {OnnxNs}OnnxValue input) =>");
                _w.WriteLine($"    new[] {{ global::System.Collections.Generic.KeyValuePair.Create(\"output\", (({self})this).ExportOnnx(g, input)) }};");
                return;
            }
            _w.WriteLine("/// <summary>Writes every stage, side heads included, and returns the outputs named as forward_all's.</summary>");
            _w.WriteLine($"{list} {OnnxNs}IOnnxNetwork.ExportOnnxOutputs({OnnxNs}OnnxGraph g, {OnnxNs}OnnxValue input)");
            _w.OpenBrace();
            WriteOnnxStages(_declaration.Stages, outputs: true);
            _w.CloseBrace();
        }

        /// <summary>The body of an export method: <paramref name="stages"/> on graph values, then the result (the running
        /// value, or with <paramref name="outputs"/> the [Output] stages' values by name).</summary>
        private void WriteOnnxStages(IReadOnlyList<BoundStage> stages, bool outputs)
        {
            _w.WriteLine("var x = input;");
            var flow = new ForwardValue(OctaveModule, ".ToValue()");
            var outputOctave = new Dictionary<string, bool>(System.StringComparer.Ordinal);
            bool keep = !IsNetwork && !CountedIndices;
            // An earlier output in the domain the stage needs (Convert's rule): a pair made plain for a plain use.
            string Term(string name, bool want) => outputOctave.TryGetValue(name, out var isPair) && isPair && !want ? OutputVariable(name) + ".ToValue()" : OutputVariable(name);
            for (int i = 0; i < stages.Count; i++)
            {
                var stage = stages[i];
                string field = FieldName(stage);
                bool octave = IsOctaveStage(stage);
                string comment = " // " + stage.Name + ": " + (IsNetwork && _inference!.StageOutputs.TryGetValue(stage.Name, out var shape) ? Shape(shape) : StageComment(stage));
                if (stage.Tap?.TapPath is { } path)
                {
                    // A side head reads an earlier stage's output, written into the graph already.
                    _w.WriteLine($"x = g.Tap({Literal(path)}); // {stage.Name} reads {path}");
                }
                if (stage.Condition is not null)
                {
                    _w.WriteLine(_fieldTypes.ContainsKey(stage) ? $"if ({field} is not null)" : $"if ({Condition(stage, constructor: false)})");
                    _w.OpenBrace();
                }
                string Kept(string expression) => keep ? $"g.Keep({Literal(ComponentName(stage, i))}, {expression})" : expression;
                switch (stage.Form)
                {
                    case StageForm.Sequence:
                    case StageForm.Use:
                    {
                        string arg = flow.Read(octave);
                        // A plain value entering an octave stage of a network: the pair overload (no low part yet).
                        if (octave && !OctaveModule && arg == "x") arg = $"({OnnxNs}OctaveValue)x";
                        string call = ParameterLayer(stage) is { } parameter ? parameter.Rule!.OnnxForward(parameter, arg, field, _emission) : $"g.Module({field}, {arg})";
                        _w.WriteLine($"{flow.Assign(octave)}{call};{comment}");
                        break;
                    }
                    case StageForm.Shortcut:
                    {
                        var presence = ShortcutPresence(stage.Layers[0]);
                        string current = flow.Read(octave);
                        string target = flow.Assign(octave);
                        // The block's input as the projection's argument: a pair in a network's octave stage.
                        string shortcutInput = octave && !OctaveModule ? $"({OnnxNs}OctaveValue)input" : "input";
                        string shortcut = presence switch
                        {
                            Presence.Never => "input",
                            Presence.Always => $"g.Module({field}, {shortcutInput})",
                            _ => $"{field} is not null ? g.Module({field}, {shortcutInput}) : input",
                        };
                        _w.WriteLine($"{target}{Kept($"g.Add({current}, {shortcut})")};{comment}");
                        break;
                    }
                    case StageForm.Add:
                    {
                        bool pair = flow.IsOctave;
                        string current = flow.Read(pair);
                        var terms = stage.Layers[0].From.Select(n => Term(n, pair));
                        _w.WriteLine($"{flow.Assign(pair)}{Kept($"g.Add({current}, {string.Join(", ", terms)})")};{comment}");
                        break;
                    }
                    case StageForm.Concat:
                    {
                        string current = flow.Read(false);
                        var terms = stage.Layers[0].From.Select(n => Term(n, false)).ToList();
                        string parts = stage.Layers[0].EarlierFirst ? string.Join(", ", terms) + ", " + current : current + ", " + string.Join(", ", terms);
                        _w.WriteLine($"{flow.Assign(false)}{Kept($"g.Concat(1, {parts})")};{comment}");
                        break;
                    }
                    case StageForm.Mul:
                    {
                        string current = flow.Read(false);
                        var terms = stage.Layers[0].From.Select(n => Term(n, false));
                        _w.WriteLine($"{flow.Assign(false)}{Kept($"g.Mul({current}, {string.Join(", ", terms)})")};{comment}");
                        break;
                    }
                    case StageForm.Parallel:
                    {
                        string current = flow.Read(false);
                        _w.WriteLine($"{flow.Assign(false)}g.Parallel({field}, {current}, concat: {(stage.JoinLayer!.JoinMode == 0 ? "true" : "false")});{comment}");
                        break;
                    }
                }
                if (stage.Condition is not null) _w.CloseBrace();
                if (_referenced.Contains(stage.Name))
                {
                    _w.WriteLine($"var {OutputVariable(stage.Name)} = {flow.Variable};");
                    outputOctave[stage.Name] = flow.IsOctave;
                }
                if (outputs && stage.Output is not null)
                    _w.WriteLine($"var {OutputVariableOf(stage)} = {(flow.IsOctave ? flow.Variable + ".ToValue()" : flow.Variable)}; // output \"{stage.Output.OutputName}\"");
            }
            if (IsNetwork && flow.IsOctave) _w.WriteLine("x = o.ToValue(); // the last octave layer merged the pair (AlphaOut = 0)");
            if (!outputs)
            {
                _w.WriteLine("return x;");
                return;
            }
            var named = OutputStages().Select(s => $"global::System.Collections.Generic.KeyValuePair.Create({Literal(s.Output!.OutputName!)}, {OutputVariableOf(s)})").ToList();
            _w.WriteLine("return new[]");
            _w.OpenBrace();
            foreach (var n in named) _w.WriteLine(n + ",");
            _w.CloseBrace(";");
        }
    }
}

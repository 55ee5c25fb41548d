using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;
using Value = NetDsl.Generator.Layers.LayerValue;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// [Tap] and [Output]: every stage output is recorded under its module path as inference walks the network (inside
    /// used blocks too), so a later stage can read it; the outputs are checked for a well-formed main path and side heads.
    /// </summary>
    public sealed partial class ShapeInference
    {
        /// <summary>Stage outputs by module path ("backbone", "backbone.layer3", "backbone.layer3.5.conv2").</summary>
        private readonly Dictionary<string, Value> _tappable = new Dictionary<string, Value>(StringComparer.Ordinal);

        /// <summary>Module paths whose inside cannot be tapped, and why (parallel branches).</summary>
        private readonly Dictionary<string, string> _opaque = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>What each recorded path is, for messages ("ResNet50Backbone", "DeepLabHead").</summary>
        private readonly Dictionary<string, string> _tappableKinds = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Records a stage output under its module path (called for every stage, copy and sequence child).</summary>
        private void RecordTappable(Scope scope, string path, Value v, string kind)
        {
            // Inside a block the path stride counts from the block's input; a tap reading it does not know that input.
            if (!scope.Top) v.PathStride = 0;
            _tappable[path] = v;
            _tappableKinds[path] = kind;
        }

        /// <summary>After a stage ran: record it for taps, and for the network's own stages the outputs and taps for the summary.</summary>
        private void RecordStage(Scope scope, BoundStage stage, string path, SummaryRow row, Value v)
        {
            RecordTappable(scope, path, v, row.Kind);
            if (stage.Form == StageForm.Parallel)
                _opaque[path] = $"'{path}' is a parallel stage; its branches have no single path to tap";
            if (!scope.Top) return;
            if (stage.Tap?.TapPath is { } tapped)
            {
                row.Kind += " ← " + tapped;
                _result.Taps.Add((stage.Name, tapped, _tappable[tapped].Shape));
            }
            if (stage.Output?.OutputName is { } name) _result.Outputs.Add((name, stage.Name, v.Shape));
        }

        /// <summary>
        /// The input of a stage with [Tap]: the recorded output of the tapped path, which must belong to an earlier stage.
        /// False (reported) when the path is unknown.
        /// </summary>
        private bool ReadTap(Scope scope, BoundStage stage, ref Value v)
        {
            if (!scope.Top || stage.Tap?.TapPath is not { } path) return true;
            FlushDilatedRun(scope);
            string where = _networkName + "." + stage.Name;
            string? reason = null;
            foreach (var opaque in _opaque)
            {
                if (path.StartsWith(opaque.Key + ".", StringComparison.Ordinal)) reason = opaque.Value;
            }
            if (reason is null && _tappable.TryGetValue(path, out var value))
            {
                v = value;
                return true;
            }
            Report(DiagnosticDescriptors.UnknownTap, stage.Tap.LocationOf("path"), where, path, reason ?? UnknownTapReason(scope, stage, path));
            return false;
        }

        private string UnknownTapReason(Scope scope, BoundStage stage, string path)
        {
            var stages = scope.Declaration.Stages;
            int self = stages.IndexOf(stage);
            string top = path.Split('.')[0];
            int index = stages.FindIndex(s => s.Name == top);
            if (index >= self)
                return index == self ? $"a stage cannot tap itself; a tap reads an earlier stage's output"
                    : $"'{top}' runs after {stage.Name}; a tap reads an earlier stage's output";
            if (index < 0)
            {
                var earlier = stages.Take(self).Select(s => s.Name).ToList();
                return earlier.Count == 0 ? "there is no earlier stage" : $"{_networkName} has no stage '{top}' before {stage.Name} (earlier stages: {string.Join(", ", earlier)})";
            }
            // The longest recorded prefix, and what is inside it.
            string known = top;
            var parts = path.Split('.');
            for (int i = 2; i < parts.Length; i++)
            {
                string prefix = string.Join(".", parts.Take(i));
                if (!_tappable.ContainsKey(prefix)) break;
                known = prefix;
            }
            var children = _tappable.Keys
                .Where(k => k.StartsWith(known + ".", StringComparison.Ordinal) && k.IndexOf('.', known.Length + 1) < 0)
                .Select(k => k.Substring(known.Length + 1))
                .ToList();
            string kind = _tappableKinds.TryGetValue(known, out var k) ? k : "";
            return children.Count == 0
                ? $"'{known}' ({kind}) has no inner stages to tap; only used blocks and layer sequences have them"
                : $"'{known}' ({kind}) has no stage '{path.Substring(known.Length + 1).Split('.')[0]}'; it has {string.Join(", ", children)}";
        }

        /// <summary>
        /// A network with taps or outputs: the main path (the stages before the first [Tap]) and every side head end in an
        /// [Output], and the output names (their property names) are distinct. Reports NDSL0047.
        /// </summary>
        /// <returns>False when inference cannot go on (taps in a network with octave stages).</returns>
        private bool CheckOutputs(BoundDeclaration network)
        {
            var stages = network.Stages;
            if (!stages.Exists(s => s.Tap is not null || s.Output is not null)) return true;
            var octave = stages.FirstOrDefault(IsOctaveStage);
            if (octave is not null)
            {
                var first = stages.FirstOrDefault(s => s.Tap is not null) ?? stages.First(s => s.Output is not null);
                Report(DiagnosticDescriptors.InvalidOutputs, (first.Tap ?? first.Output)!.Location ?? first.Location, _networkName + "." + first.Name,
                    $"taps and named outputs are not supported in a network with octave stages ('{octave.Name}'): forward_all runs plain tensors");
                return false;
            }
            var starts = new List<int>();
            for (int i = 0; i < stages.Count; i++)
            {
                if (i == 0 || stages[i].Tap is not null) starts.Add(i);
            }
            for (int j = 0; j < starts.Count; j++)
            {
                int end = j + 1 < starts.Count ? starts[j + 1] : stages.Count;
                var last = stages[end - 1];
                if (last.Output is not null) continue;
                bool main = j == 0 && stages[0].Tap is null;
                string what = main
                    ? (starts.Count == 1
                        ? $"the network returns named outputs, so its last stage '{last.Name}' (what forward returns) needs [Output(\"out\")] too"
                        : $"the main path (the stages before the first [Tap]) ends at '{last.Name}', which needs [Output(\"out\")]: forward returns it, forward_all returns it first")
                    : $"the side head that starts at '{stages[starts[j]].Name}' ends at '{last.Name}', whose result would be dropped; mark it [Output(\"...\")]";
                Report(DiagnosticDescriptors.InvalidOutputs, last.Location, _networkName + "." + last.Name, what);
            }
            var seen = new Dictionary<string, BoundStage>(StringComparer.Ordinal);
            foreach (var stage in stages)
            {
                if (stage.Output?.OutputName is not { } name) continue;
                string property = PropertyName(name);
                string where = _networkName + "." + stage.Name;
                if (seen.TryGetValue(property, out var other))
                    Report(DiagnosticDescriptors.InvalidOutputs, stage.Output.LocationOf("name"), where,
                        $"the output name '{name}' is already used by '{other.Name}'" + (other.Output!.OutputName == name ? "" : $" (as '{other.Output.OutputName}'; both become the property {property})"));
                else if (Array.IndexOf(ReservedOutputProperties, property) >= 0)
                    Report(DiagnosticDescriptors.InvalidOutputs, stage.Output.LocationOf("name"), where,
                        $"the output name '{name}' would become the property {property}, which the generated Outputs class already has; choose another name");
                else
                    seen[property] = stage;
            }
            return true;
        }

        /// <summary>Members of the generated Outputs class (and its base, NetDsl.NetworkOutputs) an output property cannot take.</summary>
        private static readonly string[] ReservedOutputProperties =
        {
            "Outputs", "Keys", "Values", "Count", "Item", "ContainsKey", "TryGetValue", "GetEnumerator", "ToDictionary",
            "MoveToOuterDisposeScope", "Dispose", "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize",
        };

        /// <summary>The output's property on the generated Outputs class: the name with a capital first letter.</summary>
        public static string PropertyName(string outputName) =>
            outputName.Length == 0 ? outputName : char.ToUpperInvariant(outputName[0]) + outputName.Substring(1);

        /// <summary>The main output: the end of the main path when the network has side heads, else the last stage's.</summary>
        private Value MainOutput(BoundDeclaration network, Value last)
        {
            int firstTap = network.Stages.FindIndex(s => s.Tap is not null);
            return firstTap > 0 && _tappable.TryGetValue(network.Stages[firstTap - 1].Name, out var main) ? main : last;
        }
    }
}

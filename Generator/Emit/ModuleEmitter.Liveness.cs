using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Inference;

namespace NetDsl.Generator.Emit
{
    /// <summary>
    /// The releases in the forward passes: from the <see cref="Liveness"/> of the stages, each intermediate is released
    /// right after its last use (<c>x = _bn1.call(x).Releasing(x);</c>, <c>conv1_out.Release();</c>), never the input, a
    /// kept output or the result; where a released value may be the object of a live one, the live ones are named and
    /// checked at run time (NetDsl.Lifetimes).
    /// </summary>
    public sealed partial class ModuleEmitter
    {
        /// <summary>The stages <c>forward</c> runs: those before the first [Tap] (the side heads run in forward_all).</summary>
        private List<BoundStage> MainPath() => _declaration.Stages.TakeWhile(s => s.Tap is null).ToList();

        /// <summary>Whether x may be updated in place before each stage (see <see cref="Liveness.FreshBefore"/>).</summary>
        private bool[] FreshBefore(IReadOnlyList<BoundStage> stages) =>
            Liveness.FreshBefore(stages, s => s.Layers.Exists(Allocates), s => _referenced.Contains(s.Name));

        /// <summary>The liveness of <paramref name="stages"/>; [Output] stages are kept when <paramref name="keptOutputs"/> (forward_all).</summary>
        private Liveness PlanOf(IReadOnlyList<BoundStage> stages, bool[]? inPlace, bool keptOutputs) =>
            Liveness.Of(Liveness.StepsOf(stages, inPlace, keptOutputs, MayReturnInput));

        /// <summary>A use of a block all of whose stages are conditional: with none present it returns its input object.</summary>
        private bool MayReturnInput(BoundStage stage) =>
            stage.Form == StageForm.Use && _bound.TryGetValue(stage.Layers[0].BlockName!, out var block) && block.Stages.TrueForAll(s => s.Condition is not null);

        /// <summary>
        /// The release of the running input after stage <paramref name="step"/>, appended to its result: ".Releasing(x)",
        /// with the live values it may be (besides the result, which Releasing checks itself); "" when x lives on.
        /// </summary>
        private string RunningRelease(Liveness plan, int step, string old, IReadOnlyList<BoundStage> stages, string current)
        {
            if (!plan.ReleasesRunning(step)) return "";
            var keeps = plan.KeepsFor(step, step).Where(v => v != step + 1).Select(v => ValueName(v, step, stages, current));
            return $".Releasing({string.Join(", ", new[] { old }.Concat(keeps))})";
        }

        /// <summary>Releases the other values whose last use was stage <paramref name="step"/> (skip connections' outputs).</summary>
        private void WriteReleases(Liveness plan, int step, IReadOnlyList<BoundStage> stages, string current)
        {
            foreach (var value in plan.DiesAfter(step))
            {
                if (value == step && plan.ReleasesRunning(step)) continue;
                var keeps = plan.KeepsFor(value, step).Select(v => ValueName(v, step, stages, current));
                _w.WriteLine($"{ValueName(value, step, stages, current)}.Release({string.Join(", ", keeps)}); // last read by {stages[step].Name}");
            }
        }

        /// <summary>The variable holding a value after stage <paramref name="step"/>: the input, the running x, an earlier
        /// output kept for a skip connection or a network output.</summary>
        private string ValueName(int value, int step, IReadOnlyList<BoundStage> stages, string current)
        {
            if (value == 0) return "input";
            if (value == step + 1) return current;
            var stage = stages[value - 1];
            if (_outLocals.TryGetValue(stage.Name, out var local)) return local;
            if (_outputLocals.TryGetValue(stage.Name, out var output)) return output;
            throw new System.InvalidOperationException($"NetDsl: no variable holds the output of {stage.Name} after {stages[step].Name}");
        }

        /// <summary>An expression with a release appended: parenthesised when it is an operator expression (x + a).</summary>
        private static string WithRelease(string expression, string released) =>
            released.Length == 0 ? expression
            : (expression.Contains(" + ") || expression.Contains(" * ") || expression.Contains(" ? ") ? "(" + expression + ")" : expression) + released;

        /// <summary>x + a (+ b ...): the further terms added in place to the new sum.</summary>
        private static string SumExpression(string current, IReadOnlyList<string> terms) =>
            terms.Count == 1 ? $"{current} + {terms[0]}" : $"({current} + {terms[0]})" + string.Concat(terms.Skip(1).Select(t => $".add_({t})"));

        /// <summary>x * a, or with more terms MultiplyReleasing (which frees the intermediate products).</summary>
        private static string ProductExpression(string current, IReadOnlyList<string> terms) =>
            terms.Count == 1 ? $"{current} * {terms[0]}" : $"{current}.MultiplyReleasing({string.Join(", ", terms)})";

        /// <summary>A parallel stage's join: its branches' outputs concatenated or summed, then released.</summary>
        private string ParallelExpression(BoundStage stage, string current)
        {
            string field = FieldName(stage);
            var calls = Enumerable.Range(0, stage.Branches.Count).Select(i => $"{field}[{i}].call({current})");
            string parts = $"new[] {{ {string.Join(", ", calls)} }}";
            return stage.JoinLayer!.JoinMode == 0 ? $"{parts}.ConcatReleasing(1, {current})" : $"{parts}.SumReleasing({current})";
        }
    }
}

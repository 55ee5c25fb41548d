using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Trades stride for dilation on block uses, as torchvision's ResNet does with <c>replace_stride_with_dilation</c>,
    /// by rewriting the use's arguments before inference and emission see them (so the result is exactly what the
    /// hand-written <c>FirstArgs</c> form would give):
    /// <list type="bullet">
    /// <item><c>[Use(..., Dilate = true)]</c>: <c>_make_layer(dilate=True)</c>. With the declaration's running dilation
    /// D (1 at its input, only Dilate uses change it) and the use's stride s: every copy gets stride 1, the first copy
    /// dilation D, the later copies dilation D·s, and D becomes D·s. Later uses of blocks with a dilation parameter that
    /// do not give it get D for every copy, as torchvision's later layers get self.dilation.</item>
    /// <item><c>[Network(OutputStride = n)]</c> / <c>[Block(OutputStride = n)]</c>: marks the last strided uses Dilate,
    /// from the end backwards, until the path's stride is n (ResNet-50: 32 → 16 dilates layer4, → 8 layer3 too).</item>
    /// </list>
    /// The block must have <c>[Param] int stride</c> and <c>[Param] int dilation</c>. Pure: works on bound layers.
    /// </summary>
    public static class DilationRewrite
    {
        public const string StrideParam = "stride";
        public const string DilationParam = "dilation";

        public static void Apply(BoundDeclaration declaration, IReadOnlyDictionary<string, DeclarationSpec> blocks, List<DiagnosticInfo> diagnostics) =>
            Apply(declaration, blocks, diagnostics, new HashSet<string>(StringComparer.Ordinal));

        private static void Apply(BoundDeclaration declaration, IReadOnlyDictionary<string, DeclarationSpec> blocks, List<DiagnosticInfo> diagnostics, HashSet<string> visiting)
        {
            visiting.Add(declaration.Spec.MetadataName);
            if (declaration.Spec.OutputStride != 0) PlanOutputStride(declaration, blocks, diagnostics, visiting);
            RewriteDilatedUses(declaration, blocks, diagnostics);
        }

        // ------------------------------------------------------------------------------------------ Dilate = true

        private static void RewriteDilatedUses(BoundDeclaration declaration, IReadOnlyDictionary<string, DeclarationSpec> blocks, List<DiagnosticInfo> diagnostics)
        {
            var spec = declaration.Spec;
            Expr dilation = Expr.Num(1);
            foreach (var stage in declaration.Stages)
            {
                if (stage.Form != StageForm.Use) continue;
                var use = stage.Layers[0];
                if (use.BlockName is null || !blocks.TryGetValue(use.BlockName, out var block)) continue; // NDSL0013 is reported elsewhere
                if (!use.Dilate)
                {
                    PassRunningDilation(use, block, dilation);
                    continue;
                }
                string where = spec.DisplayName + "." + stage.Name;
                var parameters = block.Params;
                int iStride = IndexOf(parameters, StrideParam), iDilation = IndexOf(parameters, DilationParam);
                string? problem = null;
                if (iStride < 0 || iDilation < 0)
                    problem = $"it has no [Param] int {(iStride < 0 ? StrideParam : DilationParam)} (parameters: {Names(parameters)})";
                else if (use.FirstBlockArgs is not null)
                    problem = "FirstArgs would replace the first copy's arguments, which the rewrite computes; drop FirstArgs";
                else if (use.BlockArgs.Count > iDilation)
                    problem = $"the use gives the dilation ({use.BlockArgs[iDilation].Value}) itself; drop that argument and let the rewrite compute it";
                else if (use.Repeated && !parameters[iStride].FirstRepeatOnly)
                    problem = $"its stride is not [Param(FirstRepeatOnly = true)], so every one of the {(use.RepeatCount is { } n ? n.ToString() : use.Repeat.ToString(System.Globalization.CultureInfo.InvariantCulture))} copies would stride; torchvision strides only the first";
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CannotDilate, use.LocationOf("Dilate"), where, block.ClassName, problem));
                    continue;
                }

                var stride = StrideOf(use, parameters, iStride);
                if (stride is null) continue; // a missing argument: NDSL0014 from inference
                int length = Math.Max(iStride, iDilation) + 1;
                var location = use.LocationOf("args");
                var first = new List<BlockArg>();
                for (int j = 0; j < length; j++)
                {
                    if (j == iStride || j == iDilation) first.Add(new BlockArg(Expr.Num(1), location));
                    else if (j < use.BlockArgs.Count) first.Add(use.BlockArgs[j]);
                    else if (parameters[j].Default is int d) first.Add(new BlockArg(Expr.Num(d), location));
                    else { first = null; break; }
                }
                if (first is null) continue; // NDSL0014 from inference: a parameter without default is missing

                var previous = dilation;
                dilation = Expr.Mul(dilation, stride);
                first[iDilation] = new BlockArg(previous, location);
                var later = new List<BlockArg>(first);
                later[iDilation] = new BlockArg(dilation, location);
                if (!use.Repeated)
                {
                    use.BlockArgs.Clear();
                    use.BlockArgs.AddRange(first);
                }
                else
                {
                    use.FirstBlockArgs = first;
                    use.BlockArgs.Clear();
                    use.BlockArgs.AddRange(later);
                }
                use.DilationNote = !use.Repeated || previous.Equals(dilation)
                    ? $"stride {stride} → dilation {previous}"
                    : $"stride {stride} → dilation {previous}, then {dilation}";
            }
        }

        /// <summary>
        /// After a dilated use, torchvision's _make_layer gives every later block the running dilation (self.dilation), also
        /// in a layer that keeps its stride ([True, False, True]): a use of a block with a dilation parameter that does not
        /// give it gets D for every copy.
        /// </summary>
        private static void PassRunningDilation(BoundLayer use, DeclarationSpec block, Expr dilation)
        {
            if (dilation.Equals(Expr.Num(1))) return;
            int iDilation = IndexOf(block.Params, DilationParam);
            if (iDilation < 0 || IndexOf(block.Params, StrideParam) < 0) return;
            var location = use.LocationOf("args");
            foreach (var list in use.FirstBlockArgs is null ? new[] { use.BlockArgs } : new[] { use.FirstBlockArgs, use.BlockArgs })
            {
                if (list.Count > iDilation) continue; // given explicitly: the user's choice
                var padded = new List<BlockArg>(list);
                for (int j = list.Count; j < iDilation; j++)
                {
                    if (block.Params[j].Default is not int d) return; // a missing argument: NDSL0014 from inference
                    padded.Add(new BlockArg(Expr.Num(d), location));
                }
                padded.Add(new BlockArg(dilation, location));
                list.Clear();
                list.AddRange(padded);
            }
            use.DilationNote = $"dilation {dilation}";
        }

        private static Expr? StrideOf(BoundLayer use, EquatableArray<ParamSpec> parameters, int iStride) =>
            iStride < use.BlockArgs.Count ? use.BlockArgs[iStride].Value
            : parameters[iStride].Default is int d ? Expr.Num(d)
            : null;

        private static int IndexOf(EquatableArray<ParamSpec> parameters, string name)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].Name == name) return i;
            }
            return -1;
        }

        private static string Names(EquatableArray<ParamSpec> parameters) =>
            parameters.Count == 0 ? "none" : string.Join(", ", parameters.Select(p => p.Name));

        // ------------------------------------------------------------------------------------------ OutputStride = n

        /// <summary>Marks the uses to dilate so that the declaration's path stride becomes its OutputStride.</summary>
        private static void PlanOutputStride(BoundDeclaration declaration, IReadOnlyDictionary<string, DeclarationSpec> blocks, List<DiagnosticInfo> diagnostics, HashSet<string> visiting)
        {
            var spec = declaration.Spec;
            int target = spec.OutputStride;
            var location = spec.OutputStrideLocation ?? spec.Location;
            string where = spec.DisplayName;
            void Report(string message) => diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputStrideUnreachable, location, where, target, message));

            if (target < 1 || (target & (target - 1)) != 0)
            {
                Report("is not a power of 2 (1, 2, 4, 8, 16, 32, ...)");
                return;
            }
            foreach (var stage in declaration.Stages)
            {
                if (stage.Form == StageForm.Use && stage.Layers[0].Dilate)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutputStrideUnreachable, stage.Layers[0].LocationOf("Dilate"),
                        where + "." + stage.Name, target, $"is set on {spec.ClassName}, which picks the stages to dilate itself; drop Dilate = true here"));
                    return;
                }
            }

            // The path stride after each stage (before any rewrite), as the channel flow computes it.
            var bound = new Dictionary<string, BoundDeclaration>(StringComparer.Ordinal);
            foreach (var name in UsedBlocks(declaration.Spec, blocks))
            {
                if (visiting.Contains(name) || !blocks.TryGetValue(name, out var blockSpec)) continue; // a cycle: NDSL0012 elsewhere
                var inner = Binder.Bind(blockSpec, new List<DiagnosticInfo>());
                Apply(inner, blocks, new List<DiagnosticInfo>(), new HashSet<string>(visiting, StringComparer.Ordinal));
                bound[name] = inner;
            }
            var flow = new ChannelFlow(bound);
            var input = spec.Kind == DeclarationKind.Network ? Expr.Num(spec.InChannels) : Expr.Var(Expr.InChannels);
            var strides = new List<long>();
            // The main path only: side heads ([Tap] and after) do not count towards the output stride.
            var stages = declaration.Stages.TakeWhile(s => s.Tap is null).ToList();
            for (int i = 0; i < stages.Count; i++)
            {
                var (_, stride) = flow.Walk(new BoundDeclaration(spec, stages.GetRange(0, i + 1)), input, record: false);
                if (stride is null) break; // upsampling, adaptive or global pooling: the output stride is the one before it
                if (!stride.IsConstant || stride.Evaluate(new Dictionary<string, long>(), out _) is not long value || value < 1)
                {
                    Report($"cannot be planned: the path's stride after '{stages[i].Name}' is {stride}, not a constant");
                    return;
                }
                strides.Add(value);
            }
            long natural = strides.Count == 0 ? 1 : strides[strides.Count - 1];

            // From the last strided stage backwards: each must be a dilatable use; collect what can be reached.
            var reachable = new List<long> { natural };
            var plan = new List<(BoundStage Stage, long Stride)>();
            string? stop = null;
            long current = natural;
            for (int i = strides.Count - 1; i >= 0 && stop is null; i--)
            {
                long before = i == 0 ? 1 : strides[i - 1];
                long factor = strides[i] / before;
                if (factor == 1) continue;
                var stage = stages[i];
                long? s = DilatableStride(stage, blocks);
                if (s is null || s.Value != factor)
                {
                    stop = stage.Form == StageForm.Use
                        ? $"'{stage.Name}' (a use of {ShortName(stage.Layers[0].BlockName)} without [Param] int stride and dilation, or with a stride the block does not take as its stride argument)"
                        : $"'{stage.Name}' ({string.Join(" · ", stage.Layers.Select(l => l.Name))}: only block uses with stride and dilation parameters can be dilated)";
                    break;
                }
                current /= factor;
                reachable.Add(current);
                plan.Add((stage, factor));
            }

            string reach = "this path reaches " + string.Join(", ", reachable) + (stop is null ? "" : $" (dilating stops at {stop})");
            if (target > natural || natural % target != 0 || !reachable.Contains(target))
            {
                Report(target > natural
                    ? $"is not reachable: the path's own stride is {natural}; dilation only lowers it ({reach})"
                    : $"is not reachable: {reach}");
                return;
            }
            long remaining = natural / target;
            foreach (var (stage, stride) in plan)
            {
                if (remaining == 1) break;
                stage.Layers[0].Dilate = true;
                remaining /= stride;
            }
        }

        /// <summary>The constant stride argument of a use whose block has stride and dilation parameters; null otherwise.</summary>
        private static long? DilatableStride(BoundStage stage, IReadOnlyDictionary<string, DeclarationSpec> blocks)
        {
            if (stage.Form != StageForm.Use) return null;
            var use = stage.Layers[0];
            if (use.BlockName is null || !blocks.TryGetValue(use.BlockName, out var block)) return null;
            int iStride = IndexOf(block.Params, StrideParam);
            if (iStride < 0 || IndexOf(block.Params, DilationParam) < 0) return null;
            var stride = StrideOf(use, block.Params, iStride);
            return stride is not null && stride.IsConstant ? stride.Evaluate(new Dictionary<string, long>(), out _) : null;
        }

        /// <summary>The blocks <paramref name="spec"/> uses, directly or through other blocks.</summary>
        private static IEnumerable<string> UsedBlocks(DeclarationSpec spec, IReadOnlyDictionary<string, DeclarationSpec> blocks)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<DeclarationSpec>();
            pending.Push(spec);
            while (pending.Count > 0)
            {
                foreach (var stage in pending.Pop().Stages)
                {
                    foreach (var layer in stage.Layers)
                    {
                        var arg = layer.Args.FirstOrDefault(a => a.Name == "block");
                        if (arg?.Value.Kind != ArgKind.Type || arg.Value.Text is not { } name || !seen.Add(name)) continue;
                        if (blocks.TryGetValue(name, out var used)) pending.Push(used);
                    }
                }
            }
            return seen;
        }

        private static string ShortName(string? name)
        {
            if (name is null) return "?";
            if (name.StartsWith("global::", StringComparison.Ordinal)) name = name.Substring(8);
            int dot = name.LastIndexOf('.');
            return dot >= 0 ? name.Substring(dot + 1) : name;
        }
    }
}

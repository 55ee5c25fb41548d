using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Binds parsed layer attributes to the layer vocabulary: applies the attribute defaults, converts
    /// arguments to expressions, and checks stage composition. Pure: no Roslyn symbols.
    /// </summary>
    /// <remarks>The defaults here mirror the property initializers of the attribute classes in NetDsl.Runtime;
    /// a test compares the two by reflection.</remarks>
    public static partial class Binder
    {
        public static BoundDeclaration Bind(DeclarationSpec spec, List<DiagnosticInfo> diagnostics)
        {
            var stages = new List<BoundStage>();
            foreach (var stage in spec.Stages)
            {
                var layers = new List<BoundLayer>();
                foreach (var layer in stage.Layers)
                {
                    var bound = BindLayer(spec, stage, layer, diagnostics);
                    if (bound is not null) layers.Add(bound);
                }
                // [Tap] and [Output] modify the stage; they are not layers of it.
                var condition = layers.Find(l => l.Kind == LayerKind.If);
                layers.RemoveAll(l => l.Kind == LayerKind.If);
                var modifiers = layers.FindAll(l => l.Kind is LayerKind.Tap or LayerKind.Output);
                layers.RemoveAll(l => l.Kind is LayerKind.Tap or LayerKind.Output);
                if (modifiers.Count > 0 && !CheckModifiers(spec, stage, layers, modifiers, diagnostics)) continue;
                if (condition is not null && layers.Count == 0 && stage.Layers.Count == 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidStageField, stage.Location, stage.Name,
                        "a stage needs a layer besides [If]: the condition says when the stage's layers exist"));
                    continue;
                }
                var form = DetermineForm(spec, stage, layers, diagnostics);
                if (form is not null)
                    stages.Add(new BoundStage(stage.Name, form.Value, layers, stage.Location)
                    {
                        Tap = modifiers.Find(l => l.Kind == LayerKind.Tap),
                        Condition = condition?.Condition,
                        ConditionLocation = condition?.LocationOf("condition"),
                        Output = modifiers.Find(l => l.Kind == LayerKind.Output),
                    });
            }
            return new BoundDeclaration(spec, stages);
        }

        private static StageForm? DetermineForm(DeclarationSpec spec, StageSpec stage, List<BoundLayer> layers, List<DiagnosticInfo> diagnostics)
        {
            if (layers.Count == 0) return null; // errors already reported
            string where = spec.DisplayName + "." + stage.Name;
            int branches = layers.Count(l => l.Kind == LayerKind.Branch);
            int joins = layers.Count(l => l.Kind == LayerKind.Join);
            if (branches > 0 || joins > 0)
            {
                if (joins != 1 || branches == 0 || branches + joins != layers.Count)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, layers[0].Location ?? stage.Location, where,
                        "a parallel stage needs one or more [Branch] attributes and exactly one [Join], and nothing else"));
                    return null;
                }
                int named = layers.Count(l => l.BranchName is not null);
                if (named != 0 && named != branches)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, layers.First(l => l.Kind == LayerKind.Branch && l.BranchName is null).Location ?? stage.Location, where,
                        "name every branch of the stage (they become children of the enclosing module) or none (the stage's list \"0\", \"1\", ...)"));
                    return null;
                }
                var twice = layers.Where(l => l.BranchName is not null).GroupBy(l => l.BranchName).FirstOrDefault(g => g.Count() > 1);
                if (twice is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, twice.Last().LocationOf("Name") ?? stage.Location, where,
                        $"two branches are named '{twice.Key}'; module names must be distinct"));
                    return null;
                }
                return StageForm.Parallel;
            }
            foreach (var kind in new[] { LayerKind.Use, LayerKind.Shortcut, LayerKind.Add, LayerKind.Concat, LayerKind.Mul })
            {
                var special = layers.FirstOrDefault(l => l.Kind == kind);
                if (special is null) continue;
                if (layers.Count != 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, special.Location ?? stage.Location, where,
                        $"[{kind}] makes up a stage on its own; declare the other layers in a stage of their own"));
                    return null;
                }
                return kind switch
                {
                    LayerKind.Use => StageForm.Use,
                    LayerKind.Shortcut => StageForm.Shortcut,
                    LayerKind.Add => StageForm.Add,
                    LayerKind.Mul => StageForm.Mul,
                    _ => StageForm.Concat,
                };
            }
            var parameter = layers.FirstOrDefault(l => l.Rule is { IsParameter: true });
            if (parameter is not null && (layers.Count != 1 || spec.SequentialBlock))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, parameter.Location ?? stage.Location, where, layers.Count != 1
                    ? $"[{parameter.Name}] is a learnable tensor registered under the stage's name, not a module of a sequence; declare it in a stage of its own"
                    : $"[{parameter.Name}] is a learnable tensor, and a Sequential block holds modules only; declare it in a block that is not Sequential"));
                return null;
            }
            var octave = layers.FirstOrDefault(l => l.Rule is { IsOctave: true });
            var plain = layers.FirstOrDefault(l => l.Rule is not { IsOctave: true } && !OctaveTyping.IsPerFrequency(l));
            if (octave is not null && plain is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OctaveMixing, plain.Location ?? stage.Location, where,
                    $"a stage with an octave conv holds octave modules (an OctaveSequential) and per-frequency layers only; declare [{plain.Name}] in a stage of its own"));
                return null;
            }
            return StageForm.Sequence;
        }

        private static BoundLayer? BindLayer(DeclarationSpec spec, StageSpec stage, LayerSpec layer, List<DiagnosticInfo> diagnostics)
        {
            string where = spec.DisplayName + "." + stage.Name;
            var args = new Dictionary<string, ArgSpec>(StringComparer.Ordinal);
            foreach (var arg in layer.Args) args[arg.Name] = arg;
            if (LayerCatalog.TryGet(layer.Kind, out var rule))
            {
                var bound = new BoundLayer(rule, layer.Location);
                foreach (var arg in layer.Args) bound.ArgLocations[arg.Name] = arg.Location;
                var binding = new LayerBinding(spec, layer, args, where, diagnostics) { Bound = bound };
                rule.Bind(binding, bound);
                return binding.Ok ? bound : null;
            }
            if (layer.Kind == nameof(LayerKind.Layer) || !Enum.TryParse<LayerKind>(layer.Kind, out var kind))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, layer.Location, where,
                    $"[{layer.Kind}] is not a layer NetDsl knows"));
                return null;
            }

            // Composition: blocks, shortcuts, skips, branches, taps. The pipeline's own, not a layer kind.
            var b = new BoundLayer(kind, layer.Location);
            foreach (var arg in layer.Args) b.ArgLocations[arg.Name] = arg.Location;

            bool ok = true;
            bool BoolArg(string name, bool fallback) =>
                args.TryGetValue(name, out var arg) && arg.Value.Kind == ArgKind.Bool ? arg.Value.Number != 0 : fallback;
            int IntArg(string name, int fallback) =>
                args.TryGetValue(name, out var arg) && (arg.Value.Kind == ArgKind.Int || arg.Value.Kind == ArgKind.Enum) ? (int)arg.Value.Number : fallback;

            switch (kind)
            {
                case LayerKind.Use:
                case LayerKind.Branch:
                    if (args.TryGetValue("block", out var block) && block.Value.Kind == ArgKind.Type && block.Value.Text is not null)
                        b.BlockName = block.Value.Text;
                    else if (args.TryGetValue("blockParameter", out var blockParameter))
                    {
                        // [Use("block", ...)]: the block a Type [Param] of this declaration names.
                        var typeParam = spec.Params.FirstOrDefault(p => p.IsType && p.Name == blockParameter.Value.Text);
                        if (typeParam?.TypeDefault is { } chosen) b.BlockName = chosen;
                        else
                        {
                            if (typeParam is null)
                                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, blockParameter.Location ?? layer.Location, where, "block",
                                    $"names no Type [Param] of {spec.DisplayName} (\"{blockParameter.Value.Text}\"; declare `[Param] Type {(IsIdentifier(blockParameter.Value.Text ?? "") ? blockParameter.Value.Text : "block")} = typeof(SomeBlock);`)"));
                            ok = false;
                        }
                    }
                    else
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, block?.Location ?? layer.Location, where, "block", "must be typeof(a [Block] class)"));
                        ok = false;
                    }
                    if (args.TryGetValue("args", out var blockArgs))
                    {
                        var items = blockArgs.Value.Kind == ArgKind.Array ? blockArgs.Value.Items.AsImmutableArray().ToList() : new List<ArgValue> { blockArgs.Value };
                        for (int i = 0; i < items.Count; i++)
                        {
                            var e = ToExpr(spec, new ArgSpec("argument " + (i + 1), items[i], blockArgs.LocationOfItem(i)), where, diagnostics, allowReal: true, copyIndex: kind == LayerKind.Use);
                            if (e is null) ok = false;
                            else b.BlockArgs.Add(new BlockArg(e, blockArgs.LocationOfItem(i)));
                        }
                    }
                    if (args.TryGetValue("FirstArgs", out var firstArgs) && firstArgs.Value.Kind == ArgKind.Array)
                    {
                        b.FirstBlockArgs = new List<BlockArg>();
                        var items = firstArgs.Value.Items.AsImmutableArray();
                        for (int i = 0; i < items.Length; i++)
                        {
                            var e = ToExpr(spec, new ArgSpec("first argument " + (i + 1), items[i], firstArgs.LocationOfItem(i)), where, diagnostics, allowReal: true, copyIndex: true);
                            if (e is null) ok = false;
                            else b.FirstBlockArgs.Add(new BlockArg(e, firstArgs.LocationOfItem(i)));
                        }
                    }
                    b.Repeat = IntArg("Repeat", 1);
                    if (args.TryGetValue("Repeat", out var repeat) && repeat.Value.Kind != ArgKind.Int)
                    {
                        if (spec.Kind == DeclarationKind.Block && repeat.Value.Kind == ArgKind.String)
                        {
                            // A block is emitted once for all its uses: the count is a loop of its constructor, evaluated per use.
                            b.RepeatCount = ToExpr(spec, repeat with { Name = "Repeat" }, where, diagnostics);
                            ok &= b.RepeatCount is not null;
                            // A count out of range at a use is reported where the use sets the parameters it depends on.
                            if (b.RepeatCount is not null) b.ArgExprs["Repeat"] = b.RepeatCount;
                            if (b.RepeatCount is not null && (BoolArg("Inline", false) || kind != LayerKind.Use))
                            {
                                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StructuralParameter, repeat.Location, where,
                                    $"Repeat = {repeat.Value}: the copies of a count known only at construction sit in a Sequential of their own; Inline copies need a number (the children after them are numbered on from it)"));
                                ok = false;
                            }
                        }
                        else if (BindRepeat(spec, repeat, where, diagnostics) is { } count)
                        {
                            b.Repeat = count.Value;
                            b.RepeatExpr = count.Expr;
                        }
                        else ok = false;
                    }
                    if (b.Repeat > MaxRepeat)
                    {
                        // The generated constructor lists every copy (as torchvision's Sequential holds them): bounded.
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ArgumentOutOfRange, b.LocationOf("Repeat"), where,
                            $"Repeat = {b.Repeat} copies is more than the {MaxRepeat} a use may have (each copy is a module the generated constructor builds)"));
                        ok = false;
                    }
                    if (args.TryGetValue("Name", out var branchName) && branchName.Value.Kind == ArgKind.String)
                    {
                        if (kind != LayerKind.Branch || !IsIdentifier(branchName.Value.Text ?? ""))
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, branchName.Location ?? layer.Location, where, "Name",
                                $"must be a module name (letters, digits, '_'), not \"{branchName.Value.Text}\""));
                            ok = false;
                        }
                        else b.BranchName = branchName.Value.Text;
                    }
                    if (args.TryGetValue("Names", out var names) && names.Value.Kind == ArgKind.String && names.Value.Text is { } pattern)
                    {
                        string? problem = null;
                        try
                        {
                            var first = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, 0, 1);
                            var second = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, 1, 2);
                            if (first == second) problem = "names every copy alike; use {0} (from 0) or {1} (from 1)";
                            else if (!IsIdentifier(first) && !first.All(char.IsDigit)) problem = $"gives \"{first}\", not a module name";
                        }
                        catch (FormatException)
                        {
                            problem = "is not a name pattern ({0}: the copy's index from 0, {1}: from 1)";
                        }
                        if (problem is not null)
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, names.Location ?? layer.Location, where, "Names", problem));
                            ok = false;
                        }
                        else b.CopyNames = pattern;
                    }
                    b.Dilate = BoolArg("Dilate", false);
                    b.Inline = BoolArg("Inline", false);
                    if (b.Inline && (!spec.SequentialBlock || kind != LayerKind.Use || args.ContainsKey("Names")))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, b.LocationOf("Inline"), where,
                            "Inline puts the copies among the children of a [Block(Sequential = true)], numbered on from the stage's index; this declaration is not a Sequential block, or the copies are named"));
                        ok = false;
                    }
                    if (b.FirstBlockArgs is not null && !b.Repeated && ok)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, firstArgs!.Location ?? layer.Location, where,
                            "FirstArgs is for a repeated use (Repeat > 1); with one copy, give the arguments directly"));
                        ok = false;
                    }
                    break;
                case LayerKind.Shortcut:
                    b.Projection = IntArg("Projection", 0);
                    break;
                case LayerKind.Add:
                case LayerKind.Concat:
                case LayerKind.Mul:
                    b.EarlierFirst = BoolArg("EarlierFirst", false);
                    if (args.TryGetValue("from", out var from))
                    {
                        var items = from.Value.Kind == ArgKind.Array ? from.Value.Items.AsImmutableArray().ToList() : new List<ArgValue> { from.Value };
                        foreach (var item in items)
                        {
                            if (item.Kind == ArgKind.String && !string.IsNullOrWhiteSpace(item.Text)) b.From.Add(item.Text!.Trim());
                            else
                            {
                                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, from.Location ?? layer.Location, where, "from", "must name earlier stages, e.g. nameof(conv1)"));
                                ok = false;
                            }
                        }
                    }
                    if (b.From.Count == 0 && ok)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, layer.Location, where, "from", "must name at least one earlier stage"));
                        ok = false;
                    }
                    break;
                case LayerKind.Join:
                    b.JoinMode = IntArg("mode", 0);
                    break;
                case LayerKind.If:
                {
                    var text = args.TryGetValue("condition", out var c) && c.Value.Kind == ArgKind.String ? c.Value.Text : null;
                    string? error = null;
                    var parsed = text is null ? null : Condition.Parse(text, out error);
                    if (parsed is null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression, c?.Location ?? layer.Location, where,
                            text is null ? "[If] needs a condition such as \"expand_ratio != 1\"" : $"condition: {error}"));
                        ok = false;
                        break;
                    }
                    var used = new SortedSet<string>(StringComparer.Ordinal);
                    parsed.CollectVariables(used);
                    var known = KnownNames(spec);
                    var unknown = used.FirstOrDefault(n => !known.Contains(n));
                    if (unknown is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression, c!.Location ?? layer.Location, where,
                            $"condition: unknown name '{unknown}' (known: {string.Join(", ", known)})"));
                        ok = false;
                        break;
                    }
                    if (spec.Kind == DeclarationKind.Network)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, layer.Location, where,
                            "[If] belongs to a [Block] (its condition is over the block's parameters); a network's stages are fixed"));
                        ok = false;
                        break;
                    }
                    b.Condition = parsed;
                    break;
                }
                case LayerKind.Tap:
                case LayerKind.Output:
                    ok = BindModifier(kind, args, layer, b, where, diagnostics);
                    break;
            }
            return ok ? b : null;
        }

        /// <summary>The most copies one use may repeat.</summary>
        public const int MaxRepeat = 4096;

        internal static bool IsIdentifier(string text)
        {
            if (text.Length == 0 || !(char.IsLetter(text[0]) || text[0] == '_')) return false;
            foreach (char c in text)
            {
                if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
            }
            return true;
        }

        /// <summary>
        /// <c>Repeat = "layers3"</c>: an expression over a network's parameters, evaluated with their values in this
        /// declaration. Those parameters are then fixed by the declaration (see <see cref="StructuralParameters"/>).
        /// </summary>
        private static (int Value, Expr Expr)? BindRepeat(DeclarationSpec spec, ArgSpec repeat, string where, List<DiagnosticInfo> diagnostics)
        {
            if (repeat.Value.Kind != ArgKind.String)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, repeat.Location, where, "Repeat",
                    $"must be a number of copies or an expression over the network's parameters (\"layers3\"), not {repeat.Value}"));
                return null;
            }
            var expr = ToExpr(spec, repeat with { Name = "Repeat" }, where, diagnostics);
            if (expr is null) return null;
            var env = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var p in spec.Params)
                if (p.Default is int d) env[p.Name] = d;
            var value = expr.Evaluate(env, out var error);
            if (value is null || value < 1 || value > MaxRepeat)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ArgumentOutOfRange, repeat.Location, where, value is null
                    ? $"Repeat = {repeat.Value} cannot be evaluated: {error}"
                    : $"Repeat = {repeat.Value} is {value} copies; a use has 1 to {MaxRepeat}"));
                return null;
            }
            return ((int)value.Value, expr);
        }

        /// <summary>
        /// The parameters fixed by a declaration rather than given to its constructor: Type parameters (they choose the
        /// block) and those a Repeat count depends on (they choose how many modules there are). A variant sets them.
        /// </summary>
        public static HashSet<string> StructuralParameters(BoundDeclaration declaration)
        {
            var names = new HashSet<string>(declaration.Spec.Params.Where(p => p.IsType).Select(p => p.Name), StringComparer.Ordinal);
            foreach (var stage in declaration.Stages)
                foreach (var layer in stage.Layers)
                {
                    if (layer.RepeatExpr is null) continue;
                    var used = new SortedSet<string>(StringComparer.Ordinal);
                    layer.RepeatExpr.CollectVariables(used);
                    names.UnionWith(used);
                }
            return names;
        }

        /// <summary>The names an expression may use: in_channels, then the [Param] fields in declaration order.</summary>
        internal static List<string> KnownNames(DeclarationSpec spec)
        {
            var known = new List<string> { Expr.InChannels };
            foreach (var p in spec.Params) known.Add(p.Name);
            return known;
        }

        /// <summary>Converts an int literal or an expression string into an <see cref="Expr"/>.</summary>
        /// <remarks>
        /// Names are checked here, against the declaration's [Param] fields and in_channels, because a block is
        /// emitted once whatever its uses: an unknown name would otherwise reach the generated C#. In a network,
        /// in_channels is its InChannels and is replaced by that number (the network's code has no such variable).
        /// </remarks>
        /// <remarks>
        /// With <paramref name="allowReal"/> (alphas, block arguments) a double literal is accepted and an expression may
        /// use double [Param]s; elsewhere sizes are integers and a double parameter is reported.
        /// </remarks>
        /// <remarks><paramref name="extraName"/>: one more name the expression may use (a [Module]'s own input channels).</remarks>
        internal static Expr? ToExpr(DeclarationSpec spec, ArgSpec arg, string where, List<DiagnosticInfo> diagnostics, bool allowReal = false, bool copyIndex = false,
            string? extraName = null)
        {
            switch (arg.Value.Kind)
            {
                case ArgKind.Int:
                    return Expr.Num((long)arg.Value.Number);
                case ArgKind.Double when allowReal:
                    return Expr.Real(arg.Value.Number);
                case ArgKind.String:
                    var expr = Expr.Parse(arg.Value.Text ?? "", out var error);
                    if (expr is null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression, arg.Location, where, error));
                        return null;
                    }
                    var names = new SortedSet<string>(StringComparer.Ordinal);
                    expr.CollectVariables(names);
                    var known = KnownNames(spec);
                    // A use's arguments may name the copy's index (a [Param] of that name takes precedence).
                    if (copyIndex && !known.Contains(Expr.CopyIndex)) known.Add(Expr.CopyIndex);
                    if (extraName is not null && !known.Contains(extraName)) known.Add(extraName);
                    var unknown = names.FirstOrDefault(n => !known.Contains(n));
                    if (unknown is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression, arg.Location, where,
                            $"{arg.Name}: unknown name '{unknown}' (known: {string.Join(", ", known)})"));
                        return null;
                    }
                    var typeParam = spec.Params.FirstOrDefault(p => p.IsType && names.Contains(p.Name));
                    if (typeParam is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StructuralParameter, arg.Location, where,
                            $"{arg.Name}: '{typeParam.Name}' is a Type [Param], the block of [Use(\"{typeParam.Name}\", ...)]; it has no numeric value"));
                        return null;
                    }
                    var real = allowReal ? null : spec.Params.FirstOrDefault(p => p.Real && names.Contains(p.Name));
                    if (real is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression, arg.Location, where,
                            $"{arg.Name}: '{real.Name}' is a double [Param]; sizes are integers (double parameters go to AlphaIn, AlphaOut and block arguments)"));
                        return null;
                    }
                    // Double parameters keep the text's tree and true division (Expr.RealVar); integer arithmetic is normalised.
                    var realNames = allowReal ? spec.Params.Where(p => p.Real && names.Contains(p.Name)).Select(p => p.Name).ToList() : null;
                    if (realNames is { Count: > 0 }) expr = Expr.Parse(arg.Value.Text ?? "", realNames, out _)!;
                    if (spec.Kind == DeclarationKind.Network && names.Contains(Expr.InChannels))
                        expr = expr.Substitute(new Dictionary<string, Expr>(StringComparer.Ordinal) { [Expr.InChannels] = Expr.Num(spec.InChannels) });
                    return expr;
                default:
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, arg.Location, where, arg.Name,
                        allowReal ? $"must be a number or an expression string, not {arg.Value}" : $"must be an integer or an expression string, not {arg.Value}"));
                    return null;
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
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
                var modifiers = layers.FindAll(l => l.Kind is LayerKind.Tap or LayerKind.Output);
                layers.RemoveAll(l => l.Kind is LayerKind.Tap or LayerKind.Output);
                if (modifiers.Count > 0 && !CheckModifiers(spec, stage, layers, modifiers, diagnostics)) continue;
                var form = DetermineForm(spec, stage, layers, diagnostics);
                if (form is not null)
                    stages.Add(new BoundStage(stage.Name, form.Value, layers, stage.Location)
                    {
                        Tap = modifiers.Find(l => l.Kind == LayerKind.Tap),
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
                return StageForm.Parallel;
            }
            foreach (var kind in new[] { LayerKind.Use, LayerKind.Shortcut, LayerKind.Add, LayerKind.Concat })
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
                    _ => StageForm.Concat,
                };
            }
            var octave = layers.FirstOrDefault(l => l.Kind == LayerKind.OctConv);
            var plain = layers.FirstOrDefault(l => l.Kind != LayerKind.OctConv && !OctaveTyping.IsPerFrequency(l));
            if (octave is not null && plain is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OctaveMixing, plain.Location ?? stage.Location, where,
                    $"a stage with an octave conv holds octave modules (an OctaveSequential) and per-frequency layers only; declare [{plain.Kind}] in a stage of its own"));
                return null;
            }
            return StageForm.Sequence;
        }

        private static BoundLayer? BindLayer(DeclarationSpec spec, StageSpec stage, LayerSpec layer, List<DiagnosticInfo> diagnostics)
        {
            string where = spec.DisplayName + "." + stage.Name;
            if (!Enum.TryParse<LayerKind>(layer.Kind, out var kind))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidComposition, layer.Location, where,
                    $"[{layer.Kind}] is not a layer NetDsl knows"));
                return null;
            }

            var b = new BoundLayer(kind, layer.Location);
            var args = new Dictionary<string, ArgSpec>(StringComparer.Ordinal);
            foreach (var arg in layer.Args)
            {
                args[arg.Name] = arg;
                b.ArgLocations[arg.Name] = arg.Location;
            }

            bool ok = true;
            Expr? ExprArg(string name, long? fallback, bool required = false)
            {
                if (!args.TryGetValue(name, out var arg) || arg.Value.Kind == ArgKind.Null)
                {
                    // A required size left null (the attribute takes `object`) would otherwise stop inference silently.
                    if (required)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, arg?.Location ?? layer.Location, where,
                            name, arg is null ? "is required" : "must be an integer or an expression string, not null"));
                        ok = false;
                    }
                    return fallback is null ? null : Expr.Num(fallback.Value);
                }
                var e = ToExpr(spec, arg, where, diagnostics);
                if (e is null) ok = false;
                return e;
            }
            Expr? RealArg(string name, double fallback)
            {
                if (!args.TryGetValue(name, out var arg) || arg.Value.Kind == ArgKind.Null) return Expr.Real(fallback);
                var e = ToExpr(spec, arg, where, diagnostics, allowReal: true);
                if (e is null) ok = false;
                return e;
            }
            bool BoolArg(string name, bool fallback) =>
                args.TryGetValue(name, out var arg) && arg.Value.Kind == ArgKind.Bool ? arg.Value.Number != 0 : fallback;
            double DoubleArg(string name, double fallback) =>
                args.TryGetValue(name, out var arg) && (arg.Value.Kind == ArgKind.Double || arg.Value.Kind == ArgKind.Int) ? arg.Value.Number : fallback;
            int IntArg(string name, int fallback) =>
                args.TryGetValue(name, out var arg) && (arg.Value.Kind == ArgKind.Int || arg.Value.Kind == ArgKind.Enum) ? (int)arg.Value.Number : fallback;

            switch (kind)
            {
                case LayerKind.Conv:
                case LayerKind.ConvTranspose:
                    b.Out = ExprArg("outChannels", null, required: true);
                    b.Kernel = ExprArg("Kernel", 3);
                    b.Stride = ExprArg("Stride", 1);
                    b.Dilation = ExprArg("Dilation", 1);
                    b.Groups = ExprArg("Groups", 1);
                    b.Bias = BoolArg("Bias", true);
                    b.In = ExprArg("In", null);
                    if (kind == LayerKind.ConvTranspose) b.OutputPadding = ExprArg("OutputPadding", 0);
                    if (args.TryGetValue("Padding", out var padding) && padding.Value.Kind == ArgKind.String &&
                        padding.Value.Text is string text && (text.Trim() == "same" || text.Trim() == "valid"))
                    {
                        if (kind == LayerKind.ConvTranspose)
                        {
                            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, padding.Location ?? layer.Location, where,
                                "Padding", $"\"{text}\" is only supported by Conv; give a number"));
                            ok = false;
                        }
                        b.PaddingSame = text.Trim() == "same";
                        b.Padding = Expr.Num(0);
                    }
                    else if (padding is { Value: { Kind: ArgKind.String, Text: string word } } && IsIdentifier(word.Trim()) && !KnownNames(spec).Contains(word.Trim()))
                    {
                        // A single unknown word is a padding keyword NetDsl does not know, not an expression.
                        string accepted = kind == LayerKind.Conv ? "a number, \"same\"" + (spec.Kind == DeclarationKind.Block ? ", \"valid\"" : " or \"valid\"") : "a number";
                        if (spec.Kind == DeclarationKind.Block) accepted += " or an expression over the block's parameters";
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, padding.Location ?? layer.Location, where,
                            "Padding", $"must be {accepted}, not \"{word}\""));
                        ok = false;
                    }
                    else
                    {
                        b.Padding = ExprArg("Padding", 0);
                    }
                    break;
                case LayerKind.BatchNorm:
                    b.Eps = DoubleArg("Eps", 1e-5);
                    b.Momentum = DoubleArg("Momentum", 0.1);
                    b.In = ExprArg("In", null);
                    break;
                case LayerKind.ReLU:
                case LayerKind.ReLU6:
                    b.Inplace = BoolArg("Inplace", false);
                    break;
                case LayerKind.LeakyReLU:
                    b.Slope = DoubleArg("Slope", 0.01);
                    b.Inplace = BoolArg("Inplace", false);
                    break;
                case LayerKind.MaxPool:
                case LayerKind.AvgPool:
                    b.Kernel = ExprArg("kernel", null, required: true);
                    b.Stride = ExprArg("Stride", 0);
                    b.Padding = ExprArg("Padding", 0);
                    b.Dilation = ExprArg("Dilation", 1);
                    b.CeilMode = BoolArg("CeilMode", false);
                    b.CountIncludePad = BoolArg("CountIncludePad", true);
                    break;
                case LayerKind.AdaptiveAvgPool:
                case LayerKind.AdaptiveMaxPool:
                    b.Size = ExprArg("size", null, required: true);
                    break;
                case LayerKind.Linear:
                    b.Out = ExprArg("outFeatures", null, required: true);
                    b.Bias = BoolArg("Bias", true);
                    b.In = ExprArg("In", null);
                    break;
                case LayerKind.Dropout:
                    b.P = args.ContainsKey("p") ? DoubleArg("p", 0.5) : DoubleArg("P", 0.5);
                    if (args.TryGetValue("p", out var pl)) b.ArgLocations["P"] = pl.Location;
                    b.Channelwise = BoolArg("Channelwise", false);
                    break;
                case LayerKind.Upsample:
                    b.Scale = args.ContainsKey("scale") ? ExprArg("scale", 0) : ExprArg("Scale", 0);
                    if (args.TryGetValue("scale", out var sl)) b.ArgLocations["Scale"] = sl.Location;
                    b.UpHeight = ExprArg("Height", 0);
                    b.UpWidth = ExprArg("Width", 0);
                    b.UpsampleMode = IntArg("Mode", 0);
                    b.AlignCorners = BoolArg("AlignCorners", false);
                    break;
                case LayerKind.Use:
                case LayerKind.Branch:
                    if (args.TryGetValue("block", out var block) && block.Value.Kind == ArgKind.Type && block.Value.Text is not null)
                        b.BlockName = block.Value.Text;
                    else
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, layer.Location, where, "block", "must be typeof(a [Block] class)"));
                        ok = false;
                    }
                    if (args.TryGetValue("args", out var blockArgs))
                    {
                        var items = blockArgs.Value.Kind == ArgKind.Array ? blockArgs.Value.Items.AsImmutableArray().ToList() : new List<ArgValue> { blockArgs.Value };
                        for (int i = 0; i < items.Count; i++)
                        {
                            var e = ToExpr(spec, new ArgSpec("argument " + (i + 1), items[i], blockArgs.Location), where, diagnostics, allowReal: true);
                            if (e is null) ok = false;
                            else b.BlockArgs.Add(new BlockArg(e, blockArgs.Location));
                        }
                    }
                    if (args.TryGetValue("FirstArgs", out var firstArgs) && firstArgs.Value.Kind == ArgKind.Array)
                    {
                        b.FirstBlockArgs = new List<BlockArg>();
                        var items = firstArgs.Value.Items.AsImmutableArray();
                        for (int i = 0; i < items.Length; i++)
                        {
                            var e = ToExpr(spec, new ArgSpec("first argument " + (i + 1), items[i], firstArgs.Location), where, diagnostics, allowReal: true);
                            if (e is null) ok = false;
                            else b.FirstBlockArgs.Add(new BlockArg(e, firstArgs.Location));
                        }
                    }
                    b.Repeat = IntArg("Repeat", 1);
                    b.Dilate = BoolArg("Dilate", false);
                    if (b.FirstBlockArgs is not null && b.Repeat == 1 && ok)
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
                case LayerKind.Tap:
                case LayerKind.Output:
                    ok = BindModifier(kind, args, layer, b, where, diagnostics);
                    break;
                case LayerKind.Downsample:
                    b.DownsampleKind = IntArg("kind", 0);
                    b.Out = ExprArg("Out", 0);
                    b.WithReLU = BoolArg("ReLU", true);
                    break;
                case LayerKind.SPP:
                    if (args.TryGetValue("bins", out var bins) && bins.Value.Kind == ArgKind.Array)
                        foreach (var item in bins.Value.Items) b.Bins.Add((long)item.Number);
                    if (b.Bins.Count == 0) b.Bins.AddRange(new long[] { 4, 2, 1 });
                    b.PoolMode = IntArg("Mode", 0);
                    break;
                case LayerKind.ASPP:
                    if (args.TryGetValue("rates", out var rates) && rates.Value.Kind == ArgKind.Array)
                        foreach (var item in rates.Value.Items) b.Bins.Add((long)item.Number);
                    b.Out = ExprArg("Out", 256);
                    break;
                case LayerKind.DeepLabHead:
                    b.Bins.AddRange(new long[] { 12, 24, 36 });
                    b.Out = ExprArg("numClasses", null);
                    break;
                case LayerKind.FCNHead:
                    b.Out = ExprArg("channels", null);
                    break;
                case LayerKind.OctConv:
                    b.Out = ExprArg("outChannels", null, required: true);
                    b.Kernel = ExprArg("Kernel", 3);
                    b.Stride = ExprArg("Stride", 1);
                    b.Padding = ExprArg("Padding", 0);
                    b.Dilation = ExprArg("Dilation", 1);
                    b.Groups = ExprArg("Groups", 1);
                    b.Bias = BoolArg("Bias", false);
                    b.In = ExprArg("In", null);
                    b.AlphaIn = RealArg("AlphaIn", 0.5);
                    b.AlphaOut = RealArg("AlphaOut", 0.5);
                    b.OctBatchNorm = BoolArg("BatchNorm", false);
                    b.OctReLU = BoolArg("ReLU", false);
                    if (b.OctReLU && !b.OctBatchNorm)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownAttributeArgument, b.LocationOf("ReLU"), where, "ReLU",
                            "needs BatchNorm = true (the pair is d-li14's Conv_BN_ACT); for a ReLU straight after the convolution, declare [ReLU] in a stage of its own"));
                        ok = false;
                    }
                    break;
                case LayerKind.SeparableConv:
                case LayerKind.DSPP:
                case LayerKind.MDSPP:
                case LayerKind.ASPPv2:
                    ok = BindPyramid(spec, layer, b, args, where, diagnostics) && ok;
                    break;
                case LayerKind.WTConv:
                    b.Out = ExprArg("outChannels", null);
                    b.Kernel = ExprArg("Kernel", 5);
                    b.Stride = ExprArg("Stride", 1);
                    b.Bias = BoolArg("Bias", true);
                    b.Levels = ExprArg("Levels", 1);
                    if (args.TryGetValue("Wavelet", out var wavelet) && wavelet.Value.Kind == ArgKind.String && wavelet.Value.Text is not null)
                        b.WaveletName = wavelet.Value.Text;
                    break;
            }
            return ok ? b : null;
        }

        private static bool IsIdentifier(string text)
        {
            if (text.Length == 0 || !(char.IsLetter(text[0]) || text[0] == '_')) return false;
            foreach (char c in text)
            {
                if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
            }
            return true;
        }

        /// <summary>The names an expression may use: in_channels, then the [Param] fields in declaration order.</summary>
        private static List<string> KnownNames(DeclarationSpec spec)
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
        private static Expr? ToExpr(DeclarationSpec spec, ArgSpec arg, string where, List<DiagnosticInfo> diagnostics, bool allowReal = false)
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
                    var unknown = names.FirstOrDefault(n => !known.Contains(n));
                    if (unknown is not null)
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression, arg.Location, where,
                            $"{arg.Name}: unknown name '{unknown}' (known: {string.Join(", ", known)})"));
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

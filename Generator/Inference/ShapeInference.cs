using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;
using Value = NetDsl.Generator.Layers.LayerValue;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Compile-time shape inference: walks a network's stages (and the blocks it uses, per use) and computes
    /// every tensor shape, parameter count, multiply-adds and receptive field, collecting diagnostics on the
    /// way. Plain C#: it sees only the parsed model, never Roslyn.
    /// </summary>
    /// <remarks>
    /// Symbolic sizes (Height or Width 0) are affine in t = H / M (see <see cref="Dim"/>). When a strided layer
    /// needs the coefficient of t to divide its stride, the axis modulus M is raised and inference restarts;
    /// this converges because M only grows (to the product of the strides at most).
    /// </remarks>
    public sealed partial class ShapeInference
    {
        private const int MaxRestarts = 64;

        private readonly IReadOnlyDictionary<string, DeclarationSpec> _blocks;
        private readonly InferenceResult _result = new InferenceResult();
        private readonly long _modH;
        private readonly long _modW;
        private long _minTH = 1;
        private long _minTW = 1;
        private string _networkName = "";

        private ShapeInference(IReadOnlyDictionary<string, DeclarationSpec> blocks, long modH, long modW)
        {
            _blocks = blocks;
            _modH = modH;
            _modW = modW;
        }

        /// <summary>Infers the shapes of <paramref name="network"/>; <paramref name="blocks"/> maps block names (global::-qualified) to their specs.</summary>
        public static InferenceResult Infer(DeclarationSpec network, IReadOnlyDictionary<string, DeclarationSpec> blocks) =>
            Infer(network, blocks, relax: true);

        /// <param name="relax">Check the sizes between the period's multiples (not for the fixed-size runs that check them).</param>
        private static InferenceResult Infer(DeclarationSpec network, IReadOnlyDictionary<string, DeclarationSpec> blocks, bool relax)
        {
            long modH = 1, modW = 1;
            for (int attempt = 0; attempt < MaxRestarts; attempt++)
            {
                var engine = new ShapeInference(blocks, modH, modW);
                try
                {
                    var result = engine.Run(network);
                    result.HeightMultiple = result.ModulusH;
                    result.WidthMultiple = result.ModulusW;
                    if (result.Completed) engine.ReportMemory(network);
                    if (relax && result.Completed) Relax(network, blocks, result);
                    return result;
                }
                catch (ModulusRestart restart)
                {
                    modH = restart.ModulusH;
                    modW = restart.ModulusW;
                }
                catch (OverflowException)
                {
                    // A count outside a layer (a total, a container sum, a block use, a size modulus) overflowed.
                    engine.ReportNetworkOverflow(network);
                    engine._result.Completed = false;
                    return engine._result;
                }
            }
            var failed = new InferenceResult();
            failed.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, network.Location, network.DisplayName,
                "the symbolic size constraints did not converge; give Height and Width on [Network]"));
            return failed;
        }

        private sealed class ModulusRestart : Exception
        {
            public ModulusRestart(long h, long w)
            {
                ModulusH = h;
                ModulusW = w;
            }

            public long ModulusH { get; }
            public long ModulusW { get; }
        }

        internal sealed class Scope
        {
            public Scope(BoundDeclaration declaration, Dictionary<string, long> env, Dictionary<string, double> realEnv, string prefix, int depth,
                List<string> stack, bool top, bool octave)
            {
                Declaration = declaration;
                Env = env;
                RealEnv = realEnv;
                Octave = octave;
                Prefix = prefix;
                Depth = depth;
                Stack = stack;
                Top = top;
            }

            public BoundDeclaration Declaration { get; }
            public Dictionary<string, long> Env { get; }
            /// <summary>Every parameter as a real (int ones too), for alphas and double parameters.</summary>
            public Dictionary<string, double> RealEnv { get; }
            /// <summary>Whether the declaration's module works on octave pairs (it has an octave layer or uses an octave block).</summary>
            public bool Octave { get; }
            public string Prefix { get; }
            public int Depth { get; }
            public List<string> Stack { get; }
            public bool Top { get; }
            public bool IsBlock => Declaration.Spec.Kind == DeclarationKind.Block;

            /// <summary>Where each parameter of this block's use was written (the use's argument, or, through nested uses,
            /// the outermost argument it came from); a parameter left at its default has none.</summary>
            public Dictionary<string, LocationInfo> UseLocations { get; } = new Dictionary<string, LocationInfo>(StringComparer.Ordinal);

            /// <summary>In a Sequential block: the index of the stage being inferred (where inline copies start).</summary>
            public int InlineBase { get; set; }

            /// <summary>The current run of stride-1 convolutions with one odd kernel size, for the gridding check.</summary>
            public List<(long Kernel, long Dilation, BoundLayer Layer, string Where)> DilatedRun { get; } = new List<(long, long, BoundLayer, string)>();
        }

        private InferenceResult Run(DeclarationSpec network)
        {
            _networkName = network.DisplayName;
            _result.ModulusH = _modH;
            _result.ModulusW = _modW;
            if (network.InChannels < 1 || network.Height < 0 || network.Width < 0)
            {
                Report(DiagnosticDescriptors.ArgumentOutOfRange, network.Location, network.DisplayName,
                    $"[Network] needs InChannels >= 1 and Height, Width >= 0 (0 = symbolic); got InChannels = {network.InChannels}, Height = {network.Height}, Width = {network.Width}");
                return _result;
            }

            var bound = Bind(network);
            if (!CheckOutputs(bound)) return _result;
            var input = new Value
            {
                Shape = new TensorShape(network.InChannels,
                    network.Height > 0 ? Dim.Known(network.Height) : new Dim(_modH, 0),
                    network.Width > 0 ? Dim.Known(network.Width) : new Dim(_modW, 0)),
                Rf = 1,
                Jump = 1,
                PathStride = 1,
            };
            _result.Input = input.Shape;
            var top = new SummaryRow(network.ClassName, 0, network.ClassName) { InputShape = Fmt(input.Shape) };
            top.IsContainer = true;
            _result.Rows.Add(top);

            var env = new Dictionary<string, long>(StringComparer.Ordinal) { [Expr.InChannels] = network.InChannels };
            var realEnv = new Dictionary<string, double>(StringComparer.Ordinal) { [Expr.InChannels] = network.InChannels };
            // A network's [Param]s: the summary is for their defaults (the constructor checks other values).
            foreach (var p in network.Params)
            {
                if (p.Default is int d) env[p.Name] = d;
                if (((double?)p.Default ?? p.RealDefault) is double r) realEnv[p.Name] = r;
            }
            var scope = new Scope(bound, env, realEnv, "", 1, new List<string> { network.MetadataName }, top: true, octave: false);
            var output = RunDeclaration(scope, input);
            if (output is null) return _result;
            output = MainOutput(bound, output.Value);
            if (output.Value.Shape.IsOctave)
            {
                // Where the pair is left: the main path's last stage (its octave conv's AlphaOut, when it has one).
                var last = bound.Stages.TakeWhile(s => s.Tap is null).LastOrDefault();
                var octave = last?.Layers.LastOrDefault(l => l.Rule is { IsOctave: true });
                var at = octave?.LocationOf("AlphaOut") ?? last?.Layers[0].Location ?? network.Location;
                Report(DiagnosticDescriptors.OctaveMixing, at, network.DisplayName,
                    $"the network ends with the octave pair {Fmt(output.Value.Shape)}; end the octave part with an octave conv of AlphaOut = 0, which merges it into a plain tensor");
                return _result;
            }

            _result.Output = output.Value.Shape;
            top.OutputShape = Fmt(output.Value.Shape);
            top.ReceptiveField = output.Value.Global ? null : output.Value.Rf;
            _result.MinHeight = _modH * _minTH;
            _result.MinWidth = _modW * _minTW;
            ComputeContainerTotals();
            _result.TotalParams = top.Params;
            _result.TotalMacs = top.Macs;
            _result.ReceptiveField = top.ReceptiveField;
            _result.Completed = !_result.HasErrors;
            return _result;
        }

        private void ComputeContainerTotals()
        {
            var rows = _result.Rows;
            for (int i = rows.Count - 1; i >= 0; i--)
            {
                var row = rows[i];
                if (!row.IsContainer) continue;
                long p = 0;
                long? m = 0;
                for (int j = i + 1; j < rows.Count && rows[j].Depth > row.Depth; j++)
                {
                    if (rows[j].Depth != row.Depth + 1) continue;
                    p += rows[j].Params;
                    m = m is null || rows[j].Macs is null ? null : m + rows[j].Macs;
                }
                row.Params = p;
                row.Macs = m;
            }
        }

        private BoundDeclaration Bind(DeclarationSpec spec)
        {
            if (_result.Bound.TryGetValue(spec.MetadataName, out var bound)) return bound;
            var diagnostics = new List<DiagnosticInfo>();
            bound = Binder.Bind(spec, diagnostics, _blocks);
            _result.Diagnostics.AddRange(diagnostics);
            _result.Bound[spec.MetadataName] = bound;
            return bound;
        }

        internal string Fmt(TensorShape shape) => shape.Format(_modH, _modW);

        internal long ModH => _modH;
        internal long ModW => _modW;

        internal void AddRow(SummaryRow row) => _result.Rows.Add(row);

        internal void AddMacTerm(MacTerm term) => _result.MacTerms.Add(term);

        internal void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params object?[] args)
        {
            var info = DiagnosticInfo.Create(descriptor, location, args);
            if (!_result.Diagnostics.Contains(info)) _result.Diagnostics.Add(info);
        }

        private Value? RunDeclaration(Scope scope, Value input)
        {
            var outputs = new Dictionary<string, Value>(StringComparer.Ordinal);
            var declarationInput = input;
            declarationInput.PathStride = 1;
            var v = declarationInput;
            outputs[BoundLayer.InputName] = declarationInput;
            int present = 0;
            var memory = new DeclarationMemory(scope.Declaration);
            for (int index = 0; index < scope.Declaration.Stages.Count; index++)
            {
                var stage = scope.Declaration.Stages[index];
                string where = _networkName + "." + scope.Prefix + stage.Name;
                if (stage.Condition is not null)
                {
                    var holds = stage.Condition.Evaluate(scope.Env, out var conditionError);
                    if (holds is null)
                    {
                        Report(DiagnosticDescriptors.InvalidExpression, stage.ConditionLocation ?? stage.Location, where, "condition: " + conditionError);
                        return null;
                    }
                    // An absent stage has no module and takes no index in a Sequential block (torchvision's conditional layers).
                    if (!holds.Value) continue;
                }
                // The module's registered name: "0", "1", ... in a Sequential block (as the emitter names them).
                string path;
                if (scope.Declaration.Spec.SequentialBlock)
                {
                    scope.InlineBase = present;
                    bool inline = stage.Form == StageForm.Use && stage.Layers[0] is { Inline: true, Repeat: > 1 };
                    // Inline copies are the block's children "2", "3", ...: the stage's row names them as a range.
                    path = scope.Prefix + (inline
                        ? present.ToString(CultureInfo.InvariantCulture) + ".." + (present + stage.Layers[0].Repeat - 1).ToString(CultureInfo.InvariantCulture)
                        : present.ToString(CultureInfo.InvariantCulture));
                    present += inline ? stage.Layers[0].Repeat : 1;
                }
                else path = scope.Prefix + stage.Name;
                if (stage.Tap is not null) memory.Close(); // the side heads run in forward_all
                if (stage.Tap is not null && !ReadTap(scope, stage, ref v)) return null;
                var row = new SummaryRow(path, scope.Depth, "") { InputShape = Fmt(v.Shape) };
                _result.Rows.Add(row);
                if (scope.Top) _result.StageInputs[stage.Name] = v.Shape;

                Value? next;
                var layerOutputs = new List<TensorShape>();
                if (stage.Form != StageForm.Sequence) FlushDilatedRun(scope);
                switch (stage.Form)
                {
                    case StageForm.Sequence:
                        if (stage.Layers.Count == 1)
                        {
                            next = ApplyLayer(scope, stage.Layers[0], v, row, where);
                            if (next is not null) layerOutputs.Add(next.Value.Shape);
                        }
                        else
                        {
                            row.Kind = "Sequential";
                            row.IsContainer = true;
                            next = v;
                            for (int i = 0; i < stage.Layers.Count && next is not null; i++)
                            {
                                var child = new SummaryRow(path + "." + i.ToString(CultureInfo.InvariantCulture), scope.Depth + 1, "") { InputShape = Fmt(next.Value.Shape) };
                                _result.Rows.Add(child);
                                next = ApplyLayer(scope, stage.Layers[i], next.Value, child, where);
                                if (next is not null)
                                {
                                    layerOutputs.Add(next.Value.Shape);
                                    child.OutputShape = Fmt(next.Value.Shape);
                                    child.ReceptiveField = next.Value.Global ? null : next.Value.Rf;
                                    RecordTappable(scope, child.Path, next.Value, child.Kind);
                                }
                            }
                        }
                        break;
                    case StageForm.Use:
                        next = ApplyUse(scope, stage.Layers[0], v, row, path, where);
                        break;
                    case StageForm.Shortcut:
                        next = ApplyShortcut(scope, stage.Layers[0], v, declarationInput, row, path, where);
                        break;
                    case StageForm.Add:
                    case StageForm.Concat:
                    case StageForm.Mul:
                        next = ApplySkip(scope, stage.Layers[0], v, outputs, row, where);
                        break;
                    case StageForm.Parallel:
                        next = ApplyParallel(scope, stage, v, row, path, where);
                        break;
                    default:
                        next = null;
                        break;
                }
                if (next is null) return null;
                memory.Add(stage, stage.Form switch
                {
                    StageForm.Use or StageForm.Parallel => _stageMemory,
                    StageForm.Shortcut => ShortcutMemory(_shortcutProjected, memory.InPlace(stage), next.Value.Shape),
                    _ => StageMemory(stage, layerOutputs, next.Value.Shape),
                });
                v = next.Value;
                row.OutputShape = Fmt(v.Shape);
                row.ReceptiveField = v.Global ? null : v.Rf;
                outputs[stage.Name] = v;
                RecordStage(scope, stage, path, row, v);
                if (scope.Top) _result.StageOutputs[stage.Name] = v.Shape;
            }
            FlushDilatedRun(scope);
            _declarationMemory = memory.Finish();
            if (scope.Top)
            {
                _result.PeakActivation = _declarationMemory.Extra;
                _result.PeakActivationBytes = _declarationMemory.Extra?.Known;
            }
            return v;
        }

        internal void Record(Scope scope, BoundLayer layer, TensorShape input, TensorShape output, Action<LayerFacts>? extra = null)
        {
            if (!scope.Top) return;
            if (!_result.Facts.TryGetValue(layer, out var facts))
            {
                facts = new LayerFacts();
                _result.Facts[layer] = facts;
            }
            facts.Input = input;
            facts.Output = output;
            extra?.Invoke(facts);
        }

        /// <summary>
        /// Where a diagnostic on <paramref name="argument"/> of <paramref name="layer"/> belongs: on the argument, unless its
        /// value comes from a block parameter that the use set; then on that argument of the use (a -8 passed to a block
        /// whose conv takes it as channels is reported on the -8, not inside the block). Range checks use it; an expression
        /// that cannot be evaluated at all stays on the expression.
        /// </summary>
        internal LocationInfo? LocationOf(Scope scope, BoundLayer layer, string argument)
        {
            if (scope.UseLocations.Count > 0 && layer.ArgExprs.TryGetValue(argument, out var expr))
            {
                var names = new SortedSet<string>(StringComparer.Ordinal);
                expr.CollectVariables(names);
                foreach (var name in names)
                    if (scope.UseLocations.TryGetValue(name, out var use)) return use;
            }
            return layer.LocationOf(argument);
        }

        internal bool TryEval(Scope scope, BoundLayer layer, string argument, Expr? expr, string where, out long value)
        {
            value = 0;
            if (expr is null) return false;
            var result = expr.Evaluate(scope.Env, out var error);
            if (result is null)
            {
                // An expression that cannot be evaluated (overflow, division by zero) is the expression's fault: reported on it.
                Report(DiagnosticDescriptors.InvalidExpression, layer.LocationOf(argument), where, $"{argument}: {error}");
                return false;
            }
            value = result.Value;
            // The generated code computes the expression in C# int: an intermediate beyond int would wrap there.
            if (!expr.IsConstant && expr.LargestIntermediate(scope.Env) is var largest && largest > int.MaxValue && Math.Abs(value) <= int.MaxValue)
            {
                Report(DiagnosticDescriptors.ValueBeyondInt, layer.LocationOf(argument), where, $"an intermediate value of {argument}",
                    largest == long.MaxValue ? "beyond 64 bits" : largest.ToString("N0", CultureInfo.InvariantCulture),
                    "the generated code's int arithmetic");
                return false;
            }
            return true;
        }

        internal bool Check(Scope scope, bool condition, BoundLayer layer, string argument, string where, string message)
        {
            if (!condition) Report(DiagnosticDescriptors.ArgumentOutOfRange, LocationOf(scope, layer, argument), where, message);
            return condition;
        }

        internal bool RequireMap(Value v, BoundLayer layer, string where, string what)
        {
            if (v.Shape.Rank == Rank.Map && !v.Shape.ChannelsLast) return true;
            Report(DiagnosticDescriptors.RankMismatch, layer.Location, where, v.Shape.Rank == Rank.Map
                ? $"{what} needs an [N, C, H, W] feature map but receives the channels-last {Fmt(v.Shape)}; permute it back first with [Permute(0, 3, 1, 2)]"
                : $"{what} needs an [N, C, H, W] feature map but receives the flat {Fmt(v.Shape)}");
            return false;
        }

        private Value? ApplyLayer(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            Value? result;
            try
            {
                result = ApplyLayerCore(scope, layer, v, row, where);
            }
            catch (OverflowException)
            {
                // Checked arithmetic (see ShapeInference.Limits.cs): a count of this layer does not fit 64 bits.
                ReportLayerOverflow(scope, layer, v, where);
                return null;
            }
            if (result is null || !CheckRepresentable(scope, layer, result.Value, where)) return null;
            TrackDilatedRun(scope, layer, where);
            return result;
        }

        private Value? ApplyLayerCore(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            var shape = v.Shape;
            if (shape.IsOctave && !AcceptsOctave(layer))
            {
                Report(DiagnosticDescriptors.OctaveMixing, layer.Location, where,
                    $"[{layer.Name}] is a plain layer but receives the octave pair {Fmt(shape)}; end the octave part first with an octave conv of AlphaOut = 0");
                return null;
            }
            if (layer.Rule is not { } rule)
            {
                Report(DiagnosticDescriptors.InvalidComposition, layer.Location, where, $"[{layer.Kind}] cannot be part of a layer sequence");
                return null;
            }
            return rule.Infer(new LayerInference(this, scope, layer, v, row, where));
        }

        /// <summary>
        /// Extends or ends the run of consecutive stride-1 convolutions used by the gridding check. Layers that act
        /// per pixel (BN, activations, dropout, 1x1 convs) do not end a run; anything that resamples does.
        /// </summary>
        private void TrackDilatedRun(Scope scope, BoundLayer layer, string where)
        {
            var run = scope.DilatedRun;
            long k = 0, s = 0, d = 0;
            var role = layer.Rule?.Gridding(layer, scope.Env, out k, out s, out d) ?? GriddingRole.EndsRun;
            if (role == GriddingRole.PerPixel) return;
            if (role == GriddingRole.EndsRun)
            {
                FlushDilatedRun(scope);
                return;
            }
            if (k == 1 && s == 1) return;
            if (s != 1 || k % 2 == 0)
            {
                FlushDilatedRun(scope);
                return;
            }
            if (run.Count > 0 && run[0].Kernel != k) FlushDilatedRun(scope);
            run.Add((k, d, layer, where));
        }

        /// <summary>
        /// The exact gridding test (HDC, Wang et al. 2018): the offsets a stack of dilated k x k convolutions reaches
        /// along one axis are the sums r_1 t_1 + ... + r_n t_n with |t_i| &lt;= (k-1)/2; the stack sees every pixel of
        /// its receptive field iff that set is an interval. Holes are reported with HDC's M_2 value and any common factor.
        /// The set is computed as intervals (<see cref="GriddingReach"/>): bounded by the number of layers, not by the rates.
        /// </summary>
        private void FlushDilatedRun(Scope scope)
        {
            var run = scope.DilatedRun;
            if (run.Count >= 2 && run.Exists(r => r.Dilation > 1))
            {
                long k = run[0].Kernel;
                var rates = run.Select(r => r.Dilation).ToList();
                var reach = GriddingReach.Analyse(k, rates);
                if (reach is { Holes: > 0 })
                {
                    long gcd = rates.Aggregate(0L, ShapeMath.Gcd);
                    long m = rates[rates.Count - 1];
                    for (int i = rates.Count - 2; i >= 1; i--)
                        m = Math.Max(Math.Max(m - 2 * rates[i], m - 2 * (m - rates[i])), rates[i]);
                    string hint = (gcd > 1 ? $"the rates share the factor {gcd}; " : "") +
                        $"HDC's M2 = {m}" + (m > k ? $" > {k}" : "") + "; rates without a common factor, such as 1, 2, 5, cover every pixel";
                    var last = run[run.Count - 1];
                    string shown = string.Join(", ", reach.FirstHoles.Select(h => "±" + h.ToString(CultureInfo.InvariantCulture))) + (reach.Holes > reach.FirstHoles.Count ? ", ..." : "");
                    Report(DiagnosticDescriptors.Gridding, last.Layer.LocationOf("Dilation"), last.Where,
                        string.Join(", ", rates), k, 2 * reach.Holes, 2 * reach.Extent + 1, shown, hint);
                }
            }
            run.Clear();
        }

        /// <summary>NDSL0032: a 3x3 (or larger) kernel dilated at least as far as the map reaches only padding with its outer taps.</summary>
        internal void ReportDegenerateDilation(BoundLayer layer, string argument, string where, TensorShape shape, long rate, string subject)
        {
            var axes = new List<string>();
            if (shape.Height.IsKnown && rate >= shape.Height.Offset) axes.Add($"height {shape.Height.Offset}");
            if (shape.Width.IsKnown && rate >= shape.Width.Offset) axes.Add($"width {shape.Width.Offset}");
            if (axes.Count > 0)
                Report(DiagnosticDescriptors.DegenerateDilation, layer.LocationOf(argument), where, rate, string.Join(" and ", axes),
                    axes.Count == 2 ? subject + " acts as a 1x1 convolution" : subject + " degenerates along that axis");
        }

        /// <summary>ceil(x / 2): one wavelet level (odd sizes padded to even first).</summary>
        internal Dim HalveCeil(Dim x, bool isHeight)
        {
            if (x.IsKnown) return Dim.Known(ShapeMath.CeilDiv(x.Offset, 2));
            if (x.Coef % 2 != 0)
                throw isHeight ? new ModulusRestart(_modH * 2, _modW) : new ModulusRestart(_modH, _modW * 2);
            return new Dim(x.Coef / 2, ShapeMath.CeilDiv(x.Offset, 2));
        }

        internal void ReportOddSizes(BoundLayer layer, string where, string stage, TensorShape shape, string what)
        {
            var odd = new List<string>();
            // A symbolic size is odd for every input when its coefficient is even and its offset odd.
            if (shape.Height.Coef % 2 == 0 && shape.Height.Offset % 2 != 0) odd.Add("the height");
            if (shape.Width.Coef % 2 == 0 && shape.Width.Offset % 2 != 0) odd.Add("the width");
            if (odd.Count > 0)
                Report(DiagnosticDescriptors.OddSizeWavelet, layer.Location, where, Fmt(shape), string.Join(" and ", odd), what);
        }

        /// <summary>
        /// Output size of a sliding window (conv or pool) along one axis; reports kernel-too-large for known
        /// sizes and collects min-size constraints (and raises the modulus) for symbolic ones.
        /// </summary>
        internal Dim? WindowDim(Dim x, long k, long s, long p, long d, bool ceilMode, bool isHeight, BoundLayer layer, string where, string name)
        {
            long extent = ShapeMath.EffectiveKernel(k, d);
            string axis = isHeight ? "height" : "width";
            if (x.IsKnown)
            {
                // In ceil mode PyTorch only needs one window starting inside the input (the output check below).
                if (!ceilMode && x.Offset + 2 * p < extent)
                {
                    // Conv's kernel is the named Kernel argument, a pooling layer's the positional "kernel".
                    string kernelArgument = layer.Rule?.KernelArgument ?? "Kernel";
                    Report(DiagnosticDescriptors.KernelTooLarge, layer.LocationOf(kernelArgument) ?? layer.Location, where, name, extent,
                        axis, x.Offset + 2 * p, $"{x.Offset} + 2*{p}");
                    return null;
                }
                long o = ShapeMath.PoolOutput(x.Offset, k, s, p, d, ceilMode);
                if (o < 1)
                {
                    Report(DiagnosticDescriptors.SizeBelowOne, layer.Location, where, name, axis, o, x.Offset);
                    return null;
                }
                return Dim.Known(o);
            }
            if (x.Coef % s != 0)
            {
                long factor = s / ShapeMath.Gcd(x.Coef, s);
                throw isHeight ? new ModulusRestart(_modH * factor, _modW) : new ModulusRestart(_modH, _modW * factor);
            }
            long spanOffset = x.Offset + 2 * p - extent;
            long q = ceilMode ? ShapeMath.CeilDiv(spanOffset, s) + 1 : ShapeMath.FloorDiv(spanOffset, s) + 1;
            if (ceilMode && (q - 1) * s >= x.Offset + p) q--;
            // The padded input must hold the kernel: Coef*t + spanOffset >= 0 (not in ceil mode, see above).
            if (!ceilMode) RequireT(isHeight, ShapeMath.CeilDiv(-spanOffset, x.Coef));
            var result = new Dim(x.Coef / s, q);
            RequireT(isHeight, ShapeMath.CeilDiv(1 - result.Offset, result.Coef));
            return result;
        }

        internal Dim? TransposeDim(Dim x, long k, long s, long p, long op, long d, bool isHeight, BoundLayer layer, string where)
        {
            if (x.IsKnown)
            {
                long o = ShapeMath.ConvTransposeOutput(x.Offset, k, s, p, op, d);
                if (o < 1)
                {
                    Report(DiagnosticDescriptors.SizeBelowOne, layer.Location, where, "ConvTranspose2d", isHeight ? "height" : "width", o, x.Offset);
                    return null;
                }
                return Dim.Known(o);
            }
            var result = new Dim(x.Coef * s, (x.Offset - 1) * s - 2 * p + ShapeMath.EffectiveKernel(k, d) + op);
            RequireT(isHeight, ShapeMath.CeilDiv(1 - result.Offset, result.Coef));
            return result;
        }

        /// <summary>
        /// Multiply-adds of a layer doing <paramref name="perPixel"/> per position of an h x w map: a number when the
        /// sizes are known, null otherwise; either way the term is kept so the total can be evaluated at any size.
        /// </summary>
        internal long? MacsOver(long perPixel, Dim h, Dim w)
        {
            _result.MacTerms.Add(new MacTerm(perPixel, h, w));
            return h.IsKnown && w.IsKnown ? perPixel * h.Offset * w.Offset : (long?)null;
        }

        internal void RequireT(bool isHeight, long minT)
        {
            if (isHeight) _minTH = Math.Max(_minTH, minT);
            else _minTW = Math.Max(_minTW, minT);
        }

        private bool TryBlock(Scope scope, BoundLayer layer, string where, out DeclarationSpec block)
        {
            block = null!;
            if (layer.BlockName is null || !_blocks.TryGetValue(layer.BlockName, out var found))
            {
                Report(DiagnosticDescriptors.NotABlock, layer.LocationOf("block"), Display(layer.BlockName));
                return false;
            }
            if (scope.Stack.Contains(found.MetadataName))
            {
                var cycle = scope.Stack.SkipWhile(n => n != found.MetadataName).Select(Display).Concat(new[] { found.ClassName });
                Report(DiagnosticDescriptors.BlockCycle, layer.Location, found.ClassName, string.Join(" → ", cycle));
                return false;
            }
            block = found;
            return true;
        }

        private static string Display(string? metadataName) =>
            metadataName is null ? "?" : metadataName.StartsWith("global::", StringComparison.Ordinal) ? metadataName.Substring(8) : metadataName;

        /// <summary>Evaluates a block use's arguments and matches them to the block's parameters.</summary>
        /// <remarks>Values are doubles so that double [Param]s (alphas) travel with the int ones; an int parameter
        /// gets an integer-valued argument (checked here), exactly representable.</remarks>
        private double?[]? BlockArguments(Scope scope, BoundLayer layer, DeclarationSpec block, string where, List<BlockArg>? list = null, int copyIndex = 0)
        {
            // The copy's index is a name of the use's arguments (unless the enclosing declaration has a [Param] of that name).
            var env = scope.Env;
            var realEnv = scope.RealEnv;
            if (!env.ContainsKey(Expr.CopyIndex))
            {
                env = new Dictionary<string, long>(scope.Env, StringComparer.Ordinal) { [Expr.CopyIndex] = copyIndex };
                realEnv = new Dictionary<string, double>(scope.RealEnv, StringComparer.Ordinal) { [Expr.CopyIndex] = copyIndex };
            }
            list ??= layer.BlockArgs;
            string argument = ReferenceEquals(list, layer.BlockArgs) ? "args" : "FirstArgs";
            var values = new List<double>();
            var parameters = block.Params;
            for (int i = 0; i < list.Count; i++)
            {
                var arg = list[i];
                bool real = i < parameters.Count && parameters[i].Real;
                string? error;
                double? value = real ? arg.Value.EvaluateReal(realEnv, out error) : arg.Value.Evaluate(env, out error);
                if (value is null)
                {
                    string name = i < parameters.Count ? $" ('{parameters[i].Name}', {parameters[i].TypeName})" : "";
                    Report(DiagnosticDescriptors.InvalidExpression, arg.Location ?? layer.Location, where, $"argument {i + 1}{name}: {error}");
                    return null;
                }
                values.Add(value.Value);
            }
            if (values.Count > parameters.Count)
            {
                Report(DiagnosticDescriptors.BlockArguments, layer.LocationOf(argument), block.ClassName,
                    $"takes {parameters.Count} argument(s) ({string.Join(", ", parameters.Select(q => q.Name))}) but {values.Count} were given");
                return null;
            }
            var result = new double?[parameters.Count];
            for (int i = 0; i < parameters.Count; i++)
            {
                if (i < values.Count) result[i] = values[i];
                else if (parameters[i].Default is int def) result[i] = def;
                else if (parameters[i].RealDefault is double realDefault) result[i] = realDefault;
                else
                {
                    Report(DiagnosticDescriptors.BlockArguments, layer.LocationOf(argument), block.ClassName,
                        $"needs a value for '{parameters[i].Name}' (parameters: {string.Join(", ", parameters.Select(q => q.Name))})");
                    return null;
                }
            }
            return result;
        }

        private Value? RunBlock(Scope scope, DeclarationSpec block, double?[] args, Value v, string prefix, int depth, SummaryRow row, bool firstCopy,
            IReadOnlyList<BlockArg>? given = null)
        {
            // An octave block's in_channels counts both frequencies, as d-li14's inplanes does.
            long inChannels = v.Shape.Channels + v.Shape.LowChannels;
            var env = new Dictionary<string, long>(StringComparer.Ordinal) { [Expr.InChannels] = inChannels };
            var realEnv = new Dictionary<string, double>(StringComparer.Ordinal) { [Expr.InChannels] = inChannels };
            var shown = new List<string>();
            for (int i = 0; i < block.Params.Count; i++)
            {
                var param = block.Params[i];
                double value = !firstCopy && param.FirstRepeatOnly && param.DefaultExpr is not null
                    ? (param.Default ?? param.RealDefault!.Value) : args[i]!.Value;
                if (!param.Real) env[param.Name] = (long)value;
                realEnv[param.Name] = value;
                shown.Add(param.Name + "=" + value.ToString(param.Real ? "R" : "0", CultureInfo.InvariantCulture));
            }
            row.Kind = block.ClassName + "(" + string.Join(", ", shown) + ")";
            row.IsContainer = true;
            var stack = new List<string>(scope.Stack) { block.MetadataName };
            var bound = Bind(block);
            var inner = new Scope(bound, env, realEnv, prefix, depth, stack, top: false, octave: IsOctaveDeclaration(bound));
            for (int i = 0; given is not null && i < given.Count && i < block.Params.Count; i++)
            {
                if (!firstCopy && block.Params[i].FirstRepeatOnly) continue;
                // Through nested uses: an argument that is itself an outer parameter points where that one was set.
                LocationInfo? at = given[i].Location;
                var names = new SortedSet<string>(StringComparer.Ordinal);
                given[i].Value.CollectVariables(names);
                foreach (var name in names)
                    if (scope.UseLocations.TryGetValue(name, out var outer)) { at = outer; break; }
                if (at is not null) inner.UseLocations[block.Params[i].Name] = at;
            }
            var output = RunDeclaration(inner, v);
            if (output is null) return null;
            var result = output.Value;
            result.PathStride = v.PathStride == 0 || result.PathStride == 0 ? 0 : v.PathStride * result.PathStride;
            return result;
        }

        private Value? ApplyUse(Scope scope, BoundLayer layer, Value v, SummaryRow row, string path, string where)
        {
            if (!TryBlock(scope, layer, where, out var block)) return null;
            int repeat = layer.Repeat;
            if (layer.RepeatCount is { } count)
            {
                // A block's Repeat over its parameters: this use's count (the generated constructor loops over it).
                long? n = count.Evaluate(scope.Env, out var error);
                if (!Check(scope, n is not null && n >= 1 && n <= Binder.MaxRepeat, layer, "Repeat", where, n is null
                        ? $"Repeat = \"{count}\" cannot be evaluated: {error}"
                        : $"Repeat = \"{count}\" is {n} copies here; a use has 1 to {Binder.MaxRepeat}")) return null;
                repeat = (int)n!.Value;
            }
            if (!Check(scope, repeat >= 1, layer, "Repeat", where, $"Repeat must be at least 1, got {repeat}")) return null;
            var args = BlockArguments(scope, layer, block, where);
            if (args is null) return null;
            var firstArgs = layer.FirstBlockArgs is null ? args : BlockArguments(scope, layer, block, where, layer.FirstBlockArgs);
            if (firstArgs is null) return null;
            var inputShape = v.Shape;
            var facts = new List<(long In, long[] Args)>();
            var copyMemory = new List<(BytePeak? Extra, ByteSum? Own)>();
            Value? current = v;
            if (!layer.IsRepeatContainer)
            {
                facts.Add((v.Shape.Channels, args.Select(a => (long)a!.Value).ToArray()));
                current = RunBlock(scope, block, args, v, path + ".", scope.Depth + 1, row, firstCopy: true, layer.ArgsOfCopy(0));
                copyMemory.Add(_declarationMemory);
            }
            else
            {
                row.Kind = (layer.Inline ? "Inline(" : "Sequential(") + $"{repeat} × {block.ClassName}" + (layer.DilationNote is null ? ")" : $"; {layer.DilationNote})");
                row.IsContainer = true;
                for (int i = 0; i < repeat && current is not null; i++)
                {
                    string childPath = layer.Inline ? scope.Prefix + (scope.InlineBase + i).ToString(CultureInfo.InvariantCulture) : path + "." + layer.CopyName(i);
                    var child = new SummaryRow(childPath, scope.Depth + 1, "") { InputShape = Fmt(current.Value.Shape) };
                    _result.Rows.Add(child);
                    var given = i == 0 ? firstArgs : BlockArguments(scope, layer, block, where, copyIndex: i);
                    if (given is null) return null;
                    var copyArgs = new long[block.Params.Count];
                    for (int j = 0; j < copyArgs.Length; j++)
                        copyArgs[j] = i > 0 && block.Params[j].FirstRepeatOnly && block.Params[j].Default is int def ? def : (long)given[j]!.Value;
                    facts.Add((current.Value.Shape.Channels, copyArgs));
                    current = RunBlock(scope, block, given, current.Value, childPath + ".", scope.Depth + 2, child, firstCopy: i == 0, layer.ArgsOfCopy(i));
                    copyMemory.Add(_declarationMemory);
                    if (current is not null)
                    {
                        child.OutputShape = Fmt(current.Value.Shape);
                        child.ReceptiveField = current.Value.Global ? null : current.Value.Rf;
                        RecordTappable(scope, childPath, current.Value, child.Kind);
                    }
                }
            }
            if (current is null) return null;
            // One block, or the copies in an nn.Sequential (each copy's input released once the next has read it).
            _stageMemory = SequentialMemory(copyMemory);
            Record(scope, layer, inputShape, current.Value.Shape, f =>
            {
                f.BlockArgValues.Clear();
                f.BlockInChannels.Clear();
                foreach (var (inChannels, values) in facts)
                {
                    f.BlockInChannels.Add(inChannels);
                    f.BlockArgValues.Add(values);
                }
            });
            return current;
        }

        private Value? ApplyShortcut(Scope scope, BoundLayer layer, Value main, Value input, SummaryRow row, string path, string where)
        {
            var a = main.Shape;
            var b = input.Shape;
            row.InputShape = Fmt(b) + " + " + Fmt(a);
            // In an octave block the residual is added per frequency and projected by an octave 1x1 conv, also when the
            // alpha changes (the pairs would not line up); channels count both frequencies.
            bool octave = scope.Octave || a.IsOctave || b.IsOctave;
            bool project = layer.Projection switch
            {
                1 => true,
                2 => false,
                _ => main.PathStride != 1 || a.Channels + a.LowChannels != b.Channels + b.LowChannels || a.Rank != b.Rank ||
                     (octave && !input.Alpha.Equals(main.Alpha)),
            };
            if (!project)
            {
                if (!a.Equals(b))
                {
                    Report(DiagnosticDescriptors.AddShapeMismatch, layer.Location, where, Fmt(a), Fmt(b),
                        layer.Projection == 2 ? " (the shortcut has Projection = Never)" : " (the shortcut's input and the main path differ in size; a 1x1 projection cannot fix that)");
                    return null;
                }
                row.Kind = a.IsOctave ? "Shortcut(identity, per frequency)" : "Shortcut(identity)";
                Record(scope, layer, b, a, f => f.Projected = false);
            }
            else
            {
                if (a.Rank != Rank.Map || b.Rank != Rank.Map)
                {
                    Report(DiagnosticDescriptors.ShortcutProjection, layer.Location, where, Fmt(b), Fmt(a), "projection needs feature maps on both sides");
                    return null;
                }
                if (!(octave ? ProjectOctave(scope, layer, main, input, row, path, where) : ProjectPlain(scope, layer, main, input, row, path, where)))
                    return null;
            }
            _shortcutProjected = project;
            var result = main;
            result.Rf = Math.Max(main.Rf, input.Rf);
            return result;
        }

        /// <summary>The plain projection shortcut: 1x1 conv with the path's stride and BatchNorm2d (torchvision's downsample).</summary>
        private bool ProjectPlain(Scope scope, BoundLayer layer, Value main, Value input, SummaryRow row, string path, string where)
        {
            var a = main.Shape;
            var b = input.Shape;
            long s = main.PathStride;
            if (s < 1)
            {
                Report(DiagnosticDescriptors.ShortcutProjection, layer.Location, where, Fmt(b), Fmt(a), "the main path does not have an integer stride (it upsamples or pools adaptively)");
                return false;
            }
            Dim? h = ProjectDim(b.Height, s, true);
            Dim? w = ProjectDim(b.Width, s, false);
            if (h is null || w is null || h.Value != a.Height || w.Value != a.Width)
            {
                string got = h is null || w is null ? "?" : Fmt(new TensorShape(a.Channels, h.Value, w.Value));
                Report(DiagnosticDescriptors.ShortcutProjection, layer.Location, where, Fmt(b), Fmt(a),
                    $"a 1x1 conv with stride {s} gives {got}");
                return false;
            }
            row.Kind = $"Projection: Conv2d({b.Channels}→{a.Channels}, k=1" + (s != 1 ? $", s={s}" : "") + ", bias=False) · BatchNorm2d";
            row.IsContainer = true;
            var conv = new SummaryRow(path + ".0", scope.Depth + 1, $"Conv2d({b.Channels}→{a.Channels}, k=1" + (s != 1 ? $", s={s}" : "") + ", bias=False)")
            {
                InputShape = Fmt(b),
                OutputShape = Fmt(a),
                Params = b.Channels * a.Channels,
                Macs = MacsOver(b.Channels * a.Channels, a.Height, a.Width),
                ReceptiveField = input.Global ? null : input.Rf,
            };
            var bn = new SummaryRow(path + ".1", scope.Depth + 1, $"BatchNorm2d({a.Channels})")
            {
                InputShape = Fmt(a),
                OutputShape = Fmt(a),
                Params = 2 * a.Channels,
                Macs = 0,
                ReceptiveField = input.Global ? null : input.Rf,
            };
            _result.Rows.Add(conv);
            _result.Rows.Add(bn);
            Record(scope, layer, b, a, f =>
            {
                f.Projected = true;
                f.ProjectionStride = s;
            });
            return true;
        }

        private Dim? ProjectDim(Dim x, long s, bool isHeight)
        {
            if (x.IsKnown) return x.Offset >= 1 ? Dim.Known(ShapeMath.ConvOutput(x.Offset, 1, s, 0, 1)) : (Dim?)null;
            if (x.Coef % s != 0)
            {
                long factor = s / ShapeMath.Gcd(x.Coef, s);
                throw isHeight ? new ModulusRestart(_modH * factor, _modW) : new ModulusRestart(_modH, _modW * factor);
            }
            return new Dim(x.Coef / s, ShapeMath.FloorDiv(x.Offset - 1, s) + 1);
        }

        private Value? ApplySkip(Scope scope, BoundLayer layer, Value v, Dictionary<string, Value> outputs, SummaryRow row, string where)
        {
            bool add = layer.Kind == LayerKind.Add;
            if (layer.Kind == LayerKind.Mul) return ApplyMul(scope, layer, v, outputs, row, where);
            var result = v;
            var shapes = new List<TensorShape> { v.Shape };
            foreach (var name in layer.From)
            {
                if (!outputs.TryGetValue(name, out var other))
                {
                    // In a block the block's own check reports it (once, whatever uses the block).
                    var earlier = outputs.Keys.Where(k => k != BoundLayer.InputName).ToList();
                    if (!scope.IsBlock)
                        Report(DiagnosticDescriptors.UnknownStage, layer.LocationOf("from"), where, name, scope.Declaration.Spec.ClassName,
                            earlier.Count == 0 ? "" : $" (earlier stages: {string.Join(", ", earlier)})");
                    return null;
                }
                if (add)
                {
                    if (!other.Shape.Equals(v.Shape))
                    {
                        Report(DiagnosticDescriptors.AddShapeMismatch, layer.Location, where, Fmt(v.Shape), Fmt(other.Shape), $" (from '{name}')");
                        return null;
                    }
                }
                else
                {
                    if (other.Shape.IsOctave || v.Shape.IsOctave)
                    {
                        Report(DiagnosticDescriptors.OctaveMixing, layer.Location, where,
                            $"[Concat] joins plain tensors, not the octave pair {Fmt(v.Shape.IsOctave ? v.Shape : other.Shape)}; merge the pair first (AlphaOut = 0) or add it with [Add]");
                        return null;
                    }
                    if (other.Shape.Rank != Rank.Map || v.Shape.Rank != Rank.Map || !other.Shape.SameSpatial(v.Shape))
                    {
                        Report(DiagnosticDescriptors.ConcatSpatialMismatch, layer.Location, where, Fmt(v.Shape), Fmt(other.Shape) + $" (from '{name}')");
                        return null;
                    }
                    result.Shape = new TensorShape(result.Shape.Channels + other.Shape.Channels, v.Shape.Height, v.Shape.Width);
                }
                shapes.Add(other.Shape);
                result.Rf = Math.Max(result.Rf, other.Rf);
                result.Global |= other.Global;
            }
            row.Kind = (add ? "Add(" : "Concat(") + (layer.EarlierFirst ? string.Join(", ", layer.From.Select(SkipName)) + ", ·" : "·, " + string.Join(", ", layer.From.Select(SkipName))) + ")";
            Record(scope, layer, v.Shape, result.Shape);
            return result;
        }

        private static string SkipName(string name) => name == BoundLayer.InputName ? "input" : name;

        /// <summary>
        /// [Mul]: the current tensor times earlier outputs (or the input), broadcast as PyTorch does: per dimension equal
        /// sizes or a 1. The result takes the larger of each pair (squeeze-excitation: [N, C, 1, 1] gate times the
        /// [N, C, H, W] input gives the input's shape).
        /// </summary>
        private Value? ApplyMul(Scope scope, BoundLayer layer, Value v, Dictionary<string, Value> outputs, SummaryRow row, string where)
        {
            var result = v;
            foreach (var name in layer.From)
            {
                if (!outputs.TryGetValue(name, out var other))
                {
                    var earlier = outputs.Keys.Where(k => k != BoundLayer.InputName).ToList();
                    if (!scope.IsBlock)
                        Report(DiagnosticDescriptors.UnknownStage, layer.LocationOf("from"), where, name, scope.Declaration.Spec.ClassName,
                            earlier.Count == 0 ? "" : $" (earlier stages: {string.Join(", ", earlier)})");
                    return null;
                }
                var a = result.Shape;
                var b = other.Shape;
                string? why = null;
                if (a.IsOctave || b.IsOctave) why = "octave pairs are not multiplied; merge the pair first (AlphaOut = 0)";
                else if (a.Rank != b.Rank) why = "a map and a flat tensor do not line up";
                else if (a.ChannelsLast != b.ChannelsLast) why = "one is channels-last, the other NCHW; permute one of them";
                long channels = 0;
                Dim h = default, w = default;
                if (why is null && !Broadcast(a.Channels, b.Channels, out channels)) why = $"{a.Channels} and {b.Channels} channels (each must equal the other or be 1)";
                if (why is null && a.Rank == Rank.Map && !BroadcastDim(a.Height, b.Height, out h)) why = $"heights {a.Height.Format("H", _modH)} and {b.Height.Format("H", _modH)} (each must equal the other or be 1)";
                if (why is null && a.Rank == Rank.Map && !BroadcastDim(a.Width, b.Width, out w)) why = $"widths {a.Width.Format("W", _modW)} and {b.Width.Format("W", _modW)} (each must equal the other or be 1)";
                if (why is not null)
                {
                    Report(DiagnosticDescriptors.BroadcastMismatch, layer.Location, where, Fmt(a), Fmt(b) + $" (from '{SkipName(name)}')", why);
                    return null;
                }
                var shape = a.Rank == Rank.Map ? new TensorShape(channels, h, w).InLayout(a.ChannelsLast) : TensorShape.Flat(channels);
                // The larger operand carries the spatial facts (receptive field, stride) of the result.
                if (!shape.Equals(a)) result = other;
                result.Shape = shape;
                result.Rf = Math.Max(v.Rf, other.Rf);
                result.Global = v.Global && other.Global;
            }
            row.Kind = "Mul(·, " + string.Join(", ", layer.From.Select(SkipName)) + ")";
            Record(scope, layer, v.Shape, result.Shape);
            return result;
        }

        private static bool Broadcast(long a, long b, out long result)
        {
            result = a == 1 ? b : a;
            return a == b || a == 1 || b == 1;
        }

        private static bool BroadcastDim(Dim a, Dim b, out Dim result)
        {
            bool aOne = a.IsKnown && a.Offset == 1, bOne = b.IsKnown && b.Offset == 1;
            result = aOne ? b : a;
            return a == b || aOne || bOne;
        }

        private Value? ApplyParallel(Scope scope, BoundStage stage, Value v, SummaryRow row, string path, string where)
        {
            var join = stage.JoinLayer!;
            bool concat = join.JoinMode == 0;
            if (v.Shape.IsOctave)
            {
                Report(DiagnosticDescriptors.OctaveMixing, stage.Branches[0].Location, where,
                    $"parallel branches take a plain tensor, not the octave pair {Fmt(v.Shape)}; merge the pair first (AlphaOut = 0)");
                return null;
            }
            row.Kind = "Parallel(" + (concat ? "concat" : "sum") + ")";
            row.IsContainer = true;
            Value? result = null;
            var branches = stage.Branches;
            var branchMemory = new List<(BytePeak? Extra, ByteSum? Own)>();
            for (int i = 0; i < branches.Count; i++)
            {
                var branch = branches[i];
                if (!TryBlock(scope, branch, where, out var block)) return null;
                if (IsOctaveDeclaration(Bind(block)))
                {
                    Report(DiagnosticDescriptors.OctaveMixing, branch.LocationOf("block"), where,
                        $"'{block.ClassName}' works on octave pairs and cannot be a parallel branch; use it as a stage of its own with [Use]");
                    return null;
                }
                var args = BlockArguments(scope, branch, block, where);
                if (args is null) return null;
                // Named branches are children of the declaration's module (GoogLeNet's inception3a.branch1), not of the stage.
                string childPath = branch.BranchName is { } own && branches.TrueForAll(b => b.BranchName is not null)
                    ? scope.Prefix + own
                    : path + "." + i.ToString(CultureInfo.InvariantCulture);
                var child = new SummaryRow(childPath, scope.Depth + 1, "") { InputShape = Fmt(v.Shape) };
                _result.Rows.Add(child);
                var output = RunBlock(scope, block, args, v, childPath + ".", scope.Depth + 2, child, firstCopy: true, branch.BlockArgs);
                if (output is null) return null;
                branchMemory.Add(_declarationMemory);
                child.OutputShape = Fmt(output.Value.Shape);
                child.ReceptiveField = output.Value.Global ? null : output.Value.Rf;
                Record(scope, branch, v.Shape, output.Value.Shape, f =>
                {
                    f.BlockInChannels.Clear();
                    f.BlockArgValues.Clear();
                    f.BlockInChannels.Add(v.Shape.Channels);
                    f.BlockArgValues.Add(args.Select(a => (long)a!.Value).ToArray());
                });
                if (result is null)
                {
                    result = output;
                    continue;
                }
                var acc = result.Value;
                var o = output.Value;
                if (concat)
                {
                    if (acc.Shape.Rank != Rank.Map || o.Shape.Rank != Rank.Map || !acc.Shape.SameSpatial(o.Shape))
                    {
                        Report(DiagnosticDescriptors.ConcatSpatialMismatch, branch.Location, where, Fmt(acc.Shape), Fmt(o.Shape) + $" (branch {i})");
                        return null;
                    }
                    acc.Shape = new TensorShape(acc.Shape.Channels + o.Shape.Channels, acc.Shape.Height, acc.Shape.Width);
                }
                else if (!acc.Shape.Equals(o.Shape))
                {
                    Report(DiagnosticDescriptors.AddShapeMismatch, branch.Location, where, Fmt(acc.Shape), Fmt(o.Shape), $" (branch {i} of a Sum join)");
                    return null;
                }
                acc.Rf = Math.Max(acc.Rf, o.Rf);
                acc.Global |= o.Global;
                acc.PathStride = acc.PathStride == o.PathStride ? acc.PathStride : 0;
                result = acc;
            }
            if (result is not null) Record(scope, join, v.Shape, result.Value.Shape);
            if (result is not null) _stageMemory = ParallelMemory(branchMemory, result.Value.Shape);
            return result;
        }
    }
}

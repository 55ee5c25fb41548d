using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

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

        /// <summary>A tensor in the flow, with what the receptive-field and shortcut logic need.</summary>
        private struct Value
        {
            public TensorShape Shape;
            public double Rf;
            public double Jump;
            public bool Global;
            /// <summary>Product of the strides since the declaration's input; 0 when not an integer stride.</summary>
            public long PathStride;
            /// <summary>A flat tensor whose features came from more than one pixel.</summary>
            public bool FlatFromSpatial;
            /// <summary>Low-frequency fraction of an octave value (the alpha_out that made it); 0 for a plain tensor.</summary>
            public double Alpha;
        }

        private sealed class Scope
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
            var scope = new Scope(bound, env, realEnv, "", 1, new List<string> { network.MetadataName }, top: true, octave: false);
            var output = RunDeclaration(scope, input);
            if (output is null) return _result;
            output = MainOutput(bound, output.Value);
            if (output.Value.Shape.IsOctave)
            {
                Report(DiagnosticDescriptors.OctaveMixing, network.Location, network.DisplayName,
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

        private string Fmt(TensorShape shape) => shape.Format(_modH, _modW);

        private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, LocationInfo? location, params object?[] args)
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
            for (int index = 0; index < scope.Declaration.Stages.Count; index++)
            {
                var stage = scope.Declaration.Stages[index];
                // The module's registered name: "0", "1", ... in a Sequential block (as the emitter names them).
                string path = scope.Prefix + (scope.Declaration.Spec.SequentialBlock ? index.ToString(CultureInfo.InvariantCulture) : stage.Name);
                string where = _networkName + "." + scope.Prefix + stage.Name;
                if (stage.Tap is not null && !ReadTap(scope, stage, ref v)) return null;
                var row = new SummaryRow(path, scope.Depth, "") { InputShape = Fmt(v.Shape) };
                _result.Rows.Add(row);
                if (scope.Top) _result.StageInputs[stage.Name] = v.Shape;

                Value? next;
                if (stage.Form != StageForm.Sequence) FlushDilatedRun(scope);
                switch (stage.Form)
                {
                    case StageForm.Sequence:
                        if (stage.Layers.Count == 1)
                        {
                            next = ApplyLayer(scope, stage.Layers[0], v, row, where);
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
                v = next.Value;
                row.OutputShape = Fmt(v.Shape);
                row.ReceptiveField = v.Global ? null : v.Rf;
                outputs[stage.Name] = v;
                RecordStage(scope, stage, path, row, v);
                if (scope.Top) _result.StageOutputs[stage.Name] = v.Shape;
            }
            FlushDilatedRun(scope);
            return v;
        }

        private void Record(Scope scope, BoundLayer layer, TensorShape input, TensorShape output, Action<LayerFacts>? extra = null)
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

        private bool TryEval(Scope scope, BoundLayer layer, string argument, Expr? expr, string where, out long value)
        {
            value = 0;
            if (expr is null) return false;
            var result = expr.Evaluate(scope.Env, out var error);
            if (result is null)
            {
                Report(DiagnosticDescriptors.InvalidExpression, layer.LocationOf(argument), where, $"{argument}: {error}");
                return false;
            }
            value = result.Value;
            return true;
        }

        private bool Check(bool condition, BoundLayer layer, string argument, string where, string message)
        {
            if (!condition) Report(DiagnosticDescriptors.ArgumentOutOfRange, layer.LocationOf(argument), where, message);
            return condition;
        }

        private bool RequireMap(Value v, BoundLayer layer, string where, string what)
        {
            if (v.Shape.Rank == Rank.Map) return true;
            Report(DiagnosticDescriptors.RankMismatch, layer.Location, where,
                $"{what} needs an [N, C, H, W] feature map but receives the flat {Fmt(v.Shape)}");
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
                    $"[{layer.Kind}] is a plain layer but receives the octave pair {Fmt(shape)}; end the octave part first with an octave conv of AlphaOut = 0");
                return null;
            }
            if (shape.IsOctave && layer.Kind == LayerKind.BatchNorm) return ApplyOctaveBatchNorm(scope, layer, v, row, where);
            switch (layer.Kind)
            {
                case LayerKind.OctConv:
                    return ApplyOctConv(scope, layer, v, row, where);
                case LayerKind.Conv:
                case LayerKind.ConvTranspose:
                    return ApplyConv(scope, layer, v, row, where);
                case LayerKind.BatchNorm:
                {
                    if (shape.Rank == Rank.Flat && shape.Channels < 0)
                    {
                        Report(DiagnosticDescriptors.SymbolicFlatten, layer.Location, where, "C*H*W");
                        return null;
                    }
                    if (layer.In is not null && TryEval(scope, layer, "In", layer.In, where, out var expected) && expected != shape.Channels)
                        Report(DiagnosticDescriptors.ChannelMismatch, layer.LocationOf("In"), where, "BatchNorm", expected, shape.Channels);
                    if (!Check(layer.Eps > 0, layer, "Eps", where, $"BatchNorm eps must be positive, got {layer.Eps.ToString(CultureInfo.InvariantCulture)}")) return null;
                    if (!Check(layer.Momentum >= 0 && layer.Momentum <= 1, layer, "Momentum", where, $"BatchNorm momentum must be within [0, 1], got {layer.Momentum.ToString(CultureInfo.InvariantCulture)}")) return null;
                    row.Kind = (shape.Rank == Rank.Map ? "BatchNorm2d(" : "BatchNorm1d(") + shape.Channels.ToString(CultureInfo.InvariantCulture) + ")";
                    row.Params = 2 * shape.Channels;
                    Record(scope, layer, shape, shape);
                    return v;
                }
                case LayerKind.ReLU:
                case LayerKind.ReLU6:
                case LayerKind.GELU:
                case LayerKind.Sigmoid:
                case LayerKind.SiLU:
                case LayerKind.Tanh:
                case LayerKind.Identity:
                    row.Kind = layer.Kind.ToString() + "()";
                    Record(scope, layer, shape, shape);
                    return v;
                case LayerKind.LeakyReLU:
                    row.Kind = "LeakyReLU(" + layer.Slope.ToString("R", CultureInfo.InvariantCulture) + ")";
                    Record(scope, layer, shape, shape);
                    return v;
                case LayerKind.Dropout:
                    if (!Check(layer.P >= 0 && layer.P <= 1, layer, "P", where, $"Dropout probability must be within [0, 1], got {layer.P.ToString(CultureInfo.InvariantCulture)}")) return null;
                    if (layer.Channelwise && !RequireMap(v, layer, where, "Dropout2d")) return null;
                    row.Kind = (layer.Channelwise ? "Dropout2d(" : "Dropout(") + layer.P.ToString("R", CultureInfo.InvariantCulture) + ")";
                    Record(scope, layer, shape, shape);
                    return v;
                case LayerKind.MaxPool:
                case LayerKind.AvgPool:
                    return ApplyPool(scope, layer, v, row, where);
                case LayerKind.AdaptiveAvgPool:
                case LayerKind.AdaptiveMaxPool:
                case LayerKind.GlobalAvgPool:
                case LayerKind.GlobalMaxPool:
                {
                    if (!RequireMap(v, layer, where, layer.Kind.ToString())) return null;
                    long size = 1;
                    if (layer.Size is not null)
                    {
                        if (!TryEval(scope, layer, "size", layer.Size, where, out size)) return null;
                        if (!Check(size >= 1, layer, "size", where, $"adaptive pooling output size must be positive, got {size}")) return null;
                    }
                    bool avg = layer.Kind is LayerKind.AdaptiveAvgPool or LayerKind.GlobalAvgPool;
                    row.Kind = (avg ? "AdaptiveAvgPool2d(" : "AdaptiveMaxPool2d(") + size.ToString(CultureInfo.InvariantCulture) + ")";
                    var result = v;
                    result.Shape = new TensorShape(shape.Channels, Dim.Known(size), Dim.Known(size));
                    if (size == 1) result.Global = true;
                    else result.PathStride = 0;
                    Record(scope, layer, shape, result.Shape);
                    return result;
                }
                case LayerKind.Flatten:
                {
                    var result = v;
                    if (shape.Rank == Rank.Map)
                    {
                        long features = shape.Height.IsKnown && shape.Width.IsKnown ? shape.Channels * shape.Height.Offset * shape.Width.Offset : -1;
                        result.Shape = TensorShape.Flat(features);
                        result.FlatFromSpatial = !(shape.Height.IsKnown && shape.Width.IsKnown && shape.Height.Offset == 1 && shape.Width.Offset == 1);
                        if (features >= 0) result.FlatFromSpatial = result.FlatFromSpatial && true;
                    }
                    row.Kind = "Flatten()";
                    Record(scope, layer, shape, result.Shape);
                    return result;
                }
                case LayerKind.Linear:
                    return ApplyLinear(scope, layer, v, row, where);
                case LayerKind.Upsample:
                    return ApplyUpsample(scope, layer, v, row, where);
                case LayerKind.Downsample:
                    return ApplyDownsample(scope, layer, v, row, where);
                case LayerKind.WTConv:
                    return ApplyWTConv(scope, layer, v, row, where);
                case LayerKind.ASPP:
                case LayerKind.DeepLabHead:
                case LayerKind.FCNHead:
                    return ApplySegmentationHead(scope, layer, v, row, where);
                case LayerKind.SeparableConv:
                    return ApplySeparableConv(scope, layer, v, row, where);
                case LayerKind.DSPP:
                case LayerKind.MDSPP:
                    return ApplySpeedPyramid(scope, layer, v, row, where);
                case LayerKind.ASPPv2:
                    return ApplyDeepLabV2Aspp(scope, layer, v, row, where);
                case LayerKind.SPP:
                {
                    if (!RequireMap(v, layer, where, "SPP")) return null;
                    var bad = layer.Bins.FirstOrDefault(n => n < 1);
                    if (!Check(layer.Bins.All(n => n >= 1), layer, "bins", where, $"SPP bins must be positive, got {bad}")) return null;
                    if (!CheckSppLevels(layer, where, shape)) return null;
                    long cells = layer.Bins.Sum(n => n * n);
                    var result = v;
                    result.Shape = TensorShape.Flat(shape.Channels * cells);
                    result.Global = true;
                    result.PathStride = 0;
                    result.FlatFromSpatial = false;
                    row.Kind = $"SPP({(layer.PoolMode == 0 ? "max" : "avg")}, bins {string.Join("/", layer.Bins)}: {shape.Channels}·{cells} = {shape.Channels * cells} features)";
                    Record(scope, layer, shape, result.Shape);
                    return result;
                }
                default:
                    Report(DiagnosticDescriptors.InvalidComposition, layer.Location, where, $"[{layer.Kind}] cannot be part of a layer sequence");
                    return null;
            }
        }

        private Value? ApplyConv(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            bool transpose = layer.Kind == LayerKind.ConvTranspose;
            string name = transpose ? "ConvTranspose2d" : "Conv2d";
            if (!RequireMap(v, layer, where, name)) return null;
            var shape = v.Shape;
            long cin = shape.Channels;
            long outputPadding = 0;
            if (!TryEval(scope, layer, "outChannels", layer.Out, where, out var cout)) return null;
            if (!TryEval(scope, layer, "Kernel", layer.Kernel, where, out var k)) return null;
            if (!TryEval(scope, layer, "Stride", layer.Stride, where, out var s)) return null;
            if (!TryEval(scope, layer, "Padding", layer.Padding, where, out var p)) return null;
            if (!TryEval(scope, layer, "Dilation", layer.Dilation, where, out var d)) return null;
            if (!TryEval(scope, layer, "Groups", layer.Groups, where, out var g)) return null;
            if (transpose && !TryEval(scope, layer, "OutputPadding", layer.OutputPadding, where, out outputPadding)) return null;
            if (!Check(cout >= 1, layer, "outChannels", where, $"{name} output channels must be positive, got {cout}")) return null;
            if (!Check(k >= 1, layer, "Kernel", where, $"{name} kernel size must be positive, got {k}")) return null;
            if (!Check(s >= 1, layer, "Stride", where, $"{name} stride must be positive, got {s}")) return null;
            if (!Check(p >= 0, layer, "Padding", where, $"{name} padding must not be negative, got {p}")) return null;
            if (!Check(d >= 1, layer, "Dilation", where, $"{name} dilation must be positive, got {d}")) return null;
            if (!Check(g >= 1, layer, "Groups", where, $"{name} groups must be positive, got {g}")) return null;
            if (transpose && !Check(outputPadding >= 0 && outputPadding < Math.Max(s, d), layer, "OutputPadding", where,
                    $"{name} output padding must be smaller than the stride or the dilation, got {outputPadding}")) return null;

            if (layer.In is not null && TryEval(scope, layer, "In", layer.In, where, out var expected) && expected != cin)
                Report(DiagnosticDescriptors.ChannelMismatch, layer.LocationOf("In"), where, name, expected, cin);
            if (cin % g != 0 || cout % g != 0)
            {
                Report(DiagnosticDescriptors.GroupsNotDividing, layer.LocationOf("Groups"), where, g, cin, cout);
                return null;
            }
            if (layer.PaddingSame && s != 1)
            {
                Report(DiagnosticDescriptors.SamePaddingStride, layer.LocationOf("Padding"), where);
                return null;
            }

            Dim? h, w;
            if (transpose)
            {
                h = TransposeDim(shape.Height, k, s, p, outputPadding, d, true, layer, where);
                w = h is null ? null : TransposeDim(shape.Width, k, s, p, outputPadding, d, false, layer, where);
            }
            else if (layer.PaddingSame)
            {
                h = shape.Height;
                w = shape.Width;
            }
            else
            {
                h = WindowDim(shape.Height, k, s, p, d, false, true, layer, where, name);
                w = h is null ? null : WindowDim(shape.Width, k, s, p, d, false, false, layer, where, name);
            }
            if (h is null || w is null) return null;

            if (!transpose && k > 1 && d > 1)
                ReportDegenerateDilation(layer, "Dilation", where, shape, d, "it");

            var outShape = new TensorShape(cout, h.Value, w.Value);
            long weights = transpose ? cin * (cout / g) * k * k : cout * (cin / g) * k * k;
            row.Params = weights + (layer.Bias ? cout : 0);
            if (transpose)
                row.Macs = MacsOver(weights, shape.Height, shape.Width);
            else
                row.Macs = MacsOver(weights, h.Value, w.Value);

            string pad = layer.PaddingSame ? "same" : p.ToString(CultureInfo.InvariantCulture);
            row.Kind = $"{name}({cin}→{cout}, k={k}" + (s != 1 ? $", s={s}" : "") + (pad != "0" ? $", p={pad}" : "") +
                (d != 1 ? $", d={d}" : "") + (g != 1 ? $", g={g}" : "") + (outputPadding != 0 ? $", op={outputPadding}" : "") + (layer.Bias ? "" : ", bias=False") + ")";

            var result = v;
            result.Shape = outShape;
            long extent = ShapeMath.EffectiveKernel(k, d);
            if (transpose)
            {
                result.Jump = v.Jump / s;
                result.Rf = v.Rf + (extent - 1) * result.Jump;
                result.PathStride = s == 1 ? v.PathStride : 0;
            }
            else
            {
                result.Rf = v.Rf + (extent - 1) * v.Jump;
                result.Jump = v.Jump * s;
                result.PathStride = v.PathStride * s;
            }
            Record(scope, layer, shape, outShape);
            return result;
        }

        private Value? ApplyPool(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            bool max = layer.Kind == LayerKind.MaxPool;
            string name = max ? "MaxPool2d" : "AvgPool2d";
            if (!RequireMap(v, layer, where, name)) return null;
            if (!TryEval(scope, layer, "kernel", layer.Kernel, where, out var k)) return null;
            if (!TryEval(scope, layer, "Stride", layer.Stride, where, out var s)) return null;
            if (!TryEval(scope, layer, "Padding", layer.Padding, where, out var p)) return null;
            long d = 1;
            if (max && !TryEval(scope, layer, "Dilation", layer.Dilation, where, out d)) return null;
            if (s == 0) s = k;
            if (!Check(k >= 1, layer, "kernel", where, $"{name} kernel size must be positive, got {k}")) return null;
            if (!Check(s >= 1, layer, "Stride", where, $"{name} stride must be positive, got {s}")) return null;
            if (!Check(d >= 1, layer, "Dilation", where, $"{name} dilation must be positive, got {d}")) return null;
            long extent = ShapeMath.EffectiveKernel(k, d);
            // PyTorch compares the padding with half the kernel size, not with the dilated extent.
            if (!Check(p >= 0 && 2 * p <= k, layer, "Padding", where,
                    $"{name} padding must be between 0 and half the kernel ({k / 2}), got {p}")) return null;

            var shape = v.Shape;
            var h = WindowDim(shape.Height, k, s, p, d, layer.CeilMode, true, layer, where, name);
            var w = h is null ? null : WindowDim(shape.Width, k, s, p, d, layer.CeilMode, false, layer, where, name);
            if (h is null || w is null) return null;
            row.Kind = $"{name}(k={k}" + (s != k ? $", s={s}" : "") + (p != 0 ? $", p={p}" : "") + (d != 1 ? $", d={d}" : "") +
                (layer.CeilMode ? ", ceil_mode=True" : "") + (!max && !layer.CountIncludePad ? ", count_include_pad=False" : "") + ")";
            var result = v;
            result.Shape = new TensorShape(shape.Channels, h.Value, w.Value);
            result.Rf = v.Rf + (extent - 1) * v.Jump;
            result.Jump = v.Jump * s;
            result.PathStride = v.PathStride * s;
            Record(scope, layer, shape, result.Shape);
            return result;
        }

        private Value? ApplyLinear(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            var shape = v.Shape;
            if (shape.Rank != Rank.Flat)
            {
                Report(DiagnosticDescriptors.RankMismatch, layer.Location, where,
                    $"Linear needs a flattened [N, F] input but receives {Fmt(shape)}; add [Flatten] (after global pooling) before it");
                return null;
            }
            if (!TryEval(scope, layer, "outFeatures", layer.Out, where, out var outFeatures)) return null;
            if (!Check(outFeatures >= 1, layer, "outFeatures", where, $"Linear out-features must be positive, got {outFeatures}")) return null;
            if (shape.Channels < 0)
            {
                Report(DiagnosticDescriptors.SymbolicFlatten, layer.Location, where, "C*H*W");
                return null;
            }
            if (scope.IsBlock && v.FlatFromSpatial)
            {
                Report(DiagnosticDescriptors.BlockNeedsFlatWidth, layer.Location, where);
                return null;
            }
            if (layer.In is not null && TryEval(scope, layer, "In", layer.In, where, out var expected) && expected != shape.Channels)
            {
                Report(DiagnosticDescriptors.LinearInFeatures, layer.LocationOf("In"), where, expected, shape.Channels, Fmt(shape));
                return null;
            }
            row.Kind = $"Linear({shape.Channels}→{outFeatures}" + (layer.Bias ? "" : ", bias=False") + ")";
            row.Params = shape.Channels * outFeatures + (layer.Bias ? outFeatures : 0);
            row.Macs = MacsOver(shape.Channels * outFeatures, Dim.Known(1), Dim.Known(1));
            var result = v;
            result.Shape = TensorShape.Flat(outFeatures);
            result.Global = true;
            result.FlatFromSpatial = false;
            Record(scope, layer, shape, result.Shape);
            return result;
        }

        private Value? ApplyUpsample(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            if (!RequireMap(v, layer, where, "Upsample")) return null;
            if (!TryEval(scope, layer, "Scale", layer.Scale, where, out var scale)) return null;
            if (!TryEval(scope, layer, "Height", layer.UpHeight, where, out var height)) return null;
            if (!TryEval(scope, layer, "Width", layer.UpWidth, where, out var width)) return null;
            bool byScale = scale != 0;
            bool bySize = height != 0 || width != 0;
            if (!Check(byScale != bySize, layer, byScale ? "Scale" : "Height", where,
                    "Upsample needs either Scale or both Height and Width, not both and not neither")) return null;
            var shape = v.Shape;
            var result = v;
            string mode = layer.UpsampleMode == 1 ? "bilinear" : "nearest";
            if (byScale)
            {
                if (!Check(scale >= 1, layer, "Scale", where, $"Upsample scale must be positive, got {scale}")) return null;
                result.Shape = new TensorShape(shape.Channels, new Dim(shape.Height.Coef * scale, shape.Height.Offset * scale), new Dim(shape.Width.Coef * scale, shape.Width.Offset * scale));
                result.Jump = v.Jump / scale;
                result.PathStride = scale == 1 ? v.PathStride : 0;
                row.Kind = $"Upsample(scale={scale}, {mode})";
            }
            else
            {
                if (!Check(height >= 1 && width >= 1, layer, "Height", where,
                        $"Upsample size must be positive, got {height}x{width}")) return null;
                result.Shape = new TensorShape(shape.Channels, Dim.Known(height), Dim.Known(width));
                result.PathStride = 0;
                row.Kind = $"Upsample(size={height}x{width}, {mode})";
            }
            Record(scope, layer, shape, result.Shape);
            return result;
        }

        private static readonly string[] DownsampleNames = { "MaxPool", "AvgPool", "StridedConv", "Hwd" };

        /// <summary>A 2x downsampler of a chosen kind (seed 000): pooling, strided conv, or Haar wavelet downsampling.</summary>
        private Value? ApplyDownsample(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            if (!RequireMap(v, layer, where, "Downsample")) return null;
            if (!Check(layer.DownsampleKind >= 0 && layer.DownsampleKind <= 3, layer, "kind", where, $"unknown downsampler kind {layer.DownsampleKind}")) return null;
            var shape = v.Shape;
            long cin = shape.Channels;
            if (!TryEval(scope, layer, "Out", layer.Out, where, out var cout)) return null;
            if (!Check(cout >= 0, layer, "Out", where, $"Downsample output channels must be positive (or 0 to keep them), got {cout}")) return null;
            int kind = layer.DownsampleKind;
            string name = DownsampleNames[kind];
            if (cout == 0) cout = cin;
            if (kind <= 1 && cout != cin)
            {
                Report(DiagnosticDescriptors.ArgumentOutOfRange, layer.LocationOf("Out"), where,
                    $"a {name} downsampler keeps the channels ({cin}); drop Out or use StridedConv / Hwd to change them");
                return null;
            }

            var result = v;
            Dim? h, w;
            long window;
            switch (kind)
            {
                case 0:
                case 1:
                    window = 2;
                    h = WindowDim(shape.Height, 2, 2, 0, 1, false, true, layer, where, name);
                    w = h is null ? null : WindowDim(shape.Width, 2, 2, 0, 1, false, false, layer, where, name);
                    if (h is null || w is null) return null;
                    row.Kind = $"Downsample({name}: {(kind == 0 ? "MaxPool2d" : "AvgPool2d")}(k=2))";
                    break;
                case 2:
                    window = 3;
                    h = WindowDim(shape.Height, 3, 2, 1, 1, false, true, layer, where, name);
                    w = h is null ? null : WindowDim(shape.Width, 3, 2, 1, 1, false, false, layer, where, name);
                    if (h is null || w is null) return null;
                    row.Params = 9 * cin * cout + cout;
                    row.Macs = MacsOver(9 * cin * cout, h.Value, w.Value);
                    row.Kind = $"Downsample(StridedConv: Conv2d({cin}→{cout}, k=3, s=2, p=1){(layer.WithReLU ? " · ReLU" : "")})";
                    break;
                default:
                    window = 2;
                    // One Haar level: ceil(H/2), odd sizes zero-padded at the bottom/right (pytorch_wavelets' mode='zero').
                    ReportOddSizes(layer, where, "Hwd", shape, "it is zero-padded at the bottom/right first, as pytorch_wavelets' mode='zero' does, so the last row/column of bands pairs a pixel with a zero");
                    h = HalveCeil(shape.Height, true);
                    w = HalveCeil(shape.Width, false);
                    row.Params = 4 * cin * cout + 3 * cout;
                    row.Macs = MacsOver(4 * cin * cout, h.Value, w.Value);
                    row.Kind = $"Downsample(Hwd: Haar DWT → Conv2d({4 * cin}→{cout}, k=1) · BatchNorm2d · ReLU)";
                    break;
            }
            result.Shape = new TensorShape(cout, h!.Value, w!.Value);
            result.Rf = v.Rf + (window - 1) * v.Jump;
            result.Jump = v.Jump * 2;
            result.PathStride = v.PathStride * 2;
            Record(scope, layer, shape, result.Shape);
            return result;
        }

        /// <summary>WTConv2d: depthwise conv plus a cascade of wavelet levels (ECCV 2024), channels in == out.</summary>
        private Value? ApplyWTConv(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            if (!RequireMap(v, layer, where, "WTConv")) return null;
            var shape = v.Shape;
            long c = shape.Channels;
            if (!TryEval(scope, layer, "outChannels", layer.Out, where, out var cout)) return null;
            if (!TryEval(scope, layer, "Kernel", layer.Kernel, where, out var k)) return null;
            if (!TryEval(scope, layer, "Stride", layer.Stride, where, out var s)) return null;
            if (!TryEval(scope, layer, "Levels", layer.Levels, where, out var levels)) return null;
            if (!Check(k >= 1, layer, "Kernel", where, $"WTConv kernel size must be positive, got {k}")) return null;
            if (!Check(s >= 1, layer, "Stride", where, $"WTConv stride must be positive, got {s}")) return null;
            if (!Check(levels >= 1, layer, "Levels", where, $"WTConv needs at least one wavelet level, got {levels}")) return null;
            if (cout != c)
            {
                Report(DiagnosticDescriptors.WTConvChannels, layer.LocationOf("outChannels"), where, cout, c);
                return null;
            }
            if (!WaveletCatalog.Contains(layer.WaveletName))
            {
                Report(DiagnosticDescriptors.UnknownWavelet, layer.LocationOf("Wavelet"), where, layer.WaveletName, string.Join(", ", WaveletCatalog.Names));
                return null;
            }
            int f = WaveletCatalog.FilterLength(layer.WaveletName);

            // The cascade: each level halves the previous LL (odd sizes padded, then cropped on the way back up).
            var levelDims = new List<(Dim H, Dim W)>();
            Dim lh = shape.Height, lw = shape.Width;
            for (long level = 1; level <= levels; level++)
            {
                if (lh.IsKnown && lw.IsKnown && lh.Offset == 1 && lw.Offset == 1)
                {
                    Report(DiagnosticDescriptors.WaveletLevelsTooDeep, layer.LocationOf("Levels"), where, level, levels,
                        $"{shape.Height.Format("H", _modH)}x{shape.Width.Format("W", _modW)}", level - 1);
                    return null;
                }
                lh = HalveCeil(lh, true);
                lw = HalveCeil(lw, false);
                levelDims.Add((lh, lw));
                if (lh.IsKnown && lw.IsKnown && (lh.Offset < k || lw.Offset < k))
                    Report(DiagnosticDescriptors.WaveletBandBelowKernel, layer.LocationOf("Levels"), where, level, $"{lh.Offset}x{lw.Offset}", k);
            }
            ReportOddSizes(layer, where, "WTConv", shape, "each level pads it to even at the bottom/right and crops the result back, as the reference does");

            // Parameters as the reference counts them, with the fixed wavelet filters apart (buffers here).
            long basePerChannel = k * k + (layer.Bias ? 1 : 0);
            long trainable = c * basePerChannel + c + levels * (4 * c * k * k + 4 * c);
            long fixedFilters = 2 * 4 * c * f * f;
            row.IsContainer = true;
            row.Kind = $"WTConv2d({c}, k={k}" + (s != 1 ? $", s={s}" : "") + $", levels={levels}, {layer.WaveletName}" + (layer.Bias ? "" : ", bias=False") +
                $"; +{fixedFilters.ToString("N0", CultureInfo.InvariantCulture)} fixed filter values)";

            string path = row.Path;
            var inputText = Fmt(shape);
            void Child(string name, string kind, long parameters, long? macs, double? rf) =>
                _result.Rows.Add(new SummaryRow(path + "." + name, row.Depth + 1, kind)
                {
                    InputShape = inputText,
                    OutputShape = Fmt(shape),
                    Params = parameters,
                    Macs = macs,
                    ReceptiveField = rf,
                });
            double baseRf = v.Rf + (k - 1) * v.Jump;
            Child("base_conv", $"Conv2d({c}→{c}, k={k}, p=same, g={c}{(layer.Bias ? "" : ", bias=False")})", c * basePerChannel, MacsOver(c * k * k, shape.Height, shape.Width), baseRf);
            Child("base_scale", $"scale ({c}), init 1.0", c, 0, baseRf);
            double rf = baseRf;
            for (int i = 0; i < levelDims.Count; i++)
            {
                long scale = 1L << (i + 1);
                // Level l: analysis filters (f taps) at strides 1..2^(l-1), a k x k conv at stride 2^l, synthesis back.
                double levelRf = v.Rf + v.Jump * ((k - 1) * scale + scale - 1 + 2 * (f - 2) * (scale - 1));
                rf = Math.Max(rf, levelRf);
                var (dh, dw) = levelDims[i];
                string size = dh.Format("H", _modH) + "x" + dw.Format("W", _modW);
                double ownRf = (k - 1) * scale + scale + 2 * (f - 2) * (scale - 1);
                Child("wavelet_convs." + i.ToString(CultureInfo.InvariantCulture),
                    $"level {i + 1}: Conv2d({4 * c}→{4 * c}, k={k}, g={4 * c}, bias=False) on {size} sub-bands, sees {ownRf.ToString("0.##", CultureInfo.InvariantCulture)} px",
                    4 * c * k * k, MacsOver(4 * c * k * k, dh, dw), levelRf);
                Child("wavelet_scale." + i.ToString(CultureInfo.InvariantCulture), $"scale ({4 * c}), init 0.1", 4 * c, 0, levelRf);
            }

            var result = v;
            if (s != 1)
            {
                // Stride by subsampling the result (AvgPool2d(1, s)): ceil(H/s).
                var h = WindowDim(shape.Height, 1, s, 0, 1, false, true, layer, where, "WTConv");
                var w = h is null ? null : WindowDim(shape.Width, 1, s, 0, 1, false, false, layer, where, "WTConv");
                if (h is null || w is null) return null;
                result.Shape = new TensorShape(c, h.Value, w.Value);
            }
            result.Rf = rf;
            result.Jump = v.Jump * s;
            result.PathStride = v.PathStride * s;
            Record(scope, layer, shape, result.Shape);
            return result;
        }

        /// <summary>
        /// Extends or ends the run of consecutive stride-1 convolutions used by the gridding check. Layers that act
        /// per pixel (BN, activations, dropout, 1x1 convs) do not end a run; anything that resamples does.
        /// </summary>
        private void TrackDilatedRun(Scope scope, BoundLayer layer, string where)
        {
            var run = scope.DilatedRun;
            if (layer.Kind is LayerKind.Conv or LayerKind.SeparableConv)
            {
                long k = layer.Kernel?.Evaluate(scope.Env, out _) ?? 0;
                long s = layer.Stride?.Evaluate(scope.Env, out _) ?? 0;
                long d = layer.Dilation?.Evaluate(scope.Env, out _) ?? 1;
                if (k == 1 && s == 1) return;
                if (s != 1 || k % 2 == 0)
                {
                    FlushDilatedRun(scope);
                    return;
                }
                if (run.Count > 0 && run[0].Kernel != k) FlushDilatedRun(scope);
                run.Add((k, d, layer, where));
                return;
            }
            if (layer.IsActivation || layer.Kind is LayerKind.BatchNorm or LayerKind.Dropout or LayerKind.Identity) return;
            FlushDilatedRun(scope);
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

        /// <summary>torchvision's ASPP, DeepLabHead and FCNHead: same spatial size, known parameter formulas.</summary>
        private Value? ApplySegmentationHead(Scope scope, BoundLayer layer, Value v, SummaryRow row, string where)
        {
            string name = layer.Kind.ToString();
            if (!RequireMap(v, layer, where, name)) return null;
            var shape = v.Shape;
            long cin = shape.Channels;
            if (!TryEval(scope, layer, layer.Kind == LayerKind.ASPP ? "Out" : layer.Kind == LayerKind.DeepLabHead ? "numClasses" : "channels", layer.Out, where, out var cout)) return null;
            if (!Check(cout >= 1, layer, "Out", where, $"{name} output channels must be positive, got {cout}")) return null;
            var rates = layer.Bins;
            long pixels = 0;
            long perPixel, parameters;
            double rf = v.Rf;
            if (layer.Kind == LayerKind.FCNHead)
            {
                if (!Check(cin >= 4, layer, "channels", where, $"FCNHead needs at least 4 input channels (it reduces to in/4), got {cin}")) return null;
                long inter = cin / 4;
                parameters = cin * inter * 9 + 2 * inter + inter * cout + cout;
                perPixel = cin * inter * 9 + inter * cout;
                rf += 2 * v.Jump;
                row.Kind = $"FCNHead({cin}→{inter}→{cout})";
            }
            else
            {
                if (!Check(rates.Count >= 1 && rates.All(r => r >= 1), layer, "rates", where, "ASPP needs at least one positive atrous rate")) return null;
                var repeated = rates.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                if (repeated.Count > 0)
                {
                    Report(DiagnosticDescriptors.AsppRatesNotDistinct, layer.LocationOf("rates"), where, string.Join(", ", rates), string.Join(", ", repeated));
                    return null;
                }
                long aspp = layer.Kind == LayerKind.ASPP ? cout : 256;
                long branches = rates.Count + 2;
                parameters = (cin * aspp + 2 * aspp) * 2 + rates.Count * (cin * aspp * 9 + 2 * aspp) + branches * aspp * aspp + 2 * aspp;
                perPixel = cin * aspp + rates.Count * cin * aspp * 9 + branches * aspp * aspp;
                // The image-pooling branch's 1x1 conv runs once per sample.
                _result.MacTerms.Add(new MacTerm(cin * aspp, Dim.Known(1), Dim.Known(1)));
                pixels = cin * aspp;
                foreach (var rate in rates)
                    ReportDegenerateDilation(layer, layer.Kind == LayerKind.ASPP ? "rates" : "numClasses", where, shape, rate, "that ASPP branch");
                rf = v.Rf + 2 * rates.Max() * v.Jump;
                if (layer.Kind == LayerKind.DeepLabHead)
                {
                    parameters += 256 * 256 * 9 + 2 * 256 + 256 * cout + cout;
                    perPixel += 256 * 256 * 9 + 256 * cout;
                    rf += 2 * v.Jump;
                    row.Kind = $"DeepLabHead({cin}→{cout}, ASPP rates {string.Join("/", rates)})";
                }
                else
                {
                    row.Kind = $"ASPP({cin}→{cout}, rates {string.Join("/", rates)})";
                }
                // Image pooling makes the receptive field global.
                rf = double.PositiveInfinity;
            }
            row.Params = parameters;
            var macs = MacsOver(perPixel, shape.Height, shape.Width);
            row.Macs = macs is null ? null : macs + pixels;
            var result = v;
            result.Shape = new TensorShape(cout, shape.Height, shape.Width);
            if (double.IsPositiveInfinity(rf)) result.Global = true;
            else result.Rf = rf;
            Record(scope, layer, shape, result.Shape);
            return result;
        }

        /// <summary>NDSL0032: a 3x3 (or larger) kernel dilated at least as far as the map reaches only padding with its outer taps.</summary>
        private void ReportDegenerateDilation(BoundLayer layer, string argument, string where, TensorShape shape, long rate, string subject)
        {
            var axes = new List<string>();
            if (shape.Height.IsKnown && rate >= shape.Height.Offset) axes.Add($"height {shape.Height.Offset}");
            if (shape.Width.IsKnown && rate >= shape.Width.Offset) axes.Add($"width {shape.Width.Offset}");
            if (axes.Count > 0)
                Report(DiagnosticDescriptors.DegenerateDilation, layer.LocationOf(argument), where, rate, string.Join(" and ", axes),
                    axes.Count == 2 ? subject + " acts as a 1x1 convolution" : subject + " degenerates along that axis");
        }

        /// <summary>ceil(x / 2): one wavelet level (odd sizes padded to even first).</summary>
        private Dim HalveCeil(Dim x, bool isHeight)
        {
            if (x.IsKnown) return Dim.Known(ShapeMath.CeilDiv(x.Offset, 2));
            if (x.Coef % 2 != 0)
                throw isHeight ? new ModulusRestart(_modH * 2, _modW) : new ModulusRestart(_modH, _modW * 2);
            return new Dim(x.Coef / 2, ShapeMath.CeilDiv(x.Offset, 2));
        }

        private void ReportOddSizes(BoundLayer layer, string where, string stage, TensorShape shape, string what)
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
        private Dim? WindowDim(Dim x, long k, long s, long p, long d, bool ceilMode, bool isHeight, BoundLayer layer, string where, string name)
        {
            long extent = ShapeMath.EffectiveKernel(k, d);
            string axis = isHeight ? "height" : "width";
            if (x.IsKnown)
            {
                // In ceil mode PyTorch only needs one window starting inside the input (the output check below).
                if (!ceilMode && x.Offset + 2 * p < extent)
                {
                    // Conv's kernel is the named Kernel argument, a pooling layer's the positional "kernel".
                    string kernelArgument = layer.Kind is LayerKind.MaxPool or LayerKind.AvgPool ? "kernel" : "Kernel";
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

        private Dim? TransposeDim(Dim x, long k, long s, long p, long op, long d, bool isHeight, BoundLayer layer, string where)
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
        private long? MacsOver(long perPixel, Dim h, Dim w)
        {
            _result.MacTerms.Add(new MacTerm(perPixel, h, w));
            return h.IsKnown && w.IsKnown ? perPixel * h.Offset * w.Offset : (long?)null;
        }

        private void RequireT(bool isHeight, long minT)
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
        private double?[]? BlockArguments(Scope scope, BoundLayer layer, DeclarationSpec block, string where, List<BlockArg>? list = null)
        {
            list ??= layer.BlockArgs;
            string argument = ReferenceEquals(list, layer.BlockArgs) ? "args" : "FirstArgs";
            var values = new List<double>();
            var parameters = block.Params;
            for (int i = 0; i < list.Count; i++)
            {
                var arg = list[i];
                bool real = i < parameters.Count && parameters[i].Real;
                string? error;
                double? value = real ? arg.Value.EvaluateReal(scope.RealEnv, out error) : arg.Value.Evaluate(scope.Env, out error);
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

        private Value? RunBlock(Scope scope, DeclarationSpec block, double?[] args, Value v, string prefix, int depth, SummaryRow row, bool firstCopy)
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
            var output = RunDeclaration(inner, v);
            if (output is null) return null;
            var result = output.Value;
            result.PathStride = v.PathStride == 0 || result.PathStride == 0 ? 0 : v.PathStride * result.PathStride;
            return result;
        }

        private Value? ApplyUse(Scope scope, BoundLayer layer, Value v, SummaryRow row, string path, string where)
        {
            if (!TryBlock(scope, layer, where, out var block)) return null;
            if (!Check(layer.Repeat >= 1, layer, "Repeat", where, $"Repeat must be at least 1, got {layer.Repeat}")) return null;
            var args = BlockArguments(scope, layer, block, where);
            if (args is null) return null;
            var firstArgs = layer.FirstBlockArgs is null ? args : BlockArguments(scope, layer, block, where, layer.FirstBlockArgs);
            if (firstArgs is null) return null;
            var inputShape = v.Shape;
            var facts = new List<(long In, long[] Args)>();
            Value? current = v;
            if (layer.Repeat == 1)
            {
                facts.Add((v.Shape.Channels, args.Select(a => (long)a!.Value).ToArray()));
                current = RunBlock(scope, block, args, v, path + ".", scope.Depth + 1, row, firstCopy: true);
            }
            else
            {
                row.Kind = $"Sequential({layer.Repeat} × {block.ClassName}" + (layer.DilationNote is null ? ")" : $"; {layer.DilationNote})");
                row.IsContainer = true;
                for (int i = 0; i < layer.Repeat && current is not null; i++)
                {
                    string childPath = path + "." + i.ToString(CultureInfo.InvariantCulture);
                    var child = new SummaryRow(childPath, scope.Depth + 1, "") { InputShape = Fmt(current.Value.Shape) };
                    _result.Rows.Add(child);
                    var given = i == 0 ? firstArgs : args;
                    var copyArgs = new long[block.Params.Count];
                    for (int j = 0; j < copyArgs.Length; j++)
                        copyArgs[j] = i > 0 && block.Params[j].FirstRepeatOnly && block.Params[j].Default is int def ? def : (long)given[j]!.Value;
                    facts.Add((current.Value.Shape.Channels, copyArgs));
                    current = RunBlock(scope, block, given, current.Value, childPath + ".", scope.Depth + 2, child, firstCopy: i == 0);
                    if (current is not null)
                    {
                        child.OutputShape = Fmt(current.Value.Shape);
                        child.ReceptiveField = current.Value.Global ? null : current.Value.Rf;
                        RecordTappable(scope, childPath, current.Value, child.Kind);
                    }
                }
            }
            if (current is null) return null;
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
            var result = v;
            var shapes = new List<TensorShape> { v.Shape };
            foreach (var name in layer.From)
            {
                if (!outputs.TryGetValue(name, out var other))
                {
                    var earlier = outputs.Keys.ToList();
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
            row.Kind = (add ? "Add(" : "Concat(") + "·, " + string.Join(", ", layer.From) + ")";
            Record(scope, layer, v.Shape, result.Shape);
            return result;
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
                string childPath = path + "." + i.ToString(CultureInfo.InvariantCulture);
                var child = new SummaryRow(childPath, scope.Depth + 1, "") { InputShape = Fmt(v.Shape) };
                _result.Rows.Add(child);
                var output = RunBlock(scope, block, args, v, childPath + ".", scope.Depth + 2, child, firstCopy: true);
                if (output is null) return null;
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
            return result;
        }
    }
}

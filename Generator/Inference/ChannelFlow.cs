using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Symbolic channel flow through a declaration: the channel count (and path stride) after every layer as
    /// an <see cref="Expr"/> over <c>in_channels</c> and the block's parameters. The emitter writes these
    /// expressions into a block's constructor, so one generated class serves every use of the block.
    /// </summary>
    public sealed class ChannelFlow
    {
        private readonly IReadOnlyDictionary<string, BoundDeclaration> _bound;

        public ChannelFlow(IReadOnlyDictionary<string, BoundDeclaration> bound) => _bound = bound;

        /// <summary>Input channels of each layer, by layer.</summary>
        public Dictionary<BoundLayer, Expr> LayerInput { get; } = new Dictionary<BoundLayer, Expr>();

        /// <summary>Output channels of each layer, by layer.</summary>
        public Dictionary<BoundLayer, Expr> LayerOutput { get; } = new Dictionary<BoundLayer, Expr>();

        /// <summary>For shortcuts: the main path's stride since the declaration's input (null when not an integer).</summary>
        public Dictionary<BoundLayer, Expr?> ShortcutStride { get; } = new Dictionary<BoundLayer, Expr?>();

        /// <summary>For block uses: the input channels of each copy.</summary>
        public Dictionary<BoundLayer, List<Expr>> CopyInputs { get; } = new Dictionary<BoundLayer, List<Expr>>();

        /// <summary>
        /// A block's use with <c>Repeat = "num_layers"</c> (a loop of the constructor): copy 0 takes <c>First</c> channels,
        /// copy i &gt; 0 takes <c>Second + (i - 1) * Step</c> (ResNet's layers: Step 0; DenseNet's dense layers: Step = the
        /// growth rate). <c>Problem</c> says why the copies' channels follow no such rule (they are then unsupported).
        /// </summary>
        public Dictionary<BoundLayer, (Expr First, Expr Second, Expr Step, string? Problem)> RepeatLoops { get; } =
            new Dictionary<BoundLayer, (Expr, Expr, Expr, string?)>();

        /// <summary>The input channels of a later copy in <see cref="RepeatLoops"/>' analysis: a name no declaration can use.</summary>
        private const string Probe = "in_channels of copy";

        /// <summary>
        /// The low-frequency fraction (a real expression) of each layer's input: what an octave batch norm splits by, and
        /// for shortcuts the alpha of the declaration's input. 0 for a plain tensor.
        /// </summary>
        public Dictionary<BoundLayer, Expr> LayerAlpha { get; } = new Dictionary<BoundLayer, Expr>();

        /// <summary>The channel counts that depend on whether a conditional stage exists: (the constructor local, the
        /// condition, the channels when it does, when it does not).</summary>
        public List<(string Local, Condition Condition, Expr Present, Expr Absent)> ConditionalChannels { get; } = new List<(string, Condition, Expr, Expr)>();

        /// <summary>The layers that receive a channels-last map (after a permute).</summary>
        public HashSet<BoundLayer> ChannelsLastInput { get; } = new HashSet<BoundLayer>();

        /// <summary>For shortcuts: the main path's alpha, the projection's alpha_out.</summary>
        public Dictionary<BoundLayer, Expr> ShortcutAlphaOut { get; } = new Dictionary<BoundLayer, Expr>();

        /// <summary>The alpha of the last walk's output.</summary>
        public Expr OutputAlpha { get; private set; } = Expr.Real(0);

        private static readonly Expr Plain = Expr.Real(0);

        /// <summary>
        /// The alpha a declaration's input must have: the AlphaIn of its first octave layer (or the input alpha of the first
        /// octave block it uses), when only per-frequency layers come before it; 0 (plain) otherwise.
        /// </summary>
        public Expr InputAlpha(BoundDeclaration declaration)
        {
            foreach (var stage in declaration.Stages)
            {
                switch (stage.Form)
                {
                    case StageForm.Sequence:
                        foreach (var layer in stage.Layers)
                        {
                            if (layer.Rule is { IsOctave: true }) return layer.AlphaIn ?? Plain;
                            if (!OctaveTyping.IsPerFrequency(layer)) return Plain;
                        }
                        break;
                    case StageForm.Use:
                    {
                        var use = stage.Layers[0];
                        if (!_bound.TryGetValue(use.BlockName!, out var block) || !OctaveTyping.IsOctave(block, Resolve)) return Plain;
                        return InputAlpha(block).Substitute(Arguments(block, use, Expr.Var(Expr.InChannels), firstCopy: true));
                    }
                    case StageForm.Shortcut:
                    case StageForm.Add:
                        break;
                    default:
                        return Plain;
                }
            }
            return Plain;
        }

        private BoundDeclaration? Resolve(string name) => _bound.TryGetValue(name, out var d) ? d : null;
        /// <summary>For a network's [Tap] stages: the channels of each tapped path (from inference), which start their side head.</summary>
        public Dictionary<string, Expr> TapChannels { get; } = new Dictionary<string, Expr>();

        /// <summary>Walks <paramref name="declaration"/> from <paramref name="input"/> channels; returns the output channels and stride.</summary>
        public (Expr Channels, Expr? Stride) Walk(BoundDeclaration declaration, Expr input, bool record = true) =>
            Walk(declaration, input, InputAlpha(declaration), record);

        /// <summary>As <see cref="Walk(BoundDeclaration, Expr, bool)"/> from an input of alpha <paramref name="inputAlpha"/>; <see cref="OutputAlpha"/> is set.</summary>
        public (Expr Channels, Expr? Stride) Walk(BoundDeclaration declaration, Expr input, Expr inputAlpha, bool record)
        {
            var outputs = new Dictionary<string, Expr>();
            Expr c = input;
            Expr? stride = Expr.Num(1);
            Expr alpha = inputAlpha;
            bool channelsLast = false;
            outputs[BoundLayer.InputName] = input;
            foreach (var stage in declaration.Stages)
            {
                var channelsBefore = c;
                var strideBefore = stride;
                if (stage.Tap?.TapPath is { } tapped)
                {
                    c = TapChannels.TryGetValue(tapped, out var channels) ? channels : c;
                    stride = null;
                }
                switch (stage.Form)
                {
                    case StageForm.Sequence:
                        foreach (var layer in stage.Layers)
                        {
                            var before = c;
                            if (record) LayerAlpha[layer] = alpha;
                            if (layer.Rule is { IsOctave: true }) alpha = layer.AlphaOut ?? Plain;
                            else if (!OctaveTyping.IsPerFrequency(layer)) alpha = Plain;
                            if (record && channelsLast) ChannelsLastInput.Add(layer);
                            if (layer.Rule is { } rule)
                            {
                                var state = new ChannelState { Channels = c, Stride = stride, ChannelsLast = channelsLast };
                                rule.Flow(layer, ref state);
                                c = state.Channels;
                                stride = state.Stride;
                                channelsLast = state.ChannelsLast;
                            }
                            if (record)
                            {
                                LayerInput[layer] = before;
                                LayerOutput[layer] = c;
                            }
                        }
                        break;
                    case StageForm.Use:
                    {
                        var layer = stage.Layers[0];
                        var before = c;
                        var copies = new List<Expr>();
                        if (record) LayerAlpha[layer] = alpha;
                        if (_bound.TryGetValue(layer.BlockName!, out var block) && layer.RepeatCount is { } count)
                        {
                            // A count known per use only: copy 0, then a later copy on any input, at any index.
                            var (blockOut, blockStride) = Walk(block, Expr.Var(Expr.InChannels), InputAlpha(block), record: false);
                            copies.Add(c);
                            var first = Arguments(block, layer, c, firstCopy: true);
                            var second = blockOut.Substitute(first);
                            var probe = Expr.Var(Probe);
                            var later = blockOut.Substitute(Arguments(block, layer, probe, firstCopy: false, index: Expr.Var(Expr.CopyIndex)));
                            var step = Expr.Binary('-', later, probe);
                            var used = new SortedSet<string>(StringComparer.Ordinal);
                            step.CollectVariables(used);
                            string? problem = used.Contains(Probe) || used.Contains(Expr.CopyIndex)
                                ? $"the channels of a later copy ({later.ToString().Replace(Probe, "c")} for an input of c) do not grow by the same number each copy"
                                : OctaveTyping.IsOctave(block, Resolve) ? "the copies are octave modules (their pairs need a count known to the compiler)" : null;
                            if (record) RepeatLoops[layer] = (c, second, step, problem);
                            // After n copies: Second + (n - 1) * Step.
                            c = Expr.Add(second, Expr.Mul(Expr.Binary('-', count, Expr.Num(1)), step));
                            alpha = Plain;
                            // The stride: copy 0's (later copies keep the size, as a stride-1 FirstRepeatOnly rule makes them).
                            stride = blockStride is null || stride is null ? null : Expr.Mul(stride, blockStride.Substitute(first));
                        }
                        else if (_bound.TryGetValue(layer.BlockName!, out block))
                        {
                            bool octave = OctaveTyping.IsOctave(block, Resolve);
                            for (int i = 0; i < layer.Repeat; i++)
                            {
                                copies.Add(c);
                                var map = Arguments(block, layer, c, firstCopy: i == 0, copyIndex: i);
                                // The block in its own terms (in_channels), then the arguments of this copy: walking it on c and substituting again counted c twice.
                                var (blockOut, blockStride) = Walk(block, Expr.Var(Expr.InChannels), InputAlpha(block), record: false);
                                c = blockOut.Substitute(map);
                                alpha = octave ? OutputAlpha.Substitute(map) : Plain;
                                stride = blockStride is null || stride is null ? null : Expr.Mul(stride, blockStride.Substitute(map));
                            }
                        }
                        else alpha = Plain;
                        if (record)
                        {
                            LayerInput[layer] = before;
                            LayerOutput[layer] = c;
                            CopyInputs[layer] = copies;
                        }
                        break;
                    }
                    case StageForm.Shortcut:
                        if (record)
                        {
                            LayerInput[stage.Layers[0]] = input;
                            LayerOutput[stage.Layers[0]] = c;
                            ShortcutStride[stage.Layers[0]] = stride;
                            LayerAlpha[stage.Layers[0]] = inputAlpha;
                            ShortcutAlphaOut[stage.Layers[0]] = alpha;
                        }
                        break;
                    case StageForm.Add:
                        break;
                    case StageForm.Mul:
                    {
                        // A gate of one channel takes the other operand's channels (broadcast).
                        var layer = stage.Layers[0];
                        var before = c;
                        foreach (var name in layer.From)
                            if (c.Equals(Expr.Num(1)) && outputs.TryGetValue(name, out var other)) c = other;
                        if (record)
                        {
                            LayerInput[layer] = before;
                            LayerOutput[layer] = c;
                        }
                        break;
                    }
                    case StageForm.Concat:
                    {
                        alpha = Plain;
                        var layer = stage.Layers[0];
                        var before = c;
                        foreach (var name in layer.From)
                        {
                            if (outputs.TryGetValue(name, out var other)) c = Expr.Add(c, other);
                        }
                        if (record)
                        {
                            LayerInput[layer] = before;
                            LayerOutput[layer] = c;
                        }
                        break;
                    }
                    case StageForm.Parallel:
                    {
                        alpha = Plain;
                        var before = c;
                        Expr? total = null;
                        Expr? joinedStride = null;
                        bool first = true;
                        bool concat = stage.JoinLayer!.JoinMode == 0;
                        foreach (var branch in stage.Branches)
                        {
                            if (!_bound.TryGetValue(branch.BlockName!, out var block)) continue;
                            var (blockOut, blockStride) = Walk(block, Expr.Var(Expr.InChannels), record: false);
                            var map = Arguments(block, branch, before, firstCopy: true);
                            var branchOut = blockOut.Substitute(map);
                            var branchStride = blockStride?.Substitute(map);
                            if (record)
                            {
                                LayerInput[branch] = before;
                                LayerOutput[branch] = branchOut;
                            }
                            total = total is null ? branchOut : concat ? Expr.Add(total, branchOut) : total;
                            joinedStride = first ? branchStride : (joinedStride is not null && branchStride is not null && joinedStride.Equals(branchStride) ? joinedStride : null);
                            first = false;
                        }
                        c = total ?? c;
                        stride = stride is null || joinedStride is null ? null : Expr.Mul(stride, joinedStride);
                        if (record) LayerOutput[stage.JoinLayer!] = c;
                        break;
                    }
                }
                if (stage.Condition is not null && record)
                {
                    // After a conditional stage the channels are the stage's or, when it is absent, the ones before it:
                    // a local of the constructor ("expand_channels = expand_ratio != 1 ? ... : in_channels").
                    if (!c.Equals(channelsBefore))
                    {
                        string local = stage.Name + "_channels";
                        ConditionalChannels.Add((local, stage.Condition, c, channelsBefore));
                        c = Expr.Var(local);
                    }
                    if (stride is null || strideBefore is null || !stride.Equals(strideBefore)) stride = null;
                }
                outputs[stage.Name] = c;
            }
            OutputAlpha = alpha;
            return (c, stride);
        }

        /// <summary>Maps a block's parameter names (and in_channels) to the expressions a use passes.</summary>
        public static Dictionary<string, Expr> Arguments(BoundDeclaration block, BoundLayer use, Expr inChannels, bool firstCopy, int copyIndex = 0, Expr? index = null)
        {
            var indexMap = new Dictionary<string, Expr>(StringComparer.Ordinal) { [Expr.CopyIndex] = index ?? Expr.Num(copyIndex) };
            var map = new Dictionary<string, Expr> { [Expr.InChannels] = inChannels };
            var parameters = block.Spec.Params;
            for (int i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                var given = use.ArgsOfCopy(firstCopy ? 0 : 1);
                Expr? value = i < given.Count ? given[i].Value.Substitute(indexMap) : null;
                if (value is null || (!firstCopy && p.FirstRepeatOnly))
                    value = p.DefaultExpr ?? Expr.Var(p.Name);
                map[p.Name] = value;
            }
            return map;
        }

    }
}

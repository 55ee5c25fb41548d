using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Peak activation memory at compile time: per declaration run, the <see cref="Liveness"/> of its present stages
    /// with each stage's bytes (per sample, float32), as the generated forward releases them. A stage needs its
    /// <c>extra</c> bytes while it runs (its output and its temporaries) and leaves <c>own</c> bytes (its new tensor; 0
    /// when it shares its input's storage: ReLU(inplace), Flatten, Dropout in eval, an in-place residual add). Layers
    /// count by their outputs: a runtime module's temporaries inside one call (a convolution's workspace) are not counted.
    /// </summary>
    public sealed partial class ShapeInference
    {
        /// <summary>What the last stage of a form that runs blocks (use, parallel, shortcut) needs: extra and own bytes.</summary>
        private (long? Extra, long? Own) _stageMemory;

        /// <summary>What the last <see cref="RunDeclaration"/> needed: its peak beyond its input, and its result's own bytes.</summary>
        private (long? Extra, long? Own) _declarationMemory;

        /// <summary>Whether the last shortcut was projected (set by ApplyShortcut).</summary>
        private bool _shortcutProjected;

        /// <summary>Bytes per sample of a float32 tensor of this shape (both parts of an octave pair); null when symbolic.</summary>
        internal static long? BytesOf(TensorShape shape)
        {
            if (shape.Channels < 0) return null;
            if (shape.Rank == Rank.Flat) return 4 * shape.Channels;
            if (!shape.Height.IsKnown || !shape.Width.IsKnown) return null;
            try
            {
                long bytes = checked(shape.Channels * shape.Height.Offset * shape.Width.Offset);
                if (shape.IsOctave)
                {
                    if (!shape.LowHeight.IsKnown || !shape.LowWidth.IsKnown) return null;
                    bytes = checked(bytes + shape.LowChannels * shape.LowHeight.Offset * shape.LowWidth.Offset);
                }
                // Beyond 2^50 bytes the peak is not reported (its sums would not fit 64 bits; NDSL0050 reports such counts).
                return bytes > (1L << 48) ? null : 4 * bytes;
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        private static bool Allocates(BoundLayer layer) => layer.Rule is not { } rule || rule.Allocates(layer);

        /// <summary>
        /// TorchSharp's nn.Sequential (and OctaveSequential): each child's output is made, then its input is disposed.
        /// Children given as (extra, own); returns the peak beyond the sequence's input and the result's own bytes.
        /// </summary>
        internal static (long? Extra, long? Own) SequentialMemory(IEnumerable<(long? Extra, long? Own)> children)
        {
            long peak = 0, own = 0;
            foreach (var (extra, childOwn) in children)
            {
                if (extra is null || childOwn is null) return (null, null);
                peak = Math.Max(peak, own + extra.Value);
                if (childOwn.Value > 0) own = childOwn.Value; // else the output shares the previous storage
                peak = Math.Max(peak, own);
            }
            return (peak, own);
        }

        /// <summary>One layer: its output, when it makes a new tensor.</summary>
        private static (long? Extra, long? Own) LayerMemory(BoundLayer layer, TensorShape output)
        {
            var bytes = BytesOf(output);
            if (bytes is null) return (null, null);
            long own = Allocates(layer) ? bytes.Value : 0;
            return (own, own);
        }

        /// <summary>The stages of a declaration run, with their bytes, for its peak (present stages only).</summary>
        private sealed class DeclarationMemory
        {
            private readonly List<BoundStage> _stages = new List<BoundStage>();
            private readonly List<long> _extra = new List<long>();
            private readonly List<long> _own = new List<long>();
            private readonly bool[] _fresh;
            private readonly IReadOnlyList<BoundStage> _all;
            private bool _unknown;
            private bool _closed;

            public DeclarationMemory(BoundDeclaration declaration)
            {
                _all = declaration.Stages;
                var referenced = new HashSet<string>(declaration.Stages.SelectMany(s => s.Layers).SelectMany(l => l.From), StringComparer.Ordinal);
                // The emitter's rule for the in-place residual add, over every stage (conditions are not evaluated there).
                _fresh = Liveness.FreshBefore(declaration.Stages, s => s.Layers.Exists(Allocates), s => referenced.Contains(s.Name));
            }

            /// <summary>Whether the emitted forward adds this shortcut in place.</summary>
            public bool InPlace(BoundStage stage) => stage.Form == StageForm.Shortcut && _fresh[IndexOf(stage)];

            private int IndexOf(BoundStage stage)
            {
                for (int i = 0; i < _all.Count; i++)
                    if (ReferenceEquals(_all[i], stage)) return i;
                return -1;
            }

            /// <summary>Ends the forward's stages (a [Tap] side head runs only in forward_all).</summary>
            public void Close() => _closed = true;

            public void Add(BoundStage stage, (long? Extra, long? Own) memory)
            {
                var (extra, own) = memory;
                if (_closed) return;
                if (extra is null || own is null)
                {
                    _unknown = true;
                    return;
                }
                _stages.Add(stage);
                _extra.Add(extra.Value);
                _own.Add(own.Value);
            }

            /// <summary>The peak beyond the declaration's input and the result's own bytes, from the liveness of the stages.</summary>
            public (long? Extra, long? Own) Finish()
            {
                if (_unknown) return (null, null);
                if (_stages.Count == 0) return (0, 0);
                var inPlace = _stages.Select(InPlace).ToArray();
                var plan = Liveness.Of(Liveness.StepsOf(_stages, inPlace, keptOutputs: false, _ => false));
                var (peak, own) = plan.Peak(_extra, _own);
                return (peak, own);
            }
        }

        /// <summary>A stage without blocks of its own: a sequence of layers, a skip join.</summary>
        private static (long? Extra, long? Own) StageMemory(BoundStage stage, IReadOnlyList<TensorShape> layerOutputs, TensorShape output)
        {
            switch (stage.Form)
            {
                case StageForm.Sequence:
                    return SequentialMemory(stage.Layers.Zip(layerOutputs, LayerMemory));
                case StageForm.Mul when stage.Layers[0].From.Count > 1:
                {
                    // MultiplyReleasing: two products alive at once.
                    var bytes = BytesOf(output);
                    return (2 * bytes, bytes);
                }
                default:
                {
                    // Add (x + a, further terms in place), Concat, Mul: one new tensor.
                    var bytes = BytesOf(output);
                    return (bytes, bytes);
                }
            }
        }

        /// <summary>The residual add: the projection (conv, then BN, the conv's output released) and the add, in place or not.</summary>
        private static (long? Extra, long? Own) ShortcutMemory(bool projected, bool inPlace, TensorShape output)
        {
            var bytes = BytesOf(output);
            if (bytes is null) return (null, null);
            long b = bytes.Value;
            long projection = projected ? 2 * b : 0;
            return inPlace ? (projection, 0) : (Math.Max(projection, (projected ? b : 0) + b), b);
        }

        /// <summary>Parallel branches: each runs while the earlier outputs are alive, then the join makes the result.</summary>
        private static (long? Extra, long? Own) ParallelMemory(IReadOnlyList<(long? Extra, long? Own)> branches, TensorShape output)
        {
            var bytes = BytesOf(output);
            if (bytes is null || branches.Any(b => b.Extra is null || b.Own is null)) return (null, null);
            long alive = 0, peak = 0;
            foreach (var (extra, own) in branches)
            {
                peak = Math.Max(peak, alive + extra!.Value);
                alive += own!.Value;
            }
            peak = Math.Max(peak, alive + bytes.Value);
            return (peak, bytes.Value);
        }
    }
}

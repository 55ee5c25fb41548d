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
        private (BytePeak? Extra, ByteSum? Own) _stageMemory;

        /// <summary>What the last <see cref="RunDeclaration"/> needed: its peak beyond its input, and its result's own bytes.</summary>
        private (BytePeak? Extra, ByteSum? Own) _declarationMemory;

        /// <summary>Whether the last shortcut was projected (set by ApplyShortcut).</summary>
        private bool _shortcutProjected;

        /// <summary>Bytes per sample of a float32 tensor of this shape (both parts of an octave pair), symbolic in the
        /// input size where the shape is; null when its channels depend on the size or the count is beyond the limit
        /// (NDSL0050 reports such counts).</summary>
        internal ByteSum? BytesOf(TensorShape shape)
        {
            if (shape.Channels < 0) return null;
            if (shape.Rank == Rank.Flat) return ByteSum.OfMap(shape.Channels, Dim.Known(1), Dim.Known(1));
            var bytes = MapBytes(shape.Channels, shape.Height, shape.Width);
            if (shape.IsOctave)
            {
                var low = MapBytes(shape.LowChannels, shape.LowHeight, shape.LowWidth);
                bytes = low is null ? null : bytes?.Plus(low);
            }
            return bytes;
        }

        /// <summary>
        /// The residue classes of the maps counted, by the order they are counted in (every run of a declaration counts
        /// the same maps in the same order, whatever the size), for the run that knows them (see <c>Relax</c>).
        /// </summary>
        private (int[]? Height, int[]? Width) _mapClasses;

        /// <summary>One map's bytes; its size is recorded (<see cref="InferenceResult.MemoryMaps"/>) for the residue checks.</summary>
        private ByteSum? MapBytes(long channels, Dim height, Dim width)
        {
            int slot = _result.MemoryMaps.Count;
            _result.MemoryMaps.Add((height, width));
            int hc = _mapClasses.Height is { } h && slot < h.Length ? h[slot] : -1;
            int wc = _mapClasses.Width is { } w && slot < w.Length ? w[slot] : -1;
            return ByteSum.OfMap(channels, height, width, hc, wc);
        }

        private static bool Allocates(BoundLayer layer) => layer.Rule is not { } rule || rule.Allocates(layer);

        /// <summary>
        /// TorchSharp's nn.Sequential (and OctaveSequential): each child's output is made, then its input is disposed.
        /// Children given as (extra, own); returns the peak beyond the sequence's input and the result's own bytes.
        /// </summary>
        internal static (BytePeak? Extra, ByteSum? Own) SequentialMemory(IEnumerable<(BytePeak? Extra, ByteSum? Own)> children)
        {
            BytePeak? peak = BytePeak.Zero;
            ByteSum own = ByteSum.Zero;
            foreach (var (extra, childOwn) in children)
            {
                if (extra is null || childOwn is null) return (null, null);
                var during = extra.Plus(own);
                peak = during is null ? null : peak?.Max(during);
                if (!childOwn.IsZero) own = childOwn; // else the output shares the previous storage
                peak = peak?.Max(own);
                if (peak is null) return (null, null);
            }
            return (peak, own);
        }

        /// <summary>One layer: its output, when it makes a new tensor.</summary>
        private (BytePeak? Extra, ByteSum? Own) LayerMemory(BoundLayer layer, TensorShape output)
        {
            var bytes = BytesOf(output);
            if (bytes is null) return (null, null);
            var own = Allocates(layer) ? bytes : ByteSum.Zero;
            return (BytePeak.Of(own), own);
        }

        /// <summary>The stages of a declaration run, with their bytes, for its peak (present stages only).</summary>
        private sealed class DeclarationMemory
        {
            private readonly List<BoundStage> _stages = new List<BoundStage>();
            private readonly List<BytePeak> _extra = new List<BytePeak>();
            private readonly List<ByteSum> _own = new List<ByteSum>();
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

            public void Add(BoundStage stage, (BytePeak? Extra, ByteSum? Own) memory)
            {
                var (extra, own) = memory;
                if (_closed) return;
                if (extra is null || own is null)
                {
                    _unknown = true;
                    return;
                }
                _stages.Add(stage);
                _extra.Add(extra);
                _own.Add(own);
            }

            /// <summary>The peak beyond the declaration's input and the result's own bytes, from the liveness of the stages.</summary>
            public (BytePeak? Extra, ByteSum? Own) Finish()
            {
                if (_unknown) return (null, null);
                if (_stages.Count == 0) return (BytePeak.Zero, ByteSum.Zero);
                var inPlace = _stages.Select(InPlace).ToArray();
                var plan = Liveness.Of(Liveness.StepsOf(_stages, inPlace, keptOutputs: false, _ => false));
                var (peak, own) = plan.Peak(_extra, _own);
                return (peak, own);
            }
        }

        /// <summary>A stage without blocks of its own: a sequence of layers, a skip join.</summary>
        private (BytePeak? Extra, ByteSum? Own) StageMemory(BoundStage stage, IReadOnlyList<TensorShape> layerOutputs, TensorShape output)
        {
            switch (stage.Form)
            {
                case StageForm.Sequence:
                    return SequentialMemory(stage.Layers.Zip(layerOutputs, LayerMemory));
                case StageForm.Mul when stage.Layers[0].From.Count > 1:
                {
                    // MultiplyReleasing: two products alive at once.
                    var bytes = BytesOf(output);
                    var two = bytes?.Plus(bytes);
                    return (two is null ? null : BytePeak.Of(two), bytes);
                }
                default:
                {
                    // Add (x + a, further terms in place), Concat, Mul: one new tensor.
                    var bytes = BytesOf(output);
                    return (bytes is null ? null : BytePeak.Of(bytes), bytes);
                }
            }
        }

        /// <summary>The residual add: the projection (conv, then BN, the conv's output released) and the add, in place or not.</summary>
        private (BytePeak? Extra, ByteSum? Own) ShortcutMemory(bool projected, bool inPlace, TensorShape output)
        {
            var b = BytesOf(output);
            if (b is null) return (null, null);
            var twice = b.Plus(b);
            if (twice is null) return (null, null);
            var projection = projected ? twice : ByteSum.Zero;
            if (inPlace) return (BytePeak.Of(projection), ByteSum.Zero);
            // Not in place: the projection, then its output and the sum alive at once.
            return (BytePeak.Of(projection).Max(projected ? twice : b), b);
        }

        /// <summary>Parallel branches: each runs while the earlier outputs are alive, then the join makes the result.</summary>
        private (BytePeak? Extra, ByteSum? Own) ParallelMemory(IReadOnlyList<(BytePeak? Extra, ByteSum? Own)> branches, TensorShape output)
        {
            var bytes = BytesOf(output);
            if (bytes is null || branches.Any(b => b.Extra is null || b.Own is null)) return (null, null);
            ByteSum? alive = ByteSum.Zero;
            BytePeak? peak = BytePeak.Zero;
            foreach (var (extra, own) in branches)
            {
                var during = alive is null ? null : extra!.Plus(alive);
                peak = during is null ? null : peak?.Max(during);
                alive = alive?.Plus(own!);
            }
            var join = alive?.Plus(bytes);
            peak = join is null ? null : peak?.Max(join);
            return peak is null ? (null, null) : (peak, bytes);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// One stage of a forward pass as <see cref="Liveness"/> sees it. Values are numbered: 0 is the forward's input, k the
    /// output of step k - 1. A step reads its running input (the previous value, unless it reads a kept tap) and the
    /// values in <see cref="Reads"/> (skip connections, the block's input for a shortcut).
    /// </summary>
    public sealed class LiveStep
    {
        public LiveStep(string name, IEnumerable<int>? reads = null, bool conditional = false, bool readsRunning = true,
            bool kept = false, bool inPlace = false, bool mayReturnInput = false)
        {
            Name = name;
            Reads = (reads ?? Enumerable.Empty<int>()).ToList();
            Conditional = conditional;
            ReadsRunning = readsRunning;
            Kept = kept;
            InPlace = inPlace;
            MayReturnInput = mayReturnInput;
        }

        public string Name { get; }

        /// <summary>Values read besides the running input.</summary>
        public IReadOnlyList<int> Reads { get; }

        /// <summary>An [If] stage: when absent at run time its value is its running input, the same tensor.</summary>
        public bool Conditional { get; }

        /// <summary>False for a [Tap] stage: it starts from a kept copy, not from the previous value.</summary>
        public bool ReadsRunning { get; }

        /// <summary>Its value goes to the caller (an [Output], the forward's result): never released.</summary>
        public bool Kept { get; }

        /// <summary>Its value is its running input updated in place (the residual <c>add_</c>): one tensor, two values.</summary>
        public bool InPlace { get; }

        /// <summary>Its module may hand back its input object (a block all of whose stages are conditional).</summary>
        public bool MayReturnInput { get; }
    }

    /// <summary>
    /// Liveness over the values of a forward pass, as a compiler computes it for registers: each intermediate tensor is
    /// released right after its last use, never the input (the caller's), a kept value or the result. Where a value may
    /// be the very object of another (a conditional stage that did not run, an in-place add), the release names the
    /// values still alive that it may be, and the generated code checks identity before disposing
    /// (<c>NetDsl.Lifetimes</c>). Plain C#: the emitter writes the releases from it, the inference computes the peak
    /// activation memory from it (<see cref="Peak"/>).
    /// </summary>
    public sealed class Liveness
    {
        private readonly IReadOnlyList<LiveStep> _steps;
        private readonly int[] _lastUse;
        private readonly int[] _aliasRoot;
        private readonly List<int>[] _dies;

        private Liveness(IReadOnlyList<LiveStep> steps)
        {
            _steps = steps;
            int values = steps.Count + 1;
            _lastUse = Enumerable.Repeat(-1, values).ToArray();
            for (int i = 0; i < steps.Count; i++)
            {
                if (steps[i].ReadsRunning) _lastUse[i] = i;
                foreach (var r in steps[i].Reads)
                {
                    if (r < 0 || r > i) throw new ArgumentException($"step {i} ({steps[i].Name}) reads value {r}, which is not defined before it");
                    _lastUse[r] = Math.Max(_lastUse[r], i);
                }
            }
            // Values that may be one object: a step's value and its running input when the step is conditional, in place,
            // or may return its input. Chains of such steps are one class.
            _aliasRoot = new int[values];
            for (int v = 0; v < values; v++)
            {
                var step = v > 0 ? steps[v - 1] : null;
                _aliasRoot[v] = step is not null && step.ReadsRunning && (step.Conditional || step.InPlace || step.MayReturnInput) ? _aliasRoot[v - 1] : v;
            }
            // An in-place step's running input lives on as its value and dies with it.
            _dies = new List<int>[steps.Count];
            for (int i = 0; i < steps.Count; i++) _dies[i] = new List<int>();
            for (int v = 1; v < values; v++)
            {
                if (IsKept(v) || ContinuesInPlace(v)) continue;
                // A value nothing reads dies where it is made.
                _dies[_lastUse[v] >= 0 ? _lastUse[v] : v - 1].Add(v);
            }
        }

        /// <summary>The stages as liveness steps: what each reads, whether it may not run, works in place, is kept.</summary>
        public static List<LiveStep> StepsOf(IReadOnlyList<BoundStage> stages, bool[]? inPlace, bool keptOutputs, System.Func<BoundStage, bool> mayReturnInput)
        {
            var index = new Dictionary<string, int>(System.StringComparer.Ordinal) { [BoundLayer.InputName] = 0 };
            var steps = new List<LiveStep>();
            for (int i = 0; i < stages.Count; i++)
            {
                var stage = stages[i];
                var reads = new List<int>();
                if (stage.Form == StageForm.Shortcut) reads.Add(0);
                if (stage.Form is StageForm.Add or StageForm.Concat or StageForm.Mul)
                    foreach (var name in stage.Layers[0].From)
                        if (index.TryGetValue(name, out var v)) reads.Add(v);
                steps.Add(new LiveStep(stage.Name, reads, conditional: stage.Condition is not null, readsRunning: stage.Tap is null,
                    kept: keptOutputs && stage.Output is not null,
                    inPlace: stage.Form == StageForm.Shortcut && inPlace is not null && inPlace[i],
                    mayReturnInput: mayReturnInput(stage)));
                index[stage.Name] = i + 1;
            }
            return steps;
        }

        /// <summary>The liveness of a forward made of <paramref name="steps"/>; the last step's value is the result.</summary>
        public static Liveness Of(IReadOnlyList<LiveStep> steps) => new Liveness(steps);

        public int Count => _steps.Count;

        /// <summary>The step that reads a value last, or -1 when nothing reads it.</summary>
        public int LastUse(int value) => _lastUse[value];

        /// <summary>Never released here: the input (the caller's), the result, a kept value.</summary>
        public bool IsKept(int value) => value == 0 || value == _steps.Count || _steps[value - 1].Kept;

        /// <summary>The values released right after step <paramref name="step"/>, in value order.</summary>
        public IReadOnlyList<int> DiesAfter(int step) => _dies[step];

        /// <summary>Whether step <paramref name="step"/>'s running input is released right after it.</summary>
        public bool ReleasesRunning(int step) => _steps[step].ReadsRunning && _dies[step].Contains(step);

        /// <summary>Whether two values may be the same tensor object at run time.</summary>
        public bool MayAlias(int a, int b) => _aliasRoot[a] == _aliasRoot[b];

        /// <summary>
        /// The values alive after step <paramref name="step"/> (or kept) that <paramref name="value"/>, released there, may
        /// be the object of: the release checks identity against them. The step's own value comes first when it is one.
        /// </summary>
        public IReadOnlyList<int> KeepsFor(int value, int step)
        {
            var keeps = new List<int>();
            for (int v = step + 1; v >= 0; v--)
            {
                if (v == value || !MayAlias(v, value)) continue;
                bool alive = v == step + 1 || IsKept(v) || DeathOf(v) > step;
                if (alive) keeps.Add(v);
            }
            return keeps;
        }

        /// <summary>Whether the next step updates <paramref name="value"/> in place: it lives on as that step's value.</summary>
        private bool ContinuesInPlace(int value) => value < _steps.Count && _steps[value].InPlace && _steps[value].ReadsRunning;

        /// <summary>The step after which <paramref name="value"/> dies: its last use (or where it is made, when nothing reads
        /// it); -1 when it lives on in place or is kept.</summary>
        private int DeathOf(int value)
        {
            if (IsKept(value) || ContinuesInPlace(value)) return -1;
            return _lastUse[value] >= 0 ? _lastUse[value] : value - 1;
        }

        // ---------------------------------------------------------------- peak memory

        /// <summary>
        /// The most activation bytes alive at once while the steps run, beyond the input (the caller's), given for each
        /// step the bytes it needs while it runs beyond what is already alive (<paramref name="extra"/>: its output and its
        /// temporaries) and the bytes of the new tensor its value is (<paramref name="own"/>; 0 when the value shares its
        /// running input's storage: an in-place or view layer). A storage is freed when its last value dies.
        /// Returns the peak and the bytes the result owns at the end.
        /// </summary>
        public (long Peak, long ResultOwn) Peak(IReadOnlyList<long> extra, IReadOnlyList<long> own)
        {
            var (peak, result) = Peak(extra.Select(e => BytePeak.Of(ByteSum.Of(e))).ToList(), own.Select(ByteSum.Of).ToList());
            return (peak!.Known!.Value, result!.Known!.Value);
        }

        /// <summary>
        /// <see cref="Peak(IReadOnlyList{long}, IReadOnlyList{long})"/> over counts that may depend on a symbolic input
        /// size: the peak is the most of the live sets at each point (null beyond <see cref="BytePeak"/>'s limits).
        /// </summary>
        public (BytePeak? Peak, ByteSum? ResultOwn) Peak(IReadOnlyList<BytePeak> extra, IReadOnlyList<ByteSum> own)
        {
            int values = _steps.Count + 1;
            var storage = new int[values];   // which storage a value lives in (a value index); 0 is the input's
            var bytes = new ByteSum[values];
            var alive = new List<int>();     // storages alive
            BytePeak? peak = BytePeak.Zero;
            var valueAlive = new bool[values];
            valueAlive[0] = true;
            ByteSum? Live()
            {
                ByteSum? sum = ByteSum.Zero;
                foreach (var s in alive) sum = sum?.Plus(bytes[s]);
                return sum;
            }
            for (int i = 0; i < _steps.Count; i++)
            {
                var live = Live();
                var during = live is null ? null : extra[i].Plus(live);
                if (during is null || peak is null) return (null, null);
                peak = peak.Max(during);
                int v = i + 1;
                int running = _steps[i].ReadsRunning ? i : -1;
                if (!own[i].IsZero || running < 0)
                {
                    storage[v] = v;
                    bytes[v] = own[i];
                    alive.Add(v);
                }
                else storage[v] = storage[running];
                valueAlive[v] = true;
                foreach (var d in _dies[i]) valueAlive[d] = false;
                if (_steps[i].InPlace && running >= 0) valueAlive[running] = false;
                alive.RemoveAll(s =>
                {
                    for (int u = 0; u < values; u++)
                        if (valueAlive[u] && storage[u] == s) return false;
                    return true;
                });
                live = Live();
                if (live is null || peak is null) return (null, null);
                peak = peak.Max(live);
            }
            int result = _steps.Count;
            return (peak, storage[result] == 0 ? ByteSum.Zero : bytes[storage[result]]);
        }

        /// <summary>
        /// Whether the running value before each stage is a tensor this forward allocated and nothing else refers to, so
        /// the residual may be added in place (torchvision's <c>out += identity</c>): not when it is the input, a view of it,
        /// or an output kept for a later skip connection. <paramref name="allocates"/> says whether a stage makes a new
        /// tensor (a sequence of views and in-place layers does not); <paramref name="referenced"/> whether a later stage
        /// reads its output.
        /// </summary>
        public static bool[] FreshBefore(IReadOnlyList<BoundStage> stages, Func<BoundStage, bool> allocates, Func<BoundStage, bool> referenced)
        {
            var result = new bool[stages.Count];
            bool fresh = false;
            for (int i = 0; i < stages.Count; i++)
            {
                var stage = stages[i];
                result[i] = fresh;
                bool before = fresh;
                fresh = stage.Form == StageForm.Sequence ? fresh || allocates(stage) : true;
                if (stage.Condition is not null) fresh = fresh && before; // the stage may not have run
                if (referenced(stage)) fresh = false;
            }
            return result;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using TorchSharp;

namespace NetDsl
{
    /// <summary>The shape and (when known) the dtype of one state_dict entry: what the comparison looks at.</summary>
    public readonly record struct TensorSignature(IReadOnlyList<long> Shape, torch.ScalarType? DType = null)
    {
        /// <summary>The signature of a tensor.</summary>
        public static TensorSignature Of(torch.Tensor tensor) => new(tensor.shape, tensor.dtype);

        public override string ToString() =>
            TorchNames.Shape(Shape) + (DType is { } dtype ? " " + TorchNames.DType(dtype) : "");
    }

    /// <summary>What is wrong with one key.</summary>
    public enum WeightProblemKind
    {
        /// <summary>The module has the key; the weights do not.</summary>
        Missing,
        /// <summary>The weights have a key the module does not.</summary>
        Unexpected,
        /// <summary>Both have the key, with different shapes.</summary>
        ShapeMismatch,
        /// <summary>Both have the key with dtypes that do not convert into each other (a float into an integer buffer, a bool into a float).</summary>
        DTypeMismatch,
        /// <summary>The module's key is one tensor with another key (tied weights: one parameter in two stages), and the
        /// weights give the two keys different values, which one tensor cannot hold.</summary>
        TiedMismatch,
    }

    /// <summary>One problem found by comparing a module's state_dict with a set of weights.</summary>
    /// <param name="Kind">What is wrong.</param>
    /// <param name="Key">The state_dict key.</param>
    /// <param name="Module">The module's entry (null for an unexpected key).</param>
    /// <param name="Weights">The weights' entry (null for a missing key).</param>
    /// <param name="TiedTo">For a <see cref="WeightProblemKind.TiedMismatch"/>: the earlier key the module ties this one to.</param>
    public sealed record WeightProblem(WeightProblemKind Kind, string Key, TensorSignature? Module, TensorSignature? Weights, string? TiedTo = null)
    {
        public override string ToString() => Kind switch
        {
            WeightProblemKind.Missing => $"missing key '{Key}' (the module has {Module})",
            WeightProblemKind.Unexpected => $"unexpected key '{Key}' ({Weights}; the module has no such parameter or buffer)",
            WeightProblemKind.ShapeMismatch =>
                $"shape mismatch at '{Key}': the module has {TorchNames.Shape(Module!.Value.Shape)}, the weights have {TorchNames.Shape(Weights!.Value.Shape)}",
            WeightProblemKind.TiedMismatch =>
                $"tied weights at '{Key}': the module ties it to '{TiedTo}' (one {Module} tensor), but the weights give the two keys different values",
            _ => $"dtype mismatch at '{Key}': the module has {TorchNames.DType(Module!.Value.DType!.Value)}, the weights have " +
                 $"{TorchNames.DType(Weights!.Value.DType!.Value)}, which does not convert to it",
        };
    }

    /// <summary>A key whose values are converted on loading (float64 weights into a float32 module, int32 into int64).</summary>
    public sealed record WeightConversion(string Key, torch.ScalarType From, torch.ScalarType To)
    {
        public override string ToString() => $"'{Key}': {TorchNames.DType(From)} -> {TorchNames.DType(To)}";
    }

    /// <summary>
    /// The comparison of a module's state_dict (parameters and persistent buffers) with a set of weights, key by key:
    /// every missing key, every unexpected key, every shape and dtype mismatch, the keys that match and the dtype
    /// conversions loading would make. Made by <c>WeightComparison.Compare</c>; nothing is loaded by it.
    /// </summary>
    public sealed class WeightReport
    {
        /// <summary>How many problems of each kind <see cref="Describe"/> lists before it counts the rest.</summary>
        public const int ListedPerKind = 10;

        internal WeightReport(string module, IReadOnlyList<WeightProblem> problems, IReadOnlyList<string> matched,
            IReadOnlyList<WeightConversion> conversions, int moduleKeys, int weightKeys)
        {
            Module = module;
            Problems = problems;
            Matched = matched;
            Conversions = conversions;
            ModuleKeys = moduleKeys;
            WeightKeys = weightKeys;
        }

        /// <summary>The module's name, for messages.</summary>
        public string Module { get; }

        /// <summary>Every problem: the shape and dtype mismatches and the missing keys in the module's order, then the
        /// unexpected keys in the weights' order.</summary>
        public IReadOnlyList<WeightProblem> Problems { get; }

        /// <summary>Keys both sides have with the same shape and convertible dtypes: what loading copies.</summary>
        public IReadOnlyList<string> Matched { get; }

        /// <summary>Matched keys whose dtype differs (the values are converted to the module's dtype).</summary>
        public IReadOnlyList<WeightConversion> Conversions { get; }

        /// <summary>Entries in the module's state_dict.</summary>
        public int ModuleKeys { get; }

        /// <summary>Entries in the weights.</summary>
        public int WeightKeys { get; }

        public IEnumerable<string> Missing => Keys(WeightProblemKind.Missing);
        public IEnumerable<string> Unexpected => Keys(WeightProblemKind.Unexpected);
        public IEnumerable<WeightProblem> ShapeMismatches => Problems.Where(p => p.Kind == WeightProblemKind.ShapeMismatch);
        public IEnumerable<WeightProblem> DTypeMismatches => Problems.Where(p => p.Kind == WeightProblemKind.DTypeMismatch);
        public IEnumerable<WeightProblem> TiedMismatches => Problems.Where(p => p.Kind == WeightProblemKind.TiedMismatch);

        /// <summary>No problem at all: the weights fit the module key for key.</summary>
        public bool IsExactMatch => Problems.Count == 0;

        /// <summary>No shape, dtype or tied-weight mismatch: what a non-strict load needs (missing and unexpected keys are allowed).</summary>
        public bool HasNoMismatch => Problems.All(p => p.Kind is WeightProblemKind.Missing or WeightProblemKind.Unexpected);

        /// <summary>Whether a load in this mode may go ahead.</summary>
        public bool Allows(bool strict) => strict ? IsExactMatch : HasNoMismatch;

        /// <summary>
        /// A likely cause when the keys differ by a prefix: the weights' keys carry one the module's lack ("module." from
        /// DataParallel, "model."), or the reverse (weights of a sub-module such as a backbone). Null when there is none.
        /// </summary>
        public string? Hint
        {
            get
            {
                var missing = Missing.ToList();
                var unexpected = Unexpected.ToList();
                if (missing.Count == 0 || unexpected.Count == 0) return null;
                if (CommonPrefix(unexpected, missing) is { } extra)
                    return $"{extra.Count} of the weights' keys are the module's keys with the prefix '{extra.Prefix}' in front (e.g. '{extra.Prefix}{extra.Example}'): remove it from the weights' keys";
                if (CommonPrefix(missing, unexpected) is { } lacking)
                    return $"{lacking.Count} of the module's keys are the weights' keys with the prefix '{lacking.Prefix}' in front (e.g. '{lacking.Prefix}{lacking.Example}'): they are the weights of that sub-module: load them into it";
                return null;
            }
        }

        /// <summary>The prefix p (ending in '.') for which most of <paramref name="longer"/> are p + one of <paramref name="shorter"/>.</summary>
        private static (string Prefix, int Count, string Example)? CommonPrefix(List<string> longer, List<string> shorter)
        {
            var targets = new HashSet<string>(shorter, StringComparer.Ordinal);
            var counts = new Dictionary<string, (int Count, string Example)>(StringComparer.Ordinal);
            foreach (var key in longer)
                for (int i = key.IndexOf('.'); i >= 0 && i < key.Length - 1; i = key.IndexOf('.', i + 1))
                {
                    string rest = key.Substring(i + 1);
                    if (!targets.Contains(rest)) continue;
                    string prefix = key.Substring(0, i + 1);
                    counts[prefix] = counts.TryGetValue(prefix, out var c) ? (c.Count + 1, c.Example) : (1, rest);
                }
            if (counts.Count == 0) return null;
            var best = counts.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key.Length).First();
            // Worth saying only when the prefix explains at least half of what could be explained.
            return best.Value.Count * 2 >= Math.Min(longer.Count, shorter.Count) ? (best.Key, best.Value.Count, best.Value.Example) : null;
        }

        /// <summary>
        /// The problems as text: a headline with the counts, then one line per problem, kind by kind (shape and dtype
        /// mismatches first), at most <see cref="ListedPerKind"/> of each kind and a line counting the rest, then the hint.
        /// </summary>
        public string Describe()
        {
            var text = new StringBuilder();
            text.Append(Module).Append(": ");
            if (Problems.Count == 0)
                return text.Append($"the weights fit ({Matched.Count} tensors").Append(Conversions.Count > 0 ? $", {Conversions.Count} converted)" : ")").ToString();
            text.Append("the weights do not fit the module (").Append(Counts()).Append(")");
            foreach (var (kind, _, many) in Kinds)
            {
                var ofKind = Problems.Where(p => p.Kind == kind).ToList();
                foreach (var problem in ofKind.Take(ListedPerKind)) text.Append("\n  ").Append(problem);
                if (ofKind.Count > ListedPerKind)
                    text.Append($"\n  ... and {ofKind.Count - ListedPerKind} more {many} (WeightLoadException.Report lists them all)");
            }
            if (Hint is { } hint) text.Append("\n  hint: ").Append(hint);
            return text.ToString();
        }

        /// <summary>The kinds in the order messages list them, with their names.</summary>
        private static readonly (WeightProblemKind Kind, string One, string Many)[] Kinds =
        {
            (WeightProblemKind.ShapeMismatch, "shape mismatch", "shape mismatches"),
            (WeightProblemKind.DTypeMismatch, "dtype mismatch", "dtype mismatches"),
            (WeightProblemKind.TiedMismatch, "tied-weight conflict", "tied-weight conflicts"),
            (WeightProblemKind.Missing, "missing key", "missing keys"),
            (WeightProblemKind.Unexpected, "unexpected key", "unexpected keys"),
        };

        /// <summary>This report with <paramref name="tied"/> added (after the shape and dtype mismatches); their keys leave <see cref="Matched"/>.</summary>
        internal WeightReport WithTiedMismatches(IReadOnlyList<WeightProblem> tied)
        {
            if (tied.Count == 0) return this;
            var keys = new HashSet<string>(tied.Select(p => p.Key), StringComparer.Ordinal);
            var problems = Problems.Where(p => p.Kind is WeightProblemKind.ShapeMismatch or WeightProblemKind.DTypeMismatch)
                .Concat(tied).Concat(Problems.Where(p => p.Kind is WeightProblemKind.Missing or WeightProblemKind.Unexpected)).ToList();
            return new WeightReport(Module, problems, Matched.Where(k => !keys.Contains(k)).ToList(),
                Conversions.Where(c => !keys.Contains(c.Key)).ToList(), ModuleKeys, WeightKeys);
        }

        /// <summary>"1 shape mismatch, 2 missing keys, 1 unexpected key".</summary>
        public string Counts()
        {
            var parts = new List<string>();
            foreach (var (kind, one, many) in Kinds)
            {
                int n = Problems.Count(p => p.Kind == kind);
                if (n > 0) parts.Add($"{n} {(n == 1 ? one : many)}");
            }
            return parts.Count == 0 ? "no problems" : string.Join(", ", parts);
        }

        public override string ToString() => Describe();

        private IEnumerable<string> Keys(WeightProblemKind kind) => Problems.Where(p => p.Kind == kind).Select(p => p.Key);
    }
}

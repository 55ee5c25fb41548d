using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;

namespace NetDsl
{
    /// <summary>
    /// Compares a module's state_dict with a set of weights as two maps from key to shape (and dtype), without touching a
    /// tensor: every loader (TorchSharp's module.save files, a dictionary, a PyTorch checkpoint read by another reader)
    /// compares first with this and loads only when the report allows it.
    /// </summary>
    public static class WeightComparison
    {
        /// <summary>
        /// Compares key sets (not orders: TorchSharp lists a module's parameters before its buffers, PyTorch interleaves them
        /// per module), then shape and dtype per common key. Floating dtypes convert into each other, integer dtypes too;
        /// anything else (a float into int64's num_batches_tracked, a bool, a complex) is a dtype mismatch. A dtype that is
        /// unknown on either side (null) is not compared.
        /// </summary>
        /// <param name="module">The module's entries, in its state_dict order.</param>
        /// <param name="weights">The weights' entries, in their order.</param>
        /// <param name="moduleName">The module's name for messages.</param>
        public static WeightReport Compare(IReadOnlyDictionary<string, TensorSignature> module, IReadOnlyDictionary<string, TensorSignature> weights,
            string moduleName = "module")
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            if (weights is null) throw new ArgumentNullException(nameof(weights));
            var missing = new List<WeightProblem>();
            var mismatches = new List<WeightProblem>();
            var matched = new List<string>();
            var conversions = new List<WeightConversion>();
            foreach (var entry in module)
            {
                if (!weights.TryGetValue(entry.Key, out var found))
                {
                    missing.Add(new WeightProblem(WeightProblemKind.Missing, entry.Key, entry.Value, null));
                    continue;
                }
                if (!entry.Value.Shape.SequenceEqual(found.Shape))
                {
                    mismatches.Add(new WeightProblem(WeightProblemKind.ShapeMismatch, entry.Key, entry.Value, found));
                    continue;
                }
                if (entry.Value.DType is { } to && found.DType is { } from && to != from)
                {
                    if (!Converts(from, to))
                    {
                        mismatches.Add(new WeightProblem(WeightProblemKind.DTypeMismatch, entry.Key, entry.Value, found));
                        continue;
                    }
                    conversions.Add(new WeightConversion(entry.Key, from, to));
                }
                matched.Add(entry.Key);
            }
            var unexpected = weights.Where(w => !module.ContainsKey(w.Key))
                .Select(w => new WeightProblem(WeightProblemKind.Unexpected, w.Key, null, w.Value));
            var problems = mismatches.Concat(missing).Concat(unexpected).ToList();
            return new WeightReport(moduleName, problems, matched, conversions, module.Count, weights.Count);
        }

        /// <summary>Compares shapes only (no dtypes), e.g. a state_dict listing against a module.</summary>
        public static WeightReport Compare(IReadOnlyDictionary<string, long[]> module, IReadOnlyDictionary<string, long[]> weights, string moduleName = "module") =>
            Compare(Shapes(module), Shapes(weights), moduleName);

        /// <summary>Compares a module's state_dict with a dictionary of tensors (nothing is loaded).</summary>
        public static WeightReport Compare(torch.nn.Module module, IEnumerable<KeyValuePair<string, torch.Tensor>> weights)
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            return Compare(Signatures(module.state_dict()), Signatures(weights), ModuleName(module));
        }

        /// <summary>The signature of every entry, in order; a null tensor is an <see cref="ArgumentException"/> naming its key.</summary>
        public static IReadOnlyDictionary<string, TensorSignature> Signatures(IEnumerable<KeyValuePair<string, torch.Tensor>> tensors)
        {
            if (tensors is null) throw new ArgumentNullException(nameof(tensors));
            var result = new Dictionary<string, TensorSignature>(StringComparer.Ordinal);
            foreach (var entry in tensors)
            {
                if (entry.Value is null) throw new ArgumentException($"the weights' entry '{entry.Key}' is null", nameof(tensors));
                result[entry.Key] = TensorSignature.Of(entry.Value);
            }
            return result;
        }

        /// <summary>Whether values of dtype <paramref name="from"/> load into a tensor of dtype <paramref name="to"/>.</summary>
        public static bool Converts(torch.ScalarType from, torch.ScalarType to)
        {
            if (from == to) return true;
            if (TorchNames.IsFloating(from) && TorchNames.IsFloating(to)) return true;
            return IsInteger(from) && IsInteger(to);
        }

        internal static string ModuleName(torch.nn.Module module)
        {
            string name = module.GetName();
            return string.IsNullOrEmpty(name) ? module.GetType().Name : name;
        }

        private static bool IsInteger(torch.ScalarType dtype) => dtype is torch.ScalarType.Byte or torch.ScalarType.Int8 or
            torch.ScalarType.Int16 or torch.ScalarType.Int32 or torch.ScalarType.Int64;

        private static IReadOnlyDictionary<string, TensorSignature> Shapes(IReadOnlyDictionary<string, long[]> shapes)
        {
            if (shapes is null) throw new ArgumentNullException(nameof(shapes));
            var result = new Dictionary<string, TensorSignature>(StringComparer.Ordinal);
            foreach (var entry in shapes) result[entry.Key] = new TensorSignature(entry.Value);
            return result;
        }
    }
}

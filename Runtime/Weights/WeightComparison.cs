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

        /// <summary>Compares a module's state_dict with a dictionary of tensors (nothing is loaded), tied weights included
        /// (see <see cref="Ties"/>).</summary>
        public static WeightReport Compare(torch.nn.Module module, IEnumerable<KeyValuePair<string, torch.Tensor>> weights)
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            if (weights is null) throw new ArgumentNullException(nameof(weights));
            var given = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
            foreach (var entry in weights) given[entry.Key] = entry.Value;
            return Compare(module.state_dict(), given, ModuleName(module));
        }

        /// <summary>
        /// Compares shapes and dtypes, then the module's tied weights: where two of its keys are one tensor, the weights
        /// must give both the same values (after conversion to the module's dtype), else each later key of the group is a
        /// <see cref="WeightProblemKind.TiedMismatch"/>. Weights saved from a tied module hold one tensor under both keys.
        /// </summary>
        internal static WeightReport Compare(IReadOnlyDictionary<string, torch.Tensor> module, IReadOnlyDictionary<string, torch.Tensor> weights, string moduleName)
        {
            var report = Compare(Signatures(module), Signatures(weights), moduleName);
            var matched = new HashSet<string>(report.Matched, StringComparer.Ordinal);
            var tied = new List<WeightProblem>();
            foreach (var group in Ties(module))
            {
                var keys = group.Where(matched.Contains).ToList();
                for (int i = 1; i < keys.Count; i++)
                    if (!SameValues(weights[keys[0]], weights[keys[i]], module[keys[i]].dtype))
                        tied.Add(new WeightProblem(WeightProblemKind.TiedMismatch, keys[i], TensorSignature.Of(module[keys[i]]),
                            TensorSignature.Of(weights[keys[i]]), keys[0]));
            }
            return report.WithTiedMismatches(tied);
        }

        /// <summary>
        /// The module's tied weights: groups of two or more state_dict keys that are one tensor, in state_dict order. A
        /// TorchSharp module ties a parameter by assigning one module's to another (<c>dec.weight = enc.weight</c>); its
        /// state_dict then lists that tensor under each key, as PyTorch's does.
        /// </summary>
        public static IReadOnlyList<IReadOnlyList<string>> Ties(IEnumerable<KeyValuePair<string, torch.Tensor>> module)
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            var groups = new Dictionary<IntPtr, List<string>>();
            var order = new List<List<string>>();
            foreach (var (key, tensor) in module)
            {
                if (tensor is null) continue;
                if (!groups.TryGetValue(tensor.Handle, out var group))
                {
                    groups.Add(tensor.Handle, group = new List<string>());
                    order.Add(group);
                }
                group.Add(key);
            }
            return order.Where(g => g.Count > 1).ToList();
        }

        private static bool SameValues(torch.Tensor a, torch.Tensor b, torch.ScalarType dtype)
        {
            if (ReferenceEquals(a, b) || a.Handle == b.Handle) return true;
            var x = a.dtype == dtype ? a : a.to(dtype);
            var y = b.dtype == dtype ? b : b.to(dtype);
            try { return x.allclose(y, rtol: 0, atol: 0, equal_nan: true); }
            finally
            {
                if (!ReferenceEquals(x, a)) x.Dispose();
                if (!ReferenceEquals(y, b)) y.Dispose();
            }
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

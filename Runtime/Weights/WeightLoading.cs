using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using TorchSharp;

namespace NetDsl
{
    /// <summary>What a successful load copied.</summary>
    public sealed class WeightLoadSummary
    {
        internal WeightLoadSummary(WeightReport report, int parameters, int buffers, long elements, string? source)
        {
            Report = report;
            Parameters = parameters;
            Buffers = buffers;
            Elements = elements;
            Source = source;
        }

        /// <summary>The comparison the load was made from (in a non-strict load, its missing and unexpected keys).</summary>
        public WeightReport Report { get; }

        /// <summary>Tensors copied: every matched key.</summary>
        public int Loaded => Report.Matched.Count;

        /// <summary>Of those, parameters.</summary>
        public int Parameters { get; }

        /// <summary>Of those, buffers (running_mean, running_var, num_batches_tracked, ...).</summary>
        public int Buffers { get; }

        /// <summary>Values copied, all tensors together (a tied tensor once).</summary>
        public long Elements { get; }

        /// <summary>Keys whose values were converted to the module's dtype.</summary>
        public IReadOnlyList<WeightConversion> Conversions => Report.Conversions;

        /// <summary>Keys of the module the weights lack, left as they were (a non-strict load only).</summary>
        public IReadOnlyList<string> Missing => Report.Missing.ToList();

        /// <summary>Keys of the weights the module lacks, ignored (a non-strict load only).</summary>
        public IReadOnlyList<string> Unexpected => Report.Unexpected.ToList();

        /// <summary>The file the weights came from, if any.</summary>
        public string? Source { get; }

        public override string ToString()
        {
            string from = Source is null ? "" : " from " + Source;
            string text = $"{Report.Module}: loaded {Loaded} tensors{from} ({Parameters} parameters, {Buffers} buffers; " +
                          $"{Elements.ToString("N0", CultureInfo.InvariantCulture)} values)";
            if (Conversions.Count > 0)
                text += "; converted " + string.Join(", ", Conversions.GroupBy(c => (c.From, c.To))
                    .Select(g => $"{g.Count()} from {TorchNames.DType(g.Key.From)} to {TorchNames.DType(g.Key.To)}"));
            var missing = Missing;
            if (missing.Count > 0) text += $"; {missing.Count} missing left as they were ({Few(missing)})";
            var unexpected = Unexpected;
            if (unexpected.Count > 0) text += $"; {unexpected.Count} unexpected ignored ({Few(unexpected)})";
            return text;
        }

        private static string Few(IReadOnlyList<string> keys) =>
            string.Join(", ", keys.Take(5).Select(k => "'" + k + "'")) + (keys.Count > 5 ? ", ..." : "");
    }

    /// <summary>
    /// Loads weights into any TorchSharp module, every generated network included, comparing first: every missing key,
    /// every unexpected key and every shape or dtype mismatch is reported together in a <see cref="WeightLoadException"/>,
    /// thrown before any weight is changed (nothing is ever half-loaded). Values are converted to the module's dtype and
    /// device; parameters and persistent buffers (running_mean, num_batches_tracked) are keys alike.
    /// </summary>
    public static class WeightLoading
    {
        /// <summary>
        /// Copies <paramref name="weights"/> into the module's parameters and buffers.
        /// </summary>
        /// <param name="module">The module (a generated network, a block, any TorchSharp module).</param>
        /// <param name="weights">Key to tensor, e.g. another module's state_dict() or <see cref="WeightsFile.Read(string)"/>.</param>
        /// <param name="strict">True (the default): the keys must be exactly the module's. False: missing keys are left as
        /// they are and unexpected keys are ignored (both listed in the summary); shape and dtype mismatches still fail.</param>
        /// <param name="keys">A key map for partial loads (see <see cref="WeightKeys"/>): each weights key to the module's
        /// key, or null to leave the entry out; applied before the comparison, so the report speaks of the mapped keys.</param>
        /// <returns>What was loaded.</returns>
        /// <exception cref="WeightLoadException">The weights do not fit; the module is unchanged.</exception>
        public static WeightLoadSummary LoadWeights(this torch.nn.Module module, IEnumerable<KeyValuePair<string, torch.Tensor>> weights, bool strict = true,
            Func<string, string?>? keys = null) =>
            Load(module, WeightKeys.Apply(weights ?? throw new ArgumentNullException(nameof(weights)), keys), strict, source: null);

        /// <summary>
        /// Reads a weights file whole, before anything is compared: PyTorch's <c>torch.save(model.state_dict(), path)</c>
        /// (<c>.pt</c>, <c>.pth</c>), a <c>.safetensors</c> file, or TorchSharp's <c>module.save(path)</c> (told apart by
        /// their first bytes, <see cref="WeightsFile.Read(string)"/>), then
        /// loads it as <see cref="LoadWeights(torch.nn.Module, IEnumerable{KeyValuePair{string, torch.Tensor}}, bool, Func{string, string})"/> does.
        /// </summary>
        /// <exception cref="FileNotFoundException">There is no such file.</exception>
        /// <exception cref="InvalidDataException">The file is not in that format or ends early; the module is unchanged.</exception>
        /// <exception cref="WeightLoadException">The weights do not fit; the module is unchanged.</exception>
        public static WeightLoadSummary LoadWeights(this torch.nn.Module module, string path, bool strict = true, Func<string, string?>? keys = null)
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            var weights = WeightsFile.Read(path);
            try { return Load(module, WeightKeys.Apply(weights, keys), strict, path); }
            finally { foreach (var tensor in weights.Values) tensor.Dispose(); }
        }

        /// <summary>Reads weights from a stream (left open) as from a file, then loads them.</summary>
        public static WeightLoadSummary LoadWeights(this torch.nn.Module module, Stream stream, bool strict = true, Func<string, string?>? keys = null)
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            var weights = WeightsFile.Read(stream);
            try { return Load(module, WeightKeys.Apply(weights, keys), strict, "the weights stream"); }
            finally { foreach (var tensor in weights.Values) tensor.Dispose(); }
        }

        /// <summary>
        /// Writes the module's state_dict (parameters and persistent buffers, PyTorch's keys) in PyTorch's format: the zip
        /// archive of <c>torch.save</c> for <c>.pt</c> / <c>.pth</c> (any path but <c>.safetensors</c>), which
        /// <c>model.load_state_dict(torch.load(path))</c> accepts, or a safetensors file. An existing file is replaced.
        /// </summary>
        public static void SaveWeights(this torch.nn.Module module, string path)
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            PyTorchWeights.Save(module.state_dict(), path);
        }

        /// <summary>Compares the module's state_dict with the weights without loading anything.</summary>
        public static WeightReport CompareWeights(this torch.nn.Module module, IEnumerable<KeyValuePair<string, torch.Tensor>> weights) =>
            WeightComparison.Compare(module, weights);

        private static WeightLoadSummary Load(torch.nn.Module module, IEnumerable<KeyValuePair<string, torch.Tensor>> weights, bool strict, string? source)
        {
            if (module is null) throw new ArgumentNullException(nameof(module));
            if (weights is null) throw new ArgumentNullException(nameof(weights));
            var given = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
            foreach (var entry in weights)
            {
                if (entry.Value is null) throw new ArgumentException($"the weights' entry '{entry.Key}' is null", nameof(weights));
                if (!given.TryAdd(entry.Key, entry.Value)) throw new ArgumentException($"the weights list the key '{entry.Key}' twice", nameof(weights));
            }
            var empty = given.Where(kv => kv.Value.device_type == DeviceType.META).Select(kv => "'" + kv.Key + "'").ToList();
            if (empty.Count > 0)
                throw new ArgumentException($"the weights' entries {string.Join(", ", empty.Take(5))}{(empty.Count > 5 ? ", ..." : "")} are on the meta device, " +
                    "which holds shapes but no values: nothing to load", nameof(weights));
            var targets = module.state_dict();
            var report = WeightComparison.Compare(targets, given, WeightComparison.ModuleName(module));
            if (!report.Allows(strict)) throw new WeightLoadException(report, strict, source);

            // Convert every source first (the step that can fail: memory, devices), then copy: nothing is half-loaded.
            // A tied tensor (one tensor under several keys, whose values the comparison found equal) is copied once.
            var staged = new List<(torch.Tensor Target, torch.Tensor Value, bool Owned)>(report.Matched.Count);
            var seen = new HashSet<IntPtr>();
            try
            {
                using (torch.no_grad())
                {
                    foreach (var key in report.Matched)
                    {
                        var target = targets[key];
                        if (!seen.Add(target.Handle)) continue;
                        var value = given[key];
                        bool same = value.dtype == target.dtype && value.device_type == target.device_type && value.device_index == target.device_index;
                        staged.Add((target, same ? value : value.to(target.dtype, target.device), !same));
                    }
                    foreach (var (target, value, _) in staged) target.copy_(value);
                }
            }
            finally
            {
                foreach (var (_, value, owned) in staged)
                    if (owned) value.Dispose();
            }

            var parameterKeys = ParameterKeys(module);
            int parameters = report.Matched.Count(parameterKeys.Contains);
            long elements = staged.Sum(s => s.Target.numel());
            return new WeightLoadSummary(report, parameters, report.Matched.Count - parameters, elements, source);
        }

        /// <summary>Every state_dict key that is a parameter, a tied one under each of its keys (named_parameters() lists a
        /// shared parameter once).</summary>
        private static HashSet<string> ParameterKeys(torch.nn.Module module)
        {
            var keys = new HashSet<string>(module.named_parameters(recurse: false).Select(p => p.name), StringComparer.Ordinal);
            foreach (var (prefix, child) in module.named_modules())
                foreach (var (name, _) in child.named_parameters(recurse: false))
                    keys.Add(prefix.Length == 0 ? name : prefix + "." + name);
            return keys;
        }
    }
}

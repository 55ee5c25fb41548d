using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using TorchSharp.PyBridge;

namespace NetDsl
{
    /// <summary>
    /// PyTorch's checkpoint formats, through TorchSharp.PyBridge: <c>torch.save(state_dict)</c> files (a zip archive
    /// holding a pickle, <c>.pt</c> / <c>.pth</c>) and <c>.safetensors</c> files (an 8-byte little-endian header length,
    /// a JSON header, the raw data). <see cref="WeightsFile.Read(string)"/> recognises both by their first bytes.
    /// </summary>
    public static class PyTorchWeights
    {
        /// <summary>True when the stream (positioned at the start, seekable) begins like a zip archive: torch.save's format.</summary>
        internal static bool IsZip(ReadOnlySpan<byte> head) =>
            head.Length >= 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 0x03 && head[3] == 0x04;

        /// <summary>True when the first bytes are a safetensors header: a length that fits the file, then '{'.</summary>
        internal static bool IsSafetensors(ReadOnlySpan<byte> head, long length) =>
            head.Length >= 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head[..8]) is var n && n >= 2 && (long)n <= length - 8;

        /// <summary>Reads a torch.save(state_dict) zip archive into key -> CPU tensor, keys in ordinal order.</summary>
        internal static Dictionary<string, torch.Tensor> ReadPickle(Stream stream, string name)
        {
            Hashtable table;
            try { table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{name}: cannot read the weights: it is a zip archive, as PyTorch's torch.save writes them, " +
                    $"but not a state_dict TorchSharp.PyBridge can read ({e.GetType().Name}: {e.Message}). Save the state_dict alone: " +
                    "torch.save(model.state_dict(), path).", e);
            }
            var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
            foreach (var key in table.Keys.Cast<object>().Select(k => k as string ?? k.ToString()!).OrderBy(k => k, StringComparer.Ordinal))
            {
                if (table[key] is torch.Tensor tensor) { result.Add(key, tensor); continue; }
                foreach (var value in table.Values) (value as torch.Tensor)?.Dispose();
                throw new InvalidDataException($"{name}: cannot read the weights: its entry '{key}' is a {table[key]?.GetType().Name ?? "None"}, " +
                    "not a tensor (a checkpoint dictionary holding a state_dict and more?). Save the state_dict alone: " +
                    "torch.save(model.state_dict(), path).");
            }
            return result;
        }

        /// <summary>Reads a safetensors file into key -> CPU tensor.</summary>
        internal static Dictionary<string, torch.Tensor> ReadSafetensors(Stream stream, string name)
        {
            try { return new Dictionary<string, torch.Tensor>(Safetensors.LoadStateDict(stream, leaveOpen: true), StringComparer.Ordinal); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{name}: cannot read the weights: it begins like a safetensors file but cannot be read " +
                    $"({e.GetType().Name}: {e.Message}).", e);
            }
        }

        /// <summary>
        /// Writes <paramref name="weights"/> in PyTorch's format: a <c>.safetensors</c> path gets a safetensors file, any
        /// other (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>) the zip archive <c>torch.save</c> writes, which
        /// <c>model.load_state_dict(torch.load(path))</c> accepts. An existing file is replaced.
        /// </summary>
        public static void Save(IEnumerable<KeyValuePair<string, torch.Tensor>> weights, string path)
        {
            if (weights is null) throw new ArgumentNullException(nameof(weights));
            if (path is null) throw new ArgumentNullException(nameof(path));
            var dict = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
            foreach (var (key, value) in weights) dict.Add(key, value);
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
            if (Path.GetExtension(path).Equals(".safetensors", StringComparison.OrdinalIgnoreCase))
                Safetensors.SaveStateDict(stream, dict, leaveOpen: true);
            else
                PyTorchPickler.PickleStateDict(stream, dict, leaveOpen: true);
        }
    }

    /// <summary>
    /// Key maps for partial loads (the <c>keys</c> argument of <c>LoadWeights</c>): each takes a key of the weights and
    /// gives the module's key to load it into, or null to leave that entry out.
    /// </summary>
    public static class WeightKeys
    {
        /// <summary>The entries under <paramref name="from"/> only, renamed to start with <paramref name="to"/> instead:
        /// <c>WeightKeys.Under("classifier.", "head.")</c> loads DeepLabV3's head into a network whose head is <c>head</c>.</summary>
        public static Func<string, string?> Under(string from, string to = "")
        {
            if (from is null) throw new ArgumentNullException(nameof(from));
            if (to is null) throw new ArgumentNullException(nameof(to));
            return key => key.StartsWith(from, StringComparison.Ordinal) ? to + key.Substring(from.Length) : null;
        }

        /// <summary>Every entry but those under the given prefixes: <c>WeightKeys.Except("fc.")</c> leaves a classifier out
        /// for fine-tuning with a new head (load non-strict, so the module's own head stays as it is).</summary>
        public static Func<string, string?> Except(params string[] prefixes)
        {
            if (prefixes is null) throw new ArgumentNullException(nameof(prefixes));
            return key => prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)) ? null : key;
        }

        /// <summary>Applies a key map; two weights mapped to one key are an <see cref="ArgumentException"/>.</summary>
        internal static IEnumerable<KeyValuePair<string, torch.Tensor>> Apply(IEnumerable<KeyValuePair<string, torch.Tensor>> weights, Func<string, string?>? keys)
        {
            if (keys is null) return weights;
            var result = new List<KeyValuePair<string, torch.Tensor>>();
            var from = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in weights)
            {
                if (keys(entry.Key) is not { } key) continue;
                if (from.TryGetValue(key, out var first))
                    throw new ArgumentException($"the key map sends both '{first}' and '{entry.Key}' to '{key}'", nameof(keys));
                from.Add(key, entry.Key);
                result.Add(new(key, entry.Value));
            }
            return result;
        }
    }
}

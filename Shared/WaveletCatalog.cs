// The wavelet names NetDsl knows and their filter lengths: compiled into the generator (to check names at
// compile time) and the runtime (where the filters live), so both agree on what exists.
using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl
{
    internal static class WaveletCatalog
    {
        /// <summary>The biorthogonal orders pywt has (bior/rbio N.M).</summary>
        public static readonly string[] BiorOrders =
            { "1.1", "1.3", "1.5", "2.2", "2.4", "2.6", "2.8", "3.1", "3.3", "3.5", "3.7", "3.9", "4.4", "5.5", "6.8" };

        /// <summary>Every wavelet name, in pywt's family order.</summary>
        public static readonly IReadOnlyList<string> Names = BuildNames();

        private static IReadOnlyList<string> BuildNames()
        {
            var names = new List<string> { "haar" };
            names.AddRange(Enumerable.Range(1, 20).Select(k => "db" + k));
            names.AddRange(Enumerable.Range(2, 19).Select(k => "sym" + k));
            names.AddRange(Enumerable.Range(1, 5).Select(k => "coif" + k));
            names.AddRange(BiorOrders.Select(o => "bior" + o));
            names.AddRange(BiorOrders.Select(o => "rbio" + o));
            return names.AsReadOnly();
        }

        /// <summary>True when <paramref name="name"/> (case-insensitive) is a known wavelet.</summary>
        public static bool Contains(string name) => Names.Contains(name.Trim().ToLowerInvariant());

        /// <summary>
        /// Filter length (pywt's dec_len) of a known wavelet: haar/dbN 2N, symN 2N, coifN 6N, bior/rbio N.M
        /// 2M (N = 1) or 2M + 2 (zero-padded to a common length, as pywt does).
        /// </summary>
        public static int FilterLength(string name)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!Names.Contains(key)) throw new ArgumentException($"Unknown wavelet '{name}'.", nameof(name));
            if (key == "haar") return 2;
            if (key.StartsWith("db", StringComparison.Ordinal)) return 2 * int.Parse(key.Substring(2), System.Globalization.CultureInfo.InvariantCulture);
            if (key.StartsWith("sym", StringComparison.Ordinal)) return 2 * int.Parse(key.Substring(3), System.Globalization.CultureInfo.InvariantCulture);
            if (key.StartsWith("coif", StringComparison.Ordinal)) return 6 * int.Parse(key.Substring(4), System.Globalization.CultureInfo.InvariantCulture);
            int n = key[4] - '0', m = key[6] - '0';
            return n == 1 ? 2 * m : 2 * m + 2;
        }

        /// <summary>True for the Haar wavelet under either of its names.</summary>
        public static bool IsHaar(string name) => name.Trim().ToLowerInvariant() is "haar" or "db1";
    }
}

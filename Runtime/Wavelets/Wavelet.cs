using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetDsl.Wavelets
{
    /// <summary>
    /// A discrete wavelet with PyWavelets' four filters (<c>pywt.Wavelet(name).filter_bank</c>). The filters are
    /// derived from pywt's coefficient tables with pywt's own order and sign rules, so they equal pywt's to the bit.
    /// </summary>
    /// <remarks>
    /// Families: <c>haar</c>, <c>db1</c>-<c>db20</c>, <c>sym2</c>-<c>sym20</c>, <c>coif1</c>-<c>coif5</c>,
    /// <c>biorN.M</c> and <c>rbioN.M</c> for N.M in 1.1, 1.3, 1.5, 2.2, 2.4, 2.6, 2.8, 3.1, 3.3, 3.5, 3.7, 3.9, 4.4, 5.5, 6.8.
    /// Every filter has even length (the biorthogonal ones are zero-padded as in pywt).
    /// </remarks>
    public sealed class Wavelet
    {
        private static readonly string[] BiorOrders = WaveletCatalog.BiorOrders;

        /// <summary>Every name <see cref="Get"/> accepts, in pywt's family order.</summary>
        public static IReadOnlyList<string> Names { get; } = BuildNames();

        private Wavelet(string name, string familyName, string shortFamilyName, bool orthogonal,
                        double[] decLo, double[] decHi, double[] recLo, double[] recHi)
        {
            Name = name;
            FamilyName = familyName;
            ShortFamilyName = shortFamilyName;
            Orthogonal = orthogonal;
            DecLo = decLo;
            DecHi = decHi;
            RecLo = recLo;
            RecHi = recHi;
        }

        /// <summary>The pywt name, e.g. <c>db2</c>, <c>bior1.3</c>.</summary>
        public string Name { get; }

        /// <summary>pywt's <c>family_name</c>: Haar, Daubechies, Symlets, Coiflets, Biorthogonal, Reverse biorthogonal.</summary>
        public string FamilyName { get; }

        /// <summary>pywt's <c>short_family_name</c>: haar, db, sym, coif, bior, rbio.</summary>
        public string ShortFamilyName { get; }

        /// <summary>True for haar, db, sym and coif (the transform is orthonormal); false for bior and rbio.</summary>
        public bool Orthogonal { get; }

        /// <summary>Decomposition low-pass filter (pywt <c>dec_lo</c>). Each <see cref="Get"/> returns fresh arrays.</summary>
        public double[] DecLo { get; }

        /// <summary>Decomposition high-pass filter (pywt <c>dec_hi</c>).</summary>
        public double[] DecHi { get; }

        /// <summary>Reconstruction low-pass filter (pywt <c>rec_lo</c>).</summary>
        public double[] RecLo { get; }

        /// <summary>Reconstruction high-pass filter (pywt <c>rec_hi</c>).</summary>
        public double[] RecHi { get; }

        /// <summary>Filter length (all four filters have it; pywt's <c>dec_len</c>).</summary>
        public int Length => DecLo.Length;

        /// <inheritdoc />
        public override string ToString() => $"Wavelet {Name} ({FamilyName}, {Length} taps)";

        /// <summary>
        /// The wavelet called <paramref name="name"/> (case-insensitive, as in pywt: <c>haar</c>, <c>db4</c>, <c>sym8</c>,
        /// <c>coif3</c>, <c>bior2.2</c>, <c>rbio3.5</c>).
        /// </summary>
        /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>; the message lists them.</exception>
        public static Wavelet Get(string name)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            var key = name.Trim().ToLowerInvariant();
            if (key == "haar")
                return FromScaling(key, "Haar", "haar", WaveletCoefficients.Db[0], 1.0);
            if (TryOrder(key, "db", 1, WaveletCoefficients.Db.Length, out int db))
                return FromScaling(key, "Daubechies", "db", WaveletCoefficients.Db[db - 1], 1.0);
            if (TryOrder(key, "sym", 2, WaveletCoefficients.Sym.Length + 1, out int sym))
                return FromScaling(key, "Symlets", "sym", WaveletCoefficients.Sym[sym - 2], 1.0);
            if (TryOrder(key, "coif", 1, WaveletCoefficients.Coif.Length, out int coif))
                return FromScaling(key, "Coiflets", "coif", WaveletCoefficients.Coif[coif - 1], Math.Sqrt(2.0));
            if (key.StartsWith("bior", StringComparison.Ordinal) && BiorOrders.Contains(key.Substring(4)))
                return Biorthogonal(key, key.Substring(4));
            if (key.StartsWith("rbio", StringComparison.Ordinal) && BiorOrders.Contains(key.Substring(4)))
                return Reverse(key, Biorthogonal("bior" + key.Substring(4), key.Substring(4)));
            throw new ArgumentException(
                $"Unknown wavelet '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
        }

        private static bool TryOrder(string key, string prefix, int min, int max, out int order)
        {
            order = 0;
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) return false;
            var digits = key.Substring(prefix.Length);
            if (digits.Length == 0 || digits.Length > 2 || digits[0] == '0' || !digits.All(char.IsAsciiDigit)) return false;
            order = int.Parse(digits, CultureInfo.InvariantCulture);
            return order >= min && order <= max;
        }

        // pywt wavelets.c, orthogonal families: table c of even length n (coif scaled by sqrt(2)).
        //   rec_lo[i] = c[i], dec_lo[i] = c[n-1-i], rec_hi[i] = (-1)^i c[n-1-i], dec_hi[i] = (-1)^(n-1-i) c[i]
        private static Wavelet FromScaling(string name, string family, string shortFamily, double[] table, double scale)
        {
            int n = table.Length;
            var c = scale == 1.0 ? table : table.Select(v => v * scale).ToArray();
            var recLo = new double[n];
            var decLo = new double[n];
            var recHi = new double[n];
            var decHi = new double[n];
            for (int i = 0; i < n; i++)
            {
                recLo[i] = c[i];
                decLo[i] = c[n - 1 - i];
                recHi[i] = (i % 2 == 1 ? -1 : 1) * c[n - 1 - i];
                decHi[i] = ((n - 1 - i) % 2 == 1 ? -1 : 1) * c[i];
            }
            return new Wavelet(name, family, shortFamily, orthogonal: true, decLo, decHi, recLo, recHi);
        }

        // pywt wavelets.c, case BIOR: order "N.M"; table row 0 holds the reconstruction low-pass of the longest M
        // (a shorter M starts M_max - M entries in), row M_idx + 1 the decomposition low-pass of M, reversed.
        private static Wavelet Biorthogonal(string name, string order)
        {
            int n = order[0] - '0';
            int m = order[2] - '0';
            (int mIdx, int mMax) = n switch
            {
                1 => (m / 2, 5),
                2 => (m / 2 - 1, 8),
                3 => (m / 2, 9),
                4 or 5 => (0, m),
                _ => (0, 8),
            };
            int length = n == 1 ? 2 * m : 2 * m + 2;
            int shift = mMax - m;
            var rec = WaveletCoefficients.Bior[n - 1][0];
            var dec = WaveletCoefficients.Bior[n - 1][mIdx + 1];
            var recLo = new double[length];
            var decLo = new double[length];
            var recHi = new double[length];
            var decHi = new double[length];
            for (int i = 0; i < length; i++)
            {
                recLo[i] = rec[i + shift];
                decLo[i] = dec[length - 1 - i];
                recHi[i] = (i % 2 == 1 ? -1 : 1) * dec[length - 1 - i];
                decHi[i] = ((length - 1 - i) % 2 == 1 ? -1 : 1) * rec[i + shift];
            }
            return new Wavelet(name, "Biorthogonal", "bior", orthogonal: false, decLo, decHi, recLo, recHi);
        }

        // rbio is bior with decomposition and reconstruction swapped and all four filters reversed.
        private static Wavelet Reverse(string name, Wavelet bior)
        {
            static double[] Reversed(double[] a) => a.Reverse().ToArray();
            return new Wavelet(name, "Reverse biorthogonal", "rbio", orthogonal: false,
                               Reversed(bior.RecLo), Reversed(bior.RecHi), Reversed(bior.DecLo), Reversed(bior.DecHi));
        }

        // The names are shared with the generator (Shared/WaveletCatalog.cs); a test checks each one has a table here.
        private static IReadOnlyList<string> BuildNames() => WaveletCatalog.Names;
    }
}

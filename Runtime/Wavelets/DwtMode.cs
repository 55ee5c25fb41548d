using System;
using System.Linq;

namespace NetDsl.Wavelets
{
    /// <summary>
    /// Signal extension modes of the discrete wavelet transform, with PyWavelets' meaning (<c>pywt.Modes</c>).
    /// For a signal x[0..n-1], the values outside it are:
    /// </summary>
    public enum DwtMode
    {
        /// <summary><c>'zero'</c>: zeros. Output length floor((n + L - 1) / 2). pytorch_wavelets' and HWD's default.</summary>
        Zero,

        /// <summary><c>'constant'</c>: the edge value repeated (x[0] on the left, x[n-1] on the right).</summary>
        Constant,

        /// <summary><c>'symmetric'</c>: half-sample mirror, ... x1 x0 | x0 x1 ... (pywt's default mode).</summary>
        Symmetric,

        /// <summary><c>'reflect'</c>: whole-sample mirror, ... x2 x1 | x0 x1 x2 ... (needs n &gt;= 2).</summary>
        Reflect,

        /// <summary><c>'periodic'</c>: the signal repeated, with the non-periodization output length.</summary>
        Periodic,

        /// <summary>
        /// <c>'periodization'</c>: circular transform with output length ceil(n / 2); an odd signal first gets its last
        /// sample repeated once. The inverse returns 2 * length samples.
        /// </summary>
        Periodization,
    }

    /// <summary>Names and output lengths of <see cref="DwtMode"/>.</summary>
    public static class DwtModes
    {
        private static readonly DwtMode[] All = (DwtMode[])Enum.GetValues(typeof(DwtMode));

        /// <summary>The pywt name of a mode: <c>zero</c>, <c>constant</c>, <c>symmetric</c>, <c>reflect</c>, <c>periodic</c>, <c>periodization</c>.</summary>
        public static string Name(DwtMode mode) => mode switch
        {
            DwtMode.Zero => "zero",
            DwtMode.Constant => "constant",
            DwtMode.Symmetric => "symmetric",
            DwtMode.Reflect => "reflect",
            DwtMode.Periodic => "periodic",
            DwtMode.Periodization => "periodization",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a DwtMode."),
        };

        /// <summary>Parses a pywt mode name (case-insensitive).</summary>
        /// <exception cref="ArgumentException">The name is not a supported mode; the message lists the supported ones.</exception>
        public static DwtMode Parse(string mode)
        {
            if (mode is null) throw new ArgumentNullException(nameof(mode));
            var key = mode.Trim().ToLowerInvariant();
            foreach (var m in All)
                if (Name(m) == key) return m;
            throw new ArgumentException(
                $"Unknown or unsupported DWT mode '{mode}'. Supported modes: {string.Join(", ", All.Select(Name))}.",
                nameof(mode));
        }

        /// <summary>
        /// Number of coefficients per band for a length-<paramref name="length"/> axis and a filter of
        /// <paramref name="filterLength"/> taps (pywt <c>dwt_coeff_len</c>): ceil(n / 2) for periodization,
        /// floor((n + L - 1) / 2) for every other mode.
        /// </summary>
        public static long OutputLength(long length, int filterLength, DwtMode mode) =>
            mode == DwtMode.Periodization ? ShapeMath.CeilDiv(length, 2) : ShapeMath.DwtOutput(length, filterLength);

        /// <summary>
        /// Number of samples the inverse produces from <paramref name="coefficients"/> coefficients per band
        /// (pywt <c>idwt_buffer_length</c>): 2 c for periodization, 2 c - L + 2 otherwise.
        /// </summary>
        public static long InverseLength(long coefficients, int filterLength, DwtMode mode) =>
            mode == DwtMode.Periodization ? 2 * coefficients : 2 * coefficients - filterLength + 2;
    }
}

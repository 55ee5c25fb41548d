using System;

namespace NetDsl
{
    /// <summary>
    /// Weights that do not fit a module: thrown before any weight is changed, so the module is exactly as it was. The
    /// message lists the problems (at most <see cref="WeightReport.ListedPerKind"/> of each kind, and how many more);
    /// <see cref="Report"/> has them all.
    /// </summary>
    public sealed class WeightLoadException : ArgumentException
    {
        public WeightLoadException(WeightReport report, bool strict, string? source = null)
            : base(Compose(report, strict, source))
        {
            Report = report;
            Strict = strict;
        }

        /// <summary>The comparison that failed: every missing and unexpected key, every shape and dtype mismatch.</summary>
        public WeightReport Report { get; }

        /// <summary>Whether the load was strict (missing and unexpected keys are problems then).</summary>
        public bool Strict { get; }

        private static string Compose(WeightReport report, bool strict, string? source)
        {
            string text = report.Describe();
            string from = source is null ? "" : $" from {source}";
            string mode = strict ? "" : " (non-strict: missing and unexpected keys are allowed, mismatches are not)";
            // The headline says nothing was changed; the problems follow on their own lines.
            int end = text.IndexOf('\n');
            string headline = end < 0 ? text : text.Substring(0, end);
            string rest = end < 0 ? "" : text.Substring(end);
            return $"{headline}; nothing was loaded{from}{mode}:{rest}";
        }
    }
}

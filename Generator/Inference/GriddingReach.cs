using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// The offsets a stack of dilated k x k convolutions reaches along one axis: the sums r_1 t_1 + ... + r_n t_n with
    /// |t_i| &lt;= (k-1)/2 (HDC, Wang et al. 2018). Computed as a sorted list of disjoint intervals, in units of the rates'
    /// greatest common divisor g (every reached offset is a multiple of g), so the work depends on the number of layers and on
    /// how many separate runs of offsets there are, never on the size of the rates: four layers of dilation 2^31 - 1 are one
    /// interval of 9 offsets in units of g. The sumset does not depend on the order of the layers; the rates are taken from the
    /// smallest up, which keeps the intervals merged as early as they can be.
    /// </summary>
    public sealed class GriddingReach
    {
        /// <summary>
        /// The check gives up (and reports nothing) when the reached offsets split into more than this many separate runs at
        /// some layer, or when an offset does not fit 64 bits; no declaration the check could finish before hits it.
        /// </summary>
        public const int MaxRuns = 1 << 16;

        private GriddingReach(long extent, long holes, IReadOnlyList<long> firstHoles, long work)
        {
            Extent = extent;
            Holes = holes;
            FirstHoles = firstHoles;
            Work = work;
        }

        /// <summary>The largest offset reached, (k-1)/2 · Σ r_i: the field spans 2·Extent + 1 offsets.</summary>
        public long Extent { get; }

        /// <summary>Offsets in 1..Extent never reached (as many again on the negative side).</summary>
        public long Holes { get; }

        /// <summary>The smallest positive holes, at most six.</summary>
        public IReadOnlyList<long> FirstHoles { get; }

        /// <summary>Intervals produced on the way (the work done, bounded by layers × <see cref="MaxRuns"/>).</summary>
        public long Work { get; }

        /// <summary>The reach of the stack, or null when the bound above was hit (the check is skipped).</summary>
        public static GriddingReach? Analyse(long kernel, IReadOnlyList<long> rates)
        {
            try
            {
                return checked(Compute(kernel, rates));
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        private static GriddingReach? Compute(long kernel, IReadOnlyList<long> rates)
        {
            long half = (kernel - 1) / 2;
            long g = rates.Aggregate(0L, ShapeMath.Gcd);
            if (half < 1 || g < 1 || rates.Any(r => r < 1)) return null;
            long work = 1;
            var runs = new List<(long Lo, long Hi)> { (0, 0) };
            foreach (long r in rates.Select(d => d / g).OrderBy(d => d))
            {
                var next = new List<(long Lo, long Hi)>();
                foreach (var (lo, hi) in runs)
                {
                    if (hi - lo + 1 >= r)
                    {
                        // The shifted copies overlap or touch: one interval.
                        next.Add((lo - half * r, hi + half * r));
                        continue;
                    }
                    if (next.Count + 2 * half + 1 > MaxRuns) return null;
                    for (long t = -half; t <= half; t++) next.Add((lo + t * r, hi + t * r));
                }
                work += next.Count;
                next.Sort((a, b) => a.Lo.CompareTo(b.Lo));
                runs = new List<(long, long)>();
                foreach (var run in next)
                {
                    if (runs.Count > 0 && run.Lo <= runs[runs.Count - 1].Hi + 1)
                    {
                        var last = runs[runs.Count - 1];
                        runs[runs.Count - 1] = (last.Lo, Math.Max(last.Hi, run.Hi));
                    }
                    else runs.Add(run);
                }
            }
            long extentUnits = runs[runs.Count - 1].Hi;
            long reachedPositive = 0;
            foreach (var (lo, hi) in runs)
                if (hi >= 1) reachedPositive += hi - Math.Max(lo, 1) + 1;
            long extent = extentUnits * g;
            long holes = extent - reachedPositive;
            // The message counts 2·Extent + 1 offsets: that must fit too.
            _ = 2 * extent + 1;
            return new GriddingReach(extent, holes, FirstHolesOf(runs, g, extent), work);
        }

        private static List<long> FirstHolesOf(List<(long Lo, long Hi)> runs, long g, long extent)
        {
            var holes = new List<long>();
            if (g > 1)
            {
                // Among 1..12 at least six numbers are not multiples of g >= 2: a short walk.
                for (long o = 1; o <= extent && holes.Count < 6; o++)
                    if (o % g != 0 || !Contains(runs, o / g)) holes.Add(o);
                return holes;
            }
            // g = 1: the holes are the gaps between the runs.
            for (int i = 1; i < runs.Count && holes.Count < 6; i++)
            {
                for (long o = Math.Max(runs[i - 1].Hi + 1, 1); o < runs[i].Lo && holes.Count < 6; o++) holes.Add(o);
            }
            return holes;
        }

        private static bool Contains(List<(long Lo, long Hi)> runs, long x)
        {
            int a = 0, b = runs.Count - 1;
            while (a <= b)
            {
                int m = (a + b) / 2;
                if (x < runs[m].Lo) b = m - 1;
                else if (x > runs[m].Hi) a = m + 1;
                else return true;
            }
            return false;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace NetDsl.Generator.Inference
{
    /// <summary>
    /// Bytes per sample that scale with a map's size: <see cref="Coef"/> bytes per position of a Height x Width map. Where
    /// the sizes between the period's multiples are allowed, <see cref="HeightClass"/> / <see cref="WidthClass"/> name the
    /// map's offsets at every residue (two maps of one size at the multiples may round differently in between); -1 when
    /// the axis has no residues or the size is known.
    /// </summary>
    public readonly struct ByteTerm : IEquatable<ByteTerm>
    {
        public ByteTerm(long coef, Dim height, Dim width, int heightClass = -1, int widthClass = -1)
        {
            Coef = coef;
            Height = height;
            Width = width;
            HeightClass = heightClass;
            WidthClass = widthClass;
        }

        public long Coef { get; }
        public Dim Height { get; }
        public Dim Width { get; }
        public int HeightClass { get; }
        public int WidthClass { get; }

        public bool SameMap(ByteTerm other) =>
            Height == other.Height && Width == other.Width && HeightClass == other.HeightClass && WidthClass == other.WidthClass;

        public bool Equals(ByteTerm other) => Coef == other.Coef && SameMap(other);
        public override bool Equals(object? obj) => obj is ByteTerm t && Equals(t);
        public override int GetHashCode() => unchecked((int)Coef * 31 + Height.GetHashCode() * 7 + Width.GetHashCode());

        internal static int Order(ByteTerm a, ByteTerm b)
        {
            int c = a.Height.Coef.CompareTo(b.Height.Coef);
            if (c == 0) c = a.Height.Offset.CompareTo(b.Height.Offset);
            if (c == 0) c = a.Width.Coef.CompareTo(b.Width.Coef);
            if (c == 0) c = a.Width.Offset.CompareTo(b.Width.Offset);
            if (c == 0) c = a.HeightClass.CompareTo(b.HeightClass);
            if (c == 0) c = a.WidthClass.CompareTo(b.WidthClass);
            return c;
        }
    }

    /// <summary>
    /// A byte count per sample that may depend on a symbolic input size: a constant plus terms coef·h·w, one per distinct
    /// symbolic map size (h and w affine in t = H / period, as <see cref="Dim"/>). Every term is positive at every valid
    /// input (a map has at least one position), which is what makes <see cref="Covers"/> sound. Immutable.
    /// </summary>
    public sealed class ByteSum : IEquatable<ByteSum>
    {
        /// <summary>Beyond this (per constant or per term) the count is not reported: sums of it must fit 64 bits.</summary>
        private const long Limit = 1L << 48;

        public static readonly ByteSum Zero = new ByteSum(0, Array.Empty<ByteTerm>());

        private ByteSum(long constant, IReadOnlyList<ByteTerm> terms)
        {
            Constant = constant;
            Terms = terms;
        }

        public long Constant { get; }

        /// <summary>The symbolic terms, one per map size, in a fixed order.</summary>
        public IReadOnlyList<ByteTerm> Terms { get; }

        public bool IsZero => Constant == 0 && Terms.Count == 0;

        /// <summary>The count when it does not depend on the input size.</summary>
        public long? Known => Terms.Count == 0 ? Constant : null;

        public static ByteSum Of(long constant) => constant == 0 ? Zero : new ByteSum(constant, Array.Empty<ByteTerm>());

        /// <summary>4 x channels x height x width bytes (float32), folded to a constant when the size is known; null beyond the limit.</summary>
        public static ByteSum? OfMap(long channels, Dim height, Dim width, int heightClass = -1, int widthClass = -1)
        {
            try
            {
                if (height.IsKnown && width.IsKnown) return Checked(Of(checked(4 * channels * height.Offset * width.Offset)));
                // A known axis folds into the coefficient, so that maps of one symbolic size share a term.
                long coef = checked(4 * channels * (height.IsKnown ? height.Offset : 1) * (width.IsKnown ? width.Offset : 1));
                var h = height.IsKnown ? Dim.Known(1) : height;
                var w = width.IsKnown ? Dim.Known(1) : width;
                return Checked(new ByteSum(0, new[] { new ByteTerm(coef, h, w, height.IsKnown ? -1 : heightClass, width.IsKnown ? -1 : widthClass) }));
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        private static ByteSum? Checked(ByteSum sum) => sum.Constant > Limit || sum.Terms.Any(t => t.Coef > Limit) ? null : sum;

        /// <summary>The sum of two counts; null beyond the limit.</summary>
        public ByteSum? Plus(ByteSum other)
        {
            if (other.IsZero) return this;
            if (IsZero) return other;
            try
            {
                var terms = new List<ByteTerm>(Terms);
                foreach (var t in other.Terms)
                {
                    int i = terms.FindIndex(x => x.SameMap(t));
                    if (i >= 0) terms[i] = new ByteTerm(checked(terms[i].Coef + t.Coef), t.Height, t.Width, t.HeightClass, t.WidthClass);
                    else terms.Add(t);
                }
                terms.Sort(ByteTerm.Order);
                return Checked(new ByteSum(checked(Constant + other.Constant), terms));
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        /// <summary>Whether this count is at least <paramref name="other"/> at every valid input size.</summary>
        public bool Covers(ByteSum other)
        {
            if (other.Constant > Constant) return false;
            foreach (var t in other.Terms)
            {
                var mine = Terms.FirstOrDefault(x => x.SameMap(t));
                if (mine.Coef < t.Coef) return false;
            }
            return true;
        }

        public bool Equals(ByteSum? other) => other is not null && Constant == other.Constant && Terms.SequenceEqual(other.Terms);
        public override bool Equals(object? obj) => Equals(obj as ByteSum);
        public override int GetHashCode() => Terms.Aggregate(Constant.GetHashCode(), (h, t) => unchecked(h * 31 + t.GetHashCode()));
    }

    /// <summary>
    /// The most of several byte counts: a peak over the points of a forward pass, where each point has its own set of live
    /// tensors. With a known input size it is one constant; with a symbolic one, the counts that no other count covers at
    /// every size (which of them is largest depends on the size: the summary evaluates all of them there). Immutable.
    /// </summary>
    public sealed class BytePeak : IEquatable<BytePeak>
    {
        /// <summary>Beyond this many uncovered counts the peak is not reported (it would bloat the summary).</summary>
        public const int MaxCandidates = 256;

        public static readonly BytePeak Zero = new BytePeak(new[] { ByteSum.Zero });

        private BytePeak(IReadOnlyList<ByteSum> candidates) => Candidates = candidates;

        /// <summary>The counts the peak is the largest of, none covering another.</summary>
        public IReadOnlyList<ByteSum> Candidates { get; }

        /// <summary>The peak when it does not depend on the input size.</summary>
        public long? Known => Candidates.Count == 1 ? Candidates[0].Known : null;

        public static BytePeak Of(ByteSum sum) => new BytePeak(new[] { sum });

        /// <summary>The larger of two peaks; null when too many counts remain uncovered.</summary>
        public BytePeak? Max(BytePeak other) => Prune(Candidates.Concat(other.Candidates));

        public BytePeak? Max(ByteSum other) => Prune(Candidates.Concat(new[] { other }));

        /// <summary>The peak with <paramref name="alive"/> more bytes alive at every point; null beyond the limits.</summary>
        public BytePeak? Plus(ByteSum alive)
        {
            if (alive.IsZero) return this;
            var sums = new List<ByteSum>(Candidates.Count);
            foreach (var c in Candidates)
            {
                var s = c.Plus(alive);
                if (s is null) return null;
                sums.Add(s);
            }
            return Prune(sums);
        }

        private static BytePeak? Prune(IEnumerable<ByteSum> sums)
        {
            var kept = new List<ByteSum>();
            foreach (var s in sums)
            {
                if (kept.Exists(k => k.Covers(s))) continue;
                kept.RemoveAll(s.Covers);
                kept.Add(s);
            }
            return kept.Count > MaxCandidates ? null : new BytePeak(kept);
        }

        public bool Equals(BytePeak? other) => other is not null && Candidates.SequenceEqual(other.Candidates);
        public override bool Equals(object? obj) => Equals(obj as BytePeak);
        public override int GetHashCode() => Candidates.Aggregate(17, (h, c) => unchecked(h * 31 + c.GetHashCode()));
    }
}

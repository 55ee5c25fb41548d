using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetDsl.Octave
{
    /// <summary>
    /// The channel split, groups and present branches of an octave convolution, computed once from the constructor's
    /// arguments and shared by <see cref="OctaveConv2d"/>, its static counts and its checks, so they cannot disagree.
    /// </summary>
    internal sealed class OctaveConvPlan
    {
        private OctaveConvPlan(long inChannels, long outChannels, long kernel, double alphaIn, double alphaOut, long groups)
        {
            InChannels = inChannels;
            OutChannels = outChannels;
            Kernel = kernel;
            AlphaIn = alphaIn;
            AlphaOut = alphaOut;
            Groups = groups;
            InLow = OctaveConv2d.LowChannels(inChannels, alphaIn);
            InHigh = inChannels - InLow;
            OutLow = OctaveConv2d.LowChannels(outChannels, alphaOut);
            OutHigh = outChannels - OutLow;
            Depthwise = groups == inChannels && groups > 1;
            // The branches and their groups, as the compiler computes them (Shared/ShapeMath.cs).
            var branches = ShapeMath.OctaveBranches(InHigh, InLow, OutHigh, OutLow, groups, alphaIn);
            (L2L, L2H, H2L, H2H) = (branches[0], branches[1], branches[2], branches[3]);
        }

        public long InChannels { get; }
        public long OutChannels { get; }
        public long Kernel { get; }
        public double AlphaIn { get; }
        public double AlphaOut { get; }
        public long Groups { get; }
        public long InHigh { get; }
        public long InLow { get; }
        public long OutHigh { get; }
        public long OutLow { get; }
        public bool Depthwise { get; }
        public OctaveBranch L2L { get; }
        public OctaveBranch L2H { get; }
        public OctaveBranch H2L { get; }
        public OctaveBranch H2H { get; }

        /// <summary>Whether either side has low-frequency channels.</summary>
        public bool HasLowBranch => InLow > 0 || OutLow > 0;

        /// <summary>The branches in d-li14's registration (and state_dict) order: l2l, l2h, h2l, h2h.</summary>
        public IEnumerable<OctaveBranch> Branches
        {
            get
            {
                yield return L2L;
                yield return L2H;
                yield return H2L;
                yield return H2H;
            }
        }

        /// <summary>Validates the channel arguments and builds the plan.</summary>
        /// <exception cref="ArgumentException">An argument is out of range or the groups do not divide a branch.</exception>
        public static OctaveConvPlan Create(string owner, long inChannels, long outChannels, long kernel, double alphaIn,
                                            double alphaOut, long groups)
        {
            if (inChannels < 1)
                throw new ArgumentException($"{owner}: in_channels must be at least 1, got {inChannels}.", "in_channels");
            if (outChannels < 1)
                throw new ArgumentException($"{owner}: out_channels must be at least 1, got {outChannels}.", "out_channels");
            if (kernel < 1)
                throw new ArgumentException($"{owner}: kernel_size must be at least 1, got {kernel}.", "kernel_size");
            CheckAlpha(owner, alphaIn, "alpha_in");
            CheckAlpha(owner, alphaOut, "alpha_out");
            if (groups < 1)
                throw new ArgumentException($"{owner}: groups must be at least 1, got {groups}.", "groups");

            var plan = new OctaveConvPlan(inChannels, outChannels, kernel, alphaIn, alphaOut, groups);
            string split = plan.SplitText();
            if (plan.Depthwise && ((plan.InLow > 0) != (plan.OutLow > 0) || (plan.InHigh > 0) != (plan.OutHigh > 0)))
                throw new ArgumentException(
                    $"{owner}: a depthwise octave convolution (groups = in_channels = {groups}) has no cross-frequency convolutions, " +
                    $"so each frequency must map to itself: {split}.", "alpha_out");
            foreach (var b in plan.Branches)
            {
                if (!b.Present) continue;
                if (b.Groups < 1 || b.In % b.Groups != 0 || b.Out % b.Groups != 0)
                    throw new ArgumentException(
                        $"{owner}: groups = {groups} gives {b.Name} {b.Groups} group(s), which must divide its {b.In} input and " +
                        $"{b.Out} output channels ({split}).", "groups");
            }
            return plan;
        }

        /// <summary>Validates stride, padding and dilation; a low branch needs size-keeping convolutions.</summary>
        /// <exception cref="ArgumentException">An argument is out of range.</exception>
        public void CheckGeometry(string owner, long stride, long padding, long dilation)
        {
            if (stride != 1 && stride != 2)
                throw new ArgumentException($"{owner}: stride must be 1 or 2 (octave convolution pools by 2), got {stride}.", "stride");
            if (padding < 0)
                throw new ArgumentException($"{owner}: padding must be at least 0, got {padding}.", "padding");
            if (dilation < 1)
                throw new ArgumentException($"{owner}: dilation must be at least 1, got {dilation}.", "dilation");
            if (HasLowBranch && 2 * padding != dilation * (Kernel - 1))
                throw new ArgumentException(
                    $"{owner}: with a low-frequency branch ({SplitText()}) every convolution must keep its input size, " +
                    $"2·padding = dilation·(kernel_size − 1), or the high and low maps lose their 2:1 ratio and cannot be added; " +
                    $"got kernel_size {Kernel}, padding {padding}, dilation {dilation}.", "padding");
        }

        /// <summary>
        /// What the high-frequency input's height and width must be divisible by: 1 without a low branch, 4 for stride 2
        /// with a low-frequency output (h2l and l2l pool twice), 2 otherwise.
        /// </summary>
        public long RequiredMultiple(long stride) => !HasLowBranch ? 1 : stride == 2 && OutLow > 0 ? 4 : 2;

        /// <summary>e.g. "in_channels 10 → high 8 / low 2 (alpha_in 0.25), out_channels 10 → high 3 / low 7 (alpha_out 0.75)".</summary>
        public string SplitText() =>
            $"in_channels {InChannels} → high {InHigh} / low {InLow} (alpha_in {Num(AlphaIn)}), " +
            $"out_channels {OutChannels} → high {OutHigh} / low {OutLow} (alpha_out {Num(AlphaOut)})";

        internal static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        internal static void CheckAlpha(string owner, double alpha, string name)
        {
            if (double.IsNaN(alpha) || alpha < 0 || alpha > 1)
                throw new ArgumentException($"{owner}: {name} must be in [0, 1], got {Num(alpha)}.", name);
        }
    }
}

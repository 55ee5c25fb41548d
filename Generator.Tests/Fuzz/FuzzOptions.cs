using System;
using System.Globalization;

namespace NetDsl.Generator.Tests.Fuzz;

/// <summary>
/// Classes of declarations today's generator gets wrong (Corpus/KnownDefects.md, same letters). The fuzz generates them
/// only when their flag is in <see cref="FuzzOptions.KnownDefects"/>; once the generator is fixed, add the flag to
/// <see cref="FuzzOptions.Default"/> so the fuzz keeps it fixed.
/// </summary>
[Flags]
public enum KnownDefect
{
    None = 0,
    /// <summary>A1: [Network] and [Block] on one class: the generator throws (CS8785), nothing in the compilation is generated.</summary>
    NetworkAndBlock = 1 << 0,
    /// <summary>A2: [Add(null)] / [Concat(null)]: NDSL0019 NullReferenceException.</summary>
    NullStageName = 1 << 1,
    /// <summary>B1: huge dilations after a stacked 3x3 conv: the gridding analysis does not return.</summary>
    HugeDilation = 1 << 2,
    /// <summary>C1-C3: C# keywords as class, stage or parameter names (@class, @in, @event, @return, @checked).</summary>
    KeywordNames = 1 << 3,
    /// <summary>C4-C9: names that clash with generated members or types (forward, Summary, Stages, nn, c with _c, Tensor, in_channels).</summary>
    ClashingNames = 1 << 4,
    /// <summary>C10-C12: a partial record, a user's own constructor or forward.</summary>
    UserMembers = 1 << 5,
    /// <summary>C13: NaN and infinities in double arguments (Slope, Eps, Momentum, P, alphas).</summary>
    NonFiniteDoubles = 1 << 6,
    /// <summary>C14: [Add]/[Concat] in a block naming a stage of the network: the block is generated and does not compile.</summary>
    BlockSkipToOuterStage = 1 << 7,
    /// <summary>D1: block expressions dividing a negative value, or taking its remainder (floor at compile time, truncation in the module); negative block arguments.</summary>
    NegativeDivision = 1 << 8,
    /// <summary>D2-D3: values beyond int (expressions such as "c * 1000000000", int.MaxValue paddings, scales, strides, filters).</summary>
    Overflow = 1 << 9,
    /// <summary>E1-E7: accepted without a diagnostic (empty pyramids, Kernel = null, abstract class, Batch = 0, orphan stages).</summary>
    SilentlyAccepted = 1 << 10,
    /// <summary>Repeat far beyond a real network (100000 copies and more): generation time grows with the copies.</summary>
    HugeRepeat = 1 << 11,

    All = (1 << 12) - 1,
}

/// <summary>
/// What one fuzz run does. The seed rotates daily by default (UTC day number), so every CI day explores new
/// declarations while a failure stays reproducible: the test prints its seed, and <c>NETDSL_FUZZ_SEED=&lt;seed&gt;</c>
/// reruns exactly that run (<c>NETDSL_FUZZ_COUNT</c> runs that many declarations whatever the time, e.g. 10000 for a full
/// run; <c>NETDSL_FUZZ_DEFECTS</c>
/// a comma-separated list of <see cref="KnownDefect"/> names, or All, turns on known-defect classes).
/// </summary>
public sealed record FuzzOptions
{
    /// <summary>The first declaration's seed; declaration i uses Seed + i.</summary>
    public int Seed { get; init; }

    /// <summary>At most this many declarations per run.</summary>
    public int Count { get; init; } = 10_000;

    /// <summary>
    /// The run stops starting batches after this long (once <see cref="MinimumCount"/> declarations ran), so the suite stays
    /// within its time: on a 2-core machine shared with other builds that is a slice of about 1,000 to 2,000 declarations;
    /// the daily seed rotation moves the slice, so CI covers 10,000 new declarations every few days.
    /// </summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Declarations that run whatever the budget.</summary>
    public int MinimumCount { get; init; } = 500;

    /// <summary>Declarations compiled together (one syntax tree each) in one generator run and one compilation.</summary>
    public int BatchSize { get; init; } = 125;

    /// <summary>Known-defect classes to generate as well (off by default: the fuzz must be green today).</summary>
    public KnownDefect KnownDefects { get; init; } = KnownDefect.None;

    /// <summary>The fail-safe: a generator run may take this long per declaration of its batch before the run is cancelled.</summary>
    public TimeSpan PerDeclarationLimit { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Accepted declarations run in TorchSharp per fuzz run (shape and parameter count against the summary).</summary>
    public int TorchSamples { get; init; } = 30;

    public bool Includes(KnownDefect defect) => (KnownDefects & defect) == defect;

    /// <summary>Today's seed (UTC days since 2000-01-01) and the environment's overrides.</summary>
    public static FuzzOptions Default
    {
        get
        {
            int seed = (int)(DateTime.UtcNow.Date - new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalDays * 100_000;
            var options = new FuzzOptions { Seed = seed };
            if (int.TryParse(Environment.GetEnvironmentVariable("NETDSL_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
                options = options with { Seed = s };
            if (int.TryParse(Environment.GetEnvironmentVariable("NETDSL_FUZZ_COUNT"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0)
                options = options with { Count = n, MinimumCount = n, TimeBudget = TimeSpan.MaxValue };
            var defects = Environment.GetEnvironmentVariable("NETDSL_FUZZ_DEFECTS");
            if (!string.IsNullOrWhiteSpace(defects))
                options = options with { KnownDefects = (KnownDefect)Enum.Parse(typeof(KnownDefect), defects, ignoreCase: true) };
            return options;
        }
    }
}

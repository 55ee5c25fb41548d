using System.Linq;
using NetDsl.Generator.Inference;
using Xunit;

namespace NetDsl.Generator.Tests;

/// <summary>
/// The liveness pass itself (plain C#, Generator/Inference/Liveness.cs): where each value of a forward dies, what is never
/// released (the input, kept outputs, the result), which live values a release must check identity against, and the
/// peak of live bytes it implies. Values: 0 is the input, k the output of step k - 1.
/// </summary>
public class LivenessTests
{
    private static LiveStep Step(string name, params int[] reads) => new(name, reads);

    [Fact]
    public void A_chain_releases_each_value_at_the_next_step_and_never_the_input_or_the_result()
    {
        var plan = Liveness.Of(new[] { Step("conv"), Step("bn"), Step("relu"), Step("fc") });
        Assert.Empty(plan.DiesAfter(0));               // conv read the input: the caller's
        Assert.Equal(new[] { 1 }, plan.DiesAfter(1));  // bn read conv's output last
        Assert.Equal(new[] { 2 }, plan.DiesAfter(2));
        Assert.Equal(new[] { 3 }, plan.DiesAfter(3));
        Assert.False(plan.ReleasesRunning(0));
        Assert.True(plan.ReleasesRunning(3));
        Assert.True(plan.IsKept(4));                   // the result
        Assert.DoesNotContain(Enumerable.Range(0, 4), s => plan.DiesAfter(s).Contains(4) || plan.DiesAfter(s).Contains(0));
    }

    [Fact]
    public void A_residual_block_keeps_its_input_until_the_shortcut_and_the_in_place_add_continues_the_value()
    {
        // conv1, bn1, conv2, bn2, shortcut (reads the input, adds in place), relu
        var plan = Liveness.Of(new[]
        {
            Step("conv1"), Step("bn1"), Step("conv2"), Step("bn2"),
            new LiveStep("shortcut", new[] { 0 }, inPlace: true), Step("relu"),
        });
        Assert.Equal(4, plan.LastUse(0));              // the skip tensor is read by the add
        Assert.False(plan.ReleasesRunning(4));         // add_ updates bn2's output: it lives on as the shortcut's value
        Assert.Empty(plan.DiesAfter(4));
        Assert.Equal(new[] { 5 }, plan.DiesAfter(5));  // the relu releases the sum
        Assert.DoesNotContain(Enumerable.Range(0, 6), s => plan.DiesAfter(s).Contains(4));
    }

    [Fact]
    public void A_skip_connection_lives_until_its_add_and_not_longer()
    {
        // enc (read later by add), pool, mid, add(enc), head
        var plan = Liveness.Of(new[] { Step("enc"), Step("pool"), Step("mid"), Step("add", 1), Step("head") });
        Assert.Equal(3, plan.LastUse(1));
        Assert.False(plan.ReleasesRunning(1));         // pool reads enc but enc lives on
        Assert.DoesNotContain(1, plan.DiesAfter(1));
        Assert.Contains(1, plan.DiesAfter(3));         // released right after the add
        Assert.Contains(3, plan.DiesAfter(3));         // and the running value the add read
    }

    [Fact]
    public void DenseNet_concats_keep_the_earlier_features_until_the_last_concat_that_reads_them()
    {
        // f1, f2 = cat(f1, conv), f3 = cat(f1, f2, conv): f1 is read by both concats
        var plan = Liveness.Of(new[] { Step("f1"), Step("conv_a"), Step("cat_a", 1), Step("conv_b"), Step("cat_b", 1, 3), Step("out") });
        Assert.Equal(4, plan.LastUse(1));
        Assert.Equal(4, plan.LastUse(3));
        for (int s = 0; s < 4; s++) Assert.DoesNotContain(1, plan.DiesAfter(s));
        Assert.Contains(1, plan.DiesAfter(4));
        Assert.Contains(3, plan.DiesAfter(4));
    }

    [Fact]
    public void Kept_outputs_and_taps_are_never_released()
    {
        // backbone, head (an [Output]), then a side head from a tap (it does not read the running value)
        var plan = Liveness.Of(new[]
        {
            Step("backbone"), new LiveStep("head", kept: true),
            new LiveStep("aux", readsRunning: false), new LiveStep("aux_up", kept: true),
        });
        Assert.True(plan.IsKept(2));
        Assert.DoesNotContain(Enumerable.Range(0, 4), s => plan.DiesAfter(s).Contains(2));
        Assert.Contains(1, plan.DiesAfter(1));         // the backbone's output, once the head has read it
        Assert.Contains(3, plan.DiesAfter(3));         // the aux head's output, once upsampled
    }

    [Fact]
    public void A_release_after_a_conditional_stage_checks_identity_against_what_it_may_be()
    {
        // a (read later), b only when a condition holds (else b's value is a's tensor), c, add(a)
        var plan = Liveness.Of(new[] { Step("a"), new LiveStep("b", conditional: true), Step("c"), Step("add", 1) });
        Assert.True(plan.MayAlias(1, 2));
        Assert.False(plan.MayAlias(2, 3));
        Assert.True(plan.ReleasesRunning(2));          // c releases b's value ...
        Assert.Equal(new[] { 1 }, plan.KeepsFor(2, 2)); // ... unless it is a's tensor, which the add still reads
        Assert.Empty(plan.KeepsFor(1, 3));             // a dies at the add: nothing alive may be it
        // All stages before c conditional: the input itself may arrive at c and is named to keep.
        var early = Liveness.Of(new[] { new LiveStep("expand", conditional: true), Step("dw") });
        Assert.Empty(early.DiesAfter(1).Where(v => v == 0));
        Assert.Equal(new[] { 0 }, early.KeepsFor(1, 1));
    }

    [Fact]
    public void Peak_counts_the_live_storages_at_each_step()
    {
        // conv 10 B, bn 10 B (conv's output released after it), relu in place (shares bn's storage), fc 2 B
        var plan = Liveness.Of(new[] { Step("conv"), Step("bn"), Step("relu"), Step("fc") });
        var (peak, own) = plan.Peak(new long[] { 10, 10, 0, 2 }, new long[] { 10, 10, 0, 2 });
        Assert.Equal(20, peak);                        // conv's and bn's outputs while bn runs
        Assert.Equal(2, own);
        // A skip held across the middle adds to the peak there.
        var skip = Liveness.Of(new[] { Step("enc"), Step("mid"), Step("up"), Step("cat", 1) });
        var (skipPeak, _) = skip.Peak(new long[] { 8, 4, 8, 16 }, new long[] { 8, 4, 8, 16 });
        Assert.Equal(8 + 8 + 16, skipPeak);            // enc, up and the concat while it is made (mid already released)
    }
}

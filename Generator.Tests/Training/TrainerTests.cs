using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetDsl.Samples.Training;
using NetDsl.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Training;

/// <summary>
/// <see cref="Trainer"/> on synthetic data (no Fashion-MNIST, no Python): the loss falls, a resumed run continues with
/// the bits of an uninterrupted one, the checkpoint is PyTorch's format and refuses another network, and the memory
/// between epochs is measured.
/// </summary>
[Collection("Training")]
public class TrainerTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "netdsl-train-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_tiny_network_learns_the_synthetic_bars()
    {
        using var train = Synthetic.Bars(240, seed: 1);
        using var test = Synthetic.Bars(90, seed: 2);
        using var net = Trainer.Seeded(3, () => new TinyClassifier());
        using var trainer = new Trainer(net, new TrainingOptions { Epochs = 6, BatchSize = 16, LearningRate = 1e-2, Seed = 3 });
        var batchLosses = new List<double>();
        trainer.BatchEnded += p => batchLosses.Add(p.BatchLoss);
        var history = trainer.Fit(train, test);

        Assert.Equal(6, history.Count);
        Assert.Equal(6 * 15, batchLosses.Count);
        Assert.True(history[^1].TrainLoss < 0.5 * history[0].TrainLoss, $"train loss {history[0].TrainLoss} -> {history[^1].TrainLoss}");
        Assert.True(history[^1].TestLoss < history[0].TestLoss, $"test loss {history[0].TestLoss} -> {history[^1].TestLoss}");
        Assert.True(history[^1].TestAccuracy > 0.9, $"test accuracy {history[^1].TestAccuracy}");
        Assert.True(batchLosses.TakeLast(15).Average() < batchLosses.Take(15).Average());
        Assert.All(history, e => Assert.True(e.ImagesPerSecond > 0 && e.ResidentBytes > 0 && e.TrainSeconds > 0));
    }

    [Fact]
    public void Evaluation_is_in_eval_mode_under_no_grad_and_matches_a_direct_forward()
    {
        using var data = Synthetic.Bars(50, seed: 4);
        using var net = Trainer.Seeded(5, () => new TinyClassifier());
        using var trainer = new Trainer(net, new TrainingOptions { EvalBatchSize = 7 });
        var eval = trainer.Evaluate(data);
        Assert.False(net.training);
        Assert.True(torch.is_grad_enabled());
        using var noGrad = torch.no_grad();
        using var logits = net.call(data.Images);
        using var loss = nn.functional.cross_entropy(logits, data.Labels);
        using var correct = logits.argmax(1).eq(data.Labels).sum();
        Assert.Equal(loss.item<float>(), eval.Loss, 4);
        Assert.Equal(correct.item<long>() / 50.0, eval.Accuracy, 12);
        Assert.Equal(50, eval.Count);
    }

    public static IEnumerable<object[]> Optimizers() => new[]
    {
        new object[] { OptimizerKind.Adam, LearningRateSchedule.Constant, false },
        new object[] { OptimizerKind.Sgd, LearningRateSchedule.Constant, false },
        new object[] { OptimizerKind.Adam, LearningRateSchedule.Cosine, true },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_run_resumed_from_a_checkpoint_continues_bit_for_bit(OptimizerKind optimizer, LearningRateSchedule schedule, bool flip)
    {
        using var train = Synthetic.Bars(96, seed: 6);
        var options = new TrainingOptions
        {
            Epochs = 3, BatchSize = 16, LearningRate = 5e-3, Optimizer = optimizer, Schedule = schedule, HorizontalFlip = flip, Seed = 7,
        };

        // Uninterrupted: three epochs.
        using var straight = Trainer.Seeded(8, () => new TinyClassifier());
        using var uninterrupted = new Trainer(straight, options);
        var expected = new List<double>();
        uninterrupted.BatchEnded += p => { if (p.Epoch >= 2) expected.Add(p.BatchLoss); };
        uninterrupted.Fit(train);

        // The same run stopped after its first epoch's checkpoint (as a killed process), then a new process's worth of
        // objects (another initialisation) resumes to three.
        string dir = Path.Combine(folder, $"{optimizer}-{schedule}-{flip}");
        using (var first = Trainer.Seeded(8, () => new TinyClassifier()))
        using (var once = new Trainer(first, options with { CheckpointDirectory = dir }))
        {
            once.EpochEnded += r => throw new OperationCanceledException($"stopped after epoch {r.Epoch}");
            Assert.Throws<OperationCanceledException>(() => once.Fit(train));
        }
        Assert.True(TrainingCheckpoint.Exists(dir));
        using var resumedNet = Trainer.Seeded(99, () => new TinyClassifier());
        using var resumed = new Trainer(resumedNet, options with { CheckpointDirectory = dir, Resume = true });
        var actual = new List<double>();
        resumed.BatchEnded += p => actual.Add(p.BatchLoss);
        var history = resumed.Fit(train);

        Assert.Equal(1, resumed.ResumedFrom);
        Assert.Equal(new[] { 1, 2, 3 }, history.Select(h => h.Epoch));
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(uninterrupted.History[^1].TrainLoss, history[^1].TrainLoss);
        var a = straight.state_dict();
        var b = resumedNet.state_dict();
        Assert.Equal(a.Keys, b.Keys);
        foreach (var key in a.Keys) Assert.True(a[key].equal(b[key]).all().item<bool>(), $"{key} differs after the resumed run");
    }

    [Fact]
    public void The_cosine_schedule_anneals_from_the_rate_to_zero_and_is_set_before_every_step()
    {
        var cosine = new TrainingOptions { LearningRate = 0.1, Schedule = LearningRateSchedule.Cosine };
        Assert.Equal(0.1, cosine.LearningRateAt(0, 100), 15);
        Assert.Equal(0.05, cosine.LearningRateAt(50, 100), 15);
        Assert.Equal(0.1 * (1 + Math.Cos(Math.PI * 0.25)) / 2, cosine.LearningRateAt(25, 100), 15);
        Assert.True(cosine.LearningRateAt(99, 100) < 1e-4);
        Assert.Equal(0.1, (cosine with { Schedule = LearningRateSchedule.Constant }).LearningRateAt(99, 100));

        using var train = Synthetic.Bars(96, seed: 6); // 6 batches of 16, 2 epochs: 12 steps
        using var net = Trainer.Seeded(8, () => new TinyClassifier());
        using var trainer = new Trainer(net, new TrainingOptions { Epochs = 2, BatchSize = 16, LearningRate = 5e-3, Schedule = LearningRateSchedule.Cosine, Seed = 7 });
        var rates = new List<double>();
        trainer.BatchEnded += _ => rates.Add(trainer.Optimizer.ParamGroups.Single().LearningRate);
        trainer.Fit(train);
        Assert.Equal(Enumerable.Range(0, 12).Select(s => trainer.Options.LearningRateAt(s, 12)), rates);
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.Second < p.First));
    }

    [Fact]
    public void Flipping_mirrors_about_half_of_the_training_images_and_never_the_evaluated_ones()
    {
        using var train = Synthetic.Bars(64, seed: 6);
        var seen = new List<Tensor>();
        using var net = new InputRecorder(seen);
        using var trainer = new Trainer(net, new TrainingOptions { Epochs = 1, BatchSize = 64, HorizontalFlip = true, Seed = 7 });
        trainer.Fit(train);
        trainer.Evaluate(train);
        Assert.Equal(2, seen.Count);

        // The epoch's order is known, so each trained image can be matched with its source, as it was or mirrored.
        var order = Trainer.EpochOrder(64, 7, 1);
        int mirrored = 0;
        for (int i = 0; i < 64; i++)
        {
            using var source = train.Images[order[i]];
            using var trained = seen[0][i];
            bool same = trained.equal(source).all().item<bool>(), flipped = trained.equal(source.flip(2)).all().item<bool>();
            Assert.True(same || flipped, $"image {i} is neither its source nor its mirror");
            if (flipped && !same) mirrored++;
        }
        Assert.InRange(mirrored, 16, 48); // Binomial(64, 1/2): outside this with probability below 1e-4
        Assert.True(seen[1].equal(train.Images).all().item<bool>()); // evaluation sees the images as they are
        foreach (var t in seen) t.Dispose();
    }

    /// <summary>A linear classifier of 8x8 images that keeps a copy of every input it is called with.</summary>
    private sealed class InputRecorder : nn.Module<Tensor, Tensor>
    {
        private readonly List<Tensor> seen;
        private readonly nn.Module<Tensor, Tensor> fc = nn.Linear(64, 3);

        public InputRecorder(List<Tensor> seen) : base(nameof(InputRecorder))
        {
            this.seen = seen;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            seen.Add(x.detach().clone().MoveToOuterDisposeScope());
            return fc.call(x.flatten(1));
        }
    }

    [Fact]
    public void Without_the_optimizer_state_the_resumed_run_departs_after_its_first_step()
    {
        // The control of the resume test: the same checkpoint with a fresh Adam's state (step 0, zero moments) gives the
        // same first loss (the weights are the same) and another second one.
        using var train = Synthetic.Bars(96, seed: 6);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 16, LearningRate = 5e-3, Seed = 7 };
        using var straight = Trainer.Seeded(8, () => new TinyClassifier());
        using var uninterrupted = new Trainer(straight, options);
        var expected = new List<double>();
        uninterrupted.BatchEnded += p => { if (p.Epoch == 2) expected.Add(p.BatchLoss); };
        uninterrupted.Fit(train);

        string dir = Path.Combine(folder, "fresh-optimizer");
        IReadOnlyList<EpochResult> one;
        using (var first = Trainer.Seeded(8, () => new TinyClassifier()))
        using (var once = new Trainer(first, options with { Epochs = 1, CheckpointDirectory = dir }))
            one = once.Fit(train).ToList();
        using (var weights = new TinyClassifier())
        using (var fresh = new Trainer(weights, options))
        {
            weights.LoadWeights(Path.Combine(dir, TrainingCheckpoint.ModelFile));
            TrainingCheckpoint.Save(dir, weights, fresh.Optimizer, one);
        }
        using var net = new TinyClassifier();
        using var resumed = new Trainer(net, options with { CheckpointDirectory = dir, Resume = true });
        var actual = new List<double>();
        resumed.BatchEnded += p => actual.Add(p.BatchLoss);
        resumed.Fit(train);

        Assert.Equal(1, resumed.ResumedFrom);
        Assert.Equal(expected[0], actual[0]);
        Assert.NotEqual(expected[1], actual[1]);
    }

    [Fact]
    public void The_checkpoint_is_pytorch_format_and_refuses_another_network()
    {
        using var train = Synthetic.Bars(32, seed: 9);
        string dir = Path.Combine(folder, "format");
        using var net = Trainer.Seeded(1, () => new TinyClassifier());
        using (var trainer = new Trainer(net, new TrainingOptions { BatchSize = 16, CheckpointDirectory = dir }))
            trainer.Fit(train);

        var model = File.ReadAllBytes(Path.Combine(dir, TrainingCheckpoint.ModelFile));
        Assert.Equal(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, model.Take(4)); // torch.save's zip archive
        var weights = WeightsFile.Read(Path.Combine(dir, TrainingCheckpoint.ModelFile));
        var state = net.state_dict();
        Assert.Equal(state.Keys.OrderBy(k => k, StringComparer.Ordinal), weights.Keys);
        foreach (var (key, value) in state) Assert.True(value.equal(weights[key]).all().item<bool>(), key);

        var optimizer = WeightsFile.Read(Path.Combine(dir, TrainingCheckpoint.OptimizerFile));
        Assert.Equal(1L, optimizer["epoch"].item<long>());
        int parameters = net.parameters().Count();
        Assert.Equal(2L, optimizer["state.0.step"].item<long>()); // 32 examples in batches of 16
        Assert.Equal(1 + 3 * parameters, optimizer.Count);
        Assert.Equal(net.parameters().First().shape, optimizer["state.0.exp_avg"].shape);

        using var other = new FashionResNet();
        using var wrong = new Trainer(other, new TrainingOptions { CheckpointDirectory = dir, Resume = true });
        using var images = Synthetic.Bars(4, seed: 1);
        Assert.Throws<WeightLoadException>(() => wrong.Fit(images));
    }

    [Fact]
    public void Bad_options_are_refused_by_name()
    {
        using var net = new TinyClassifier();
        Assert.Contains("BatchSize", Assert.Throws<ArgumentException>(() => new Trainer(net, new TrainingOptions { BatchSize = 0 })).Message);
        Assert.Contains("Resume", Assert.Throws<ArgumentException>(() => new Trainer(net, new TrainingOptions { Resume = true })).Message);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentException>(() => new Trainer(net, new TrainingOptions { LearningRate = double.NaN })).Message);
    }

    [Fact]
    public void The_epoch_order_is_a_seeded_permutation()
    {
        var a = Trainer.EpochOrder(1000, 3, 1);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), a.OrderBy(i => i));
        Assert.Equal(a, Trainer.EpochOrder(1000, 3, 1));
        Assert.NotEqual(a, Trainer.EpochOrder(1000, 3, 2));
        Assert.NotEqual(a, Trainer.EpochOrder(1000, 4, 1));
        Assert.NotEqual(Enumerable.Range(0, 1000).Select(i => (long)i), a);
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Training
{
    /// <summary>
    /// A training loop for classifiers, not a framework: trains any <c>nn.Module&lt;Tensor, Tensor&gt;</c> that maps images
    /// to logits (every generated NetDsl network) on a <see cref="LabelledImages"/> set with cross-entropy and Adam or SGD.
    /// <list type="bullet">
    /// <item>Each epoch: <c>model.train()</c>, the training set in a seeded shuffled order, one dispose scope per batch (every
    /// tensor of the step is freed when the batch ends, so memory stays flat across epochs; <see cref="EpochResult.ResidentBytes"/>
    /// measures it), then <c>model.eval()</c> and the evaluation set under <c>no_grad</c>.</item>
    /// <item>Deterministic: epoch <c>e</c> calls <c>torch.manual_seed(Seed + e)</c> and shuffles with <c>System.Random</c>
    /// seeded from <c>(Seed, e)</c>; seed the initialisation with <see cref="Seeded{T}"/>.</item>
    /// <item>A checkpoint after each epoch when <see cref="TrainingOptions.CheckpointDirectory"/> is set (the weights in
    /// PyTorch's format, the optimizer's state, the epoch and the history, <see cref="TrainingCheckpoint"/>);
    /// <see cref="TrainingOptions.Resume"/> continues from it exactly: the next epoch's losses are the bits an uninterrupted
    /// run computes.</item>
    /// <item>Events for progress: <see cref="EpochStarting"/>, <see cref="BatchEnded"/>, <see cref="EpochEnded"/>.</item>
    /// <item>Strided 1x1 convolutions get <see cref="StridedConvWorkaround"/> (a no-op where it is off or already attached, as
    /// in generated networks), so hand-written modules survive oneDNN's backward on CPUs without cache sizes too.</item>
    /// </list>
    /// </summary>
    /// <example><code>
    /// var (train, test) = FashionMnist.Load();
    /// using var net = Trainer.Seeded(0, () => new FashionResNet());
    /// using var trainer = new Trainer(net, new TrainingOptions { Epochs = 3, BatchSize = 128, CheckpointDirectory = "ckpt", Resume = true });
    /// trainer.EpochEnded += e => Console.WriteLine($"epoch {e.Epoch}: test accuracy {e.TestAccuracy:P2}");
    /// trainer.Fit(train, test);
    /// </code></example>
    public sealed class Trainer : IDisposable
    {
        private readonly List<EpochResult> history = new();

        /// <summary>Builds the optimizer over the model's parameters; nothing is trained yet.</summary>
        public Trainer(nn.Module<Tensor, Tensor> model, TrainingOptions options)
        {
            Model = model ?? throw new ArgumentNullException(nameof(model));
            Options = options ?? throw new ArgumentNullException(nameof(options));
            options.Validate();
            StridedConvWorkaround.Attach(model);
            Optimizer = options.Optimizer switch
            {
                OptimizerKind.Adam => torch.optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay),
                OptimizerKind.Sgd => torch.optim.SGD(model.parameters(), options.LearningRate, momentum: options.Momentum, weight_decay: options.WeightDecay),
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "no such optimizer"),
            };
        }

        /// <summary>The model being trained (not owned: dispose it yourself).</summary>
        public nn.Module<Tensor, Tensor> Model { get; }

        /// <summary>The optimizer (owned).</summary>
        public optim.Optimizer Optimizer { get; }

        /// <summary>The options.</summary>
        public TrainingOptions Options { get; }

        /// <summary>The epochs done so far, those of a resumed checkpoint included.</summary>
        public IReadOnlyList<EpochResult> History => history;

        /// <summary>The epoch the run resumed after (0 when it started from scratch).</summary>
        public int ResumedFrom { get; private set; }

        /// <summary>Before an epoch's first batch: the epoch (from 1) and its number of batches.</summary>
        public event Action<int, int>? EpochStarting;

        /// <summary>After every training batch.</summary>
        public event Action<BatchProgress>? BatchEnded;

        /// <summary>After an epoch's evaluation and checkpoint.</summary>
        public event Action<EpochResult>? EpochEnded;

        /// <summary>Runs <paramref name="create"/> right after <c>torch.manual_seed(seed)</c>: a reproducible initialisation.</summary>
        public static T Seeded<T>(long seed, Func<T> create)
        {
            if (create is null) throw new ArgumentNullException(nameof(create));
            torch.manual_seed(seed);
            return create();
        }

        /// <summary>
        /// Trains up to <see cref="TrainingOptions.Epochs"/> (resuming first when asked and a checkpoint exists), evaluating on
        /// <paramref name="test"/> after each epoch when given. Returns the whole history.
        /// </summary>
        public IReadOnlyList<EpochResult> Fit(LabelledImages train, LabelledImages? test = null)
        {
            if (train is null) throw new ArgumentNullException(nameof(train));
            if (train.Count == 0) throw new ArgumentException($"{train.Name} is empty", nameof(train));
            if (Options.Resume && history.Count == 0 && TrainingCheckpoint.Exists(Options.CheckpointDirectory!))
            {
                ResumedFrom = TrainingCheckpoint.Load(Options.CheckpointDirectory!, Model, Optimizer, out var done);
                history.AddRange(done);
            }
            for (int epoch = history.Count + 1; epoch <= Options.Epochs; epoch++)
            {
                var (loss, accuracy, seconds) = TrainEpoch(train, epoch);
                var eval = test is null ? null : Evaluate(test);
                using var process = Process.GetCurrentProcess();
                var result = new EpochResult(epoch, loss, accuracy, eval?.Loss ?? double.NaN, eval?.Accuracy ?? double.NaN,
                    train.Count / seconds, seconds, eval?.Seconds ?? 0, process.WorkingSet64, GC.GetTotalMemory(false));
                history.Add(result);
                if (Options.CheckpointDirectory is { } dir) TrainingCheckpoint.Save(dir, Model, Optimizer, history);
                EpochEnded?.Invoke(result);
            }
            return history;
        }

        /// <summary>Mean cross-entropy and accuracy of the model on <paramref name="data"/>: eval mode, no_grad, a dispose
        /// scope per batch. Leaves the model in eval mode.</summary>
        public Evaluation Evaluate(LabelledImages data)
        {
            if (data is null) throw new ArgumentNullException(nameof(data));
            var clock = Stopwatch.StartNew();
            Model.eval();
            using var noGrad = torch.no_grad();
            double lossSum = 0;
            long correct = 0, n = data.Count;
            for (long start = 0; start < n; start += Options.EvalBatchSize)
            {
                using var scope = torch.NewDisposeScope();
                long length = Math.Min(Options.EvalBatchSize, n - start);
                var x = data.Images.narrow(0, start, length);
                var y = data.Labels.narrow(0, start, length);
                var logits = Model.call(x);
                lossSum += nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(y).sum().item<long>();
            }
            return new Evaluation(lossSum / n, (double)correct / n, n, clock.Elapsed.TotalSeconds);
        }

        /// <summary>The order of epoch <paramref name="epoch"/>: a Fisher-Yates shuffle of 0..count-1 by System.Random seeded
        /// from the seed and the epoch (System.Random with a seed is the same sequence on every run and platform).</summary>
        public static long[] EpochOrder(long count, long seed, int epoch)
        {
            var random = new Random(unchecked((int)(seed * 1_000_003L + epoch)));
            var order = new long[count];
            for (long i = 0; i < count; i++) order[i] = i;
            for (long i = count - 1; i > 0; i--)
            {
                long j = random.NextInt64(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
            return order;
        }

        private (double Loss, double Accuracy, double Seconds) TrainEpoch(LabelledImages train, int epoch)
        {
            long n = train.Count;
            int batchSize = Options.BatchSize;
            int batches = (int)((n + batchSize - 1) / batchSize);
            EpochStarting?.Invoke(epoch, batches);
            torch.manual_seed(Options.Seed + epoch);
            using var order = torch.tensor(EpochOrder(n, Options.Seed, epoch));
            Model.train();
            double lossSum = 0;
            long correct = 0, seen = 0;
            var clock = Stopwatch.StartNew();
            for (int b = 0; b < batches; b++)
            {
                double batchLoss;
                long length = Math.Min(batchSize, n - (long)b * batchSize);
                using (var scope = torch.NewDisposeScope())
                {
                    var index = order.narrow(0, (long)b * batchSize, length);
                    var x = train.Images.index_select(0, index);
                    var y = train.Labels.index_select(0, index);
                    if (Options.HorizontalFlip)
                        x = torch.where(torch.rand(length).lt(0.5).view(-1, 1, 1, 1), x.flip(3), x);
                    double rate = Options.LearningRateAt((long)(epoch - 1) * batches + b, (long)Options.Epochs * batches);
                    foreach (var group in Optimizer.ParamGroups) group.LearningRate = rate;
                    Optimizer.zero_grad();
                    var logits = Model.call(x);
                    var loss = nn.functional.cross_entropy(logits, y);
                    loss.backward();
                    Optimizer.step();
                    batchLoss = loss.item<float>();
                    using (torch.no_grad()) correct += logits.argmax(1).eq(y).sum().item<long>();
                }
                if (!double.IsFinite(batchLoss))
                    throw new InvalidOperationException($"epoch {epoch}, batch {b + 1}: the loss is {batchLoss}; lower the learning rate?");
                lossSum += batchLoss * length;
                seen += length;
                var elapsed = clock.Elapsed;
                BatchEnded?.Invoke(new BatchProgress(epoch, Options.Epochs, b + 1, batches, batchLoss, lossSum / seen, (double)correct / seen, seen,
                    seen / Math.Max(elapsed.TotalSeconds, 1e-9), elapsed, TimeSpan.FromTicks(elapsed.Ticks / (b + 1) * (batches - b - 1))));
            }
            return (lossSum / seen, (double)correct / seen, clock.Elapsed.TotalSeconds);
        }

        /// <inheritdoc />
        public void Dispose() => Optimizer.Dispose();
    }
}

using System;

namespace NetDsl.Training
{
    /// <summary>The optimizers <see cref="Trainer"/> builds (TorchSharp's).</summary>
    public enum OptimizerKind
    {
        /// <summary><c>torch.optim.Adam(lr, betas (0.9, 0.999), eps 1e-8, weight_decay)</c>.</summary>
        Adam,

        /// <summary><c>torch.optim.SGD(lr, momentum, weight_decay)</c>.</summary>
        Sgd,
    }

    /// <summary>How <see cref="Trainer"/> changes the learning rate over the run.</summary>
    public enum LearningRateSchedule
    {
        /// <summary>The learning rate throughout.</summary>
        Constant,

        /// <summary>
        /// Cosine annealing to zero, set before every step: <c>lr · (1 + cos(π · step / steps)) / 2</c> with <c>step</c> counted
        /// from 0 over the whole run (<c>Epochs</c> × batches per epoch), as PyTorch's <c>CosineAnnealingLR(T_max = steps,
        /// eta_min = 0)</c> stepped per batch. A function of the step alone, so a resumed run sets the same rates.
        /// </summary>
        Cosine,
    }

    /// <summary>What <see cref="Trainer"/> does: how long, in what batches, with which optimizer and seed, where it keeps
    /// its checkpoints.</summary>
    public sealed record TrainingOptions
    {
        /// <summary>Passes over the training set (the last epoch's number; a resumed run goes on from the checkpoint's).</summary>
        public int Epochs { get; init; } = 1;

        /// <summary>Training examples per optimizer step; the last batch of an epoch may be smaller.</summary>
        public int BatchSize { get; init; } = 64;

        /// <summary>Examples per forward when evaluating (no gradients, so larger batches fit).</summary>
        public int EvalBatchSize { get; init; } = 500;

        /// <summary>The optimizer.</summary>
        public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

        /// <summary>The learning rate (seed 002: Adam, 1e-3).</summary>
        public double LearningRate { get; init; } = 1e-3;

        /// <summary>How the learning rate changes over the run (constant by default).</summary>
        public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

        /// <summary>The learning rate of step <paramref name="step"/> (from 0) of <paramref name="steps"/> under <see cref="Schedule"/>.</summary>
        public double LearningRateAt(long step, long steps) => Schedule switch
        {
            LearningRateSchedule.Cosine => LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / Math.Max(1, steps))),
            _ => LearningRate,
        };

        /// <summary>
        /// Mirror each training image left to right with probability 1/2 (drawn from LibTorch's generator, which each epoch
        /// seeds, so a resumed run draws the same flips). Off by default; evaluation never flips.
        /// </summary>
        public bool HorizontalFlip { get; init; }

        /// <summary>SGD's momentum (Adam ignores it).</summary>
        public double Momentum { get; init; } = 0.9;

        /// <summary>L2 weight decay of either optimizer.</summary>
        public double WeightDecay { get; init; }

        /// <summary>
        /// The seed of the epoch order and of LibTorch's generator: epoch <c>e</c> shuffles with <c>System.Random(Seed, e)</c>
        /// and calls <c>torch.manual_seed(Seed + e)</c> first, so an epoch does the same whether the run started at epoch 1
        /// or resumed before it. Seed the model's initialisation yourself (<see cref="Trainer.Seeded{T}"/>).
        /// </summary>
        public long Seed { get; init; }

        /// <summary>Where to write a checkpoint after every epoch (<see cref="TrainingCheckpoint"/>); null for none.</summary>
        public string? CheckpointDirectory { get; init; }

        /// <summary>Resume from the checkpoint in <see cref="CheckpointDirectory"/> when there is one.</summary>
        public bool Resume { get; init; }

        /// <summary>Checks the options; an <see cref="ArgumentException"/> names the first bad one.</summary>
        public void Validate()
        {
            if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, not {Epochs}");
            if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1, not {BatchSize}");
            if (EvalBatchSize < 1) throw new ArgumentException($"EvalBatchSize must be at least 1, not {EvalBatchSize}");
            if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"LearningRate must be positive, not {LearningRate}");
            if (Resume && CheckpointDirectory is null) throw new ArgumentException("Resume needs a CheckpointDirectory");
        }
    }

    /// <summary>After a training batch: where the epoch is, the running loss and accuracy of the epoch so far, the speed.</summary>
    /// <param name="Epoch">The epoch, from 1.</param>
    /// <param name="Epochs">The last epoch.</param>
    /// <param name="Batch">The batch of the epoch, from 1.</param>
    /// <param name="Batches">Batches in the epoch.</param>
    /// <param name="BatchLoss">This batch's mean cross-entropy.</param>
    /// <param name="Loss">The mean cross-entropy over the epoch's examples so far.</param>
    /// <param name="Accuracy">The fraction of the epoch's examples so far classified right (in training mode).</param>
    /// <param name="Images">Examples trained on in the epoch so far.</param>
    /// <param name="ImagesPerSecond">Of the epoch so far.</param>
    /// <param name="Elapsed">Time in the epoch so far.</param>
    /// <param name="Remaining">The epoch's remaining batches at the epoch's speed so far.</param>
    public sealed record BatchProgress(int Epoch, int Epochs, int Batch, int Batches, double BatchLoss, double Loss, double Accuracy,
        long Images, double ImagesPerSecond, TimeSpan Elapsed, TimeSpan Remaining);

    /// <summary>One epoch's results.</summary>
    /// <param name="Epoch">The epoch, from 1.</param>
    /// <param name="TrainLoss">Mean cross-entropy over the epoch's training batches (as they were trained: training mode, weights moving).</param>
    /// <param name="TrainAccuracy">Accuracy over the same.</param>
    /// <param name="TestLoss">Mean cross-entropy on the evaluation set after the epoch (eval mode, no_grad); NaN without one.</param>
    /// <param name="TestAccuracy">Accuracy on the evaluation set; NaN without one.</param>
    /// <param name="ImagesPerSecond">Training examples per second of the epoch (forward, backward, step).</param>
    /// <param name="TrainSeconds">The training part of the epoch.</param>
    /// <param name="EvalSeconds">The evaluation part.</param>
    /// <param name="ResidentBytes">The process's resident set (RSS) after the epoch: flat across epochs when nothing leaks.</param>
    /// <param name="ManagedBytes">The managed heap after the epoch (GC.GetTotalMemory, no collection forced).</param>
    public sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
        double ImagesPerSecond, double TrainSeconds, double EvalSeconds, long ResidentBytes, long ManagedBytes);

    /// <summary>Loss and accuracy of a model on a data set.</summary>
    public sealed record Evaluation(double Loss, double Accuracy, long Count, double Seconds);
}

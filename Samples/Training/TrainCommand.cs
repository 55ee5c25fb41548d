using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using NetDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Training;

/// <summary>
/// <c>train</c>: seed 002's comparison on Fashion-MNIST (Adam, lr 1e-3, cross-entropy): MobileNetV1 against
/// Oct-MobileNetV1 and a small ResNet against Oct-ResNet, declared for 1x28x28 (<see cref="FashionMobileNet"/> ...). Each
/// network trains from the same seed with <see cref="Trainer"/>, a checkpoint per epoch under
/// <c>OUT/checkpoints/NAME</c> (<c>--resume</c> continues from it), the test set evaluated after every epoch; then the
/// results table and the curves PNG (<c>OUT/fashion-mnist-curves.png</c>) and the numbers as JSON.
/// </summary>
public static class TrainCommand
{
    public const string Usage =
        "usage: train [--quick] [--data DIR] [--epochs N] [--subset N] [--test-subset N] [--networks a,b,...] [--batch N] [--lr X] [--seed N]\n" +
        "             [--schedule cosine|constant] [--flip|--no-flip] [--threads N] [--out DIR] [--resume] [--plain]\n" +
        "  --networks   any of " + "mobilenet, octmobilenet, resnet, octresnet (or the class names); default all four\n" +
        "  --quick      3 epochs on the first 15,000 training images, batch 64, tested on the first 2,000 test images, every network,\n" +
        "               constant learning rate, no flips (three epochs on a quarter of the data underfit; nothing to regularise)\n" +
        "  --schedule   the learning rate per step: cosine annealing from --lr to 0 over the run, or constant\n" +
        "  --flip       mirror each training image left to right with probability 1/2\n" +
        "  default      10 epochs on all 60,000 training images, batch 128, cosine schedule, flips (ten epochs of the\n" +
        "               constant rate overfit: train 94.8% against test 90.7%); resume with the same --epochs (the cosine depends on it)";

    /// <summary>A network of the comparison: its name on the command line, its pair, its summary, how to build it.</summary>
    public sealed record Candidate(string Key, string Group, NetworkSummary Summary, Func<nn.Module<Tensor, Tensor>> Create);

    public static IReadOnlyList<Candidate> Candidates { get; } = new[]
    {
        new Candidate("mobilenet", "MobileNetV1", FashionMobileNet.Summary, () => new FashionMobileNet()),
        new Candidate("octmobilenet", "MobileNetV1", FashionOctMobileNet.Summary, () => new FashionOctMobileNet()),
        new Candidate("resnet", "ResNet", FashionResNet.Summary, () => new FashionResNet()),
        new Candidate("octresnet", "ResNet", FashionOctResNet.Summary, () => new FashionOctResNet()),
    };

    public static int Run(string[] args)
    {
        int epochs = 10, batch = 128, threads = Math.Max(1, Environment.ProcessorCount);
        long seed = 0;
        long? subset = null, testSubset = null;
        double lr = 1e-3;
        string? data = null, output = null;
        LearningRateSchedule? schedule = null;
        bool? flip = null;
        bool quick = false, resume = false, plain = false, epochsSet = false, batchSet = false;
        var chosen = new List<Candidate>();
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"train: {args[i]} needs a value\n{Usage}");
                long Positive() => long.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v > 0
                    ? v : throw new ArgumentException($"train: {args[i - 1]} needs a positive integer, not '{args[i]}'\n{Usage}");
                switch (args[i])
                {
                    case "--quick": quick = true; break;
                    case "--data": data = Value(); break;
                    case "--epochs": epochs = (int)Positive(); epochsSet = true; break;
                    case "--subset": subset = Positive(); break;
                    case "--test-subset": testSubset = Positive(); break;
                    case "--batch": batch = (int)Positive(); batchSet = true; break;
                    case "--threads": threads = (int)Positive(); break;
                    case "--seed": seed = Positive(); break;
                    case "--lr":
                        lr = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x > 0
                            ? x : throw new ArgumentException($"train: --lr needs a positive number, not '{args[i]}'\n{Usage}");
                        break;
                    case "--schedule":
                        schedule = Value() switch
                        {
                            "cosine" => LearningRateSchedule.Cosine,
                            "constant" => LearningRateSchedule.Constant,
                            var other => throw new ArgumentException($"train: --schedule is cosine or constant, not '{other}'\n{Usage}"),
                        };
                        break;
                    case "--flip": flip = true; break;
                    case "--no-flip": flip = false; break;
                    case "--out": output = Value(); break;
                    case "--resume": resume = true; break;
                    case "--plain": plain = true; break;
                    case "--networks":
                        foreach (var name in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            chosen.Add(Candidates.FirstOrDefault(c => c.Key.Equals(name, StringComparison.OrdinalIgnoreCase)
                                    || c.Summary.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                                ?? throw new ArgumentException($"train: no network '{name}'; choose from {string.Join(", ", Candidates.Select(c => c.Key))}"));
                        break;
                    case "--help": case "-h": Console.WriteLine(Usage); return 0;
                    default: Console.Error.WriteLine($"train: unknown option '{args[i]}'\n{Usage}"); return 2;
                }
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        if (quick)
        {
            if (!epochsSet) epochs = 3;
            if (!batchSet) batch = 64;
            subset ??= 15_000;
            testSubset ??= 2_000;
        }
        schedule ??= quick ? LearningRateSchedule.Constant : LearningRateSchedule.Cosine;
        flip ??= !quick;
        if (chosen.Count == 0) chosen.AddRange(Candidates);
        output ??= Path.Combine("Samples", "out", quick ? "train-quick" : "train");

        LabelledImages train, test;
        try
        {
            var (fullTrain, fullTest) = FashionMnist.Load(data);
            test = fullTest;
            if (subset is { } n && n < fullTrain.Count) { train = fullTrain.Take(n); fullTrain.Dispose(); }
            else train = fullTrain;
            if (testSubset is { } m && m < fullTest.Count) { test = fullTest.Take(m); fullTest.Dispose(); }
        }
        catch (DataSetNotFoundException e)
        {
            Console.Error.WriteLine($"train: {e.Message}");
            return 3;
        }

        torch.set_num_threads(threads);
        ITrainingView view = TrainingText.PlainWanted(plain) ? new PlainTrainingView(Console.Out) : new LiveTrainingView();
        var options = new TrainingOptions { Epochs = epochs, BatchSize = batch, LearningRate = lr, Schedule = schedule.Value, HorizontalFlip = flip.Value, Optimizer = OptimizerKind.Adam, Seed = seed, Resume = resume };
        view.Line($"Fashion-MNIST from {data ?? FashionMnist.DefaultDirectory}: {train.Name} {train.Count:N0} images, {test.Name} {test.Count:N0}; " +
            $"{epochs} epochs, batch {batch}, Adam lr {lr.ToString(CultureInfo.InvariantCulture)} {schedule.Value.ToString().ToLowerInvariant()}{(flip.Value ? ", flips" : "")}, seed {seed}, {threads} thread{(threads == 1 ? "" : "s")}; " +
            $"strided 1x1 workaround {(StridedConvWorkaround.Enabled ? "on" : "off")}");
        var runs = new List<NetworkRun>();
        long trainCount = train.Count, testCount = test.Count;
        var total = Stopwatch.StartNew();
        using (train)
        using (test)
        {
            foreach (var candidate in chosen)
            {
                string name = candidate.Summary.Name;
                view.Line($"{name}: {candidate.Summary.TotalParams:N0} parameters, {candidate.Summary.TotalMacs / 1e6:0.0} M mult-adds per image");
                var clock = Stopwatch.StartNew();
                using var net = Trainer.Seeded(seed, candidate.Create);
                using var trainer = new Trainer(net, options with { CheckpointDirectory = Path.Combine(output, "checkpoints", name) });
                view.Run(name, trainer, () => trainer.Fit(train, test));
                if (trainer.ResumedFrom > 0) view.Line($"{name}: resumed after epoch {trainer.ResumedFrom} from {trainer.Options.CheckpointDirectory}");
                runs.Add(new NetworkRun(name, candidate.Group, candidate.Summary.TotalParams, candidate.Summary.TotalMacs ?? 0,
                    trainer.History.ToList(), trainer.ResumedFrom, clock.Elapsed.TotalSeconds));
            }
        }
        view.Results(runs);
        string png = TrainingCurves.Save(Path.Combine(output, "fashion-mnist-curves.png"), runs,
            $"Fashion-MNIST: {runs.Max(r => r.Last.Epoch)} epochs x {trainCount:N0} images, test {testCount:N0}");
        string json = Path.Combine(output, "results.json");
        File.WriteAllText(json, JsonSerializer.Serialize(runs, new JsonSerializerOptions
        {
            WriteIndented = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        view.Line($"curves: {png}; numbers: {json}; total {TrainingText.Time(total.Elapsed)}");
        return 0;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetDsl.Training
{
    /// <summary>
    /// A training checkpoint: a folder with <see cref="ModelFile"/> (the model's state_dict in PyTorch's format,
    /// <see cref="WeightLoading.SaveWeights"/>: <c>model.load_state_dict(torch.load("model.pt"))</c> reads it),
    /// <see cref="OptimizerFile"/> (the optimizer's state as a flat PyTorch-format dictionary: <c>epoch</c>, and per
    /// parameter <c>i</c> in the optimizer's order Adam's <c>state.i.step</c>, <c>state.i.exp_avg</c>,
    /// <c>state.i.exp_avg_sq</c> (and <c>state.i.max_exp_avg_sq</c> with amsgrad) or SGD's <c>state.i.momentum_buffer</c>)
    /// and <see cref="HistoryFile"/> (the epochs' results, JSON). Together with the per-epoch seeds of
    /// <see cref="Trainer"/> this is everything the next epoch depends on, so a resumed run continues exactly.
    /// Each file is written next to its place and then moved over it, so a crash mid-write leaves the previous checkpoint.
    /// </summary>
    public static class TrainingCheckpoint
    {
        /// <summary>The weights file.</summary>
        public const string ModelFile = "model.pt";

        /// <summary>The optimizer's state.</summary>
        public const string OptimizerFile = "optimizer.pt";

        /// <summary>The epochs' results.</summary>
        public const string HistoryFile = "history.json";

        private static readonly JsonSerializerOptions Json = new()
        {
            WriteIndented = true,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };

        /// <summary>Whether <paramref name="directory"/> holds a complete checkpoint.</summary>
        public static bool Exists(string directory) =>
            new[] { ModelFile, OptimizerFile, HistoryFile }.All(f => File.Exists(Path.Combine(directory, f)));

        /// <summary>Writes the checkpoint after <paramref name="history"/>'s last epoch (the folder is created).</summary>
        public static void Save(string directory, nn.Module model, optim.Optimizer optimizer, IReadOnlyList<EpochResult> history)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            if (history is null || history.Count == 0) throw new ArgumentException("a checkpoint follows an epoch", nameof(history));
            Directory.CreateDirectory(directory);
            Replace(Path.Combine(directory, ModelFile), model.SaveWeights);
            using (var scope = torch.NewDisposeScope())
            {
                var state = OptimizerState(optimizer);
                state.Add("epoch", torch.tensor((long)history[^1].Epoch));
                Replace(Path.Combine(directory, OptimizerFile), path => PyTorchWeights.Save(state, path));
            }
            Replace(Path.Combine(directory, HistoryFile), path => File.WriteAllText(path, JsonSerializer.Serialize(history, Json)));
        }

        /// <summary>Loads the checkpoint into the model and the optimizer (built as when it was saved); returns its epoch.</summary>
        /// <exception cref="InvalidDataException">The files disagree with each other, or with the model or optimizer.</exception>
        public static int Load(string directory, nn.Module model, optim.Optimizer optimizer, out List<EpochResult> history)
        {
            if (model is null) throw new ArgumentNullException(nameof(model));
            string historyPath = Path.Combine(directory, HistoryFile);
            history = JsonSerializer.Deserialize<List<EpochResult>>(File.ReadAllText(historyPath), Json)
                ?? throw new InvalidDataException($"{historyPath}: no epochs");
            model.LoadWeights(Path.Combine(directory, ModelFile));
            string optimizerPath = Path.Combine(directory, OptimizerFile);
            var saved = WeightsFile.Read(optimizerPath);
            try
            {
                int epoch = saved.TryGetValue("epoch", out var e) ? (int)e.item<long>() : throw new InvalidDataException($"{optimizerPath}: no 'epoch' entry");
                if (history.Count != epoch || history.Select(h => h.Epoch).Where((h, i) => h != i + 1).Any())
                    throw new InvalidDataException($"{directory}: the optimizer's state is of epoch {epoch} but {HistoryFile} lists {history.Count} epochs");
                LoadOptimizerState(optimizer, saved, optimizerPath);
                return epoch;
            }
            finally { foreach (var t in saved.Values) t.Dispose(); }
        }

        private static Dictionary<string, Tensor> OptimizerState(optim.Optimizer optimizer)
        {
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            var states = States(optimizer);
            for (int i = 0; i < states.Count; i++)
            {
                switch (states[i])
                {
                    case Adam.State adam:
                        result.Add($"state.{i}.step", torch.tensor(adam.step));
                        Add(result, $"state.{i}.exp_avg", adam.exp_avg);
                        Add(result, $"state.{i}.exp_avg_sq", adam.exp_avg_sq);
                        Add(result, $"state.{i}.max_exp_avg_sq", adam.max_exp_avg_sq);
                        break;
                    case SGD.State sgd:
                        Add(result, $"state.{i}.momentum_buffer", sgd.momentum_buffer);
                        break;
                    default:
                        throw new NotSupportedException($"checkpoints hold Adam's and SGD's state, not {states[i].GetType().Name}'s");
                }
            }
            return result;
        }

        private static void LoadOptimizerState(optim.Optimizer optimizer, Dictionary<string, Tensor> saved, string name)
        {
            var states = States(optimizer);
            int expected = 1; // epoch
            using var noGrad = torch.no_grad();
            for (int i = 0; i < states.Count; i++)
            {
                switch (states[i])
                {
                    case Adam.State adam:
                        adam.step = saved.TryGetValue($"state.{i}.step", out var step) ? step.item<long>() : throw Missing(name, $"state.{i}.step");
                        adam.exp_avg = Copy(saved, $"state.{i}.exp_avg", adam.exp_avg, name, ref expected);
                        adam.exp_avg_sq = Copy(saved, $"state.{i}.exp_avg_sq", adam.exp_avg_sq, name, ref expected);
                        if (adam.max_exp_avg_sq is not null || saved.ContainsKey($"state.{i}.max_exp_avg_sq"))
                            adam.max_exp_avg_sq = Copy(saved, $"state.{i}.max_exp_avg_sq", adam.max_exp_avg_sq, name, ref expected);
                        expected++;
                        break;
                    case SGD.State sgd:
                        if (saved.ContainsKey($"state.{i}.momentum_buffer"))
                            sgd.momentum_buffer = Copy(saved, $"state.{i}.momentum_buffer", sgd.momentum_buffer, name, ref expected);
                        break;
                    default:
                        throw new NotSupportedException($"checkpoints hold Adam's and SGD's state, not {states[i].GetType().Name}'s");
                }
            }
            if (saved.Count != expected)
                throw new InvalidDataException($"{name}: {saved.Count} entries, but this optimizer's {states.Count} parameters take {expected}: " +
                    "a checkpoint of another network or optimizer?");
        }

        private static List<OptimizerState> States(optim.Optimizer optimizer) => optimizer switch
        {
            null => throw new ArgumentNullException(nameof(optimizer)),
            OptimizerHelper helper => helper.state_dict().State,
            _ => throw new NotSupportedException($"checkpoints hold TorchSharp's built-in optimizers' state, not {optimizer.GetType().Name}'s"),
        };

        private static void Add(Dictionary<string, Tensor> result, string key, Tensor? value)
        {
            if (value is not null) result.Add(key, value.detach());
        }

        private static Tensor Copy(Dictionary<string, Tensor> saved, string key, Tensor? into, string name, ref int expected)
        {
            if (!saved.TryGetValue(key, out var value)) throw Missing(name, key);
            expected++;
            if (into is null) return value.clone();
            if (!into.shape.SequenceEqual(value.shape))
                throw new InvalidDataException($"{name}: {key} is {TorchNames.Shape(value.shape)} but the optimizer's is {TorchNames.Shape(into.shape)}");
            into.copy_(value);
            return into;
        }

        private static InvalidDataException Missing(string name, string key) => new($"{name}: no '{key}' entry: a checkpoint of another network or optimizer?");

        private static void Replace(string path, Action<string> write)
        {
            string temporary = path + ".tmp";
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
    }
}

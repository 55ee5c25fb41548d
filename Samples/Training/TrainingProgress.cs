using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl.Training;
using Spectre.Console;

namespace NetDsl.Samples.Training;

/// <summary>One network's training run, as the results table and the curves read it.</summary>
public sealed record NetworkRun(string Name, string Group, long Parameters, long MultiplyAdds, IReadOnlyList<EpochResult> Epochs, int ResumedFrom, double Seconds)
{
    /// <summary>The last epoch's results.</summary>
    public EpochResult Last => Epochs[^1];
}

/// <summary>How <c>train</c> shows progress: a live Spectre.Console bar per epoch, or plain lines.</summary>
public interface ITrainingView
{
    /// <summary>Runs <paramref name="fit"/> (which calls <paramref name="trainer"/>'s Fit) while showing its progress.</summary>
    void Run(string network, Trainer trainer, Action fit);

    /// <summary>Prints a line of text.</summary>
    void Line(string text);

    /// <summary>Prints the results table.</summary>
    void Results(IReadOnlyList<NetworkRun> runs);
}

/// <summary>The numbers both views print, formatted once.</summary>
public static class TrainingText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>"loss 0.4123 acc 85.12% 2,345 img/s".</summary>
    public static string Batch(BatchProgress p) =>
        $"loss {p.Loss.ToString("0.0000", Inv)} acc {Percent(p.Accuracy)} {p.ImagesPerSecond.ToString("N0", Inv)} img/s";

    /// <summary>A time as m:ss (h:mm:ss past an hour).</summary>
    public static string Time(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", Inv) : t.ToString(@"m\:ss", Inv);

    /// <summary>"85.12%".</summary>
    public static string Percent(double fraction) => double.IsNaN(fraction) ? "-" : (100 * fraction).ToString("0.00", Inv) + "%";

    /// <summary>Mebibytes, "512.3 MiB".</summary>
    public static string MiB(long bytes) => (bytes / 1048576.0).ToString("0.0", Inv) + " MiB";

    /// <summary>The epoch summary line.</summary>
    public static string Epoch(string network, EpochResult e, int epochs) =>
        $"{network} epoch {e.Epoch}/{epochs}: train loss {e.TrainLoss.ToString("0.0000", Inv)} acc {Percent(e.TrainAccuracy)}, " +
        $"test loss {(double.IsNaN(e.TestLoss) ? "-" : e.TestLoss.ToString("0.0000", Inv))} acc {Percent(e.TestAccuracy)}, " +
        $"{e.ImagesPerSecond.ToString("N0", Inv)} img/s, {e.TrainSeconds.ToString("0.0", Inv)} s + eval {e.EvalSeconds.ToString("0.0", Inv)} s, RSS {MiB(e.ResidentBytes)}";

    /// <summary>The results table's columns and rows, as text cells.</summary>
    public static (string[] Header, List<string[]> Rows) Table(IReadOnlyList<NetworkRun> runs)
    {
        var header = new[] { "network", "params", "mult-adds", "epochs", "train acc", "test acc", "test loss", "img/s", "time", "RSS first→last epoch" };
        var rows = runs.Select(r => new[]
        {
            r.Name, r.Parameters.ToString("N0", Inv), (r.MultiplyAdds / 1e6).ToString("0.0", Inv) + " M", r.Last.Epoch.ToString(Inv),
            Percent(r.Last.TrainAccuracy), Percent(r.Last.TestAccuracy), r.Last.TestLoss.ToString("0.0000", Inv),
            r.Epochs.Skip(r.ResumedFrom).DefaultIfEmpty(r.Last).Average(e => e.ImagesPerSecond).ToString("N0", Inv),
            Time(TimeSpan.FromSeconds(r.Seconds)),
            $"{MiB(r.Epochs[0].ResidentBytes)} → {MiB(r.Last.ResidentBytes)}",
        }).ToList();
        return (header, rows);
    }

    /// <summary>Whether to print plain lines: output redirected, <c>CI=true</c>, or asked for.</summary>
    public static bool PlainWanted(bool asked) =>
        asked || Console.IsOutputRedirected || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Plain lines for logs and CI: <see cref="UpdatesPerEpoch"/> progress lines per epoch (batch, running loss and accuracy,
/// images/s, time left in the epoch), a line per epoch, and the results as an aligned text table.
/// </summary>
public sealed class PlainTrainingView : ITrainingView
{
    private readonly TextWriter writer;

    public PlainTrainingView(TextWriter writer, int updatesPerEpoch = 4)
    {
        this.writer = writer ?? throw new ArgumentNullException(nameof(writer));
        UpdatesPerEpoch = updatesPerEpoch > 0 ? updatesPerEpoch : throw new ArgumentOutOfRangeException(nameof(updatesPerEpoch));
    }

    /// <summary>Progress lines per epoch (the last batch always has one).</summary>
    public int UpdatesPerEpoch { get; }

    public void Run(string network, Trainer trainer, Action fit)
    {
        void Batch(BatchProgress p)
        {
            int every = Math.Max(1, (p.Batches + UpdatesPerEpoch - 1) / UpdatesPerEpoch);
            if (p.Batch % every != 0 && p.Batch != p.Batches) return;
            writer.WriteLine($"{network} epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches}: {TrainingText.Batch(p)}, {TrainingText.Time(p.Remaining)} left");
        }
        void Epoch(EpochResult e) => writer.WriteLine(TrainingText.Epoch(network, e, trainer.Options.Epochs));
        trainer.BatchEnded += Batch;
        trainer.EpochEnded += Epoch;
        try { fit(); }
        finally
        {
            trainer.BatchEnded -= Batch;
            trainer.EpochEnded -= Epoch;
        }
    }

    public void Line(string text) => writer.WriteLine(text);

    public void Results(IReadOnlyList<NetworkRun> runs)
    {
        var (header, rows) = TrainingText.Table(runs);
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Row(string[] cells) => string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
        writer.WriteLine(Row(header));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows) writer.WriteLine(Row(row));
    }
}

/// <summary>A live Spectre.Console progress bar per epoch (loss, accuracy, images/s in the description; percentage,
/// time left and elapsed in the columns), the epoch lines above it, and a Spectre table of the results.</summary>
public sealed class LiveTrainingView : ITrainingView
{
    public void Run(string network, Trainer trainer, Action fit)
    {
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                string Title(int epoch) => Markup.Escape($"{network} {epoch}/{trainer.Options.Epochs}");
                void Starting(int epoch, int batches) => task = context.AddTask(Title(epoch), maxValue: batches);
                void Batch(BatchProgress p)
                {
                    if (task is null) return;
                    task.Value = p.Batch;
                    task.Description = $"{Title(p.Epoch)} [grey]{Markup.Escape(TrainingText.Batch(p))}[/]";
                }
                void Epoch(EpochResult e)
                {
                    if (task is null) return;
                    task.Description = $"{Title(e.Epoch)} [green]test acc {Markup.Escape(TrainingText.Percent(e.TestAccuracy))}[/] " +
                        $"[grey]train {Markup.Escape(TrainingText.Percent(e.TrainAccuracy))}, {e.ImagesPerSecond:N0} img/s, RSS {TrainingText.MiB(e.ResidentBytes)}[/]";
                    task.StopTask();
                }
                trainer.EpochStarting += Starting;
                trainer.BatchEnded += Batch;
                trainer.EpochEnded += Epoch;
                try { fit(); }
                finally
                {
                    trainer.EpochStarting -= Starting;
                    trainer.BatchEnded -= Batch;
                    trainer.EpochEnded -= Epoch;
                }
            });
    }

    public void Line(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));

    public void Results(IReadOnlyList<NetworkRun> runs)
    {
        var (header, rows) = TrainingText.Table(runs);
        var table = new Table().Border(TableBorder.Rounded).Title("Fashion-MNIST");
        for (int i = 0; i < header.Length; i++)
        {
            var column = new TableColumn(Markup.Escape(header[i]));
            if (i > 0) column.RightAligned();
            table.AddColumn(column);
        }
        foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }
}

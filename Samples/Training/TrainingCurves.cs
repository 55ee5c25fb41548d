using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace NetDsl.Samples.Training;

/// <summary>
/// The curves PNG (ScottPlot): a row per compared pair (MobileNetV1 vs Oct-MobileNetV1, ResNet vs Oct-ResNet), loss on
/// the left and accuracy on the right, by epoch; each network one colour, its test curve solid with markers and its
/// train curve (the epoch's running average while the weights moved) dashed.
/// </summary>
public static class TrainingCurves
{
    private static readonly Color[] PlainColours = { Colors.RoyalBlue, Colors.SeaGreen };
    private static readonly Color[] OctaveColours = { Colors.OrangeRed, Colors.DarkViolet };

    /// <summary>Writes the PNG (the folder is created) and returns its path.</summary>
    public static string Save(string path, IReadOnlyList<NetworkRun> runs, string title)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to plot", nameof(runs));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var groups = runs.GroupBy(r => r.Group).ToList();
        var multiplot = new Multiplot();
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(groups.Count, 2);
        int maxEpoch = runs.Max(r => r.Last.Epoch);
        while (multiplot.Count() < 2 * groups.Count) multiplot.AddPlot(); // a new Multiplot holds one plot already
        int next = 0;
        foreach (var group in groups)
        {
            var loss = multiplot.GetPlot(next++);
            var accuracy = multiplot.GetPlot(next++);
            int plain = 0, octaves = 0;
            foreach (var run in group)
            {
                bool octave = run.Name.Contains("Oct", StringComparison.Ordinal);
                var c = octave ? OctaveColours[octaves++ % 2] : PlainColours[plain++ % 2];
                double[] x = run.Epochs.Select(e => (double)e.Epoch).ToArray();
                Line(loss, x, run.Epochs.Select(e => e.TestLoss).ToArray(), c, $"{run.Name} test", dashed: false);
                Line(loss, x, run.Epochs.Select(e => e.TrainLoss).ToArray(), c, $"{run.Name} train", dashed: true);
                Line(accuracy, x, run.Epochs.Select(e => 100 * e.TestAccuracy).ToArray(), c, $"{run.Name} test", dashed: false);
                Line(accuracy, x, run.Epochs.Select(e => 100 * e.TrainAccuracy).ToArray(), c, $"{run.Name} train", dashed: true);
            }
            loss.Title($"{group.Key}: cross-entropy");
            loss.YLabel("loss");
            accuracy.Title($"{group.Key}: accuracy");
            accuracy.YLabel("accuracy (%)");
            foreach (var plot in new[] { loss, accuracy })
            {
                plot.XLabel("epoch");
                plot.Axes.SetLimitsX(0.8, maxEpoch + 0.2);
                plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(Math.Max(1, maxEpoch / 10));
                plot.Legend.IsVisible = true;
                plot.Legend.FontSize = 11;
            }
            loss.Legend.Alignment = Alignment.UpperRight;
            accuracy.Legend.Alignment = Alignment.LowerRight;
        }
        multiplot.GetPlot(0).Title($"{title}\n{groups[0].Key}: cross-entropy");
        multiplot.GetPlot(1).Title($"(solid: test set, dashed: training epoch)\n{groups[0].Key}: accuracy");
        multiplot.SavePng(path, 1400, 520 * groups.Count);
        return path;
    }

    private static void Line(Plot plot, double[] x, double[] y, Color colour, string label, bool dashed)
    {
        var line = plot.Add.Scatter(x, y, colour);
        line.LegendText = label;
        line.LineWidth = 2;
        line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        line.MarkerSize = dashed ? 0 : 7;
    }
}

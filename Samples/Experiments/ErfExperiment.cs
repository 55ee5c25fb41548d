using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl.Samples.Imaging;
using NetDsl.Samples.Networks;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Experiments;

/// <summary>
/// Seed 001's picture (the WTConv paper's Figure 1, BGU-CS-VIL/WTConv's <c>erf.py</c>): the effective receptive field of
/// WTConvNeXt-T against ConvNeXt-T. For each input, the sum over channels of ReLU of the feature map's centre pixel is
/// differentiated with respect to the input; ReLU of that gradient, summed over the batch and the input channels, is
/// averaged over the inputs; the picture shows log10(1 + ERF) scaled to its maximum, in matplotlib's coolwarm, with the
/// smallest centred square holding 20 / 30 / 50 / 99 % of the score (erf.py's "high-contribution area ratio") and the
/// compile-time receptive field of the same stage from the generated summary.
/// </summary>
public static class ErfExperiment
{
    /// <summary>One network of the comparison: its name, how to build it, its summary, and the module path of each stage.</summary>
    public sealed record Subject(string Name, Func<nn.Module<Tensor, Tensor>> Create, NetworkSummary Summary, string[] StagePaths);

    public static readonly Subject[] Subjects =
    {
        new("ConvNeXt-T", () => new ConvNeXtTiny(), ConvNeXtTiny.Summary, new[] { "features.1", "features.3", "features.5", "features.7" }),
        new("WTConvNeXt-T", () => new WTConvNeXtTiny(), WTConvNeXtTiny.Summary, new[] { "stages.0", "stages.1", "stages.2", "stages.3" }),
    };

    /// <summary>The thresholds of erf.py's high-contribution area ratio.</summary>
    public static readonly double[] Thresholds = { 0.2, 0.3, 0.5, 0.99 };

    /// <summary>What one network's ERF came to.</summary>
    public sealed record Result(string Name, string StagePath, string StageShape, double? CompileTimeRf, float[] Erf, int Size, int?[] Sides);

    /// <summary>
    /// Runs <paramref name="module"/> on <paramref name="x"/> up to (and including) the stage at <paramref name="path"/>
    /// ("features.5": the network's stage <c>features</c>, then its sixth stage, by name or by position), stage by stage
    /// through <see cref="IStagedModule.Stages"/>.
    /// </summary>
    public static Tensor RunTo(nn.Module module, string path, Tensor x)
    {
        var segments = path.Split('.');
        var current = module;
        for (int depth = 0; depth < segments.Length; depth++)
        {
            var stages = (current as IStagedModule)?.Stages
                ?? throw new ArgumentException($"{current.GetName()} has no stages to walk for '{path}'", nameof(path));
            int target = -1;
            for (int i = 0; i < stages.Count && target < 0; i++)
                if (stages[i].Name == segments[depth] || i.ToString(CultureInfo.InvariantCulture) == segments[depth]) target = i;
            if (target < 0) throw new ArgumentException($"no stage '{segments[depth]}' on the way to '{path}'", nameof(path));
            for (int i = 0; i < target; i++) x = Call(stages[i], x);
            if (depth == segments.Length - 1) return Call(stages[target], x);
            current = stages[target].Module ?? throw new ArgumentException($"stage '{segments[depth]}' has no module", nameof(path));
        }
        return x;
    }

    private static Tensor Call(Stage stage, Tensor x) =>
        stage.Module is nn.Module<Tensor, Tensor> m ? m.call(x)
            : throw new InvalidOperationException($"stage {stage.Name} is not a plain Tensor -> Tensor module (a skip or a tap); run the network whole instead");

    /// <summary>
    /// The ERF of <paramref name="features"/> (input [1, C, size, size] -> feature map [1, C', h, w]) as erf.py computes
    /// it, averaged over <paramref name="count"/> standard normal inputs drawn from <paramref name="seed"/>: row-major
    /// size x size, not yet log-scaled.
    /// </summary>
    public static float[] Compute(Func<Tensor, Tensor> features, int channels, int size, int count, int seed = 0)
    {
        var generator = new torch.Generator((ulong)seed);
        var sum = zeros(size, size, ScalarType.Float64);
        for (int i = 0; i < count; i++)
        {
            using var scope = torch.NewDisposeScope();
            var x = randn(new long[] { 1, channels, size, size }, generator: generator).requires_grad_(true);
            var y = features(x);
            long h = y.shape[2], w = y.shape[3];
            var centre = nn.functional.relu(y[.., .., h / 2, w / 2]).sum();
            centre.backward();
            var grad = nn.functional.relu(x.grad!).sum(new long[] { 0, 1 }).to(ScalarType.Float64);
            sum.add_(grad);
        }
        var mean = (sum / count).to(ScalarType.Float32).contiguous();
        var values = mean.data<float>().ToArray();
        sum.Dispose();
        mean.Dispose();
        return values;
    }

    /// <summary>erf.py's display scale: log10(1 + erf), divided by its maximum (all zeros stay zeros).</summary>
    public static float[] LogScale(float[] erf)
    {
        var logs = erf.Select(v => (float)Math.Log10(1 + Math.Max(0, v))).ToArray();
        float max = logs.Max();
        return max > 0 ? logs.Select(v => v / max).ToArray() : logs;
    }

    /// <summary>
    /// erf.py's <c>get_rectangle</c>: the side of the smallest centred square (side 3, 5, ...) whose share of the total
    /// exceeds <paramref name="threshold"/>, or null when none below half the size does.
    /// </summary>
    public static int? HighContributionSide(float[] data, int size, double threshold)
    {
        double total = data.Sum(v => (double)v);
        if (total <= 0) return null;
        int c = size / 2;
        for (int i = 1; i < size / 2; i++)
        {
            double area = 0;
            for (int y = c - i; y <= c + i; y++)
            for (int x = c - i; x <= c + i; x++)
                area += data[y * size + x];
            if (area / total > threshold) return 2 * i + 1;
        }
        return null;
    }

    /// <summary>The rows and columns where the ERF is not zero: (top, left, height, width), or null when it is zero everywhere.</summary>
    public static (int Top, int Left, int Height, int Width)? Support(float[] erf, int size, float epsilon = 0)
    {
        int top = size, left = size, bottom = -1, right = -1;
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            if (erf[y * size + x] <= epsilon) continue;
            top = Math.Min(top, y); bottom = Math.Max(bottom, y);
            left = Math.Min(left, x); right = Math.Max(right, x);
        }
        return bottom < 0 ? null : (top, left, bottom - top + 1, right - left + 1);
    }

    /// <summary>
    /// Sets every layer scale (ConvNeXt's <c>layer_scale</c>, WTConvNeXt's <c>gamma</c>, initialised to 1e-6) to 1: at
    /// its initial value each residual block adds almost nothing, and both networks' ERFs would be that of the stem and the
    /// downsampling convs alone. Training grows these scales; 1 stands in for a trained network's.
    /// </summary>
    public static int OpenLayerScales(nn.Module module)
    {
        int opened = 0;
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            var last = name.Substring(name.LastIndexOf('.') + 1);
            if (last != "layer_scale" && last != "gamma") continue;
            parameter.fill_(1.0);
            opened++;
        }
        return opened;
    }

    /// <summary>Runs the comparison: <paramref name="stage"/> 1..4, <paramref name="count"/> random inputs of <paramref name="size"/> x <paramref name="size"/>.</summary>
    public static IReadOnlyList<Result> Run(string outputDirectory, int stage = 4, int size = 160, int count = 4)
    {
        if (stage < 1 || stage > 4) throw new ArgumentOutOfRangeException(nameof(stage), "stage is 1..4");
        torch.manual_seed(0);
        var results = new List<Result>();
        Console.WriteLine($"ERF of stage {stage}'s centre pixel, {count} standard normal inputs of 3x{size}x{size}, random weights (torchvision's / timm's init, layer scales set to 1):");
        foreach (var subject in Subjects)
        {
            using var net = subject.Create();
            net.eval();
            foreach (var p in net.parameters()) p.requires_grad_(false); // only the input's gradient is needed
            int opened = OpenLayerScales(net);
            string path = subject.StagePaths[stage - 1];
            var row = subject.Summary[path];
            var watch = Stopwatch.StartNew();
            var erf = Compute(x => RunTo(net, path, x), 3, size, count);
            watch.Stop();
            var scaled = LogScale(erf);
            float max = erf.Max();
            var sides = Thresholds.Select(t => HighContributionSide(scaled, size, t)).ToArray();
            results.Add(new Result(subject.Name, path, row.OutputShape, row.ReceptiveField, scaled, size, sides));
            Console.WriteLine($"  {subject.Name,-13} {path} {row.OutputShape}: compile-time RF {Rf(row.ReceptiveField)} px; " +
                $"squares holding {string.Join(" / ", Thresholds.Select(t => $"{t * 100:0}%"))}: {string.Join(" / ", sides.Select(s => s?.ToString(CultureInfo.InvariantCulture) ?? ">" + size))} px " +
                $"(largest score {max.ToString("G3", CultureInfo.InvariantCulture)}; {opened} layer scales set to 1; {watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
        }
        var file = Path.Combine(outputDirectory, "erf_wtconvnext_vs_convnext.png");
        Write(file, results, stage, count);
        Console.WriteLine($"Heat maps: {file}");
        return results;
    }

    /// <summary>The figure: one heat map per network, titled with the stage and the compile-time receptive field, the 20 % and 50 % squares outlined (dashed).</summary>
    public static void Write(string path, IReadOnlyList<Result> results, int stage, int count)
    {
        int size = results[0].Size;
        int zoom = Math.Max(1, (400 + size - 1) / size); // panels of at least 400 px, whole pixels
        var panels = results.Select(r => new Panel(
            r.Name,
            Picture.Enlarge(Picture.FromValues(r.Erf, size, size, Picture.CoolWarm), zoom),
            $"stage {stage} ({r.StagePath}, {ShortShape(r.StageShape)}): compile-time RF {Rf(r.CompileTimeRf)} px\n" +
            $"20% / 50% of the score within the dashed {Side(r.Sides[0], size)} / {Side(r.Sides[2], size)} px squares")).ToList();
        Picture.WriteRow(path, panels,
            $"Effective receptive field (erf.py): log10(1 + score) / max over {count} random {size}x{size} input{(count == 1 ? "" : "s")}; random weights, layer scales 1",
            (canvas, layout, pw, ph) =>
            {
                using var outline = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true, PathEffect = SKPathEffect.CreateDash(new[] { 6f, 4f }, 0) };
                for (int i = 0; i < results.Count; i++)
                {
                    var (x0, y0) = layout.Origin(i, pw);
                    foreach (var side in new[] { results[i].Sides[0], results[i].Sides[2] })
                    {
                        if (side is not int s) continue;
                        float half = s * zoom / 2f, cx = x0 + pw / 2f + zoom / 2f, cy = y0 + ph / 2f + zoom / 2f;
                        canvas.DrawRect(cx - half, cy - half, 2 * half, 2 * half, outline);
                    }
                }
            });
        foreach (var panel in panels) panel.Image.Dispose();
    }

    private static string Side(int? side, int size) => side?.ToString(CultureInfo.InvariantCulture) ?? $">{size}";

    private static string ShortShape(string shape) => shape.Replace("N, ", "");

    private static string Rf(double? rf) => rf is null ? "global" : rf.Value.ToString("0.##", CultureInfo.InvariantCulture);
}

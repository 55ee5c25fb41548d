using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetDsl.Samples.Imaging;
using NetDsl.Samples.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Experiments;

/// <summary>
/// Seed 000's experiment on a synthetic crack image: the DeeperCNN with each of the four downsamplers, the
/// outputs written side by side as a PNG, and for each variant how much of the input survives downsampling:
/// the best linear reconstruction of every s x s input patch from the features at its position (1 - R^2).
/// </summary>
public static class CrackExperiment
{
    public const int Size = 128;

    /// <summary>A textured background with thin dark crack-like lines (deterministic, no download).</summary>
    public static Tensor SyntheticCrackImage(int seed = 7)
    {
        var rng = new Random(seed);
        var pixels = new float[Size * Size];
        // Smooth texture: a few low-frequency waves plus mild noise.
        for (int y = 0; y < Size; y++)
        for (int x = 0; x < Size; x++)
            pixels[y * Size + x] = 0.65f + 0.08f * MathF.Sin(x * 0.11f) * MathF.Cos(y * 0.07f) + 0.05f * (float)(rng.NextDouble() - 0.5);
        // Cracks: random walks one pixel wide, darker than the background.
        for (int crack = 0; crack < 4; crack++)
        {
            double px = rng.Next(Size), py = 0, angle = Math.PI / 2 + (rng.NextDouble() - 0.5);
            for (int step = 0; step < 400 && py >= 0 && py < Size && px >= 0 && px < Size; step++)
            {
                pixels[(int)py * Size + (int)px] = 0.1f;
                angle += (rng.NextDouble() - 0.5) * 0.5;
                px += Math.Cos(angle) * 0.7;
                py += Math.Sin(angle) * 0.7;
            }
        }
        return tensor(pixels, new long[] { 1, 1, Size, Size });
    }

    private sealed record Variant(string Name, Func<nn.Module<Tensor, Tensor>> Create, NetworkSummary Summary);

    private static readonly Variant[] Variants =
    {
        new("MaxPool", () => new DeeperCnnMaxPool(), DeeperCnnMaxPool.Summary),
        new("AvgPool", () => new DeeperCnnAvgPool(), DeeperCnnAvgPool.Summary),
        new("StridedConv", () => new DeeperCnnStridedConv(), DeeperCnnStridedConv.Summary),
        new("Hwd", () => new DeeperCnnHwd(), DeeperCnnHwd.Summary),
    };

    /// <summary>Runs the experiment; returns (variant, unexplained variance after down1, after down2) and writes the PNG.</summary>
    public static IReadOnlyList<(string Name, double Down1, double Down2)> Run(string outputDirectory)
    {
        torch.manual_seed(0);
        var image = SyntheticCrackImage();
        var panels = new List<Tensor> { image[0, 0] };
        var results = new List<(string, double, double)>();
        using var noGrad = torch.no_grad();
        Console.WriteLine("| downsampler | params | mult-adds | unexplained input variance after down1 (2x2) | after down2 (4x4) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var variant in Variants)
        {
            using var net = variant.Create();
            net.eval();
            var stages = ((IStagedModule)net).Stages;
            // Run stage by stage to keep the downsamplers' outputs.
            var x = image;
            Tensor? down1 = null, down2 = null;
            foreach (var stage in stages)
            {
                x = ((nn.Module<Tensor, Tensor>)stage.Module!).call(x);
                if (stage.Name == "down1") down1 = x;
                if (stage.Name == "down2") down2 = x;
            }
            double u1 = Unexplained(image, down1!, 2);
            double u2 = Unexplained(image, down2!, 4);
            results.Add((variant.Name, u1, u2));
            panels.Add(Upscale(Normalize(x[0, 0]), Size / (int)x.shape[2]));
            Console.WriteLine($"| {variant.Name} | {variant.Summary.TotalParams:N0} | {variant.Summary.TotalMacs:N0} | {u1.ToString("0.000", CultureInfo.InvariantCulture)} | {u2.ToString("0.000", CultureInfo.InvariantCulture)} |");
        }
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, "crack_downsamplers.png");
        WriteSideBySide(path, panels);
        Console.WriteLine($"Input and the four outputs (untrained weights) side by side: {path}");
        return results;
    }

    /// <summary>
    /// Fraction of the input's variance that the best affine map from the features at each position cannot
    /// reconstruct (1 - R^2), for the s x s input patch under each feature position.
    /// </summary>
    public static double Unexplained(Tensor image, Tensor features, int s)
    {
        long c = features.shape[1], h = features.shape[2], w = features.shape[3];
        var patches = image[.., .., ..(int)(h * s), ..(int)(w * s)]
            .reshape(1, h, s, w, s).permute(0, 1, 3, 2, 4).reshape(h * w, s * s).to(ScalarType.Float64);
        var design = cat(new[] { features[0].permute(1, 2, 0).reshape(h * w, c).to(ScalarType.Float64), ones(h * w, 1, ScalarType.Float64) }, 1);
        // Least squares through the normal equations with a tiny ridge: ReLU features can be exactly zero
        // (rank-deficient columns), which a plain QR-based solve does not tolerate.
        var gram = design.T.matmul(design);
        var ridge = eye(gram.shape[0], dtype: ScalarType.Float64) * (1e-9 * gram.diagonal().mean().item<double>() + 1e-12);
        var solution = linalg.solve(gram + ridge, design.T.matmul(patches));
        var residual = patches - design.matmul(solution);
        var centered = patches - patches.mean(new long[] { 0 }, keepdim: true);
        return residual.pow(2).sum().item<double>() / centered.pow(2).sum().item<double>();
    }

    private static Tensor Normalize(Tensor t)
    {
        var min = t.min();
        var max = t.max();
        return (t - min) / (max - min + 1e-8);
    }

    private static Tensor Upscale(Tensor t, int factor) =>
        t.repeat_interleave(factor, 0).repeat_interleave(factor, 1);

    private static void WriteSideBySide(string path, List<Tensor> panels)
    {
        const int gap = 4;
        int width = panels.Count * Size + (panels.Count - 1) * gap;
        var pixels = Enumerable.Repeat((byte)255, width * Size).ToArray();
        for (int p = 0; p < panels.Count; p++)
        {
            var values = panels[p].contiguous().to(ScalarType.Float32).data<float>().ToArray();
            for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                pixels[y * width + p * (Size + gap) + x] = (byte)Math.Clamp(MathF.Round(values[y * Size + x] * 255f), 0, 255);
        }
        Png.WriteGrey(path, pixels, width, Size);
    }
}

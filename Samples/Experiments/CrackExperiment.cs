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
/// outputs written side by side as a PNG (the input first, a title on each panel, as the seed's figure), and for each variant how much of the input survives downsampling:
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

    /// <summary>How much each panel of the PNG is enlarged (nearest neighbour) so its title fits above it.</summary>
    public const int Zoom = 2;

    /// <summary>The panels' titles, the input's first, as the seed's matplotlib figure has them.</summary>
    public static readonly string[] Titles = { "Input", "MaxPool", "AvgPool", "Strided conv", "HWD (Haar)" };

    /// <summary>Runs the experiment; returns (variant, unexplained variance after down1, after down2) and writes the PNG.</summary>
    public static IReadOnlyList<(string Name, double Down1, double Down2)> Run(string outputDirectory)
    {
        torch.manual_seed(0);
        var image = SyntheticCrackImage();
        var panels = new List<Panel> { new(Titles[0], Bitmap(image[0, 0], Zoom), $"synthetic crack, {Size}x{Size}") };
        var results = new List<(string, double, double)>();
        using var noGrad = torch.no_grad();
        Console.WriteLine("| downsampler | params | mult-adds | unexplained input variance after down1 (2x2) | after down2 (4x4) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (variant, index) in Variants.Select((v, i) => (v, i)))
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
            panels.Add(new(Titles[index + 1], Bitmap(Normalize(x[0, 0]), Zoom * Size / (int)x.shape[2]),
                $"output {x.shape[2]}x{x.shape[3]}, 1 - R² of 4x4 patches {u2.ToString("0.00", CultureInfo.InvariantCulture)}"));
            Console.WriteLine($"| {variant.Name} | {variant.Summary.TotalParams:N0} | {variant.Summary.TotalMacs:N0} | {u1.ToString("0.000", CultureInfo.InvariantCulture)} | {u2.ToString("0.000", CultureInfo.InvariantCulture)} |");
        }
        var path = Path.Combine(outputDirectory, "crack_downsamplers.png");
        Picture.WriteRow(path, panels, "Seed 000: DeeperCNN with four downsamplers on a crack image (untrained weights, output min-max scaled)");
        foreach (var panel in panels) panel.Image.Dispose();
        Console.WriteLine($"Input and the four outputs (untrained weights), titled, side by side: {path}");
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

    /// <summary>A grey picture of a 2-D tensor with values in 0..1, enlarged <paramref name="factor"/> times.</summary>
    private static SkiaSharp.SKBitmap Bitmap(Tensor t, int factor)
    {
        var values = t.contiguous().to(ScalarType.Float32).data<float>().ToArray();
        var grey = Picture.Grey(values, (int)t.shape[1], (int)t.shape[0]);
        if (factor == 1) return grey;
        using (grey) return Picture.Enlarge(grey, factor);
    }
}

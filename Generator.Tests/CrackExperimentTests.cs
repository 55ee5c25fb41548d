using System;
using System.IO;
using System.Linq;
using NetDsl.Samples.Experiments;
using NetDsl.Samples.Imaging;
using SkiaSharp;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>Seed 000's experiment: the recoverability metric and the titled PNG it writes (through SkiaSharp).</summary>
public class CrackExperimentTests
{
    [Fact]
    public void Recoverability_metric_is_zero_for_the_invertible_haar_transform_and_not_for_pooling()
    {
        using var scope = torch.NewDisposeScope();
        var image = CrackExperiment.SyntheticCrackImage();
        // The four Haar bands are an invertible linear map of each 2x2 patch: everything is recoverable.
        var bands = NetDsl.Wavelets.Haar.Forward(image, NetDsl.Wavelets.BandLayout.BandMajor);
        Assert.True(CrackExperiment.Unexplained(image, bands, 2) < 1e-9);
        // One number per patch cannot hold four: max and average pooling lose most of the detail variance.
        var max = nn.functional.max_pool2d(image, 2);
        var avg = nn.functional.avg_pool2d(image, 2);
        double lostByMax = CrackExperiment.Unexplained(image, max, 2);
        double lostByAvg = CrackExperiment.Unexplained(image, avg, 2);
        Assert.InRange(lostByMax, 0.05, 1.0);
        Assert.InRange(lostByAvg, 0.05, 1.0);
        // The LL band alone is the average pool (times 2): the same information.
        Assert.Equal(lostByAvg, CrackExperiment.Unexplained(image, bands[.., ..1], 2), 6);
    }

    [Fact]
    public void Experiment_runs_the_four_variants_and_writes_a_png()
    {
        var dir = Path.Combine(Path.GetTempPath(), "netdsl-crack-" + Guid.NewGuid().ToString("N"));
        try
        {
            var results = CrackExperiment.Run(dir);
            Assert.Equal(new[] { "MaxPool", "AvgPool", "StridedConv", "Hwd" }, results.Select(r => r.Name));
            Assert.All(results, r => Assert.InRange(r.Down1, 0.0, 1.0));
            Assert.All(results, r => Assert.InRange(r.Down2, 0.0, 1.0));
            var path = Path.Combine(dir, "crack_downsamplers.png");
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes.Take(8));
            // Five panels (the input and four outputs), each enlarged CrackExperiment.Zoom times, with a title band.
            using var png = SKBitmap.Decode(path);
            var layout = Picture.Layout.Default with { CaptionHeight = 30 };
            int panel = CrackExperiment.Size * CrackExperiment.Zoom;
            Assert.Equal(layout.Size(5, panel, panel), (png.Width, png.Height));
            // The first panel is the input image itself, pixel for pixel (grey levels, enlarged).
            var image = CrackExperiment.SyntheticCrackImage()[0, 0].data<float>().ToArray();
            var (x0, y0) = layout.Origin(0, panel);
            foreach (var (x, y) in new[] { (0, 0), (5, 17), (64, 64), (127, 100) })
            {
                byte expected = (byte)Math.Clamp(MathF.Round(image[y * CrackExperiment.Size + x] * 255f), 0, 255);
                var pixel = png.GetPixel(x0 + x * CrackExperiment.Zoom + 1, y0 + y * CrackExperiment.Zoom + 1);
                Assert.Equal((expected, expected, expected), (pixel.Red, pixel.Green, pixel.Blue));
            }
            // The title band holds text: dark pixels above every panel, none inside the margins' white.
            for (int p = 0; p < 5; p++)
            {
                var (px, py) = layout.Origin(p, panel);
                int dark = 0;
                for (int y = py - layout.TitleHeight; y < py - 2; y++)
                for (int x = px; x < px + panel; x++)
                    if (png.GetPixel(x, y).Red < 128) dark++;
                Assert.True(dark > 30, $"panel {p} has no title ({dark} dark pixels)");
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Grey_png_round_trips_through_skiasharp()
    {
        var path = Path.Combine(Path.GetTempPath(), "netdsl-grey-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            var values = Enumerable.Range(0, 7 * 5).Select(i => i / 34f).ToArray();
            using (var bitmap = Picture.Grey(values, 7, 5)) Picture.Save(bitmap, path);
            using var back = SKBitmap.Decode(path);
            Assert.Equal((7, 5), (back.Width, back.Height));
            for (int i = 0; i < values.Length; i++)
                Assert.Equal((byte)MathF.Round(values[i] * 255f), back.GetPixel(i % 7, i / 7).Red);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

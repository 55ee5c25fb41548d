using System;
using System.IO;
using System.Linq;
using NetDsl.Samples.Experiments;
using NetDsl.Samples.Imaging;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests;

/// <summary>Seed 000's experiment: the recoverability metric and the PNG it writes.</summary>
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
            var bytes = File.ReadAllBytes(Path.Combine(dir, "crack_downsamplers.png"));
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes.Take(8));
            // IHDR: five 128-pixel panels with 4-pixel gaps, 128 rows.
            int width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
            int height = (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23];
            Assert.Equal(5 * 128 + 4 * 4, width);
            Assert.Equal(128, height);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Png_crc_matches_the_published_check_value()
    {
        // CRC-32 of "123456789" is 0xCBF43926 (the standard check value).
        uint crc = Png.Crc32(System.Text.Encoding.ASCII.GetBytes("123456789"), 0xFFFFFFFFu) ^ 0xFFFFFFFFu;
        Assert.Equal(0xCBF43926u, crc);
    }
}

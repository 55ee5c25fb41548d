using NetDsl.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Generator.Tests.Training;

/// <summary>Synthetic 1x8x8 images in 3 classes (a horizontal bar, a vertical bar, a diagonal, each at a random place) with
/// noise: learnable in a few epochs by <see cref="NetDsl.Samples.Training.TinyClassifier"/>.</summary>
internal static class Synthetic
{
    public static LabelledImages Bars(int count, int seed)
    {
        var random = new System.Random(seed);
        var pixels = new float[count * 64];
        var labels = new long[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % 3, at = random.Next(1, 7);
            labels[n] = label;
            for (int i = 0; i < 64; i++) pixels[n * 64 + i] = (float)(0.3 * (random.NextDouble() - 0.5));
            for (int k = 0; k < 8; k++)
            {
                int row = label switch { 0 => at, 1 => k, _ => k }, col = label switch { 0 => k, 1 => at, _ => (k + at) % 8 };
                pixels[n * 64 + row * 8 + col] += 1f;
            }
        }
        return new LabelledImages(torch.tensor(pixels, new long[] { count, 1, 8, 8 }), torch.tensor(labels), "bars");
    }
}

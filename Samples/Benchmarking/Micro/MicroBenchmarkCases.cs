using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using NetDsl.Downsampling;
using NetDsl.Wavelets;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Benchmarking.Micro;

/// <summary>
/// Shared by the BenchmarkDotNet cases: a fixed seed and thread count, the input built from a "8x64x128x128" shape
/// parameter, and <see cref="AssertSame"/>, which every case's setup calls so that a case never times two computations
/// that disagree.
/// </summary>
public abstract class TorchMicroBenchmark
{
    /// <summary>Parses "8x64x128x128" into its dimensions.</summary>
    public static long[] Dims(string shape) =>
        shape.Split('x').Select(s => long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A seeded standard-normal tensor of <paramref name="shape"/>.</summary>
    protected static Tensor Input(string shape, int seed = 0)
    {
        torch.manual_seed(seed);
        return torch.randn(Dims(shape));
    }

    /// <summary>
    /// Throws when <paramref name="a"/> and <paramref name="b"/> differ in shape or by more than <paramref name="tolerance"/>
    /// anywhere (both are disposed).
    /// </summary>
    public static void AssertSame(string what, Tensor a, Tensor b, double tolerance = 1e-5)
    {
        using (a)
        using (b)
        {
            if (!a.shape.SequenceEqual(b.shape))
                throw new InvalidOperationException($"{what}: shapes differ, [{string.Join(", ", a.shape)}] against [{string.Join(", ", b.shape)}].");
            double diff = (a - b).abs().max().ToDouble();
            if (!(diff <= tolerance))
                throw new InvalidOperationException($"{what}: the compared computations differ by {diff:g3} (tolerance {tolerance:g3}).");
        }
    }
}

/// <summary>The Haar DWT forward against a plain copy (the memory floor, the baseline) and WTConv's grouped conv2d.</summary>
[BenchmarkCategory("Haar")]
public class HaarForwardBenchmark : TorchMicroBenchmark
{
    [Params("8x64x128x128", "2x32x64x64")]
    public string Shape { get; set; } = "8x64x128x128";

    private Tensor _x = null!, _dec = null!, _rec = null!;

    [GlobalSetup]
    public void Setup()
    {
        _x = Input(Shape);
        (_dec, _rec) = WTConv2d.CreateFilters(Wavelet.Get("haar"), _x.shape[1]);
        AssertSame("Haar.Forward against the grouped conv2d",
            Haar.Forward(_x).reshape(_x.shape[0], 4 * _x.shape[1], _x.shape[2] / 2, _x.shape[3] / 2),
            OfficialWTConv2d.WaveletTransform(_x, _dec, 0).reshape(_x.shape[0], 4 * _x.shape[1], _x.shape[2] / 2, _x.shape[3] / 2));
    }

    [Benchmark(Baseline = true, Description = "copy (x.clone())")]
    public void Copy() { using var y = _x.clone(); }

    [Benchmark(Description = "Haar.Forward")]
    public void HaarForward() { using var y = Haar.Forward(_x); }

    [Benchmark(Description = "WTConv grouped conv2d")]
    public void GroupedConv2d() { using var y = OfficialWTConv2d.WaveletTransform(_x, _dec, 0); }

    [GlobalCleanup]
    public void Cleanup() { _x.Dispose(); _dec.Dispose(); _rec.Dispose(); }
}

/// <summary>The Haar inverse against a plain copy of the bands (the baseline) and WTConv's grouped conv_transpose2d.</summary>
[BenchmarkCategory("Haar")]
public class HaarInverseBenchmark : TorchMicroBenchmark
{
    /// <summary>The image size the bands reconstruct.</summary>
    [Params("8x64x128x128", "2x32x64x64")]
    public string Shape { get; set; } = "8x64x128x128";

    private Tensor _bands = null!, _dec = null!, _rec = null!;

    [GlobalSetup]
    public void Setup()
    {
        var d = Dims(Shape);
        torch.manual_seed(0);
        _bands = torch.randn(new[] { d[0], d[1], 4, d[2] / 2, d[3] / 2 });
        (_dec, _rec) = WTConv2d.CreateFilters(Wavelet.Get("haar"), d[1]);
        AssertSame("Haar.Inverse against the grouped conv_transpose2d",
            Haar.Inverse(_bands), OfficialWTConv2d.InverseWaveletTransform(_bands, _rec, 0));
    }

    [Benchmark(Baseline = true, Description = "copy (bands.clone())")]
    public void Copy() { using var y = _bands.clone(); }

    [Benchmark(Description = "Haar.Inverse")]
    public void HaarInverse() { using var y = Haar.Inverse(_bands); }

    [Benchmark(Description = "WTConv grouped conv_transpose2d")]
    public void GroupedConvTranspose2d() { using var y = OfficialWTConv2d.InverseWaveletTransform(_bands, _rec, 0); }

    [GlobalCleanup]
    public void Cleanup() { _bands.Dispose(); _dec.Dispose(); _rec.Dispose(); }
}

/// <summary>
/// WTConv2d(64, k = 5) at [8, 64, 64, 64]: the official all-convolution formulation (the baseline, sharing the layer's
/// weights) against ours, forward in eval under no_grad, and forward + backward in train mode.
/// </summary>
[BenchmarkCategory("WTConv2d")]
public class WTConvBenchmark : TorchMicroBenchmark
{
    [Params(1, 3)]
    public int Levels { get; set; } = 1;

    private WTConv2d _layer = null!;
    private OfficialWTConv2d _official = null!;
    private Tensor _x = null!, _gradOutput = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _layer = new WTConv2d(64, 64, kernel_size: 5, wt_levels: Levels);
        _official = new OfficialWTConv2d(_layer);
        _x = Input("8x64x64x64", seed: 1);
        _gradOutput = Input("8x64x64x64", seed: 2);
        using (torch.no_grad())
            AssertSame($"WTConv2d (levels {Levels}) against the official formulation", _layer.call(_x), _official.Forward(_x));
    }

    [Benchmark(Baseline = true, Description = "official forward")]
    public void OfficialForward()
    {
        _layer.eval();
        using var noGrad = torch.no_grad();
        using var y = _official.Forward(_x);
    }

    [Benchmark(Description = "ours forward")]
    public void OursForward()
    {
        _layer.eval();
        using var noGrad = torch.no_grad();
        using var y = _layer.call(_x);
    }

    [Benchmark(Description = "official forward + backward")]
    public void OfficialForwardBackward() => ForwardBackward(_official.Forward);

    [Benchmark(Description = "ours forward + backward")]
    public void OursForwardBackward() => ForwardBackward(_layer.call);

    private void ForwardBackward(Func<Tensor, Tensor> forward)
    {
        _layer.train();
        _layer.zero_grad();
        using var scope = NewDisposeScope();
        forward(_x).backward(new[] { _gradOutput });
    }

    [GlobalCleanup]
    public void Cleanup() { _official.Dispose(); _layer.Dispose(); _x.Dispose(); _gradOutput.Dispose(); }
}

/// <summary>
/// HWD(64, 64) at [8, 64, 64, 64] in eval under no_grad against its alternative with the same output shape and the
/// same layers after the downsampling: MaxPool2d(2), then a 1x1 conv 64 → 64, batch norm and ReLU (the baseline).
/// </summary>
[BenchmarkCategory("HWD")]
public class HwdBenchmark : TorchMicroBenchmark
{
    private HaarWaveletDownsampling _hwd = null!;
    private nn.Module<Tensor, Tensor> _pooled = null!;
    private Tensor _x = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _hwd = new HaarWaveletDownsampling(64, 64);
        _pooled = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(64, 64, 1), nn.BatchNorm2d(64), nn.ReLU());
        _hwd.eval();
        _pooled.eval();
        _x = Input("8x64x64x64");
        using var noGrad = torch.no_grad();
        using var a = _hwd.call(_x);
        using var b = _pooled.call(_x);
        if (!a.shape.SequenceEqual(b.shape))
            throw new InvalidOperationException("HWD and max pool + 1x1 conv + BN + ReLU give different shapes.");
    }

    [Benchmark(Baseline = true, Description = "MaxPool2d(2) + 1x1 conv + BN + ReLU")]
    public void MaxPoolConv()
    {
        using var noGrad = torch.no_grad();
        using var y = _pooled.call(_x);
    }

    [Benchmark(Description = "HaarWaveletDownsampling")]
    public void Hwd()
    {
        using var noGrad = torch.no_grad();
        using var y = _hwd.call(_x);
    }

    [GlobalCleanup]
    public void Cleanup() { _hwd.Dispose(); _pooled.Dispose(); _x.Dispose(); }
}

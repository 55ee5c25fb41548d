using System;
using System.Collections.Generic;
using NetDsl.Wavelets;
using TorchSharp;
using static TorchSharp.torch;

namespace NetDsl.Samples.Benchmarking;

/// <summary>
/// The baseline for the WTConv benchmark: the forward of the official <c>BGU-CS-VIL/WTConv</c> <c>WTConv2d</c>
/// written line by line as the Python does it, with every transform a convolution: the wavelet transform is a grouped
/// <c>conv2d</c> (stride 2, groups C, padding L/2 − 1) with the 4C decomposition filters, the inverse a grouped
/// <c>conv_transpose2d</c> with the reconstruction filters (<see cref="WTConv2d.CreateFilters"/>, i.e. the official
/// <c>create_wavelet_filter</c>). It owns no weights: the depthwise convolutions and scales are those of the
/// <see cref="WTConv2d"/> it wraps, so the two compute the same layer (Generator.Tests/OfficialWTConvBaselineTests.cs).
/// </summary>
public sealed class OfficialWTConv2d : IDisposable
{
    private readonly WTConv2d _layer;
    private readonly Tensor _wtFilter;
    private readonly Tensor _iwtFilter;
    private readonly long _pad;

    /// <summary>Wraps <paramref name="layer"/>; its filters are rebuilt with the official recipe in the layer's dtype.</summary>
    public OfficialWTConv2d(WTConv2d layer)
    {
        _layer = layer ?? throw new ArgumentNullException(nameof(layer));
        var dtype = layer.BaseConv.weight!.dtype;
        var device = layer.BaseConv.weight!.device;
        var (dec, rec) = WTConv2d.CreateFilters(layer.Wavelet, layer.Channels, dtype);
        _wtFilter = dec.to(device);
        _iwtFilter = rec.to(device);
        if (!ReferenceEquals(_wtFilter, dec)) dec.Dispose();
        if (!ReferenceEquals(_iwtFilter, rec)) rec.Dispose();
        _pad = layer.Wavelet.Length / 2 - 1;
    }

    /// <summary>The official <c>WTConv2d.forward</c>.</summary>
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var llInLevels = new List<Tensor>();
        var hInLevels = new List<Tensor>();
        var shapesInLevels = new List<long[]>();
        var currLL = x;
        for (int i = 0; i < _layer.Levels; i++)
        {
            var currShape = currLL.shape;
            shapesInLevels.Add(currShape);
            if (currShape[2] % 2 > 0 || currShape[3] % 2 > 0)
                currLL = nn.functional.pad(currLL, new long[] { 0, currShape[3] % 2, 0, currShape[2] % 2 }, PaddingModes.Constant, 0.0);
            var currX = WaveletTransform(currLL);
            currLL = currX.select(2, 0);
            var shapeX = currX.shape;
            var tag = currX.reshape(shapeX[0], shapeX[1] * 4, shapeX[3], shapeX[4]);
            tag = _layer.WaveletScales[i].call(_layer.WaveletConvs[i].call(tag)).reshape(shapeX);
            llInLevels.Add(tag.select(2, 0));
            hInLevels.Add(tag.narrow(2, 1, 3));
        }

        Tensor? nextLL = null;
        for (int i = (int)_layer.Levels - 1; i >= 0; i--)
        {
            var ll = nextLL is null ? llInLevels[i] : llInLevels[i] + nextLL;
            var currX = torch.cat(new[] { ll.unsqueeze(2), hInLevels[i] }, 2);
            nextLL = InverseWaveletTransform(currX);
            nextLL = nextLL.narrow(2, 0, shapesInLevels[i][2]).narrow(3, 0, shapesInLevels[i][3]);
        }

        var y = _layer.BaseScale.call(_layer.BaseConv.call(x));
        y = y + nextLL!;
        if (_layer.Stride > 1)
            y = y.slice(2, 0, y.shape[2], _layer.Stride).slice(3, 0, y.shape[3], _layer.Stride);
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>The official <c>wavelet_transform</c>: (N, C, H, W) to (N, C, 4, H/2, W/2) by one grouped conv2d.</summary>
    public Tensor WaveletTransform(Tensor x) => WaveletTransform(x, _wtFilter, _pad);

    /// <summary>The official <c>wavelet_transform(x, filters)</c> with the (4C, 1, L, L) filters and padding L/2 − 1.</summary>
    public static Tensor WaveletTransform(Tensor x, Tensor filters, long pad)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        using var y = nn.functional.conv2d(x, filters, strides: new long[] { 2, 2 }, padding: new long[] { pad, pad }, groups: c);
        return y.reshape(b, c, 4, h / 2, w / 2);
    }

    /// <summary>The official <c>inverse_wavelet_transform</c>: (N, C, 4, h, w) to (N, C, 2h, 2w) by one grouped conv_transpose2d.</summary>
    public Tensor InverseWaveletTransform(Tensor bands) => InverseWaveletTransform(bands, _iwtFilter, _pad);

    /// <summary>The official <c>inverse_wavelet_transform(x, filters)</c> with the (4C, 1, L, L) filters and padding L/2 − 1.</summary>
    public static Tensor InverseWaveletTransform(Tensor bands, Tensor filters, long pad)
    {
        long b = bands.shape[0], c = bands.shape[1], h = bands.shape[3], w = bands.shape[4];
        using var flat = bands.reshape(b, c * 4, h, w);
        return nn.functional.conv_transpose2d(flat, filters, strides: new long[] { 2, 2 }, padding: new long[] { pad, pad }, groups: c);
    }

    public void Dispose()
    {
        _wtFilter.Dispose();
        _iwtFilter.Dispose();
    }
}

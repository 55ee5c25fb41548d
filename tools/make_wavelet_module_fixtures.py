#!/usr/bin/env python3
"""Write Generator.Tests/Fixtures/wavelet_modules/modules.json from the real PyTorch and PyWavelets.

Three reference modules are written out below, to the semantics of the published code (docs: /work/shared/reference
wavelets.md sections 0-2):

  HWD       apple1986/HWD `Down_wt`: pytorch_wavelets DWTForward(J=1, wave='haar', mode='zero') (buffers
            wt.h0_col, wt.h1_col, wt.h0_row, wt.h1_row), bands concatenated [LL, b1, b2, b3], then
            conv_bn_relu = Conv2d(4Cin, Cout, 1) + BatchNorm2d + ReLU
  Strided   seed 000 `StridedConvolution`: conv = Conv2d(k3, s2, p1), relu
  WTConv2d  BGU-CS-VIL/WTConv `WTConv2d`: create_2d_wavelet_filter from pywt, level cascade on the raw LL,
            depthwise wavelet convs + _ScaleModule, base conv + base scale, stride by subsampling

Every trainable parameter and every BatchNorm running statistic is filled, by state_dict key, with
    value[i] = offset + amp * sin(freq * (i + 1) + phase)     (i = row-major flat index, float64)
and the (amp, freq, phase, offset) of each key are written in the file, so the C# tests rebuild the same weights.
The modules are built and run in float64 (default dtype float64 while they are built, so the fixed filters are
float64 too; the state_dict listings come from float32 builds as in the originals), in eval mode on fixed inputs (multiples of 1/8, written in the file); results are
written with 10 significant digits. Run with the Debian interpreter:
    /usr/bin/python3 tools/make_wavelet_module_fixtures.py
"""
import json
import math
import os

import numpy as np
import pywt
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "wavelet_modules")


# --------------------------------------------------------------------------------------------- HWD (Down_wt)

class HaarDwtForward(nn.Module):
    """pytorch_wavelets DWTForward(J=1, mode='zero') restricted to one level: the same four buffers (reversed
    dec filters, shapes (1,1,L,1) for columns and (1,1,1,L) for rows, default dtype) and the same analysis: filter
    along the width (dim 3) into (lo, hi) per channel, then along the height (dim 2); pywt's zero-mode padding."""

    def __init__(self, wave="haar"):
        super().__init__()
        w = pywt.Wavelet(wave)
        lo = torch.tensor(np.array(w.dec_lo[::-1]), dtype=torch.get_default_dtype())
        hi = torch.tensor(np.array(w.dec_hi[::-1]), dtype=torch.get_default_dtype())
        self.register_buffer("h0_col", lo.reshape(1, 1, -1, 1))
        self.register_buffer("h1_col", hi.reshape(1, 1, -1, 1))
        self.register_buffer("h0_row", lo.reshape(1, 1, 1, -1))
        self.register_buffer("h1_row", hi.reshape(1, 1, 1, -1))

    @staticmethod
    def analysis(x, h0, h1, dim):
        c = x.shape[1]
        n = x.shape[dim]
        length = h0.numel()
        shape = [1, 1, 1, 1]
        shape[dim] = length
        h = torch.cat([h0.reshape(shape), h1.reshape(shape)] * c, dim=0).to(x.dtype)
        out = pywt.dwt_coeff_len(n, length, mode="zero")
        p = 2 * (out - 1) - n + length
        if p % 2 == 1:  # the odd extra zero goes at the end (bottom / right)
            x = F.pad(x, (0, 0, 0, 1) if dim == 2 else (0, 1, 0, 0))
        pad = (p // 2, 0) if dim == 2 else (0, p // 2)
        stride = (2, 1) if dim == 2 else (1, 2)
        return F.conv2d(x, h, padding=pad, stride=stride, groups=c)

    def forward(self, x):
        rows = self.analysis(x, self.h0_row, self.h1_row, 3)        # (N, 2C, H, w): (W-lo, W-hi) per channel
        bands = self.analysis(rows, self.h0_col, self.h1_col, 2)    # (N, 4C, h, w)
        n, _, h, w = bands.shape
        bands = bands.reshape(n, -1, 4, h, w)
        return bands[:, :, 0].contiguous(), [bands[:, :, 1:].contiguous()]


class DownWt(nn.Module):
    def __init__(self, in_ch, out_ch):
        super().__init__()
        self.wt = HaarDwtForward("haar")
        self.conv_bn_relu = nn.Sequential(
            nn.Conv2d(in_ch * 4, out_ch, kernel_size=1, stride=1),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )

    def bands(self, x):
        yl, yh = self.wt(x)
        return torch.cat([yl, yh[0][:, :, 0], yh[0][:, :, 1], yh[0][:, :, 2]], dim=1)

    def forward(self, x):
        return self.conv_bn_relu(self.bands(x))


class StridedConvolution(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size=3, stride=2, is_relu=True):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=kernel_size, stride=stride, padding=1)
        self.relu = nn.ReLU(inplace=True)
        self.is_relu = is_relu

    def forward(self, x):
        x = self.conv(x)
        return self.relu(x) if self.is_relu else x


# --------------------------------------------------------------------------------------------- WTConv2d

def create_2d_wavelet_filter(wave, channels, dtype=torch.float):
    w = pywt.Wavelet(wave)
    dec_lo = torch.tensor(w.dec_lo[::-1], dtype=dtype)
    dec_hi = torch.tensor(w.dec_hi[::-1], dtype=dtype)
    # F_s[i][j] = v[i] * u[j] (i = height, j = width): (lo, lo), (hi, lo), (lo, hi), (hi, hi)
    dec = torch.stack([torch.outer(dec_lo, dec_lo), torch.outer(dec_hi, dec_lo),
                       torch.outer(dec_lo, dec_hi), torch.outer(dec_hi, dec_hi)], dim=0)
    dec = dec[:, None].repeat(channels, 1, 1, 1)
    rec_lo = torch.tensor(w.rec_lo[::-1], dtype=dtype).flip(dims=[0])
    rec_hi = torch.tensor(w.rec_hi[::-1], dtype=dtype).flip(dims=[0])
    rec = torch.stack([torch.outer(rec_lo, rec_lo), torch.outer(rec_hi, rec_lo),
                       torch.outer(rec_lo, rec_hi), torch.outer(rec_hi, rec_hi)], dim=0)
    rec = rec[:, None].repeat(channels, 1, 1, 1)
    return dec, rec


def wavelet_transform(x, filters):
    b, c, h, w = x.shape
    pad = (filters.shape[2] // 2 - 1, filters.shape[3] // 2 - 1)
    y = F.conv2d(x, filters.to(x.dtype), stride=2, groups=c, padding=pad)
    return y.reshape(b, c, 4, h // 2, w // 2)


def inverse_wavelet_transform(x, filters):
    b, c, _, h, w = x.shape
    pad = (filters.shape[2] // 2 - 1, filters.shape[3] // 2 - 1)
    x = x.reshape(b, c * 4, h, w)
    return F.conv_transpose2d(x, filters.to(x.dtype), stride=2, groups=c, padding=pad)


class _ScaleModule(nn.Module):
    def __init__(self, dims, init_scale=1.0):
        super().__init__()
        self.dims = dims
        self.weight = nn.Parameter(torch.ones(*dims) * init_scale)

    def forward(self, x):
        return torch.mul(self.weight, x)


class WTConv2d(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size=5, stride=1, bias=True, wt_levels=1, wt_type="db1"):
        super().__init__()
        assert in_channels == out_channels
        self.wt_levels = wt_levels
        self.stride = stride
        # the official code builds them in torch.float; the default dtype is float32 for the listings and float64
        # for the forward runs (so the float64 reference is not limited by float32 filters)
        dec, rec = create_2d_wavelet_filter(wt_type, in_channels, torch.get_default_dtype())
        self.wt_filter = nn.Parameter(dec, requires_grad=False)
        self.iwt_filter = nn.Parameter(rec, requires_grad=False)
        self.base_conv = nn.Conv2d(in_channels, in_channels, kernel_size, padding="same", stride=1, dilation=1,
                                   groups=in_channels, bias=bias)
        self.base_scale = _ScaleModule([1, in_channels, 1, 1])
        self.wavelet_convs = nn.ModuleList(
            [nn.Conv2d(in_channels * 4, in_channels * 4, kernel_size, padding="same", stride=1, dilation=1,
                       groups=in_channels * 4, bias=False) for _ in range(wt_levels)])
        self.wavelet_scale = nn.ModuleList(
            [_ScaleModule([1, in_channels * 4, 1, 1], init_scale=0.1) for _ in range(wt_levels)])
        self.do_stride = nn.AvgPool2d(kernel_size=1, stride=stride) if stride > 1 else None

    def forward(self, x):
        lls, highs, shapes = [], [], []
        cur = x
        for i in range(self.wt_levels):
            shape = cur.shape
            shapes.append(shape)
            if shape[2] % 2 > 0 or shape[3] % 2 > 0:
                cur = F.pad(cur, (0, shape[3] % 2, 0, shape[2] % 2))
            t = wavelet_transform(cur, self.wt_filter)
            cur = t[:, :, 0, :, :]
            s = t.shape
            u = t.reshape(s[0], s[1] * 4, s[3], s[4])
            u = self.wavelet_scale[i](self.wavelet_convs[i](u)).reshape(s)
            lls.append(u[:, :, 0, :, :])
            highs.append(u[:, :, 1:4, :, :])
        nxt = 0
        for i in range(self.wt_levels - 1, -1, -1):
            ll = lls.pop() + nxt
            h = highs.pop()
            shape = shapes.pop()
            nxt = inverse_wavelet_transform(torch.cat([ll.unsqueeze(2), h], dim=2), self.iwt_filter)
            nxt = nxt[:, :, :shape[2], :shape[3]]
        y = self.base_scale(self.base_conv(x)) + nxt
        if self.do_stride is not None:
            y = self.do_stride(y)
        return y


# --------------------------------------------------------------------------------------------- helpers

class Raw(str):
    pass


def dumps(obj, indent=0):
    pad = "  " * indent
    if isinstance(obj, dict):
        flat = "{" + ", ".join('"%s": %s' % (k, dumps(v)) for k, v in obj.items()) + "}"
        if len(flat) <= 160 and "\n" not in flat:  # small records on one line
            return flat
        items = ['%s  "%s": %s' % (pad, k, dumps(v, indent + 1)) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        return "[\n" + ",\n".join(pad + "  " + dumps(v, indent + 1) for v in obj) + "\n" + pad + "]"
    if isinstance(obj, list):
        return "[" + ", ".join(dumps(v, indent) for v in obj) + "]"
    if isinstance(obj, Raw):
        return str(obj)
    return json.dumps(obj)


def nums(t, digits=10):
    return [Raw(("%%.%dg" % digits) % float(v)) for v in t.detach().to(torch.float64).flatten().tolist()]


def state_dict_listing(module):
    """key, shape, kind in PyTorch's state_dict order; kind = param (trainable), fixed (a requires_grad=False
    Parameter) or buffer."""
    params = dict(module.named_parameters())
    rows = []
    for key, value in module.state_dict().items():
        if key in params:
            kind = "param" if params[key].requires_grad else "fixed"
        else:
            kind = "buffer"
        rows.append({"key": key, "shape": list(value.shape), "kind": kind})
    return rows


def recipe_for(key, index):
    """(amp, freq, phase, offset) of a key; the index (position among the filled keys) varies the phase."""
    phase = round(0.37 * index + 0.11, 2)
    leaf = key.rsplit(".", 1)[-1]
    if key.startswith("base_scale"):
        return 0.3, 0.9, phase, 1.0
    if key.startswith("wavelet_scale"):
        return 0.5, 1.1, phase, 0.0
    if leaf == "running_var":
        return 0.5, 0.8, phase, 1.0
    if leaf == "running_mean":
        return 0.3, 1.7, phase, 0.0
    if key.endswith("1.weight") and "conv_bn_relu" in key:  # BatchNorm gamma
        return 0.3, 1.3, phase, 1.0
    if leaf == "bias":
        return 0.2, 2.3, phase, 0.0
    return 0.4, 1.3, phase, 0.0


def fill(module):
    """Fill every trainable parameter and running statistic; return the recipe rows."""
    params = dict(module.named_parameters())
    rows = []
    with torch.no_grad():
        sd = module.state_dict()
        for key, value in sd.items():
            trainable = key in params and params[key].requires_grad
            if not trainable and not key.endswith(("running_mean", "running_var")):
                continue
            amp, freq, phase, offset = recipe_for(key, len(rows))
            i = torch.arange(1, value.numel() + 1, dtype=torch.float64)
            v = offset + amp * torch.sin(freq * i + phase)
            value.copy_(v.reshape(value.shape).to(value.dtype))
            rows.append({"key": key, "amp": amp, "freq": freq, "phase": phase, "offset": offset})
    return rows


def counts(module):
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    fixed = sum(p.numel() for p in module.parameters() if not p.requires_grad)
    return trainable, fixed


# --------------------------------------------------------------------------------------------- cases

def main():
    torch.set_default_dtype(torch.float32)
    rs = np.random.RandomState(20240612)

    def inp(shape):
        return torch.tensor(rs.randint(-16, 17, size=shape) / 8.0, dtype=torch.float64)

    inputs = {
        "c3x9x7": inp((1, 3, 9, 7)),
        "c3x8x6n2": inp((2, 3, 8, 6)),
        "c4x9x7": inp((1, 4, 9, 7)),
        "c4x8x8": inp((1, 4, 8, 8)),
    }

    def in_float64(factory):
        torch.set_default_dtype(torch.float64)
        try:
            return factory()
        finally:
            torch.set_default_dtype(torch.float32)

    # HWD, Cin 3 -> Cout 8
    hwd = in_float64(lambda: DownWt(3, 8))
    hwd_weights = fill(hwd)
    hwd.eval()
    hwd_doc = {"in_channels": 3, "out_channels": 8, "state_dict": state_dict_listing(DownWt(3, 8)),
               "trainable": counts(hwd)[0],
               "buffers": {k: nums(v, 17) for k, v in DownWt(3, 8).wt.state_dict().items()},
               "weights": hwd_weights, "cases": []}
    for name in ["c3x9x7", "c3x8x6n2"]:
        x = inputs[name]
        with torch.no_grad():
            bands = hwd.bands(x)
            pre = hwd.conv_bn_relu[1](hwd.conv_bn_relu[0](bands))
            y = hwd(x)
        # independent check of the DWT against pywt.dwt2 (haar, zero mode), band-major
        for c in range(x.shape[1]):
            for n in range(x.shape[0]):
                ca, (ch, cv, cd) = pywt.dwt2(x[n, c].numpy(), "haar", mode="zero")
                for s, ref in enumerate([ca, ch, cv, cd]):
                    assert np.allclose(bands[n, s * x.shape[1] + c].numpy(), ref, atol=1e-12), (name, n, c, s)
        assert (y - F.relu(pre)).abs().max() == 0
        case = {"input": name, "shape": list(y.shape), "output": nums(y)}
        if name == "c3x9x7":  # the intermediate results once (odd size), to localise a failure
            case.update({"bands": nums(bands), "pre_relu": nums(pre)})
        hwd_doc["cases"].append(case)

    # Strided conv, 3 -> 8
    strided = in_float64(lambda: StridedConvolution(3, 8))
    strided_weights = fill(strided)
    strided.eval()
    strided_doc = {"in_channels": 3, "out_channels": 8, "state_dict": state_dict_listing(StridedConvolution(3, 8)),
                   "trainable": counts(strided)[0], "weights": strided_weights, "cases": []}
    for name in ["c3x9x7", "c3x8x6n2"]:
        with torch.no_grad():
            y = strided(inputs[name])
        strided_doc["cases"].append({"input": name, "shape": list(y.shape), "output": nums(y)})

    # WTConv2d, C = 4: (kernel, levels, wt_type, stride, bias, input)
    plan = [
        (3, 1, "db1", 1, True, "c4x9x7"),
        (3, 2, "db1", 1, True, "c4x9x7"),
        (5, 3, "db1", 1, True, "c4x9x7"),
        (3, 3, "db1", 1, True, "c4x8x8"),
        (3, 2, "db1", 2, True, "c4x9x7"),
        (5, 3, "db1", 2, True, "c4x8x8"),
        (3, 2, "db1", 1, False, "c4x9x7"),
        (4, 2, "db1", 1, True, "c4x9x7"),   # even kernel: PyTorch's 'same' puts the extra pixel right/bottom
        (3, 1, "db2", 1, True, "c4x9x7"),
        (5, 2, "db2", 1, True, "c4x9x7"),
        (3, 3, "db2", 1, True, "c4x9x7"),
        (5, 2, "db2", 2, True, "c4x9x7"),
        (3, 1, "db2", 2, False, "c4x8x8"),
    ]
    filters = {}
    for wave in ["db1", "db2"]:
        # one channel's (4, 1, L, L) block in float32 (the official dtype); the modules repeat it per channel
        dec, rec = create_2d_wavelet_filter(wave, 1, torch.float)
        filters[wave] = {"shape": list(dec.shape), "wt_filter": nums(dec, 9), "iwt_filter": nums(rec, 9)}
    wt_cases = []
    for k, levels, wave, stride, bias, name in plan:
        listed = WTConv2d(4, 4, kernel_size=k, stride=stride, bias=bias, wt_levels=levels, wt_type=wave)
        listing = state_dict_listing(listed)
        trainable, fixed = counts(listed)
        m = in_float64(lambda: WTConv2d(4, 4, kernel_size=k, stride=stride, bias=bias, wt_levels=levels,
                                        wt_type=wave))
        weights = fill(m)
        m.eval()
        with torch.no_grad():
            y = m(inputs[name])
        wt_cases.append({"channels": 4, "kernel_size": k, "wt_levels": levels, "wt_type": wave, "stride": stride,
                         "bias": bias, "input": name, "trainable": trainable, "fixed": fixed,
                         "state_dict": listing, "weights": weights, "shape": list(y.shape), "output": nums(y)})

    # parameter counts of the official structure for a few more configurations (no forward)
    count_rows = []
    for c, k, levels, wave, bias in [(8, 5, 1, "db1", True), (32, 5, 3, "db1", True), (16, 7, 2, "db2", False),
                                     (3, 3, 4, "db3", True)]:
        m = WTConv2d(c, c, kernel_size=k, bias=bias, wt_levels=levels, wt_type=wave)
        trainable, fixed = counts(m)
        count_rows.append({"channels": c, "kernel_size": k, "wt_levels": levels, "wt_type": wave, "bias": bias,
                           "trainable": trainable, "fixed": fixed})

    doc = {
        "generator": "tools/make_wavelet_module_fixtures.py",
        "torch": torch.__version__, "pywt": pywt.__version__,
        "recipe": "value[i] = offset + amp * sin(freq * (i + 1) + phase), i = row-major flat index, float64; "
                  "modules built and run in float64, eval mode",
        "inputs": {k: {"shape": list(v.shape), "values": nums(v)} for k, v in inputs.items()},
        "hwd": hwd_doc,
        "strided": strided_doc,
        "wtconv": {"filters": filters, "cases": wt_cases, "counts": count_rows},
    }
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "modules.json")
    with open(path, "w") as f:
        f.write(dumps(doc) + "\n")
    json.load(open(path))
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()

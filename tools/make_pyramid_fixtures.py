#!/usr/bin/env python3
"""Write Generator.Tests/Fixtures/pyramids/*.json from the real PyTorch and torchvision (Debian's python3-torch 1.13,
python3-torchvision 0.14) for the tests in Generator.Tests/Pyramids/.

  heads.json   torchvision's own ASPP (16 -> 8 channels, rates [1, 2, 3]), DeepLabHead(16, 3) (torchvision 0.14 fixes
               the rates at [12, 24, 36] and the width at 256) and FCNHead(16, 3); DeepLab v2's ASPP written out as
               kazuto1011/deeplab-pytorch's `_ASPP` (children c0..c3, outputs summed) and in seed 003's VGG-16 form
               (children branch1..branchR: dilated 3x3, ReLU, 1x1, ReLU, 1x1, summed); the torchvision parameter
               counts of the full-size modules (reference pyramids.md section 5)
  spp.json     spatial pyramid pooling with PyTorch's adaptive_max_pool2d / adaptive_avg_pool2d at awkward sizes
               (a = 13, n = 4; a = 5, n = 6; a < n) and the adaptive bins read back from PyTorch itself
  speed.json   DSPP and MDSPP written out to the SPEED code's semantics (lorenzopapa5/SPEED layers.py, NHWC there,
               NCHW here; reference pyramids.md section 6); separable convolutions with stride, padding and dilation

Deterministic data, no random generator:
  * every trainable parameter and BatchNorm running statistic is filled by state_dict key with
        value[i] = offset + amp * sin(freq * (i + 1) + phase)      (i = row-major flat index, float64)
    and each key's (amp, freq, phase, offset) is written in the file; conv weights get amp ~ 1.7 / sqrt(fan_in) so
    activations stay O(1), BatchNorm running_var lies in [0.5, 1.5]
  * inputs are value[i] = amp * sin(freq * (i + 1) + phase) with (shape, amp, freq, phase) in the file
Modules run in float64 and eval mode; outputs are written with 9 significant digits. State_dict listings come from
float32 builds. Run with the Debian interpreter:
    /usr/bin/python3 tools/make_pyramid_fixtures.py
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.segmentation.deeplabv3 import ASPP, DeepLabHead
from torchvision.models.segmentation.fcn import FCNHead

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "pyramids")
DIGITS = 9


# --------------------------------------------------------------------------------------------- references

class DeepLabV2ASPP(nn.Module):
    """kazuto1011/deeplab-pytorch libs/models/deeplabv2.py `_ASPP`: one dilated 3x3 conv (bias) per rate, added as
    children c0, c1, ... of the module itself; forward = sum of the children."""

    def __init__(self, in_ch, out_ch, rates):
        super().__init__()
        for i, rate in enumerate(rates):
            self.add_module("c{}".format(i), nn.Conv2d(in_ch, out_ch, 3, 1, padding=rate, dilation=rate, bias=True))
        for m in self.children():
            nn.init.normal_(m.weight, mean=0, std=0.01)
            nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return sum([stage(x) for stage in self.children()])


class DeepLabV2VggASPP(nn.Module):
    """Seed 003's DeepLab v2 ASPP on VGG-16 (its `ASPP`, generalised from 128 hidden channels and rates 6/12/18/24):
    branch{i} = Sequential(Conv3x3(in -> hidden, padding = dilation = rate), ReLU, Conv1x1(hidden -> hidden), ReLU,
    Conv1x1(hidden -> classes)), all with bias; forward = the sum of the branches."""

    def __init__(self, in_ch, num_classes, rates, hidden):
        super().__init__()
        for i, rate in enumerate(rates):
            self.add_module("branch{}".format(i + 1), nn.Sequential(
                nn.Conv2d(in_channels=in_ch, out_channels=hidden, kernel_size=3, stride=1, padding=rate, dilation=rate, bias=True),
                nn.ReLU(inplace=True),
                nn.Conv2d(in_channels=hidden, out_channels=hidden, kernel_size=1, stride=1, padding=0, bias=True),
                nn.ReLU(inplace=True),
                nn.Conv2d(in_channels=hidden, out_channels=num_classes, kernel_size=1, stride=1, padding=0, bias=True),
            ))

    def forward(self, x):
        return sum([branch(x) for branch in self.children()])


class SeparableConv2d(nn.Module):
    """Keras SeparableConv2D(filters, k, padding='same'), depth_multiplier 1: depthwise (no bias) + pointwise (bias)."""

    def __init__(self, in_ch, out_ch, k=3, bias=True):
        super().__init__()
        self.depthwise = nn.Conv2d(in_ch, in_ch, k, padding="same", groups=in_ch, bias=False)
        self.pointwise = nn.Conv2d(in_ch, out_ch, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class StridedSeparableConv2d(nn.Module):
    """SeparableConv2d with the stride, padding and dilation on the depthwise step (Keras' SeparableConv2D puts
    strides and dilation_rate there too); padding "same" or an int."""

    def __init__(self, in_ch, out_ch, k, bias, stride, padding, dilation):
        super().__init__()
        self.depthwise = nn.Conv2d(in_ch, in_ch, k, stride=stride, padding=padding, dilation=dilation, groups=in_ch, bias=False)
        self.pointwise = nn.Conv2d(in_ch, out_ch, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


def speed_branch(x, b, conv):
    """AveragePooling2D(pool = strides = (H // b, W // b), 'valid') -> SeparableConv2D -> tf.image.resize((H, W))."""
    h, w = x.shape[2], x.shape[3]
    window = (h // b, w // b)
    pooled = F.avg_pool2d(x, window, stride=window)
    y = conv(pooled)
    return F.interpolate(y, size=(h, w), mode="bilinear", align_corners=False), pooled


class DSPP(nn.Module):
    """SPEED depthwise_separable_pyramid_pooling: concat([x, branch_b for b in bins]), C + len(bins) * filters."""

    def __init__(self, in_ch, bins=(2, 4, 6, 8), filters=128):
        super().__init__()
        self.bins = list(bins)
        self.convs = nn.ModuleList([SeparableConv2d(in_ch, filters, 3, bias=True) for _ in self.bins])

    def forward(self, x):
        return torch.cat([x] + [speed_branch(x, b, c)[0] for b, c in zip(self.bins, self.convs)], dim=1)


class MDSPP(nn.Module):
    """SPEED depthwise_mixed_separable_pyramid_pooling: branches at filters // 4 without bias, pairs (0, 2) and (1, 3)
    -> ReLU -> SeparableConv2D(filters // 2, no bias) -> ReLU, output concat([E, O, x])."""

    def __init__(self, in_ch, bins=(2, 4, 6, 8), filters=128):
        super().__init__()
        self.bins = list(bins)
        self.upconv_1 = nn.ModuleList([SeparableConv2d(in_ch, filters // 4, 3, bias=False) for _ in self.bins])
        self.upconv_2_odd = SeparableConv2d(2 * (filters // 4), filters // 2, 3, bias=False)
        self.upconv_2_even = SeparableConv2d(2 * (filters // 4), filters // 2, 3, bias=False)

    def forward(self, x):
        p = [speed_branch(x, b, c)[0] for b, c in zip(self.bins, self.upconv_1)]
        e = F.relu(self.upconv_2_odd(F.relu(torch.cat([p[0], p[2]], dim=1))))
        o = F.relu(self.upconv_2_even(F.relu(torch.cat([p[1], p[3]], dim=1))))
        return torch.cat([e, o, x], dim=1)


# --------------------------------------------------------------------------------------------- independent checks

def tf_resize_bilinear(y, h, w):
    """TF2 tf.image.resize(bilinear, antialias False) written out with numpy: half-pixel centres,
    src = (dst + 0.5) * in / out - 0.5, lower = max(floor(src), 0), upper = min(ceil(src), in - 1), lerp = src - floor(src)."""
    def axis(n_in, n_out):
        src = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        lo = np.floor(src)
        lerp = src - lo
        return np.maximum(lo, 0).astype(int), np.minimum(np.ceil(src), n_in - 1).astype(int), lerp
    a = y.numpy()
    r0, r1, rl = axis(a.shape[2], h)
    c0, c1, cl = axis(a.shape[3], w)
    top = a[:, :, r0, :] * (1 - rl)[None, None, :, None] + a[:, :, r1, :] * rl[None, None, :, None]
    return top[:, :, :, c0] * (1 - cl) + top[:, :, :, c1] * cl


def numpy_avg_pool_valid(x, kh, kw):
    a = x.numpy()
    gh, gw = (a.shape[2] - kh) // kh + 1, (a.shape[3] - kw) // kw + 1
    out = np.zeros(a.shape[:2] + (gh, gw))
    for i in range(gh):
        for j in range(gw):
            out[:, :, i, j] = a[:, :, i * kh:(i + 1) * kh, j * kw:(j + 1) * kw].mean(axis=(2, 3))
    return out


def adaptive_bins_from_pytorch(a, n):
    """Read PyTorch's adaptive bins back: over x = 0..a-1 the max of bin i is end - 1 and the max of -x is -start."""
    ramp = torch.arange(a, dtype=torch.float64).reshape(1, 1, a)
    ends = F.adaptive_max_pool1d(ramp, n).flatten().long() + 1
    starts = -F.adaptive_max_pool1d(-ramp, n).flatten().long()
    bins = [[int(s), int(e)] for s, e in zip(starts, ends)]
    formula = [[math.floor(i * a / n), math.ceil((i + 1) * a / n)] for i in range(n)]
    assert bins == formula, (a, n, bins, formula)
    return bins


# --------------------------------------------------------------------------------------------- helpers

class Raw(str):
    pass


def dumps(obj, indent=0):
    pad = "  " * indent
    if isinstance(obj, dict):
        flat = "{" + ", ".join('"%s": %s' % (k, dumps(v)) for k, v in obj.items()) + "}"
        if len(flat) <= 160 and "\n" not in flat:
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


def nums(t, digits=DIGITS):
    return [Raw(("%%.%dg" % digits) % float(v)) for v in t.detach().to(torch.float64).flatten().tolist()]


def listing(module):
    """key, shape, param|buffer in PyTorch's state_dict order."""
    params = dict(module.named_parameters())
    return [{"key": k, "shape": list(v.shape), "kind": "param" if k in params else "buffer"}
            for k, v in module.state_dict().items()]


def recipe_for(key, value, index):
    phase = round(0.37 * index + 0.11, 2)
    leaf = key.rsplit(".", 1)[-1]
    if leaf == "running_var":
        return 0.5, 0.8, phase, 1.0
    if leaf == "running_mean":
        return 0.3, 1.7, phase, 0.0
    if value.dim() == 1 and leaf == "weight":  # BatchNorm gamma
        return 0.3, 1.3, phase, 1.0
    if leaf == "bias":
        return 0.2, 2.3, phase, 0.0
    fan_in = value[0].numel()  # conv weight (out, in/groups, kh, kw)
    return round(1.7 / math.sqrt(fan_in), 6), 1.3, phase, 0.0


def fill(module):
    """Fill every parameter and running statistic by key; return the recipe rows (state_dict order)."""
    rows = []
    with torch.no_grad():
        for key, value in module.state_dict().items():
            if key.endswith("num_batches_tracked"):
                continue
            amp, freq, phase, offset = recipe_for(key, value, len(rows))
            i = torch.arange(1, value.numel() + 1, dtype=torch.float64)
            value.copy_((offset + amp * torch.sin(freq * i + phase)).reshape(value.shape).to(value.dtype))
            rows.append({"key": key, "amp": amp, "freq": freq, "phase": phase, "offset": offset})
    return rows


INPUTS = {
    # name: (shape, amp, freq, phase)
    "n2c16h9w11": ([2, 16, 9, 11], 1.0, 0.731, 0.2),
    "n1c16h13w14": ([1, 16, 13, 14], 1.0, 0.617, 0.5),
    "n1c16h9w11": ([1, 16, 9, 11], 1.0, 0.829, 0.3),
    "n1c2h13w5": ([1, 2, 13, 5], 1.0, 0.913, 0.1),
    "n2c3h7w10": ([2, 3, 7, 10], 1.0, 0.557, 0.4),
    "n1c3h8w10": ([1, 3, 8, 10], 1.0, 0.671, 0.6),
    "n1c3h15w9": ([1, 3, 15, 9], 1.0, 0.743, 0.7),
}


def make_input(name):
    shape, amp, freq, phase = INPUTS[name]
    i = torch.arange(1, int(np.prod(shape)) + 1, dtype=torch.float64)
    return (amp * torch.sin(freq * i + phase)).reshape(shape)


def inputs_doc():
    return {k: {"shape": s, "amp": a, "freq": f, "phase": p, "sum": float(make_input(k).sum()),
                "first": nums(make_input(k).flatten()[:3], 17)}
            for k, (s, a, f, p) in INPUTS.items()}


def run_module(module, input_names, store=lambda y, x: y):
    module.double()
    weights = fill(module)
    module.eval()
    cases = []
    for name in input_names:
        x = make_input(name)
        with torch.no_grad():
            y = module(x)
        cases.append({"input": name, "shape": list(y.shape), "output": nums(store(y, x))})
    return weights, cases


def count(module):
    return sum(p.numel() for p in module.parameters())


def write(name, doc):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        f.write(dumps(doc) + "\n")


# --------------------------------------------------------------------------------------------- main

def main():
    torch.set_default_dtype(torch.float32)
    header = {"generator": "tools/make_pyramid_fixtures.py", "torch": torch.__version__,
              "torchvision": torchvision.__version__,
              "recipe": "weights: value[i] = offset + amp * sin(freq * (i + 1) + phase) by state_dict key; inputs: "
                        "value[i] = amp * sin(freq * (i + 1) + phase); i = row-major flat index, float64; eval mode"}

    # ---------------------------------------------------------------- heads.json
    modules = {}

    aspp_rates, aspp_in, aspp_out = [1, 2, 3], 16, 8
    w, c = run_module(ASPP(aspp_in, aspp_rates, aspp_out), ["n2c16h9w11"])
    modules["aspp"] = {"in_channels": aspp_in, "atrous_rates": aspp_rates, "out_channels": aspp_out,
                       "state_dict": listing(ASPP(aspp_in, aspp_rates, aspp_out)),
                       "parameters": count(ASPP(aspp_in, aspp_rates, aspp_out)), "weights": w, "cases": c}

    w, c = run_module(DeepLabHead(16, 3), ["n1c16h13w14"])
    modules["deeplab_head"] = {"in_channels": 16, "num_classes": 3, "atrous_rates": [12, 24, 36],
                               "state_dict": listing(DeepLabHead(16, 3)), "parameters": count(DeepLabHead(16, 3)),
                               "weights": w, "cases": c}

    w, c = run_module(FCNHead(16, 3), ["n2c16h9w11"])
    modules["fcn_head"] = {"in_channels": 16, "channels": 3, "state_dict": listing(FCNHead(16, 3)),
                           "parameters": count(FCNHead(16, 3)), "weights": w, "cases": c}

    v2_rates = [1, 2, 3, 5]
    w, c = run_module(DeepLabV2ASPP(16, 3, v2_rates), ["n1c16h9w11"])
    modules["deeplab_v2_aspp"] = {"in_channels": 16, "num_classes": 3, "rates": v2_rates,
                                  "state_dict": listing(DeepLabV2ASPP(16, 3, v2_rates)),
                                  "parameters": count(DeepLabV2ASPP(16, 3, v2_rates)), "weights": w, "cases": c}

    vgg_rates, vgg_hidden = [1, 2, 3, 5], 4
    w, c = run_module(DeepLabV2VggASPP(16, 3, vgg_rates, vgg_hidden), ["n1c16h9w11"])
    modules["deeplab_v2_aspp_vgg"] = {"in_channels": 16, "num_classes": 3, "rates": vgg_rates, "hidden_channels": vgg_hidden,
                                      "state_dict": listing(DeepLabV2VggASPP(16, 3, vgg_rates, vgg_hidden)),
                                      "parameters": count(DeepLabV2VggASPP(16, 3, vgg_rates, vgg_hidden)), "weights": w, "cases": c}

    counts = {
        "aspp_2048_12_24_36": count(ASPP(2048, [12, 24, 36])),
        "deeplab_head_2048_21": count(DeepLabHead(2048, 21)),
        "fcn_head_1024_21": count(FCNHead(1024, 21)),
        "deeplab_v2_aspp_2048_21_6_12_18_24": count(DeepLabV2ASPP(2048, 21, [6, 12, 18, 24])),
        "deeplab_v2_aspp_vgg_512_21_128_6_12_18_24": count(DeepLabV2VggASPP(512, 21, [6, 12, 18, 24], 128)),
    }
    # pyramids.md section 5 anchors, checked against the real torchvision
    assert counts["aspp_2048_12_24_36"] == 15535104, counts
    assert counts["deeplab_head_2048_21"] == 16130837, counts
    assert counts["fcn_head_1024_21"] == 2365205, counts
    write("heads.json", dict(header, inputs=inputs_doc(), counts=counts, **modules))

    # ---------------------------------------------------------------- spp.json
    bins_doc = [{"a": a, "n": n, "bins": adaptive_bins_from_pytorch(a, n)}
                for a, n in [(13, 4), (5, 6), (10, 6), (7, 4), (6, 4), (13, 6), (1, 3), (16, 6), (2, 4)]]
    assert bins_doc[0]["bins"] == [[0, 4], [3, 7], [6, 10], [9, 13]]  # pyramids.md section 4 example
    spp_cases = []
    for name, levels in [("n1c2h13w5", [4, 6, 2, 1]), ("n2c3h7w10", [4, 2, 1])]:
        x = make_input(name)
        for mode, op in [("max", F.adaptive_max_pool2d), ("average", F.adaptive_avg_pool2d)]:
            y = torch.cat([op(x, (n, n)).reshape(x.shape[0], -1) for n in levels], dim=1)
            assert y.shape[1] == x.shape[1] * sum(n * n for n in levels)
            spp_cases.append({"input": name, "bins": levels, "mode": mode, "shape": list(y.shape), "output": nums(y)})
    write("spp.json", dict(header, inputs=inputs_doc(), adaptive_bins=bins_doc, cases=spp_cases))

    # ---------------------------------------------------------------- speed.json
    speed = {}
    dspp_c, dspp_f, bins = 3, 2, [2, 4, 6, 8]
    ref = DSPP(dspp_c, bins, dspp_f)
    # independent checks of one branch: the valid average pool against numpy, the resize against TF2's formula
    for name in ["n1c3h8w10", "n1c3h15w9"]:
        x = make_input(name)
        for b, conv in zip(bins, DSPP(dspp_c, bins, dspp_f).double().convs):
            with torch.no_grad():
                up, pooled = speed_branch(x, b, conv)
                assert np.allclose(pooled.numpy(), numpy_avg_pool_valid(x, x.shape[2] // b, x.shape[3] // b), atol=1e-13)
                assert np.allclose(up.numpy(), tf_resize_bilinear(conv(pooled), x.shape[2], x.shape[3]), atol=1e-13)
    grids = [{"size": s, "bin": b, "window": s // b, "cells": int(F.avg_pool1d(torch.zeros(1, 1, s), s // b).shape[-1])}
             for s in [8, 10, 12, 15, 16, 9] for b in bins if b <= s]
    w, c = run_module(ref, ["n1c3h8w10", "n1c3h15w9"], store=lambda y, x: y[:, x.shape[1]:])
    speed["dspp"] = {"in_channels": dspp_c, "bins": bins, "filters": dspp_f, "state_dict": listing(DSPP(dspp_c, bins, dspp_f)),
                     "parameters": count(ref), "stored": "output channels C.. (the branches; channels 0..C-1 are the input)",
                     "weights": w, "cases": c}
    md_c, md_f = 3, 8
    ref = MDSPP(md_c, bins, md_f)
    w, c = run_module(ref, ["n1c3h15w9"], store=lambda y, x: y[:, :y.shape[1] - x.shape[1]])
    speed["mdspp"] = {"in_channels": md_c, "bins": bins, "filters": md_f, "state_dict": listing(MDSPP(md_c, bins, md_f)),
                      "parameters": count(ref), "stored": "output channels 0..2*(F//2)-1 (E then O; the input follows)",
                      "weights": w, "cases": c}
    # SeparableConv2d with the stride, padding and dilation of the [SeparableConv] stage (numbers and "same")
    separable = []
    for cfg in [dict(k=3, bias=True, stride=2, padding=1, dilation=1), dict(k=3, bias=False, stride=1, padding="same", dilation=2),
                dict(k=5, bias=True, stride=2, padding=0, dilation=2), dict(k=2, bias=True, stride=1, padding="same", dilation=1)]:
        make = lambda: StridedSeparableConv2d(3, 4, cfg["k"], cfg["bias"], cfg["stride"], cfg["padding"], cfg["dilation"])
        w, c = run_module(make(), ["n1c3h15w9"])
        separable.append(dict(cfg, in_channels=3, out_channels=4, state_dict=listing(make()), parameters=count(make()), weights=w, cases=c))
    speed["separable_convs"] = separable
    write("speed.json", dict(header, inputs=inputs_doc(), pooled_grids=grids, **speed))


if __name__ == "__main__":
    main()

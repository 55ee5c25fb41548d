#!/usr/bin/env python3
"""Write Generator.Tests/Fixtures/octave/octave.json from the real PyTorch (Debian's python3-torch 1.13).

Octave convolution (Chen et al., "Drop an Octave", ICCV 2019) to the semantics of the PyTorch reference
d-li14/octconv.pytorch (`octconv.py`: OctaveConv, Conv_BN, Conv_BN_ACT), written out below in our own code
(docs: /work/shared/reference/octave.md section 3, seed 002):

  channels   low = int(alpha * C), high = C - int(alpha * C), for inputs and outputs alike
  convs      conv_l2l, conv_l2h, conv_h2l, conv_h2h (registered in that order, after `downsample` and `upsample`),
             every one at stride 1 with the layer's kernel, padding, dilation and bias; a conv exists only when
             both of its sides have channels
  groups     as d-li14's later revision (the one seed 002 ports to Paddle): depthwise when groups == in_channels
             (here also > 1), which drops l2h / h2l; otherwise l2l gets ceil(alpha_in * g) groups, h2h
             ceil(g - alpha_in * g) and the cross convs g. Depthwise convs use their own input channel counts as
             groups (the same as d-li14's ceil rule whenever alpha_in * C is an integer, which every case here is)
  forward    down = AvgPool2d(2, 2), up = Upsample(x2, nearest); stride 2 first pools the high input, then
             Y_h = up(l2h(X_l)) + h2h(X_h) (no up at stride 2), Y_l = h2l(down(X_h)) + l2l(X_l or down(X_l) at s2)
  Conv_BN    conv, bn_h = BatchNorm2d(C_out - int(a_out C_out)), bn_l = BatchNorm2d(int(a_out C_out)) (not
             d-li14's int(C_out (1 - a_out)), which is 7 instead of 8 for C_out = 10, a_out = .25), act = ReLU

Every trainable parameter and every BatchNorm running statistic is filled, by state_dict key, with
    value[i] = offset + amp * sin(freq * (i + 1) + phase)     (i = row-major flat index, float64)
and the (amp, freq, phase, offset) of each key are written in the file. Modules are built and run in float64, eval mode,
on fixed inputs (multiples of 1/8, written in the file); outputs are written with 8 significant digits. The state_dict
listings come from float32 builds. Run with the Debian interpreter:
    /usr/bin/python3 tools/make_octave_fixtures.py
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "octave")


def split(channels, alpha):
    """(high, low) channel counts: low = int(alpha * C), high = C - low."""
    low = int(alpha * channels)
    return channels - low, low


class OctConv(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, alpha_in=0.5, alpha_out=0.5, stride=1, padding=0,
                 dilation=1, groups=1, bias=False):
        super().__init__()
        assert stride in (1, 2) and 0 <= alpha_in <= 1 and 0 <= alpha_out <= 1
        self.stride = stride
        self.downsample = nn.AvgPool2d(kernel_size=(2, 2), stride=2)
        self.upsample = nn.Upsample(scale_factor=2, mode="nearest")
        in_h, in_l = split(in_channels, alpha_in)
        out_h, out_l = split(out_channels, alpha_out)
        depthwise = groups == in_channels and groups > 1
        groups_l = in_l if depthwise else math.ceil(alpha_in * groups)
        groups_h = in_h if depthwise else math.ceil(groups - alpha_in * groups)

        def make(cin, cout, g, cross):
            if cin == 0 or cout == 0 or (cross and depthwise):
                return None
            return nn.Conv2d(cin, cout, kernel_size, 1, padding, dilation, g, bias)

        self.conv_l2l = make(in_l, out_l, groups_l, False)
        self.conv_l2h = make(in_l, out_h, groups, True)
        self.conv_h2l = make(in_h, out_l, groups, True)
        self.conv_h2h = make(in_h, out_h, groups_h, False)

    def forward(self, x):
        x_h, x_l = x if isinstance(x, tuple) else (x, None)
        if self.stride == 2:
            x_h = self.downsample(x_h)
        y_h = y_l = None
        if self.conv_h2h is not None:
            y_h = self.conv_h2h(x_h)
        if self.conv_l2h is not None:
            t = self.conv_l2h(x_l)
            if self.stride == 1:
                t = self.upsample(t)
            y_h = t if y_h is None else t + y_h
        if self.conv_h2l is not None:
            y_l = self.conv_h2l(self.downsample(x_h))
        if self.conv_l2l is not None:
            t = self.conv_l2l(self.downsample(x_l) if self.stride == 2 else x_l)
            y_l = t if y_l is None else y_l + t
        return y_h, y_l


class OctBN(nn.Module):
    """One BatchNorm2d per frequency, named as d-li14's Conv_BN children (bn_h, bn_l)."""

    def __init__(self, channels, alpha):
        super().__init__()
        high, low = split(channels, alpha)
        self.bn_h = nn.BatchNorm2d(high) if high > 0 else None
        self.bn_l = nn.BatchNorm2d(low) if low > 0 else None

    def forward(self, x):
        x_h, x_l = x if isinstance(x, tuple) else (x, None)
        return self.bn_h(x_h), (self.bn_l(x_l) if x_l is not None else None)


class OctConvBN(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, alpha_in=0.5, alpha_out=0.5, stride=1, padding=0,
                 dilation=1, groups=1, bias=False, act=False):
        super().__init__()
        self.conv = OctConv(in_channels, out_channels, kernel_size, alpha_in, alpha_out, stride, padding, dilation,
                            groups, bias)
        high, low = split(out_channels, alpha_out)
        self.bn_h = nn.BatchNorm2d(high) if high > 0 else None
        self.bn_l = nn.BatchNorm2d(low) if low > 0 else None
        self.has_act = act
        if act:
            self.act = nn.ReLU(inplace=True)

    def pre_activation(self, x):
        y_h, y_l = self.conv(x)
        return self.bn_h(y_h), (self.bn_l(y_l) if y_l is not None else None)

    def forward(self, x):
        y_h, y_l = self.pre_activation(x)
        if self.has_act:
            y_h = self.act(y_h)
            y_l = self.act(y_l) if y_l is not None else None
        return y_h, y_l


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


def nums(t, digits=8):
    return [Raw(("%%.%dg" % digits) % float(v)) for v in t.detach().to(torch.float64).flatten().tolist()]


def listing(module):
    params = dict(module.named_parameters())
    return [{"key": k, "shape": list(v.shape), "kind": "param" if k in params else "buffer"}
            for k, v in module.state_dict().items()]


def recipe_for(key, index):
    phase = round(0.37 * index + 0.11, 2)
    leaf = key.rsplit(".", 1)[-1]
    if leaf == "running_var":
        return 0.5, 0.8, phase, 1.0
    if leaf == "running_mean":
        return 0.3, 1.7, phase, 0.0
    if key.startswith("bn_") and leaf == "weight":  # BatchNorm gamma
        return 0.3, 1.3, phase, 1.0
    if leaf == "bias":
        return 0.2, 2.3, phase, 0.0
    return 0.4, 1.3, phase, 0.0


def fill(module):
    params = dict(module.named_parameters())
    rows = []
    with torch.no_grad():
        for key, value in module.state_dict().items():
            if key not in params and not key.endswith(("running_mean", "running_var")):
                continue
            amp, freq, phase, offset = recipe_for(key, len(rows))
            i = torch.arange(1, value.numel() + 1, dtype=torch.float64)
            value.copy_((offset + amp * torch.sin(freq * i + phase)).reshape(value.shape).to(value.dtype))
            rows.append({"key": key, "amp": amp, "freq": freq, "phase": phase, "offset": offset})
    return rows


def conv_macs(module, x):
    """Multiply-adds of the whole batch measured on a forward pass: per conv, output elements (batch x out channels x
    positions) x (in channels / groups) x k^2 (bias not counted), summed; PyTorch's own output shapes."""
    total = [0]

    def hook(conv, inputs, output):
        per_out = (conv.in_channels // conv.groups) * conv.kernel_size[0] * conv.kernel_size[1]
        total[0] += output.numel() * per_out

    handles = [m.register_forward_hook(hook) for m in module.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        module(x)
    for h in handles:
        h.remove()
    return total[0]


def in_float64(factory):
    torch.set_default_dtype(torch.float64)
    try:
        return factory()
    finally:
        torch.set_default_dtype(torch.float32)


# --------------------------------------------------------------------------------------------- cases

def main():
    torch.set_default_dtype(torch.float32)
    rs = np.random.RandomState(20240613)

    def inp(shape):
        return torch.tensor(rs.randint(-16, 17, size=shape) / 8.0, dtype=torch.float64)

    # Non-square maps everywhere, so a swapped H / W shows up.
    inputs = {
        "p3_4x6": inp((1, 3, 4, 6)),        # plain input of a first layer
        "p3_8x4": inp((1, 3, 8, 4)),
        "h4_4x6n2": inp((2, 4, 4, 6)), "l4_2x3n2": inp((2, 4, 2, 3)), # C = 8, alpha .5, batch 2
        "h4_4x6": inp((1, 4, 4, 6)), "l4_2x3": inp((1, 4, 2, 3)),
        "h4_8x4": inp((1, 4, 8, 4)), "l4_4x2": inp((1, 4, 4, 2)),
        "h4_6x10": inp((1, 4, 6, 10)), "l4_3x5": inp((1, 4, 3, 5)),   # even but not divisible by 4
        "h8_4x6": inp((1, 8, 4, 6)), "l2_2x3": inp((1, 2, 2, 3)),     # C = 10, alpha .25: high 8, low 2
        "h8_8x4": inp((1, 8, 8, 4)), "l2_4x2": inp((1, 2, 4, 2)),
        "h6_4x6": inp((1, 6, 4, 6)), "l2b_2x3": inp((1, 2, 2, 3)),    # C = 8, alpha .25: high 6, low 2
    }

    # name, kind, (in, out, k, alpha_in, alpha_out, stride, padding, dilation, groups, bias), (high input, low input)
    plan = [
        ("middle_s1", "conv", (8, 8, 3, 0.5, 0.5, 1, 1, 1, 1, False), ("h4_4x6n2", "l4_2x3n2")),
        ("middle_s2", "conv", (8, 8, 3, 0.5, 0.5, 2, 1, 1, 1, False), ("h4_8x4", "l4_4x2")),
        ("middle_s1_bias", "conv", (8, 6, 3, 0.5, 0.5, 1, 1, 1, 1, True), ("h4_4x6", "l4_2x3")),
        ("middle_1x1_s2", "conv", (8, 12, 1, 0.5, 0.5, 2, 0, 1, 1, False), ("h4_8x4", "l4_4x2")),
        ("middle_dilated", "conv", (8, 8, 3, 0.5, 0.5, 1, 2, 2, 1, False), ("h4_4x6", "l4_2x3")),
        ("first_s1", "conv", (3, 8, 3, 0.0, 0.5, 1, 1, 1, 1, False), ("p3_4x6", None)),
        ("first_s2_bias", "conv", (3, 8, 3, 0.0, 0.5, 2, 1, 1, 1, True), ("p3_8x4", None)),
        ("last_s1", "conv", (8, 5, 3, 0.5, 0.0, 1, 1, 1, 1, False), ("h4_4x6", "l4_2x3")),
        ("last_s2", "conv", (8, 5, 3, 0.5, 0.0, 2, 1, 1, 1, True), ("h4_6x10", "l4_3x5")),
        ("uneven_c10", "conv", (10, 10, 3, 0.25, 0.75, 1, 1, 1, 1, False), ("h8_4x6", "l2_2x3")),
        ("uneven_c10_s2", "conv", (10, 10, 3, 0.25, 0.75, 2, 1, 1, 1, True), ("h8_8x4", "l2_4x2")),
        ("depthwise_s1_bias", "conv", (8, 8, 3, 0.5, 0.5, 1, 1, 1, 8, True), ("h4_4x6", "l4_2x3")),
        ("depthwise_s2", "conv", (8, 8, 3, 0.5, 0.5, 2, 1, 1, 8, False), ("h4_8x4", "l4_4x2")),
        ("grouped_g2", "conv", (8, 8, 3, 0.5, 0.5, 1, 1, 1, 2, False), ("h4_4x6", "l4_2x3")),
        ("bn_c10", "bn", (10, 0.25), ("h8_4x6", "l2_2x3")),
        ("conv_bn_c10", "conv_bn", (10, 10, 3, 0.25, 0.25, 1, 1, 1, 1, False), ("h8_4x6", "l2_2x3")),
        ("conv_bn_act_c10", "conv_bn_act", (10, 10, 3, 0.25, 0.25, 1, 1, 1, 1, False), ("h8_4x6", "l2_2x3")),
        ("conv_bn_act_first_s2", "conv_bn_act", (3, 8, 3, 0.0, 0.25, 2, 1, 1, 1, False), ("p3_8x4", None)),
        ("conv_bn_act_last", "conv_bn_act", (8, 6, 1, 0.25, 0.0, 1, 0, 1, 1, False), ("h6_4x6", "l2b_2x3")),
    ]

    def build(kind, args):
        if kind == "conv":
            return OctConv(*args)
        if kind == "bn":
            return OctBN(*args)
        return OctConvBN(*args, act=(kind == "conv_bn_act"))

    cases = []
    for name, kind, args, (hi, lo) in plan:
        listed = build(kind, args)
        m = in_float64(lambda: build(kind, args))
        weights = fill(m)
        m.eval()
        x = inputs[hi] if lo is None else (inputs[hi], inputs[lo])
        with torch.no_grad():
            y_h, y_l = m(x)
        case = {"name": name, "kind": kind}
        if kind == "bn":
            case.update({"channels": args[0], "alpha": args[1]})
        else:
            keys = ["in_channels", "out_channels", "kernel_size", "alpha_in", "alpha_out", "stride", "padding",
                    "dilation", "groups", "bias"]
            case.update(dict(zip(keys, args)))
        case.update({"high_input": hi, "low_input": lo,
                     "trainable": sum(p.numel() for p in listed.parameters()),
                     "state_dict": listing(listed), "weights": weights})
        if kind != "bn":
            conv = m if kind == "conv" else m.conv
            batch = (x[0] if isinstance(x, tuple) else x).shape[0]
            case["macs"] = conv_macs(conv, x) // batch
        if kind in ("conv_bn", "conv_bn_act") and args[0] == 10:
            case["dli14_bn_h_size"] = int(args[1] * (1 - args[4]))   # d-li14's sizing, for the record
        if kind == "conv_bn_act":
            with torch.no_grad():
                p_h, p_l = m.pre_activation(x)
            assert (p_h < -0.1).any(), name   # the ReLU has work to do
        case.update({"high_shape": list(y_h.shape), "high": nums(y_h),
                     "low_shape": None if y_l is None else list(y_l.shape),
                     "low": None if y_l is None else nums(y_l)})
        cases.append(case)

    # Independent checks of the reference written above.
    with torch.no_grad():
        # alpha 0 / 0 is a plain convolution (after the 2x2 average pool at stride 2)
        plain = in_float64(lambda: OctConv(3, 5, 3, 0.0, 0.0, 2, 1))
        fill(plain)
        x = inputs["p3_8x4"]
        y, none = plain(x)
        assert none is None
        ref = F.conv2d(F.avg_pool2d(x, 2), plain.conv_h2h.weight, padding=1)
        assert torch.allclose(y, ref, atol=1e-12)
        # groups = 1, no bias: parameters equal the plain conv's C_in C_out k^2
        for cin, cout, k, a_in, a_out in [(8, 8, 3, 0.5, 0.5), (10, 10, 3, 0.25, 0.75), (64, 64, 3, 0.125, 0.125)]:
            oc = OctConv(cin, cout, k, a_in, a_out, padding=k // 2)
            assert sum(p.numel() for p in oc.parameters()) == cin * cout * k * k
        # multiply-add ratio 1 - 1.5a + 0.75a^2 for alpha_in = alpha_out = a (C = 64, 3x3, 32x32)
        for a in [0.125, 0.25, 0.5, 0.75]:
            oc = OctConv(64, 64, 3, a, a, padding=1)
            h, l = split(64, a)
            x = (torch.zeros(1, h, 32, 32), torch.zeros(1, l, 16, 16))
            ratio = conv_macs(oc, x) / (64 * 64 * 9 * 32 * 32)
            assert abs(ratio - (1 - 1.5 * a + 0.75 * a * a)) < 1e-12, (a, ratio)
            # stride 2: l2h is not upsampled, so it runs at the output resolution: 1 - 0.75a of the plain conv at 16x16
            oc2 = OctConv(64, 64, 3, a, a, stride=2, padding=1)
            ratio2 = conv_macs(oc2, x) / (64 * 64 * 9 * 16 * 16)
            assert abs(ratio2 - (1 - 0.75 * a)) < 1e-12, (a, ratio2)

    doc = {
        "generator": "tools/make_octave_fixtures.py",
        "torch": torch.__version__,
        "recipe": "value[i] = offset + amp * sin(freq * (i + 1) + phase), i = row-major flat index, float64; "
                  "modules built and run in float64, eval mode",
        "inputs": {k: {"shape": list(v.shape), "values": nums(v)} for k, v in inputs.items()},
        "cases": cases,
    }
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "octave.json")
    with open(path, "w") as f:
        f.write(dumps(doc) + "\n")
    print("wrote %s (%d bytes, %d cases)" % (path, os.path.getsize(path), len(cases)))


if __name__ == "__main__":
    main()

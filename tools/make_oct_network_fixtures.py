#!/usr/bin/env python3
"""Write the octave network fixtures from the real PyTorch (Debian's python3-torch 1.13):

  Generator.Tests/Fixtures/octave/oct_resnet50_state_dict.tsv   state_dict keys, shapes and kinds of Oct-ResNet-50
  Generator.Tests/Fixtures/octave/oct_resnet_tiny.json          a small Oct-ResNet: weights recipe, input, output

The networks follow d-li14/octconv.pytorch's oct_resnet.py (Bottleneck of Conv_BN_ACT, Conv_BN_ACT, Conv_BN; residual
added per frequency; downsample = nn.Sequential(Conv_BN(inplanes, planes * 4, 1, stride, alpha_in, alpha_out)); layer1's
first block splits (alpha_in 0), layer4's first block merges (alpha_out 0) and its later blocks run at alpha 0),
written in our own code on top of the octave convolution of make_octave_fixtures.py (the reference semantics). As in the
NetDsl sample, the Bottleneck's later layers take the block's alpha_out where d-li14 hard-codes 0.5 (or 0 when `output`):
the same network at alpha 0.5.

Weights of the small network are filled by state_dict key with value[i] = offset + amp * sin(freq * (i + 1) + phase)
(i = row-major flat index, float64); each key's (amp, freq, phase, offset) is in the file, so the C# test fills its own
module by the same keys. The network runs in float64, eval mode; the output is written with 10 significant digits.
Run with the Debian interpreter:  /usr/bin/python3 tools/make_oct_network_fixtures.py
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_octave_fixtures import OctConvBN, conv_macs  # noqa: E402  (the reference-semantics octave conv)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "octave")


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, alpha_in=0.5, alpha_out=0.5):
        super().__init__()
        self.conv1 = OctConvBN(inplanes, planes, 1, alpha_in, alpha_out, act=True)
        self.conv2 = OctConvBN(planes, planes, 3, alpha_out, alpha_out, stride=stride, padding=1, act=True)
        self.conv3 = OctConvBN(planes, planes * 4, 1, alpha_out, alpha_out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes * 4 or alpha_in != alpha_out:
            self.downsample = nn.Sequential(OctConvBN(inplanes, planes * 4, 1, alpha_in, alpha_out, stride=stride))

    def forward(self, x):
        identity_h, identity_l = x if isinstance(x, tuple) else (x, None)
        y_h, y_l = self.conv3(self.conv2(self.conv1(x)))
        if self.downsample is not None:
            identity_h, identity_l = self.downsample(x)
        y_h = self.relu(y_h + identity_h)
        y_l = self.relu(y_l + identity_l) if y_l is not None else None
        return y_h, y_l


def make_layer(inplanes, planes, blocks, stride, first, later):
    """first / later: (alpha_in, alpha_out) of the first block and of the others."""
    layers = [Bottleneck(inplanes, planes, stride, *first)]
    layers += [Bottleneck(planes * 4, planes, 1, *later) for _ in range(1, blocks)]
    return nn.Sequential(*layers)


class OctResNet(nn.Module):
    def __init__(self, layers, alpha=0.5, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = make_layer(64, 64, layers[0], 1, (0, alpha), (alpha, alpha))
        self.layer2 = make_layer(256, 128, layers[1], 2, (alpha, alpha), (alpha, alpha))
        self.layer3 = make_layer(512, 256, layers[2], 2, (alpha, alpha), (alpha, alpha))
        self.layer4 = make_layer(1024, 512, layers[3], 2, (alpha, 0), (0, 0))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(2048, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x_h, _ = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x_h), 1))


class OctResNetTiny(nn.Module):
    """The NetDsl sample OctResNetTiny: 3x3 stem to 16, layer1 = 2 Bottlenecks (8 planes, the first splits), layer2 =
    one at stride 2, layer3 = one at stride 2 that merges, global average pool, fc to 10."""

    def __init__(self, alpha=0.5):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = make_layer(16, 8, 2, 1, (0, alpha), (alpha, alpha))
        self.layer2 = Bottleneck(32, 16, 2, alpha, alpha)
        self.layer3 = Bottleneck(64, 16, 2, alpha, 0)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x_h, _ = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(self.avgpool(x_h), 1))


def conv_dw(inp, oup, stride, alpha_in=0.5, alpha_out=0.5):
    """Seed 002's conv_dw: depthwise 3x3 at alpha_in -> alpha_in, then pointwise 1x1 at alpha_in -> alpha_out, each Conv_BN_ACT."""
    return nn.Sequential(
        OctConvBN(inp, inp, 3, alpha_in, alpha_in, stride=stride, padding=1, groups=inp, act=True),
        OctConvBN(inp, oup, 1, alpha_in, alpha_out, act=True))


class OctMobileNetV1(nn.Module):
    """Seed 002's OctMobileNet (Paddle there, PyTorch here): conv_bn stem with a bias (Paddle's Conv2D default), 14 conv_dw."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1), nn.BatchNorm2d(32), nn.ReLU()),
            conv_dw(32, 64, 1, 0, 0.5),
            conv_dw(64, 128, 2), conv_dw(128, 128, 1),
            conv_dw(128, 256, 2), conv_dw(256, 256, 1),
            conv_dw(256, 512, 2),
            conv_dw(512, 512, 1), conv_dw(512, 512, 1), conv_dw(512, 512, 1), conv_dw(512, 512, 1), conv_dw(512, 512, 1),
            conv_dw(512, 512, 1, 0.5, 0),
            conv_dw(512, 1024, 2, 0, 0),
            conv_dw(1024, 1024, 1, 0, 0))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(1024, num_classes)

    def forward(self, x):
        x_h, _ = self.features(x)
        return self.fc(torch.flatten(self.avgpool(x_h), 1))


def write_listing(name, net, description, image):
    params = dict(net.named_parameters())
    total = sum(p.numel() for p in net.parameters())
    macs = conv_macs(net, image) + net.fc.in_features * net.fc.out_features
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {description}; torch {torch.__version__}; macs_224 {macs}; total_params {total}\n")
        for key, tensor in net.state_dict().items():
            f.write(f"{key}\t{shape_text(tensor)}\t{'param' if key in params else 'buffer'}\n")
    print(f"{path}: {len(net.state_dict())} entries, {total:,} parameters, {macs:,} multiply-adds")


def recipe_for(key, shape, index):
    """A deterministic, well-scaled value recipe per key: conv and fc weights ~ 1/sqrt(fan-in), BN near identity."""
    phase = round(0.37 * index + 0.11, 2)
    leaf = key.rsplit(".", 1)[-1]
    parent = key.rsplit(".", 2)[-2] if key.count(".") >= 1 else ""
    if leaf == "running_var":
        return 0.25, 0.8, phase, 1.0
    if leaf == "running_mean":
        return 0.1, 1.7, phase, 0.0
    if leaf == "weight" and len(shape) == 1:  # BatchNorm gamma (bn1, bn_h, bn_l)
        return 0.2, 1.3, phase, 1.0
    if leaf == "bias":
        return 0.05, 2.3, phase, 0.0
    fan_in = int(np.prod(shape[1:]))
    return round(1.5 / np.sqrt(fan_in), 6), 1.3, phase, 0.0


def fill(module):
    params = dict(module.named_parameters())
    rows = []
    with torch.no_grad():
        for key, value in module.state_dict().items():
            if key not in params and not key.endswith(("running_mean", "running_var")):
                continue
            amp, freq, phase, offset = recipe_for(key, list(value.shape), len(rows))
            i = torch.arange(1, value.numel() + 1, dtype=torch.float64)
            value.copy_((offset + amp * torch.sin(freq * i + phase)).reshape(value.shape).to(value.dtype))
            rows.append({"key": key, "amp": amp, "freq": freq, "phase": phase, "offset": offset})
    return rows


def shape_text(t):
    return "x".join(str(s) for s in t.shape) if t.dim() > 0 else "scalar"


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)

    # Oct-ResNet-50 and seed 002's Oct-MobileNetV1: keys, shapes, parameter count, conv + fc multiply-adds at 224x224
    # measured on a forward pass.
    image = torch.zeros(1, 3, 224, 224)
    write_listing("oct_resnet50_state_dict.tsv", OctResNet([3, 4, 6, 3]).eval(), "Oct-ResNet-50 (d-li14 structure, alpha 0.5)", image)
    write_listing("oct_mobilenet_v1_state_dict.tsv", OctMobileNetV1().eval(), "seed 002 Oct-MobileNetV1 (10 classes)", image)

    # The small network, numerically.
    torch.set_default_dtype(torch.float64)
    tiny = OctResNetTiny().eval()
    torch.set_default_dtype(torch.float32)
    rows = fill(tiny)
    rs = np.random.RandomState(20241124)
    inp = torch.tensor(rs.randint(-16, 17, size=(2, 3, 32, 32)) / 8.0, dtype=torch.float64)
    with torch.no_grad():
        out = tiny(inp)
    doc = {
        "description": "OctResNetTiny (NetDsl sample) built in PyTorch to d-li14's semantics; float64, eval mode",
        "torch": torch.__version__,
        "input_shape": list(inp.shape),
        "input": [float(v) for v in inp.flatten().tolist()],
        "output_shape": list(out.shape),
        "output": [float("%.10g" % v) for v in out.flatten().tolist()],
        "state_dict": [{"key": k, "shape": list(v.shape)} for k, v in tiny.state_dict().items()],
        "recipe": rows,
    }
    path = os.path.join(OUT, "oct_resnet_tiny.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"{path}: output {list(out.shape)}, {len(rows)} filled entries")


if __name__ == "__main__":
    main()

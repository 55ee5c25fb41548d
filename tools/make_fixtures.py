#!/usr/bin/python3
"""Writes the reference fixtures the runtime parity tests compare against (Generator.Tests/Fixtures/*.tsv).

Each fixture lists a PyTorch module's state_dict in order, one entry a line:
    key <TAB> shape (e.g. 64x3x7x7; "scalar" for a 0-d tensor) <TAB> param|buffer
after a header comment with the library versions and the total parameter count (sum of numel over parameters()).

Run with the Debian interpreter that has python3-torch and python3-torchvision installed:
    /usr/bin/python3 tools/make_fixtures.py
"""
import os
import sys

import torch
import torch.nn as nn
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures")


class Seed004ConvModule(nn.Module):
    """Seed 004's ConvModule: six unpadded 3x3 convs with dilations 1, 2, 5, 1, 2, 5, then a linear classifier."""

    def __init__(self, num_classes=3):
        super().__init__()
        channels = [3, 32, 32, 64, 64, 64, 128]
        dilations = [1, 2, 5, 1, 2, 5]
        layers = []
        for i, d in enumerate(dilations):
            layers += [
                nn.Conv2d(channels[i], channels[i + 1], kernel_size=3, padding=0, dilation=d),
                nn.BatchNorm2d(channels[i + 1]),
                nn.ReLU(inplace=True),
            ]
        self.conv = nn.Sequential(*layers)
        self.fc = nn.Linear(128, num_classes)

    def forward(self, x):
        x = self.conv(x)
        x = torch.mean(x, dim=(2, 3))
        return self.fc(x)


def shape_text(t):
    return "x".join(str(s) for s in t.shape) if t.dim() > 0 else "scalar"


def write_fixture(name, model, description):
    params = dict(model.named_parameters())
    total = sum(p.numel() for p in model.parameters())
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {description}; torch {torch.__version__}; torchvision {torchvision.__version__}; "
                f"total_params {total}\n")
        for key, tensor in model.state_dict().items():
            kind = "param" if key in params else "buffer"
            f.write(f"{key}\t{shape_text(tensor)}\t{kind}\n")
    print(f"{path}: {len(model.state_dict())} entries, {total:,} parameters")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    write_fixture("resnet50_state_dict.tsv", torchvision.models.resnet50(), "torchvision.models.resnet50()")
    write_fixture("seed004_state_dict.tsv", Seed004ConvModule(), "seed 004 ConvModule (dilations 1,2,5,1,2,5)")
    write_fixture("deeplabv3_resnet50_noaux_state_dict.tsv",
                  torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None, num_classes=21, aux_loss=False),
                  "torchvision.models.segmentation.deeplabv3_resnet50(num_classes=21, aux_loss=False)")
    write_fixture("deeplabv3_resnet50_aux_state_dict.tsv",
                  torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None, num_classes=21, aux_loss=True),
                  "torchvision.models.segmentation.deeplabv3_resnet50(num_classes=21, aux_loss=True)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

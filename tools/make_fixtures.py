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


class Seed003ASPP(nn.Module):
    """Seed 003's DeepLab v2 ASPP on VGG-16, as printed: four branches (rates 6, 12, 18, 24), each a dilated 3x3 conv to
    128 channels, ReLU, 1x1, ReLU, 1x1 to the classes; the branch outputs are summed."""

    def __init__(self, in_channels, num_classes):
        super().__init__()
        for i, rate in enumerate([6, 12, 18, 24]):
            setattr(self, "branch{}".format(i + 1), nn.Sequential(
                nn.Conv2d(in_channels=in_channels, out_channels=128, kernel_size=3, stride=1, padding=rate, dilation=rate, bias=True),
                nn.ReLU(inplace=True),
                nn.Conv2d(in_channels=128, out_channels=128, kernel_size=1, stride=1, padding=0, bias=True),
                nn.ReLU(inplace=True),
                nn.Conv2d(in_channels=128, out_channels=num_classes, kernel_size=1, stride=1, padding=0, bias=True),
            ))

    def forward(self, x):
        return self.branch1(x) + self.branch2(x) + self.branch3(x) + self.branch4(x)


class Seed003DeepLabv2(nn.Module):
    """Seed 003's DeepLabv2 (VGG-16 backbone): conv1-conv5 with ReLU, pool1-3 at stride 2, pool4 / pool5 as 3x3 max
    pools at stride 1, conv5 dilated by 2, then the summed ASPP. The seed prints 4x3x224x224 -> 4x21x28x28."""

    def __init__(self, in_channels=3, num_classes=21):
        super().__init__()

        def convs(cin, cout, n, dilation=1):
            layers = []
            for i in range(n):
                layers += [nn.Conv2d(cin if i == 0 else cout, cout, kernel_size=3, stride=1, padding=dilation, dilation=dilation, bias=True),
                           nn.ReLU(inplace=True)]
            return nn.Sequential(*layers)

        self.conv1 = convs(in_channels, 64, 2)
        self.pool1 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.conv2 = convs(64, 128, 2)
        self.pool2 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.conv3 = convs(128, 256, 3)
        self.pool3 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.conv4 = convs(256, 512, 3)
        self.pool4 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.conv5 = convs(512, 512, 3, dilation=2)
        self.pool5 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)
        self.ASPP = Seed003ASPP(in_channels=512, num_classes=num_classes)

    def forward(self, x):
        for name in ["conv1", "pool1", "conv2", "pool2", "conv3", "pool3", "conv4", "pool4", "conv5", "pool5", "ASPP"]:
            x = getattr(self, name)(x)
        return x


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
    seed003 = Seed003DeepLabv2()
    with torch.no_grad():
        shape = tuple(seed003(torch.randn(4, 3, 224, 224)).shape)
    assert shape == (4, 21, 28, 28), shape  # the seed's printed output shape
    write_fixture("seed003_deeplabv2_state_dict.tsv", seed003,
                  "seed 003 DeepLabv2 (VGG-16, summed ASPP 6/12/18/24, 128 hidden); 4x3x224x224 -> 4x21x28x28")
    write_fixture("deeplabv3_resnet50_aux_state_dict.tsv",
                  torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None, num_classes=21, aux_loss=True),
                  "torchvision.models.segmentation.deeplabv3_resnet50(num_classes=21, aux_loss=True)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

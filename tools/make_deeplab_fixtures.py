#!/usr/bin/python3
"""Write Generator.Tests/Fixtures/deeplab/deeplab.json from the real PyTorch and torchvision (Debian's python3-torch 1.13,
python3-torchvision 0.14) for Generator.Tests/Pyramids/DeepLabParityTests.cs, which runs the NetDsl networks of
Samples/Networks/DeepLabParity.cs (generated code, not the runtime modules alone) on the same weights and inputs.

  aspp        torchvision's ASPP(16, [1, 2, 3], 8) as the child `aspp` of a container (keys aspp.convs.0.0.weight, ...)
  head        torchvision's DeepLabHead(16, 3) as the child `head` (0.14 fixes the rates at 12/24/36, width 256)
  deeplabv3   a small DeepLabV3 exactly as torchvision builds deeplabv3_resnet50, with fewer blocks:
              _deeplabv3_resnet(ResNet(Bottleneck, [2, 2, 2, 2], replace_stride_with_dilation=[False, True, True]),
              num_classes=3, aux=True): IntermediateLayerGetter (layer4 -> "out", layer3 -> "aux"), DeepLabHead(2048, 3),
              FCNHead(1024, 3), both upsampled to the input; two blocks per layer so that the first block of a dilated
              layer keeps the previous dilation and the second takes the new one
  resnet50_dilation   the stride, dilation and padding of every Conv2d of torchvision's resnet50 for each of the
              8 replace_stride_with_dilation lists ("FTT" = [False, True, True]: output stride 8; "FFT": 16)

Weights, inputs and outputs as tools/make_pyramid_fixtures.py (whose helpers this script imports): every parameter and
BatchNorm running statistic is filled by state_dict key with value[i] = offset + amp * sin(freq * (i + 1) + phase), the
(amp, freq, phase, offset) of each key written in the file; inputs are amp * sin(freq * (i + 1) + phase); float64, eval
mode. The DeepLabV3 outputs (1x3x64x64 each) are stored at every 5th row and column (the upsampling is bilinear from
8x8, so these samples involve every logit) together with the sum and the sum of squares of the whole tensor. Run:
    /usr/bin/python3 tools/make_deeplab_fixtures.py
"""
import itertools
import os
import sys

import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import Bottleneck, ResNet
from torchvision.models.segmentation.deeplabv3 import ASPP, DeepLabHead, _deeplabv3_resnet

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_pyramid_fixtures as P  # noqa: E402  (fill, nums, listing, dumps, count: the shared recipe)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "deeplab")
STEP = 5

INPUTS = {
    # name: (shape, amp, freq, phase)
    "n2c16h9w11": ([2, 16, 9, 11], 1.0, 0.731, 0.2),
    "n1c16h13w14": ([1, 16, 13, 14], 1.0, 0.617, 0.5),
    "n1c3h64w64": ([1, 3, 64, 64], 1.0, 0.0123, 0.3),
}
P.INPUTS.update(INPUTS)


class Child(nn.Module):
    """A container with one child, so the keys carry the NetDsl stage's name (aspp.convs.0.0.weight)."""

    def __init__(self, name, module):
        super().__init__()
        self.name = name
        self.add_module(name, module)

    def forward(self, x):
        return getattr(self, self.name)(x)


def small_deeplabv3():
    backbone = ResNet(Bottleneck, [2, 2, 2, 2], replace_stride_with_dilation=[False, True, True])
    return _deeplabv3_resnet(backbone, num_classes=3, aux=True)


def sampled(y):
    return y[:, :, ::STEP, ::STEP]


def conv_listing(model):
    """[name, stride, dilation, padding] of every Conv2d (all square in ResNet)."""
    rows = []
    for n, m in model.named_modules():
        if isinstance(m, nn.Conv2d):
            assert m.stride[0] == m.stride[1] and m.dilation[0] == m.dilation[1] and m.padding[0] == m.padding[1]
            rows.append([n, m.stride[0], m.dilation[0], m.padding[0]])
    return rows


def main():
    torch.set_default_dtype(torch.float32)
    doc = {"generator": "tools/make_deeplab_fixtures.py", "torch": torch.__version__, "torchvision": torchvision.__version__,
           "recipe": "weights: value[i] = offset + amp * sin(freq * (i + 1) + phase) by state_dict key; inputs: "
                     "value[i] = amp * sin(freq * (i + 1) + phase); i = row-major flat index, float64; eval mode",
           "inputs": {k: v for k, v in P.inputs_doc().items() if k in INPUTS}}

    for key, name, module, inp in [("aspp", "aspp", lambda: ASPP(16, [1, 2, 3], 8), "n2c16h9w11"),
                                   ("head", "head", lambda: DeepLabHead(16, 3), "n1c16h13w14")]:
        w, c = P.run_module(Child(name, module()), [inp])
        doc[key] = {"state_dict": P.listing(Child(name, module())), "parameters": P.count(Child(name, module())),
                    "weights": w, "cases": c}

    model = small_deeplabv3().double()
    weights = P.fill(model)
    model.eval()
    x = P.make_input("n1c3h64w64")
    with torch.no_grad():
        result = model(x)
    outputs = {}
    for name in ["out", "aux"]:
        y = result[name]
        assert y.shape == (1, 3, 64, 64), y.shape
        # the samples must not be dominated by a few huge values, or 1e-4 would say little
        assert 0.05 < y.abs().mean() < 50, (name, float(y.abs().mean()))
        outputs[name] = {"shape": list(y.shape), "step": STEP, "sampled_shape": list(sampled(y).shape),
                         "sampled": P.nums(sampled(y)), "sum": float(y.sum()), "sum_of_squares": float((y * y).sum())}
    reference = small_deeplabv3()
    doc["deeplabv3"] = {"builder": "_deeplabv3_resnet(ResNet(Bottleneck, [2, 2, 2, 2], replace_stride_with_dilation="
                                   "[False, True, True]), num_classes=3, aux=True)",
                        "input": "n1c3h64w64", "state_dict": P.listing(reference), "parameters": P.count(reference),
                        "weights": weights, "outputs": outputs}

    # every replace_stride_with_dilation of resnet50, keyed like "FTT" (layer2, layer3, layer4)
    doc["resnet50_dilation"] = {
        "".join("T" if f else "F" for f in flags): conv_listing(torchvision.models.resnet50(replace_stride_with_dilation=list(flags)))
        for flags in itertools.product([False, True], repeat=3)
    }

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "deeplab.json")
    with open(path, "w") as f:
        f.write(P.dumps(doc) + "\n")
    print(f"{path}: {os.path.getsize(path):,} bytes; small DeepLabV3 {doc['deeplabv3']['parameters']:,} parameters, "
          f"{len(weights)} filled entries")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Write Generator.Tests/Fixtures/checkpoints/ with the real PyTorch 1.13 and torchvision 0.14 (Debian): PyTorch
checkpoints for NetDsl's LoadWeights, with PyTorch's outputs on them, and PyTorch's reading of a checkpoint NetDsl wrote.

  resnet18.pt.gz            torch.save(torchvision.models.resnet18().state_dict()) (float32, 46.8 MB), gzipped: every
                            weight follows a periodic rule (below), so the archive compresses to a few hundred kB;
                            the BatchNorm statistics are calibrated by one train-mode forward (momentum 1) on the input
  deeplabv3_head.pt.gz      torch.save of a module with `backbone` (Conv2d(3, 16, 3)) and `classifier`
                            (torchvision's DeepLabHead(16, 3)), i.e. DeepLabV3's key names, gzipped
  deeplabv3_head.safetensors.gz  the same state_dict as a safetensors file, written here by hand (Debian has no python
                            safetensors): 8-byte little-endian header length, JSON header, raw little-endian data
  checkpoints.json          outputs in float64 (the float32 checkpoint loaded into a float64 copy, eval mode):
                            resnet18's 1000 logits on n1c3h64w64 and the head's output on n1c16h13w14, with the inputs'
                            recipes; and `netdsl_aspp`: PyTorch's output for netdsl_aspp.pt (below) on n2c16h9w11
  pytorch_aspp.pt           netdsl_aspp.pt loaded with torch.load + load_state_dict (strict) into torchvision's
                            ASPP(16, [1, 2, 3], 8) as child `aspp`, saved again with torch.save: NetDsl -> PyTorch -> NetDsl

netdsl_aspp.pt is written by NetDsl (SaveWeights of a seeded AsppParityNet): NETDSL_WRITE_CHECKPOINTS=1 dotnet test
Generator.Tests --filter CheckpointTests writes it; then run this script.

Periodic rule: value[i] = s * P[i mod 61], P[j] = round(16 sin(2.4 j + 0.7)) / 16, i the row-major flat index; s =
1.7 / sqrt(fan_in) for conv and linear weights, 0.2 for biases; BatchNorm weights 1 + 0.3 P, running_var 1 + 0.3 P,
running_mean 0.1 P (before calibration). Inputs: value[i] = sin(freq (i + 1) + phase) (float64).
    /usr/bin/python3 tools/make_checkpoint_fixtures.py
"""
import gzip
import io
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torchvision
from torchvision.models.segmentation.deeplabv3 import ASPP, DeepLabHead

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "checkpoints")
PERIOD = [round(16 * math.sin(2.4 * j + 0.7)) / 16 for j in range(61)]
INPUTS = {"n1c3h64w64": ([1, 3, 64, 64], 0.0123, 0.3), "n1c16h13w14": ([1, 16, 13, 14], 0.0371, 0.1),
          "n2c16h9w11": ([2, 16, 9, 11], 0.0517, 0.2)}


def make_input(name):
    shape, freq, phase = INPUTS[name]
    i = torch.arange(1, math.prod(shape) + 1, dtype=torch.float64)
    return torch.sin(freq * i + phase).reshape(shape)


def periodic(n, scale, offset=0.0):
    p = torch.tensor(PERIOD, dtype=torch.float64)
    return offset + scale * p.repeat(n // len(PERIOD) + 1)[:n]


def fill(model):
    with torch.no_grad():
        for key, t in model.state_dict().items():
            if not t.is_floating_point():
                continue
            n = t.numel()
            leaf = key.rsplit(".", 1)[-1]
            if leaf == "running_mean":
                v = periodic(n, 0.1)
            elif leaf == "running_var" or (leaf == "weight" and t.dim() == 1):
                v = periodic(n, 0.3, 1.0)
            elif leaf == "bias":
                v = periodic(n, 0.2)
            else:
                v = periodic(n, 1.7 / math.sqrt(n // t.shape[0]))
            t.copy_(v.reshape(t.shape).to(t.dtype))


def calibrate(model, x):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 1.0
    model.train()
    with torch.no_grad():
        model(x.to(next(model.parameters()).dtype))
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 0.1
    model.eval()


def saved(state):
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def safetensors(state):
    names = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for key, t in state.items():
        data = t.contiguous().numpy().tobytes()
        header[key] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_gz(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))


def outputs(builder, data, x):
    """PyTorch's output for the checkpoint bytes: torch.load + load_state_dict (strict) into a fresh model, float64."""
    model = builder()
    model.load_state_dict(torch.load(io.BytesIO(data)))
    model = model.double().eval()
    with torch.no_grad():
        y = model(x)
    return y


def nums(t):
    return [float("%.17g" % v) for v in t.flatten().tolist()]


class Wrapped(nn.Module):
    def __init__(self, **children):
        super().__init__()
        for k, v in children.items():
            setattr(self, k, v)

    def forward(self, x):
        for child in self.children():
            x = child(x)
        return x


def main():
    torch.manual_seed(0)
    doc = {"generator": "tools/make_checkpoint_fixtures.py", "torch": torch.__version__, "torchvision": torchvision.__version__,
           "inputs": {k: {"shape": s, "freq": f, "phase": p} for k, (s, f, p) in INPUTS.items()}}

    resnet = torchvision.models.resnet18()
    fill(resnet)
    calibrate(resnet, make_input("n1c3h64w64"))
    data = saved(resnet.state_dict())
    write_gz("resnet18.pt.gz", data)
    y = outputs(torchvision.models.resnet18, data, make_input("n1c3h64w64"))
    assert 0.05 < float(y.abs().mean()) < 100 and float(y.std()) > 1e-3, y
    doc["resnet18"] = {"file": "resnet18.pt.gz", "bytes": len(data), "input": "n1c3h64w64", "shape": list(y.shape),
                       "output": nums(y)}

    def deeplab():
        return Wrapped(backbone=nn.Conv2d(3, 16, 3), classifier=DeepLabHead(16, 3))

    model = deeplab()
    fill(model)
    state = model.state_dict()
    data = saved(state)
    write_gz("deeplabv3_head.pt.gz", data)
    write_gz("deeplabv3_head.safetensors.gz", safetensors(state))
    head = model.classifier.double().eval()
    with torch.no_grad():
        y = head(make_input("n1c16h13w14"))
    assert 0.05 < float(y.abs().mean()) < 100, y
    doc["deeplabv3_head"] = {"files": ["deeplabv3_head.pt.gz", "deeplabv3_head.safetensors.gz"], "bytes": len(data),
                             "input": "n1c16h13w14", "shape": list(y.shape), "output": nums(y)}

    path = os.path.join(OUT, "netdsl_aspp.pt")
    if os.path.exists(path):
        def aspp():
            return Wrapped(aspp=ASPP(16, [1, 2, 3], 8))
        with open(path, "rb") as f:
            data = f.read()
        y = outputs(aspp, data, make_input("n2c16h9w11"))
        model = aspp()
        model.load_state_dict(torch.load(io.BytesIO(data)))
        with open(os.path.join(OUT, "pytorch_aspp.pt"), "wb") as f:
            torch.save(model.state_dict(), f)
        doc["netdsl_aspp"] = {"file": "netdsl_aspp.pt", "loaded_by": "torch.load + load_state_dict (strict) into "
                              "Wrapped(aspp=ASPP(16, [1, 2, 3], 8))", "input": "n2c16h9w11", "shape": list(y.shape),
                              "output": nums(y)}
    with open(os.path.join(OUT, "checkpoints.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

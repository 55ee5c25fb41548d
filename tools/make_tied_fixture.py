#!/usr/bin/python3
"""Write Generator.Tests/Fixtures/checkpoints/tied.pt and tied.json with Debian's PyTorch 1.13: a state_dict with tied
weights, as torch.save writes it, for Generator.Tests/Weights/TiedWeightsTests.cs.

  tied.pt     torch.save(model.state_dict()) of TiedNet below: `dec.weight` is `enc.weight` (one Parameter), so the
              state_dict lists both keys and the archive holds that tensor's storage once
  tied.json   the archive's storages (data/ entries) and which keys share one; the model's float32 output on the input
              (value[i] = sin(0.37 (i + 1) + 0.2), shape 2x8x2x2); and, when netdsl_tied.pt exists (written by NetDsl's
              SaveWeights: NETDSL_WRITE_CHECKPOINTS=1 dotnet test Generator.Tests --filter TiedWeightsTests), how
              torch.load reads that file: whether both keys share a storage, and PyTorch's output after a strict
              load_state_dict of it into a fresh TiedNet

TiedNet is NetDsl's declaration in the test: pool = Sequential(AdaptiveAvgPool2d(1), Flatten()), enc = Linear(8, 8),
act = ReLU(), dec = Linear(8, 8). Values: weight[i] = 0.3 P[i mod 13], biases 0.1 P, P[j] = round(16 sin(2.4 j + 0.7)) / 16.
    /usr/bin/python3 tools/make_tied_fixture.py
"""
import io
import json
import math
import os
import zipfile

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "checkpoints")
PERIOD = [round(16 * math.sin(2.4 * j + 0.7)) / 16 for j in range(13)]


class TiedNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.enc = nn.Linear(8, 8)
        self.act = nn.ReLU()
        self.dec = nn.Linear(8, 8)
        self.dec.weight = self.enc.weight

    def forward(self, x):
        return self.dec(self.act(self.enc(self.pool(x))))


def periodic(n, scale):
    return torch.tensor([scale * PERIOD[i % len(PERIOD)] for i in range(n)], dtype=torch.float32)


def make_input():
    i = torch.arange(1, 2 * 8 * 2 * 2 + 1, dtype=torch.float64)
    return torch.sin(0.37 * i + 0.2).reshape(2, 8, 2, 2).float()


def storages(data):
    """The archive's data/ entries, and for each key the storage it reads (torch.load's view of the file)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        entries = sorted(n.split("/data/", 1)[1] for n in z.namelist() if "/data/" in n)
    state = torch.load(io.BytesIO(data))
    by_key = {k: t.storage().data_ptr() for k, t in state.items()}
    return entries, state, by_key


def main():
    model = TiedNet()
    with torch.no_grad():
        model.enc.weight.copy_(periodic(64, 0.3).reshape(8, 8))
        model.enc.bias.copy_(periodic(8, 0.1))
        model.dec.bias.copy_(-periodic(8, 0.1))
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    data = buf.getvalue()
    with open(os.path.join(OUT, "tied.pt"), "wb") as f:
        f.write(data)
    entries, state, ptr = storages(data)
    assert ptr["enc.weight"] == ptr["dec.weight"], "torch.load should give the tied keys one storage"
    with torch.no_grad():
        y = model(make_input())
    doc = {"generator": "tools/make_tied_fixture.py", "torch": torch.__version__, "keys": list(state.keys()),
           "storages": len(entries), "shared": ["enc.weight", "dec.weight"],
           "input": {"shape": [2, 8, 2, 2], "freq": 0.37, "phase": 0.2},
           "shape": list(y.shape), "output": [float("%.9g" % v) for v in y.flatten().tolist()]}

    path = os.path.join(OUT, "netdsl_tied.pt")
    if os.path.exists(path):
        with open(path, "rb") as f:
            ours = f.read()
        entries, state, ptr = storages(ours)
        fresh = TiedNet()
        fresh.load_state_dict(state)
        with torch.no_grad():
            y = fresh(make_input())
        doc["netdsl_tied"] = {"file": "netdsl_tied.pt", "keys": list(state.keys()), "storages": len(entries),
                              "tied_keys_share_a_storage": ptr["enc.weight"] == ptr["dec.weight"],
                              "loaded_by": "torch.load + load_state_dict (strict) into a fresh TiedNet",
                              "output": [float("%.9g" % v) for v in y.flatten().tolist()]}
    with open(os.path.join(OUT, "tied.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The PyTorch side of `dotnet run --project Samples -c Release -- bench pytorch`: whole networks under Debian's
PyTorch 1.13 / torchvision 0.14, in one long-lived process that answers commands, so that the C# side can alternate
rounds (a TorchSharp round, a PyTorch round, the order alternating) and both see the same machine state.

Networks (the same architectures as the NetDsl samples, checked by state_dict keys, shapes and parameter count):
    ResNet50            torchvision.models.resnet50()
    ConvNeXtTiny        torchvision.models.convnext_tiny()                         (stochastic depth 0.1, as torchvision)
    WTConvNeXtTiny      tools/wtconvnext_port.py wtconvnext_tiny()                 (the official code's PyTorch port)
    DeepLabV3ResNet50   torchvision.models.segmentation.deeplabv3_resnet50(aux_loss=False), the "out" tensor
    OctResNet50         tools/make_oct_network_fixtures.py OctResNet([3, 4, 6, 3]) (d-li14's oct_resnet.py, alpha 0.5)
Weights are torch's own initialisation until `fill`, which sets every state_dict entry (but num_batches_tracked and
the fixed wavelet filters) by key as Samples/Benchmarking/KeyedFill.cs does (tools/bench_torchvision_heads.py's fill).

Protocol: one command a line on stdin, one JSON object a line on stdout (an "error" member when it failed; anything
else the process says goes to stderr). NAME is one of the networks above; every network is built on first use.
    hello                        versions, threads, oneDNN build
    build NAME                   {"params", "trainable", "entries", "keys_sha256"} (sha256 of "key:d0xd1..." lines)
    keys NAME                    {"lines": ["key:d0xd1...", ...]} in state_dict order
    fill NAME                    keyed weights; {"entries"}
    output NAME PATH             eval + no_grad forward of the keyed input [1, 3, 224, 224]; the output as raw float32
                                 (little-endian, row-major) in PATH; {"shape"}
    forward NAME CALLS           eval + no_grad forwards of the keyed input, batch 1; {"ms": [per call]}
    train NAME CALLS BATCH       training steps: train(), zero_grad, forward, cross-entropy, backward, SGD step
                                 (lr 0.01, momentum 0.9) on a keyed batch; {"ms": [per step]}
    phases NAME CALLS BATCH      the same steps timed in parts; {"forward", "backward", "step"}: median ms of each
    peak NAME                    glibc heap bytes in use (mallinfo2) sampled at every module's forward hook during an
                                 eval + no_grad forward, above the level before the call; median of five; {"bytes"}
    profile NAME CALLS           eval + no_grad forwards with pre- and post-forward hooks on every module: self time
                                 (the module's time less its children's) summed by module type; {"types": {type:
                                 ms per forward}, "calls": {type: modules called per forward}, "total"}
    quit
Run by the C# side; by hand: /usr/bin/python3 tools/bench_networks_torch.py --threads 2, then type commands.
`--fixture PATH` writes the networks' "build" answers to PATH (Generator.Tests/Fixtures/bench/networks_torch.json).
"""
import argparse
import ctypes
import hashlib
import json
import os
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_torchvision_heads import fill as keyed_fill_all, values as keyed_values  # noqa: E402

NETWORKS = ["ResNet50", "ConvNeXtTiny", "WTConvNeXtTiny", "DeepLabV3ResNet50", "OctResNet50"]
CLASSES = {"DeepLabV3ResNet50": 21}
IMAGE = [3, 224, 224]


class Out(nn.Module):
    """torchvision's segmentation models return an OrderedDict; the benchmark times its "out" tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def build(name):
    torch.manual_seed(0)
    if name == "ResNet50":
        return torchvision.models.resnet50()
    if name == "ConvNeXtTiny":
        return torchvision.models.convnext_tiny()
    if name == "WTConvNeXtTiny":
        from wtconvnext_port import wtconvnext_tiny
        return wtconvnext_tiny()
    if name == "DeepLabV3ResNet50":
        return Out(torchvision.models.segmentation.deeplabv3_resnet50(weights=None, weights_backbone=None,
                                                                      num_classes=21, aux_loss=False))
    if name == "OctResNet50":
        from make_oct_network_fixtures import OctResNet
        return OctResNet([3, 4, 6, 3])
    raise KeyError("unknown network '%s' (one of %s)" % (name, ", ".join(NETWORKS)))


def state_dict_of(net):
    """The state_dict as the C# side sees it: the Out wrapper's "model." prefix removed."""
    return [(k[len("model."):] if isinstance(net, Out) else k, v) for k, v in net.state_dict().items()]


def lines_of(net):
    return ["%s:%s" % (k, "x".join(str(d) for d in v.shape)) for k, v in state_dict_of(net)]


def describe(net):
    entries = state_dict_of(net)
    listing = "\n".join(lines_of(net))
    return {
        "params": sum(p.numel() for p in net.parameters()),
        "trainable": sum(p.numel() for p in net.parameters() if p.requires_grad),
        "entries": len(entries),
        "keys_sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest(),
    }


def fixed_filter(key):
    """WTConv2d's fixed wavelet filters keep their Haar values (the C# layer's fast path does not read them)."""
    return key.endswith("wt_filter") or key.endswith("iwt_filter")


def keyed_fill(net):
    n = 0
    with torch.no_grad():
        for key, tensor in state_dict_of(net):
            if key.endswith("num_batches_tracked") or fixed_filter(key):
                continue
            tensor.copy_(keyed_values(torch, key, list(tensor.shape)))
            n += 1
    return n


def keyed_input(batch):
    return keyed_values(torch, "input", [batch] + IMAGE, 1.0, 0.0)


def keyed_target(name, batch):
    """Class i % classes at flat index i: [N] for a classifier, [N, H, W] for DeepLab's dense output."""
    classes = CLASSES.get(name, 1000)
    shape = [batch, IMAGE[1], IMAGE[2]] if name in CLASSES else [batch]
    n = 1
    for d in shape:
        n *= d
    return (torch.arange(n) % classes).reshape(shape)


class _MallInfo2(ctypes.Structure):
    _fields_ = [(f, ctypes.c_size_t) for f in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _MallInfo2


def heap_in_use():
    m = _libc.mallinfo2()
    return m.uordblks + m.hblkhd


class Session:
    def __init__(self):
        self.nets = {}
        self.trainers = {}
        self.inputs = {}

    def net(self, name):
        if name not in self.nets:
            self.nets[name] = build(name)
        return self.nets[name]

    def input(self, batch):
        if batch not in self.inputs:
            self.inputs[batch] = keyed_input(batch)
        return self.inputs[batch]

    def forward(self, name, calls):
        net = self.net(name).eval()
        x = self.input(1)
        ms = []
        with torch.no_grad():
            for _ in range(calls):
                t0 = time.perf_counter()
                net(x)
                ms.append((time.perf_counter() - t0) * 1000.0)
        return {"ms": ms}

    def trainer(self, name, batch):
        key = (name, batch)
        if key not in self.trainers:
            net = self.net(name)
            opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
            self.trainers[key] = (opt, nn.CrossEntropyLoss(), self.input(batch), keyed_target(name, batch))
        return self.trainers[key]

    def train(self, name, calls, batch):
        net = self.net(name)
        opt, loss, x, t = self.trainer(name, batch)
        ms = []
        for _ in range(calls):
            t0 = time.perf_counter()
            net.train()
            opt.zero_grad()
            l = loss(net(x), t)
            l.backward()
            opt.step()
            ms.append((time.perf_counter() - t0) * 1000.0)
        net.eval()
        return {"ms": ms}

    def phases(self, name, calls, batch):
        net = self.net(name)
        opt, loss, x, t = self.trainer(name, batch)
        parts = {"forward": [], "backward": [], "step": []}
        for _ in range(calls):
            net.train()
            t0 = time.perf_counter()
            opt.zero_grad()
            l = loss(net(x), t)
            t1 = time.perf_counter()
            l.backward()
            t2 = time.perf_counter()
            opt.step()
            t3 = time.perf_counter()
            parts["forward"].append((t1 - t0) * 1000.0)
            parts["backward"].append((t2 - t1) * 1000.0)
            parts["step"].append((t3 - t2) * 1000.0)
        net.eval()
        return {k: statistics.median(v) for k, v in parts.items()}

    def output(self, name, path):
        net = self.net(name).eval()
        with torch.no_grad():
            y = net(self.input(1)).contiguous()
        with open(path, "wb") as f:
            f.write(y.to(torch.float32).numpy().tobytes())
        return {"shape": list(y.shape)}

    def peak(self, name):
        net = self.net(name).eval()
        x = self.input(1)
        state = {"peak": 0}

        def sample(*_):
            state["peak"] = max(state["peak"], heap_in_use())

        handles = [m.register_forward_hook(sample) for m in net.modules()]
        peaks = []
        try:
            with torch.no_grad():
                net(x)  # caches settle
                for _ in range(5):
                    base = heap_in_use()
                    state["peak"] = base
                    y = net(x)
                    sample()
                    del y
                    peaks.append(state["peak"] - base)
        finally:
            for h in handles:
                h.remove()
        return {"bytes": sorted(peaks)[len(peaks) // 2]}

    def profile(self, name, calls):
        net = self.net(name).eval()
        x = self.input(1)
        totals, counts, stack = {}, {}, []

        def pre(module, _):
            stack.append([time.perf_counter(), 0.0])

        def post(module, _, __):
            start, children = stack.pop()
            elapsed = time.perf_counter() - start
            kind = type(module).__name__
            totals[kind] = totals.get(kind, 0.0) + elapsed - children
            counts[kind] = counts.get(kind, 0) + 1
            if stack:
                stack[-1][1] += elapsed

        handles = []
        for m in net.modules():
            handles.append(m.register_forward_pre_hook(pre))
            handles.append(m.register_forward_hook(post))
        try:
            with torch.no_grad():
                net(x)
                totals.clear()
                counts.clear()
                for _ in range(calls):
                    net(x)
        finally:
            for h in handles:
                h.remove()
        return {"types": {k: v * 1000.0 / calls for k, v in totals.items()},
                "calls": {k: v // calls for k, v in counts.items()},
                "total": sum(totals.values()) * 1000.0 / calls}


def hello():
    build_info = [l.strip() for l in torch.__config__.show().splitlines() if "MKL-DNN" in l or "oneDNN" in l]
    return {"python": platform.python_version(), "torch": torch.__version__, "torchvision": torchvision.__version__,
            "threads": torch.get_num_threads(), "build": build_info[0] if build_info else ""}


def answer(session, line):
    words = line.split()
    if not words:
        return None
    cmd, args = words[0], words[1:]
    if cmd == "hello":
        return hello()
    if cmd == "build":
        return describe(session.net(args[0]))
    if cmd == "keys":
        return {"lines": lines_of(session.net(args[0]))}
    if cmd == "fill":
        return {"entries": keyed_fill(session.net(args[0]))}
    if cmd == "output":
        return session.output(args[0], args[1])
    if cmd == "forward":
        return session.forward(args[0], int(args[1]))
    if cmd == "train":
        return session.train(args[0], int(args[1]), int(args[2]))
    if cmd == "phases":
        return session.phases(args[0], int(args[1]), int(args[2]))
    if cmd == "peak":
        return session.peak(args[0])
    if cmd == "profile":
        return session.profile(args[0], int(args[1]))
    raise KeyError("unknown command '%s'" % cmd)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--fixture")
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    if a.fixture:
        doc = {"torch": torch.__version__, "torchvision": torchvision.__version__,
               "about": "tools/bench_networks_torch.py --fixture: each network's parameter counts, state_dict entry count "
                        "and the sha256 of its 'key:shape' lines (shape as d0xd1..., '' for a scalar), in order",
               "networks": {name: describe(build(name)) for name in NETWORKS}}
        os.makedirs(os.path.dirname(os.path.abspath(a.fixture)), exist_ok=True)
        with open(a.fixture, "w", encoding="utf-8", newline="\n") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(json.dumps(doc["networks"], indent=1))
        return
    session = Session()
    for line in sys.stdin:
        line = line.strip()
        if line == "quit":
            break
        try:
            reply = answer(session, line)
        except Exception as ex:  # noqa: BLE001  (reported to the C# side, which says so in the document)
            reply = {"error": "%s: %s" % (type(ex).__name__, ex)}
        if reply is not None:
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()

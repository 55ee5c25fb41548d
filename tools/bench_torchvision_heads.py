#!/usr/bin/env python3
"""The PyTorch side of `bench pyramids` (Samples/Benchmarking/PyramidBenchmarks.cs), run by the bench itself as
    /usr/bin/python3 tools/bench_torchvision_heads.py --threads N --warmup W --rounds R --per-round P \
        --case deeplab_head:1x2048x28x28:1 --case spp:1x256x56x56:40 ...
with Debian's python3-torch (1.13) and python3-torchvision (0.14). It times, under torch.no_grad() in eval mode:

  deeplab_head  torchvision's own DeepLabHead(2048, 21) (torchvision.models.segmentation.deeplabv3)
  spp           spatial pyramid pooling, levels 4, 2, 1: adaptive_max_pool2d per level, flatten, cat (the same
                function as NetDsl's SpatialPyramidPooling and the hand-written TorchSharp one)

with the bench's protocol: `warmup` calls, then `rounds` x `per-round` samples, a sample being `calls` calls in a row
(reported per call, in ms); then each part of the head on its own (median of 15 calls, as the C# breakdown). The C# side takes the medians; this process cannot be interleaved with the TorchSharp one
pair by pair, so the bench runs it between two halves of its own timing.

Weights and inputs are deterministic, the same in C# (Samples/Benchmarking/KeyedFill.cs) so the outputs can be
compared across the two processes: every state_dict entry (num_batches_tracked excepted) is
    value[i] = offset + amp * sin(freq * (i + 1) + phase)     (float64, then float32; i = row-major flat index)
with freq and phase from the key (`key_seed`), and (amp, offset) by kind: running_var (0.25, 1), running_mean (0.1, 0),
a weight of two or more dimensions (1.7 / sqrt(fan_in), 0), a 1-D weight (0.1, 1), anything else (0.1, 0). The input
uses the key "input" with (1, 0).

Prints one JSON object on stdout (progress goes to stderr); when torch or torchvision cannot be imported it prints
{"error": "..."} and exits with status 3, and the bench reports that instead of failing.
"""
import argparse
import json
import math
import platform
import sys
import time


def key_seed(key):
    s = 0
    for ch in key:
        s = (s * 31 + ord(ch)) % 1000003
    return s


def coefficients(key, shape):
    """(amp, freq, phase, offset) of a state_dict entry; mirrors KeyedFill.Coefficients in C#."""
    seed = key_seed(key)
    freq = 0.05 + (seed % 97) / 97.0 * 0.9
    phase = (seed % 628) / 100.0
    numel = 1
    for d in shape:
        numel *= d
    if key.endswith("running_var"):
        return 0.25, freq, phase, 1.0
    if key.endswith("running_mean"):
        return 0.1, freq, phase, 0.0
    if len(shape) >= 2:
        return 1.7 / math.sqrt(numel / shape[0]), freq, phase, 0.0
    if key.endswith("weight"):
        return 0.1, freq, phase, 1.0
    return 0.1, freq, phase, 0.0


def values(torch, key, shape, amp=None, offset=None):
    a, freq, phase, o = coefficients(key, shape)
    if amp is not None:
        a, o = amp, offset
    n = 1
    for d in shape:
        n *= d
    t = torch.arange(1, n + 1, dtype=torch.float64)
    t = t * freq
    t = t + phase
    t = torch.sin(t)
    t = t * a
    t = t + o
    return t.to(torch.float32).reshape(shape)


def fill(torch, module):
    with torch.no_grad():
        for key, tensor in module.state_dict().items():
            if key.endswith("num_batches_tracked"):
                continue
            tensor.copy_(values(torch, key, list(tensor.shape)))


def median_of(torch, f, x, calls=15):
    """Median per-call ms of `calls` calls after 2 warm-up calls (the C# side's breakdown protocol)."""
    with torch.no_grad():
        for _ in range(2):
            f(x)
        times = []
        for _ in range(calls):
            t0 = time.perf_counter()
            f(x)
            times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    mid = len(times) // 2
    return times[mid] if len(times) % 2 == 1 else (times[mid - 1] + times[mid]) / 2


def head_breakdown(torch, head, x):
    """Each part of torchvision's DeepLabHead on its own, keyed as the C# breakdown: convs.0 .. convs.4 (ASPP branches),
    project (on a tensor of the concatenation's shape), conv (1-3: 3x3 conv, BN, ReLU) and classifier (4)."""
    aspp = head[0]
    n, h, w = x.shape[0], x.shape[2], x.shape[3]
    width = head[1].in_channels
    cat = torch.randn(n, len(aspp.convs) * width, h, w)
    y = torch.randn(n, width, h, w)
    parts = {}
    for i, branch in enumerate(aspp.convs):
        parts["convs.%d" % i] = median_of(torch, branch, x)
    parts["project"] = median_of(torch, aspp.project, cat)
    parts["conv"] = median_of(torch, lambda t: head[3](head[2](head[1](t))), y)
    parts["classifier"] = median_of(torch, head[4], y)
    return parts


def parse_case(text):
    name, shape, calls = text.split(":")
    return name, [int(d) for d in shape.split("x")], int(calls)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--per-round", type=int, default=10)
    p.add_argument("--case", action="append", default=[], help="name:NxCxHxW:calls (name: deeplab_head or spp)")
    p.add_argument("--no-output", action="store_true", help="leave the outputs out of the JSON")
    args = p.parse_args()

    try:
        import torch
        import torch.nn.functional as F
        import torchvision
        from torchvision.models.segmentation.deeplabv3 import DeepLabHead
    except Exception as ex:  # ImportError, or a broken installation
        print(json.dumps({"error": "cannot import torch / torchvision: {}: {}".format(type(ex).__name__, ex)}))
        sys.exit(3)

    torch.set_num_threads(args.threads)
    bins = (4, 2, 1)

    def spp(x):
        n = x.shape[0]
        return torch.cat([F.adaptive_max_pool2d(x, b).reshape(n, -1) for b in bins], 1)

    build = ""
    for line in torch.__config__.show().splitlines():
        if "MKL-DNN" in line or "oneDNN" in line:
            build = line.strip().lstrip("- ").strip()

    cases = []
    for text in args.case:
        name, shape, calls = parse_case(text)
        if name == "deeplab_head":
            module = DeepLabHead(shape[1], 21)
            fill(torch, module)
            module.eval()
            f = module
        elif name == "spp":
            f = spp
        else:
            raise SystemExit("bench_torchvision_heads.py: unknown case " + name)
        x = values(torch, "input", shape, 1.0, 0.0)
        with torch.no_grad():
            y = f(x)
            for _ in range(args.warmup):
                f(x)
            ms = []
            for r in range(args.rounds):
                for i in range(args.per_round):
                    t0 = time.perf_counter()
                    for k in range(calls):
                        f(x)
                    ms.append((time.perf_counter() - t0) * 1000.0 / calls)
                sorted_round = sorted(ms[-args.per_round:])
                print("  [pytorch] {} {}: round {}/{} median {:.3f} ms".format(
                    name, "x".join(map(str, shape)), r + 1, args.rounds, sorted_round[len(sorted_round) // 2]),
                    file=sys.stderr, flush=True)
        case = {"name": name, "input": shape, "calls": calls, "per_round": args.per_round, "ms": ms,
                "output_shape": list(y.shape)}
        if name == "deeplab_head":
            case["breakdown"] = head_breakdown(torch, module, x)
        if not args.no_output:
            case["output"] = [float("%.9g" % v) for v in y.reshape(-1).double().tolist()]
        cases.append(case)

    print(json.dumps({
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(),
        "build": build,
        "cases": cases,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Write Generator.Tests/Fixtures/zoo/ from the real PyTorch 1.13 and torchvision 0.14 (Debian) for the model-zoo
samples of "The language reaches today's CNNs": the same state_dict keys and shapes, in PyTorch's order, and the same
logits on the same weights.

  <name>_state_dict.tsv   state_dict listings as tools/make_fixtures.py writes them (its write_fixture, imported):
                          key <TAB> shape <TAB> param|buffer after a '#' header with the versions and total_params, for
                          convnext_tiny/small/base, efficientnet_b0, densenet121/169/201, mobilenet_v2,
                          googlenet(aux_logits=False, init_weights=False), resnet18/34/50/101/152, resnet50(num_classes=10)
  <name>.json             output fixtures for convnext_tiny, efficientnet_b0, densenet121, mobilenet_v2, resnet18 and
                          resnet50_10 (resnet50(num_classes=10)) on 1x3x64x64, googlenet on 1x3x96x96 (at 64 its
                          inception5 maps are 2x2 and branch4's 3x3 max pool makes them constant), resnet50 on
                          1x3x224x224 (for the existing 224x224 sample, run end to end by Generator.Tests/Zoo): the
                          state_dict listing, the weights recipe by key, the input (by recipe), every logit
                          (10 significant digits) with their sum, sum of squares, min, max and argmax, the classifier's
                          input ("features", the pooled vector), and the sum / sum of squares of the output of every
                          module up to depth 2 ("checkpoints", in call order, to find where a port goes wrong);
                          float64, eval mode; the norm layers' eps ("norms")

Weights follow tools/make_pyramid_fixtures.py (its helpers are imported): every trainable parameter and every BatchNorm
running statistic is value[i] = offset + amp * sin(freq * (i + 1) + phase) by state_dict key (i = row-major flat index,
float64), each key's (amp, freq, phase, offset) written in the file; num_batches_tracked and fixed (requires_grad=False)
parameters keep their values. The amplitudes are make_pyramid_fixtures.recipe_for's (conv / linear 1.7/sqrt(fan_in),
norm weights 1 +- 0.3, biases +- 0.2) with layer scales 0.5 +- 0.25 and WTConv's scales as in
make_wavelet_module_fixtures.py (`recipe_for` below), and the BatchNorm statistics calibrated on the input
(`calibrate`): with the plain recipe ResNet-50's activations grow about 3x a block. Such a sine is rank 2 in every
reshaping (sin(a r + b c + p) = sin(a r + p) cos(b c) + cos(a r + p) sin(b c)), so the logits over the classes are two
sinusoids (the weight's and the bias'): they check the classifier's input only through two projections, which is why the features are stored too.
Inputs are amp * sin(freq * (i + 1) + phase). Dropout and StochasticDepth are the identity in eval mode. The script
asserts that the logits' RMS is in [0.1, 100], that they differ across classes and that no checkpoint's RMS leaves
(1e-3, 1e3). Run (names as arguments restrict the run to those fixtures):
    /usr/bin/python3 tools/make_zoo_fixtures.py            # the torchvision fixtures
    /usr/bin/python3 tools/wtconvnext_port.py              # the WTConvNeXt ones (same helpers)
"""
import math
import os
import sys

import torch
import torch.nn as nn
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as M  # noqa: E402  (write_fixture: the TSV listings)
import make_pyramid_fixtures as P  # noqa: E402  (recipe_for, nums, listing, dumps, make_input, inputs_doc)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "zoo")
DIGITS = 10

INPUTS = {
    # name: (shape, amp, freq, phase); n1c3h64w64 is make_deeplab_fixtures.py's input
    "n1c3h64w64": ([1, 3, 64, 64], 1.0, 0.0123, 0.3),
    "n1c3h96w96": ([1, 3, 96, 96], 1.0, 0.0093, 0.3),
    "n1c3h128w128": ([1, 3, 128, 128], 1.0, 0.0071, 0.3),
    "n1c3h224w224": ([1, 3, 224, 224], 1.0, 0.0011, 0.3),
}
P.INPUTS.update(INPUTS)

# zoo.md's parameter counts (torchvision 0.14.1, random init)
ANCHORS = {"convnext_tiny": 28_589_128, "efficientnet_b0": 5_288_548, "densenet121": 7_978_856,
           "mobilenet_v2": 3_504_872, "googlenet": 6_624_904, "resnet18": 11_689_512, "resnet50": 25_557_032}

tv = torchvision.models
LISTINGS = [
    # fixture name, builder text, factory
    ("convnext_tiny", "torchvision.models.convnext_tiny()", lambda: tv.convnext_tiny()),
    ("convnext_small", "torchvision.models.convnext_small()", lambda: tv.convnext_small()),
    ("convnext_base", "torchvision.models.convnext_base()", lambda: tv.convnext_base()),
    ("efficientnet_b0", "torchvision.models.efficientnet_b0()", lambda: tv.efficientnet_b0()),
    ("densenet121", "torchvision.models.densenet121()", lambda: tv.densenet121()),
    ("densenet169", "torchvision.models.densenet169()", lambda: tv.densenet169()),
    ("densenet201", "torchvision.models.densenet201()", lambda: tv.densenet201()),
    ("mobilenet_v2", "torchvision.models.mobilenet_v2()", lambda: tv.mobilenet_v2()),
    ("googlenet", "torchvision.models.googlenet(aux_logits=False, init_weights=False)",
     lambda: tv.googlenet(aux_logits=False, init_weights=False)),
    ("resnet18", "torchvision.models.resnet18()", lambda: tv.resnet18()),
    ("resnet34", "torchvision.models.resnet34()", lambda: tv.resnet34()),
    ("resnet50", "torchvision.models.resnet50()", lambda: tv.resnet50()),
    ("resnet101", "torchvision.models.resnet101()", lambda: tv.resnet101()),
    ("resnet152", "torchvision.models.resnet152()", lambda: tv.resnet152()),
    ("resnet50_10", "torchvision.models.resnet50(num_classes=10)", lambda: tv.resnet50(num_classes=10)),
]
# name: inputs (the first calibrates the BatchNorm statistics). 64x64 everywhere but GoogLeNet: at 64 its inception5
# maps are 2x2, where branch4's 3x3 max pool (stride 1, padding 1) makes every pixel the same; at 96 they are 3x3.
OUTPUTS = {"convnext_tiny": ["n1c3h64w64"], "efficientnet_b0": ["n1c3h64w64"], "densenet121": ["n1c3h64w64"],
           "mobilenet_v2": ["n1c3h64w64"], "googlenet": ["n1c3h96w96"], "resnet18": ["n1c3h64w64"],
           "resnet50_10": ["n1c3h64w64"],
           # at 224x224 for the existing sample Samples/Networks/ResNet50.cs (compiled for 224x224), which
           # Generator.Tests/Zoo/ZooFixtureTests.cs runs on these weights: the fixtures checked end to end
           "resnet50": ["n1c3h224w224"]}


# --------------------------------------------------------------------------------------------- recipe


def recipe_for(key, value, index, module_of):
    """(amp, freq, phase, offset) of a key: make_pyramid_fixtures.recipe_for, except
      * layer scales (ConvNeXt `layer_scale` (C, 1, 1), timm `gamma` (C)): 0.5 +- 0.25, so each residual branch adds
        about half its size (PyTorch's 1e-6 would hide the branches; an amplitude of 1.7 with offset 0 would let the
        residual stream grow through the blocks)
      * WTConv's base_scale: 1 +- 0.3 and wavelet_scale: +- 0.5 (make_wavelet_module_fixtures.py's)
      * 1-D `weight`s of modules that are not norms are not norm gains (none in these networks; asserted)
    `module_of(key)` is the module that owns the entry."""
    phase = round(0.37 * index + 0.11, 2)
    leaf = key.rsplit(".", 1)[-1]
    if leaf in ("layer_scale", "gamma"):
        return 0.25, 1.1, phase, 0.5
    if ".base_scale." in key or key.startswith("base_scale."):
        return 0.3, 0.9, phase, 1.0
    if ".wavelet_scale." in key or key.startswith("wavelet_scale."):
        return 0.5, 1.1, phase, 0.0
    if value.dim() == 1 and leaf == "weight":
        owner = module_of(key)
        assert isinstance(owner, (nn.modules.batchnorm._BatchNorm, nn.LayerNorm, nn.GroupNorm)), (key, type(owner))
    return P.recipe_for(key, value, index)


def fill(module, recipe=recipe_for):
    """Fill every trainable parameter and every BatchNorm running_mean / running_var by key; num_batches_tracked and
    fixed (requires_grad=False) parameters keep their values. Returns the recipe rows in state_dict order."""
    params = dict(module.named_parameters())
    owners = dict(module.named_modules())

    def module_of(key):
        return owners[key.rsplit(".", 1)[0]] if "." in key else module

    rows = []
    with torch.no_grad():
        for key, value in module.state_dict().items():
            if key.endswith("num_batches_tracked") or (key in params and not params[key].requires_grad):
                continue
            assert key in params or key.endswith(("running_mean", "running_var")), key
            amp, freq, phase, offset = recipe(key, value, len(rows), module_of)
            i = torch.arange(1, value.numel() + 1, dtype=torch.float64)
            value.copy_((offset + amp * torch.sin(freq * i + phase)).reshape(value.shape).to(value.dtype))
            rows.append({"key": key, "amp": amp, "freq": freq, "phase": phase, "offset": offset})
    return rows


def sig(v, digits=4):
    """v rounded to `digits` significant digits (a short decimal in the file, the same double in C#)."""
    return float(f"{v:.{digits}g}")


def calibrate(module, rows, x):
    """BatchNorm statistics like a trained network's: one eval-mode forward of x in which every BatchNorm, just before
    it runs (its upstream already calibrated), gets running_mean = m + 0.25 sqrt(v) sin and running_var = v (1 +- 0.25)
    sin, m being the mean of its input and v the mean of (input - m)^2 over all channels and pixels (the spread of the
    channel means included: on the 2x2 maps of the last stages it dominates). Without this the sine weights
    (rank 2 in every reshaping, so coherent from layer to layer) let ResNet-50's activations grow about 3x a block
    (1e4 at layer4). Rewrites the rows of those keys (same phase and freq, new amp and offset) and the buffers."""
    by_key = {r["key"]: r for r in rows}
    names = {m: n for n, m in module.named_modules()}
    seen = []

    def refill(key, tensor, amp, offset):
        row = by_key[key]
        row["amp"], row["offset"] = amp, offset
        i = torch.arange(1, tensor.numel() + 1, dtype=torch.float64)
        tensor.copy_((offset + amp * torch.sin(row["freq"] * i + row["phase"])).to(tensor.dtype))

    def hook(bn, inputs):
        name = names[bn]
        assert name not in seen, name  # each BatchNorm runs once
        seen.append(name)
        x = inputs[0]
        dims = [d for d in range(x.dim()) if d != 1]
        m = sig(float(x.mean(dim=dims).mean()))
        v = sig(float(((x - m) ** 2).mean()))
        assert v > 0, name
        refill(f"{name}.running_var", bn.running_var, sig(0.25 * v), v)
        refill(f"{name}.running_mean", bn.running_mean, sig(0.25 * math.sqrt(v)), m)

    handles = [m.register_forward_pre_hook(hook) for m in module.modules()
               if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    try:
        with torch.no_grad():
            module(x)
    finally:
        for h in handles:
            h.remove()
    assert len(seen) == len(handles), (len(seen), len(handles))
    return len(seen)


# --------------------------------------------------------------------------------------------- writers


def kind_of(params, key):
    if key not in params:
        return "buffer"
    return "param" if params[key].requires_grad else "fixed"


def write_listing(name, model, description, versions=None):
    """The TSV listing in zoo/. Without fixed parameters this is make_fixtures.write_fixture's file (torch and
    torchvision versions); with them, the same format with kind `fixed` for the requires_grad=False parameters
    (counted in total_params, as PyTorch's parameters() counts them) and trainable / fixed counts in the header."""
    params = dict(model.named_parameters())
    fixed = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    if fixed == 0 and versions is None:
        M.write_fixture(os.path.join("zoo", name), model, description)
        return
    total = sum(p.numel() for p in model.parameters())
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"# {description}; {versions}; trainable {total - fixed}; fixed {fixed}; total_params {total}\n")
        for key, tensor in model.state_dict().items():
            f.write(f"{key}\t{M.shape_text(tensor)}\t{kind_of(params, key)}\n")
    print(f"{path}: {len(model.state_dict())} entries, {total:,} parameters ({fixed:,} fixed)")


def listing(model):
    params = dict(model.named_parameters())
    return [{"key": k, "shape": list(v.shape), "kind": kind_of(params, k)} for k, v in model.state_dict().items()]


def norm_settings(model):
    """The eps (and BatchNorm momentum) of every norm layer kind, so a port can see the non-default ones."""
    found = {}
    for m in model.modules():
        if isinstance(m, (nn.modules.batchnorm._BatchNorm, nn.LayerNorm, nn.GroupNorm)):
            found.setdefault(type(m).__name__, set()).add(m.eps)
    return {k: sorted(v) for k, v in sorted(found.items())}


def checkpoint_names(model, depth=2):
    """Modules whose names have at most `depth` components (layer1.0: 2); hooked, they report in call order."""
    return [n for n, _ in model.named_modules() if n and n.count(".") < depth]


def classifier_name(model):
    """The last nn.Linear (the classifier whose input is the pooled feature vector)."""
    return [n for n, m in model.named_modules() if isinstance(m, nn.Linear)][-1]


def run(model, x, depth=2):
    """Forward x, recording (name, shape, sum, sum of squares) of every module output up to `depth`, in call order,
    and the input of the classifier (the pooled features: the logits are a rank-2 function of them, see main)."""
    records, handles, features = [], [], []
    modules = dict(model.named_modules())
    handles.append(modules[classifier_name(model)].register_forward_pre_hook(lambda _m, inp: features.append(inp[0])))
    for name in checkpoint_names(model, depth):
        def hook(_m, _inp, out, name=name):
            if isinstance(out, torch.Tensor):
                records.append({"module": name, "shape": list(out.shape), "sum": float(out.sum()),
                                "sum_of_squares": float((out * out).sum())})
        handles.append(modules[name].register_forward_hook(hook))
    try:
        with torch.no_grad():
            y = model(x)
    finally:
        for h in handles:
            h.remove()
    assert len(features) == 1
    return y, records, features[0]


def write_output(name, factory, builder, input_names, generator="tools/make_zoo_fixtures.py", versions=None, notes=None,
                 depth=2):
    """Build (float32 for the listing and count, float64 for the run), fill by key, run in eval mode, write zoo/<name>.json."""
    torch.manual_seed(0)
    reference = factory()
    model = factory().double()
    weights = fill(model)
    model.eval()
    calibrated = calibrate(model, weights, P.make_input(input_names[0]))
    cases = []
    for input_name in input_names:
        x = P.make_input(input_name)
        y, records, features = run(model, x, depth)
        assert y.dim() == 2 and y.shape[0] == 1, (name, y.shape)
        spread = float(y.max() - y.min())
        rms = math.sqrt(float((y * y).mean()))
        # logits O(0.1 .. 100) that differ across classes; no stage output vanishing or blowing up
        assert 0.1 <= rms <= 100 and spread > 0.1, (name, input_name, rms, spread)
        distinct = len(set(round(v, 6) for v in y.flatten().tolist()))
        assert distinct > 0.9 * y.numel(), (name, distinct)
        for r in records:
            n = math.prod(r["shape"])
            r_rms = math.sqrt(r["sum_of_squares"] / n)
            assert 1e-3 < r_rms < 1e3, (name, r["module"], r_rms)
        cases.append({"input": input_name, "shape": list(y.shape), "logits": P.nums(y, DIGITS),
                      "sum": float(y.sum()), "sum_of_squares": float((y * y).sum()), "min": float(y.min()),
                      "max": float(y.max()), "argmax": int(y.argmax()),
                      "classifier": classifier_name(model), "features_shape": list(features.shape),
                      "features": P.nums(features, DIGITS), "checkpoint_depth": depth, "checkpoints": records})
        stage_rms = [math.sqrt(r["sum_of_squares"] / math.prod(r["shape"])) for r in records if "." not in r["module"]]
        print(f"  {name} on {input_name}: logits {list(y.shape)} in [{float(y.min()):.4g}, {float(y.max()):.4g}], "
              f"rms {rms:.4g}, argmax {int(y.argmax())}; top-level rms {', '.join('%.3g' % v for v in stage_rms)}")
    doc = {"generator": generator,
           "torch": torch.__version__, "torchvision": torchvision.__version__, **(versions or {}),
           "recipe": "weights: value[i] = offset + amp * sin(freq * (i + 1) + phase) by state_dict key; inputs: "
                     "value[i] = amp * sin(freq * (i + 1) + phase); i = row-major flat index, float64; eval mode; "
                     "entries not in 'weights' (num_batches_tracked, fixed parameters) keep their values",
           "builder": builder,
           "inputs": {k: v for k, v in P.inputs_doc().items() if k in input_names},
           "parameters": sum(p.numel() for p in reference.parameters()),
           "trainable": sum(p.numel() for p in reference.parameters() if p.requires_grad),
           "norms": norm_settings(reference)}
    if notes:
        doc["notes"] = notes
    doc.update({"state_dict": listing(reference), "weights": weights, "cases": cases})
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        f.write(P.dumps(doc) + "\n")
    size = os.path.getsize(path)
    assert size < 1_100_000, (path, size)
    print(f"{path}: {size:,} bytes, {len(weights)} filled entries")


def main():
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])
    factories = {}
    for name, builder, factory in LISTINGS:
        factories[name] = (builder, factory)
        if only and name not in only:
            continue
        model = factory()
        total = sum(p.numel() for p in model.parameters())
        anchor = ANCHORS.get(name)
        assert anchor is None or total == anchor, (name, total, anchor)
        print(f"{name}: {total:,} parameters" + (" (zoo.md: equal)" if anchor else ""))
        M.write_fixture(os.path.join("zoo", name + "_state_dict.tsv"), model, builder)
    for name, input_names in OUTPUTS.items():
        if only and name not in only:
            continue
        builder, factory = factories[name]
        write_output(name, factory, builder, input_names)


if __name__ == "__main__":
    main()

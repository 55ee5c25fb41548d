#!/usr/bin/python3
"""WTConvNeXt (seed 001's network) written out in plain PyTorch, and its fixtures in Generator.Tests/Fixtures/zoo/.

A port of BGU-CS-VIL/WTConv `wtconvnext/wtconvnext.py` (HEAD 4a84da2, "Based on timm v1.0.7") without timm: the
timm 1.0.7 layers it uses are written out below to timm's semantics (read in huggingface/pytorch-image-models at tag
v1.0.7: `timm/layers/norm.py` LayerNorm / LayerNorm2d (eps 1e-6, fast norm off), `mlp.py` Mlp (fc1, act, drop1,
norm = Identity, fc2, drop2), `activations.py` GELU (exact erf GELU), `drop.py` DropPath, `classifier.py`
NormMlpClassifierHead (global_pool, norm, flatten, pre_logits, drop, fc), `adaptive_avgmax_pool.py`
SelectAdaptivePool2d('avg'), `create_conv2d.py` / `padding.py` (an int padding is passed through)). The WTConv2d is
the official `wtconv/wtconv2d.py` with `wtconv/util/wavelet.py`, already written out in
tools/make_wavelet_module_fixtures.py and imported from there (checked there against pywt and here against the
official filter formula; its filters take the default dtype, float32 while the port is built, the official torch.float).

The module tree, and so the state_dict keys, are timm's:
    stem.0 (Conv2d 4x4 s4), stem.1 (LayerNorm2d)
    stages.N.downsample.0 (LayerNorm2d), stages.N.downsample.1 (Conv2d 2x2 s2)      N = 1, 2, 3 (stage 0 has none)
    stages.N.blocks.M.conv_dw (WTConv2d: wt_filter, iwt_filter, base_conv, base_scale, wavelet_convs.L, wavelet_scale.L)
    stages.N.blocks.M.gamma (C), .norm (LayerNorm, channels last), .mlp.fc1, .mlp.fc2 (Linear)
    head.norm (LayerNorm2d), head.fc (Linear)

Before writing, the script checks the timm layers against an independent implementation: with plain 7x7 depthwise
convs in place of WTConv2d (wtconvnext.py's `wtconv_class` hook) the port is ConvNeXt-T, and torchvision's
convnext_tiny with its weights copied by the key map gives the same float64 logits (bit for bit, on Debian's 1.13);
the parameter counts equal ConvNeXt's plus wavelets.md's per-block WTConv change for T, S and B, and T's is 30,595,624;
every wt_filter / iwt_filter equals the official create_2d_wavelet_filter (db1).

Fixtures, written with tools/make_zoo_fixtures.py's helpers (imported):
    zoo/wtconvnext_{tiny,small,base}_state_dict.tsv   key, shape, param | fixed | buffer; the header has the trainable
                                                      and fixed counts before total_params
    zoo/wtconvnext_tiny.json                          the keyed recipe (fixed filters keep their Haar values), float64,
                                                      eval mode, on 1x3x64x64 and 1x3x128x128 (see `notes` in the file),
                                                      module sums to depth 5 (each block's conv_dw, norm, mlp)

Read by Generator.Tests/Zoo/ZooFixtureTests.cs (the fixtures themselves) and Generator.Tests/Zoo/WTConvNeXtParityTests.cs
(the declared sample Samples/Networks/WTConvNeXt.cs: T's keys, counts and logits; S and B, the same body with other
depths and widths, against their listings).

Run (writes the listings and the output fixture; prints the parameter counts):
    /usr/bin/python3 tools/wtconvnext_port.py
"""
import os
import sys

import pywt
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_wavelet_module_fixtures import WTConv2d  # noqa: E402  (the official WTConv2d, written out)

# --------------------------------------------------------------------------------------------- timm 1.0.7 layers


class LayerNorm(nn.LayerNorm):
    """timm.layers.LayerNorm: nn.LayerNorm over the last dim, eps 1e-6 (channels-last input)."""

    def __init__(self, num_channels, eps=1e-6, affine=True):
        super().__init__(num_channels, eps=eps, elementwise_affine=affine)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class LayerNorm2d(nn.LayerNorm):
    """timm.layers.LayerNorm2d: LayerNorm over the channels of an NCHW tensor (permute to NHWC, normalise, back)."""

    def __init__(self, num_channels, eps=1e-6, affine=True):
        super().__init__(num_channels, eps=eps, elementwise_affine=affine)

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class GELU(nn.Module):
    """timm.layers.GELU (what get_act_layer('gelu') returns): F.gelu, the exact (erf) form."""

    def __init__(self, inplace=False):
        super().__init__()

    def forward(self, x):
        return F.gelu(x)


class Mlp(nn.Module):
    """timm.layers.Mlp with use_conv=False: fc1 (Linear), act, drop1, norm (Identity), fc2 (Linear), drop2."""

    def __init__(self, in_features, hidden_features=None, out_features=None, act_layer=GELU, bias=True, drop=0.):
        super().__init__()
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        self.fc1 = nn.Linear(in_features, hidden_features, bias=bias)
        self.act = act_layer()
        self.drop1 = nn.Dropout(drop)
        self.norm = nn.Identity()
        self.fc2 = nn.Linear(hidden_features, out_features, bias=bias)
        self.drop2 = nn.Dropout(drop)

    def forward(self, x):
        return self.drop2(self.fc2(self.norm(self.drop1(self.act(self.fc1(x))))))


def drop_path(x, drop_prob=0., training=False, scale_by_keep=True):
    """timm.layers.drop_path: per-sample stochastic depth; the identity in eval mode or at probability 0."""
    if drop_prob == 0. or not training:
        return x
    keep_prob = 1 - drop_prob
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    random_tensor = x.new_empty(shape).bernoulli_(keep_prob)
    if keep_prob > 0.0 and scale_by_keep:
        random_tensor.div_(keep_prob)
    return x * random_tensor


class DropPath(nn.Module):
    def __init__(self, drop_prob=0., scale_by_keep=True):
        super().__init__()
        self.drop_prob = drop_prob
        self.scale_by_keep = scale_by_keep

    def forward(self, x):
        return drop_path(x, self.drop_prob, self.training, self.scale_by_keep)


class SelectAdaptivePool2d(nn.Module):
    """timm SelectAdaptivePool2d(pool_type='avg', flatten=False): pool = AdaptiveAvgPool2d(1), flatten = Identity."""

    def __init__(self, output_size=1, pool_type="avg", flatten=False):
        super().__init__()
        assert pool_type == "avg"
        self.pool_type = pool_type
        self.pool = nn.AdaptiveAvgPool2d(output_size)
        self.flatten = nn.Flatten(1) if flatten else nn.Identity()

    def forward(self, x):
        return self.flatten(self.pool(x))


class NormMlpClassifierHead(nn.Module):
    """timm NormMlpClassifierHead with hidden_size None (ConvNeXt's default head): global_pool (avg, NCHW kept),
    norm (LayerNorm2d on the 1x1 map), flatten, pre_logits (Identity), drop, fc (Linear)."""

    def __init__(self, in_features, num_classes, hidden_size=None, pool_type="avg", drop_rate=0.,
                 norm_layer=LayerNorm2d):
        super().__init__()
        assert hidden_size is None and pool_type
        self.in_features = in_features
        self.num_features = in_features
        self.global_pool = SelectAdaptivePool2d(pool_type=pool_type)
        self.norm = norm_layer(in_features)
        self.flatten = nn.Flatten(1)
        self.pre_logits = nn.Identity()
        self.drop = nn.Dropout(drop_rate)
        self.fc = nn.Linear(self.num_features, num_classes) if num_classes > 0 else nn.Identity()

    def forward(self, x, pre_logits=False):
        x = self.global_pool(x)
        x = self.norm(x)
        x = self.flatten(x)
        x = self.pre_logits(x)
        x = self.drop(x)
        return x if pre_logits else self.fc(x)


# --------------------------------------------------------------------------------------------- wtconvnext.py


class WTConvNeXtBlock(nn.Module):
    """conv_dw = WTConv2d(C, C, kernel_size, stride, bias=conv_bias, wt_levels); permute to NHWC; norm (LayerNorm);
    mlp (Linear C -> 4C, GELU, Linear 4C -> C); permute back; x * gamma.reshape(1, -1, 1, 1); drop_path + shortcut
    (Identity: in == out and stride 1 in every WTConvNeXt)."""

    def __init__(self, in_chs, out_chs=None, kernel_size=5, stride=1, mlp_ratio=4, conv_bias=True,
                 ls_init_value=1e-6, norm_layer=LayerNorm, drop_path=0., wt_levels=0, wtconv_class=None):
        super().__init__()
        out_chs = out_chs or in_chs
        assert in_chs == out_chs and stride == 1  # the Downsample shortcut is never built in these networks
        self.use_conv_mlp = False
        conv_class = wtconv_class if wtconv_class is not None else WTConv2d
        self.conv_dw = conv_class(in_chs, out_chs, kernel_size=kernel_size, stride=stride, bias=conv_bias,
                                  wt_levels=wt_levels)
        self.norm = norm_layer(out_chs)
        self.mlp = Mlp(out_chs, int(mlp_ratio * out_chs), act_layer=GELU)
        self.gamma = nn.Parameter(ls_init_value * torch.ones(out_chs)) if ls_init_value is not None else None
        self.shortcut = nn.Identity()
        self.drop_path = DropPath(drop_path) if drop_path > 0. else nn.Identity()

    def forward(self, x):
        shortcut = x
        x = self.conv_dw(x)
        x = x.permute(0, 2, 3, 1)
        x = self.norm(x)
        x = self.mlp(x)
        x = x.permute(0, 3, 1, 2)
        if self.gamma is not None:
            x = x.mul(self.gamma.reshape(1, -1, 1, 1))
        return self.drop_path(x) + self.shortcut(shortcut)


class WTConvNeXtStage(nn.Module):
    """downsample = Sequential(LayerNorm2d(in), Conv2d(in, out, 2, stride 2, padding 0, bias)) when in != out or
    stride > 1, else Identity; then `depth` blocks."""

    def __init__(self, in_chs, out_chs, kernel_size=5, stride=2, depth=2, drop_path_rates=None, ls_init_value=1.0,
                 conv_bias=True, norm_layer=LayerNorm2d, norm_layer_cl=LayerNorm, wt_levels=0, wtconv_class=None):
        super().__init__()
        if in_chs != out_chs or stride > 1:
            self.downsample = nn.Sequential(
                norm_layer(in_chs),
                nn.Conv2d(in_chs, out_chs, kernel_size=2 if stride > 1 else 1, stride=stride, padding=0, bias=conv_bias),
            )
            in_chs = out_chs
        else:
            self.downsample = nn.Identity()
        drop_path_rates = drop_path_rates or [0.] * depth
        blocks = []
        for i in range(depth):
            blocks.append(WTConvNeXtBlock(in_chs, out_chs, kernel_size=kernel_size, drop_path=drop_path_rates[i],
                                          ls_init_value=ls_init_value, conv_bias=conv_bias, norm_layer=norm_layer_cl,
                                          wt_levels=wt_levels, wtconv_class=wtconv_class))
            in_chs = out_chs
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        return self.blocks(self.downsample(x))


class WTConvNeXt(nn.Module):
    """WTConvNeXt with the defaults of wtconvnext.py: patch stem (Conv2d k = s = 4, LayerNorm2d), four stages
    (stride 1 then 2, 2, 2; output stride 32), head_norm_first False (norm_pre = Identity, NormMlpClassifierHead)."""

    def __init__(self, in_chans=3, num_classes=1000, depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), kernel_sizes=5,
                 ls_init_value=1e-6, patch_size=4, head_init_scale=1., conv_bias=True, drop_rate=0.,
                 drop_path_rate=0., wt_levels=(5, 4, 3, 2), wtconv_class=None):
        super().__init__()
        kernel_sizes = (kernel_sizes,) * 4 if isinstance(kernel_sizes, int) else tuple(kernel_sizes)
        norm_layer, norm_layer_cl = LayerNorm2d, LayerNorm
        self.num_classes = num_classes
        self.drop_rate = drop_rate
        self.stem = nn.Sequential(
            nn.Conv2d(in_chans, dims[0], kernel_size=patch_size, stride=patch_size, bias=conv_bias),
            norm_layer(dims[0]),
        )
        curr_stride = patch_size
        dp_rates = [x.tolist() for x in torch.linspace(0, drop_path_rate, sum(depths)).split(list(depths))]
        stages = []
        prev_chs = dims[0]
        for i in range(4):
            stride = 2 if curr_stride == 2 or i > 0 else 1
            curr_stride *= stride
            stages.append(WTConvNeXtStage(prev_chs, dims[i], kernel_size=kernel_sizes[i], stride=stride,
                                          depth=depths[i], drop_path_rates=dp_rates[i], ls_init_value=ls_init_value,
                                          conv_bias=conv_bias, norm_layer=norm_layer, norm_layer_cl=norm_layer_cl,
                                          wt_levels=wt_levels[i], wtconv_class=wtconv_class))
            prev_chs = dims[i]
        self.stages = nn.Sequential(*stages)
        self.num_features = self.head_hidden_size = prev_chs
        self.norm_pre = nn.Identity()
        self.head = NormMlpClassifierHead(self.num_features, num_classes, pool_type="avg", drop_rate=drop_rate,
                                          norm_layer=norm_layer)
        for name, module in self.named_modules():
            _init_weights(module, name, head_init_scale)

    def forward_features(self, x):
        return self.norm_pre(self.stages(self.stem(x)))

    def forward(self, x):
        return self.head(self.forward_features(x))


def _init_weights(module, name=None, head_init_scale=1.0):
    """wtconvnext.py `_init_weights` (named_apply visits the same modules): trunc_normal(std .02) on Conv2d / Linear
    weights (the wavelet convs too), zero biases, the head scaled by head_init_scale."""
    if isinstance(module, nn.Conv2d):
        nn.init.trunc_normal_(module.weight, std=.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Linear):
        nn.init.trunc_normal_(module.weight, std=.02)
        nn.init.zeros_(module.bias)
        if name and "head." in name:
            module.weight.data.mul_(head_init_scale)
            module.bias.data.mul_(head_init_scale)


def wtconvnext_tiny(**kwargs):
    return WTConvNeXt(depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), **kwargs)


def wtconvnext_small(**kwargs):
    return WTConvNeXt(depths=(3, 3, 27, 3), dims=(96, 192, 384, 768), **kwargs)


def wtconvnext_base(**kwargs):
    return WTConvNeXt(depths=(3, 3, 27, 3), dims=(128, 256, 512, 1024), **kwargs)


VARIANTS = {"tiny": wtconvnext_tiny, "small": wtconvnext_small, "base": wtconvnext_base}


def official_filters(wave, channels):
    """wtconv/util/wavelet.py create_2d_wavelet_filter as the repository writes it (unsqueeze products), to check the
    imported WTConv2d's filters against: dec from the reversed pywt dec filters, rec from the pywt rec filters."""
    w = pywt.Wavelet(wave)
    dec_hi, dec_lo = torch.tensor(w.dec_hi[::-1], dtype=torch.float), torch.tensor(w.dec_lo[::-1], dtype=torch.float)
    dec = torch.stack([dec_lo.unsqueeze(0) * dec_lo.unsqueeze(1), dec_lo.unsqueeze(0) * dec_hi.unsqueeze(1),
                       dec_hi.unsqueeze(0) * dec_lo.unsqueeze(1), dec_hi.unsqueeze(0) * dec_hi.unsqueeze(1)], dim=0)
    rec_hi, rec_lo = torch.tensor(w.rec_hi, dtype=torch.float), torch.tensor(w.rec_lo, dtype=torch.float)
    rec = torch.stack([rec_lo.unsqueeze(0) * rec_lo.unsqueeze(1), rec_lo.unsqueeze(0) * rec_hi.unsqueeze(1),
                       rec_hi.unsqueeze(0) * rec_lo.unsqueeze(1), rec_hi.unsqueeze(0) * rec_hi.unsqueeze(1)], dim=0)
    return dec[:, None].repeat(channels, 1, 1, 1), rec[:, None].repeat(channels, 1, 1, 1)


# --------------------------------------------------------------------------------------------- checks


class DepthwiseConv(nn.Conv2d):
    """A `wtconv_class` (wtconvnext.py's hook for other WTConv backends) that is ConvNeXt's plain depthwise conv:
    with it and kernel 7 the port is timm's ConvNeXt, which check_against_torchvision compares with torchvision's."""

    def __init__(self, in_chs, out_chs, kernel_size, stride, bias, wt_levels):
        super().__init__(in_chs, out_chs, kernel_size, stride=stride, padding=kernel_size // 2, groups=in_chs, bias=bias)


def torchvision_to_timm(key):
    """torchvision convnext key -> timm key: features.0.* = stem.*, features.2i.* = stages.i.downsample.*,
    features.2i+1.j.block.{0,2,3,5} = stages.i.blocks.j.{conv_dw, norm, mlp.fc1, mlp.fc2}, layer_scale = gamma,
    classifier.{0,2} = head.{norm, fc}."""
    parts = key.split(".")
    if parts[0] == "classifier":
        return ".".join(["head", {"0": "norm", "2": "fc"}[parts[1]]] + parts[2:])
    index = int(parts[1])
    if index == 0:
        return ".".join(["stem"] + parts[2:])
    if index % 2 == 0:
        return ".".join(["stages", str(index // 2), "downsample"] + parts[2:])
    stage, block = (index - 1) // 2, parts[2]
    if parts[3] == "layer_scale":
        return f"stages.{stage}.blocks.{block}.gamma"
    inner = {"0": "conv_dw", "2": "norm", "3": "mlp.fc1", "5": "mlp.fc2"}[parts[4]]
    return ".".join(["stages", str(stage), "blocks", block, inner] + parts[5:])


def check_against_torchvision(make_input):
    """The timm layers as written here against an independent implementation: the port with plain 7x7 depthwise convs
    is ConvNeXt-T; torchvision's convnext_tiny, weights copied by the key map (layer_scale (C, 1, 1) -> gamma (C)),
    gives the same logits in float64. Returns the largest difference."""
    import torchvision
    import make_zoo_fixtures as Z
    reference = torchvision.models.convnext_tiny().double()
    Z.fill(reference)
    reference.eval()
    port = WTConvNeXt(depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), kernel_sizes=7, wtconv_class=DepthwiseConv).double()
    port.eval()
    source = reference.state_dict()
    target = port.state_dict()
    assert sum(p.numel() for p in port.parameters()) == sum(p.numel() for p in reference.parameters())
    mapped = {torchvision_to_timm(k): v for k, v in source.items()}
    assert sorted(mapped) == sorted(target), sorted(set(mapped) ^ set(target))
    port.load_state_dict({k: v.reshape(target[k].shape) for k, v in mapped.items()})
    x = make_input("n1c3h64w64")
    with torch.no_grad():
        expected = reference(x)
        diff = float((port(x) - expected).abs().max())
    assert diff < 1e-10 and float(expected.abs().mean()) > 0.1, (diff, float(expected.abs().mean()))
    return diff


# --------------------------------------------------------------------------------------------- fixtures


def expected_count(depths, dims, levels, convnext_count):
    """WTConvNeXt from ConvNeXt's count (wavelets.md): each block swaps ConvNeXt's 7x7 depthwise conv (49C + C) for a
    WTConv2d (k 5: C(25 + 2) + 4LC(25 + 1) trainable, 32C fixed), a change of 9C + 104LC; the rest is the same."""
    return convnext_count + sum(d * (9 * c + 104 * l * c) for d, c, l in zip(depths, dims, levels))


def main():
    import torchvision
    import make_zoo_fixtures as Z

    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    diff = check_against_torchvision(Z.P.make_input)
    print(f"port with plain 7x7 depthwise convs = torchvision convnext_tiny (float64, max |diff| {diff:.1e})")
    anchors = {"tiny": ("convnext_tiny", (3, 3, 9, 3), (96, 192, 384, 768)),
               "small": ("convnext_small", (3, 3, 27, 3), (96, 192, 384, 768)),
               "base": ("convnext_base", (3, 3, 27, 3), (128, 256, 512, 1024))}
    for variant, make in VARIANTS.items():
        model = make()
        name, depths, dims = anchors[variant]
        convnext = sum(p.numel() for p in getattr(torchvision.models, name)().parameters())
        total = sum(p.numel() for p in model.parameters())
        assert total == expected_count(depths, dims, (5, 4, 3, 2), convnext), (variant, total)
        for key, p in model.named_parameters():
            if key.endswith("wt_filter") or key.endswith("iwt_filter"):
                dec, rec = official_filters("db1", p.shape[0] // 4)
                assert not p.requires_grad and torch.equal(p.detach(), dec if key.endswith("wt_filter") else rec), key
        if variant == "tiny":
            assert total == 30_595_624, total  # wavelets.md: the exact WTConvNeXt-T count (logs: 30.6 M)
        Z.write_listing(f"wtconvnext_{variant}_state_dict.tsv", model,
                        f"WTConvNeXt-{variant[0].upper()} (BGU-CS-VIL/WTConv wtconvnext.py on timm 1.0.7, ported in "
                        f"tools/wtconvnext_port.py; depths {depths}, dims {dims}, kernel 5, wt_levels (5, 4, 3, 2), db1)",
                        versions=f"torch {torch.__version__}; pywt {pywt.__version__}")
    Z.write_output("wtconvnext_tiny", lambda: wtconvnext_tiny(), "tools/wtconvnext_port.py wtconvnext_tiny()",
                   ["n1c3h64w64", "n1c3h128w128"], generator="tools/wtconvnext_port.py",
                   versions={"pywt": pywt.__version__},
                   notes="WTConv level cascade at 64x64: stage 0 (16x16, 5 levels) halves to 1x1 at its fourth level "
                         "and its fifth level pads that 1x1 map to 2x2 (the odd-size pad and crop); at 128x128 every "
                         "level of every stage sees an even size of 2 or more. wt_filter / iwt_filter are not in "
                         "'weights': they keep their Haar values (fixed, requires_grad=False). Checkpoints to depth 5 (name components): "
                         "every block's conv_dw (the WTConv2d), norm and mlp",
                   depth=5)


if __name__ == "__main__":
    main()

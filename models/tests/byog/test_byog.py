"""Bring-your-own-GAN exporter: StyleGAN2 and a toy generator through the exporter, the
f(h(z)) == G(z) checks, the official state-dict layout, the user segmenter wrapper."""
import json
import os
import re

import numpy as np
import onnx
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from conftest import HERE, ZOO_SEGMENTER
from ganscope_models.byog import exporter, segmenter, stylegan2
from ganscope_models.byog.common import sha256

try:
    import onnxruntime as ort  # the exporter itself needs it to check the graphs it writes
except ImportError as e:  # fail, not skip: these tests must run where the exporter is meant to
    raise ImportError("the byog tests need the onnxruntime Python package (see models/README.md, "
                      "Bring your own GAN)") from e

SMALL = dict(z_dim=32, w_dim=32, img_resolution=32, channel_base=128, channel_max=16, mapping_layers=2)
TOY = os.path.join(HERE, "toy_gen.py")


def small_sg2(seed=0, **kw):
    return stylegan2.make(None, seed, **{**SMALL, **kw})


def run(path, **feeds):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    return s.run(None, {k: v.astype(np.float32) for k, v in feeds.items()})[0]


# ---------------------------------------------------------------- StyleGAN2 architecture

def test_state_dict_uses_the_official_parameter_names(tmp_path):
    g = small_sg2()
    keys = set(g.state_dict())
    # names as in NVlabs/stylegan2-ada-pytorch training/networks.py
    for k in ("mapping.fc0.weight", "mapping.fc1.bias", "mapping.w_avg", "synthesis.b4.const",
              "synthesis.b4.conv1.weight", "synthesis.b4.conv1.noise_strength", "synthesis.b4.conv1.noise_const",
              "synthesis.b4.conv1.affine.weight", "synthesis.b4.conv1.affine.bias", "synthesis.b4.conv1.resample_filter",
              "synthesis.b4.torgb.weight", "synthesis.b4.torgb.affine.bias", "synthesis.b8.conv0.weight",
              "synthesis.b8.resample_filter", "synthesis.b32.conv1.bias", "synthesis.b32.torgb.bias"):
        assert k in keys, k
    pat = re.compile(r"mapping\.(fc\d\.(weight|bias)|w_avg)|synthesis\.b\d+\.(const|resample_filter|"
                     r"(conv[01])\.(weight|bias|noise_strength|noise_const|resample_filter|affine\.(weight|bias))|"
                     r"torgb\.(weight|bias|affine\.(weight|bias)))")
    assert all(pat.fullmatch(k) for k in keys), sorted(k for k in keys if not pat.fullmatch(k))
    assert "synthesis.b4.conv0.weight" not in keys  # the 4x4 block starts from the constant
    assert g.state_dict()["synthesis.b8.conv0.weight"].shape == (16, 16, 3, 3)
    assert g.layer_names() == ["synthesis.b4.conv1", "synthesis.b8.conv0", "synthesis.b8.conv1",
                               "synthesis.b16.conv0", "synthesis.b16.conv1", "synthesis.b32.conv0",
                               "synthesis.b32.conv1"]


def test_state_dict_round_trip_through_a_checkpoint_file(tmp_path):
    g = small_sg2(seed=3, truncation_psi=0.7)
    with torch.no_grad():
        g.mapping.w_avg.normal_()
    p = tmp_path / "g_ema.pt"
    torch.save({"G_ema": g.state_dict()}, p)  # the wrapped form is accepted too
    g2 = stylegan2.make(str(p), truncation_psi=0.7)
    assert g2.config == g.config
    z = torch.randn(3, 32)
    with torch.no_grad():
        assert torch.equal(g(z), g2(z))
        g2.truncation_psi = 1.0
        assert not torch.equal(g(z), g2(z))  # truncation changes the images
    sd = g.state_dict()
    del sd["synthesis.b8.conv0.weight"]
    with pytest.raises(RuntimeError, match="synthesis.b8.conv0.weight"):
        stylegan2.from_state_dict(sd)
    with pytest.raises(ValueError, match="not a StyleGAN2"):
        stylegan2.config_from_state_dict({"layer1.conv.weight": torch.zeros(1)})


def test_config_f_sizes():
    g = stylegan2.Generator()  # config F, 1024x1024
    assert g.num_ws == 18
    assert g.synthesis.channels == {4: 512, 8: 512, 16: 512, 32: 512, 64: 512, 128: 256, 256: 128, 512: 64, 1024: 32}
    n = stylegan2.n_params(g)
    assert 30.0e6 < n < 30.5e6, n  # the official 1024 generator has about 30.3M parameters


def test_noise_from_z_is_a_deterministic_standard_normal():
    z = torch.randn(8, 32, generator=torch.Generator().manual_seed(0))
    a = stylegan2.z_noise(z, 3, 64)
    assert torch.equal(a, stylegan2.z_noise(z.clone(), 3, 64))
    assert abs(a.mean().item()) < 0.02 and abs(a.std().item() - 1) < 0.02
    b = stylegan2.z_noise(z, 4, 64)
    c = float(np.corrcoef(a.flatten(), b.flatten())[0, 1])
    nb = float(np.corrcoef(a[..., :-1].flatten(), a[..., 1:].flatten())[0, 1])
    assert abs(c) < 0.03 and abs(nb) < 0.03, (c, nb)
    z2 = z.clone()
    z2[:, 0] += 1e-3
    assert (stylegan2.z_noise(z2, 3, 64) - a).abs().mean() > 0.5  # another sample, other noise


# ---------------------------------------------------------------- exporter

def check_bundle(out, zdim, layers, f_inputs):
    m = json.load(open(os.path.join(out, "manifest.json")))
    assert m["schema_version"] == 1 and m["zdim"] == zdim
    assert [l["name"] for l in m["layers"]] == layers
    for rel, e in m["files"].items():
        assert sha256(os.path.join(out, rel)) == e["sha256"], rel
        assert os.path.getsize(os.path.join(out, rel)) == e["bytes"], rel
    z = np.random.default_rng(5).standard_normal((3, zdim)).astype(np.float32)  # another batch size
    images = []
    for l in m["layers"]:
        assert l["f_inputs"] == f_inputs
        r = run(os.path.join(out, l["h"]), z=z)
        assert r.shape == (3, l["units"], l["height"], l["width"])
        feeds = {"r": r, "z": z} if f_inputs == ["r", "z"] else {"r": r}
        images.append(run(os.path.join(out, l["f"]), **feeds))
        chk = m["export_check"]["layers"][l["name"]]
        assert chk["max_abs_diff_torch"] <= exporter.TOLERANCE and chk["max_abs_diff_onnx"] <= exporter.TOLERANCE_ONNX
    for x in images[1:]:  # every split renders the same image
        assert np.abs(x - images[0]).max() < 1e-4
    p = run(os.path.join(out, "segmenter.onnx"), x=images[0])
    assert p.shape[:2] == (3, len(m["classes"])) and np.allclose(p.sum(1), 1, atol=1e-4)
    return m, z, images[0]


def test_stylegan2_exports_and_f_of_h_is_g(tmp_path, outdoor_classes):
    g = small_sg2()
    out = str(tmp_path / "sg2")
    layers = ["synthesis.b8.conv1", "synthesis.b16.conv0"]
    exporter.export_bundle(g, 32, layers, out, ZOO_SEGMENTER, outdoor_classes, segmenter_size=64,
                           architecture="StyleGAN2 test", provenance={"weights": "random"}, feature_count=16)
    m, z, x = check_bundle(out, 32, layers, ["r", "z"])
    with torch.no_grad():
        ref = torch.clamp(g(torch.from_numpy(z)), -1, 1).numpy()
    assert np.abs(x - ref).max() < exporter.TOLERANCE_ONNX
    assert m["segmenter"]["resolution"] == 64 and m["image_size"] == 32
    assert m["training"]["torch"] == torch.__version__ and m["training"]["onnx"] == onnx.__version__
    # editing r changes the image: f really reads r, not only z
    r = run(os.path.join(out, "synthesis.b16.conv0.h.onnx"), z=z)
    x0 = run(os.path.join(out, "synthesis.b16.conv0.f.onnx"), r=np.zeros_like(r), z=z)
    assert np.abs(x0 - x).mean() > 1e-3


def test_toy_generator_from_a_file_exports_with_f_of_r_only(tmp_path, outdoor_classes):
    g, prov = exporter.load_generator(TOY + ":make", kwargs={"zdim": 16})
    assert prov["source_sha256"] == sha256(TOY) and prov["factory_kwargs"] == {"zdim": 16}
    ckpt = tmp_path / "toy.pt"
    torch.save(g.state_dict(), ckpt)
    g2, prov2 = exporter.load_generator(TOY + ":make", checkpoint=str(ckpt), kwargs={"zdim": 16, "seed": 9})
    assert prov2["checkpoint_sha256"] == sha256(str(ckpt))
    out = str(tmp_path / "toy")
    exporter.export_bundle(g2, 16, ["blocks.0", "blocks.2"], out, ZOO_SEGMENTER, outdoor_classes, segmenter_size=64,
                           provenance=prov2, feature_count=16)
    m, z, x = check_bundle(out, 16, ["blocks.0", "blocks.2"], ["r"])
    with torch.no_grad():
        ref = torch.clamp(g(torch.from_numpy(z)), -1, 1).numpy()  # the checkpoint's weights, not seed 9's
    assert np.abs(x - ref).max() < exporter.TOLERANCE_ONNX
    assert m["generator"]["checkpoint"] == "toy.pt"


def test_bad_inputs_are_refused_with_the_reason(tmp_path, outdoor_classes):
    g, _ = exporter.load_generator(TOY + ":make")
    out = str(tmp_path / "x")
    with pytest.raises(exporter.ExportError, match="no submodule 'blocks.9'"):
        exporter.export_bundle(g, 16, ["blocks.9"], out, ZOO_SEGMENTER, outdoor_classes)
    with pytest.raises(exporter.ExportError, match="returns"):
        exporter.export_bundle(g, 16, ["fc"], out, ZOO_SEGMENTER, outdoor_classes)  # [B, N]: not a feature map
    noisy, _ = exporter.load_generator(TOY + ":make_noisy")
    with pytest.raises(exporter.ExportError, match="not deterministic"):
        exporter.export_bundle(noisy, 16, ["blocks.0"], out, ZOO_SEGMENTER, outdoor_classes)
    with pytest.raises(exporter.ExportError, match="no callable 'nope'"):
        exporter.load_generator(TOY + ":nope")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,category,color\nsky,object,#000000\ntree,object,#00ff00\n")
    with pytest.raises(segmenter.SegmenterError, match="class 0 must be the unlabeled class"):
        segmenter.load_classes(str(bad))
    short = tmp_path / "short.csv"
    short.write_text("name,category,color\nunlabeled,none,#000000\ntree,object,#00ff00\n")
    with pytest.raises(segmenter.SegmenterError, match="outputs 13 class channels, the class list short.csv has 2"):
        exporter.export_bundle(g, 16, ["blocks.0"], out, ZOO_SEGMENTER, str(short), segmenter_size=64)


# ---------------------------------------------------------------- user segmenter

class LogitSeg(nn.Module):
    """Expects ImageNet-normalised [0, 1] RGB at 24x24; gives 4 class logits at 12x12."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(1)
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 4, 3, stride=2, padding=1)

    def forward(self, img):
        return self.c2(torch.relu(self.c1(img))) * 3.0


def test_user_segmenter_is_wrapped_to_the_bundle_contract(tmp_path):
    seg = LogitSeg().eval()
    p = str(tmp_path / "seg.onnx")
    torch.onnx.export(seg, torch.zeros(1, 3, 24, 24), p, opset_version=13, input_names=["img"],
                      output_names=["logits"], dynamic_axes={"img": {0: "n"}, "logits": {0: "n"}})
    classes = tmp_path / "classes.json"
    classes.write_text(json.dumps([{"name": "unlabeled", "category": "none", "color": "#000000"},
                                   {"name": "sky", "category": "object", "color": "#78b4ff"},
                                   {"name": "door", "category": "part", "color": "#783c14"},
                                   {"name": "grass", "category": "material", "color": "#3caa3c"}]))
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    # declared as probabilities it is refused: its outputs are logits
    with pytest.raises(segmenter.SegmenterError, match="do not sum to 1"):
        segmenter.prepare(p, str(classes), 48, "probabilities", "0,1", mean, std, 24)
    model, cls, res, norm = segmenter.prepare(p, str(classes), 48, "logits", "0,1", mean, std, 24)
    assert [c[1] for c in cls] == ["none", "object", "part", "material"] and res == 12
    assert norm["input_size"] == 24 and norm["output"] == "logits"
    x = torch.rand(2, 3, 48, 48) * 2 - 1
    with torch.no_grad():
        v = ((x + 1) / 2 - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
        v = F.interpolate(v, size=(24, 24), mode="bilinear", align_corners=False)
        ref = torch.softmax(seg(v), dim=1).numpy()
    got = segmenter.OrtGraph(model)(x.numpy())
    assert got.shape == (2, 4, 12, 12)
    assert np.abs(got - ref).max() < 1e-5

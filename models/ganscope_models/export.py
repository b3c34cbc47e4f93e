"""Export a trained generator + segmenter as an immutable ganscope model bundle.

  python3 -m ganscope_models.export --build build/outdoor --variant base --out bundles/outdoor-base

A bundle directory holds (schema version 1, documented in models/README.md):
  manifest.json              name, dataset, variant, zdim, image size, normalisation,
                             layers with shapes, classes, file hashes, provenance
  <layer>.h.onnx             z [B,zdim] -> r [B,U,h,w]       (one per dissectable layer)
  <layer>.f.onnx             r [B,U,h,w] -> x [B,3,S,S]
  <layer>.f_seg.pt           TorchScript r -> (x, s(x)) for gradient-based steps
                             (middle layers only, to keep bundles small)
  segmenter.onnx             x -> class probabilities [B,C,S,S]
  features.onnx              x -> [B,D] features for Frechet-distance-style metrics
  real/features_{mean,cov}.npy, real/features_sample.npy   real-data feature statistics
  reference_features         (schema 2) real statistics in the metrics' independent feature network,
                             models/features: by default shared, stored once per dataset in
                             models/features/real/<key>/ and named by key and SHA-256; with
                             --reference-statistics bundle as real/effnet_features_{mean,cov,heldout}.npy
                             (export_features.write_real_statistics)
  real/images.png, real/labels.png   held-out real images and label maps (sprite sheets)
  samples.png                a grid of 64 generated samples (for people; not hashed)
Weights of the generator and segmenter are stored in float16 and cast to float32 inside
the graphs (the bundle IS that model: quality numbers are measured on it).
"""
import argparse
import hashlib
import json
import os
import shutil
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as parametrize
from PIL import Image

from . import nets, scenes
from .train import segmenter_quality, to_tensor

REAL_SEED = 2           # held-out real images: render(dataset, 2, i)
REAL_SHEET = 64         # images in the real sprite sheet
REAL_FEATURES = 2000    # images behind the real feature statistics
FEATURE_SAMPLE = 500    # real feature vectors shipped for precision/recall/density/coverage
GRAD_LAYERS = ("layer2", "layer3")
OPSET = 13


class _ToFloat(nn.Module):
    def forward(self, w):
        return w.float()

    def right_inverse(self, w):
        return (w.half(),)  # a sequence: the only form allowed to change dtype


def half_storage(module):
    """Store every conv/linear weight as float16 (cast back in the graph)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear, nn.ConvTranspose2d)) and not parametrize.is_parametrized(m, "weight"):
            parametrize.register_parametrization(m, "weight", _ToFloat())
    return module


def onnx_export(module, example, path, in_name, out_names):
    module.eval()
    torch.onnx.export(module, example, path, opset_version=OPSET, input_names=[in_name], output_names=out_names,
                      dynamic_axes={n: {0: "batch"} for n in [in_name] + out_names},
                      do_constant_folding=False)  # folding would undo the float16 weight storage


def sprite(tiles, columns):
    n, s = len(tiles), tiles.shape[1]
    rows = (n + columns - 1) // columns
    out = np.zeros((rows * s, columns * s) + tiles.shape[3:], tiles.dtype)
    for k in range(n):
        r, c = divmod(k, columns)
        out[r * s:(r + 1) * s, c * s:(c + 1) * s] = tiles[k]
    return out


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def file_table(out):
    """Every file of a bundle directory but the manifest and the sample grid, with SHA-256 and size."""
    files = {}
    for root, _, names in os.walk(out):
        for n in sorted(names):
            p = os.path.join(root, n)
            rel = os.path.relpath(p, out)
            if rel in ("manifest.json", "samples.png"):
                continue
            files[rel] = {"sha256": sha256(p), "bytes": os.path.getsize(p)}
    return files


def features_of(featnet, imgs, batch=100):
    out = []
    with torch.no_grad():
        for s in range(0, len(imgs), batch):
            out.append(featnet(to_tensor(imgs[s:s + batch])).numpy())
    return np.concatenate(out).astype(np.float64)


def write_real_features(out, featnet, real_imgs):
    feats = features_of(featnet, real_imgs)
    np.save(os.path.join(out, "real", "features_mean.npy"), feats.mean(0))
    np.save(os.path.join(out, "real", "features_cov.npy"), np.cov(feats, rowvar=False))
    np.save(os.path.join(out, "real", "features_sample.npy"), feats[:FEATURE_SAMPLE].astype(np.float32))


def export(build, variant, out):
    prov = json.load(open(os.path.join(build, "provenance.json")))
    dataset = prov["dataset"]
    classes = scenes.classes(dataset)
    torch.manual_seed(0)

    gen = nets.Generator(pixnorm=(variant == "pixnorm"))
    gen.load_state_dict(torch.load(os.path.join(build, "gan-%s.pt" % variant)))
    fused = nets.FusedGenerator(gen.eval()).eval()
    seg = nets.Segmenter(len(classes))
    seg.load_state_dict(torch.load(os.path.join(build, "segmenter.pt")))
    seg = half_storage(seg.eval())
    probs = nets.SegmenterProbs(seg).eval()
    featnet = nets.FeatureNet(seg).eval()

    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "real"))
    name = os.path.basename(os.path.normpath(out))

    z = torch.randn(2, nets.ZDIM)
    layers = []
    for i, (lname, units, size) in enumerate(nets.GEN_LAYERS):
        h = nets.Stages(fused, 0, i + 1)
        f = nets.Stages(fused, i + 1, len(nets.GEN_LAYERS) + 1)
        onnx_export(h, z, os.path.join(out, lname + ".h.onnx"), "z", ["r"])
        r = h(z)
        assert tuple(r.shape[1:]) == (units, size, size)
        onnx_export(f, r, os.path.join(out, lname + ".f.onnx"), "r", ["x"])
        ts = None
        if lname in GRAD_LAYERS:
            ts = lname + ".f_seg.pt"
            tail = nets.TailThenSegment(fused, i + 1, seg).eval()
            with torch.no_grad():
                traced = torch.jit.trace(tail, r.detach())
            traced.save(os.path.join(out, ts))
        layers.append({"name": lname, "units": units, "height": size, "width": size,
                       "h": lname + ".h.onnx", "f": lname + ".f.onnx", "torchscript": ts})
    x = fused.run(z, 0, len(nets.GEN_LAYERS) + 1)
    onnx_export(probs, x, os.path.join(out, "segmenter.onnx"), "x", ["probabilities"])
    onnx_export(featnet, x, os.path.join(out, "features.onnx"), "x", ["features"])

    # segmenter quality, measured on the exported (float16-weight) segmenter
    test_imgs, test_labs = scenes.render_many(dataset, 3, 0, 500)
    acc, ious = segmenter_quality(seg, test_imgs, test_labs, len(classes))

    # real data: sprite sheets and feature statistics
    real_imgs, real_labs = scenes.render_many(dataset, REAL_SEED, 0, REAL_FEATURES)
    Image.fromarray(sprite(real_imgs[:REAL_SHEET], 10)).save(os.path.join(out, "real", "images.png"), optimize=True)
    Image.fromarray(sprite(real_labs[:REAL_SHEET].astype(np.uint8), 10), mode="L").save(
        os.path.join(out, "real", "labels.png"), optimize=True)
    write_real_features(out, featnet, real_imgs)

    # a sample grid for people to look at
    with torch.no_grad():
        g = torch.Generator().manual_seed(0)
        xs = fused.run(torch.randn(32, nets.ZDIM, generator=g), 0, len(nets.GEN_LAYERS) + 1)
    grid = ((xs.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).round().astype(np.uint8)
    Image.fromarray(sprite(grid, 8)).save(os.path.join(out, "samples.png"), optimize=True)

    files = file_table(out)

    gan_prov = prov["gans"][variant]
    seg_prov = prov["segmenter"]
    manifest = {
        "schema_version": 1,
        "name": name,
        "dataset": dataset,
        "variant": variant,
        "description": "%s scenes, DCGAN-like generator, %s variant" % (dataset, variant),
        "zdim": nets.ZDIM,
        "image_size": scenes.SIZE,
        "normalisation": {"image_range": [-1, 1], "layout": "NCHW", "channels": "RGB",
                          "latent": "standard normal, see Latents in the analysis module"},
        "layers": layers,
        "classes": [{"index": i, "name": n, "category": c, "color": "#%02x%02x%02x" % col}
                    for i, (n, c, col) in enumerate(classes)],
        "segmenter": {"file": "segmenter.onnx", "resolution": scenes.SIZE, "output": "probabilities",
                      "pixel_accuracy": round(acc, 5), "mean_iou": round(float(np.nanmean(ious[1:])), 5),
                      "per_class_iou": {classes[i][0]: (None if np.isnan(v) else round(float(v), 4))
                                        for i, v in enumerate(ious)},
                      "evaluated_on": {"seed": 3, "count": 500}},
        "features": {"file": "features.onnx", "dim": nets.Segmenter.FEATURE_DIM,
                     "description": "segmenter encoder, global average pooled",
                     "real_mean": "real/features_mean.npy", "real_cov": "real/features_cov.npy",
                     "real_sample": "real/features_sample.npy", "real_count": REAL_FEATURES},
        "real": {"images": "real/images.png", "labels": "real/labels.png", "count": REAL_SHEET, "columns": 10,
                 "seed": REAL_SEED},
        "sample_grid": "samples.png",
        "files": files,
        "training": {
            "generator": gan_prov,
            "segmenter": {k: seg_prov[k] for k in ("iterations", "batch", "wall_seconds", "final_loss", "seed")},
            "train_images": prov["train_images"],
            "torch": prov["torch"],
            "exported": time.strftime("%Y-%m-%d"),
        },
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("%s: segmenter acc=%.4f miou=%.4f, %d files, %.1f MB" % (
        name, acc, float(np.nanmean(ious[1:])), len(files),
        sum(v["bytes"] for v in files.values()) / 1e6))


COLOR_RULE = "broden11-hsv-1"


def group_table(table):
    return [{"index": i, "name": n, "category": c, "color": "#%02x%02x%02x" % col} for i, (n, c, col) in enumerate(table)]


def export_v2(gan_run, seg_run, out, shared_statistics=True):
    """Schema version 2 (a proposal, see models/README.md): a zoo-v2 GAN run (its EMA
    generator, BatchNorm recalibrated and folded) and a zoo-v2 segmenter run (one head per
    learned concept group) -> bundle with concept groups."""
    from . import nets2, scenes2, train2
    ck = torch.load(os.path.join(gan_run, "ckpt.pt"), map_location="cpu")
    cfg = ck["config"]
    seg_ck = torch.load(os.path.join(seg_run, "ckpt.pt"), map_location="cpu")
    if seg_ck["config"]["dataset"] != cfg["dataset"]:
        raise SystemExit("--seg-run: dataset %r, --gan-run: dataset %r" % (seg_ck["config"]["dataset"], cfg["dataset"]))
    gan_rec = json.load(open(os.path.join(gan_run, "record.json")))
    seg_rec = json.load(open(os.path.join(seg_run, "record.json")))
    dataset, variant = cfg["dataset"], cfg["variant"]
    groups = scenes2.groups(dataset)
    torch.manual_seed(0)
    gen = nets2.Generator(variant, cfg["widths"])
    gen.load_state_dict(ck["ema"])
    fused = nets2.Fused(train2.recalibrated(gen, batches=100)).eval()
    seg = nets2.Segmenter(train2.seg_heads(dataset))
    seg.load_state_dict(seg_ck["seg"])
    seg = half_storage(seg.eval())
    heads = seg.head_names
    out_names = ["probabilities" if g == "main" else "probabilities_" + g for g in heads]
    featnet = nets.FeatureNet(seg).eval()

    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "real"))
    name = os.path.basename(os.path.normpath(out))
    z = torch.randn(2, nets2.ZDIM)
    layers = []
    for i, (lname, size) in enumerate(nets2.LAYER_SIZES):
        h = nets2.FusedStages(fused, 0, i + 1)
        f = nets2.FusedStages(fused, i + 1, fused.n)
        onnx_export(h, z, os.path.join(out, lname + ".h.onnx"), "z", ["r"])
        r = h(z)
        onnx_export(f, r, os.path.join(out, lname + ".f.onnx"), "r", ["x"])
        ts = None
        if lname in GRAD_LAYERS:
            ts = lname + ".f_seg.pt"
            with torch.no_grad():
                torch.jit.trace(nets2.TailThenSegment(fused, i + 1, seg).eval(), r.detach()).save(os.path.join(out, ts))
        layers.append({"name": lname, "units": int(r.shape[1]), "height": size, "width": size,
                       "h": lname + ".h.onnx", "f": lname + ".f.onnx", "torchscript": ts})
    x = nets2.FusedStages(fused, 0, fused.n)(z)
    onnx_export(nets2.SegmenterProbs(seg).eval(), x, os.path.join(out, "segmenter.onnx"), "x", out_names)
    onnx_export(featnet, x, os.path.join(out, "features.onnx"), "x", ["features"])

    test_imgs, test_labs = scenes2.render_many(dataset, train2.SEG_TEST_SEED, 0, 500)
    q_clean = train2.seg_quality(seg, test_imgs, test_labs, dataset)
    q_deg = train2.seg_quality(seg, test_imgs, test_labs, dataset, degrade_seed=train2.DEGRADE_TEST_SEED)

    real_imgs, real_labs = scenes2.render_many(dataset, REAL_SEED, 0, REAL_FEATURES)
    Image.fromarray(sprite(real_imgs[:REAL_SHEET], 10)).save(os.path.join(out, "real", "images.png"), optimize=True)
    label_files = {}
    for gi, (g, _, _) in enumerate(groups):
        label_files[g] = "real/labels.png" if g == "main" else "real/labels_%s.png" % g
        Image.fromarray(sprite(real_labs[:REAL_SHEET, gi], 10), mode="L").save(os.path.join(out, label_files[g]),
                                                                              optimize=True)
    write_real_features(out, featnet, real_imgs)
    # the metrics' independent features (models/features): statistics of these 2,000 real images and 2,000 held out
    from . import export_features

    def render_real(seed, start, count):
        if seed == REAL_SEED and start == 0 and count == REAL_FEATURES:
            return real_imgs
        return scenes2.render_many(dataset, seed, start, count)[0]
    reference = export_features.write_real_statistics(out, render_real, REAL_SEED, threads=torch.get_num_threads(),
                                                      dataset=dataset if shared_statistics else None)
    real_shares = scenes2.pixel_shares(real_labs, dataset)
    with torch.no_grad():
        xs = nets2.FusedStages(fused, 0, fused.n)(torch.randn(32, nets2.ZDIM, generator=torch.Generator().manual_seed(0)))
    grid = ((xs.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).round().astype(np.uint8)
    Image.fromarray(sprite(grid, 8)).save(os.path.join(out, "samples.png"), optimize=True)
    files = file_table(out)

    concept_groups = []
    for g, table, method in groups:
        entry = {"name": g, "classes": group_table(table), "real_label_sheet": label_files[g],
                 "real_pixel_share": {k: round(v, 6) for k, v in real_shares[g].items()}}
        if method == "segmenter":
            entry["method"] = {"kind": "segmenter", "output": out_names[heads.index(g)],
                               "pixel_accuracy": {"clean": round(q_clean[g]["pixel_accuracy"], 5),
                                                  "degraded": round(q_deg[g]["pixel_accuracy"], 5)},
                               "mean_iou": {"clean": round(q_clean[g]["mean_iou"], 5),
                                            "degraded": round(q_deg[g]["mean_iou"], 5)}}
        else:
            entry["method"] = {"kind": "rule", "rule": COLOR_RULE, "input": "image RGB quantised to uint8",
                               "definition": " ".join(scenes2.color_names.__doc__.split())}
        concept_groups.append(entry)
    manifest = {
        "schema_version": 2,
        "name": name,
        "dataset": dataset,
        "variant": variant,
        "description": "%s scenes (renderer v2), upsample+conv generator, %s variant, EMA weights" % (dataset, variant),
        "zdim": nets2.ZDIM,
        "image_size": scenes2.SIZE,
        "normalisation": {"image_range": [-1, 1], "layout": "NCHW", "channels": "RGB",
                          "latent": "standard normal, see Latents in the analysis module"},
        "layers": layers,
        "classes": group_table(groups[0][1]),
        "concept_groups": concept_groups,
        "segmenter": {"file": "segmenter.onnx", "resolution": scenes2.SIZE, "output": "probabilities",
                      "outputs": {g: out_names[k] for k, g in enumerate(heads)},
                      "pixel_accuracy": round(q_clean["main"]["pixel_accuracy"], 5),
                      "mean_iou": round(q_clean["main"]["mean_iou"], 5),
                      "pixel_accuracy_degraded": round(q_deg["main"]["pixel_accuracy"], 5),
                      "per_class_iou": {groups[0][1][i][0]: v for i, v in enumerate(q_clean["main"]["per_class_iou"])},
                      "evaluated_on": {"seed": train2.SEG_TEST_SEED, "count": 500,
                                       "degrade_seed": train2.DEGRADE_TEST_SEED}},
        "features": {"file": "features.onnx", "dim": nets2.Segmenter.FEATURE_DIM,
                     "description": "segmenter encoder, global average pooled",
                     "real_mean": "real/features_mean.npy", "real_cov": "real/features_cov.npy",
                     "real_sample": "real/features_sample.npy", "real_count": REAL_FEATURES},
        "reference_features": reference,
        "real": {"images": "real/images.png", "labels": "real/labels.png", "count": REAL_SHEET, "columns": 10,
                 "seed": REAL_SEED},
        "sample_grid": "samples.png",
        "files": files,
        "training": {"generator": gan_rec, "segmenter": {k: v for k, v in seg_rec.items() if k != "quality"},
                     "exported": time.strftime("%Y-%m-%d")},
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("%s: schema 2, %d groups, segmenter main acc clean %.4f degraded %.4f, %d files, %.1f MB" % (
        name, len(concept_groups), q_clean["main"]["pixel_accuracy"], q_deg["main"]["pixel_accuracy"], len(files),
        sum(v["bytes"] for v in files.values()) / 1e6))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", type=int, choices=(1, 2), default=1,
                    help="1: a train.py build (--build, --variant); 2 (proposal): zoo-v2 runs (--gan-run, --seg-run)")
    ap.add_argument("--build")
    ap.add_argument("--variant")
    ap.add_argument("--gan-run", help="schema 2: a train2 GAN run directory")
    ap.add_argument("--seg-run", help="schema 2: a train2 segmenter run directory of the same dataset")
    ap.add_argument("--out", required=True)
    ap.add_argument("--reference-statistics", choices=("shared", "bundle"), default="shared",
                    help="schema 2: the EfficientNet-Lite0 real statistics (11.4 MB) once per dataset in "
                         "models/features/real/<key> (shared, default) or inside the bundle")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    need = ("build", "variant") if args.schema == 1 else ("gan_run", "seg_run")
    for k in need:
        if not getattr(args, k):
            ap.error("--schema %d needs --%s" % (args.schema, k.replace("_", "-")))
    if args.schema == 1:
        export(args.build, args.variant, args.out)
    else:
        export_v2(args.gan_run, args.seg_run, args.out, shared_statistics=args.reference_statistics == "shared")


if __name__ == "__main__":
    main()

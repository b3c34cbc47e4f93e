"""Export a Progressive-GAN 256x256 generator (GAN Dissection's LSUN layout) as a ganscope
bundle (manifest schema version 1, see export.py).

  # perf bundle: seeded random weights, no checkpoint needed
  python3 -m ganscope_models.export_proggan --out /tmp/perfbundle
  # a gandissect checkpoint (plain state_dict .pth, e.g. churchoutdoor_lsun.pth)
  python3 -m ganscope_models.export_proggan --out DIR --checkpoint church.pth --layers layer4,layer6

The generator graphs are exact (float32 weights). Without --checkpoint the generator gets
seeded N(0, 1) weights (the equalized-lr convention) and its RGB layer is rescaled so
images have channel mean 0 and std 0.5 (see calibrate_output). Everything else is a cheap
stand-in so the bundle is complete and verifiable, not a measurement instrument:
  segmenter.onnx  seeded random weights: 2x2 average pool (S -> S/2, gandissect segments at
                  half resolution), conv 3x3 3->16, LeakyReLU, subtract the per-image mean,
                  conv 1x1 16->C, softmax -> [B, C, S/2, S/2] probabilities over C = 12
                  made-up classes
  features.onnx   seeded random conv net (3 strided convs, LeakyReLU), global average
                  pooled -> [B, 64]
  real/           stands in for real data with the generator's own images: feature
                  statistics over --feature-count images, an 8-image sprite sheet and
                  the stand-in segmenter's labels for it
The RGB output is clamped to [-1, 1] inside f (gandissect's output_tanh=True, a Hardtanh),
so graph outputs honour the manifest's image range; gandissect's default is unclamped.
"""
import argparse
import json
import os
import shutil
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from . import proggan
from .export import file_table, features_of, onnx_export, sha256, sprite

REAL_SEED = 2          # z for the "real" sample and feature statistics: randn from this seed
SAMPLE_SEED = 0        # z for samples.png
REAL_SHEET = 8         # images in real/images.png
REAL_COLUMNS = 4
FEATURE_COUNT = 256    # generator images behind the feature statistics
FEATURE_DIM = 64
GEN_BATCH = 8

# class 0 plus 11 made-up concepts: (name, category, colour)
PERF_CLASSES = [
    ("unlabeled", "none", (0, 0, 0)),
    ("obj-a", "object", (230, 25, 75)),
    ("obj-b", "object", (60, 180, 75)),
    ("obj-c", "object", (255, 225, 25)),
    ("obj-d", "object", (0, 130, 200)),
    ("obj-e", "object", (245, 130, 48)),
    ("part-a", "part", (145, 30, 180)),
    ("part-b", "part", (70, 240, 240)),
    ("part-c", "part", (240, 50, 230)),
    ("mat-a", "material", (210, 245, 60)),
    ("mat-b", "material", (250, 190, 212)),
    ("mat-c", "material", (0, 128, 128)),
]


class StandInSegmenter(nn.Module):
    """x [B,3,S,S] -> class probabilities [B,C,S/2,S/2]; random weights, no meaning."""

    def __init__(self, num_classes, hidden=16, sharpness=8.0):
        super().__init__()
        self.pool = nn.AvgPool2d(2)
        self.conv1 = nn.Conv2d(3, hidden, 3, 1, 1)
        self.conv2 = nn.Conv2d(hidden, num_classes, 1, bias=False)
        with torch.no_grad():
            self.conv2.weight.mul_(sharpness)  # peakier probabilities than default init gives

    def forward(self, x):
        h = F.leaky_relu(self.conv1(self.pool(x)), 0.2)
        h = h - h.mean(dim=[2, 3], keepdim=True)  # per-image centring: every class shows up somewhere
        return torch.softmax(self.conv2(h), dim=1)


class StandInFeatures(nn.Module):
    """x [B,3,S,S] -> [B,64]: three strided convs, global average pool; random weights."""

    def __init__(self, dim=FEATURE_DIM):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 4, 4)
        self.c2 = nn.Conv2d(16, 32, 4, 4)
        self.c3 = nn.Conv2d(32, dim, 3, 2, 1)

    def forward(self, x):
        x = F.leaky_relu(self.c1(x), 0.2)
        x = F.leaky_relu(self.c2(x), 0.2)
        x = F.leaky_relu(self.c3(x), 0.2)
        return x.mean(dim=[2, 3])


def calibrate_output(gen, seed, count=8, std=0.5):
    """Random weights give images far off [-1, 1] (strong colour casts, much clipping).
    Rescale the RGB layer so each output channel has mean 0 and standard deviation std
    over count seeded samples; the other layers keep their N(0, 1) weights."""
    z = torch.randn(count, gen.zdim, generator=torch.Generator().manual_seed(seed))
    out = getattr(gen, "output_%dx%d" % (gen.resolution, gen.resolution))
    clamp, out.clamp = out.clamp, False
    with torch.no_grad():
        x = gen(z)
        m, s = x.mean(dim=[0, 2, 3]), x.std(dim=[0, 2, 3])
        out.conv.weight.mul_((std / s).view(3, 1, 1, 1))
        out.wscale.b.copy_((out.wscale.b - m) * (std / s))
    out.clamp = clamp
    return gen


def seeded(module_fn, seed):
    """Build a module with torch's default init under a fixed seed, without disturbing
    the caller's global RNG."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return module_fn().eval()


def generate(gen, seed, count, batch=GEN_BATCH, log=None):
    """count images from z = randn(count, zdim) with a seeded generator, as uint8 NHWC."""
    z = torch.randn(count, gen.zdim, generator=torch.Generator().manual_seed(seed))
    out, t0 = [], time.time()
    with torch.no_grad():
        for s in range(0, count, batch):
            x = gen(z[s:s + batch])
            out.append(((x.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).round().astype(np.uint8))
            if log and (s // batch) % 8 == 7:
                log("generated %d/%d images, %.2fs/image" % (s + batch, count, (time.time() - t0) / (s + batch)))
    return np.concatenate(out), (time.time() - t0) / count


def export(out, checkpoint=None, layers=("layer4",), seed=0, name=None, dataset=None, variant=None,
           feature_count=FEATURE_COUNT, save_state_dict=None, log=print):
    if checkpoint:
        sd = proggan.load_state_dict_file(checkpoint)
        gen = proggan.from_state_dict(sd, clamp_output=True)
        stem = os.path.splitext(os.path.basename(checkpoint))[0]
        name = name or "proggan%d-%s" % (gen.resolution, stem.replace("_", "-"))
        dataset = dataset or stem.split("_")[0]
        variant = variant or "gandissect"
        training = {"checkpoint": os.path.basename(checkpoint), "checkpoint_sha256": sha256(checkpoint),
                    "architecture": "gandissect ProgressiveGenerator, sizes %s" % gen.sizes}
        description = "Progressive GAN %dx%d from gandissect checkpoint %s" % (
            gen.resolution, gen.resolution, os.path.basename(checkpoint))
    else:
        gen = proggan.init_random(proggan.ProGAN(256, clamp_output=True), seed).eval()
        calibrate_output(gen, seed + 3)
        name = name or "perf-proggan256"
        dataset = dataset or "perf"
        variant = variant or "random"
        training = {"note": "random weights, seed %d" % seed,
                    "init": "conv weights N(0,1) (equalized lr), biases 0; RGB layer rescaled to channel mean 0, "
                            "std 0.5 over 8 samples (z seed %d)" % (seed + 3)}
        description = "Progressive GAN 256x256 (gandissect LSUN layout) with seeded random weights, for performance work"
    training.update({"seed": seed, "torch": torch.__version__, "exported": time.strftime("%Y-%m-%d")})
    for lname in layers:
        if lname not in gen.layer_names:
            raise SystemExit("unknown layer %r; this generator has %s" % (lname, ", ".join(gen.layer_names)))
    if save_state_dict:  # the generator as exported, loadable by gandissect's proggan.from_pth_file
        torch.save(gen.state_dict(), save_state_dict)
        log("wrote generator state_dict to %s" % save_state_dict)
    size = gen.resolution
    classes = PERF_CLASSES
    seg = seeded(lambda: StandInSegmenter(len(classes)), seed + 1)
    featnet = seeded(StandInFeatures, seed + 2)
    seg_res = size // 2

    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "real"))

    z = torch.randn(2, gen.zdim, generator=torch.Generator().manual_seed(seed))
    manifest_layers = []
    for lname in layers:
        units, h, w = gen.layer_shape(lname)
        head, tail = proggan.Head(gen, lname).eval(), proggan.Tail(gen, lname).eval()
        onnx_export(head, z, os.path.join(out, lname + ".h.onnx"), "z", ["r"])
        with torch.no_grad():
            r = head(z)
        assert tuple(r.shape[1:]) == (units, h, w), r.shape
        onnx_export(tail, r, os.path.join(out, lname + ".f.onnx"), "r", ["x"])
        manifest_layers.append({"name": lname, "units": units, "height": h, "width": w,
                                "h": lname + ".h.onnx", "f": lname + ".f.onnx", "torchscript": None})
        log("exported %s: %dx%dx%d" % (lname, units, h, w))
    with torch.no_grad():
        x = gen(z)
    onnx_export(seg, x, os.path.join(out, "segmenter.onnx"), "x", ["probabilities"])
    onnx_export(featnet, x, os.path.join(out, "features.onnx"), "x", ["features"])

    # "real" data: the generator's own images
    imgs, sec_per_image = generate(gen, REAL_SEED, max(feature_count, REAL_SHEET), log=log)
    sheet = imgs[:REAL_SHEET]
    with torch.no_grad():
        probs = seg(torch.from_numpy(sheet).permute(0, 3, 1, 2).float().div(127.5).sub(1.0))
    labs = probs.argmax(1).numpy().astype(np.uint8)
    labs = labs.repeat(size // seg_res, axis=1).repeat(size // seg_res, axis=2)  # label map at image size
    Image.fromarray(sprite(sheet, REAL_COLUMNS)).save(os.path.join(out, "real", "images.png"), optimize=True)
    Image.fromarray(sprite(labs, REAL_COLUMNS), mode="L").save(os.path.join(out, "real", "labels.png"), optimize=True)
    feats = features_of(featnet, imgs[:feature_count], batch=32)
    np.save(os.path.join(out, "real", "features_mean.npy"), feats.mean(0))
    np.save(os.path.join(out, "real", "features_cov.npy"), np.cov(feats, rowvar=False))
    np.save(os.path.join(out, "real", "features_sample.npy"), feats.astype(np.float32))

    samples, _ = generate(gen, SAMPLE_SEED, 16)
    Image.fromarray(sprite(samples, 8)).save(os.path.join(out, "samples.png"), optimize=True)

    files = file_table(out)

    n_params = sum(p.numel() for p in gen.parameters())
    manifest = {
        "schema_version": 1,
        "name": name,
        "dataset": dataset,
        "variant": variant,
        "description": description,
        "zdim": gen.zdim,
        "image_size": size,
        "normalisation": {"image_range": [-1, 1], "layout": "NCHW", "channels": "RGB",
                          "latent": "standard normal, see Latents in the analysis module"},
        "layers": manifest_layers,
        "classes": [{"index": i, "name": n, "category": c, "color": "#%02x%02x%02x" % col}
                    for i, (n, c, col) in enumerate(classes)],
        "segmenter": {"file": "segmenter.onnx", "resolution": seg_res, "output": "probabilities",
                      "pixel_accuracy": 0.0, "mean_iou": 0.0,
                      "per_class_iou": {c[0]: None for c in classes}, "evaluated_on": None,
                      "note": "random stand-in (seed %d): 2x2 average pool, conv 3x3 3->16, LeakyReLU, per-image "
                              "centring, conv 1x1 16->%d, softmax; its classes mean nothing" % (seed + 1, len(classes))},
        "features": {"file": "features.onnx", "dim": FEATURE_DIM,
                     "description": "random stand-in (seed %d): three strided convs, LeakyReLU, global average pooled"
                                    % (seed + 2),
                     "real_mean": "real/features_mean.npy", "real_cov": "real/features_cov.npy",
                     "real_sample": "real/features_sample.npy", "real_count": feature_count},
        "real": {"images": "real/images.png", "labels": "real/labels.png", "count": REAL_SHEET,
                 "columns": REAL_COLUMNS, "seed": REAL_SEED,
                 "note": "generator samples (z = torch randn, seed %d) standing in for real data; "
                         "labels from the stand-in segmenter" % REAL_SEED},
        "sample_grid": "samples.png",
        "files": files,
        "generator": {"architecture": "progressive GAN (gandissect ProgressiveGenerator layout)",
                      "parameters": n_params, "gflop_per_image": round(2 * proggan.macs(gen) / 1e9, 2),
                      "output": "clamped to [-1, 1]"},
        "training": training,
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    log("%s: %d layers, %.2fM generator parameters, %d files, %.1f MB, %.2fs/image (torch, %d thread)" % (
        name, len(manifest_layers), n_params / 1e6, len(files),
        sum(v["bytes"] for v in files.values()) / 1e6, sec_per_image, torch.get_num_threads()))
    return manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="bundle directory (replaced if it exists)")
    ap.add_argument("--checkpoint", help="gandissect-style ProGAN state_dict (.pth); default: random weights")
    ap.add_argument("--layers", default="layer4", help="comma-separated, from layer1..layer14 (default layer4)")
    ap.add_argument("--seed", type=int, default=0, help="random weights and stand-in networks")
    ap.add_argument("--name", help="bundle name (default perf-proggan256, or proggan256-<checkpoint stem>)")
    ap.add_argument("--dataset", help="dataset field (default perf, or the checkpoint stem before '_')")
    ap.add_argument("--variant", help="variant field (default random, or gandissect)")
    ap.add_argument("--feature-count", type=int, default=FEATURE_COUNT)
    ap.add_argument("--save-state-dict", metavar="PATH.pth",
                    help="also write the generator's state_dict (gandissect format; not part of the bundle)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    layers = [l.strip() for l in args.layers.split(",") if l.strip()]
    export(args.out, args.checkpoint, layers, args.seed, args.name, args.dataset, args.variant, args.feature_count,
           args.save_state_dict, log=lambda m: print(time.strftime("%H:%M:%S ") + m, flush=True))


if __name__ == "__main__":
    main()

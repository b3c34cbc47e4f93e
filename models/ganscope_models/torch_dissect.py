"""A PyTorch CPU reference dissection of the ProGAN perf bundle, gandissect-style, for
side-by-side speed comparisons with ganscope (`./ganscope bench dissect` runs it).

Same work as ganscope's quantile-mode dissection: pass 1 runs h_L on the threshold set
and takes each unit's exact Hazen quantile at 1 - q of its raw activations; pass 2 runs
h_L, f_L and the segmenter on the evaluation set, upsamples r_L bilinearly
(align_corners=False, float32 as gandissect does) to the segmentation size, and accumulates per unit and class the
on-pixel counts (dataset-level IoU). Latent vectors follow ganscope's definition
(Latents.java), so both see the same images.

  python3 -m ganscope_models.torch_dissect --bundle DIR --layer layer4 --samples 200 \
      --threshold-samples 200 --seed 0 --threshold-seed 1 --quantile 0.01 --batch 8 [--out r.json]
Prints `images_per_second=X` (threshold + evaluation images over total seconds).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import proggan
from .export_proggan import PERF_CLASSES, StandInSegmenter, calibrate_output, seeded

_M = np.uint64(0xFFFFFFFFFFFFFFFF)
_G = np.uint64(0x9E3779B97F4A7C15)


def _mix(z):
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def latents(seed, start, count, zdim):
    """z(seed, i) for i in [start, start+count), exactly as ganscope's Latents.java."""
    idx = np.arange(start, start + count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        key = _mix(np.uint64(seed & 0xFFFFFFFFFFFFFFFF) ^ _mix(idx * _G + np.uint64(1)))[:, None]
        k = np.arange((zdim + 1) // 2, dtype=np.uint64)[None, :]
        a = _mix(key + (np.uint64(2) * k + np.uint64(1)) * _G)
        b = _mix(key + (np.uint64(2) * k + np.uint64(2)) * _G)
    u1 = ((a >> np.uint64(11)) + np.uint64(1)).astype(np.float64) * 2.0 ** -53
    u2 = (b >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    r = np.sqrt(-2.0 * np.log(u1))
    z = np.empty((count, 2 * u1.shape[1]), np.float64)
    z[:, 0::2] = r * np.cos(2 * np.pi * u2)
    z[:, 1::2] = r * np.sin(2 * np.pi * u2)
    return torch.from_numpy(z[:, :zdim].astype(np.float32))


def hazen(sorted_vals, p):
    m = sorted_vals.shape[-1]
    x = p * m - 0.5
    if x <= 0:
        return sorted_vals[..., 0].double()
    if x >= m - 1:
        return sorted_vals[..., m - 1].double()
    k = int(np.floor(x))
    f = x - k
    lo, hi = sorted_vals[..., k].double(), sorted_vals[..., k + 1].double()
    return lo if f == 0 else lo + f * (hi - lo)


def load(bundle):
    manifest = json.load(open(os.path.join(bundle, "manifest.json")))
    training = manifest["training"]
    if "checkpoint" in training:
        raise SystemExit("this reference rebuilds random-weight perf bundles only (bundle %s was exported from %s)"
                         % (manifest["name"], training["checkpoint"]))
    seed = int(training["seed"])
    gen = proggan.init_random(proggan.ProGAN(manifest["image_size"], clamp_output=True), seed).eval()
    calibrate_output(gen, seed + 3)
    seg = seeded(lambda: StandInSegmenter(len(PERF_CLASSES)), seed + 1)
    return manifest, gen, seg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--layer", default="layer4")
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--threshold-samples", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold-seed", type=int, default=1)
    ap.add_argument("--quantile", type=float, default=0.01)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--out")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    manifest, gen, seg = load(args.bundle)
    head, tail = proggan.Head(gen, args.layer).eval(), proggan.Tail(gen, args.layer).eval()
    classes = len(manifest["classes"])
    res = manifest["segmenter"]["resolution"]
    zdim = manifest["zdim"]
    t0 = time.time()
    with torch.no_grad():
        # pass 1: thresholds from the threshold set's raw activations
        raw = []
        for s in range(0, args.threshold_samples, args.batch):
            b = min(args.batch, args.threshold_samples - s)
            raw.append(head(latents(args.threshold_seed, s, b, zdim)))
        raw = torch.cat(raw)                                  # [N, U, h, w]
        units = raw.shape[1]
        per_unit = raw.permute(1, 0, 2, 3).reshape(units, -1)
        thr = hazen(torch.sort(per_unit, dim=1).values, 1 - args.quantile)  # [U] double
        del raw, per_unit
        t1 = time.time()
        # pass 2: dataset-level counts on the evaluation set
        on = torch.zeros(units * classes, dtype=torch.long)
        class_pixels = torch.zeros(classes, dtype=torch.long)
        thr_f = thr.float().view(1, units, 1, 1)
        unit_offsets = (torch.arange(units) * classes).view(1, units, 1, 1)
        for s in range(0, args.samples, args.batch):
            b = min(args.batch, args.samples - s)
            r = head(latents(args.seed, s, b, zdim))
            labels = seg(tail(r)).argmax(1)                   # [b, R, R]
            up = F.interpolate(r, size=(res, res), mode="bilinear", align_corners=False)  # float32, as gandissect
            mask = up > thr_f
            idx = (unit_offsets + labels[:, None]).expand_as(mask)[mask]
            on += torch.bincount(idx, minlength=units * classes)
            class_pixels += torch.bincount(labels.reshape(-1), minlength=classes)
    t2 = time.time()
    on = on.view(units, classes).double()
    area = on.sum(1, keepdim=True)
    iou = on / (area + class_pixels.double()[None, :] - on).clamp(min=1)
    iou[:, 0] = 0
    images = args.samples + args.threshold_samples
    print("threshold pass %.2f s, evaluation pass %.2f s, %d units, best IoU %.4f" % (
        t1 - t0, t2 - t1, units, float(iou.max())))
    print("images_per_second=%.4f" % (images / (t2 - t0)))
    if args.out:
        json.dump({"thresholds": thr.tolist(), "iou": iou.tolist(), "images_per_second": images / (t2 - t0)},
                  open(args.out, "w"))


if __name__ == "__main__":
    main()

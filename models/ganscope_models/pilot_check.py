"""Judge a GAN run at each of its saved steps the way `./ganscope zoo check` judges a bundle,
before anything is exported: for every ema-<iteration>.pt of a train2 run, the share of
generated pixels per main class (the run's dataset segmenter, a train2 segmenter run, on N
samples of the BatchNorm-recalibrated EMA generator) against the share of real pixels (exact
label maps of N held-out renders), and how many of the 12 classes are within [0.5, 2].

  python3 -m ganscope_models.pilot_check RUN_DIR --seg-run SEG_RUN_DIR [--samples 500]

Prints one line per step: iteration, classes in range, door and window shares (generated /
real), the Frechet distance of the samples to the N real images in the segmenter encoder's
128-d pooled features (the segmenter labels the classes too, so this is a within-run trend,
not the bundle's independent metric), and the classes out of range with their ratios.
"""
import argparse
import glob
import os
import re
import sys

import numpy as np
import torch

from . import nets, nets2, scenes2, train2

REAL_SEED = 2        # held-out real images (as in the bundles' real statistics)
LO, HI = 0.5, 2.0    # ZooCheck.RANGE_LO / RANGE_HI


def load_seg(seg_run, dataset):
    ck = torch.load(os.path.join(seg_run, "ckpt.pt"), map_location="cpu")
    if ck["config"]["dataset"] != dataset:
        raise SystemExit("%s: segmenter of %s, the run is %s" % (seg_run, ck["config"]["dataset"], dataset))
    seg = nets2.Segmenter(train2.seg_heads(dataset))
    seg.load_state_dict(ck["seg"])
    return seg.eval()


def frechet(a, b):
    """Frechet distance between Gaussians fitted to feature rows a and b."""
    ma, mb = a.mean(0), b.mean(0)
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # tr sqrt(ca cb) = sum of the square roots of the eigenvalues of ca cb (real, >= 0 up to rounding)
    root = np.sqrt(np.clip(np.linalg.eigvals(ca @ cb).real, 0, None)).sum()
    return float(((ma - mb) ** 2).sum() + np.trace(ca) + np.trace(cb) - 2 * root)


def generated_shares(ema_path, seg, n, batch=100):
    ck = torch.load(ema_path, map_location="cpu")
    cfg = ck["config"]
    with torch.random.fork_rng():
        gen = nets2.Generator(cfg["variant"], cfg["widths"])
    gen.load_state_dict(ck["ema"])
    gen = train2.recalibrated(gen).eval()
    counts, feats = None, []
    g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for s in range(0, n, batch):
            x = gen(torch.randn(min(batch, n - s), nets2.ZDIM, generator=g))
            feats.append(nets.FeatureNet(seg)(x).numpy().astype(np.float64))
            pred = seg(x)["main"].argmax(1).numpy().ravel()
            c = np.bincount(pred, minlength=len(scenes2.classes(cfg["dataset"]))).astype(np.float64)
            counts = c if counts is None else counts + c
    return ck["iteration"], counts / counts.sum(), np.concatenate(feats)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run")
    ap.add_argument("--seg-run", required=True)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--every", type=int, default=0, help="only steps that are multiples of this")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    dataset = torch.load(os.path.join(args.run, "ckpt.pt"), map_location="cpu")["config"]["dataset"]
    names = [c[0] for c in scenes2.classes(dataset)]
    imgs, labs = scenes2.render_many(dataset, REAL_SEED, 0, args.samples)
    real = np.bincount(labs[:, 0].ravel(), minlength=len(names)).astype(np.float64)
    real /= real.sum()
    seg = load_seg(args.seg_run, dataset)
    with torch.no_grad():
        featnet = nets.FeatureNet(seg)
        real_feats = np.concatenate([featnet(train2.to_tensor(imgs[s:s + 100])).numpy().astype(np.float64)
                                     for s in range(0, len(imgs), 100)])
    steps = sorted(glob.glob(os.path.join(args.run, "ema-*.pt")))
    for path in steps:
        it = int(re.search(r"ema-(\d+)\.pt", path).group(1))
        if args.every and it % args.every:
            continue
        it, gen, feats = generated_shares(path, seg, args.samples)
        ratio = {k: gen[i] / real[i] for i, k in enumerate(names) if i > 0 and real[i] > 0}
        ok = sum(LO <= r <= HI for r in ratio.values())
        bad = " ".join("%s=%.2f" % (k, r) for k, r in ratio.items() if not LO <= r <= HI)
        parts = " ".join("%s %.2f%%/%.2f%%" % (k, 100 * gen[names.index(k)], 100 * real[names.index(k)])
                         for k in ("door", "window") if k in names)  # the dataset's small parts, where it has them
        print("%s it=%6d in-range %2d/%d %s seg-FD %.3f out: %s" % (
            os.path.basename(args.run.rstrip("/")), it, ok, len(ratio), parts, frechet(feats, real_feats), bad or "-"),
            flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

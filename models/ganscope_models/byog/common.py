"""Helpers of the byog exporters: file hashing and sprite sheets are the zoo exporter's own
(ganscope_models.export); the bundle file table (sorted, '/' separators), ONNX export without
constant folding and the stand-in feature net are this package's."""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ganscope_models.export import sha256, sprite  # noqa: F401 (re-exported for the byog modules)

OPSET = 13


def file_table(out):
    """Every file of a bundle directory but the manifest and the sample grid, with SHA-256 and size."""
    files = {}
    for root, _, names in os.walk(out):
        for n in sorted(names):
            p = os.path.join(root, n)
            rel = os.path.relpath(p, out).replace(os.sep, "/")
            if rel in ("manifest.json", "samples.png"):
                continue
            files[rel] = {"sha256": sha256(p), "bytes": os.path.getsize(p)}
    return dict(sorted(files.items()))


def onnx_export(module, example, path, in_names, out_names):
    """Export with opset 13 and a dynamic batch axis on every input and output."""
    module.eval()
    torch.onnx.export(module, example, path, opset_version=OPSET, input_names=list(in_names),
                      output_names=list(out_names),
                      dynamic_axes={n: {0: "batch"} for n in list(in_names) + list(out_names)},
                      do_constant_folding=False)  # folding would store derived copies of the weights (e.g. their squares)


class StandInFeatures(nn.Module):
    """x [B,3,S,S] -> [B,64]: three strided convs, LeakyReLU, global average pool; seeded
    random weights (the perf bundle's stand-in feature network)."""

    def __init__(self, dim=64):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 4, 4)
        self.c2 = nn.Conv2d(16, 32, 4, 4)
        self.c3 = nn.Conv2d(32, dim, 3, 2, 1)

    def forward(self, x):
        x = F.leaky_relu(self.c1(x), 0.2)
        x = F.leaky_relu(self.c2(x), 0.2)
        x = F.leaky_relu(self.c3(x), 0.2)
        return x.mean(dim=[2, 3])


def seeded(module_fn, seed):
    """Build a module under a fixed seed without disturbing the caller's global RNG."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return module_fn().eval()


def to_uint8(x):
    """[B,3,S,S] in [-1, 1] -> uint8 [B,S,S,3]."""
    return ((x.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255).round().astype(np.uint8)


def set_io_shapes(model, shapes):
    """Declare static shapes on a graph's inputs and outputs: shapes maps a name to its
    item shape (without the batch axis, which stays symbolic 'batch'). The engine reads
    these declarations to check a bundle against its manifest; the exporter checks the
    actual shapes by running the graphs. model is an onnx.ModelProto (changed in place)."""
    for vi in list(model.graph.input) + list(model.graph.output):
        if vi.name not in shapes:
            continue
        dims = vi.type.tensor_type.shape.dim
        want = ["batch"] + list(shapes[vi.name])
        while len(dims) > 0:
            dims.pop()
        for k, v in enumerate(want):
            d = dims.add()
            if k == 0:
                d.dim_param = "batch"
            else:
                d.dim_value = int(v)
    return model


def fix_file_shapes(path, shapes):
    import onnx
    m = onnx.load(path)
    set_io_shapes(m, shapes)
    onnx.save(m, path)

"""A user-supplied segmenter: any ONNX graph image -> class scores, wrapped into the
bundle's segmenter contract.

The bundle contract (what the Java engine feeds and expects): input ``x`` [B, 3, S, S]
float32 RGB in [-1, 1] (S = the bundle's image_size), output ``probabilities``
[B, C, R, R] float32 that sum to 1 over the C classes at each pixel.

The user's graph may differ in three ways, each declared by the user and undone by nodes
that the wrapper adds around the graph (the user's nodes are left as they are):
  input range and normalisation   x01 = (x + 1) / 2, then v = (x01 * scale - mean) / std
                                  per channel (scale 1 for [0, 1] inputs, 255 for [0, 255])
  input size                      bilinear resize S -> the graph's input size
  output kind                     'logits' get a softmax over axis 1; 'probabilities' pass

Class list file (CSV with a header ``name,category,color``, or JSON: a list of objects
with those keys), one row per output channel in order. The GAN Dissection / Broden
convention: class 0 is ``unlabeled`` (category ``none``: pixels no concept covers), every
other class has category ``object`` (bed, tree, sky), ``part`` (door, window, headboard:
parts of objects) or ``material`` (grass, wood, carpet). Broden's other categories
(scene, texture, color) are not dissected as segmentation concepts here; leave them out
of the graph's outputs or map them to one of the three. Colours are ``#rrggbb``.
"""
import csv
import json
import os
import re

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CATEGORIES = ("object", "part", "material", "none")
RANGES = {"-1,1": None, "0,1": 1.0, "0,255": 255.0}


class SegmenterError(ValueError):
    pass


def load_classes(path):
    """[(name, category, (r, g, b))] from a CSV or JSON class list; checks the convention."""
    if not os.path.isfile(path):
        raise SegmenterError("class list file %s does not exist" % path)
    if path.lower().endswith(".json"):
        with open(path) as f:
            rows = json.load(f)
        if isinstance(rows, dict) and "classes" in rows:
            rows = rows["classes"]
        if not isinstance(rows, list):
            raise SegmenterError("%s: expected a JSON list of {name, category, color}" % path)
    else:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    out, names = [], set()
    for i, row in enumerate(rows):
        where = "%s row %d" % (os.path.basename(path), i)
        if not isinstance(row, dict):
            raise SegmenterError("%s: not an object with name, category, color" % where)
        for key in ("name", "category", "color"):
            if not str(row.get(key) or "").strip():
                raise SegmenterError("%s: missing field '%s'" % (where, key))
        name, cat, col = str(row["name"]).strip(), str(row["category"]).strip(), str(row["color"]).strip()
        if cat not in CATEGORIES:
            raise SegmenterError("%s: category '%s' is not one of %s" % (where, cat, ", ".join(CATEGORIES)))
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", col):
            raise SegmenterError("%s: color '%s' is not #rrggbb" % (where, col))
        if name in names:
            raise SegmenterError("%s: duplicate class name '%s'" % (where, name))
        if i == 0 and cat != "none":
            raise SegmenterError("%s: class 0 must be the unlabeled class with category 'none', got '%s'" % (where, cat))
        if i > 0 and cat == "none":
            raise SegmenterError("%s: only class 0 may have category 'none'" % where)
        names.add(name)
        out.append((name, cat, tuple(int(col[k:k + 2], 16) for k in (1, 3, 5))))
    if len(out) < 2:
        raise SegmenterError("%s: needs class 0 (unlabeled) and at least one concept" % path)
    return out


def _dims(value_info):
    return [d.dim_value if d.HasField("dim_value") else None for d in value_info.type.tensor_type.shape.dim]


def _opset(model):
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o.version
    raise SegmenterError("segmenter graph has no default-domain opset")


def wrap(model, image_size, output="probabilities", input_range="-1,1", mean=None, std=None, input_size=None):
    """The user's ONNX ModelProto wrapped to the bundle contract (see module doc).
    Returns (wrapped ModelProto, normalisation record for the manifest)."""
    if output not in ("probabilities", "logits"):
        raise SegmenterError("segmenter output must be 'probabilities' or 'logits', got %r" % output)
    if input_range not in RANGES:
        raise SegmenterError("segmenter input range must be one of %s, got %r" % (", ".join(RANGES), input_range))
    g = model.graph
    inits = {i.name for i in g.initializer}
    real_inputs = [i for i in g.input if i.name not in inits]
    if len(real_inputs) != 1:
        raise SegmenterError("segmenter graph must have one image input, has %s" % [i.name for i in real_inputs])
    if len(g.output) < 1:
        raise SegmenterError("segmenter graph has no output")
    opset = _opset(model)
    if opset < 11:
        raise SegmenterError("segmenter graph uses opset %d; ganscope needs 11 or newer (Resize, Softmax on axis 1)" % opset)
    uin, uout = real_inputs[0], g.output[0]
    if uin.type.tensor_type.elem_type != TensorProto.FLOAT or uout.type.tensor_type.elem_type != TensorProto.FLOAT:
        raise SegmenterError("segmenter input and first output must be float32")
    d = _dims(uin)
    if len(d) != 4 or d[1] not in (3, None):
        raise SegmenterError("segmenter input '%s' has shape %s, expected [B, 3, H, W]" % (uin.name, d))
    size = input_size or d[2] or image_size
    if d[2] not in (None, size) or d[3] not in (None, size):
        raise SegmenterError("segmenter input '%s' is %sx%s; give its square input size" % (uin.name, d[2], d[3]))
    if mean is not None and len(mean) != 3 or std is not None and len(std) != 3:
        raise SegmenterError("segmenter mean and std need 3 values (R, G, B)")
    if std is not None and any(s <= 0 for s in std):
        raise SegmenterError("segmenter std must be positive")

    pre, extra_init, cur = [], [], "x"

    def const(name, arr):
        extra_init.append(numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name))
        return name

    scale = RANGES[input_range]
    if scale is not None:  # [-1, 1] -> [0, scale]
        pre.append(helper.make_node("Mul", [cur, const("ganscope_half_scale", 0.5 * scale)], ["ganscope_x_scaled0"]))
        pre.append(helper.make_node("Add", ["ganscope_x_scaled0", const("ganscope_half_scale_b", 0.5 * scale)],
                                    ["ganscope_x_scaled"]))
        cur = "ganscope_x_scaled"
    if mean is not None:
        pre.append(helper.make_node("Sub", [cur, const("ganscope_mean", np.reshape(mean, (1, 3, 1, 1)))],
                                    ["ganscope_x_centred"]))
        cur = "ganscope_x_centred"
    if std is not None:
        pre.append(helper.make_node("Div", [cur, const("ganscope_std", np.reshape(std, (1, 3, 1, 1)))],
                                    ["ganscope_x_normed"]))
        cur = "ganscope_x_normed"
    if size != image_size:
        roi = const("ganscope_roi", np.zeros(0))
        scales = const("ganscope_scales", [1.0, 1.0, size / image_size, size / image_size])
        pre.append(helper.make_node("Resize", [cur, roi, scales], ["ganscope_x_resized"], mode="linear",
                                    coordinate_transformation_mode="half_pixel"))
        cur = "ganscope_x_resized"
    # every tensor of the user's graph gets the prefix "user/", so no name can clash with
    # the wrapper's; the user's input is then fed from cur
    def ren(n):
        return cur if n == uin.name else ("user/" + n if n else n)
    for node in g.node:
        for k, n in enumerate(node.input):
            node.input[k] = ren(n)
        for k, n in enumerate(node.output):
            node.output[k] = ren(n)
        if node.op_type in ("If", "Loop", "Scan"):
            raise SegmenterError("segmenter graph uses control flow (%s); export it without If/Loop/Scan" % node.op_type)
    for t in g.initializer:
        t.name = ren(t.name)
    for v in g.value_info:
        v.name = ren(v.name)
    post, out_name = [], "user/" + uout.name
    if output == "logits":
        if opset >= 13:
            post.append(helper.make_node("Softmax", [out_name], ["probabilities"], axis=1))
        else:  # Softmax before opset 13 flattens the trailing axes: spell it out over axis 1
            post += [helper.make_node("ReduceMax", [out_name], ["ganscope_lmax"], axes=[1], keepdims=1),
                     helper.make_node("Sub", [out_name, "ganscope_lmax"], ["ganscope_lc"]),
                     helper.make_node("Exp", ["ganscope_lc"], ["ganscope_le"]),
                     helper.make_node("ReduceSum", ["ganscope_le"], ["ganscope_ls"], axes=[1], keepdims=1),
                     helper.make_node("Div", ["ganscope_le", "ganscope_ls"], ["probabilities"])]
    else:
        post.append(helper.make_node("Identity", [out_name], ["probabilities"]))
    nodes = pre + list(g.node) + post
    new_in = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, image_size, image_size])
    out_dims = _dims(uout)
    new_out = helper.make_tensor_value_info("probabilities", TensorProto.FLOAT,
                                            ["batch"] + [x if x else None for x in out_dims[1:]]
                                            if len(out_dims) == 4 else None)
    init_inputs = []
    for i in g.input:
        if i.name != uin.name:
            i.name = ren(i.name)
            init_inputs.append(i)
    graph = helper.make_graph(nodes, (g.name or "segmenter") + "_ganscope", [new_in] + init_inputs,
                              [new_out], initializer=list(g.initializer) + extra_init, value_info=list(g.value_info))
    wrapped = helper.make_model(graph, opset_imports=list(model.opset_import), producer_name="ganscope byog")
    wrapped.ir_version = model.ir_version
    onnx.checker.check_model(wrapped)
    norm = {"user_input": uin.name, "user_output": uout.name, "input_range": [float(v) for v in input_range.split(",")],
            "mean": list(map(float, mean)) if mean is not None else None,
            "std": list(map(float, std)) if std is not None else None,
            "input_size": int(size), "output": output,
            "wrapper": "x in [-1,1] at %d -> %s%s%s%s -> user graph -> %s" % (
                image_size, "" if scale is None else "[0,%g] " % scale, "- mean " if mean is not None else "",
                "/ std " if std is not None else "", "resize to %d " % size if size != image_size else "",
                "softmax over classes" if output == "logits" else "as is")}
    return wrapped, norm


class OrtGraph:
    """An ONNX graph run with ONNX Runtime (Python); float32 numpy in and out."""

    def __init__(self, model_or_path):
        try:
            import onnxruntime as ort
        except ImportError as e:
            raise SegmenterError("running ONNX graphs at export needs the onnxruntime Python package "
                                 "(pip install onnxruntime)") from e
        data = model_or_path.SerializeToString() if isinstance(model_or_path, onnx.ModelProto) else model_or_path
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(data, so, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.sess.get_inputs()]

    def __call__(self, *arrays, **named):
        feeds = dict(zip(self.inputs, arrays))
        feeds.update(named)
        return self.sess.run(None, {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in feeds.items()})[0]


def prepare(path, classes_file, image_size, output="probabilities", input_range="-1,1", mean=None, std=None,
            input_size=None):
    """Load, wrap and check a user's segmenter: runs one batch of 2 random images and checks
    the output is [2, C, R, R] with C = the class list's length, finite, summing to 1.
    Returns (wrapped ModelProto, classes, resolution R, manifest record)."""
    if not os.path.isfile(path):
        raise SegmenterError("segmenter file %s does not exist" % path)
    classes = load_classes(classes_file)
    try:
        model = onnx.load(path)
    except Exception as e:
        raise SegmenterError("segmenter %s is not an ONNX model: %s" % (path, e)) from e
    wrapped, norm = wrap(model, image_size, output, input_range, mean, std, input_size)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 3, image_size, image_size)).astype(np.float32)
    try:
        p = OrtGraph(wrapped)(x)
    except SegmenterError:
        raise
    except Exception as e:
        raise SegmenterError("segmenter %s does not run on a batch of 2 images %dx%d in the declared normalisation: %s"
                             % (path, image_size, image_size, str(e).splitlines()[0])) from e
    if p.ndim != 4 or p.shape[0] != 2 or p.shape[2] != p.shape[3]:
        raise SegmenterError("segmenter output has shape %s, expected [B, C, R, R]" % (list(p.shape),))
    if p.shape[1] != len(classes):
        raise SegmenterError("segmenter outputs %d class channels, the class list %s has %d rows"
                             % (p.shape[1], os.path.basename(classes_file), len(classes)))
    if not np.isfinite(p).all():
        raise SegmenterError("segmenter produced NaN or Inf on a test batch")
    s = p.sum(1)
    if np.abs(s - 1).max() > 1e-3:
        raise SegmenterError("segmenter outputs do not sum to 1 over classes (max deviation %.3g): declare "
                             "--segmenter-output logits if the graph gives scores before softmax" % np.abs(s - 1).max())
    return wrapped, classes, int(p.shape[2]), norm

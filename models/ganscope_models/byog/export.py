"""Command line of the byog exporter (see exporter.py for what it writes and checks).

  # any PyTorch generator: a factory in a module or a .py file, its zdim, layers to dissect
  python3 -m ganscope_models.byog.export --generator my_gan.py:make --zdim 128 \\
      --checkpoint g.pt --layers blocks.2,blocks.3 \\
      --segmenter seg.onnx --classes classes.csv --out bundles/my-gan

  # StyleGAN2 (NVlabs stylegan2-ada-pytorch state_dict of G_ema)
  python3 -m ganscope_models.byog.export --stylegan2 --checkpoint g_ema.pt \\
      --layers synthesis.b16.conv1,synthesis.b32.conv0 --truncation 0.7 \\
      --segmenter seg.onnx --classes classes.csv --segmenter-range 0,1 \\
      --segmenter-mean 0.485,0.456,0.406 --segmenter-std 0.229,0.224,0.225 --out bundles/sg2
"""
import argparse
import json
import sys
import time

import torch

from . import exporter, segmenter, stylegan2


def _floats(s):
    return [float(v) for v in s.split(",")] if s else None


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m ganscope_models.byog.export", description=__doc__.split("\n\n")[0])
    g = ap.add_argument_group("generator")
    g.add_argument("--generator", metavar="MODULE:FACTORY", help="'pkg.module:factory' or 'file.py:factory'")
    g.add_argument("--stylegan2", action="store_true", help="use ganscope's StyleGAN2 (official parameter names)")
    g.add_argument("--factory-kwargs", default="{}", help="JSON object of keyword arguments for the factory")
    g.add_argument("--checkpoint", help="state dict (.pt/.pth); passed as checkpoint= if the factory takes it")
    g.add_argument("--zdim", type=int, help="latent size (default: the StyleGAN2 checkpoint's z_dim)")
    g.add_argument("--latent-shape", help="shape the generator takes z in, e.g. 128,1,1 (default: zdim)")
    g.add_argument("--layers", required=True, help="comma-separated submodule names to dissect")
    g.add_argument("--truncation", type=float, default=1.0, help="StyleGAN2 truncation psi (default 1: none)")
    g.add_argument("--truncation-cutoff", type=int, help="StyleGAN2: truncate only the first N ws")
    g.add_argument("--noise", default="z", choices=stylegan2.NOISE_MODES,
                   help="StyleGAN2 noise: z = drawn from each sample's z (default), const = checkpoint buffers, none")
    g.add_argument("--seed", type=int, default=0, help="random weights (StyleGAN2 without checkpoint), stand-ins")
    s = ap.add_argument_group("segmenter")
    s.add_argument("--segmenter", required=True, help="ONNX graph image -> class scores")
    s.add_argument("--classes", required=True, help="class list (CSV name,category,color or JSON), row i = channel i")
    s.add_argument("--segmenter-output", default="probabilities", choices=("probabilities", "logits"))
    s.add_argument("--segmenter-range", default="-1,1", choices=tuple(segmenter.RANGES), help="input value range")
    s.add_argument("--segmenter-mean", help="per-channel mean subtracted after scaling, e.g. 0.485,0.456,0.406")
    s.add_argument("--segmenter-std", help="per-channel std divided by after the mean")
    s.add_argument("--segmenter-size", type=int, help="the graph's input size, if not the image size")
    s.add_argument("--segmenter-pixel-accuracy", type=float, help="as you measured it (recorded as reported)")
    s.add_argument("--segmenter-mean-iou", type=float, help="as you measured it (recorded as reported)")
    s.add_argument("--segmenter-evaluated-on", help="what the accuracy was measured on, e.g. 'ADE20K val, 2000 images'")
    b = ap.add_argument_group("bundle")
    b.add_argument("--out", required=True, help="bundle directory (replaced if it exists)")
    b.add_argument("--name", help="bundle name (default: the directory name)")
    b.add_argument("--dataset", default="custom")
    b.add_argument("--variant", default="byog")
    b.add_argument("--description")
    b.add_argument("--features", help="ONNX x -> [B, D] feature graph (default: a seeded random stand-in)")
    b.add_argument("--real-images", help="folder of real images (default: generator samples stand in)")
    b.add_argument("--feature-count", type=int, default=exporter.FEATURE_COUNT)
    b.add_argument("--check-batch", type=int, default=4)
    b.add_argument("--tolerance-onnx", type=float, default=exporter.TOLERANCE_ONNX)
    b.add_argument("--threads", type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    log = lambda m: print(time.strftime("%H:%M:%S ") + m, flush=True)  # noqa: E731
    try:
        kwargs = json.loads(a.factory_kwargs)
        if not isinstance(kwargs, dict):
            raise ValueError("not an object")
    except ValueError as e:
        ap.error("--factory-kwargs must be a JSON object: %s" % e)
    if bool(a.generator) == bool(a.stylegan2):
        ap.error("give exactly one of --generator MODULE:FACTORY and --stylegan2")
    try:
        if a.stylegan2:
            gen = stylegan2.make(a.checkpoint, a.seed, a.truncation, a.truncation_cutoff, a.noise, **kwargs)
            prov = {"spec": "ganscope_models.byog.stylegan2:make", "source_file": "stylegan2.py",
                    "source_sha256": exporter.sha256(stylegan2.__file__), "factory_kwargs": kwargs,
                    "config": gen.config, "truncation_psi": a.truncation, "truncation_cutoff": a.truncation_cutoff,
                    "noise": a.noise}
            if a.checkpoint:
                prov.update(checkpoint=a.checkpoint.rsplit("/", 1)[-1], checkpoint_sha256=exporter.sha256(a.checkpoint))
            else:
                prov["weights"] = "random, seed %d (stylegan2.init_random)" % a.seed
            zdim = a.zdim or gen.z_dim
            arch = "StyleGAN2 config F (skip), %dx%d, NVlabs stylegan2-ada-pytorch parameter names" % (
                gen.img_resolution, gen.img_resolution)
        else:
            gen, prov = exporter.load_generator(a.generator, a.checkpoint, kwargs)
            if not a.zdim:
                ap.error("--zdim is required with --generator")
            zdim, arch = a.zdim, None
        layers = [l.strip() for l in a.layers.split(",") if l.strip()]
        latent = tuple(int(v) for v in a.latent_shape.split(",")) if a.latent_shape else None
        exporter.export_bundle(gen, zdim, layers, a.out, a.segmenter, a.classes, name=a.name, dataset=a.dataset,
                               variant=a.variant, description=a.description, provenance=prov, latent_shape=latent,
                               segmenter_output=a.segmenter_output, segmenter_range=a.segmenter_range,
                               segmenter_mean=_floats(a.segmenter_mean), segmenter_std=_floats(a.segmenter_std),
                               segmenter_size=a.segmenter_size, features=a.features, real_images=a.real_images,
                               seed=a.seed, check_batch=a.check_batch, tolerance_onnx=a.tolerance_onnx,
                               feature_count=a.feature_count, architecture=arch, log=log,
                               segmenter_quality={"pixel_accuracy": a.segmenter_pixel_accuracy,
                                                  "mean_iou": a.segmenter_mean_iou,
                                                  "evaluated_on": a.segmenter_evaluated_on})
    except (exporter.ExportError, segmenter.SegmenterError, ValueError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Dissect every layer of every demo bundle and measure its samples, then print the
tables of the model cards (markdown): interpretable units per layer and the variant
table (interpretable units per category next to SWD and domain FD), as in GAN
Dissection's ProGAN table. Runs the ganscope command line; results go to build/report/.

  python3 -m ganscope_models.zoo_report [--samples 1000] [--layers layer1,layer2,layer3,layer4]
"""
import argparse
import json
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def ganscope(*args):
    out = subprocess.run([os.path.join(REPO, "ganscope")] + list(args), capture_output=True, text=True, cwd=REPO)
    if out.returncode != 0:
        raise SystemExit("ganscope %s failed: %s" % (" ".join(args), out.stderr.strip() or out.stdout.strip()))
    return out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--layers", default="layer1,layer2,layer3,layer4")
    ap.add_argument("--variant-layer", default="layer3")
    args = ap.parse_args()
    bundles_dir = os.path.join(REPO, "models", "bundles")
    report = os.path.join(REPO, "models", "build", "report")
    names = sorted(n for n in os.listdir(bundles_dir) if os.path.isfile(os.path.join(bundles_dir, n, "manifest.json")))
    layers = args.layers.split(",")
    counts, metrics = {}, {}
    for name in names:
        b = os.path.join(bundles_dir, name)
        for layer in layers:
            out = os.path.join(report, name, layer)
            ganscope("dissect", "--bundle", b, "--layer", layer, "--samples", str(args.samples), "--seed", "0",
                     "--images", "16", "--out", out)
            d = json.load(open(os.path.join(out, "dissect.json")))
            counts[name, layer] = (d["summary"], d["layer"]["units"])
            print("%s %s: %s" % (name, layer, d["summary"]), flush=True)
        line = ganscope("metrics", "--bundle", b, "--samples", "500", "--seed", "0").strip().splitlines()[-1]
        fd = float(re.search(r"domain FD (?:\(segmenter features\) )?([0-9.]+)", line).group(1))
        swd = float(re.search(r"SWD ([0-9.]+)", line).group(1))
        prec = float(re.search(r"precision ([0-9.]+)", line).group(1))
        rec = float(re.search(r"recall ([0-9.]+)", line).group(1))
        metrics[name] = (fd, swd, prec, rec)
        print(line, flush=True)
    md = ["### Interpretable units per layer (object / part / material of units; %d samples, IQR thresholds)" % args.samples, "",
          "| bundle | " + " | ".join(layers) + " |", "|---|" + "---|" * len(layers)]
    for name in names:
        cells = []
        for layer in layers:
            s, units = counts[name, layer]
            c = s["by_category"]
            cells.append("%d of %d (%d/%d/%d)" % (s["interpretable"], units, c["object"], c["part"], c["material"]))
        md.append("| %s | %s |" % (name, " | ".join(cells)))
    md += ["", "### Variant table (%s), as in the paper's ProGAN table" % args.variant_layer, "",
           "| bundle | object | part | material | interpretable | SWD (x1e3) | domain FD | precision | recall | units by class |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for name in names:
        s, units = counts[name, args.variant_layer]
        c = s["by_category"]
        fd, swd, prec, rec = metrics[name]
        by_class = ", ".join("%s %d" % kv for kv in sorted(s["by_class"].items(), key=lambda kv: -kv[1]))
        md.append("| %s | %d | %d | %d | %d | %.2f | %.3f | %.3f | %.3f | %s |" % (
            name, c["object"], c["part"], c["material"], s["interpretable"], swd, fd, prec, rec, by_class))
    text = "\n".join(md) + "\n"
    os.makedirs(report, exist_ok=True)
    open(os.path.join(report, "zoo_report.md"), "w").write(text)
    print(text)


if __name__ == "__main__":
    main()

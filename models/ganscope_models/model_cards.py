"""Print the model-card table of the bundles under models/bundles (markdown), from their manifests.

  python3 -m ganscope_models.model_cards [bundles_dir]
"""
import json
import os
import sys


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "bundles")
    print("| bundle | dataset | variant | generator iterations (batch) | training time | final D / G loss "
          "| segmenter pixel acc. | segmenter mIoU | size | samples |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in sorted(os.listdir(root)):
        mf = os.path.join(root, name, "manifest.json")
        if not os.path.isfile(mf):
            continue
        m = json.load(open(mf))
        g = m["training"]["generator"]
        size = sum(f["bytes"] for f in m["files"].values()) / 1e6
        print("| %s | %s | %s | %d (%d) | %.0f min | %.3f / %.3f | %.4f | %.4f | %.1f MB | ![](bundles/%s/samples.png) |" % (
            name, m["dataset"], m["variant"], g["iterations"], g["batch"], g["wall_seconds"] / 60,
            g["final_loss_d"], g["final_loss_g"], m["segmenter"]["pixel_accuracy"], m["segmenter"]["mean_iou"],
            size, name))


if __name__ == "__main__":
    main()

# Sourced by the make_*.sh scripts here (from models/, with $PY set): cuts the zoo v1 outdoor
# real sample into 64 images in a temporary folder $real (removed on exit) and reads the zoo
# segmenter's measured accuracy into $acc and $miou, so that the zoo's outdoor segmenter
# stands in as "the user's segmenter" with its numbers as reported.
real=$(mktemp -d)
trap 'rm -rf "$real"' EXIT
"$PY" - "$real" <<'PYEOF'
import sys
import numpy as np
from PIL import Image
a = np.asarray(Image.open("bundles-test/outdoor-v1-segmenter/images.png"))
for k in range(64):
    r, c = divmod(k, 10)
    Image.fromarray(a[r * 64:(r + 1) * 64, c * 64:(c + 1) * 64]).save("%s/%02d.png" % (sys.argv[1], k))
PYEOF
read -r acc miou < <("$PY" -c "import json; s = json.load(open('bundles-test/outdoor-v1-segmenter/segmenter.json')); print(s['pixel_accuracy'], s['mean_iou'])")

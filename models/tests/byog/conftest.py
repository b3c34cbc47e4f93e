import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, MODELS)
torch.set_num_threads(1)

# the zoo v1 outdoor segmenter, kept in bundles-test for these tests and the byog test bundles
V1_SEGMENTER = os.path.join(MODELS, "bundles-test", "outdoor-v1-segmenter")
ZOO_SEGMENTER = os.path.join(V1_SEGMENTER, "segmenter.onnx")


@pytest.fixture(scope="session")
def outdoor_classes(tmp_path_factory):
    """The zoo's outdoor segmenter as "the user's segmenter": its class list as a CSV file."""
    import json
    m = json.load(open(os.path.join(V1_SEGMENTER, "segmenter.json")))
    p = tmp_path_factory.mktemp("classes") / "outdoor.csv"
    p.write_text("name,category,color\n" + "".join("%s,%s,%s\n" % (c["name"], c["category"], c["color"])
                                                    for c in m["classes"]))
    return str(p)

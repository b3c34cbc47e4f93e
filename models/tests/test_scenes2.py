"""Renderer v2: determinism, the v1 label map kept, concept groups consistent with each
other, the colour rule, and the pixel shares the issue asks for."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ganscope_models import scenes, scenes2  # noqa: E402

N = 300


@pytest.fixture(scope="module", params=["outdoor", "indoor"])
def rendered(request):
    return request.param, scenes2.render_many(request.param, 1, 0, N)


def test_deterministic_from_seed_and_index():
    for ds in ("outdoor", "indoor"):
        a_img, a_lab = scenes2.render(ds, 7, 11)
        b_img, b_lab = scenes2.render(ds, 7, 11)
        assert np.array_equal(a_img, b_img) and np.array_equal(a_lab, b_lab)
        c_img, _ = scenes2.render(ds, 7, 12)
        d_img, _ = scenes2.render(ds, 8, 11)
        assert not np.array_equal(a_img, c_img) and not np.array_equal(a_img, d_img)
        imgs, labs = scenes2.render_many(ds, 7, 10, 3)
        assert np.array_equal(imgs[1], a_img) and np.array_equal(labs[1], a_lab)


def test_main_group_is_the_v1_label_map():
    for ds in ("outdoor", "indoor"):
        assert [c[:2] for c in scenes2.classes(ds)] == [c[:2] for c in scenes.classes(ds)]
        assert [g for g, _, _ in scenes2.groups(ds)] == list(scenes2.GROUPS)


def test_every_class_of_every_group_is_drawn(rendered):
    ds, (imgs, labs) = rendered
    for g, shares in scenes2.pixel_shares(labs, ds).items():
        missing = [c for c, v in shares.items() if v == 0 and c != "none"]
        assert not missing, "%s %s never drawn: %s" % (ds, g, missing)


def test_groups_agree_where_they_overlap(rendered):
    ds, (imgs, labs) = rendered
    idx = {g: {n: i for i, (n, _, _) in enumerate(t)} for g, t, _ in scenes2.groups(ds)}
    main, obj, part = labs[:, 0], labs[:, 1], labs[:, 2]
    if ds == "outdoor":
        door = part == idx["part"]["door"]
        assert np.array_equal(door, main == idx["main"]["door"])
        assert np.isin(obj[door], [idx["object"]["house"], idx["object"]["building"]]).all()
        assert (obj[part == idx["part"]["trunk"]] == idx["object"]["tree"]).all()
        assert (main[obj == idx["object"]["tree"]] == idx["main"]["tree"]).all()
    else:
        pillow = part == idx["part"]["pillow"]
        assert np.array_equal(pillow, main == idx["main"]["pillow"])
        assert (obj[pillow] == idx["object"]["bed"]).all()
        assert (main[part == idx["part"]["shade"]] == idx["main"]["lamp"]).all()
    # the colour group is the colour rule of the final image, exactly
    assert np.array_equal(labs[:, 4], scenes2.color_names(imgs))


def test_colour_rule_on_reference_colours():
    ref = {"black": (10, 10, 10), "white": (250, 250, 250), "grey": (128, 128, 130), "red": (220, 20, 20),
           "orange": (250, 140, 20), "yellow": (240, 230, 30), "green": (30, 160, 40), "blue": (30, 60, 220),
           "purple": (120, 30, 160), "pink": (250, 170, 200), "brown": (120, 70, 30)}
    names = [n for n, _, _ in scenes2.COLOR]
    got = scenes2.color_names(np.array([list(ref.values())], np.uint8))[0]
    assert [names[i] for i in got] == list(ref)


def test_pixel_shares(rendered):
    ds, (imgs, labs) = rendered
    main = scenes2.pixel_shares(labs, ds)["main"]
    if ds == "outdoor":
        assert main["door"] > 0.006 and main["window"] > 0.006   # issue: door well above 0.3%
    else:
        for c in ("window", "lamp", "painting", "pillow"):
            assert main[c] > 0.004, (c, main[c])
    assert max(main.values()) < 0.5


def _boxes(mask):
    """Bounding boxes (w, h) of the 4-connected components of a boolean mask."""
    seen = np.zeros_like(mask)
    out = []
    for y, x in zip(*np.nonzero(mask)):
        if seen[y, x]:
            continue
        stack, ys, xs = [(y, x)], [], []
        seen[y, x] = True
        while stack:
            cy, cx = stack.pop()
            ys.append(cy)
            xs.append(cx)
            for ny, nx in ((cy + 1, cx), (cy - 1, cx), (cy, cx + 1), (cy, cx - 1)):
                if 0 <= ny < 64 and 0 <= nx < 64 and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        out.append((max(xs) - min(xs) + 1, max(ys) - min(ys) + 1))
    return out


def test_doors_and_windows_at_least_3x4():
    """Houses and buildings drawn alone at the smallest and largest scales the renderer uses:
    every door is at least 3x5 px, every window at least 3x4 px."""
    rng = np.random.default_rng(0)
    part = {n: i for i, (n, _, _) in enumerate(scenes2.OUTDOOR_PART)}
    for k in range(80):
        cv = scenes2.Canvas(rng, scenes2._OUT_GROUPS)
        scale = 0.7 if k % 2 else 1.4
        if k % 4 < 2:
            scenes2._house(cv, rng, 20, 50, rng.uniform(15, 24) * scale, rng.uniform(10, 14) * scale)
        else:
            scenes2._building(cv, rng, 20, 60, rng.uniform(11, 18), rng.uniform(16, 40))
        for name, (mw, mh) in (("door", (3, 5)), ("window", (3, 4))):
            for w, h in _boxes(cv.lab[2] == part[name]):
                assert w >= mw and h >= mh, (k, name, w, h)
        assert (cv.lab[2] == part["door"]).any() or k % 4 >= 2

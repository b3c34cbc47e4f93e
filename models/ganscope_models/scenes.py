"""Procedurally rendered 64x64 scenes with an exact label per pixel.

Two datasets:
  outdoor: sky, clouds, mountains, grass, water, roads, trees, houses (wall, roof,
           door, window) and tall buildings (facade, door, window).
  indoor:  bedroom-like rooms: wall, floor, ceiling, bed (pillow, headboard), window,
           curtain, lamp, painting, table, carpet.

Class 0 is "unlabeled" (clutter such as rocks, fences and boxes is drawn with label 0).
Doors and windows only ever appear on houses and buildings (outdoor) so insertion
effects can be context dependent, as in GAN Dissection.

Everything is deterministic from (seed, index): image i of a dataset is rendered from
numpy's PCG64 generator seeded with [seed, i], independent of any other image.
"""
import numpy as np

SIZE = 64

OUTDOOR_CLASSES = [
    # name, category, display colour
    ("unlabeled", "none", (0, 0, 0)),
    ("sky", "object", (120, 180, 255)),
    ("cloud", "object", (235, 235, 235)),
    ("mountain", "object", (120, 100, 140)),
    ("grass", "material", (60, 170, 60)),
    ("water", "material", (40, 90, 200)),
    ("road", "object", (110, 110, 110)),
    ("tree", "object", (20, 100, 20)),
    ("building", "object", (200, 140, 60)),
    ("wall", "part", (230, 200, 150)),
    ("roof", "part", (180, 40, 40)),
    ("door", "part", (120, 60, 20)),
    ("window", "part", (250, 240, 90)),
]

INDOOR_CLASSES = [
    ("unlabeled", "none", (0, 0, 0)),
    ("wall", "object", (220, 210, 180)),
    ("floor", "object", (150, 100, 60)),
    ("ceiling", "object", (240, 240, 250)),
    ("bed", "object", (60, 90, 200)),
    ("pillow", "part", (250, 250, 200)),
    ("headboard", "part", (110, 60, 30)),
    ("window", "object", (150, 220, 255)),
    ("curtain", "object", (200, 60, 120)),
    ("lamp", "object", (255, 200, 40)),
    ("painting", "object", (40, 160, 120)),
    ("table", "object", (90, 50, 20)),
    ("carpet", "material", (170, 40, 40)),
]

_YY, _XX = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) + 0.5


class Canvas:
    def __init__(self, rng):
        self.rng = rng
        self.img = np.zeros((SIZE, SIZE, 3), np.float32)
        self.lab = np.zeros((SIZE, SIZE), np.int32)

    def paint(self, mask, colour, label, noise=0.03, shade=None):
        """Fill mask with colour (0..1 RGB) plus texture noise and an optional
        vertical shading gradient; set its label."""
        if not mask.any():
            return
        c = np.asarray(colour, np.float32)
        px = np.broadcast_to(c, (SIZE, SIZE, 3)).copy()
        if shade is not None:
            px *= (1.0 + shade * (_YY[..., None] / SIZE - 0.5))
        if noise > 0:
            px += self.rng.normal(0, noise, (SIZE, SIZE, 1)).astype(np.float32)
            px += self.rng.normal(0, noise * 0.3, (SIZE, SIZE, 3)).astype(np.float32)
        self.img[mask] = px[mask]
        self.lab[mask] = label

    def finish(self, brightness, tint):
        img = self.img * brightness * np.asarray(tint, np.float32)
        return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8), self.lab


def rect(x0, y0, x1, y1):
    return (_XX >= x0) & (_XX < x1) & (_YY >= y0) & (_YY < y1)


def ellipse(cx, cy, rx, ry):
    return ((_XX - cx) / rx) ** 2 + ((_YY - cy) / ry) ** 2 <= 1.0


def polygon(pts):
    """Convex polygon, points in any consistent winding order."""
    pts = np.asarray(pts, np.float32)
    inside_pos = np.ones((SIZE, SIZE), bool)
    inside_neg = np.ones((SIZE, SIZE), bool)
    for i in range(len(pts)):
        (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % len(pts)]
        cross = (x1 - x0) * (_YY - y0) - (y1 - y0) * (_XX - x0)
        inside_pos &= cross >= 0
        inside_neg &= cross <= 0
    return inside_pos | inside_neg


def jitter(rng, colour, amount=0.08):
    return np.clip(np.asarray(colour, np.float32) / 255.0 + rng.normal(0, amount, 3), 0, 1)


# ----------------------------------------------------------------------------- outdoor

def _house(cv, rng, x, base, w, h, labels):
    wall = rect(x, base - h, x + w, base)
    cv.paint(wall, jitter(rng, rng.choice([(230, 200, 150), (200, 120, 90), (240, 240, 230), (170, 190, 210)])),
             labels["wall"], noise=0.04)
    rh = h * rng.uniform(0.5, 0.9)
    over = w * 0.12
    roof = polygon([(x - over, base - h), (x + w + over, base - h), (x + w / 2, base - h - rh)])
    cv.paint(roof, jitter(rng, rng.choice([(180, 40, 40), (90, 60, 50), (60, 70, 90)])), labels["roof"], noise=0.04)
    dw, dh = max(2.0, w * 0.2), max(3.0, h * 0.5)
    dx = x + rng.uniform(0.15, 0.85 - 0.2) * w
    cv.paint(rect(dx, base - dh, dx + dw, base), jitter(rng, (120, 60, 20)), labels["door"], noise=0.03)
    nwin = rng.integers(1, 3)
    for k in range(nwin):
        ww = max(2.0, w * 0.18)
        wx = x + w * (0.1 + 0.5 * k) + rng.uniform(0, 0.15 * w)
        wy = base - h * rng.uniform(0.75, 0.9)
        m = rect(wx, wy, wx + ww, wy + ww) & ~rect(dx - 1, base - dh - 1, dx + dw + 1, base)
        cv.paint(m, jitter(rng, rng.choice([(250, 240, 90), (150, 200, 240)])), labels["window"], noise=0.02)


def _building(cv, rng, x, base, w, h, labels):
    cv.paint(rect(x, base - h, x + w, base), jitter(rng, rng.choice([(200, 140, 60), (150, 150, 160), (120, 80, 60)])),
             labels["building"], noise=0.04, shade=0.3)
    cols = max(1, int(w // 5))
    rows = max(1, int((h - 6) // 6))
    wc = jitter(rng, rng.choice([(250, 240, 90), (150, 200, 240), (60, 80, 110)]))
    for r in range(rows):
        for c in range(cols):
            wx = x + 1.5 + c * (w - 2) / cols
            wy = base - h + 2 + r * 6
            cv.paint(rect(wx, wy, wx + 2.5, wy + 3), wc, labels["window"], noise=0.02)
    if rng.random() < 0.8:
        dx = x + w / 2 - 1.5
        cv.paint(rect(dx, base - 5, dx + 3, base), jitter(rng, (80, 50, 30)), labels["door"], noise=0.03)


def _tree(cv, rng, x, base, s, labels):
    trunk = rect(x - s * 0.12, base - s * 0.9, x + s * 0.12, base)
    cv.paint(trunk, jitter(rng, (90, 60, 30)), labels["tree"], noise=0.03)
    crown = ellipse(x, base - s * 1.2, s * rng.uniform(0.5, 0.8), s * rng.uniform(0.6, 0.9))
    if rng.random() < 0.5:
        crown |= ellipse(x + s * 0.3, base - s * 1.0, s * 0.5, s * 0.5)
    cv.paint(crown, jitter(rng, rng.choice([(30, 110, 30), (50, 130, 40), (20, 80, 40), (140, 130, 30)])),
             labels["tree"], noise=0.07)


def render_outdoor(rng):
    labels = {name: i for i, (name, _, _) in enumerate(OUTDOOR_CLASSES)}
    cv = Canvas(rng)
    horizon = rng.uniform(18, 38)
    sky_col = jitter(rng, rng.choice([(120, 180, 255), (170, 200, 240), (240, 170, 120), (100, 130, 200)]), 0.05)
    cv.paint(_YY < horizon + 1, sky_col, labels["sky"], noise=0.01, shade=-0.5)
    for _ in range(rng.integers(0, 4)):
        cx, cy = rng.uniform(0, 64), rng.uniform(2, max(4, horizon - 6))
        m = ellipse(cx, cy, rng.uniform(4, 11), rng.uniform(1.5, 4))
        m |= ellipse(cx + rng.uniform(-4, 4), cy - 1.5, rng.uniform(3, 6), rng.uniform(1.5, 3))
        cv.paint(m & (_YY < horizon), jitter(rng, (235, 235, 240), 0.04), labels["cloud"], noise=0.03)
    if rng.random() < 0.5:
        mcol = jitter(rng, (120, 100, 140))
        for _ in range(rng.integers(1, 3)):
            mx, mh, mw = rng.uniform(0, 64), rng.uniform(6, 16), rng.uniform(14, 30)
            cv.paint(polygon([(mx - mw, horizon + 1), (mx + mw, horizon + 1), (mx, horizon - mh)]),
                     mcol, labels["mountain"], noise=0.04)
    ground = _YY >= horizon
    cv.paint(ground, jitter(rng, rng.choice([(60, 170, 60), (90, 150, 50), (120, 160, 70)])),
             labels["grass"], noise=0.06, shade=0.4)
    if rng.random() < 0.3:
        cv.paint(ellipse(rng.uniform(5, 59), rng.uniform(horizon + 6, 62), rng.uniform(6, 16), rng.uniform(2, 5)) & ground,
                 jitter(rng, (40, 90, 200)), labels["water"], noise=0.03)
    if rng.random() < 0.6:
        vx = rng.uniform(20, 44)
        bx = rng.uniform(8, 56)
        bw = rng.uniform(10, 24)
        cv.paint(polygon([(vx - 1, horizon), (vx + 1, horizon), (bx + bw, 64), (bx - bw, 64)]) & ground,
                 jitter(rng, (110, 110, 110), 0.04), labels["road"], noise=0.04)
    # objects standing on the ground, back to front
    things = []
    for _ in range(rng.integers(0, 3)):
        things.append(("house", rng.uniform(horizon + 2, 60)))
    for _ in range(rng.integers(0, 3)):
        things.append(("building", rng.uniform(horizon + 1, horizon + 10)))
    for _ in range(rng.integers(0, 5)):
        things.append(("tree", rng.uniform(horizon + 2, 64)))
    for _ in range(rng.integers(0, 3)):
        things.append(("rock", rng.uniform(horizon + 3, 64)))
    things.sort(key=lambda t: t[1])
    for kind, base in things:
        depth = (base - horizon) / max(1.0, 64 - horizon)  # 0 far .. 1 near
        scale = 0.5 + 0.9 * depth
        if kind == "house":
            w, h = rng.uniform(12, 20) * scale, rng.uniform(8, 13) * scale
            _house(cv, rng, rng.uniform(-4, 64 - w + 4), base, w, h, labels)
        elif kind == "building":
            w, h = rng.uniform(9, 16), rng.uniform(14, horizon + 4)
            _building(cv, rng, rng.uniform(-2, 64 - w + 2), base, w, h, labels)
        elif kind == "tree":
            _tree(cv, rng, rng.uniform(0, 64), base, rng.uniform(6, 10) * scale, labels)
        else:
            cv.paint(ellipse(rng.uniform(0, 64), base - 1.5 * scale, rng.uniform(2, 4) * scale, 1.8 * scale),
                     jitter(rng, (130, 125, 120)), 0, noise=0.05)
    bright = rng.uniform(0.7, 1.15)
    tint = 1 + rng.normal(0, 0.05, 3)
    return cv.finish(bright, tint)


# ----------------------------------------------------------------------------- indoor

def render_indoor(rng):
    labels = {name: i for i, (name, _, _) in enumerate(INDOOR_CLASSES)}
    cv = Canvas(rng)
    # one-point perspective room: back wall rectangle, ceiling, floor, side walls
    bx0, bx1 = rng.uniform(10, 22), rng.uniform(42, 54)
    by0, by1 = rng.uniform(8, 18), rng.uniform(32, 44)
    wall_col = jitter(rng, rng.choice([(220, 210, 180), (200, 220, 200), (230, 200, 200), (190, 200, 230)]))
    cv.paint(np.ones((SIZE, SIZE), bool), wall_col * 0.85, labels["wall"], noise=0.03, shade=0.2)
    cv.paint(rect(bx0, by0, bx1, by1), wall_col, labels["wall"], noise=0.03)
    cv.paint(polygon([(0, 0), (64, 0), (bx1, by0), (bx0, by0)]), jitter(rng, (240, 240, 250), 0.03),
             labels["ceiling"], noise=0.02)
    floor = polygon([(bx0, by1), (bx1, by1), (64, 64), (0, 64)])
    cv.paint(floor, jitter(rng, rng.choice([(150, 100, 60), (120, 80, 50), (180, 170, 150)])),
             labels["floor"], noise=0.06, shade=0.3)
    if rng.random() < 0.6:
        cx = rng.uniform(18, 46)
        cv.paint(ellipse(cx, rng.uniform(50, 58), rng.uniform(10, 18), rng.uniform(4, 7)) & floor,
                 jitter(rng, rng.choice([(170, 40, 40), (60, 60, 140), (140, 120, 60)])), labels["carpet"], noise=0.08)
    # window with curtains on the back wall
    if rng.random() < 0.75:
        ww, wh = rng.uniform(8, 14), rng.uniform(8, by1 - by0 - 6)
        wx = rng.uniform(bx0 + 2, bx1 - ww - 2)
        wy = by0 + rng.uniform(1.5, 4)
        cv.paint(rect(wx, wy, wx + ww, wy + wh), jitter(rng, rng.choice([(150, 220, 255), (40, 50, 90), (250, 200, 140)])),
                 labels["window"], noise=0.02, shade=-0.4)
        if rng.random() < 0.7:
            ccol = jitter(rng, rng.choice([(200, 60, 120), (230, 220, 180), (60, 120, 180)]))
            cw = rng.uniform(2.5, 4.5)
            cv.paint(rect(wx - cw + 1.5, wy - 1, wx + 1.5, wy + wh + 2), ccol, labels["curtain"], noise=0.05)
            cv.paint(rect(wx + ww - 1.5, wy - 1, wx + ww + cw - 1.5, wy + wh + 2), ccol, labels["curtain"], noise=0.05)
    # painting on the back wall or a side wall
    if rng.random() < 0.6:
        pw, ph = rng.uniform(6, 11), rng.uniform(4, 8)
        px = rng.uniform(2, 60 - pw) if rng.random() < 0.3 else rng.uniform(bx0 + 1, bx1 - pw - 1)
        py = rng.uniform(by0 + 1, by0 + 8)
        frame = rect(px, py, px + pw, py + ph)
        cv.paint(frame, jitter(rng, (90, 60, 30)), labels["painting"], noise=0.02)
        inner = rect(px + 1, py + 1, px + pw - 1, py + ph - 1)
        cv.paint(inner, jitter(rng, rng.choice([(40, 160, 120), (200, 150, 60), (90, 110, 200)]), 0.15),
                 labels["painting"], noise=0.12)
    # bed: headboard against the back wall, body in perspective towards the viewer
    hx0 = rng.uniform(max(0, bx0 - 8), 34)
    hw = rng.uniform(16, 26)
    hy = by1 - rng.uniform(8, 12)
    cv.paint(rect(hx0, hy, hx0 + hw, by1 + 2), jitter(rng, rng.choice([(110, 60, 30), (70, 40, 20), (200, 200, 200)])),
             labels["headboard"], noise=0.03)
    near = rng.uniform(54, 66)
    spread = rng.uniform(3, 8)
    body = polygon([(hx0, by1 - 2), (hx0 + hw, by1 - 2), (hx0 + hw + spread, near), (hx0 - spread, near)])
    cv.paint(body, jitter(rng, rng.choice([(60, 90, 200), (230, 230, 230), (200, 120, 60), (120, 170, 120)])),
             labels["bed"], noise=0.05, shade=0.3)
    for k in range(rng.integers(1, 3)):
        pxc = hx0 + hw * (0.27 + 0.46 * k) if True else 0
        cv.paint(ellipse(pxc, by1, hw * 0.18, 2.2), jitter(rng, (250, 250, 220), 0.04), labels["pillow"], noise=0.03)
    # nightstand table with a lamp
    if rng.random() < 0.7:
        right = rng.random() < 0.5
        tw = rng.uniform(6, 9)
        tx = hx0 + hw + spread * 0.3 + 1 if right else hx0 - tw - spread * 0.3 - 1
        ty = by1 + rng.uniform(1, 5)
        th = rng.uniform(6, 9)
        tcol = jitter(rng, rng.choice([(90, 50, 20), (160, 120, 70), (60, 60, 60)]))
        cv.paint(rect(tx, ty, tx + tw, ty + 2), tcol, labels["table"], noise=0.03)
        cv.paint(rect(tx + 0.5, ty + 2, tx + 1.5, ty + th) | rect(tx + tw - 1.5, ty + 2, tx + tw - 0.5, ty + th),
                 tcol, labels["table"], noise=0.03)
        if rng.random() < 0.8:
            lx = tx + tw / 2
            cv.paint(rect(lx - 0.5, ty - 4, lx + 0.5, ty), jitter(rng, (60, 60, 60)), labels["lamp"], noise=0.02)
            cv.paint(polygon([(lx - 1.5, ty - 8), (lx + 1.5, ty - 8), (lx + 3, ty - 4), (lx - 3, ty - 4)]),
                     jitter(rng, rng.choice([(255, 200, 40), (250, 240, 220), (200, 80, 60)])), labels["lamp"], noise=0.02)
    # clutter (unlabeled)
    for _ in range(rng.integers(0, 3)):
        cx, cy = rng.uniform(0, 64), rng.uniform(by1 + 4, 64)
        s = rng.uniform(2, 4)
        cv.paint(rect(cx - s, cy - s, cx + s, cy), jitter(rng, (150, 130, 100), 0.15), 0, noise=0.04)
    bright = rng.uniform(0.65, 1.1)
    tint = 1 + rng.normal(0, 0.06, 3)
    return cv.finish(bright, tint)


DATASETS = {
    "outdoor": (render_outdoor, OUTDOOR_CLASSES),
    "indoor": (render_indoor, INDOOR_CLASSES),
}


def render(dataset, seed, index):
    fn, _ = DATASETS[dataset]
    return fn(np.random.Generator(np.random.PCG64([seed, index])))


def render_many(dataset, seed, start, count):
    imgs = np.zeros((count, SIZE, SIZE, 3), np.uint8)
    labs = np.zeros((count, SIZE, SIZE), np.int32)
    for k in range(count):
        imgs[k], labs[k] = render(dataset, seed, start + k)
    return imgs, labs


def classes(dataset):
    return DATASETS[dataset][1]

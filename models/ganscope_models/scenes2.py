"""Scene renderer v2: the same two datasets (outdoor, indoor) and the same 12-class label
map as scenes.py (group "main"), plus one label map per concept group, each exactly as
painted:

  main      today's object/part/material map (same 12 classes and indices as scenes.py)
  object    whole objects: a door pixel of a house is "house", a trunk pixel is "tree"
  part      parts, overlapping the objects: wall/roof/door/window of houses and buildings,
            trunk/crown of trees; headboard/pillow/blanket of beds, shade/stand of lamps,
            frame/canvas of paintings, pane/frame of windows, top/leg of tables
  material  what a surface is made of: grass, water, asphalt, stone, wood, foliage,
            glass, plaster, brick, concrete, tile, metal, painted; indoor also
            wallpaper, fabric, carpet, cardboard
  color     Broden's 11 colour terms, computed from the final RGB by an exact rule
            (color_names below), so the same rule labels generated images exactly

Index 0 of every group means "nothing of this group here" (unlabeled, no part, no
material). Later paint overwrites every group's label at its pixels (a tree in front of a
house leaves no part "door" behind it).

Compared with scenes.py: no per-pixel texture noise (it only made GAN training harder);
the variation kept is what units can specialise in: layout, counts, sizes, colours,
materials with low-contrast structure (brick courses, wood siding and planks, roof tile
rows, floor tiles, wallpaper stripes), vertical shading, global brightness and tint.
Houses are larger and more frequent; doors are at least 3x5 px and windows at least 3x4 px
(pixel-aligned rectangles), so door is well above 0.3% of outdoor pixels.

Deterministic from (seed, index): image i is rendered from numpy's PCG64 seeded with
[seed, i] (a different stream from scenes.py's images for the same seed, since the
drawing code differs).
"""
import numpy as np

from . import scenes
from .scenes import ellipse, polygon, rect

SIZE = scenes.SIZE
GROUPS = ("main", "object", "part", "material", "color")

# name, category, display colour; index = position
OUTDOOR_MAIN = scenes.OUTDOOR_CLASSES
INDOOR_MAIN = scenes.INDOOR_CLASSES

OUTDOOR_OBJECT = [("none", "none", (0, 0, 0)), ("sky", "object", (120, 180, 255)),
                  ("cloud", "object", (235, 235, 235)), ("mountain", "object", (120, 100, 140)),
                  ("field", "object", (60, 170, 60)), ("lake", "object", (40, 90, 200)),
                  ("road", "object", (110, 110, 110)), ("tree", "object", (20, 100, 20)),
                  ("house", "object", (230, 160, 110)), ("building", "object", (200, 140, 60)),
                  ("rock", "object", (130, 125, 120))]
INDOOR_OBJECT = [("none", "none", (0, 0, 0)), ("wall", "object", (220, 210, 180)),
                 ("floor", "object", (150, 100, 60)), ("ceiling", "object", (240, 240, 250)),
                 ("bed", "object", (60, 90, 200)), ("window", "object", (150, 220, 255)),
                 ("curtain", "object", (200, 60, 120)), ("lamp", "object", (255, 200, 40)),
                 ("painting", "object", (40, 160, 120)), ("table", "object", (90, 50, 20)),
                 ("rug", "object", (170, 40, 40)), ("box", "object", (150, 130, 100))]
OUTDOOR_PART = [("none", "none", (0, 0, 0)), ("wall", "part", (230, 200, 150)),
                ("roof", "part", (180, 40, 40)), ("door", "part", (120, 60, 20)),
                ("window", "part", (250, 240, 90)), ("trunk", "part", (90, 60, 30)),
                ("crown", "part", (40, 130, 40))]
INDOOR_PART = [("none", "none", (0, 0, 0)), ("headboard", "part", (110, 60, 30)),
               ("pillow", "part", (250, 250, 200)), ("blanket", "part", (60, 90, 200)),
               ("pane", "part", (150, 220, 255)), ("frame", "part", (90, 60, 30)),
               ("canvas", "part", (40, 160, 120)), ("shade", "part", (255, 200, 40)),
               ("stand", "part", (60, 60, 60)), ("top", "part", (160, 120, 70)),
               ("leg", "part", (90, 50, 20))]
OUTDOOR_MATERIAL = [("none", "none", (0, 0, 0)), ("grass", "material", (60, 170, 60)),
                    ("water", "material", (40, 90, 200)), ("asphalt", "material", (90, 90, 95)),
                    ("stone", "material", (130, 125, 120)), ("wood", "material", (120, 70, 30)),
                    ("foliage", "material", (30, 110, 30)), ("glass", "material", (150, 200, 240)),
                    ("plaster", "material", (235, 225, 200)), ("brick", "material", (170, 80, 60)),
                    ("concrete", "material", (160, 160, 165)), ("tile", "material", (180, 60, 40)),
                    ("metal", "material", (90, 100, 120)), ("painted", "material", (60, 120, 90))]
INDOOR_MATERIAL = [("none", "none", (0, 0, 0)), ("plaster", "material", (235, 225, 200)),
                   ("wallpaper", "material", (200, 180, 200)), ("wood", "material", (120, 70, 30)),
                   ("tile", "material", (200, 200, 190)), ("fabric", "material", (60, 90, 200)),
                   ("carpet", "material", (170, 40, 40)), ("glass", "material", (150, 220, 255)),
                   ("metal", "material", (80, 80, 90)), ("painted", "material", (40, 160, 120)),
                   ("cardboard", "material", (160, 130, 90))]
COLOR = [("none", "none", (0, 0, 0)), ("black", "color", (0, 0, 0)), ("blue", "color", (0, 0, 255)),
         ("brown", "color", (139, 69, 19)), ("grey", "color", (128, 128, 128)),
         ("green", "color", (0, 160, 0)), ("orange", "color", (255, 150, 0)),
         ("pink", "color", (255, 170, 200)), ("purple", "color", (128, 0, 160)),
         ("red", "color", (220, 0, 0)), ("white", "color", (255, 255, 255)),
         ("yellow", "color", (255, 240, 0))]

_YY, _XX = scenes._YY, scenes._XX


def _index(table):
    return {name: i for i, (name, _, _) in enumerate(table)}


# ------------------------------------------------------------------------- colour rule

def color_names(img):
    """Broden's 11 colour terms of every pixel of uint8 RGB images [..., 3] -> int indices
    into COLOR (1..11; 0 is never returned). Exact rule, float64 with + - * / only (so any
    IEEE-754 implementation reproduces it bit for bit):

      v = max(r,g,b)/255, c = (max - min)/255, s = c / v (0 where v = 0)
      hue h in degrees [0, 360): the HSV hexcone formula
      1. v < 0.20                                   -> black
      2. s < 0.25 or c < 0.08 (achromatic):  v < 0.30 black, v >= 0.85 white, else grey
      3. brown: h in [10, 50) and v < 0.62, or h in [350, 360) + [0, 10) and v < 0.40
      4. pink:  h in [330, 360) + [0, 15) and s < 0.55 and v >= 0.62,
                or h in [290, 330) and v >= 0.62
      5. by hue: [345,15) red, [15,42) orange, [42,70) yellow, [70,165) green,
                 [165,255) blue, [255,290) purple, [290,345) pink (dark: purple when v < 0.62)
    """
    x = np.asarray(img).astype(np.float64)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    mx = np.maximum(np.maximum(r, g), b)
    mn = np.minimum(np.minimum(r, g), b)
    v = mx / 255.0
    c = (mx - mn) / 255.0
    s = np.where(mx > 0, (mx - mn) / np.where(mx > 0, mx, 1.0), 0.0)
    d = np.where(mx > mn, mx - mn, 1.0)
    h = np.where(mx == r, (g - b) / d, np.where(mx == g, 2.0 + (b - r) / d, 4.0 + (r - g) / d)) * 60.0
    h = np.where(h < 0, h + 360.0, h)
    k = _index(COLOR)
    out = np.zeros(x.shape[:-1], np.uint8)
    red_h = (h >= 345) | (h < 15)
    byhue = np.select([red_h, h < 42, h < 70, h < 165, h < 255, h < 290],
                      [k["red"], k["orange"], k["yellow"], k["green"], k["blue"], k["purple"]], k["pink"])
    byhue = np.where((byhue == k["pink"]) & (v < 0.62), k["purple"], byhue)
    brown = (((h >= 10) & (h < 50)) & (v < 0.62)) | (((h >= 350) | (h < 10)) & (v < 0.40))
    pink = ((((h >= 330) | (h < 15)) & (s < 0.55)) | ((h >= 290) & (h < 330))) & (v >= 0.62)
    achrom = np.where(v < 0.30, k["black"], np.where(v >= 0.85, k["white"], k["grey"]))
    out[...] = np.select([v < 0.20, (s < 0.25) | (c < 0.08), brown, pink],
                         [k["black"], achrom, k["brown"], k["pink"]], byhue)
    return out


# ------------------------------------------------------------------------------ canvas

class Canvas:
    def __init__(self, rng, groups):
        self.rng = rng
        self.img = np.zeros((SIZE, SIZE, 3), np.float32)
        self.lab = np.zeros((len(groups), SIZE, SIZE), np.uint8)
        self.groups = groups  # name -> (group position, index table)

    def paint(self, mask, colour, main, obj, part="none", mat="none", shade=None, pattern=None):
        """Fill mask with colour (0..1 RGB), times an optional vertical shading gradient and
        an optional multiplicative texture field; set the label of every group."""
        if not mask.any():
            return
        px = np.broadcast_to(np.asarray(colour, np.float32), (SIZE, SIZE, 3))
        if shade is not None:
            px = px * (1.0 + shade * (_YY[..., None] / SIZE - 0.5))
        if pattern is not None:
            px = px * pattern[..., None]
        self.img[mask] = px[mask]
        for g, name in (("main", main), ("object", obj), ("part", part), ("material", mat)):
            pos, table = self.groups[g]
            self.lab[pos][mask] = table[name]

    def finish(self, brightness, tint):
        img = self.img * brightness * np.asarray(tint, np.float32)
        img = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
        self.lab[self.groups["color"][0]] = color_names(img)
        return img, self.lab


def irect(x0, y0, w, h):
    """Pixel-aligned rectangle: exactly w x h pixels (less where it leaves the image)."""
    x0, y0 = int(round(x0)), int(round(y0))
    return rect(x0, y0, x0 + int(w), y0 + int(h))


def jitter(rng, colour, amount=0.06):
    return np.clip(np.asarray(colour, np.float32) / 255.0 + rng.normal(0, amount, 3), 0, 1)


def pick(rng, options):
    return options[int(rng.integers(0, len(options)))]


# Low-contrast material textures: multiplicative fields anchored at the object's origin.
def courses(x0, y0, period=3, joint=4, dark=0.82):
    """Brick: mortar every `period` rows, staggered vertical joints every `joint` px."""
    yy = np.floor(_YY - y0).astype(int)
    xx = np.floor(_XX - x0).astype(int)
    row = yy // period
    mortar = (yy % period == 0) | ((xx + (row % 2) * (joint // 2)) % joint == 0)
    return np.where(mortar, dark, 1.0).astype(np.float32)


def stripes(origin, period, dark, axis):
    """Siding, planks, tile rows (axis 0: horizontal lines) or wallpaper (axis 1: vertical)."""
    t = np.floor((_YY if axis == 0 else _XX) - origin).astype(int)
    return np.where(t % period == 0, dark, 1.0).astype(np.float32)


def grid(x0, y0, period, dark):
    xx = np.floor(_XX - x0).astype(int)
    yy = np.floor(_YY - y0).astype(int)
    return np.where((xx % period == 0) | (yy % period == 0), dark, 1.0).astype(np.float32)


# ----------------------------------------------------------------------------- outdoor

WALLS = [("plaster", [(235, 220, 185), (240, 240, 230), (200, 215, 230), (235, 200, 160)]),
         ("brick", [(170, 80, 60), (150, 70, 50), (190, 110, 80)]),
         ("wood", [(160, 110, 60), (120, 80, 50), (200, 170, 120)])]
ROOFS = [("tile", [(180, 50, 40), (150, 60, 40), (120, 50, 40)]),
         ("metal", [(70, 80, 100), (90, 95, 105), (50, 60, 70)])]
DOORS = [("wood", [(110, 60, 25), (90, 50, 25), (130, 80, 40)]),
         ("painted", [(170, 30, 30), (30, 90, 60), (40, 60, 130)])]


def _house(cv, rng, x, base, w, h):
    x, base, w, h = int(round(x)), int(round(base)), int(round(w)), int(round(h))
    top = base - h
    mat, cols = pick(rng, WALLS)
    pat = courses(x, top) if mat == "brick" else (stripes(top, 3, 0.9, 0) if mat == "wood" else None)
    cv.paint(irect(x, top, w, h), jitter(rng, pick(rng, cols)), "wall", "house", "wall", mat, pattern=pat)
    rh = h * rng.uniform(0.5, 0.85)
    over = max(1.0, w * 0.1)
    rmat, rcols = pick(rng, ROOFS)
    rpat = stripes(top, 2, 0.85, 0) if rmat == "tile" else None
    roof = polygon([(x - over, top), (x + w + over, top), (x + w / 2, top - rh)]) & (_YY < top)
    cv.paint(roof, jitter(rng, pick(rng, rcols)), "roof", "house", "roof", rmat, pattern=rpat)
    dw = max(3, int(round(w * rng.uniform(0.18, 0.26))))
    dh = max(5, int(round(h * rng.uniform(0.5, 0.65))))
    dx = x + int(round(rng.uniform(0.1, 0.9) * (w - dw)))
    dmat, dcols = pick(rng, DOORS)
    cv.paint(irect(dx, base - dh, dw, dh), jitter(rng, pick(rng, dcols)), "door", "house", "door", dmat)
    # windows left and right of the door where there is room
    win = jitter(rng, pick(rng, [(250, 235, 120), (150, 200, 240), (120, 170, 220)]), 0.04)
    ws = max(3, int(round(w * 0.2)))
    wh = max(4, int(round(h * 0.3)))
    wy = top + max(1, int(round(h * 0.25)))
    for wx in (x + 1 + int(rng.integers(0, 2)), x + w - 1 - ws - int(rng.integers(0, 2))):
        if wx + ws <= dx - 1 or wx >= dx + dw + 1:
            cv.paint(irect(wx, wy, ws, wh), win, "window", "house", "window", "glass")


def _building(cv, rng, x, base, w, h):
    x, base, w, h = int(round(x)), int(round(base)), int(round(w)), int(round(h))
    top = base - h
    mat, cols = pick(rng, [("concrete", [(160, 160, 165), (190, 185, 175), (120, 125, 135)]),
                           ("brick", [(150, 80, 60), (120, 70, 50)])])
    pat = courses(x, top) if mat == "brick" else None
    cv.paint(irect(x, top, w, h), jitter(rng, pick(rng, cols)), "building", "building", "wall", mat,
             shade=0.25, pattern=pat)
    wc = jitter(rng, pick(rng, [(250, 240, 120), (150, 200, 240), (60, 80, 110)]), 0.04)
    cols_n = max(1, (w - 1) // 5)
    rows_n = max(1, (h - 8) // 6)
    x_margin = (w - (cols_n * 5 - 2)) // 2
    for r in range(rows_n):
        for c in range(cols_n):
            cv.paint(irect(x + x_margin + c * 5, top + 2 + r * 6, 3, 4), wc, "window", "building", "window", "glass")
    if rng.random() < 0.85:
        dw = 4 if w >= 10 else 3
        cv.paint(irect(x + (w - dw) // 2, base - 6, dw, 6), jitter(rng, pick(rng, [(80, 50, 30), (60, 70, 80)])),
                 "door", "building", "door", "wood")


def _tree(cv, rng, x, base, s):
    tw = max(2.0, s * 0.25)
    cv.paint(rect(x - tw / 2, base - s * 0.9, x + tw / 2, base), jitter(rng, (95, 65, 35)), "tree", "tree", "trunk", "wood")
    crown = ellipse(x, base - s * 1.25, s * rng.uniform(0.55, 0.8), s * rng.uniform(0.6, 0.9))
    if rng.random() < 0.4:
        crown |= ellipse(x + s * rng.choice([-0.35, 0.35]), base - s * 1.05, s * 0.5, s * 0.5)
    cv.paint(crown, jitter(rng, pick(rng, [(35, 115, 35), (55, 135, 45), (25, 85, 45), (150, 135, 35)])),
             "tree", "tree", "crown", "foliage", shade=0.5)


def _groups(main, obj, part, mat):
    return {"main": (0, _index(main)), "object": (1, _index(obj)), "part": (2, _index(part)),
            "material": (3, _index(mat)), "color": (4, _index(COLOR))}


_OUT_GROUPS = _groups(OUTDOOR_MAIN, OUTDOOR_OBJECT, OUTDOOR_PART, OUTDOOR_MATERIAL)
_IN_GROUPS = _groups(INDOOR_MAIN, INDOOR_OBJECT, INDOOR_PART, INDOOR_MATERIAL)


def render_outdoor(rng):
    cv = Canvas(rng, _OUT_GROUPS)
    horizon = float(rng.uniform(20, 34))
    sky = jitter(rng, pick(rng, [(120, 180, 255), (170, 200, 240), (240, 170, 120), (100, 130, 200)]), 0.04)
    cv.paint(_YY < horizon + 1, sky, "sky", "sky", shade=-0.5)
    for _ in range(int(rng.integers(0, 3))):
        cx, cy = rng.uniform(0, 64), rng.uniform(3, max(5, horizon - 7))
        m = ellipse(cx, cy, rng.uniform(5, 11), rng.uniform(2, 3.5))
        m |= ellipse(cx + rng.uniform(-4, 4), cy - 1.5, rng.uniform(3, 6), rng.uniform(1.5, 3))
        cv.paint(m & (_YY < horizon), jitter(rng, (240, 240, 245), 0.03), "cloud", "cloud")
    if rng.random() < 0.5:
        mcol = jitter(rng, pick(rng, [(120, 100, 140), (110, 120, 130), (140, 120, 100)]))
        for _ in range(int(rng.integers(1, 3))):
            mx, mh, mw = rng.uniform(0, 64), rng.uniform(7, 16), rng.uniform(14, 30)
            cv.paint(polygon([(mx - mw, horizon + 1), (mx + mw, horizon + 1), (mx, horizon - mh)]),
                     mcol, "mountain", "mountain", mat="stone", shade=0.4)
    ground = _YY >= horizon
    cv.paint(ground, jitter(rng, pick(rng, [(60, 170, 60), (90, 150, 50), (120, 160, 70)])),
             "grass", "field", mat="grass", shade=0.5)
    if rng.random() < 0.3:
        lake = ellipse(rng.uniform(5, 59), rng.uniform(horizon + 6, 60), rng.uniform(7, 16), rng.uniform(2.5, 5)) & ground
        cv.paint(lake, jitter(rng, (45, 95, 200)), "water", "lake", mat="water", shade=-0.4)
    if rng.random() < 0.6:
        vx, bx, bw = rng.uniform(20, 44), rng.uniform(8, 56), rng.uniform(10, 22)
        cv.paint(polygon([(vx - 1, horizon), (vx + 1, horizon), (bx + bw, 64), (bx - bw, 64)]) & ground,
                 jitter(rng, (105, 105, 110), 0.04), "road", "road", mat="asphalt")
    # objects standing on the ground, back to front
    things = [("house", rng.uniform(horizon + 4, 60)) for _ in range(int(pick(rng, [0, 1, 1, 1, 2, 2, 2, 3])))]
    things += [("building", rng.uniform(horizon + 1, horizon + 8)) for _ in range(int(pick(rng, [0, 0, 0, 1, 1, 2])))]
    things += [("tree", rng.uniform(horizon + 2, 64)) for _ in range(int(rng.integers(0, 5)))]
    things += [("rock", rng.uniform(horizon + 3, 64)) for _ in range(int(rng.integers(0, 3)))]
    things.sort(key=lambda t: t[1])
    for kind, base in things:
        depth = (base - horizon) / max(1.0, 64 - horizon)  # 0 far .. 1 near
        scale = 0.7 + 0.7 * depth
        if kind == "house":
            w, h = rng.uniform(15, 24) * scale, rng.uniform(10, 14) * scale
            _house(cv, rng, rng.uniform(-3, 64 - w + 3), base, w, h)
        elif kind == "building":
            w, h = rng.uniform(11, 18), rng.uniform(16, horizon + 6)
            _building(cv, rng, rng.uniform(-2, 64 - w + 2), base, w, h)
        elif kind == "tree":
            _tree(cv, rng, rng.uniform(0, 64), base, rng.uniform(6, 10) * scale)
        else:
            cv.paint(ellipse(rng.uniform(0, 64), base - 1.5 * scale, rng.uniform(2, 4) * scale, 1.8 * scale),
                     jitter(rng, (130, 125, 120)), "unlabeled", "rock", mat="stone", shade=0.6)
    return cv.finish(rng.uniform(0.75, 1.1), 1 + rng.normal(0, 0.04, 3))


# ----------------------------------------------------------------------------- indoor

def render_indoor(rng):
    cv = Canvas(rng, _IN_GROUPS)
    full = np.ones((SIZE, SIZE), bool)
    bx0, bx1 = rng.uniform(8, 20), rng.uniform(44, 56)
    by0, by1 = rng.uniform(8, 16), rng.uniform(34, 42)
    wall_col = jitter(rng, pick(rng, [(220, 210, 180), (200, 220, 200), (230, 200, 200), (190, 200, 230)]))
    wmat = "wallpaper" if rng.random() < 0.3 else "plaster"
    wpat = stripes(bx0, 4, 0.9, 1) if wmat == "wallpaper" else None
    cv.paint(full, wall_col * 0.85, "wall", "wall", mat=wmat, shade=0.2, pattern=wpat)
    cv.paint(rect(bx0, by0, bx1, by1), wall_col, "wall", "wall", mat=wmat, pattern=wpat)
    cv.paint(polygon([(0, 0), (64, 0), (bx1, by0), (bx0, by0)]), jitter(rng, (240, 240, 248), 0.03),
             "ceiling", "ceiling", mat="plaster")
    floor = polygon([(bx0, by1), (bx1, by1), (64, 64), (0, 64)])
    if rng.random() < 0.65:
        cv.paint(floor, jitter(rng, pick(rng, [(150, 100, 60), (120, 80, 50), (175, 130, 85)])), "floor", "floor",
                 mat="wood", shade=0.3, pattern=stripes(by1, 3, 0.88, 0))
    else:
        cv.paint(floor, jitter(rng, pick(rng, [(200, 200, 190), (170, 170, 175), (210, 190, 160)])), "floor", "floor",
                 mat="tile", shade=0.3, pattern=grid(0, by1, 5, 0.85))
    if rng.random() < 0.6:
        cx = rng.uniform(18, 46)
        cv.paint(ellipse(cx, rng.uniform(52, 58), rng.uniform(12, 18), rng.uniform(4, 7)) & floor,
                 jitter(rng, pick(rng, [(170, 40, 40), (60, 60, 140), (140, 120, 60)])), "carpet", "rug", mat="carpet")
    # window with its frame and curtains on the back wall
    if rng.random() < 0.8:
        ww, wh = int(rng.uniform(10, 15)), int(rng.uniform(10, by1 - by0 - 5))
        wx, wy = int(rng.uniform(bx0 + 2, bx1 - ww - 2)), int(by0 + rng.uniform(1.5, 4))
        fcol = jitter(rng, pick(rng, [(240, 240, 235), (110, 70, 40)]), 0.03)
        fmat = "painted" if fcol[0] > 0.7 else "wood"
        cv.paint(irect(wx, wy, ww, wh), fcol, "window", "window", "frame", fmat)
        sky = jitter(rng, pick(rng, [(150, 220, 255), (40, 50, 90), (250, 200, 140)]), 0.04)
        half = (ww - 3) // 2
        for px in (wx + 1, wx + 2 + half):
            cv.paint(irect(px, wy + 1, half, wh - 2), sky, "window", "window", "pane", "glass", shade=-0.4)
        if rng.random() < 0.7:
            ccol = jitter(rng, pick(rng, [(200, 60, 120), (230, 220, 180), (60, 120, 180)]))
            cw = int(rng.uniform(3, 5))
            for cx0 in (wx - cw + 1, wx + ww - 1):
                cv.paint(irect(cx0, wy - 1, cw, wh + 3), ccol, "curtain", "curtain", mat="fabric",
                         pattern=stripes(cx0, 2, 0.9, 1))
    # painting on the back wall or a side wall
    if rng.random() < 0.75:
        pw, ph = int(rng.uniform(8, 13)), int(rng.uniform(6, 9))
        px = int(rng.uniform(2, 60 - pw) if rng.random() < 0.3 else rng.uniform(bx0 + 1, bx1 - pw - 1))
        py = int(rng.uniform(by0 + 1, by0 + 6))
        cv.paint(irect(px, py, pw, ph), jitter(rng, pick(rng, [(90, 60, 30), (200, 170, 60), (30, 30, 30)]), 0.03),
                 "painting", "painting", "frame", "wood")
        inner = irect(px + 1, py + 1, pw - 2, ph - 2)
        cv.paint(inner, jitter(rng, pick(rng, [(40, 160, 120), (200, 150, 60), (90, 110, 200), (200, 80, 70)]), 0.1),
                 "painting", "painting", "canvas", "painted", shade=1.0)
    # bed: headboard against the back wall, body in perspective towards the viewer
    hx0 = rng.uniform(max(0, bx0 - 8), 34)
    hw = rng.uniform(18, 27)
    hy = by1 - rng.uniform(9, 13)
    hcol = pick(rng, [(110, 60, 30), (70, 40, 20), (200, 200, 200), (60, 70, 110)])
    cv.paint(rect(hx0, hy, hx0 + hw, by1 + 2), jitter(rng, hcol), "headboard", "bed", "headboard",
             "fabric" if hcol[2] > 100 else "wood")
    near = rng.uniform(56, 66)
    spread = rng.uniform(3, 8)
    body = polygon([(hx0, by1 - 1), (hx0 + hw, by1 - 1), (hx0 + hw + spread, near), (hx0 - spread, near)])
    cv.paint(body, jitter(rng, pick(rng, [(60, 90, 200), (230, 230, 230), (200, 120, 60), (120, 170, 120)])),
             "bed", "bed", "blanket", "fabric", shade=0.4)
    pcol = jitter(rng, pick(rng, [(250, 250, 225), (235, 235, 245)]), 0.03)
    for k in range(int(rng.integers(1, 3))):
        pxc = hx0 + hw * (0.27 + 0.46 * k)
        cv.paint(ellipse(pxc, by1 + 0.5, hw * 0.19, 3.0), pcol, "pillow", "bed", "pillow", "fabric")
    # nightstand table with a lamp
    if rng.random() < 0.8:
        right = rng.random() < 0.5
        tw, th = int(rng.uniform(7, 10)), int(rng.uniform(7, 10))
        tx = int(hx0 + hw + spread * 0.3 + 1 if right else hx0 - tw - spread * 0.3 - 1)
        ty = int(by1 + rng.uniform(1, 4))
        tcol = jitter(rng, pick(rng, [(90, 50, 20), (160, 120, 70), (60, 60, 60)]))
        tmat = "metal" if tcol[0] < 0.3 and tcol[2] > 0.18 else "wood"
        cv.paint(irect(tx, ty, tw, 2), tcol, "table", "table", "top", tmat)
        cv.paint(irect(tx + 1, ty + 2, 1, th - 2) | irect(tx + tw - 2, ty + 2, 1, th - 2), tcol * 0.85,
                 "table", "table", "leg", tmat)
        if rng.random() < 0.85:
            lx = tx + tw // 2
            cv.paint(irect(lx - 1, ty - 4, 2, 4), jitter(rng, (70, 70, 75)), "lamp", "lamp", "stand", "metal")
            sw = int(rng.uniform(6, 9))
            cv.paint(polygon([(lx - sw / 2 + 1.5, ty - 10), (lx + sw / 2 - 1.5, ty - 10), (lx + sw / 2, ty - 4),
                              (lx - sw / 2, ty - 4)]),
                     jitter(rng, pick(rng, [(255, 210, 60), (250, 240, 220), (210, 90, 60)]), 0.03),
                     "lamp", "lamp", "shade", "fabric", shade=-0.6)
    # clutter (unlabeled in main): boxes on the floor
    for _ in range(int(rng.integers(0, 2))):
        cx, cy = rng.uniform(0, 64), rng.uniform(by1 + 6, 64)
        s = rng.uniform(2.5, 4)
        cv.paint(rect(cx - s, cy - s, cx + s, cy), jitter(rng, (160, 130, 90), 0.08), "unlabeled", "box",
                 mat="cardboard", shade=0.5)
    return cv.finish(rng.uniform(0.7, 1.05), 1 + rng.normal(0, 0.05, 3))


DATASETS = {
    "outdoor": (render_outdoor, (OUTDOOR_MAIN, OUTDOOR_OBJECT, OUTDOOR_PART, OUTDOOR_MATERIAL, COLOR)),
    "indoor": (render_indoor, (INDOOR_MAIN, INDOOR_OBJECT, INDOOR_PART, INDOOR_MATERIAL, COLOR)),
}

# how each group is computed on generated images
METHODS = {"main": "segmenter", "object": "segmenter", "part": "segmenter", "material": "segmenter",
           "color": "rule"}


def render(dataset, seed, index):
    """-> (uint8 RGB image [64,64,3], uint8 label maps [len(GROUPS),64,64])."""
    fn, _ = DATASETS[dataset]
    return fn(np.random.Generator(np.random.PCG64([seed, index])))


def render_many(dataset, seed, start, count):
    imgs = np.zeros((count, SIZE, SIZE, 3), np.uint8)
    labs = np.zeros((count, len(GROUPS), SIZE, SIZE), np.uint8)
    for k in range(count):
        imgs[k], labs[k] = render(dataset, seed, start + k)
    return imgs, labs


def groups(dataset):
    """[(group name, [(class name, category, colour)], method)] in label-map order."""
    return [(g, list(t), METHODS[g]) for g, t in zip(GROUPS, DATASETS[dataset][1])]


def classes(dataset):
    """The main group's classes: the same 12 (+ unlabeled) as scenes.classes(dataset)."""
    return list(DATASETS[dataset][1][0])


def pixel_shares(labs, dataset):
    """{group: {class: share of pixels}} over label maps [N, G, 64, 64]."""
    out = {}
    for gi, (g, table, _) in enumerate(groups(dataset)):
        counts = np.bincount(labs[:, gi].ravel(), minlength=len(table)).astype(np.float64)
        out[g] = {name: float(counts[i] / counts.sum()) for i, (name, _, _) in enumerate(table)}
    return out

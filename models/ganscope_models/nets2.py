"""Networks of model zoo v2.

Generator: z [B, ZDIM] -> fc to layer1 (C1 x 4 x 4) -> three blocks of nearest-neighbour 2x
upsample + 3x3 conv (layer2 8x8, layer3 16x16, layer4 32x32) -> one more upsample + conv
block at 64x64 -> 3x3 conv to RGB, tanh. Nearest upsampling followed by a convolution has
no uneven kernel overlap, so it leaves no checkerboard (transposed convs with stride 2 do).
Each block is conv -> BatchNorm -> ReLU [-> pixel norm, variant pixnorm]; the dissected
representation r_L of a layer is its block's output.

Discriminator: no normalisation (the R1 penalty keeps it smooth), LeakyReLU(0.2), strided
4x4 convs from 64x64 down to 4x4, an optional minibatch-stddev feature (variants mbstd and
pixnorm), then a linear head.

Segmenter: the v1 FPN with one 1x1 head per concept group learned by a segmenter (main,
object, part, material); the colour group is an exact rule on RGB and has no head.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import nets
from .nets import MinibatchStdDev, pixel_norm, _cbr

ZDIM = 64
VARIANTS = ("base", "mbstd", "pixnorm")
# (layer name, output size); widths are a parameter (default WIDTHS)
LAYER_SIZES = [("layer1", 4), ("layer2", 8), ("layer3", 16), ("layer4", 32)]
WIDTHS = (128, 128, 96, 64, 16)   # layer1..layer4, then the 64x64 block (thin: it is not dissected and costs most)


class Generator(nn.Module):
    def __init__(self, variant="base", widths=WIDTHS):
        super().__init__()
        if variant not in VARIANTS:
            raise ValueError("variant must be one of %s, got %r" % (VARIANTS, variant))
        self.pixnorm = variant == "pixnorm"
        self.widths = tuple(widths)
        c1 = widths[0]
        self.fc = nn.Linear(ZDIM, c1 * 16)
        self.norms = nn.ModuleList([nn.BatchNorm2d(c1)])
        self.convs = nn.ModuleList()
        for a, b in zip(widths[:-1], widths[1:]):
            self.convs.append(nn.Conv2d(a, b, 3, 1, 1))
            self.norms.append(nn.BatchNorm2d(b))
        self.to_rgb = nn.Conv2d(widths[-1], 3, 3, 1, 1)

    def _act(self, x):
        x = F.relu(x)
        return pixel_norm(x) if self.pixnorm else x

    def forward(self, z, return_layers=False):
        x = self.fc(z).view(z.shape[0], self.widths[0], 4, 4)
        x = self._act(self.norms[0](x))
        layers = [x]
        for conv, norm in zip(self.convs, self.norms[1:]):
            x = self._act(norm(conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))))
            layers.append(x)
        x = torch.tanh(self.to_rgb(x))
        return (x, layers[:len(LAYER_SIZES)]) if return_layers else x


class Discriminator(nn.Module):
    def __init__(self, variant="base", widths=(32, 64, 128, 256)):
        super().__init__()
        self.inp = nn.Conv2d(3, widths[0], 3, 1, 1)
        body = []
        chans = list(widths) + [widths[-1]]
        for a, b in zip(chans[:-1], chans[1:]):   # 64 -> 32 -> 16 -> 8 -> 4
            body += [nn.Conv2d(a, b, 4, 2, 1), nn.LeakyReLU(0.2)]
        self.body = nn.Sequential(*body)
        self.mbstd = MinibatchStdDev() if variant in ("mbstd", "pixnorm") else None
        c = widths[-1] + (1 if self.mbstd is not None else 0)
        self.out_conv = nn.Conv2d(c, widths[-1], 3, 1, 1)
        self.head = nn.Linear(widths[-1] * 16, 1)

    def forward(self, x):
        h = self.body(F.leaky_relu(self.inp(x), 0.2))
        if self.mbstd is not None:
            h = self.mbstd(h)
        h = F.leaky_relu(self.out_conv(h), 0.2)
        return self.head(h.flatten(1)).view(-1)


class Segmenter(nets.Segmenter):
    """x [B,3,64,64] in [-1,1] -> {group: logits [B,C_g,64,64]}: the v1 FPN trunk with one
    more 3x3 block at full resolution and one 1x1 classifier per group."""

    def __init__(self, head_sizes):
        super().__init__(1)
        del self.cls
        self.head_names = list(head_sizes)
        self.d1 = _cbr(32, 32)
        self.heads = nn.ModuleList([nn.Conv2d(32, n, 1) for n in head_sizes.values()])

    def forward(self, x):
        e1, e2, e3, e4 = self.encode(x)
        up = lambda t: F.interpolate(t, scale_factor=2.0, mode="bilinear", align_corners=False)
        d3 = self.d3(up(self.l3(e4)) + e3)
        d2 = self.d2(up(self.l2(d3)) + self.p2(e2))
        d1 = self.d1(F.relu(up(self.l1(d2)) + e1))
        return {n: h(d1) for n, h in zip(self.head_names, self.heads)}


# ------------------------------------------------------------------------------ export

class Fused(nn.Module):
    """The exported form of a trained Generator: BatchNorm folded into the weights (use a
    generator with recalibrated statistics), weights stored in float16 and cast to float32
    in the graph. Stage 0 is fc (-> layer1), stages 1..4 upsample + conv (-> layer2,
    layer3, layer4, the 64x64 block), stage 5 to_rgb + tanh."""

    def __init__(self, gen):
        super().__init__()
        gen = gen.eval()
        self.pixnorm, self.c1 = gen.pixnorm, gen.widths[0]
        self.n = len(gen.convs) + 2
        ws, bs = [], []
        for i, norm in enumerate(gen.norms):
            scale = (norm.weight / torch.sqrt(norm.running_var + norm.eps)).detach()
            shift = (norm.bias - norm.running_mean * scale).detach()
            if i == 0:
                ws.append(gen.fc.weight.detach() * scale.repeat_interleave(16)[:, None])
                bs.append(gen.fc.bias.detach() * scale.repeat_interleave(16) + shift.repeat_interleave(16))
            else:
                conv = gen.convs[i - 1]
                ws.append(conv.weight.detach() * scale[:, None, None, None])
                bs.append(conv.bias.detach() * scale + shift)
        ws.append(gen.to_rgb.weight.detach())
        bs.append(gen.to_rgb.bias.detach())
        for i, (w, b) in enumerate(zip(ws, bs)):
            self.register_buffer("w%d" % i, w.half().clone())
            self.register_buffer("b%d" % i, b.half().clone())


class FusedStages(nn.Module):
    """Stages [start, stop) of a Fused generator, holding only their weights."""

    def __init__(self, fused, start, stop):
        super().__init__()
        self.start, self.stop, self.last = start, stop, fused.n - 1
        self.pixnorm, self.c1 = fused.pixnorm, fused.c1
        for i in range(start, stop):
            self.register_buffer("w%d" % i, getattr(fused, "w%d" % i))
            self.register_buffer("b%d" % i, getattr(fused, "b%d" % i))

    def forward(self, x):
        for i in range(self.start, self.stop):
            w, b = getattr(self, "w%d" % i).float(), getattr(self, "b%d" % i).float()
            if i == 0:
                x = F.linear(x, w, b).view(x.shape[0], self.c1, 4, 4)
            elif i == self.last:
                x = torch.tanh(F.conv2d(x, w, b, padding=1))
                continue
            else:
                x = F.conv2d(F.interpolate(x, scale_factor=2.0, mode="nearest"), w, b, padding=1)
            x = F.relu(x)
            if self.pixnorm:
                x = pixel_norm(x)
        return x


class SegmenterProbs(nn.Module):
    """x -> one probability map per head, in head order."""

    def __init__(self, seg):
        super().__init__()
        self.seg = seg

    def forward(self, x):
        out = self.seg(x)
        return tuple(torch.softmax(out[n], dim=1) for n in self.seg.head_names)


class TailThenSegment(nn.Module):
    """f_L followed by the segmenter's main-group probabilities: r_L -> (x, s(x))."""

    def __init__(self, fused, start, seg):
        super().__init__()
        self.tail = FusedStages(fused, start, fused.n)
        self.seg = seg

    def forward(self, r):
        x = self.tail(r)
        return x, torch.softmax(self.seg(x)["main"], dim=1)

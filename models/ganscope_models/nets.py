"""Networks of the model zoo: a DCGAN-like generator with named dissectable layers,
a discriminator with an optional minibatch-stddev layer, and a small segmenter whose
encoder doubles as the feature network for Frechet-distance-style metrics."""
import torch
import torch.nn as nn
import torch.nn.functional as F

ZDIM = 64
# (layer name, output channels, output size); layer1 is the fc projection of z.
GEN_LAYERS = [("layer1", 128, 4), ("layer2", 128, 8), ("layer3", 128, 16), ("layer4", 64, 32)]


def pixel_norm(x, eps=1e-8):
    return x * torch.rsqrt(torch.mean(x * x, dim=1, keepdim=True) + eps)


class Generator(nn.Module):
    """z [B, ZDIM] -> x [B, 3, 64, 64] in [-1, 1].

    Each layer: (linear | transposed conv 4x4 stride 2) -> BatchNorm -> ReLU
    [-> pixel norm when pixnorm=True]. The layer's output (after the nonlinearity and
    the optional pixel norm) is the dissected representation r_L."""

    def __init__(self, pixnorm=False):
        super().__init__()
        self.pixnorm = pixnorm
        c1 = GEN_LAYERS[0][1]
        self.fc = nn.Linear(ZDIM, c1 * 16)
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList([nn.BatchNorm2d(c1)])
        prev = c1
        for _, ch, _ in GEN_LAYERS[1:]:
            self.convs.append(nn.ConvTranspose2d(prev, ch, 4, 2, 1))
            self.norms.append(nn.BatchNorm2d(ch))
            prev = ch
        self.to_rgb = nn.ConvTranspose2d(prev, 3, 4, 2, 1)

    def forward(self, z):
        x = self.fc(z).view(z.shape[0], GEN_LAYERS[0][1], 4, 4)
        x = self._act(self.norms[0](x))
        for conv, norm in zip(self.convs, self.norms[1:]):
            x = self._act(norm(conv(x)))
        return torch.tanh(self.to_rgb(x))

    def _act(self, x):
        x = F.relu(x)
        return pixel_norm(x) if self.pixnorm else x


class FusedGenerator(nn.Module):
    """The exported form of a trained Generator: BatchNorm folded into the weights,
    weights stored in float16 (half the bundle size) and cast to float32 in the graph.
    forward(x, start, stop) runs stages [start, stop): stage 0 is the fc layer,
    stages 1..3 the transposed convs, stage 4 to_rgb + tanh."""

    def __init__(self, gen: Generator):
        super().__init__()
        self.pixnorm = gen.pixnorm
        gen = gen.eval()
        ws, bs = [], []
        # fc + bn0
        bn = gen.norms[0]
        scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach()
        shift = (bn.bias - bn.running_mean * scale).detach()
        c1 = GEN_LAYERS[0][1]
        w = gen.fc.weight.detach() * scale.repeat_interleave(16)[:, None]
        b = gen.fc.bias.detach() * scale.repeat_interleave(16) + shift.repeat_interleave(16)
        ws.append(w)
        bs.append(b)
        for conv, bn in zip(gen.convs, gen.norms[1:]):
            scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach()
            shift = (bn.bias - bn.running_mean * scale).detach()
            ws.append(conv.weight.detach() * scale[None, :, None, None])
            bs.append(conv.bias.detach() * scale + shift)
        ws.append(gen.to_rgb.weight.detach())
        bs.append(gen.to_rgb.bias.detach())
        for i, (w, b) in enumerate(zip(ws, bs)):
            self.register_buffer("w%d" % i, w.half().clone())
            self.register_buffer("b%d" % i, b.half().clone())
        self.c1 = c1

    def run(self, x, start, stop):
        return Stages(self, start, stop)(x)


def _stage(i, x, w, b, c1, pixnorm):
    if i == 0:
        x = F.linear(x, w.float(), b.float()).view(x.shape[0], c1, 4, 4)
    else:
        x = F.conv_transpose2d(x, w.float(), b.float(), stride=2, padding=1)
    if i == len(GEN_LAYERS):
        return torch.tanh(x)
    x = F.relu(x)
    return pixel_norm(x) if pixnorm else x


class Stages(nn.Module):
    """Stages [start, stop) of a FusedGenerator as a module of its own, holding only
    those stages' weights (for ONNX / TorchScript export)."""

    def __init__(self, fused, start, stop):
        super().__init__()
        self.start, self.stop, self.c1, self.pixnorm = start, stop, fused.c1, fused.pixnorm
        for i in range(start, stop):
            self.register_buffer("w%d" % i, getattr(fused, "w%d" % i))
            self.register_buffer("b%d" % i, getattr(fused, "b%d" % i))

    def forward(self, x):
        for i in range(self.start, self.stop):
            x = _stage(i, x, getattr(self, "w%d" % i), getattr(self, "b%d" % i), self.c1, self.pixnorm)
        return x


class MinibatchStdDev(nn.Module):
    def __init__(self, group=4):
        super().__init__()
        self.group = group

    def forward(self, x):
        b, c, h, w = x.shape
        g = min(self.group, b)
        y = x.view(g, -1, c, h, w)
        y = torch.sqrt(y.var(dim=0, unbiased=False) + 1e-8).mean(dim=[1, 2, 3])  # [b/g]
        y = y.view(1, -1, 1, 1, 1).expand(g, -1, 1, h, w).reshape(b, 1, h, w)
        return torch.cat([x, y], dim=1)


class Discriminator(nn.Module):
    def __init__(self, mbstd=False):
        super().__init__()
        sn = nn.utils.spectral_norm
        chans = [3, 32, 64, 128, 256]
        layers = []
        for a, b in zip(chans[:-1], chans[1:]):
            layers += [sn(nn.Conv2d(a, b, 4, 2, 1)), nn.LeakyReLU(0.2)]
        self.body = nn.Sequential(*layers)
        self.mbstd = MinibatchStdDev() if mbstd else None
        self.head = sn(nn.Conv2d(256 + (1 if mbstd else 0), 1, 4, 1, 0))

    def forward(self, x):
        h = self.body(x)
        if self.mbstd is not None:
            h = self.mbstd(h)
        return self.head(h).view(-1)


def _cbr(a, b, stride=1):
    return nn.Sequential(nn.Conv2d(a, b, 3, stride, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU(inplace=True))


class Segmenter(nn.Module):
    """x [B,3,64,64] in [-1,1] -> logits [B,C,64,64]. FPN-like: strided encoder, top-down
    path with lateral 1x1 projections."""

    FEATURE_DIM = 128

    def __init__(self, num_classes):
        super().__init__()
        self.e1 = _cbr(3, 32)
        self.e2 = _cbr(32, 64, 2)
        self.e3 = _cbr(64, 96, 2)
        self.e4 = nn.Sequential(_cbr(96, 128, 2), _cbr(128, 128))
        self.l3 = nn.Conv2d(128, 96, 1)
        self.d3 = _cbr(96, 96)
        self.l2 = nn.Conv2d(96, 48, 1)
        self.p2 = nn.Conv2d(64, 48, 1)
        self.d2 = _cbr(48, 48)
        self.l1 = nn.Conv2d(48, 32, 1)
        self.cls = nn.Conv2d(32, num_classes, 1)

    def encode(self, x):
        e1 = self.e1(x)
        e2 = self.e2(e1)
        e3 = self.e3(e2)
        e4 = self.e4(e3)
        return e1, e2, e3, e4

    def forward(self, x):
        e1, e2, e3, e4 = self.encode(x)
        up = lambda t: F.interpolate(t, scale_factor=2.0, mode="bilinear", align_corners=False)
        d3 = self.d3(up(self.l3(e4)) + e3)
        d2 = self.d2(up(self.l2(d3)) + self.p2(e2))
        d1 = F.relu(up(self.l1(d2)) + e1)
        return self.cls(d1)


class SegmenterProbs(nn.Module):
    def __init__(self, seg):
        super().__init__()
        self.seg = seg

    def forward(self, x):
        return torch.softmax(self.seg(x), dim=1)


class FeatureNet(nn.Module):
    """The segmenter's encoder, global-average-pooled: x -> [B, 128]."""

    def __init__(self, seg):
        super().__init__()
        self.seg = seg

    def forward(self, x):
        return self.seg.encode(x)[3].mean(dim=[2, 3])


class TailThenSegment(nn.Module):
    """f_L followed by the segmenter's probabilities: r_L -> (x, s(x)). For gradients."""

    def __init__(self, fused, start, seg):
        super().__init__()
        self.tail = Stages(fused, start, len(GEN_LAYERS) + 1)
        self.seg = SegmenterProbs(seg)

    def forward(self, r):
        x = self.tail(r)
        return x, self.seg(x)

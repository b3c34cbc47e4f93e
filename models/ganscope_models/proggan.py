"""Progressive-GAN generator (Karras et al. 2018) in the layout GAN Dissection uses.

This is an independent implementation of the generator that CSAILVision/gandissect
ships for its pretrained LSUN models (netdissect/proggan.py, ProgressiveGenerator).
Module and parameter names match that code so its state_dict checkpoints load here with
strict=True:

  layer1            z [B,512] seen as [B,512,1,1] -> conv 4x4, padding 3 -> [B,512,4,4]
  layer2            conv 3x3 at 4x4
  layer3, layer4    nearest 2x upsample + conv 3x3, conv 3x3 at 8x8   (512 channels)
  layer5, layer6    16x16 (512)     layer7, layer8   32x32 (256)
  layer9, layer10   64x64 (128)     layer11, layer12 128x128 (64)
  layer13, layer14  256x256 (32)
  output_256x256    1x1 conv to RGB (no activation; optionally clamped to [-1, 1])

Every block is: pixel norm -> [upsample] -> conv (no bias) -> equalized-lr scale
("WScaleLayer": multiply by gain / sqrt(fan_in), add bias b) -> LeakyReLU(0.2).
Note gandissect's fan_in is the number of input channels and the gain is
sqrt(2) / kernel_size, i.e. gain / sqrt(fan_in) = sqrt(2 / (in_channels * k * k)).
Parameters per block: <name>.conv.weight [out, in, k, k] and <name>.wscale.b [out].

The 256x256 model has 18.3M parameters and costs ~8.8 GMAC (~17.6 GFLOP) per image.
"""
import itertools
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

# channel depth at each resolution, starting with the input z: [zdim, 4x4, 8x8, ...]
SIZES = {
    8: [512, 512, 512],
    16: [512, 512, 512, 512],
    32: [512, 512, 512, 512, 256],
    64: [512, 512, 512, 512, 256, 128],
    128: [512, 512, 512, 512, 256, 128, 64],
    256: [512, 512, 512, 512, 256, 128, 64, 32],
    1024: [512, 512, 512, 512, 512, 256, 128, 64, 32, 16],
}


class PixelNorm(nn.Module):
    """Normalise each pixel's feature vector to unit root-mean-square."""

    def forward(self, x):
        return x / torch.sqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


class Upsample2x(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2.0, mode="nearest")


class WScale(nn.Module):
    """Equalized learning rate: a constant runtime scale on the conv output plus a
    per-channel bias. The scale is not a parameter (not in the state_dict)."""

    def __init__(self, channels, fan_in, gain):
        super().__init__()
        self.scale = float(gain / math.sqrt(fan_in))
        self.b = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return x * self.scale + self.b.view(1, -1, 1, 1)


class ConvBlock(nn.Module):
    """pixel norm -> [nearest 2x upsample] -> conv -> wscale -> LeakyReLU(0.2)."""

    def __init__(self, cin, cout, kernel_size, padding, upsample=False):
        super().__init__()
        self.norm = PixelNorm()
        self.up = Upsample2x() if upsample else None
        self.conv = nn.Conv2d(cin, cout, kernel_size, 1, padding, bias=False)
        self.wscale = WScale(cout, cin, gain=math.sqrt(2) / kernel_size)
        self.relu = nn.LeakyReLU(negative_slope=0.2)

    def forward(self, x):
        x = self.norm(x)
        if self.up is not None:
            x = self.up(x)
        return self.relu(self.wscale(self.conv(x)))


class ToRGB(nn.Module):
    """pixel norm -> 1x1 conv to 3 channels -> wscale (gain 1) -> [clamp to [-1, 1]]."""

    def __init__(self, cin, clamp=False):
        super().__init__()
        self.norm = PixelNorm()
        self.conv = nn.Conv2d(cin, 3, 1, 1, 0, bias=False)
        self.wscale = WScale(3, cin, gain=1.0)
        self.clamp = clamp

    def forward(self, x):
        x = self.wscale(self.conv(self.norm(x)))
        return torch.clamp(x, -1.0, 1.0) if self.clamp else x


class ProGAN(nn.Sequential):
    """z [B, zdim] -> x [B, 3, S, S]. Children are named layer1..layerN, output_SxS.

    sizes: channel depths [zdim, 4x4, 8x8, ...] (default: the 256x256 LSUN layout).
    clamp_output: clamp the RGB output to [-1, 1] (gandissect's output_tanh=True,
    a Hardtanh); gandissect's default leaves it unclamped."""

    def __init__(self, resolution=256, sizes=None, clamp_output=False):
        sizes = list(sizes) if sizes is not None else SIZES[resolution]
        blocks = [ConvBlock(sizes[0], sizes[1], 4, 3), ConvBlock(sizes[1], sizes[1], 3, 1)]
        for cin, cout in zip(sizes[1:-1], sizes[2:]):
            blocks += [ConvBlock(cin, cout, 3, 1, upsample=True), ConvBlock(cout, cout, 3, 1)]
        res = 4 * 2 ** (len(sizes) - 2)
        named = [("layer%d" % (i + 1), b) for i, b in enumerate(blocks)]
        named.append(("output_%dx%d" % (res, res), ToRGB(sizes[-1], clamp_output)))
        super().__init__(OrderedDict(named))
        self.sizes = sizes
        self.resolution = res
        self.zdim = sizes[0]

    @property
    def layer_names(self):
        return [n for n, _ in self.named_children() if n.startswith("layer")]

    def layer_shape(self, name):
        """(channels, height, width) of a layer's output."""
        i = self.layer_names.index(name)  # 0-based block index
        return self.sizes[1 + i // 2], 4 * 2 ** (i // 2), 4 * 2 ** (i // 2)

    def forward(self, z):
        return super().forward(z[:, :, None, None])


class Head(nn.Module):
    """h_L: z [B, zdim] -> r_L, the output of layer L (shares the generator's weights)."""

    def __init__(self, gen, layer):
        super().__init__()
        names = [n for n, _ in gen.named_children()]
        stop = names.index(layer) + 1
        self.blocks = nn.Sequential(OrderedDict((n, getattr(gen, n)) for n in names[:stop]))

    def forward(self, z):
        return self.blocks(z[:, :, None, None])


class Tail(nn.Module):
    """f_L: r_L -> x [B, 3, S, S], the remaining layers and the RGB output."""

    def __init__(self, gen, layer):
        super().__init__()
        names = [n for n, _ in gen.named_children()]
        start = names.index(layer) + 1
        self.blocks = nn.Sequential(OrderedDict((n, getattr(gen, n)) for n in names[start:]))

    def forward(self, r):
        return self.blocks(r)


def init_random(gen, seed):
    """Seeded random weights in the equalized-lr convention: conv weights N(0, 1)
    (the runtime scale makes them He-initialised), biases 0. Independent of the
    global torch RNG."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in gen.named_parameters():
            if name.endswith(".conv.weight"):
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                p.zero_()
    return gen


def sizes_from_state_dict(sd):
    """Channel depths [zdim, 4x4, 8x8, ...] read from layerN.conv.weight shapes."""
    sizes = []
    for i in itertools.count():
        w = sd.get("layer%d.conv.weight" % (i + 1))
        if w is None:
            break
        if i == 0:
            sizes.append(w.shape[1])
        if i % 2 == 0:
            sizes.append(w.shape[0])
    if len(sizes) < 3:
        raise ValueError("not a ProGAN generator state_dict (no layerN.conv.weight entries)")
    return sizes


def _rename_old(sd):
    """Older gandissect checkpoints name blocks features.<i> and the RGB layer output."""
    out = OrderedDict()
    for k, v in sd.items():
        if k.startswith("features."):
            i, rest = k[len("features."):].split(".", 1)
            out["layer%d.%s" % (int(i) + 1, rest)] = v
        else:
            out[k] = v
    n = len({k.split(".")[0] for k in out if k.startswith("layer")})
    res = 4 * 2 ** (n // 2 - 1)
    for k in list(out):
        if k.startswith("output."):
            out["output_%dx%d.%s" % (res, res, k[len("output."):])] = out.pop(k)
    return out


def load_state_dict_file(path):
    """A plain (gandissect-style) state_dict from a .pth file, in current names."""
    sd = torch.load(path, map_location="cpu")
    if isinstance(sd, dict) and "state_dict" in sd:
        sd = sd["state_dict"]
    if "features.0.conv.weight" in sd:
        sd = _rename_old(sd)
    return sd


def from_state_dict(sd, clamp_output=False):
    gen = ProGAN(sizes=sizes_from_state_dict(sd), clamp_output=clamp_output)
    gen.load_state_dict(sd, strict=True)
    return gen.eval()


def from_pth_file(path, clamp_output=False):
    return from_state_dict(load_state_dict_file(path), clamp_output)


def macs(gen):
    """Multiply-accumulates per image, convolutions only. layer1 is counted as the dense
    layer it is (zdim x 512 x 16; the padded 4x4 conv on a 1x1 input only ever touches
    one input pixel per output pixel)."""
    total = 0
    for i, name in enumerate(gen.layer_names):
        conv = getattr(gen, name).conv
        c, h, w = gen.layer_shape(name)
        k = conv.kernel_size[0] * conv.kernel_size[1]
        total += conv.in_channels * c * 16 if i == 0 else h * w * c * conv.in_channels * k
    return total + gen.resolution ** 2 * 3 * gen.sizes[-1]


if __name__ == "__main__":
    torch.set_num_threads(1)
    g = ProGAN()
    n = sum(p.numel() for p in g.parameters())
    print("ProGAN-%d: %.3fM parameters, %.2f GMAC = %.2f GFLOP per image" % (
        g.resolution, n / 1e6, macs(g) / 1e9, 2 * macs(g) / 1e9))
    for name in g.layer_names:
        print(name, g.layer_shape(name))

"""StyleGAN2 (config F) generator, our own implementation of the architecture with the
module and parameter names of NVIDIA's official PyTorch code (NVlabs/stylegan2-ada-pytorch,
training/networks.py), so a state_dict of its ``G`` / ``G_ema`` loads with ``strict=True``:

    mapping.fc{0..7}.weight / .bias, mapping.w_avg
    synthesis.b4.const
    synthesis.b{R}.conv0 (R > 4; 2x upsampling) and .conv1:
        .weight .bias .noise_strength .noise_const .resample_filter .affine.weight .affine.bias
    synthesis.b{R}.torgb.weight / .bias / .affine.weight / .affine.bias
    synthesis.b{R}.resample_filter

The layers a dissection can split at are named by resolution, as the modules are:
``synthesis.b8.conv0`` (the first 8x8 layer), ``synthesis.b8.conv1``, ... (see layer_names()).

Differences from the official code, none of which changes the function for float32
eval-mode inference: no custom CUDA ops (upfirdn2d and bias_act are written with plain
torch ops so the graphs export to ONNX), no fp16, no class conditioning (c_dim = 0), the
'skip' synthesis architecture of config F only, no training-time w_avg update.

Noise: besides the official modes 'const' (the checkpoint's noise_const buffers) and
'none', mode 'z' draws each layer's noise map from the sample's own latent z through a
fixed integer hash (z_noise below), so an image is a pure function of z and so of
(seed, index): h and f graphs that both see z agree on the noise exactly. The official
'random' mode (torch.randn per call) is deliberately absent: it makes images unrepeatable.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SQRT2 = math.sqrt(2.0)
NOISE_MODES = ("z", "const", "none")

# integer hash for z-derived noise: everything stays in [0, P) with P < 2^31, so every
# product fits in int64 and torch and ONNX Runtime compute the same integers
_P = 2147483647          # 2^31 - 1, prime
_Z_TAPS = 16             # latent entries that seed the hash
_Z_SCALE = 65536.0       # z quantisation: 2^-16
_Z_CLIP = 1000.0


def _mix(x):
    """Three rounds of squaring mod P plus a round constant: x in [0, P) -> [0, P)."""
    for k in (1013904223, 1664525, 22695477):
        x = torch.remainder(x * x + k, _P)
    return x


def z_noise(z, layer_id, res):
    """Standard-normal noise [B, 1, res, res], a deterministic function of z's float32
    values (its first 16 entries, quantised to 2^-16), the layer id and the pixel."""
    b = z.shape[0]
    q = torch.floor(torch.clamp(z[:, :_Z_TAPS], -_Z_CLIP, _Z_CLIP) * _Z_SCALE).to(torch.int64) + int(_Z_CLIP * _Z_SCALE)
    s = torch.zeros_like(q[:, 0])
    for k in range(min(_Z_TAPS, z.shape[1])):
        s = torch.remainder(s * 69069 + q[:, k], _P)
    s = _mix(torch.remainder(s + 7919 * (layer_id + 1), _P))
    pix = torch.arange(res * res, dtype=torch.int64).view(1, -1)
    a = _mix(torch.remainder(s.view(b, 1) + pix * 40503, _P))
    c = _mix(torch.remainder(a + 2654435761 % _P, _P))
    u1 = (a.to(torch.float32) + 0.5) / _P
    u2 = (c.to(torch.float32) + 0.5) / _P
    n = torch.sqrt(-2.0 * torch.log(u1)) * torch.cos(2.0 * math.pi * u2)
    return n.view(b, 1, res, res)


def setup_filter(taps):
    f = torch.tensor(taps, dtype=torch.float32)
    f = torch.outer(f, f)
    return f / f.sum()


def upfirdn_up2(x, f, pad0, pad1, gain):
    """Zero-insertion 2x upsampling, padding (pad0 before, pad1 after, both axes) and a
    depthwise FIR filter f scaled by gain: upfirdn2d(up=2) of the official code."""
    b, c, h, w = x.shape[0], int(x.shape[1]), int(x.shape[2]), int(x.shape[3])
    x = x.reshape(b, c, h, 1, w, 1)
    x = F.pad(x, [0, 1, 0, 0, 0, 1])
    x = x.reshape(b, c, h * 2, w * 2)
    return fir(x, f, pad0, pad1, gain)


def fir(x, f, pad0, pad1, gain):
    c = int(x.shape[1])  # channel counts are static: the kernel shape must be known to export
    x = F.pad(x, [pad0, pad1, pad0, pad1])
    k = (f * gain).flip([0, 1]).view(1, 1, f.shape[0], f.shape[1]).expand(c, 1, f.shape[0], f.shape[1])
    return F.conv2d(x, k, groups=c)


def lrelu_gain(x, gain, clamp):
    x = F.leaky_relu(x, 0.2) * gain
    return x if clamp is None else torch.clamp(x, -clamp, clamp)


class FullyConnectedLayer(nn.Module):
    """Equalized-lr dense layer: y = act(x @ (weight * lr / sqrt(in)).T + bias * lr)."""

    def __init__(self, in_features, out_features, activation="linear", lr_multiplier=1.0, bias_init=0.0):
        super().__init__()
        self.activation = activation
        self.weight = nn.Parameter(torch.randn(out_features, in_features) / lr_multiplier)
        self.bias = nn.Parameter(torch.full([out_features], float(bias_init)))
        self.weight_gain = lr_multiplier / math.sqrt(in_features)
        self.bias_gain = lr_multiplier

    def forward(self, x):
        x = x.matmul((self.weight * self.weight_gain).t()) + self.bias * self.bias_gain
        if self.activation == "lrelu":
            x = F.leaky_relu(x, 0.2) * SQRT2
        return x


class MappingNetwork(nn.Module):
    def __init__(self, z_dim, w_dim, num_ws, num_layers=8, lr_multiplier=0.01):
        super().__init__()
        self.z_dim, self.w_dim, self.num_ws, self.num_layers = z_dim, w_dim, num_ws, num_layers
        dims = [z_dim] + [w_dim] * num_layers
        for i in range(num_layers):
            setattr(self, "fc%d" % i, FullyConnectedLayer(dims[i], dims[i + 1], "lrelu", lr_multiplier))
        self.register_buffer("w_avg", torch.zeros([w_dim]))

    def forward(self, z, truncation_psi=1.0, truncation_cutoff=None):
        x = z * torch.rsqrt(z.square().mean(dim=1, keepdim=True) + 1e-8)
        for i in range(self.num_layers):
            x = getattr(self, "fc%d" % i)(x)
        x = x.unsqueeze(1).repeat(1, self.num_ws, 1)
        if truncation_psi != 1:
            t = self.w_avg + (x - self.w_avg) * truncation_psi
            if truncation_cutoff is None:
                x = t
            else:
                x = torch.cat([t[:, :truncation_cutoff], x[:, truncation_cutoff:]], dim=1)
        return x


def modulated_conv(x, weight, styles, demodulate, up, padding, f):
    """Modulated (and demodulated) convolution, written as the official non-fused path
    (fused_modconv=False): scale the input channels by the styles, convolve with the shared
    weight, scale the output channels by the demodulation coefficients. The same function
    as the fused grouped convolution, and exportable with a dynamic batch axis (grouped
    convs need the batch size as a constant). up=2 is the official transposed conv with
    stride 2 followed by the [1,3,3,1] FIR filter."""
    b = x.shape[0]
    cout, cin, kh, kw = weight.shape
    x = x * styles.reshape(b, cin, 1, 1)
    if up == 1:
        x = F.conv2d(x, weight, padding=padding)
    else:
        x = F.conv_transpose2d(x, weight.transpose(0, 1), stride=2)
        fw = f.shape[0]
        p0 = padding + (fw + 1) // 2 - (kw - 1)
        p1 = padding + (fw - 2) // 2 - (kw - 2)
        x = fir(x, f, p0, p1, 4.0)
    if demodulate:
        # dcoefs[b, o] = 1 / sqrt(sum_{i,k} (weight[o, i, k] * styles[b, i])^2 + 1e-8)
        d = torch.rsqrt(styles.square().matmul(weight.square().sum(dim=[2, 3]).t()) + 1e-8)
        x = x * d.reshape(b, cout, 1, 1)
    return x


class SynthesisLayer(nn.Module):
    def __init__(self, in_channels, out_channels, w_dim, resolution, up=1, conv_clamp=None, kernel_size=3):
        super().__init__()
        self.resolution, self.up, self.conv_clamp = resolution, up, conv_clamp
        self.padding = kernel_size // 2
        self.register_buffer("resample_filter", setup_filter([1, 3, 3, 1]))
        self.affine = FullyConnectedLayer(w_dim, in_channels, bias_init=1)
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size, kernel_size))
        self.register_buffer("noise_const", torch.randn([resolution, resolution]))
        self.noise_strength = nn.Parameter(torch.zeros([]))
        self.bias = nn.Parameter(torch.zeros([out_channels]))
        self.layer_id = 0          # set by the synthesis network: seeds this layer's z-noise
        self.noise_mode = "z"

    def forward(self, x, w, z):
        styles = self.affine(w)
        x = modulated_conv(x, self.weight, styles, True, self.up, self.padding, self.resample_filter)
        if self.noise_mode == "z":
            x = x + z_noise(z, self.layer_id, self.resolution) * self.noise_strength
        elif self.noise_mode == "const":
            x = x + self.noise_const * self.noise_strength
        return lrelu_gain(x + self.bias.view(1, -1, 1, 1), SQRT2, self.conv_clamp)


class ToRGBLayer(nn.Module):
    def __init__(self, in_channels, out_channels, w_dim, conv_clamp=None):
        super().__init__()
        self.conv_clamp = conv_clamp
        self.affine = FullyConnectedLayer(w_dim, in_channels, bias_init=1)
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, 1, 1))
        self.bias = nn.Parameter(torch.zeros([out_channels]))
        self.weight_gain = 1 / math.sqrt(in_channels)

    def forward(self, x, w):
        styles = self.affine(w) * self.weight_gain
        x = modulated_conv(x, self.weight, styles, False, 1, 0, None) + self.bias.view(1, -1, 1, 1)
        return x if self.conv_clamp is None else torch.clamp(x, -self.conv_clamp, self.conv_clamp)


class SynthesisBlock(nn.Module):
    """One resolution of the 'skip' architecture: [conv0 (2x up)], conv1, torgb added to
    the upsampled image of the block below."""

    def __init__(self, in_channels, out_channels, w_dim, resolution, img_channels, conv_clamp=None):
        super().__init__()
        self.in_channels, self.resolution = in_channels, resolution
        self.register_buffer("resample_filter", setup_filter([1, 3, 3, 1]))
        self.num_conv, self.num_torgb = 0, 1
        if in_channels == 0:
            self.const = nn.Parameter(torch.randn(out_channels, resolution, resolution))
        else:
            self.conv0 = SynthesisLayer(in_channels, out_channels, w_dim, resolution, up=2, conv_clamp=conv_clamp)
            self.num_conv += 1
        self.conv1 = SynthesisLayer(out_channels, out_channels, w_dim, resolution, conv_clamp=conv_clamp)
        self.num_conv += 1
        self.torgb = ToRGBLayer(out_channels, img_channels, w_dim, conv_clamp=conv_clamp)

    def forward(self, x, img, ws, z):
        w = ws.unbind(dim=1)
        if self.in_channels == 0:
            x = self.const.unsqueeze(0).repeat(ws.shape[0], 1, 1, 1)
            x = self.conv1(x, w[0], z)
        else:
            x = self.conv0(x, w[0], z)
            x = self.conv1(x, w[1], z)
        if img is not None:
            img = upfirdn_up2(img, self.resample_filter, 2, 1, 4.0)
        y = self.torgb(x, w[self.num_conv])
        img = y if img is None else img + y
        return x, img


class SynthesisNetwork(nn.Module):
    def __init__(self, w_dim, img_resolution, img_channels=3, channel_base=32768, channel_max=512, conv_clamp=None):
        super().__init__()
        log2 = int(round(math.log2(img_resolution)))
        if img_resolution < 4 or 2 ** log2 != img_resolution:
            raise ValueError("img_resolution must be a power of two >= 4, got %r" % img_resolution)
        self.w_dim, self.img_resolution = w_dim, img_resolution
        self.block_resolutions = [2 ** i for i in range(2, log2 + 1)]
        ch = {r: min(channel_base // r, channel_max) for r in self.block_resolutions}
        self.channels = ch
        self.num_ws = 0
        layer_id = 0
        for r in self.block_resolutions:
            block = SynthesisBlock(ch[r // 2] if r > 4 else 0, ch[r], w_dim, r, img_channels, conv_clamp)
            for conv in ("conv0", "conv1"):
                if hasattr(block, conv):
                    getattr(block, conv).layer_id = layer_id
                    layer_id += 1
            self.num_ws += block.num_conv
            setattr(self, "b%d" % r, block)
        self.num_ws += 1  # the last torgb

    def forward(self, ws, z):
        x = img = None
        i = 0
        for r in self.block_resolutions:
            block = getattr(self, "b%d" % r)
            x, img = block(x, img, ws.narrow(1, i, block.num_conv + block.num_torgb), z)
            i += block.num_conv
        return img


class Generator(nn.Module):
    """z [B, z_dim] -> image [B, 3, R, R] (unclamped, about [-1, 1] for a trained model).

    Config F at 1024: z_dim = w_dim = 512, 8 mapping layers, channel_base 32768,
    channel_max 512. For tests use e.g. Generator(32, 32, 64, channel_base=256,
    channel_max=32, mapping_layers=2)."""

    def __init__(self, z_dim=512, w_dim=512, img_resolution=1024, img_channels=3, channel_base=32768,
                 channel_max=512, mapping_layers=8, conv_clamp=None, truncation_psi=1.0, truncation_cutoff=None,
                 noise_mode="z"):
        super().__init__()
        if z_dim < 1:
            raise ValueError("z_dim must be positive")
        self.z_dim, self.w_dim, self.img_resolution, self.img_channels = z_dim, w_dim, img_resolution, img_channels
        self.synthesis = SynthesisNetwork(w_dim, img_resolution, img_channels, channel_base, channel_max, conv_clamp)
        self.num_ws = self.synthesis.num_ws
        self.mapping = MappingNetwork(z_dim, w_dim, self.num_ws, mapping_layers)
        self.truncation_psi, self.truncation_cutoff = truncation_psi, truncation_cutoff
        self.config = dict(z_dim=z_dim, w_dim=w_dim, img_resolution=img_resolution, img_channels=img_channels,
                           channel_base=channel_base, channel_max=channel_max, mapping_layers=mapping_layers,
                           conv_clamp=conv_clamp)
        self.set_noise_mode(noise_mode)

    def set_noise_mode(self, mode):
        if mode not in NOISE_MODES:
            raise ValueError("noise_mode must be one of %s, got %r" % (NOISE_MODES, mode))
        self.noise_mode = mode
        for m in self.modules():
            if isinstance(m, SynthesisLayer):
                m.noise_mode = mode
        return self

    def forward(self, z):
        ws = self.mapping(z, self.truncation_psi, self.truncation_cutoff)
        return self.synthesis(ws, z)

    def layer_names(self):
        """Dissectable layers in forward order, named by resolution: synthesis.b4.conv1,
        synthesis.b8.conv0, synthesis.b8.conv1, ..."""
        out = []
        for r in self.synthesis.block_resolutions:
            for conv in ("conv0", "conv1"):
                if hasattr(getattr(self.synthesis, "b%d" % r), conv):
                    out.append("synthesis.b%d.%s" % (r, conv))
        return out


def init_random(gen, seed):
    """Seeded weights in the official initialisation (parameters N(0, 1) under the
    equalized-lr scaling, affine biases 1, other biases 0), noise strengths 0.1 so the
    noise path is exercised (the official init is 0), and the RGB layers scaled so images
    have pixel std 0.5."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in gen.named_parameters():
            if name.endswith("noise_strength"):
                p.fill_(0.1)
            elif name.endswith("affine.bias"):
                p.fill_(1.0)
            elif name.endswith(".bias"):
                p.zero_()
            else:
                p.copy_(torch.randn(p.shape, generator=g) / (0.01 if name.startswith("mapping.") else 1.0))
        for name, b in gen.named_buffers():
            if name.endswith("noise_const"):
                b.copy_(torch.randn(b.shape, generator=g))
        # random weights give images far outside [-1, 1]: scale every torgb (the image is
        # their sum, linear in each torgb's weight and bias) so the pixel std over 8
        # samples is 0.5, as the perf bundle's calibrate_output does for ProGAN
        x = gen(torch.randn(8, gen.z_dim, generator=g))
        k = 0.5 / float(x.std())
        for m in gen.modules():
            if isinstance(m, ToRGBLayer):
                m.weight.mul_(k)
                m.bias.mul_(k)
    return gen


def config_from_state_dict(sd):
    """Generator(...) keyword arguments read off an official-layout state dict."""
    keys = [k for k in sd if k.startswith("synthesis.b") and k.endswith(".torgb.bias")]
    if not keys:
        raise ValueError("not a StyleGAN2 generator state_dict: no 'synthesis.b<R>.torgb.bias' keys "
                         "(expected NVlabs stylegan2-ada-pytorch parameter names)")
    res = sorted(int(k.split(".")[1][1:]) for k in keys)
    mapping_layers = len([k for k in sd if k.startswith("mapping.fc") and k.endswith(".weight")])
    ch = {r: sd["synthesis.b%d.conv1.weight" % r].shape[0] for r in res}
    # recover channel_base / channel_max: ch[r] = min(base // r, max)
    cmax = max(ch.values())
    base = max(r * c for r, c in ch.items() if c < cmax) if any(c < cmax for c in ch.values()) else cmax * res[-1]
    cfg = dict(z_dim=sd["mapping.fc0.weight"].shape[1], w_dim=sd["mapping.w_avg"].shape[0], img_resolution=res[-1],
               img_channels=sd["synthesis.b%d.torgb.bias" % res[-1]].shape[0], channel_base=base, channel_max=cmax,
               mapping_layers=mapping_layers)
    got = {r: min(base // r, cmax) for r in res}
    if got != ch:
        raise ValueError("channel counts %s do not follow min(channel_base // res, channel_max)" % ch)
    return cfg


def load_state_dict_file(path):
    """A state dict from a .pt/.pth file: the plain dict, or {'G_ema'|'state_dict'|'g_ema': ...}."""
    obj = torch.load(path, map_location="cpu")
    if isinstance(obj, nn.Module):
        obj = obj.state_dict()
    for k in ("G_ema", "g_ema", "state_dict", "G"):
        if isinstance(obj, dict) and k in obj and isinstance(obj[k], (dict, nn.Module)):
            obj = obj[k].state_dict() if isinstance(obj[k], nn.Module) else obj[k]
            break
    if not isinstance(obj, dict):
        raise ValueError("%s does not hold a state dict" % path)
    return obj


def from_state_dict(sd, **kwargs):
    """A Generator built to the sizes of sd and loaded from it with strict=True."""
    gen = Generator(**{**config_from_state_dict(sd), **kwargs})
    gen.load_state_dict(sd, strict=True)
    return gen.eval()


def make(checkpoint=None, seed=0, truncation_psi=1.0, truncation_cutoff=None, noise_mode="z", **config):
    """Factory for the byog exporter: from an official-layout checkpoint, or seeded random
    weights with the given config."""
    if checkpoint:
        return from_state_dict(load_state_dict_file(checkpoint), truncation_psi=truncation_psi,
                               truncation_cutoff=truncation_cutoff, noise_mode=noise_mode)
    return init_random(Generator(truncation_psi=truncation_psi, truncation_cutoff=truncation_cutoff,
                                 noise_mode=noise_mode, **config), seed).eval()


def n_params(gen):
    return int(sum(np.prod(p.shape) for p in gen.parameters()))

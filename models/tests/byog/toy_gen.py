"""A toy PyTorch generator standing in for "the user's code": the byog exporter must split it
at its submodules without any edit here."""
import torch
import torch.nn as nn


class ToyGenerator(nn.Module):
    def __init__(self, zdim=16, width=16, size=32):
        super().__init__()
        self.zdim, self.width = zdim, width
        self.fc = nn.Linear(zdim, width * 4 * 4)
        blocks = []
        s = 4
        while s < size:
            blocks.append(nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(width, width, 3, padding=1), nn.ReLU()))
            s *= 2
        self.blocks = nn.ModuleList(blocks)
        self.to_rgb = nn.Conv2d(width, 3, 1)

    def forward(self, z):
        x = torch.relu(self.fc(z)).view(-1, self.width, 4, 4)
        for b in self.blocks:
            x = b(x)
        return torch.tanh(self.to_rgb(x))


def make(zdim=16, width=16, size=32, seed=0):
    torch.manual_seed(seed)
    return ToyGenerator(zdim, width, size)


class NoisyGenerator(ToyGenerator):
    """Draws fresh noise in every forward: images are not a function of z."""

    def forward(self, z):
        return super().forward(z + 0.1 * torch.randn_like(z))


def make_noisy(zdim=16):
    torch.manual_seed(0)
    return NoisyGenerator(zdim)

#!/usr/bin/python3
"""PyTorch peer of `score-sde bench`: the project's default Fashion-MNIST score network
(nn/ScoreNetworkBuilder with ScoreNetworkConfig.defaultFor(1, 28, 28)), its loss and batch, in
float32, timed the same way as the Java harness (warm-up runs, then repeats until the count or the
time budget is reached; medians with min and max). Prints one JSON document on stdout.

Not a dependency of the product: the harness runs it as a child process when /usr/bin/python3 has
torch, and reports its figures beside the project's own.
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The default 28x28x1 network: base 16 channels, multipliers [1, 2, 2], one residual block per level,
# Fourier time features of size 2 * base, time MLP width 4 * base, group norm (at most 32 groups).
BASE, MULTS, BLOCKS = 16, (1, 2, 2), 1
TIME_FEATURES, TIME_HIDDEN, FOURIER_SCALE, MAX_GROUPS = 32, 64, 16.0, 32
NORM_EPS = 1e-5
BETA_MIN, BETA_MAX = 0.1, 20.0


def groups_for(channels):
    """The largest divisor of channels not above min(32, channels / 4), at least 1 (as groupsFor)."""
    target = max(1, min(MAX_GROUPS, channels // 4))
    for g in range(target, 1, -1):
        if channels % g == 0:
            return g
    return 1


class NormSwish(nn.Module):
    """Group norm without affine parameters, then Swish (GroupNormActivation)."""

    def __init__(self, channels):
        super().__init__()
        self.groups = groups_for(channels)

    def forward(self, x):
        y = F.group_norm(x, self.groups, eps=NORM_EPS)
        return y * torch.sigmoid(y)


class ResBlock(nn.Module):
    """norm+Swish, 3x3 conv, + dense(time), norm+Swish, 3x3 conv, + (1x1) skip, times 1/sqrt 2."""

    def __init__(self, cin, cout):
        super().__init__()
        self.act0 = NormSwish(cin)
        self.conv0 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(TIME_HIDDEN, cout)
        self.act1 = NormSwish(cout)
        self.conv1 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, tvec):
        h = self.conv0(self.act0(x)) + self.time(tvec)[:, :, None, None]
        h = self.conv1(self.act1(h))
        s = self.skip(x) if self.skip is not None else x
        return (s + h) * (1.0 / math.sqrt(2.0))


class ScoreNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.time_dense0 = nn.Linear(TIME_FEATURES, TIME_HIDDEN)
        self.time_dense1 = nn.Linear(TIME_HIDDEN, TIME_HIDDEN)
        ch = BASE * MULTS[0]
        self.conv_in = nn.Conv2d(1, ch, 3, padding=1)
        self.down = nn.ModuleList()
        skip_channels = []
        for level, m in enumerate(MULTS):
            out = BASE * m
            for _ in range(BLOCKS):
                self.down.append(ResBlock(ch, out))
                ch = out
                skip_channels.append(ch)
        self.mid = ResBlock(ch, ch)
        self.up = nn.ModuleList()
        for level in reversed(range(len(MULTS))):
            out = BASE * MULTS[level]
            for _ in range(BLOCKS):
                self.up.append(ResBlock(ch + skip_channels.pop(), out))
                ch = out
        self.out_act = NormSwish(ch)
        self.out = nn.Conv2d(ch, 1, 3, padding=1)

    def forward(self, x, temb):
        tvec = F.silu(self.time_dense1(F.silu(self.time_dense0(temb))))
        h = self.conv_in(x)
        skips = []
        i = 0
        for level in range(len(MULTS)):
            for _ in range(BLOCKS):
                h = self.down[i](h, tvec)
                i += 1
                skips.append(h)
            if level < len(MULTS) - 1:
                h = F.avg_pool2d(h, 2)
        h = self.mid(h, tvec)
        i = 0
        for level in reversed(range(len(MULTS))):
            for _ in range(BLOCKS):
                h = self.up[i](torch.cat([h, skips.pop()], dim=1), tvec)
                i += 1
            if level > 0:
                h = F.interpolate(h, scale_factor=2, mode="nearest")
        return self.out(self.out_act(h))


def conv_macs_per_image(model):
    """Multiply-adds of the convolutions for one 28x28 image, from hooks on one forward pass."""
    total = [0]

    def hook(mod, inp, out):
        kh, kw = mod.kernel_size
        total[0] += out.shape[2] * out.shape[3] * mod.in_channels * mod.out_channels * kh * kw

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28), torch.zeros(1, TIME_FEATURES))
    for h in handles:
        h.remove()
    return total[0]


class VpSde:
    def integral(self, t):
        return BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t

    def beta(self, t):
        return BETA_MIN + t * (BETA_MAX - BETA_MIN)

    def std(self, t):
        return torch.sqrt(-torch.expm1(-self.integral(t)))

    def mean_scale(self, t):
        return torch.exp(-0.5 * self.integral(t))


class Features:
    """Gaussian Fourier time features: sines then cosines of 2 pi scale w t."""

    def __init__(self, seed):
        g = torch.Generator().manual_seed(seed)
        self.freq = 2 * math.pi * FOURIER_SCALE * torch.randn(TIME_FEATURES // 2, generator=g)

    def __call__(self, t):
        a = t[:, None] * self.freq[None, :]
        return torch.cat([torch.sin(a), torch.cos(a)], dim=1)


def measure(fn, items, warmup, repeats, budget):
    """Items per second of fn: warm-up calls, then at least 2 and at most `repeats` timed calls
    within `budget` seconds; median, min and max."""
    for _ in range(warmup):
        fn()
    rates = []
    start = time.perf_counter()
    while len(rates) < repeats and (len(rates) < 2 or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn()
        rates.append(items / (time.perf_counter() - t0))
    return {"median": statistics.median(rates), "min": min(rates), "max": max(rates), "samples": len(rates)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--budget", type=float, default=10.0)
    p.add_argument("--likelihood-steps", type=int, default=4)
    p.add_argument("--gemm-size", type=int, default=1024)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    n = args.batch
    sde = VpSde()
    features = Features(42)
    model = ScoreNet()
    params = sum(q.numel() for q in model.parameters())
    macs = conv_macs_per_image(model)

    x0 = torch.rand(n, 1, 28, 28) * 2 - 1
    t = 1e-3 + torch.rand(n) * (1 - 1e-3)
    std = sde.std(t)
    eps = torch.randn_like(x0)
    xt = sde.mean_scale(t)[:, None, None, None] * x0 + std[:, None, None, None] * eps
    w = std * std
    temb = features(t)
    opt = torch.optim.Adam(model.parameters(), lr=2e-4)

    def train_step():
        opt.zero_grad(set_to_none=True)
        out = model(xt, temb)
        loss = (w * ((eps - out) ** 2).flatten(1).sum(1)).mean()
        loss.backward()
        opt.step()

    def forward():
        with torch.no_grad():
            return -model(xt, features(t)) / std[:, None, None, None]

    v = torch.randn_like(xt)

    def score_and_vjp(x, tt, probe):
        x = x.detach().requires_grad_(True)
        s = -model(x, features(tt)) / sde.std(tt)[:, None, None, None]
        (g,) = torch.autograd.grad(s, x, probe)
        return s.detach(), g

    def likelihood():
        # Probability-flow ODE with Hutchinson's Rademacher divergence (one probe, fixed along the
        # path), Euler steps from eta to T: one score + VJP per step, as the Java harness does.
        probe = torch.randint(0, 2, xt.shape).float() * 2 - 1
        x = x0.clone()
        delta = torch.zeros(n)
        d = x[0].numel()
        steps = args.likelihood_steps
        eta = 1e-5
        h = (1.0 - eta) / steps
        for k in range(steps):
            tk = torch.full((n,), eta + k * h)
            s, g = score_and_vjp(x, tk, probe)
            beta = sde.beta(tk)[:, None, None, None]
            drift = -0.5 * beta * x - 0.5 * beta * s
            div = (g * probe).flatten(1).sum(1)
            ddelta = d * (-0.5 * sde.beta(tk)) - 0.5 * sde.beta(tk) * div
            x = x + h * drift
            delta = delta + h * ddelta
        return -0.5 * (x.flatten(1) ** 2).sum(1) - 0.5 * d * math.log(2 * math.pi) + delta

    a = torch.randn(args.gemm_size, args.gemm_size)
    b = torch.randn(args.gemm_size, args.gemm_size)
    gemm = measure(lambda: torch.mm(a, b), 2.0 * args.gemm_size ** 3 / 1e9, 1, 5, args.budget)
    model.train()
    train = measure(train_step, n, args.warmup, args.repeats, args.budget)
    model.eval()
    fwd = measure(forward, n, args.warmup, args.repeats, args.budget)
    vjp = measure(lambda: score_and_vjp(xt, t, v), n, args.warmup, args.repeats, args.budget)
    lik = measure(likelihood, n, 1, max(2, args.repeats // 3), args.budget)
    # one 3x3 convolution of the middle level (32 -> 32 channels on 14x14), forward: the Java side's SingleConvolution
    conv = torch.nn.Conv2d(32, 32, 3, padding=1)
    xc = torch.rand(n, 32, 14, 14)
    conv_flops = 2.0 * 32 * 32 * 9 * 14 * 14

    def conv_forward():
        with torch.no_grad():
            return conv(xc)

    conv_rate = measure(conv_forward, n * conv_flops / 1e9, args.warmup, args.repeats, args.budget)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "batch": n,
        "parameters": params,
        "conv_mflop_per_image": 2 * macs / 1e6,
        "train_images_per_second": train,
        "forward_images_per_second": fwd,
        "vjp_images_per_second": vjp,
        "likelihood_examples_per_second": lik,
        "likelihood_nfe": args.likelihood_steps,
        "gemm_gflops": gemm,
        "gemm_size": args.gemm_size,
        "single_conv_gflops": conv_rate,
    }))


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""PyTorch peer of `score-sde bench`: the project's default Fashion-MNIST score network
(nn/ScoreNetworkBuilder with ScoreNetworkConfig.defaultFor(1, 28, 28)), its loss and batch, in
float32, timed the same way as the Java harness (--warmup-seconds of untimed training steps,
forwards and forward + VJPs at the start, as the Java side warms its JVM; then per figure warm-up
runs and repeats until the count or the time budget is reached, a garbage collection before every timed repeat and outside it; medians with
min and max). Prints one JSON document on stdout.

Written as a PyTorch user would for the CPU: F.silu, torch.inference_mode for forward-only work,
Adam with foreach=True where this torch has it. Every figure is timed in several variants, each
with the harness's warm-up and repeats: the eager model, the model and its inputs in channels_last,
and for forward-only figures a frozen TorchScript module (torch.jit.script, or torch.jit.trace where
script fails; at least two warm-up calls, which TorchScript spends profiling and optimizing). The
figure is the fastest variant by median; the JSON names it, keeps every variant's numbers, and
records how this torch was built (BLAS, LAPACK, oneDNN, OpenMP, threads).

Not a dependency of the product: the harness runs it as a child process when /usr/bin/python3 has
torch, and reports its figures beside the project's own.
"""
import argparse
import copy
import gc
import glob
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

# The default 28x28x1 network: base 16 channels, multipliers [1, 2, 2], one residual block per level,
# Fourier time features of size 2 * base, time MLP width 4 * base, group norm (at most 32 groups).
BASE, MULTS, BLOCKS = 16, (1, 2, 2), 1
TIME_FEATURES, TIME_HIDDEN, FOURIER_SCALE, MAX_GROUPS = 32, 64, 16.0, 32
NORM_EPS = 1e-5
BETA_MIN, BETA_MAX = 0.1, 20.0
SKIP_SCALE = 1.0 / math.sqrt(2.0)

EAGER, CHANNELS_LAST, TORCHSCRIPT = "eager", "channels_last", "frozen_torchscript"


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
        self.eps = NORM_EPS

    def forward(self, x):
        return F.silu(F.group_norm(x, self.groups, eps=self.eps))


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
        self.scale = SKIP_SCALE

    def forward(self, x, tvec):
        h = self.conv0(self.act0(x)) + self.time(tvec)[:, :, None, None]
        h = self.conv1(self.act1(h))
        s = x
        if self.skip is not None:
            s = self.skip(x)
        return (s + h) * self.scale


class ScoreNet(nn.Module):
    """The U-Net; blocks run in ModuleList order (TorchScript cannot index a ModuleList by a variable):
    2x2 average pooling after each level's blocks but the last going down, nearest upsampling likewise
    going up."""

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
        self.blocks = BLOCKS
        self.levels = len(MULTS)

    def forward(self, x, temb):
        tvec = F.silu(self.time_dense1(F.silu(self.time_dense0(temb))))
        h = self.conv_in(x)
        skips: List[torch.Tensor] = []
        for i, block in enumerate(self.down):
            h = block(h, tvec)
            skips.append(h)
            if (i + 1) % self.blocks == 0 and (i + 1) // self.blocks < self.levels:
                h = F.avg_pool2d(h, 2)
        h = self.mid(h, tvec)
        for i, block in enumerate(self.up):
            h = block(torch.cat([h, skips.pop()], dim=1), tvec)
            if (i + 1) % self.blocks == 0 and (i + 1) // self.blocks < self.levels:
                h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        return self.out(self.out_act(h))


def conv_macs_per_image(model):
    """Multiply-adds of the convolutions for one 28x28 image, from hooks on one forward pass."""
    total = [0]

    def hook(mod, inp, out):
        kh, kw = mod.kernel_size
        total[0] += out.shape[2] * out.shape[3] * mod.in_channels * mod.out_channels * kh * kw

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.inference_mode():
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
    within `budget` seconds; median, min and max. As the Java Stopwatch runs System.gc() before every
    timed run, outside its timing, a gc.collect() runs before every timed call, outside the timing."""
    for _ in range(warmup):
        fn()
    rates = []
    start = time.perf_counter()
    while len(rates) < repeats and (len(rates) < 2 or time.perf_counter() - start < budget):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        rates.append(items / (time.perf_counter() - t0))
    return {"median": statistics.median(rates), "min": min(rates), "max": max(rates), "samples": len(rates),
            "warmup": warmup}


def fastest(variants):
    """The figure: the variant with the highest median, named, with every variant's numbers."""
    name = max(variants, key=lambda k: variants[k]["median"])
    figure = dict(variants[name])
    figure["variant"] = name
    figure["variants"] = variants
    return figure


def make_adam(params):
    """Adam at the Java side's learning rate, with the multi-tensor (foreach) step when this torch has it."""
    try:
        return torch.optim.Adam(params, lr=2e-4, foreach=True), True
    except TypeError:
        return torch.optim.Adam(params, lr=2e-4), False


class Frozen:
    """Frozen TorchScript of a module in eval mode: torch.jit.script, else torch.jit.trace on the
    example inputs; `how` says which, `script_error` why script failed."""

    def __init__(self):
        self.how = {}
        self.script_error = {}

    def __call__(self, what, module, example):
        module = copy.deepcopy(module).eval()
        try:
            compiled = torch.jit.script(module)
            self.how[what] = "script"
        except Exception as e:  # noqa: BLE001 - any scripting failure falls back to tracing
            lines = [line.strip() for line in str(e).splitlines() if line.strip()]
            self.script_error[what] = type(e).__name__ + (": " + lines[0] if lines else "")
            with torch.no_grad():
                compiled = torch.jit.trace(module, example)
            self.how[what] = "trace"
        return torch.jit.freeze(compiled)


def build_info(adam_foreach, frozen):
    """How this torch was built and runs: version, the BLAS / LAPACK / oneDNN / OpenMP lines of
    torch.__config__.show(), the libraries the process has loaded, Debian's BLAS alternatives."""
    config = torch.__config__.show()
    summary = []
    settings = {}
    for line in config.splitlines():
        text = line.strip().lstrip("-").strip()
        if text.startswith("Build settings:"):
            for item in text[len("Build settings:"):].split(", "):
                key, _, value = item.strip().partition("=")
                if key in ("BLAS_INFO", "LAPACK_INFO", "USE_MKLDNN", "USE_MKL", "USE_OPENMP", "USE_NNPACK",
                           "TORCH_VERSION", "BUILD_TYPE"):
                    settings[key] = value.strip()
        elif re.search(r"BLAS|LAPACK|MKL|DNN|OpenMP|CPU capability", text):
            summary.append(text)
    summary += [k + "=" + v for k, v in sorted(settings.items())]
    parallel = torch.__config__.parallel_info()
    backend = re.search(r"ATen parallel backend: *(.*)", parallel)
    alternatives = {}
    for link in sorted(glob.glob("/etc/alternatives/libblas.so.3*") + glob.glob("/etc/alternatives/liblapack.so.3*")):
        alternatives[os.path.basename(link)] = os.path.realpath(link)
    loaded = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if ".so" in path and re.search(r"blas|lapack|dnnl|mkl|gomp|libomp|iomp", os.path.basename(path)):
                    loaded.add(path)
    except OSError:
        pass
    try:
        debian = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "python3-torch"], capture_output=True,
                                text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        debian = None
    return {
        "torch": torch.__version__,
        "debian_package": debian,
        "python": sys.version.split()[0],
        "config_summary": summary,
        "mkldnn_available": torch.backends.mkldnn.is_available(),
        "openmp_available": torch.backends.openmp.is_available(),
        "mkl_available": torch.backends.mkl.is_available(),
        "parallel_backend": backend.group(1).strip() if backend else None,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "omp_num_threads_env": os.environ.get("OMP_NUM_THREADS"),
        "omp_wait_policy_env": os.environ.get("OMP_WAIT_POLICY"),
        "malloc_mmap_threshold_env": os.environ.get("MALLOC_MMAP_THRESHOLD_"),
        "blas_alternatives": alternatives,
        "loaded_libraries": sorted(loaded),
        "adam_foreach": adam_foreach,
        "torchscript": frozen.how,
        "torchscript_script_errors": frozen.script_error,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--warmup-seconds", type=float, default=0.0)
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
    base = ScoreNet()
    params = sum(q.numel() for q in base.parameters())
    macs = conv_macs_per_image(base)
    formats = {EAGER: torch.contiguous_format, CHANNELS_LAST: torch.channels_last}
    frozen = Frozen()

    x0 = torch.rand(n, 1, 28, 28) * 2 - 1
    t = 1e-3 + torch.rand(n) * (1 - 1e-3)
    std = sde.std(t)
    eps = torch.randn_like(x0)
    xt = sde.mean_scale(t)[:, None, None, None] * x0 + std[:, None, None, None] * eps
    w = std * std
    temb = features(t)
    v = torch.randn_like(xt)

    def timed(fn, items, warmup=args.warmup, repeats=args.repeats):
        return measure(fn, items, warmup, repeats, args.budget)

    # TorchScript's profiling executor profiles the first call and optimizes the graph on the second:
    # compilation, not the forward pass, so a frozen module gets at least two warm-up calls
    script_warmup = max(2, args.warmup)

    def model_in(fmt, train):
        m = copy.deepcopy(base).to(memory_format=fmt)
        return m.train() if train else m.eval()

    def train_step(model, opt, x, e):
        # one DSM step: the weighted loss of the noise prediction, backward, Adam
        opt.zero_grad(set_to_none=True)
        loss = (w * ((e - model(x, temb)) ** 2).flatten(1).sum(1)).mean()
        loss.backward()
        opt.step()

    def train_figure():
        variants = {}
        foreach = False
        for name, fmt in formats.items():
            model = model_in(fmt, True)
            opt, foreach = make_adam(model.parameters())
            x, e = xt.contiguous(memory_format=fmt), eps.contiguous(memory_format=fmt)

            variants[name] = timed(lambda: train_step(model, opt, x, e), n)
        return fastest(variants), foreach

    def forward_figure():
        variants = {}
        modules = {name: model_in(fmt, False) for name, fmt in formats.items()}
        modules[TORCHSCRIPT] = frozen("score network", base, (xt, temb))
        for name, model in modules.items():
            x = xt.contiguous(memory_format=torch.channels_last) if name == CHANNELS_LAST else xt

            def forward():
                with torch.inference_mode():
                    return -model(x, features(t)) / std[:, None, None, None]

            variants[name] = timed(forward, n, script_warmup if name == TORCHSCRIPT else args.warmup)
        return fastest(variants)

    def score_and_vjp(model, x, tt, direction):
        x = x.detach().requires_grad_(True)
        s = -model(x, features(tt)) / sde.std(tt)[:, None, None, None]
        (g,) = torch.autograd.grad(s, x, direction)
        return s.detach(), g

    def vjp_figure():
        variants = {}
        for name, fmt in formats.items():
            model = model_in(fmt, False)
            x, d = xt.contiguous(memory_format=fmt), v.contiguous(memory_format=fmt)
            variants[name] = timed(lambda: score_and_vjp(model, x, t, d), n)
        return fastest(variants)

    def likelihood_figure():
        # Probability-flow ODE with Hutchinson's Rademacher divergence (one probe, fixed along the
        # path), Euler steps from eta to T: one score + VJP per step, as the Java harness does.
        variants = {}
        for name, fmt in formats.items():
            model = model_in(fmt, False)
            start = x0.contiguous(memory_format=fmt)

            def likelihood():
                # the probe is drawn in the timed call, as the Java side's estimator draws its own
                r = torch.randint(0, 2, start.shape).to(dtype=torch.float32, memory_format=fmt) * 2 - 1
                x = start.clone(memory_format=torch.preserve_format)
                delta = torch.zeros(n)
                d = x[0].numel()
                steps = args.likelihood_steps
                eta = 1e-5
                h = (1.0 - eta) / steps
                for k in range(steps):
                    tk = torch.full((n,), eta + k * h)
                    s, g = score_and_vjp(model, x, tk, r)
                    with torch.no_grad():
                        beta = sde.beta(tk)
                        drift = -0.5 * beta[:, None, None, None] * (x + s)
                        div = (g * r).flatten(1).sum(1)
                        x = x + h * drift
                        delta = delta + h * (d * (-0.5 * beta) - 0.5 * beta * div)
                return -0.5 * (x.flatten(1) ** 2).sum(1) - 0.5 * d * math.log(2 * math.pi) + delta

            variants[name] = timed(likelihood, n, 1, max(2, args.repeats // 3))
        return fastest(variants)

    def single_conv_figure():
        # one 3x3 convolution of the middle level (32 -> 32 channels on 14x14), forward: the Java side's SingleConvolution
        conv = torch.nn.Conv2d(32, 32, 3, padding=1).eval()
        xc = torch.rand(n, 32, 14, 14)
        gflop = n * 2.0 * 32 * 32 * 9 * 14 * 14 / 1e9
        modules = {EAGER: conv, CHANNELS_LAST: copy.deepcopy(conv).to(memory_format=torch.channels_last),
                   TORCHSCRIPT: frozen("3x3 convolution", conv, (xc,))}
        variants = {}
        for name, module in modules.items():
            x = xc.contiguous(memory_format=torch.channels_last) if name == CHANNELS_LAST else xc

            def forward():
                with torch.inference_mode():
                    return module(x)

            variants[name] = timed(forward, gflop, script_warmup if name == TORCHSCRIPT else args.warmup)
        return fastest(variants)

    def gemm_figure():
        # torch.mm into a preallocated C, as the Java side's Nd4j.gemm; a matrix has no channels_last
        a = torch.randn(args.gemm_size, args.gemm_size)
        b = torch.randn(args.gemm_size, args.gemm_size)
        c = torch.empty(args.gemm_size, args.gemm_size)
        with torch.inference_mode():
            rate = timed(lambda: torch.mm(a, b, out=c), 2.0 * args.gemm_size ** 3 / 1e9, repeats=5)
        return fastest({EAGER: rate})

    def process_warmup(seconds):
        # eager training steps, forwards and forward + VJPs in turn, untimed, before the first figure
        if seconds <= 0:
            return 0
        model = model_in(torch.contiguous_format, True)
        opt, _ = make_adam(model.parameters())
        rounds = 0
        end = time.perf_counter() + seconds
        while True:
            train_step(model, opt, xt, eps)
            with torch.inference_mode():
                model(xt, features(t))
            score_and_vjp(model, xt, t, v)
            rounds += 1
            if time.perf_counter() >= end:
                return rounds

    warmup_rounds = process_warmup(args.warmup_seconds)
    gemm = gemm_figure()
    train, adam_foreach = train_figure()
    fwd = forward_figure()
    vjp = vjp_figure()
    lik = likelihood_figure()
    conv = single_conv_figure()
    build = build_info(adam_foreach, frozen)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "batch": n,
        "warmup_seconds": args.warmup_seconds,
        "warmup_rounds": warmup_rounds,
        "parameters": params,
        "conv_mflop_per_image": 2 * macs / 1e6,
        "train_images_per_second": train,
        "forward_images_per_second": fwd,
        "vjp_images_per_second": vjp,
        "likelihood_examples_per_second": lik,
        "likelihood_nfe": args.likelihood_steps,
        "gemm_gflops": gemm,
        "gemm_size": args.gemm_size,
        "single_conv_gflops": conv,
        "build": build,
    }))


if __name__ == "__main__":
    sys.exit(main())

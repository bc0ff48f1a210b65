#!/usr/bin/env python3
"""The headline of BENCHMARKS.md from several `score-sde bench --json` runs of one commit.

Usage: bench/median_runs.py RUN.json RUN.json RUN.json [...]

Prints a Markdown table: for each figure, our median over the runs (each run's figure is already the
median of its rounds) with the runs' range, the same for PyTorch, and the median of the runs'
ratios (each run's ratio is the median of its per-round ratios) with their range. A figure missing
from a run is left out of that run; the count column says how many runs had it.
"""
import json
import statistics
import sys


def fmt(x):
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}".replace(",", " ")
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    m = statistics.median(values)
    if len(values) == 1:
        return fmt(m)
    return f"{fmt(m)} ({fmt(min(values))}-{fmt(max(values))})"


def main(paths):
    runs = [json.load(open(p)) for p in paths]
    names = []
    for r in runs:
        for n in r["figures"]:
            if n not in names:
                names.append(n)
    print("| figure | unit | ours: median of runs (range) | PyTorch | ours / PyTorch | runs |")
    print("|---|---|---|---|---|---|")
    for n in names:
        figs = [r["figures"][n] for r in runs if n in r["figures"]]
        ours = [f["ours"]["median"] for f in figs if f.get("ours")]
        peer = [f["pytorch"]["median"] for f in figs if f.get("pytorch")]
        ratio = [f["ratio"] for f in figs if f.get("ratio") is not None]
        unit = figs[0].get("unit", "")
        print(f"| {n} | {unit} | {spread(ours)} | {spread(peer)} | {spread(ratio)} | {len(figs)} |")
    loads = ", ".join(f"{r['machine']['load_average_start']:.1f} -> {r['machine']['load_average_end']:.1f}" for r in runs)
    secs = ", ".join(f"{r['seconds']:.0f}" for r in runs)
    print()
    print(f"Load average (start -> end) of each run: {loads}; seconds: {secs}.")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])

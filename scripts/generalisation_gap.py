#!/usr/bin/env python3
"""Experiment 3 of the pretraining study (issue 21; Aghajanyan et al. 2021, finding 3).

For every `idim dint` JSON given (files, or directories whose dint-*.json are taken), the relative
generalisation gap at d_int90, (train - test) / (1 - test), from the runs at d = d_int90 (their
mean train and mean test accuracy; train accuracy is measured on the whole training set at the
end of each run, test on the test set), against d_int90; then the Pearson and Spearman
correlation over all points. Prints a table; with --svg PATH writes one plot.
Usage: scripts/generalisation_gap.py results/pretrain-fc results/pretrain-lenet [--svg gap.svg]
"""
import glob
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svg_chart  # noqa: E402


def ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):   # ties share their mean rank
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    return sxy / (sx * sy) if sx > 0 and sy > 0 else float("nan")


def main(argv):
    svg_path = None
    if "--svg" in argv:
        i = argv.index("--svg")
        svg_path = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    files = []
    for a in argv:
        files += sorted(glob.glob(os.path.join(a, "dint-*.json"))) if os.path.isdir(a) else [a]
    points = []
    print("| run | metric | d_int90 | dint runs at d_int90: train / test / gap "
          "| full runs at d_int90 | mean train acc | mean test acc | relative gap |")
    print("|---|---|---:|---|---:|---:|---:|---:|")
    for path in files:
        doc = json.load(open(path))
        d = doc.get("d_int90")
        metric = doc.get("config", {}).get("metric", "test")
        if d is None:
            print(f"| {path} | {metric} | none | | | | | |")
            continue
        at = [r for r in doc["runs"] if r["d"] == d and r.get("test_accuracy") is not None
              and r.get("train_accuracy") is not None]
        train = sum(r["train_accuracy"] for r in at) / len(at)
        test = sum(r["test_accuracy"] for r in at) / len(at)
        gap = (train - test) / (1 - test)
        stopped = sum(r.get("stop") != "completed" for r in at)
        dint_cell = (f"{train:.4f} / {test:.4f} / {gap:.4f} ({len(at)} runs"
                     + (f", {stopped} stopped early" if stopped else "") + ")")
        # full 15-epoch runs at d_int90 (scripts/generalisation_experiment.sh): gap-stepN-sS.json
        base = os.path.basename(path)
        full = []
        if base.startswith("dint-step"):
            step = base[len("dint-step"):-len(".json")]
            for g in sorted(glob.glob(os.path.join(os.path.dirname(path), f"gap-step{step}-s*.json"))):
                r = json.load(open(g))
                if r.get("test_accuracy") is not None and r.get("d") == d:
                    full.append(r)
        if full:
            train = sum(r["train_accuracy"] for r in full) / len(full)
            test = sum(r["test_accuracy"] for r in full) / len(full)
            gap = (train - test) / (1 - test)
            points.append((path, d, gap))
            print(f"| {path} | {metric} | {d} | {dint_cell} | {len(full)} | {train:.4f} | {test:.4f} | {gap:.4f} |")
        else:
            points.append((path, d, gap))
            print(f"| {path} | {metric} | {d} | {dint_cell} | 0 (dint runs used) | | | |")
    if len(points) >= 3:
        ds = [p[1] for p in points]
        gaps = [p[2] for p in points]
        print(f"\n{len(points)} points: Pearson r = {pearson(ds, gaps):.3f}, "
              f"Spearman rho = {pearson(ranks(ds), ranks(gaps)):.3f} (d_int90 against relative gap)")
        for g in sorted({os.path.dirname(p[0]) for p in points}):
            sub = [p for p in points if os.path.dirname(p[0]) == g]
            if len(sub) >= 3:
                ds = [p[1] for p in sub]
                gaps = [p[2] for p in sub]
                print(f"  within {g} ({len(sub)} points): Pearson r = {pearson(ds, gaps):.3f}, "
                      f"Spearman rho = {pearson(ranks(ds), ranks(gaps)):.3f}")
    if svg_path and points:
        groups = sorted({os.path.dirname(p[0]) for p in points})
        svg_chart.write(svg_path, [{"label": os.path.basename(g), "points": [(p[1], p[2]) for p in points
                                                           if os.path.dirname(p[0]) == g]}
                                   for g in groups],
                        "d_int90", "(train - test) / (1 - test) at d_int90", lines=False)
        print(f"plot: {svg_path}")

if __name__ == "__main__":
    main(sys.argv[1:])

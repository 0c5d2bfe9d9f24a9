#!/usr/bin/env python3
"""d_int90 of a downstream task against pretraining steps (issue 21, experiment 1), one line per
run of scripts/pretrain_experiment.sh, with the range over its independent searches as an error bar.
Usage: scripts/pretrain_plot.py OUT.svg LABEL=DIR [LABEL=DIR ...]
Prints each line's points as a table too."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import svg_chart  # noqa: E402


def points(directory):
    out = []
    for path in glob.glob(os.path.join(directory, "dint-step*.json")):
        step = int(os.path.basename(path)[len("dint-step"):-len(".json")])
        doc = json.load(open(path))
        if doc.get("d_int90") is None:
            continue
        lo, hi = doc.get("d_int90_range") or [doc["d_int90"]] * 2
        out.append((step, doc["d_int90"], lo, hi))
    return sorted(out)


def main(argv):
    if len(argv) < 2 or any("=" not in a for a in argv[1:]):
        sys.exit(__doc__)
    series = []
    print("| pretraining | steps | d_int90 | range over searches |")
    print("|---|---:|---:|---|")
    for arg in argv[1:]:
        label, directory = arg.split("=", 1)
        pts = points(directory)
        if not pts:
            sys.exit(f"pretrain_plot: no dint-step*.json with a d_int90 in {directory}")
        for step, d, lo, hi in pts:
            print(f"| {label} | {step:,} | {d} | {lo}-{hi} |")
        series.append({"label": label, "points": pts})
    svg_chart.write(argv[0], series, "pretraining steps", "downstream d_int90")
    print(f"plot: {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])

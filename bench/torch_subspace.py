"""The algorithms idim runs, written in PyTorch for bench/pytorch_reference.py: FC and LeNet over
one flat parameter vector θ (idim's layout: each layer's kernel (in, out) row-major, then its bias),
He-normal θ0, and the projections as docs/method.md defines them — dense with columns
normalised over the whole network (stored, or regenerated tile by tile), sparse with per-layer
density 1/√n, and one Fastfood transform over the whole network. Random numbers come from torch,
so P differs from idim's bit for bit but not in distribution."""
import math

import torch
import torch.nn.functional as F

# ---- networks over a flat θ ----------------------------------------------------------------


def fc_layout(width=200, depth=2, n_in=784, classes=10):
    """[(kind, fan_in, kernel shape, bias size)] in θ order."""
    sizes = [n_in] + [width] * depth + [classes]
    return [("dense", a, (a, b), b) for a, b in zip(sizes, sizes[1:])]


def lenet_layout(classes=10):
    return [("conv", 25, (5, 5, 1, 6), 6), ("conv", 150, (5, 5, 6, 16), 16),
            ("dense", 256, (256, 120), 120), ("dense", 120, (120, 84), 84),
            ("dense", 84, (84, 10), classes)]


def groups(layout):
    """(offset, size) of every parameter tensor, kernels and biases, in θ order."""
    out, offset = [], 0
    for _, _, shape, bias in layout:
        for size in (math.prod(shape), bias):
            out.append((offset, size))
            offset += size
    return out


def dim(layout):
    return sum(size for _, size in groups(layout))


def init_theta0(layout, gen):
    parts = []
    for _, fan_in, shape, bias in layout:
        parts.append(torch.randn(math.prod(shape), generator=gen) * math.sqrt(2.0 / fan_in))
        parts.append(torch.zeros(bias))
    return torch.cat(parts)


def forward(layout, theta, x):
    """Logits of x (n, 784) (FC) or (n, 1, 28, 28) (LeNet) with parameters sliced from θ."""
    offset, h = 0, x
    for i, (kind, _, shape, bias) in enumerate(layout):
        k = theta[offset:offset + math.prod(shape)]
        offset += math.prod(shape)
        b = theta[offset:offset + bias]
        offset += bias
        if kind == "conv":   # idim stores (kh, kw, c, filters); torch wants (filters, c, kh, kw)
            h = F.max_pool2d(F.relu(F.conv2d(h, k.view(shape).permute(3, 2, 0, 1), b)), 2)
        else:
            h = h.flatten(1) @ k.view(shape) + b
            if i + 1 < len(layout):
                h = F.relu(h)
    return h


# ---- projections: y = P·x (D) from x (d), each with its transpose for the backward -----------


class _Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, proj):
        ctx.proj = proj
        return proj.expand(x)

    @staticmethod
    def backward(ctx, g):
        return ctx.proj.contract(g), None


class DenseStored:
    def __init__(self, D, d, gen):
        self.p = torch.randn(D, d, generator=gen)
        self.p /= self.p.norm(dim=0)

    def __call__(self, x):
        return self.p @ x   # autograd gives Pᵀ·g

    def nbytes(self):
        return self.p.numel() * 4


class DenseTiled:
    """The same dense P, regenerated a tile of rows at a time from a per-tile seed (8 MB tiles,
    as idim); only the d column norms are kept."""

    def __init__(self, D, d, seed):
        self.D, self.d, self.seed = D, d, seed
        self.rows = max(1, (1 << 21) // d)
        sq = torch.zeros(d, dtype=torch.float64)
        for start, tile in self._tiles():
            sq += (tile.double() ** 2).sum(0)
        self.inv_norm = (1.0 / sq.sqrt()).float()

    def _tiles(self):
        gen = torch.Generator()
        for start in range(0, self.D, self.rows):
            gen.manual_seed(self.seed * 1000003 + start)
            yield start, torch.randn(min(self.rows, self.D - start), self.d, generator=gen)

    def expand(self, x):
        xs = x * self.inv_norm
        return torch.cat([tile @ xs for _, tile in self._tiles()])

    def contract(self, y):
        out = torch.zeros(self.d)
        for start, tile in self._tiles():
            out += y[start:start + tile.shape[0]] @ tile
        return out * self.inv_norm

    def __call__(self, x):
        return _Linear.apply(x, self)

    def nbytes(self):
        return self.rows * self.d * 4 + self.d * 4


class Sparse:
    """Per parameter tensor of n entries: density p = 1/√n, non-zeros ±√(1/p), then each column
    normalised over the whole network. P and Pᵀ are both kept (CSR), as idim does."""

    def __init__(self, D, d, grps, gen):
        rows, cols, vals = [], [], []
        for offset, n in grps:
            p = min(1.0, 1.0 / math.sqrt(n))
            count = torch.distributions.Binomial(n, torch.full((d,), p)).sample().long()
            # rows drawn with replacement: a repeat within a column (rare) is summed by coalesce
            rows.append(offset + torch.randint(0, n, (int(count.sum()),), generator=gen))
            cols.append(torch.repeat_interleave(torch.arange(d), count))
            vals.append(torch.full((rows[-1].numel(),), math.sqrt(1.0 / p)))
        r, c, scale = torch.cat(rows), torch.cat(cols), torch.cat(vals)
        v = scale * (torch.randint(0, 2, (r.numel(),), generator=gen) * 2 - 1)
        coo = torch.sparse_coo_tensor(torch.stack([r, c]), v, (D, d)).coalesce()
        (r, c), v = coo.indices(), coo.values()
        v = v / torch.zeros(d).index_add_(0, c, v * v).sqrt()[c]   # unit columns
        self.p = torch.sparse_coo_tensor(torch.stack([r, c]), v, (D, d)).coalesce().to_sparse_csr()
        self.pt = torch.sparse_coo_tensor(torch.stack([c, r]), v, (d, D)).coalesce().to_sparse_csr()

    def expand(self, x):
        return (self.p @ x.unsqueeze(1)).squeeze(1)

    def contract(self, y):
        return (self.pt @ y.unsqueeze(1)).squeeze(1)

    def __call__(self, x):
        return _Linear.apply(x, self)

    def nbytes(self):
        return 2 * self.p.values().numel() * 12


def fwht(x):
    """Unnormalised Walsh–Hadamard transform along the last axis (length a power of two): the
    radix-2 butterfly as PyTorch re-implementations of Li et al. write it."""
    n, h = x.shape[-1], 1
    while h < n:
        y = x.view(-1, 2, h)
        x = torch.stack((y[:, 0] + y[:, 1], y[:, 0] - y[:, 1]), dim=1)
        h *= 2
    return x.view(n)


class Fastfood:
    """One transform for the whole network: L = 2^⌈log₂ D⌉; P·x = first D of H·G·Π·H·B·[x; 0],
    divided by √(L·ΣG²·D/L) (folded into G)."""

    def __init__(self, D, d, gen):
        self.D, self.d = D, d
        self.L = 1 << (D - 1).bit_length()
        self.b = torch.randint(0, 2, (d,), generator=gen).float() * 2 - 1
        self.perm = torch.randperm(self.L, generator=gen)
        self.inv_perm = torch.argsort(self.perm)
        g = torch.randn(self.L, generator=gen)
        self.g = g / math.sqrt(self.L * float((g.double() ** 2).sum()) * D / self.L)

    def expand(self, x):
        v = F.pad(self.b * x, (0, self.L - self.d))
        return fwht(self.g * fwht(v)[self.perm])[:self.D]

    def contract(self, y):
        v = fwht(F.pad(y, (0, self.L - self.D)))
        return self.b * fwht((self.g * v)[self.inv_perm])[:self.d]

    def __call__(self, x):
        return _Linear.apply(x, self)

    def nbytes(self):
        return (self.d + self.L) * 4 + self.L * 16


def make_projection(kind, layout, d, seed):
    gen = torch.Generator().manual_seed(seed)
    D = dim(layout)
    if kind == "dense":
        return DenseStored(D, d, gen)
    if kind == "dense-tiled":
        return DenseTiled(D, d, seed)
    if kind == "sparse":
        return Sparse(D, d, groups(layout), gen)
    if kind == "fastfood":
        return Fastfood(D, d, gen)
    raise ValueError(kind)

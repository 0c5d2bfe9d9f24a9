"""One small SVG chart for the experiment scripts: labelled series of points on linear or log
axes, optional error bars and a dashed horizontal reference line. Standard library only, so the
scripts run wherever python3 does."""
import math

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]


def _ticks(lo, hi, log):
    if log:   # decades, and 2 and 5 times them where the axis spans fewer than three decades
        steps = (1,) if hi - lo >= 3 else (1, 2, 5)
        return [m * 10 ** e for e in range(math.floor(lo), math.ceil(hi) + 1) for m in steps
                if lo <= math.log10(m * 10 ** e) <= hi]
    step = 10 ** math.floor(math.log10((hi - lo) / 4 or 1))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= 6:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [first + k * step for k in range(int((hi - first) / step) + 1)]


def _label(v):
    return f"{v:,.0f}" if abs(v) >= 10 or v == int(v) else f"{v:g}"


def write(path, series, x_label, y_label, log_x=False, y_range=None, reference=None, lines=True):
    """series: [{"label", "points": [(x, y) or (x, y, lo, hi)], optional "colour", "dash"}];
    reference: (y, text) drawn as a dashed line across the plot."""
    W, H, L, R, T, B = 720, 440, 70, 200, 20, 50
    pts = [p for s in series for p in s["points"]]
    if not pts:
        return
    fx = (lambda v: math.log10(v)) if log_x else (lambda v: v)
    xs = [fx(p[0]) for p in pts]
    pad = 0.1 if log_x else 0.05 * ((max(xs) - min(xs)) or 1)
    x0, x1 = min(xs) - pad, max(xs) + pad
    if y_range:
        y0, y1 = y_range
    else:
        ys = [v for p in pts for v in p[1:]] + ([reference[0]] if reference else [])
        y0, y1 = min(0, min(ys)), max(ys) * 1.1
    X = lambda v: L + (fx(v) - x0) / (x1 - x0) * (W - L - R)
    Y = lambda v: T + (1 - (v - y0) / (y1 - y0)) * (H - T - B)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<line x1="{L}" y1="{H-B}" x2="{W-R}" y2="{H-B}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H-B}" stroke="black"/>',
           f'<text x="{(L+W-R)/2}" y="{H-10}" text-anchor="middle">{x_label}</text>',
           f'<text x="16" y="{(T+H-B)/2}" text-anchor="middle" transform="rotate(-90 16 {(T+H-B)/2})">{y_label}</text>']
    for v in _ticks(x0, x1, log_x):
        x = L + ((math.log10(v) if log_x else v) - x0) / (x1 - x0) * (W - L - R)
        svg.append(f'<line x1="{x:.1f}" y1="{H-B}" x2="{x:.1f}" y2="{H-B+5}" stroke="black"/>'
                   f'<text x="{x:.1f}" y="{H-B+18}" text-anchor="middle">{_label(v)}</text>')
    for v in _ticks(y0, y1, False):
        svg.append(f'<line x1="{L-5}" y1="{Y(v):.1f}" x2="{L}" y2="{Y(v):.1f}" stroke="black"/>'
                   f'<text x="{L-8}" y="{Y(v)+4:.1f}" text-anchor="end">{_label(v)}</text>')
    if reference:
        svg.append(f'<line x1="{L}" y1="{Y(reference[0]):.1f}" x2="{W-R}" y2="{Y(reference[0]):.1f}" '
                   f'stroke="gray" stroke-dasharray="4 3"/>'
                   f'<text x="{W-R+4}" y="{Y(reference[0])+4:.1f}" fill="gray">{reference[1]}</text>')
    for i, s in enumerate(series):
        colour = s.get("colour", COLOURS[i % len(COLOURS)])
        dash = f' stroke-dasharray="{s["dash"]}"' if s.get("dash") else ""
        points = sorted(s["points"])
        if lines and len(points) > 1:
            line = " ".join(f"{X(p[0]):.1f},{Y(p[1]):.1f}" for p in points)
            svg.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for p in points:
            if len(p) == 4:
                svg.append(f'<line x1="{X(p[0]):.1f}" y1="{Y(p[2]):.1f}" x2="{X(p[0]):.1f}" y2="{Y(p[3]):.1f}" '
                           f'stroke="{colour}"/>')
            svg.append(f'<circle cx="{X(p[0]):.1f}" cy="{Y(p[1]):.1f}" r="3.5" fill="{colour}">'
                       f'<title>{s["label"]}: {_label(p[0])}, {p[1]:g}</title></circle>')
        ly = T + 20 + 20 * i
        svg.append(f'<line x1="{W-R+10}" y1="{ly}" x2="{W-R+40}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash}/>'
                   f'<text x="{W-R+46}" y="{ly+4}">{s["label"]}</text>')
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")

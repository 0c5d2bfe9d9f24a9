// The landscape view's arithmetic, pure so node can test it: the plan of a 2-D landscape (a run
// with d = 2 from a task preset), the grid of (θ_d1, θ_d2) around θ0 that covers the training
// path, the split of the grid between workers, and contour lines by marching squares.

export const LANDSCAPE = Object.freeze({
  d: 2,
  gridSize: 21,        // 21 × 21 evaluations of the whole training set: a few seconds at 14×14
  pathPoints: 120,     // θ_d is recorded about this many times along the path
  margin: 0.35,        // the grid reaches this fraction of the path's extent beyond it
  minHalfWidth: 1,     // a path that barely moves still gets a readable neighbourhood of θ0
  contours: 8,
});

// The run whose 2-D subspace is drawn: the task preset's subspace settings (the same runs the
// d_int search makes) at d = 2, with the plane's seed. Toy: the CLI's toy settings.
export function landscapeConfig(presets, task, seed) {
  const p = presets[task];
  const widths = p.data.widths ? p.data.widths.split(',').map(Number) : [];
  return { task, model: p.data.model, widths, trainSize: p.data.trainSize, dataSeed: 0, points: 1000, noise: 0.1,
           ...p.subspace, method: 'subspace', projection: p.data.projection, d: LANDSCAPE.d, seed };
}

// path: [[x, y, loss]] → {x: [lo, hi], y: [lo, hi]}: θ0 (the origin) and the whole path, with a margin.
export function gridBounds(path) {
  const axis = (i) => {
    const v = [0, ...path.map((p) => p[i])];
    let lo = Math.min(...v), hi = Math.max(...v);
    const pad = Math.max((hi - lo) * LANDSCAPE.margin, LANDSCAPE.minHalfWidth / 2);
    lo -= pad; hi += pad;
    if (hi - lo < 2 * LANDSCAPE.minHalfWidth) { const c = (lo + hi) / 2; lo = c - LANDSCAPE.minHalfWidth; hi = c + LANDSCAPE.minHalfWidth; }
    return [lo, hi];
  };
  return { x: axis(0), y: axis(1) };
}

// The n × n grid's coordinates, row by row (row j: y fixed).
export function gridAxis([lo, hi], n) {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

// Rows 0..n-1 dealt into `parts` contiguous chunks of whole rows (one per worker).
export function splitRows(n, parts) {
  const chunks = [];
  const size = Math.ceil(n / parts);
  for (let r = 0; r < n; r += size) chunks.push([r, Math.min(n, r + size)]);
  return chunks;
}

// `count` contour levels between a field's min and max, evenly spaced in log(loss) when
// `log` (losses span orders of magnitude), else linearly (accuracy).
export function contourLevels(values, count, log) {
  const finite = values.filter(Number.isFinite).filter((v) => !log || v > 0);
  if (finite.length === 0) return [];
  const f = log ? Math.log : (v) => v, g = log ? Math.exp : (v) => v;
  const lo = f(Math.min(...finite)), hi = f(Math.max(...finite));
  if (!(hi > lo)) return [];
  return Array.from({ length: count }, (_, i) => g(lo + ((hi - lo) * (i + 1)) / (count + 1)));
}

// Marching squares over an nx × ny field (row-major, values[j * nx + i] at (x[i], y[j])): the
// line segments [[x1, y1], [x2, y2]] where the field crosses `level`, by linear interpolation
// along cell edges. A saddle cell gets both of its segments (the ambiguity does not matter for
// a picture).
export function contourSegments(values, x, y, level) {
  const nx = x.length, segments = [];
  const at = (i, j) => values[j * nx + i];
  const cross = (x1, y1, v1, x2, y2, v2) => {
    const t = (level - v1) / (v2 - v1);
    return [x1 + t * (x2 - x1), y1 + t * (y2 - y1)];
  };
  for (let j = 0; j + 1 < y.length; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const c = [[x[i], y[j], at(i, j)], [x[i + 1], y[j], at(i + 1, j)],
                 [x[i + 1], y[j + 1], at(i + 1, j + 1)], [x[i], y[j + 1], at(i, j + 1)]];
      if (c.some((p) => !Number.isFinite(p[2]))) continue;
      const points = [];
      for (let e = 0; e < 4; e++) {
        const a = c[e], b = c[(e + 1) % 4];
        if ((a[2] < level) !== (b[2] < level)) points.push(cross(...a, ...b));
      }
      for (let k = 0; k + 1 < points.length; k += 2) segments.push([points[k], points[k + 1]]);
    }
  }
  return segments;
}

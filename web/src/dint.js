// d_int90 from finished runs, as the native tool reads a grid (core intrinsic_dim.h): per d the
// mean test accuracy over seeds (a diverged run counts 0); d_int90 is the first d, in increasing
// order, whose mean reaches fraction × baseline. Pure functions: the page, the tests and the
// import of native results share them.

// d values from dMin to dMax, `points` of them evenly spaced on a log axis, rounded to whole
// numbers and deduplicated.
export function geometricGrid(dMin, dMax, points) {
  if (!(dMin >= 1) || !(dMax >= dMin)) throw new Error(`the d range must satisfy 1 <= d min <= d max (got ${dMin}..${dMax})`);
  if (!(points >= 1)) throw new Error('the grid needs at least one d');
  if (points === 1 || dMax === dMin) return [Math.round(dMin)];
  const out = new Set();
  for (let i = 0; i < points; i++) out.add(Math.round(dMin * (dMax / dMin) ** (i / (points - 1))));
  return [...out].sort((a, b) => a - b);
}

const accuracyOf = (run) => (run.diverged || !Number.isFinite(run.accuracy) ? 0 : run.accuracy);

// runs: [{d, seed, accuracy, diverged}] → [{d, n, mean, min, max}] sorted by d.
export function summarise(runs) {
  const byD = new Map();
  for (const r of runs) {
    if (!byD.has(r.d)) byD.set(r.d, []);
    byD.get(r.d).push(accuracyOf(r));
  }
  return [...byD.entries()].sort((a, b) => a[0] - b[0]).map(([d, accs]) => ({
    d, n: accs.length, mean: accs.reduce((s, a) => s + a, 0) / accs.length,
    min: Math.min(...accs), max: Math.max(...accs),
  }));
}

export function meanBaseline(baselineRuns) {
  if (baselineRuns.length === 0) return null;
  return baselineRuns.reduce((s, r) => s + accuracyOf(r), 0) / baselineRuns.length;
}

// While a sweep runs: d_int90 is known once every d up to the first passing one has all its seeds.
// grid: the planned d values; seeds: runs planned per d. Returns {state, d?}:
// 'waiting' (not known yet), 'found' (d), 'none' (every d finished, none passed).
export function dintStatus(grid, seeds, runs, threshold) {
  if (threshold == null) return { state: 'waiting' };
  const stats = new Map(summarise(runs).map((s) => [s.d, s]));
  for (const d of grid) {
    const s = stats.get(d);
    if (!s || s.n < seeds) return { state: 'waiting' };
    if (s.mean >= threshold) return { state: 'found', d };
  }
  return { state: 'none' };
}

// The first d, in increasing order, whose mean accuracy reaches the threshold (or null): for
// results that are complete, e.g. those opened from `idim dint --json`.
export function firstPassingD(runs, threshold) {
  const hit = summarise(runs).find((s) => s.mean >= threshold);
  return hit ? hit.d : null;
}

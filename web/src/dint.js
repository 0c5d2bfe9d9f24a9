// What the page needs besides the procedure itself (the core's DintProcedure, through the module):
// per-d summaries for the chart and d_int read off finished runs, for results opened from a file
// that lacks it. Both follow the core's rule (intrinsic_dim.h): per d the mean test accuracy over
// seeds, a diverged run counting 0; d_int is the first d, in increasing order, whose mean reaches
// the threshold. Pure functions, for the page, the tests and the import of native results.

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

// The first d whose mean accuracy reaches the threshold (or null).
export function firstPassingD(runs, threshold) {
  const hit = summarise(runs).find((s) => s.mean >= threshold);
  return hit ? hit.d : null;
}

// "d_int90", "d_int100": the result named after its fraction of the baseline, as the CLI does.
export const dintName = (fraction) => `d_int${Math.round((fraction ?? 0.9) * 100)}`;

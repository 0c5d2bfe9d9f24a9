// Results in and out: JSON and CSV export of a sweep, and reading the JSON that the native
// `idim dint --json` writes (fields d_int90 (or d_int100 …: with --searches N the median),
// d_int90_searches (each search's), d_int90_range ([low, high]; null: above every d tried),
// threshold, baseline_accuracy, fraction, runs[{d, seed, test_accuracy, diverged}]; anything else
// is ignored), so native experiments show in the chart. The page's export uses the same fields.
import { defaultFraction, dintName, firstPassingD } from './dint.js';

export function resultsToJson(sweep) {
  const name = dintName(sweep.fraction);
  const range = sweep.range ? [sweep.range.low, sweep.range.high] : null;
  return JSON.stringify({
    tool: 'idim web', command: 'web dint', [name]: sweep.dint ?? null, [`${name}_searches`]: sweep.dintSearches ?? null,
    [`${name}_range`]: range,
    threshold: sweep.threshold ?? null, baseline_accuracy: sweep.baseline ?? null, fraction: sweep.fraction,
    config: sweep.config, baseline_runs: sweep.baselineRuns.map(toRow), runs: sweep.runs.map(toRow),
  }, null, 2);
}

function toRow(r) {
  return { search: r.search ?? 0, d: r.d, seed: r.seed, test_accuracy: Number.isFinite(r.accuracy) ? r.accuracy : null,
           diverged: !!r.diverged, steps: r.steps, seconds: r.seconds, stop: r.stop };
}

export function resultsToCsv(sweep) {
  const lines = ['kind,search,d,seed,test_accuracy,diverged,steps,seconds,stop'];
  const add = (kind, r) => lines.push([kind, r.search ?? 0, r.d ?? '', r.seed, Number.isFinite(r.accuracy) ? r.accuracy : '',
                                       r.diverged ? 1 : 0, r.steps ?? '', r.seconds ?? '', r.stop ?? ''].join(','));
  sweep.baselineRuns.forEach((r) => add('baseline', r));
  sweep.runs.forEach((r) => add('subspace', r));
  return lines.join('\n') + '\n';
}

// Parses `idim dint --json` output (or this page's own export). Throws an Error saying what is
// missing; tolerates extra fields and a missing d_int90 (recomputed from the runs).
export function parseNativeResults(text) {
  let doc;
  try { doc = JSON.parse(text); } catch (e) { throw new Error(`not JSON: ${e.message}`); }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.runs)) throw new Error('no "runs" array: not the JSON of idim dint --json');
  const runs = doc.runs.map((r, i) => {
    const d = Number(r.d);
    if (!Number.isFinite(d) || d < 1) throw new Error(`runs[${i}]: no valid "d"`);
    const acc = r.test_accuracy ?? r.accuracy;
    return { search: Number(r.search ?? 0), d, seed: Number(r.seed ?? 0), accuracy: acc == null ? NaN : Number(acc),
             diverged: !!r.diverged || acc == null, steps: r.steps, seconds: r.seconds, stop: r.stop };
  });
  // the native tool names the result after its fraction: d_int90, d_int95, d_int100
  const dintKey = Object.keys(doc).find((k) => /^d_int\d+$/.test(k));
  const baseline = num(doc.baseline_accuracy ?? doc.baseline);
  const fraction = num(doc.fraction) ?? (dintKey ? Number(dintKey.slice(5)) / 100 : defaultFraction());
  const threshold = num(doc.threshold) ?? (baseline != null ? fraction * baseline : null);
  const given = dintKey ? doc[dintKey] : undefined;
  const dint = given !== undefined ? given : (threshold != null ? firstPassingD(runs, threshold) : null);
  const baselineRuns = Array.isArray(doc.baseline_runs) ? doc.baseline_runs.map((r) => ({
    search: Number(r.search ?? 0), d: null, seed: Number(r.seed ?? 0), accuracy: num(r.test_accuracy ?? r.accuracy) ?? NaN, diverged: !!r.diverged,
    steps: r.steps, seconds: r.seconds, stop: r.stop })) : [];
  const name = dintKey ?? dintName(fraction);
  const given_range = doc[`${name}_range`];
  const range = Array.isArray(given_range) ? { low: num(given_range[0]), high: num(given_range[1]) } : null;
  const searches = doc[`${name}_searches`];
  const dintSearches = Array.isArray(searches) ? searches.map(num) : null;
  return { runs, baselineRuns, baseline, threshold, fraction, dint: dint == null ? null : Number(dint), range, dintSearches,
           searchCount: dintSearches?.length ?? 1,
           name, command: doc.command ?? doc.tool ?? 'unknown' };
}

const num = (v) => (v == null || !Number.isFinite(Number(v)) ? null : Number(v));

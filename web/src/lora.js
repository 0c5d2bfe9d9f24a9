// LoRA (Hu et al. 2021) beside random subspaces on the pretraining view's downstream task (digits
// 5–9, the default network, a random θ0), as scripts/lora_experiment.sh does natively: test
// accuracy against the number of trained parameters. Every run trains with the subspace runs'
// settings (the core's, as the CLI's LoRA runs do); one full-training run gives the 90% line.
import { PRETRAIN } from './pretrain.js';

export const LORA = Object.freeze({
  ranks: [1, 2, 4, 8],             // a few hundred trained numbers per unit of rank on FC 196-64-5
  ds: [10, 20, 40, 80, 160, 320, 640, 1280],   // Fastfood and SAID, from below d_int90 to LoRA's range
  seeds: [0, 1],
});

export const METHODS = Object.freeze({
  lora: 'LoRA (rank r)', subspace: 'random subspace (Fastfood)', said: 'SAID (Fastfood + a scale per layer)',
});

// The runs: [{method, size (r or d), seed, config}], the full-training reference first.
export function loraJobs(presets) {
  const p = presets[PRETRAIN.task];
  const data = { task: PRETRAIN.task, model: 'fc', widths: PRETRAIN.widths, trainSize: 0, dataSeed: 0,
                 classes: PRETRAIN.downstreamClasses };
  const sub = { ...data, ...p.subspace, projection: p.data.projection };
  const jobs = [{ method: 'full', size: null, seed: 0, config: { ...data, ...p.baseline, method: 'full', seed: 0 } }];
  for (const seed of LORA.seeds) {
    for (const rank of LORA.ranks) jobs.push({ method: 'lora', size: rank, seed, config: { ...sub, method: 'lora', rank, seed } });
    for (const method of ['subspace', 'said'])
      for (const d of LORA.ds) jobs.push({ method, size: d, seed, config: { ...sub, method, d, seed } });
  }
  return jobs;
}

// Finished runs [{method, trained, accuracy}] → per method the mean accuracy at each count of
// trained numbers, sorted: {method: [{x, y}]}.
export function meansByMethod(runs) {
  const out = {};
  for (const method of Object.keys(METHODS)) {
    const byX = new Map();
    for (const r of runs.filter((q) => q.method === method)) byX.set(r.trained, [...(byX.get(r.trained) ?? []), r.accuracy]);
    out[method] = [...byX].sort((a, b) => a[0] - b[0])
      .map(([x, accs]) => ({ x, y: accs.reduce((s, a) => s + (Number.isFinite(a) ? a : 0), 0) / accs.length }));
  }
  return out;
}

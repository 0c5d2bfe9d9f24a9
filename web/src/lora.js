// LoRA (Hu et al. 2021) beside random subspaces on the pretraining view's downstream task (digits
// 5–9, the default network, a random θ0), as scripts/lora_experiment.sh does natively: test
// accuracy against the number of trained parameters. Every run trains with the subspace runs'
// settings (the core's, as the CLI's LoRA runs do); one full-training run gives the 90% line.
import { summarise } from './dint.js';
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

// Finished runs [{method, trained, seed, accuracy, diverged}] → per method the mean accuracy at
// each count of trained numbers, sorted: {method: [{x, y}]}; the core's per-d means (summarise),
// with the count of trained numbers as d.
export function meansByMethod(runs) {
  const out = {};
  for (const method of Object.keys(METHODS)) {
    const mine = runs.filter((r) => r.method === method)
      .map((r) => ({ d: r.trained, seed: r.seed, accuracy: r.accuracy, diverged: r.diverged }));
    out[method] = summarise(mine).map((s) => ({ x: s.d, y: s.mean }));
  }
  return out;
}

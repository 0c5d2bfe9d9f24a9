// What pretraining does to the intrinsic dimension (Aghajanyan et al. 2021), as the native
// experiment measures it (scripts/pretrain_experiment.sh): pretrain a network, then find d_int90
// of digits 5–9 from a random start and from the pretrained one (a new output layer, drawn from
// each run's seed), both judged against one threshold: 90% of full training on 5–9 from a random
// start. Pure plans; pretrain_view.js runs them.

export const PRETRAIN = Object.freeze({
  task: 'mnist14',
  widths: [64],                 // the default experiment's network, FC 196-64-k (the LoRA view's)
  // The pretraining view's hidden widths (its select #pre-net; `default` selected): 64, the
  // cheapest, since each start now runs several searches; 100-100 and 200-200 larger (web/README.md).
  networks: Object.freeze({ default: [64], deep: [100, 100], wide: [200, 200] }),
  // What the network is pretrained on (the select #pre-task; `other` selected). 0–4 shares no
  // image and no label with 5–9, so what it changes is what pretraining transfers. All ten digits
  // contains 5–9's own training images and labels: a lower d_int90 after it is partly supervised
  // training on the task itself (a confound), which is why it is only the second option.
  pretrainings: Object.freeze({ other: [0, 1, 2, 3, 4], all: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] }),
  // Independent searches per start (Sweep's plan.searches): two give each start a range, so the
  // result can say when the two overlap; more would lengthen the view's run in proportion.
  searches: 2,
  downstreamClasses: [5, 6, 7, 8, 9],
});

// The full-training run on the pretraining digits `classes` (the core's full-training settings).
export function pretrainConfig(presets, network, classes) {
  const p = presets[network.task];
  return { task: network.task, model: network.model, widths: network.widths, trainSize: 0, dataSeed: 0,
           ...p.baseline, method: 'full', classes, seed: 0 };
}

// The two searches on the downstream digits: {random, pretrained} plans for Sweep. The pretrained
// one's baseline is fixed later to the random one's (sweepFromRandom), as in the native experiment.
// idim: the module, for D of the downstream network (dimOf), the CLI's d max.
export function downstreamPlans(idim, presets, network, initFile, workers) {
  const p = presets[network.task];
  const data = { task: network.task, model: network.model, widths: network.widths, trainSize: 0, dataSeed: 0,
                 classes: PRETRAIN.downstreamClasses };
  const dMax = idim.dimOf(data);
  const config = { ...data, ...p.subspace, method: 'subspace', projection: p.data.projection };
  const random = { config, baselineConfig: { ...data, ...p.baseline, method: 'full' },
                   search: { ...p.search, dMax, baseline: null }, searches: PRETRAIN.searches, workers };
  const pretrained = { ...random, config: { ...config, initFile, keepHead: false } };
  return { random, pretrained };
}

// The pretrained search judged against the random start's baseline (a fixed baseline: no
// baseline runs of its own).
export const withBaseline = (plan, baseline) => ({ ...plan, search: { ...plan.search, baseline } });

// The network a model file holds, as the page's runs name it; throws naming what does not fit.
export function networkOfFile(header, name) {
  if (header.kind !== 'model')
    throw new Error(`${name}: a ${header.kind} file (θ_d of a subspace run) cannot be a starting point; save a full model (idim train --save)`);
  const [h, w, c] = header.input;
  const task = h === 14 && w === 14 && c === 1 ? 'mnist14' : h === 28 && w === 28 && c === 1 ? 'mnist28' : null;
  if (!task) throw new Error(`${name}: its network takes ${h}×${w}×${c} inputs; the page's digits are 14×14 or 28×28 grey`);
  if (header.model === 'lenet' && task !== 'mnist28') throw new Error(`${name}: LeNet needs 28×28 inputs`);
  return { task, model: header.model, widths: header.model === 'fc' ? header.widths : [] };
}

// Two ranges over searches {low, high} (null high: above every d tried) overlap?
export function rangesOverlap(a, b) {
  const top = (r) => r.high ?? Infinity;
  return a.low == null || b.low == null ? a.low == null && b.low == null : a.low <= top(b) && b.low <= top(a);
}

// The comparison in one sentence, from each start's median d_int90 and range over searches
// ({dint, range: {low, high}}; null: not reached). Ranges that overlap: no difference measured.
export function ratioInWords(random, pretrained) {
  const show = (s) => `${s.dint ?? 'not reached'} (range ${s.range?.low ?? '–'} to ${s.range?.high ?? 'above every d tried'})`;
  const both = `From the pretrained start d_int90 is ${show(pretrained)} against ${show(random)} from a random one`;
  if (random.range && pretrained.range && rangesOverlap(random.range, pretrained.range))
    return `${both}: no difference measured (the ranges over searches overlap)`;
  if (random.dint == null || pretrained.dint == null) return `${both}: one start did not reach the threshold, so there is no ratio`;
  const r = pretrained.dint / random.dint;
  return `${both}: ${r.toFixed(2)}× (${r < 1 ? 'lower' : 'higher'}; the ranges do not overlap)`;
}

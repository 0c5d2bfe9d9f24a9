// What pretraining does to the intrinsic dimension (Aghajanyan et al. 2021), as the native
// experiment measures it (scripts/pretrain_experiment.sh): pretrain a network, then find d_int90
// of digits 5–9 from a random start and from the pretrained one (a new output layer, drawn from
// each run's seed), both judged against one threshold: 90% of full training on 5–9 from a random
// start. Pure plans; pretrain_view.js runs them.

export const PRETRAIN = Object.freeze({
  task: 'mnist14',
  widths: [64],                 // the default experiment's network, FC 196-64-k (the LoRA view's)
  // The pretraining view's hidden widths (its select #pre-net; `default` selected): 100-100 is
  // the smallest measured where pretraining on all ten digits clearly lowers d_int90 and the
  // comparison finishes within a minute; 64 shows no effect, 200-200 the largest (web/README.md).
  networks: Object.freeze({ default: [100, 100], small: [64], wide: [200, 200] }),
  // What the network is pretrained on (the select #pre-task; `all` selected). All ten digits is
  // the pairing where the native experiments found pretraining lowers d_int90 (it contains the
  // downstream digits' training images); 0–4 shares no class with 5–9 and shows little or nothing.
  pretrainings: Object.freeze({ all: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], other: [0, 1, 2, 3, 4] }),
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
                   search: { ...p.search, dMax, baseline: null }, workers };
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

// "d_int90 0.8× with pretraining" in words, from the two results (null: not reached).
export function ratioInWords(random, pretrained) {
  if (random == null || pretrained == null) return 'one of the searches did not reach the threshold, so there is no ratio';
  const r = pretrained / random;
  const how = r < 0.95 ? 'lower' : r > 1.05 ? 'higher' : 'about the same';
  return `From the pretrained start d_int90 is ${pretrained} against ${random} from a random one: ` +
    `${r.toFixed(2)}× (${how})`;
}

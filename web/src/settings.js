// The experiment form. Every preset is written as its differences from the core's defaults
// (idim.defaults(): the CLI's own; D of each network from idim.dimOf), each difference with its reason, so the page and `idim dint`
// run one procedure and differ only where a task needs it or a browser needs a smaller budget to
// finish in a minute or two. readPlan turns the form into a search plan.

// Independent searches a preset makes (`idim dint --searches N`; plan.searches): the default
// experiment's search takes about 20 s on two cores, so three (web/README.md: about a minute)
// stay within the page's minute or two while giving a median and a range over searches.
export const DEFAULT_SEARCHES = 3;

// idim: the module. Per task: data and model, the search (DintProcedure's keys), the subspace
// runs' and the baseline's training, and `why`: what differs from the CLI and why. dMax is D of the
// preset's network (the module's dimOf), the CLI's own d max.
export function taskPresets(idim) {
  const core = idim.defaults();
  const D = (task, model, widths) => idim.dimOf({ task, model, widths: parseWidths(widths) });
  const fmt = (n) => n.toLocaleString('en');
  const mnist14 = D('mnist14', 'fc', '64'), mnist28 = D('mnist28', 'fc', '100');
  const toy = D('toy', 'fc', ''), spirals = D('spirals', 'fc', '32,32'), circles = D('circles', 'fc', '16');
  return {
    mnist14: {
      why: `none: the CLI's defaults (3 seeds, d from 10 to D = ${fmt(mnist14)}, a 5% bisection, 15 subspace and 20 baseline epochs) take well under a minute on two cores.`,
      data: { model: 'fc', widths: '64', projection: core.projection, trainSize: 0 },
      search: { ...core.dint, dMax: mnist14 },
      searches: DEFAULT_SEARCHES,
      subspace: { ...core.subspace },
      baseline: { ...core.full },
    },
    mnist28: {
      why: `2 seeds (not 3) and 4,000 of the 7,996 training digits: with 28×28 inputs (D = ${fmt(mnist28)}) a run costs several times as much as at 14×14, and this keeps the search short.`,
      data: { model: 'fc', widths: '100', projection: core.projection, trainSize: 4000 },
      search: { ...core.dint, seeds: 2, dMax: mnist28 },
      searches: DEFAULT_SEARCHES,
      subspace: { ...core.subspace },
      baseline: { ...core.full },
    },
    toy: {
      why: 'none: the CLI\'s toy settings (dense P, SGD with momentum 0.99 at lr 0.005, up to 50,000 one-step epochs, a fixed baseline of 1 and d_int100 searched from d = 1).',
      data: { model: 'fc', widths: '', projection: core.toyProjection, trainSize: 0 },
      // the core's toy search (toy_dint_config): solved or not, so d_int100 of a fixed baseline 1
      search: { ...core.dint, ...core.toyDint, dMax: toy },
      searches: DEFAULT_SEARCHES,
      subspace: { ...core.toy },
      baseline: { ...core.toy },
    },
    spirals: {
      why: 'smaller batches and more epochs (subspace 30 × 32, baseline 60 × 32, not 15 × 128 and 20 × 64): 1,000 points give few steps per epoch, and the CLI\'s would leave the runs unconverged.',
      data: { model: 'fc', widths: '32,32', projection: core.projection, trainSize: 0 },
      search: { ...core.dint, dMax: spirals },
      searches: DEFAULT_SEARCHES,
      subspace: { ...core.subspace, epochs: 30, batch: 32 },
      baseline: { ...core.full, epochs: 60, batch: 32 },
    },
    circles: {
      why: `d from 1 (not 10): this small network (D = ${fmt(circles)}) needs fewer than 10 directions, and the search only looks upward from d min.`,
      data: { model: 'fc', widths: '16', projection: core.projection, trainSize: 0 },
      search: { ...core.dint, dMin: 1, dMax: circles },
      searches: DEFAULT_SEARCHES,
      subspace: { ...core.subspace },
      baseline: { ...core.full },
    },
  };
}

// The form's fields, each read from a preset.
const fields = {
  model: (p) => p.data.model, widths: (p) => p.data.widths, projection: (p) => p.data.projection,
  trainSize: (p) => p.data.trainSize, dMin: (p) => p.search.dMin, dMax: (p) => p.search.dMax,
  seeds: (p) => p.search.seeds, searches: (p) => p.searches, precision: (p) => p.search.precision, epochs: (p) => p.subspace.epochs,
  batch: (p) => p.subspace.batch, optimizer: (p) => p.subspace.optimizer, lr: (p) => p.subspace.lr,
  baselineEpochs: (p) => p.baseline.epochs, baselineLr: (p) => p.baseline.lr,
  baseline: (p) => (p.search.baseline != null ? 'fixed' : 'train'),
};
export const fieldNames = Object.keys(fields);

export function applyTaskDefaults(form, presets, task) {
  const preset = presets[task];
  for (const [name, read] of Object.entries(fields)) form.elements[name].value = String(read(preset));
  return preset.why;
}

function number(form, name, { min = -Infinity, integer = false } = {}) {
  const raw = form.elements[name].value.trim();
  const v = Number(raw);
  const label = form.elements[name].labels?.[0]?.textContent?.trim() ?? name;
  if (raw === '' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)))
    throw new Error(`${label}: expected ${integer ? 'a whole number' : 'a number'} ≥ ${min}, got "${raw}"`);
  return v;
}

export function parseWidths(text) {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const widths = parts.map(Number);
  if (widths.some((w) => !Number.isInteger(w) || w < 1)) throw new Error(`hidden widths: expected whole numbers like "64" or "200,200", got "${text}"`);
  return widths;
}

// The form → {config (subspace runs), baselineConfig (full training), search (DintProcedure's
// configuration), searches (independent searches, Sweep), workers}. What the form does not show (schedule, momentum, growth, fraction)
// comes from the task's preset. Throws an Error with a readable message for a bad field.
export function readPlan(form, presets, maxWorkers) {
  const task = form.elements.task.value;
  const preset = presets[task];
  const projection = form.elements.projection.value;
  const data = {
    task, model: form.elements.model.value, widths: parseWidths(form.elements.widths.value),
    trainSize: number(form, 'trainSize', { min: 0, integer: true }), dataSeed: 0, points: 1000, noise: 0.1,
  };
  const config = {
    ...data, ...preset.subspace,
    method: projection === 'said' ? 'said' : 'subspace', projection: projection === 'said' ? 'fastfood' : projection,
    epochs: number(form, 'epochs', { min: 1, integer: true }), batch: number(form, 'batch', { min: 1, integer: true }),
    lr: number(form, 'lr', { min: 0 }), optimizer: form.elements.optimizer.value,
  };
  const baselineConfig = { ...data, ...preset.baseline, method: 'full',
                           epochs: number(form, 'baselineEpochs', { min: 1, integer: true }),
                           lr: number(form, 'baselineLr', { min: 0 }) };
  const search = {
    ...preset.search,
    dMin: number(form, 'dMin', { min: 1, integer: true }), dMax: number(form, 'dMax', { min: 1, integer: true }),
    seeds: number(form, 'seeds', { min: 1, integer: true }), precision: number(form, 'precision', { min: 0 }),
    baseline: form.elements.baseline.value === 'fixed' ? 1.0 : null,
  };
  return { config, baselineConfig, search, searches: number(form, 'searches', { min: 1, integer: true }), workers: maxWorkers };
}

// The experiment form: defaults per task (the one-click default is MNIST 14×14, which finds d_int90
// in well under two minutes on two cores) and the translation of the form into a sweep plan.
import { geometricGrid } from './dint.js';

// Per task: the fields that change with it. lr: subspace runs; baselineLr: full training.
export const taskDefaults = {
  mnist14: { model: 'fc', widths: '64', projection: 'fastfood', dMin: 100, dMax: 3200, points: 11, seeds: 2,
             epochs: 10, batch: 64, lr: 0.03, baselineLr: 0.003, optimizer: 'adam', trainSize: 0, baseline: 'train' },
  mnist28: { model: 'fc', widths: '100', projection: 'fastfood', dMin: 100, dMax: 3200, points: 6, seeds: 2,
             epochs: 5, batch: 64, lr: 0.03, baselineLr: 0.003, optimizer: 'adam', trainSize: 4000, baseline: 'train' },
  // the toy's d = 10 is a random 10×10 least-squares problem: SGD + momentum at 0.3 solves it where
  // Adam stalls (core trainer.h); a run stops as soon as it is solved
  toy: { model: 'fc', widths: '', projection: 'dense', dMin: 4, dMax: 16, points: 13, seeds: 2,
         epochs: 5000, batch: 1, lr: 0.3, baselineLr: 0.3, optimizer: 'sgd', trainSize: 0, baseline: 'fixed' },
  spirals: { model: 'fc', widths: '32,32', projection: 'fastfood', dMin: 2, dMax: 256, points: 8, seeds: 2,
             epochs: 30, batch: 32, lr: 0.03, baselineLr: 0.01, optimizer: 'adam', trainSize: 0, baseline: 'train' },
  circles: { model: 'fc', widths: '16', projection: 'fastfood', dMin: 1, dMax: 64, points: 7, seeds: 2,
             epochs: 20, batch: 32, lr: 0.03, baselineLr: 0.01, optimizer: 'adam', trainSize: 0, baseline: 'train' },
};

export const fieldNames = ['model', 'widths', 'projection', 'dMin', 'dMax', 'points', 'seeds', 'epochs',
                           'batch', 'lr', 'baselineLr', 'optimizer', 'trainSize', 'baseline'];

export function applyTaskDefaults(form, task) {
  const defaults = taskDefaults[task];
  for (const name of fieldNames) form.elements[name].value = String(defaults[name]);
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

// The form → {config, baselineConfig, grid, seeds, fixedBaseline, fraction, workers}. Throws an
// Error with a readable message for a bad field.
export function readPlan(form, maxWorkers) {
  const task = form.elements.task.value;
  const projection = form.elements.projection.value;
  const config = {
    task, model: form.elements.model.value, widths: parseWidths(form.elements.widths.value),
    method: projection === 'said' ? 'said' : 'subspace', projection: projection === 'said' ? 'fastfood' : projection,
    epochs: number(form, 'epochs', { min: 1, integer: true }), batch: number(form, 'batch', { min: 1, integer: true }),
    lr: number(form, 'lr', { min: 0 }), optimizer: form.elements.optimizer.value,
    trainSize: number(form, 'trainSize', { min: 0, integer: true }), dataSeed: 0, points: 1000, noise: 0.1,
  };
  if (task === 'toy') config.targetAccuracy = 1;   // solved: stop early
  const baselineConfig = { ...config, method: 'full', lr: number(form, 'baselineLr', { min: 0 }) };
  const grid = geometricGrid(number(form, 'dMin', { min: 1, integer: true }), number(form, 'dMax', { min: 1, integer: true }),
                             number(form, 'points', { min: 1, integer: true }));
  const seeds = number(form, 'seeds', { min: 1, integer: true });
  const fixedBaseline = form.elements.baseline.value === 'fixed' ? 1.0 : null;
  return { config, baselineConfig, grid, seeds, fixedBaseline, fraction: 0.9, workers: maxWorkers };
}

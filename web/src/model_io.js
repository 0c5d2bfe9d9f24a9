// A trained subspace model is fully described by (configuration, seed, θ_d): θ0 and P are
// regenerated from the seed by the counter-based generator, so the file stores d numbers instead
// of D. Import rebuilds the D parameters in a worker and evaluates them.
import { WorkerPool } from './pool.js';
import { Msg, evaluateMessage } from './protocol.js';

export const MODEL_FORMAT = 'idim-subspace-model';

export function modelFile(run) {
  return JSON.stringify({
    format: MODEL_FORMAT, version: 1, config: run.config, seed: run.config.seed,
    d: run.dimTrainable, D: run.dimFull, test_accuracy: run.accuracy,
    theta_d: Array.from(run.trainable),
  });
}

export function parseModelFile(text) {
  let doc;
  try { doc = JSON.parse(text); } catch (e) { throw new Error(`not a model file (${e.message})`); }
  if (doc?.format !== MODEL_FORMAT) throw new Error(`not a model file: "format" is not "${MODEL_FORMAT}"`);
  if (!doc.config || !Array.isArray(doc.theta_d) || doc.theta_d.some((x) => typeof x !== 'number'))
    throw new Error('model file: needs "config" and a numeric "theta_d" array');
  return doc;
}

let evaluator = null;   // a pool of one worker, kept for imports; a new one after a failure
let nextId = 1;
const pending = new Map();   // id → {resolve, reject}

function getEvaluator() {
  if (evaluator) return evaluator;
  evaluator = new WorkerPool(1, {
    message: (job, m) => {
      const p = pending.get(job.id);
      pending.delete(job.id);
      if (m.type === Msg.evaluated) p.resolve(m);
      else if (m.type === Msg.error) p.reject(new Error(m.message));
    },
    failed: (text) => {   // the worker crashed or the module did not load
      evaluator = null;
      for (const p of pending.values()) p.reject(new Error(text));
      pending.clear();
    },
  }).start();
  return evaluator;
}

// → {accuracy, loss, dimFull, dimTrainable}
export function evaluateModel(doc) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    getEvaluator().queue({ id, message: evaluateMessage(id, doc.config, new Float32Array(doc.theta_d)) });
  });
}

export function download(name, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// A trained subspace model is fully described by (configuration, seed, θ_d): θ0 and P are
// regenerated from the seed by the counter-based generator, so the file stores d numbers instead
// of D. Import rebuilds the D parameters in a worker and evaluates them.
import { Msg, evaluateMessage } from './protocol.js';
import { assetUrls, newWorker } from './sweep.js';

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

let evaluator = null;   // one worker kept for imports
let nextId = 1;
const pending = new Map();

function getEvaluator() {
  if (evaluator) return evaluator;
  const { moduleUrl, mnistUrl } = assetUrls();
  evaluator = newWorker();
  evaluator.onmessage = (e) => {
    const m = e.data;
    if (m.type === Msg.error && m.id == null) {   // the module itself failed to load
      for (const p of pending.values()) p.reject(new Error(m.message));
      pending.clear();
      return;
    }
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.type === Msg.evaluated) p.resolve(m);
    else p.reject(new Error(m.message));
  };
  evaluator.postMessage({ type: Msg.init, moduleUrl, mnistUrl });
  return evaluator;
}

// → {accuracy, loss, dimFull, dimTrainable}
export function evaluateModel(doc) {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    getEvaluator().postMessage(evaluateMessage(id, doc.config, new Float32Array(doc.theta_d)));
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

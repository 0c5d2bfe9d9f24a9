// The page's Web Workers, one pool for every view (the d_int search, the landscape, LoRA,
// pretraining, the model-file evaluator): start n workers (each loads its own module), queue jobs,
// dispatch each to a worker that is ready and idle, route a job's messages back with the job, and
// stop (or fail) the whole pool. A job is {id, message}: `message` is what the worker is sent
// (protocol.js), and the job ends with the worker's first final message for it.
import { Msg, initMessage } from './protocol.js';

export function newWorker() {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

export const assetUrls = () => ({
  moduleUrl: new URL(`${import.meta.env.BASE_URL}wasm/idim.mjs`, location.href).href,
  mnistUrl: new URL(`${import.meta.env.BASE_URL}data/mnist.bin`, location.href).href,
});

// The messages that end a job (an error included: the worker is free again).
const final = new Set([Msg.done, Msg.evaluated, Msg.pathDone, Msg.gridDone, Msg.pretrained, Msg.error]);

export class WorkerPool {
  // size: workers; handlers: {message(job, m): every message of a job; dispatched(job): a job was
  // handed to a worker; failed(text): a worker crashed or could not load the module}.
  constructor(size, handlers) {
    this.size = Math.max(1, size);
    this.handlers = handlers;
    this.slots = [];     // {worker, ready, job}
    this.waiting = [];   // jobs not yet dispatched
    this.stopped = false;
  }

  start() {
    const { moduleUrl, mnistUrl } = assetUrls();
    for (let i = 0; i < this.size; i++) {
      const slot = { worker: newWorker(), ready: false, job: null };
      slot.worker.onmessage = (e) => this.onMessage(slot, e.data);
      slot.worker.onerror = (e) => this.fail(`a worker failed: ${e.message ?? 'unknown error'}`);
      slot.worker.postMessage(initMessage(moduleUrl, mnistUrl));
      this.slots.push(slot);
    }
    return this;
  }

  queue(...jobs) {
    this.waiting.push(...jobs);
    this.dispatch();
  }

  dispatch() {
    for (const slot of this.slots) {
      if (this.stopped || this.waiting.length === 0) return;
      if (!slot.ready || slot.job) continue;
      slot.job = this.waiting.shift();
      this.handlers.dispatched?.(slot.job);
      slot.worker.postMessage(slot.job.message);
    }
  }

  onMessage(slot, m) {
    if (this.stopped) return;
    if (m.type === Msg.ready) {
      slot.ready = true;
      this.dispatch();
      return;
    }
    const job = slot.job;
    if (!job || m.id !== job.id) {
      // an error of no job: the module itself did not load in this worker
      if (m.type === Msg.error) this.fail(m.message);
      return;
    }
    if (final.has(m.type)) slot.job = null;
    this.handlers.message(job, m);
    if (final.has(m.type)) this.dispatch();
  }

  // Terminates every worker (and so the jobs in flight); queued jobs are dropped.
  stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.waiting = [];
    for (const slot of this.slots) slot.worker.terminate();
  }

  fail(text) {
    if (this.stopped) return;
    this.stop();
    this.handlers.failed?.(text);
  }
}

// A sweep: the baseline runs (full training) and every (d, seed) of the grid, run in a pool of Web
// Workers, one run per worker at a time, up to navigator.hardwareConcurrency of them. Finished runs
// are kept; stop() terminates the workers (and so the runs in flight) but keeps what finished.
import { Msg, initMessage, runMessage } from './protocol.js';
import { dintStatus, meanBaseline } from './dint.js';

export function newWorker() {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

export const assetUrls = () => ({
  moduleUrl: new URL(`${import.meta.env.BASE_URL}wasm/idim.mjs`, location.href).href,
  mnistUrl: new URL(`${import.meta.env.BASE_URL}data/mnist.bin`, location.href).href,
});

export class Sweep {
  // plan: {config, baselineConfig, grid, seeds, fixedBaseline (number or null), fraction, workers}
  constructor(plan, onChange) {
    this.plan = plan;
    this.config = { ...plan.config, grid: plan.grid, seeds: plan.seeds };
    this.fraction = plan.fraction;
    this.onChange = onChange;
    this.baselineRuns = [];
    this.runs = [];
    this.running = new Map();   // id → {job, losses: [[step, loss]], stepsPerSecond, epoch, testAccuracy}
    this.recent = [];           // the last few finished runs, for their loss curves
    this.state = 'running';     // running | done | stopped | failed
    this.error = null;
    this.started = performance.now();
    this.queue = this.makeJobs();
    this.total = this.queue.length;
    this.workers = [];
    this.dint = null;
    this.dintState = 'waiting';
    this.updateDint();
  }

  makeJobs() {
    const { config, baselineConfig, grid, seeds, fixedBaseline } = this.plan;
    const jobs = [];
    let id = 0;
    if (fixedBaseline == null)
      for (let s = 0; s < seeds; s++) jobs.push({ id: id++, kind: 'baseline', d: null, seed: s, config: { ...baselineConfig, method: 'full', seed: s } });
    for (const d of grid)
      for (let s = 0; s < seeds; s++) jobs.push({ id: id++, kind: 'subspace', d, seed: s, config: { ...config, d, seed: s } });
    return jobs;
  }

  start() {
    const { moduleUrl, mnistUrl } = assetUrls();
    const n = Math.max(1, Math.min(this.plan.workers, this.queue.length));
    for (let i = 0; i < n; i++) {
      const worker = newWorker();
      const slot = { worker, job: null };
      worker.onmessage = (e) => this.onMessage(slot, e.data);
      worker.onerror = (e) => this.fail(`a worker failed: ${e.message ?? 'unknown error'}`);
      worker.postMessage(initMessage(moduleUrl, mnistUrl));
      this.workers.push(slot);
    }
  }

  next(slot) {
    if (this.state !== 'running') return;
    const job = this.queue.shift();
    slot.job = job ?? null;
    if (!job) {
      slot.worker.terminate();
      if (this.workers.every((w) => w.job === null)) this.finish('done');
      return;
    }
    this.running.set(job.id, { job, losses: [], stepsPerSecond: 0, epoch: 0, testAccuracy: null });
    slot.worker.postMessage(runMessage(job.id, job.config));
    this.onChange(this);
  }

  onMessage(slot, m) {
    if (this.state !== 'running') return;
    const live = this.running.get(m.id);
    if (m.type === Msg.ready) this.next(slot);
    else if (m.type === Msg.progress && live) {
      live.losses.push([m.step, m.loss]);
      live.stepsPerSecond = m.stepsPerSecond;
      live.epoch = m.epoch;
      this.onChange(this);
    } else if (m.type === Msg.epoch && live) {
      live.testAccuracy = m.testAccuracy;
      this.onChange(this);
    } else if (m.type === Msg.done && live) {
      this.record(live.job, m);
      this.running.delete(m.id);
      this.recent = [live, ...this.recent].slice(0, 4);
      this.next(slot);
    } else if (m.type === Msg.error) {
      const what = live ? `${live.job.kind === 'baseline' ? 'baseline' : `d = ${live.job.d}`}, seed ${live.job.seed}: ` : '';
      this.fail(what + m.message);
    }
  }

  record(job, m) {
    const r = m.result;
    const run = { id: job.id, d: job.d, seed: job.seed, accuracy: r.diverged ? NaN : r.testAccuracy,
                  diverged: r.diverged, steps: r.steps, seconds: r.seconds, stop: r.stop,
                  dimFull: m.dimFull, dimTrainable: m.dimTrainable, trainable: m.trainable, config: job.config };
    (job.kind === 'baseline' ? this.baselineRuns : this.runs).push(run);
    this.updateDint();
    this.onChange(this);
  }

  get baseline() {
    return this.plan.fixedBaseline ?? (this.baselineRuns.length === this.plan.seeds ? meanBaseline(this.baselineRuns) : null);
  }

  get threshold() {
    const b = this.baseline;
    return b == null ? null : this.fraction * b;
  }

  updateDint() {
    const s = dintStatus(this.plan.grid, this.plan.seeds, this.runs, this.threshold);
    this.dintState = s.state;
    this.dint = s.state === 'found' ? s.d : null;
  }

  stop() {
    if (this.state === 'running') this.finish('stopped');
  }

  fail(message) {
    if (this.state !== 'running') return;
    this.error = message;
    this.finish('failed');
  }

  finish(state) {
    this.state = state;
    for (const w of this.workers) w.worker.terminate();
    this.running.clear();
    this.updateDint();
    this.onChange(this);
  }

  get stepsPerSecond() {
    let sum = 0;
    for (const r of this.running.values()) sum += r.stepsPerSecond;
    return sum;
  }
}

// A d_int search: the core's DintProcedure (the CLI's own, through the module) decides which runs
// to make, batch by batch; a pool of Web Workers (pool.js) trains each batch, one run per worker at a time.
// With plan.searches = N it makes N independent searches one after the other, as `idim dint
// --searches N` does: search k is the procedure of independentSearch(search, k), seeds of its own
// (its own baseline too), and the answer is the median of their d_int90 with their range
// (dintSpread): the spread over searches is what the reported d_int90 is uncertain by.
// The procedure lives on the page's thread, in the module instance the page loads for its
// defaults: it only does bookkeeping (microseconds per batch), so a worker of its own would add a
// message hop and gain nothing. Finished runs are kept; stop() terminates the workers (and so the
// runs in flight) but keeps what finished.
//
// The journal: every finished run's outcome under its job key (the search, baseline or d, seed,
// and whether early stops were on), in finishing order. A sweep given the journal of an interrupted one (a
// reload, a crash, a shared link) replays the procedure through it: a request the journal answers
// is recorded at once, and only the others are trained, so no finished run is repeated.
import { WorkerPool } from './pool.js';
import { Msg, runMessage } from './protocol.js';

// A request of the procedure → a worker's run configuration. Baseline runs: full training with
// the baseline settings, every epoch. Search runs: the subspace settings with the threshold as
// early-stop target, unless the procedure asks for every epoch (a run whose early stop decided a
// failing verdict); a fresh run without stops gives exactly what the CLI's resumed run gives.
export function runConfig(plan, request, threshold) {
  if (request.baseline) return { ...plan.baselineConfig, method: 'full', seed: request.seed };
  const config = { ...plan.config, d: request.d, seed: request.seed };
  if (request.earlyStops) config.targetAccuracy = threshold;
  return config;
}

// Search 0's keys carry no search, as before there were several: a journal kept then still replays.
export const jobKey = (job) => `${job.search ? `s${job.search}/` : ''}${job.kind === 'baseline' ? 'baseline' : `d${job.d}`}` +
  `/seed${job.seed}/${job.earlyStops ? 'stops' : 'full'}`;

// The number of searches a plan asks for (a plan kept before there were several: one).
export const searchCount = (plan) => plan.searches ?? 1;

export class Sweep {
  // idim: the module (main thread); plan: {config, baselineConfig, search, searches, workers}
  // (settings.js); journal: a previous sweep's (same plan) to continue from. Throws for settings
  // the procedure refuses.
  constructor(idim, plan, onChange, journal = []) {
    this.plan = plan;
    this.idim = idim;
    this.searchCount = searchCount(plan);
    if (!Number.isInteger(this.searchCount) || this.searchCount < 1)
      throw new Error(`searches: expected a whole number ≥ 1, got ${this.searchCount}`);
    this.search = 0;            // the search in progress
    this.procedure = new idim.DintProcedure(idim.independentSearch(plan.search, 0));
    this.searches = [];         // the finished searches: [{dint, baseline, threshold}]
    this.config = { ...plan.config, search: plan.search, searches: this.searchCount };
    this.fraction = plan.search.fraction;
    this.onChange = onChange;
    this.baselineRuns = [];
    this.runs = [];             // the search's runs; one trained on to the end replaces its first outcome
    this.running = new Map();   // id → {job, losses: [[step, loss]], stepsPerSecond, epoch, testAccuracy}
    this.recent = [];           // the last few finished runs, for their loss curves
    this.state = 'running';     // running | done | stopped | failed
    this.error = null;
    this.started = performance.now();
    this.nextId = 0;
    this.batch = [];            // the current batch's finished runs
    // A batch is one d's seeds (or the baseline's): more workers than that would sit idle.
    const widest = Math.max(plan.search.seeds ?? 1, plan.search.baselineSeeds ?? 1);
    this.pool = new WorkerPool(Math.min(plan.workers, widest), {
      dispatched: (job) => {
        this.running.set(job.id, { job, losses: [], stepsPerSecond: 0, epoch: 0, testAccuracy: null });
        this.onChange(this);
      },
      message: (job, m) => this.onMessage(job, m),
      failed: (text) => this.fail(text),
    });
    this.dint = null;           // the median over searches, once all finished
    this.range = null;          // {low, high}: the smallest and largest search's d_int (null: above every d)
    this.dintSearches = null;   // each search's d_int (null: none found), once all finished
    this.journal = [];          // [{key, outcome}]: see above
    this.known = new Map(journal.map((e) => [e.key, e.outcome]));
    this.restored = 0;          // runs taken from the given journal
    this.trained = 0;           // runs trained by this sweep's workers
    this.readProcedure();
    this.enqueue();
  }

  // The procedure's next batch: answered from the journal where it can, into the queue otherwise.
  enqueue() {
    const threshold = this.procedure.threshold();
    const jobs = [...this.procedure.next()].map((request) => ({
      id: this.nextId++, search: this.search, kind: request.baseline ? 'baseline' : 'subspace', d: request.baseline ? null : request.d,
      seed: request.seed, earlyStops: request.earlyStops, config: runConfig(this.plan, request, threshold) }));
    this.batchSize = jobs.length;
    const untrained = [];
    for (const job of jobs) {
      const outcome = this.known.get(jobKey(job));
      if (outcome) { this.restored++; this.record(job, outcome); }
      else untrained.push({ ...job, message: runMessage(job.id, job.config) });
    }
    this.pool.queue(...untrained);
  }

  start() {
    if (this.state !== 'running') return;   // a journal that answered every request
    this.pool.start();
  }

  onMessage(job, m) {
    if (this.state !== 'running') return;
    const live = this.running.get(job.id);
    if (m.type === Msg.progress && live) {
      live.losses.push([m.step, m.loss]);
      live.stepsPerSecond = m.stepsPerSecond;
      live.epoch = m.epoch;
      this.onChange(this);
    } else if (m.type === Msg.epoch && live) {
      live.testAccuracy = m.testAccuracy;
      this.onChange(this);
    } else if (m.type === Msg.done && live) {
      this.running.delete(job.id);
      this.recent = [live, ...this.recent].slice(0, 4);
      this.trained++;
      this.record(live.job, m);
    } else if (m.type === Msg.error) {
      const what = live ? `${live.job.kind === 'baseline' ? 'baseline' : `d = ${live.job.d}`}, seed ${live.job.seed}: ` : '';
      this.fail(what + m.message);
    }
  }

  // m: a worker's done message, or the same fields from the journal.
  record(job, m) {
    this.journal.push({ key: jobKey(job), outcome: { result: m.result, dimFull: m.dimFull, dimTrainable: m.dimTrainable,
                                                     trainable: m.trainable } });
    const r = m.result;
    const run = { id: job.id, search: job.search, d: job.d, seed: job.seed, accuracy: r.diverged ? NaN : r.testAccuracy,
                  diverged: r.diverged, stoppedEarly: r.stoppedEarly, steps: r.steps, seconds: r.seconds, stop: r.stop,
                  dimFull: m.dimFull, dimTrainable: m.dimTrainable, trainable: m.trainable, config: job.config };
    if (job.kind === 'baseline') this.baselineRuns.push(run);
    else {
      const same = this.runs.findIndex((x) => x.search === run.search && x.d === run.d && x.seed === run.seed);
      if (same >= 0) this.runs[same] = run;
      else this.runs.push(run);
    }
    this.batch.push(run);
    if (this.batch.length === this.batchSize) this.reportBatch();
    this.onChange(this);
  }

  // The whole batch is in: the procedure's verdict, then its next batch (or the answer).
  reportBatch() {
    const outcomes = this.batch.map((r) => ({ d: r.d ?? 0, seed: r.seed, accuracy: r.accuracy,
                                              diverged: r.diverged, stoppedEarly: r.stoppedEarly }));
    this.batch = [];
    try {
      this.procedure.report(outcomes);
      this.readProcedure();
    } catch (e) {
      this.fail(e.message);
      return;
    }
    if (!this.procedure.finished()) { this.enqueue(); return; }
    this.searches.push({ dint: this.procedure.result().dint, baseline: this.baseline, threshold: this.threshold });
    if (this.searches.length === this.searchCount) { this.finish('done'); return; }
    this.procedure.delete();
    try {
      this.search++;
      this.procedure = new this.idim.DintProcedure(this.idim.independentSearch(this.plan.search, this.search));
      this.readProcedure();
    } catch (e) {
      this.procedure = null;
      this.fail(e.message);
      return;
    }
    this.enqueue();
  }

  // Copied out of the procedure after each batch, so the view outlives it (and reads like an
  // opened results file).
  readProcedure() {
    this.baseline = this.procedure.baseline();
    this.threshold = this.procedure.threshold();
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
    this.pool.stop();
    this.running.clear();
    if (state === 'done') {
      const spread = this.idim.dintSpread(this.searches.map((s) => s.dint));
      this.dint = spread.median;
      this.range = { low: spread.low, high: spread.high };
      this.dintSearches = spread.searches;
      // the baseline and threshold shown: those of the first search whose answer is the median
      const median = this.searches.find((s) => s.dint === spread.median) ?? this.searches[0];
      this.baseline = median.baseline;
      this.threshold = median.threshold;
      this.medianSearch = this.searches.indexOf(median);
    }
    this.procedure?.delete();   // what the page shows is copied out above
    this.procedure = null;
    this.onChange(this);
  }

  get stepsPerSecond() {
    let sum = 0;
    for (const r of this.running.values()) sum += r.stepsPerSecond;
    return sum;
  }
}

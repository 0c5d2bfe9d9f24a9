// Computes one landscape on a pool of Web Workers (pool.js): one worker trains the d = 2 run and
// streams its path; once the path is known, the grid around θ0 that covers it is dealt out to
// every worker in blocks of rows, each evaluating the training loss and test accuracy at its points.
import { LANDSCAPE, gridAxis, gridBounds, splitRows } from './landscape.js';
import { WorkerPool } from './pool.js';
import { Msg } from './protocol.js';

export class LandscapeRun {
  constructor(config, workers, onChange) {
    this.config = config;
    this.onChange = onChange;
    this.path = [];
    this.bounds = null;
    this.grid = null;        // {x, y, loss, accuracy, pending, complete}
    this.finished = false;
    this.state = 'running';  // running | done | failed | stopped
    this.error = null;
    this.started = performance.now();
    this.seconds = null;
    this.dimFull = null;
    this.pool = new WorkerPool(workers, { message: (job, m) => this.onMessage(job, m), failed: (text) => this.fail(text) });
  }

  start() {
    this.pool.start();
    this.pool.queue({ id: 'path', message: { type: Msg.path, id: 'path', config: this.config, points: LANDSCAPE.pathPoints } });
  }

  onMessage(job, m) {
    if (this.state !== 'running') return;
    if (m.type === Msg.error) this.fail(m.message);
    else if (m.type === Msg.pathPart) this.path = m.path;
    else if (m.type === Msg.pathDone) { this.path = m.path; this.dimFull = m.dimFull; this.finished = true; this.startGrid(); }
    else if (m.type === Msg.gridDone) this.addRows(job.from, m);
    this.onChange(this);
  }

  startGrid() {
    this.bounds = gridBounds(this.path);
    const n = LANDSCAPE.gridSize, x = gridAxis(this.bounds.x, n), y = gridAxis(this.bounds.y, n);
    this.grid = { x, y, loss: new Array(n * n).fill(NaN), accuracy: new Array(n * n).fill(NaN), pending: 0, complete: false };
    const blocks = splitRows(n, this.pool.size).map(([from, to]) => {
      const points = [];
      for (let j = from; j < to; j++) for (const xi of x) points.push([xi, y[j]]);
      return { id: `rows${from}`, from, message: { type: Msg.grid, id: `rows${from}`, config: this.config, points } };
    });
    this.grid.pending = blocks.length;
    this.pool.queue(...blocks);
  }

  addRows(from, m) {
    const offset = from * this.grid.x.length;
    m.loss.forEach((v, k) => { this.grid.loss[offset + k] = v; });
    m.accuracy.forEach((v, k) => { this.grid.accuracy[offset + k] = v; });
    if (--this.grid.pending === 0) {
      this.grid.complete = true;
      this.finish('done');
    }
  }

  stop() { if (this.state === 'running') this.finish('stopped'); }

  fail(message) {
    if (this.state !== 'running') return;
    this.error = message;
    this.finish('failed');
  }

  finish(state) {
    this.state = state;
    this.seconds = (performance.now() - this.started) / 1000;
    this.pool.stop();
    this.onChange(this);
  }

  // The grid's lowest training loss and best test accuracy, for the read-out.
  get best() {
    if (!this.grid?.complete) return null;
    const finite = (a) => a.filter(Number.isFinite);
    return { loss: Math.min(...finite(this.grid.loss)), accuracy: Math.max(...finite(this.grid.accuracy)) };
  }
}

// The LoRA section: its runs on a pool of workers (independent runs, no search), drawn as test
// accuracy against trained parameters per method, with 90% of full training as a line.
import { Chart, Legend, LineController, LineElement, LogarithmicScale, LinearScale, PointElement, ScatterController } from 'chart.js';

import { logTick } from './charts.js';
import { countedAccuracy, defaultFraction } from './dint.js';
import { LORA, METHODS, loraJobs, meansByMethod } from './lora.js';
import { WorkerPool } from './pool.js';
import { Msg, runMessage } from './protocol.js';

Chart.register(Legend, LineController, LineElement, LogarithmicScale, LinearScale, PointElement, ScatterController);

const $ = (id) => document.getElementById(id);
const colors = { lora: '#d62828', subspace: '#5b8def', said: '#2a9d58' };

function loraChart(canvas) {
  const datasets = Object.entries(METHODS).flatMap(([m, label]) => [
    { label: `${label}: runs`, data: [], backgroundColor: `${colors[m]}77`, pointRadius: 3 },
    { type: 'line', label, data: [], borderColor: colors[m], backgroundColor: colors[m], pointRadius: 3, borderWidth: 2 },
  ]);
  datasets.push({ type: 'line', label: '90% of full training', data: [], borderColor: '#d97706', borderDash: [4, 4],
                  pointRadius: 0, borderWidth: 2 });
  return new Chart(canvas, {
    type: 'scatter', data: { datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: 'trained parameters (log scale)' },
             ticks: { autoSkip: true, maxRotation: 0, callback: logTick } },
        y: { min: 0, max: 1, title: { display: true, text: 'test accuracy on digits 5–9' } },
      },
      plugins: { legend: { labels: { boxWidth: 12, filter: (item) => !/: runs$/.test(item.text) } } },
    },
  });
}

function draw(chart, state) {
  const ds = chart.data.datasets, means = meansByMethod(state.runs);
  Object.keys(METHODS).forEach((m, k) => {
    ds[2 * k].data = state.runs.filter((r) => r.method === m).map((r) => ({ x: r.trained, y: countedAccuracy(r) }));
    ds[2 * k + 1].data = means[m];
  });
  const xs = state.runs.map((r) => r.trained);
  const lo = xs.length ? Math.min(...xs) / 1.3 : 5, hi = xs.length ? Math.max(...xs) * 1.3 : 1000;
  Object.assign(chart.options.scales.x, { min: lo, max: hi });
  const line = defaultFraction() * state.baseline;
  ds.at(-1).data = state.baseline == null ? [] : [{ x: lo, y: line }, { x: hi, y: line }];
  chart.update('none');
}

// getPresets(): the presets once the module has loaded (null before); workers: pool size.
export function setupLora(getPresets, workers) {
  const chart = loraChart($('lora-chart'));
  const status = $('lora-status');
  let state = null;

  const finish = (s, kind, text) => {
    s.pool.stop();
    status.dataset.state = kind;
    status.textContent = text;
  };
  const onMessage = (s, job, m) => {
    if (s !== state || status.dataset.state !== 'running') return;
    if (m.type === Msg.error) finish(s, 'failed', `Stopped: ${m.message}`);
    else if (m.type === Msg.done) {
      const run = { accuracy: m.result.testAccuracy, diverged: m.result.diverged };
      if (job.method === 'full') s.baseline = countedAccuracy(run);
      else s.runs.push({ method: job.method, size: job.size, seed: job.seed, trained: m.dimTrainable, ...run });
      s.left--;
      draw(chart, s);
      status.textContent = `Running: ${s.jobs.length - s.left} of ${s.jobs.length} runs finished…`;
      // the curves' means on the status element, for the tests and anyone reading the DOM
      if (s.left === 0) status.dataset.means = JSON.stringify(meansByMethod(s.runs));
      if (s.left === 0) finish(s, 'done', `Done in ${((performance.now() - s.started) / 1000).toFixed(0)} s: ` +
        `${s.jobs.length} runs (full training: ${s.baseline.toFixed(4)}).`);
    }
  };

  $('lora-run').addEventListener('click', () => {
    const presets = getPresets();
    if (!presets) return;
    if (state && status.dataset.state === 'running') finish(state, 'stopped', '');
    const jobs = loraJobs(presets).map((j, id) => ({ ...j, id, message: runMessage(id, j.config) }));
    const s = state = { jobs, runs: [], baseline: null, left: jobs.length, started: performance.now() };
    s.pool = new WorkerPool(workers, {
      message: (job, m) => onMessage(s, job, m),
      failed: (text) => onMessage(s, null, { type: Msg.error, message: text }),
    }).start();
    s.pool.queue(...jobs);
    status.dataset.state = 'running';
    status.textContent = `Running ${jobs.length} runs (ranks ${LORA.ranks.join(', ')}; d ${LORA.ds.join(', ')}; ` +
      `${LORA.seeds.length} seeds)…`;
    draw(chart, s);
  });
}

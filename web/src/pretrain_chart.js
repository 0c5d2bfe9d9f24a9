// The pretraining chart (Chart.js): test accuracy against d on a log axis for the two starts on
// the downstream digits — each run, the mean over seeds, each start's d_int90 (the median over its
// searches) and its range over searches (a bar just under the threshold) — and the threshold they share.
import { Chart, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, ScatterController } from 'chart.js';

import { logTick } from './charts.js';
import { countedAccuracy, summarise } from './dint.js';

Chart.register(Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, ScatterController);

const starts = { random: { label: 'random start', color: '#5b8def' }, pretrained: { label: 'pretrained start', color: '#d97706' } };

export function pretrainChart(canvas) {
  const datasets = Object.values(starts).flatMap(({ label, color }) => [
    { label: `${label}: runs`, data: [], backgroundColor: `${color}88`, pointRadius: 3 },
    { type: 'line', label: `${label}: mean over seeds`, data: [], borderColor: color, backgroundColor: color, pointRadius: 2, borderWidth: 2 },
    { label: `${label}: d_int90`, data: [], backgroundColor: color, borderColor: '#1d2433', pointStyle: 'star', pointRadius: 14, borderWidth: 2 },
    { type: 'line', label: `${label}: range over searches`, data: [], borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 6 },
  ]);
  datasets.push({ type: 'line', label: '90% of full training from a random start', data: [], borderColor: '#2a9d58',
                  borderDash: [4, 4], pointRadius: 0, borderWidth: 2 });
  return new Chart(canvas, {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: 'subspace dimension d (log scale)' },
             ticks: { autoSkip: true, maxRotation: 0, callback: logTick } },
        y: { min: 0, max: 1, title: { display: true, text: 'test accuracy on the downstream digits' } },
      },
      plugins: { legend: { labels: { boxWidth: 12 } } },
    },
  });
}

// sweeps: {random, pretrained} (Sweep or null); threshold: the shared one (or null).
export function updatePretrainChart(chart, sweeps, threshold) {
  const ds = chart.data.datasets;
  const all = [];
  Object.keys(starts).forEach((key, k) => {
    const s = sweeps[key];
    const runs = s?.runs ?? [];
    all.push(...runs.map((r) => r.d));
    const stats = summarise(runs);
    ds[4 * k].data = runs.map((r) => ({ x: r.d, y: countedAccuracy(r) }));
    ds[4 * k + 1].data = stats.map((x) => ({ x: x.d, y: x.mean }));
    const hit = stats.find((x) => x.d === s?.dint);
    ds[4 * k + 2].data = hit ? [{ x: hit.d, y: hit.mean }] : [];
  });
  const lo = all.length ? Math.min(...all) / 1.3 : 1, hi = all.length ? Math.max(...all) * 1.3 : 1000;
  // each start's range under the threshold, the two a little apart so both show where they overlap
  Object.keys(starts).forEach((key, k) => {
    const r = sweeps[key]?.range;
    const y = (threshold ?? 0.5) - 0.04 * (k + 1);
    ds[4 * k + 3].data = r?.low != null ? [{ x: r.low, y }, { x: r.high ?? hi, y }] : [];
  });
  Object.assign(chart.options.scales.x, { min: lo, max: hi });
  ds[8].data = threshold == null ? [] : [{ x: lo, y: threshold }, { x: hi, y: threshold }];
  chart.update('none');
}

// The two charts (Chart.js): test accuracy against d on a log axis — every run the search made,
// the mean over seeds with its min–max spread, the baseline, the threshold, d_int90 (the median
// over searches), each search's d_int90 and their range (drawn along the threshold) — and the
// loss curves of the runs in flight.
import {
  Chart, Filler, Legend, LineController, LineElement, LinearScale, LogarithmicScale, PointElement,
  ScatterController, Tooltip,
} from 'chart.js';

import { countedAccuracy, dintName, summarise } from './dint.js';

Chart.register(Filler, Legend, LineController, LineElement, LinearScale, LogarithmicScale,
               PointElement, ScatterController, Tooltip);

const colors = { runs: '#5b8def', mean: '#1f3f99', band: 'rgba(91,141,239,0.18)', baseline: '#2a9d58',
                 threshold: '#d97706', dint: '#d62828' };
const lossPalette = ['#5b8def', '#d97706', '#2a9d58', '#9b5de5', '#d62828', '#00a6a6', '#8a6d3b', '#e76f51'];

// Log-axis labels only at 1, 2 and 5 × 10^k, so they never crowd.
export function logTick(value) {
  const mantissa = value / 10 ** Math.floor(Math.log10(value) + 1e-9);
  return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6) ? value.toLocaleString('en') : '';
}

export function accuracyChart(canvas) {
  const line = (label, color, extra = {}) => ({ type: 'line', label, data: [], borderColor: color,
                                                  backgroundColor: color, pointRadius: 0, borderWidth: 2, ...extra });
  return new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'run (one seed)', data: [], backgroundColor: colors.runs, pointRadius: 4 },
        line('mean over seeds', colors.mean, { pointRadius: 3 }),
        line('min', 'transparent', { borderWidth: 0 }),
        line('spread over seeds', colors.band, { borderWidth: 0, fill: '-1', backgroundColor: colors.band }),
        line('baseline (full training)', colors.baseline, { borderDash: [6, 4] }),
        line('90% of baseline', colors.threshold, { borderDash: [2, 3] }),
        { label: 'd_int90', data: [], backgroundColor: colors.dint, borderColor: colors.dint,
          pointStyle: 'star', pointRadius: 14, borderWidth: 3 },
        line('range over searches', colors.dint, { borderWidth: 6, pointRadius: 0 }),
        { label: 'each search\'s d_int90', data: [], backgroundColor: '#ffffff', borderColor: colors.dint,
          pointStyle: 'triangle', pointRadius: 7, borderWidth: 2 },
      ],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: 'subspace dimension d (log scale)' },
             ticks: { autoSkip: true, maxRotation: 0, callback: logTick } },
        y: { min: 0, max: 1, title: { display: true, text: 'test accuracy' } },
      },
      plugins: {
        legend: { labels: { filter: (item) => item.text !== 'min', boxWidth: 14 } },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: d = ${c.parsed.x}, accuracy ${c.parsed.y.toFixed(4)}` } },
      },
    },
  });
}

// view: {runs, baseline, threshold, fraction, dint, range: {low, high} | null, dintSearches}
export function updateAccuracyChart(chart, view) {
  const ds = chart.data.datasets;
  const stats = summarise(view.runs);
  ds[0].data = view.runs.map((r) => ({ x: r.d, y: countedAccuracy(r) }));
  ds[1].data = stats.map((s) => ({ x: s.d, y: s.mean }));
  ds[2].data = stats.map((s) => ({ x: s.d, y: s.min }));
  ds[3].data = stats.map((s) => ({ x: s.d, y: s.max }));
  const ds_ = view.runs.length ? view.runs.map((r) => r.d) : [1, 1000];
  const lo = Math.min(...ds_) / 1.3, hi = Math.max(...ds_) * 1.3;
  const name = dintName(view.fraction);
  ds[5].label = `${name.slice(5)}% of baseline`;
  ds[6].label = (view.dintSearches?.length ?? 0) > 1 ? `${name} (median over searches)` : name;
  ds[8].label = `each search's ${name}`;
  chart.options.scales.x.min = lo;
  chart.options.scales.x.max = hi;
  ds[4].data = view.baseline == null ? [] : [{ x: lo, y: view.baseline }, { x: hi, y: view.baseline }];
  ds[5].data = view.threshold == null ? [] : [{ x: lo, y: view.threshold }, { x: hi, y: view.threshold }];
  const hit = stats.find((s) => s.d === view.dint);
  ds[6].data = hit ? [{ x: hit.d, y: hit.mean }] : [];
  // the range along the threshold line; an open top (a search found none) runs to the edge
  const r = view.range, several = (view.dintSearches?.length ?? 0) > 1;
  ds[7].data = several && r?.low != null && view.threshold != null
    ? [{ x: r.low, y: view.threshold }, { x: r.high ?? hi, y: view.threshold }] : [];
  ds[8].data = several && view.threshold != null
    ? view.dintSearches.filter((d) => d != null).map((d) => ({ x: d, y: view.threshold })) : [];
  chart.update('none');
}

export function lossChart(canvas) {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'training step' } },
        y: { type: 'linear', min: 0, title: { display: true, text: 'mini-batch loss' } },
      },
      plugins: { legend: { labels: { boxWidth: 14 } } },
    },
  });
}

// running: Map id → {job, losses}; recent: the last finished runs, drawn thin and labelled so.
export function updateLossChart(chart, running, recent = []) {
  const curve = (r, done) => ({
    label: (r.job.kind === 'baseline' ? `baseline, seed ${r.job.seed}` : `d = ${r.job.d}, seed ${r.job.seed}`) + (done ? ' (done)' : ''),
    data: r.losses.map(([x, y]) => ({ x, y })),
    borderColor: lossPalette[r.job.id % lossPalette.length], backgroundColor: lossPalette[r.job.id % lossPalette.length],
    pointRadius: 0, borderWidth: done ? 1 : 2.5, tension: 0.2,
  });
  chart.data.datasets = [...[...running.values()].map((r) => curve(r, false)), ...recent.map((r) => curve(r, true))];
  chart.update('none');
}

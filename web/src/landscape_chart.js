// The landscape chart (Chart.js): axes θ_d1 and θ_d2, the field (training loss, or test accuracy)
// as a heat map with contour lines drawn by a plugin under the datasets, and over it the training
// path, θ0 and the path's end as datasets.
import { Chart, LineController, LineElement, LinearScale, PointElement, ScatterController, Tooltip, Legend } from 'chart.js';

import { LANDSCAPE, contourLevels, contourSegments } from './landscape.js';

Chart.register(LineController, LineElement, LinearScale, PointElement, ScatterController, Tooltip, Legend);

// viridis at five stops: dark = low, yellow = high
const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function color(t) {
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1), k = Math.min(stops.length - 2, Math.floor(u)), f = u - k;
  return stops[k].map((c, i) => Math.round(c + f * (stops[k + 1][i] - c)));
}

// field: {x, y, values, log}: one pixel per grid point, coloured by the value's place between the
// field's min and max (log scale for losses); accuracy is drawn so high is yellow, loss so low is.
function heatImage({ x, y, values, log }) {
  const canvas = document.createElement('canvas');
  canvas.width = x.length;
  canvas.height = y.length;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(x.length, y.length);
  const f = (v) => (log ? Math.log(Math.max(v, 1e-12)) : v);
  const finite = values.filter(Number.isFinite).map(f);
  const lo = Math.min(...finite), hi = Math.max(...finite);
  values.forEach((v, k) => {
    const i = k % x.length, j = y.length - 1 - Math.floor(k / x.length);   // the image's rows run downwards
    const t = Number.isFinite(v) ? (f(v) - lo) / (hi - lo || 1) : 1;
    const [r, g, b] = color(log ? 1 - t : t);
    image.data.set([r, g, b, Number.isFinite(v) ? 255 : 0], 4 * (j * x.length + i));
  });
  ctx.putImageData(image, 0, 0);
  return canvas;
}

const heatPlugin = {
  id: 'landscapeHeat',
  beforeDatasetsDraw(chart) {
    const field = chart.$field;
    if (!field) return;
    const { ctx, chartArea, scales } = chart;
    const dx = (field.x[1] - field.x[0]) / 2, dy = (field.y[1] - field.y[0]) / 2;
    const left = scales.x.getPixelForValue(field.x[0] - dx), right = scales.x.getPixelForValue(field.x.at(-1) + dx);
    const top = scales.y.getPixelForValue(field.y.at(-1) + dy), bottom = scales.y.getPixelForValue(field.y[0] - dy);
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
    ctx.clip();
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(field.image, left, top, right - left, bottom - top);
    ctx.strokeStyle = 'rgba(255,255,255,0.75)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const [[x1, y1], [x2, y2]] of field.segments) {
      ctx.moveTo(scales.x.getPixelForValue(x1), scales.y.getPixelForValue(y1));
      ctx.lineTo(scales.x.getPixelForValue(x2), scales.y.getPixelForValue(y2));
    }
    ctx.stroke();
    ctx.restore();
  },
};

export function landscapeChart(canvas) {
  return new Chart(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        { type: 'line', label: 'training path in the plane', data: [], borderColor: '#d62828', backgroundColor: '#d62828',
          pointRadius: 1.5, borderWidth: 2, tension: 0 },
        { label: 'θ0 (θ_d = 0)', data: [{ x: 0, y: 0 }], backgroundColor: '#ffffff', borderColor: '#1d2433',
          borderWidth: 2, pointRadius: 6 },
        { label: 'end of training', data: [], backgroundColor: '#d62828', borderColor: '#ffffff', borderWidth: 2,
          pointStyle: 'star', pointRadius: 10 },
      ],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', ticks: { includeBounds: false }, title: { display: true, text: 'θ_d1 (first direction of the random plane)' } },
        y: { type: 'linear', ticks: { includeBounds: false }, title: { display: true, text: 'θ_d2 (second direction)' } },
      },
      plugins: { legend: { labels: { boxWidth: 14 } } },
    },
    plugins: [heatPlugin],
  });
}

// view: {path: [[x, y, loss]], grid: {x, y, loss, accuracy} | null, bounds}; show: 'loss' | 'accuracy'.
export function updateLandscapeChart(chart, view, show) {
  const [path, end, origin] = [chart.data.datasets[0], chart.data.datasets[2], chart.data.datasets[1]];
  path.data = view.path.map(([x, y]) => ({ x, y }));
  end.data = view.finished && view.path.length ? [path.data.at(-1)] : [];
  origin.data = [{ x: 0, y: 0 }];
  if (view.bounds) {
    Object.assign(chart.options.scales.x, { min: view.bounds.x[0], max: view.bounds.x[1] });
    Object.assign(chart.options.scales.y, { min: view.bounds.y[0], max: view.bounds.y[1] });
  }
  chart.$field = null;
  if (view.grid?.complete) {
    const { x, y } = view.grid, log = show === 'loss';
    const values = view.grid[show];
    const segments = contourLevels(values, LANDSCAPE.contours, log).flatMap((l) => contourSegments(values, x, y, l));
    chart.$field = { x, y, values, log, image: heatImage({ x, y, values, log }), segments };
  }
  chart.update('none');
}

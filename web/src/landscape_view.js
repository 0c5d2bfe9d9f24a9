// The landscape section: its buttons, its status line and its chart. One landscape at a time; a
// new one (another plane, another task) stops the one in progress. A landscape is shared as a link
// of its task and plane (#landscape=TASK/SEED): it is recomputed from them, the same bit for bit.
import { landscapeChart, updateLandscapeChart } from './landscape_chart.js';
import { landscapeConfig } from './landscape.js';
import { LandscapeRun } from './landscape_run.js';
import { download } from './model_io.js';

const $ = (id) => document.getElementById(id);
const fmt = (x, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

function statusText(run) {
  const plane = `plane ${run.config.seed}`;
  if (run.state === 'failed') return `Stopped by an error (${plane}): ${run.error}`;
  if (!run.finished) return `Training in the plane (${plane}): ${Math.max(0, run.path.length - 1)} points of the path…`;
  if (!run.grid.complete) return `Evaluating the ${run.grid.x.length}×${run.grid.y.length} grid around θ0 (${plane})…`;
  const end = run.path.at(-1);
  return `Done in ${run.seconds.toFixed(1)} s (${plane}, D = ${run.dimFull.toLocaleString('en')}): lowest training loss ` +
    `on the grid ${fmt(run.best.loss)}, best test accuracy ${fmt(run.best.accuracy)}; training ended at ` +
    `θ_d = (${fmt(end[0], 2)}, ${fmt(end[1], 2)}) with mini-batch loss ${fmt(end[2])}.`;
}

// getPresets(): the form's presets once the module has loaded (null before); workers: pool size.
export function setupLandscape(getPresets, workers) {
  const chart = landscapeChart($('land-chart'));
  let run = null, seed = 0, frame = 0;
  const status = $('land-status');

  const draw = () => {
    frame = 0;
    updateLandscapeChart(chart, run, $('land-show').value);
    status.textContent = statusText(run);
    status.dataset.state = run.state;
    status.dataset.pathPoints = String(run.path.length);
    $('land-export').disabled = $('land-share').disabled = run.state !== 'done';
  };
  const redraw = () => { frame ||= requestAnimationFrame(draw); };

  const tasks = [...$('land-task').options].map((o) => o.value);
  const start = () => {
    const presets = getPresets();
    if (!presets) return;
    run?.stop();
    run = new LandscapeRun(landscapeConfig(presets, $('land-task').value, seed), workers, redraw);
    run.start();
    redraw();
  };
  $('land-run').addEventListener('click', start);
  $('land-next').addEventListener('click', () => { seed++; start(); });
  $('land-task').addEventListener('change', () => { if (run) start(); });
  $('land-export').addEventListener('click', () => download(`idim-landscape-${run.config.task}-plane${run.config.seed}.json`,
    JSON.stringify({ config: run.config, D: run.dimFull, path: run.path, grid: run.grid }, null, 1)));
  $('land-show').addEventListener('change', () => run && redraw());
  $('land-share').addEventListener('click', () => {
    const url = new URL(location.href);
    url.hash = `landscape=${run.config.task}/${run.config.seed}`;
    $('land-link').value = url.href;
    $('land-link-box').hidden = false;
    $('land-link').select();
  });

  // The fragment's "TASK/SEED" → that landscape drawn; a broken one is said, not guessed at.
  return function openLink(value) {
    const [task, plane, extra] = value.split('/');
    const n = Number(plane);
    let why = null;
    if (!tasks.includes(task)) why = `unknown task "${task}" (known: ${tasks.join(', ')})`;
    else if (extra !== undefined || plane === '' || !Number.isInteger(n) || n < 0) why = `the plane "${value.slice(task.length + 1)}" is not a whole number ≥ 0`;
    if (why) {
      status.dataset.state = 'failed';
      status.textContent = `This landscape link is broken: ${why}.`;
      return;
    }
    $('land-task').value = task;
    seed = n;
    start();
    $('landscape').scrollIntoView();
  };
}

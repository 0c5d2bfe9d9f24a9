// The page: wires the form, the search (the core's procedure here, runs in workers), the charts,
// the results table and the files in and out. The module is loaded on this thread for the core's
// defaults (the form's presets) and the procedure's bookkeeping; no run starts until Run.
import './style.css';
import { accuracyChart, lossChart, updateAccuracyChart, updateLossChart } from './charts.js';
import { useCore } from './dint.js';
import { setupLandscape } from './landscape_view.js';
import { setupLora } from './lora_view.js';
import { setupPretrain } from './pretrain_view.js';
import { download, evaluateModel, modelFile, parseModelFile } from './model_io.js';
import { renderDint, renderStatus, renderTable } from './render.js';
import { parseNativeResults, resultsToCsv, resultsToJson } from './results_io.js';
import { applyTaskDefaults, readPlan, taskPresets } from './settings.js';
import { SHARE_KEY, readShareLink, shareLink } from './share.js';
import { clearSearch, loadSearch, saveSearch } from './store.js';
import { assetUrls } from './pool.js';
import { Sweep } from './sweep.js';

const $ = (id) => document.getElementById(id);
const form = $('settings');
const maxWorkers = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16));
$('worker-count').textContent = String(maxWorkers);

const charts = { accuracy: accuracyChart($('accuracy-chart')), loss: lossChart($('loss-chart')) };
let view = null;          // the search shown: a live Sweep or results opened from a file
let frame = 0;
let idim = null;          // the module on this thread (the workers have their own)
let presets = null;       // taskPresets(idim)

function showError(message) {
  const box = $('error');
  box.hidden = !message;
  box.textContent = message ? `Error: ${message}` : '';
}

function draw() {
  frame = 0;
  if (!view) return;
  renderStatus($('status'), view);
  renderDint($('dint'), $('dint-detail'), $('dint-name'), view);
  updateAccuracyChart(charts.accuracy, view);
  updateLossChart(charts.loss, view.running, view.recent ?? []);
  renderTable(document.querySelector('#runs-table tbody'), view, exportModel);
  const running = view.state === 'running';
  $('run').disabled = running;
  $('stop').disabled = !running;
  $('export-json').disabled = $('export-csv').disabled = view.runs.length + view.baselineRuns.length === 0;
  $('share').disabled = !(view instanceof Sweep && view.state === 'done');
  if (view.state === 'failed') showError(view.error);
  if (view instanceof Sweep) {
    persist(view);
    if (view.state === 'stopped' || view.state === 'failed')
      offerResume({ plan: view.plan, journal: view.journal }, `The search ${view.state === 'failed' ? 'failed' : 'was stopped'}`);
  }
}

// The search's journal into IndexedDB whenever a run finishes or its state changes (in order).
let saving = Promise.resolve(), saved = '';
function persist(sweep) {
  const mark = `${sweep.started}/${sweep.journal.length}/${sweep.state}`;
  if (mark === saved) return;
  saved = mark;
  const record = { plan: sweep.plan, journal: sweep.journal, state: sweep.state };
  saving = saving.then(() => saveSearch(record))
    .catch((e) => { $('resume-text').textContent = `(This browser cannot keep finished runs: ${e.message}.)`; });
}

let resumable = null;   // {plan, journal} offered by the resume box
// Offered only for a search that stopped short (stopped, failed, or interrupted by a reload): a
// finished one has nothing to continue. `how`: how it stopped, the sentence's start.
function offerResume(record, how) {
  resumable = record;
  const n = record.journal.length;
  $('resume-text').textContent = `${how} after ${n} finished run${n === 1 ? '' : 's'} (${record.plan.config.task}); ` +
    'they are saved in this browser. Continuing replays them without training and trains only the runs the search ' +
    'still needs; discarding forgets them.';
  $('resume-box').hidden = false;
}

// A sweep continued from a journal: the runs it holds are restored, the rest are trained.
function startSweep(plan, journal = []) {
  showError('');
  $('resume-box').hidden = true;
  $('share-box').hidden = true;
  let next;
  try {
    next = new Sweep(idim, { ...plan, workers: maxWorkers }, redraw, journal);   // the procedure refuses impossible settings
  } catch (e) { showError(e.message); return; }
  if (view?.state === 'running') view.stop();
  view = next;
  view.start();
  redraw();
}

const redraw = () => { frame ||= requestAnimationFrame(draw); };
const openLandscapeLink = setupLandscape(() => presets, maxWorkers);
setupPretrain(() => (presets ? { idim, presets } : null), maxWorkers);
setupLora(() => presets, maxWorkers);

form.addEventListener('submit', (event) => {
  event.preventDefault();
  showError('');
  if (!presets) return;   // the module is still loading (the Run button is disabled until then)
  let plan;
  try { plan = readPlan(form, presets, maxWorkers); } catch (e) { showError(e.message); return; }
  startSweep(plan);
});

$('resume').addEventListener('click', () => resumable && startSweep(resumable.plan, resumable.journal));
$('discard').addEventListener('click', () => {
  resumable = null;
  $('resume-box').hidden = true;
  saved = '';
  saving = saving.then(clearSearch).catch(() => {});
});
$('share').addEventListener('click', async () => {
  $('share-link').value = await shareLink(view, location.href);
  $('share-box').hidden = false;
  $('share-link').select();
});

$('stop').addEventListener('click', () => view?.stop());
const showPreset = (task) => { $('preset-why').textContent = applyTaskDefaults(form, presets, task); };
$('reset').addEventListener('click', () => {
  if (!presets) return;
  form.elements.task.value = 'mnist14';
  showPreset('mnist14');
  $('run').focus();
});
form.elements.task.addEventListener('change', () => presets && showPreset(form.elements.task.value));

$('export-json').addEventListener('click', () => download('idim-web-results.json', resultsToJson(view)));
$('export-csv').addEventListener('click', () => download('idim-web-results.csv', resultsToCsv(view), 'text/csv'));

function exportModel(run) {
  download(`idim-model-d${run.d}-seed${run.seed}.json`, modelFile(run));
}

$('open-native').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  event.target.value = '';
  if (!file) return;
  showError('');
  try {
    const r = parseNativeResults(await file.text());
    $('share-box').hidden = true;
    if (view?.state === 'running') view.stop();
    view = { ...r, running: new Map(), state: 'imported', source: file.name,
             config: { source: file.name, command: r.command } };
    redraw();
  } catch (e) {
    showError(`${file.name}: ${e.message}`);
  }
});

$('open-model').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  event.target.value = '';
  if (!file) return;
  const status = $('model-status');
  status.textContent = `Rebuilding ${file.name}…`;
  try {
    const doc = parseModelFile(await file.text());
    const m = await evaluateModel(doc);
    status.dataset.accuracy = String(m.accuracy);
    status.textContent = `Rebuilt all D = ${m.dimFull.toLocaleString('en')} parameters from ${m.dimTrainable.toLocaleString('en')} ` +
      `stored numbers (θ_d, ${(m.dimFull / m.dimTrainable).toFixed(0)}× fewer) plus the configuration and seed: ` +
      `test accuracy ${m.accuracy.toFixed(4)}` +
      (Number.isFinite(doc.test_accuracy) ? ` (the file says ${doc.test_accuracy.toFixed(4)} at export).` : '.');
  } catch (e) {
    delete status.dataset.accuracy;
    status.textContent = `${file.name}: ${e.message}`;
  }
});

// The form fills in once the module gives the core's defaults; the Run button waits for it.
$('run').disabled = true;
import(/* @vite-ignore */ assetUrls().moduleUrl)
  .then(({ default: createIdim }) => createIdim())
  .then((module) => {
    idim = module;
    useCore(idim);
    presets = taskPresets(idim);
    showPreset(form.elements.task.value);
    $('run').disabled = view?.state === 'running';
    return restore();
  })
  .then(() => { form.dataset.ready = 'true'; })
  .catch((e) => showError(`cannot load the WebAssembly module: ${e.message}`));

// On opening: a shared link rebuilds its search (or draws its landscape); otherwise the search
// kept in this browser is shown again if it finished, or offered to be continued if it did not.
async function restore() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.has('landscape')) openLandscapeLink(params.get('landscape'));
  const fragment = params.get(SHARE_KEY);
  if (fragment != null) {
    try {
      const { plan, journal } = await readShareLink(fragment);
      startSweep(plan, journal);
    } catch (e) { showError(e.message); }
    return;
  }
  let record;
  try { record = await loadSearch(); } catch { return; }   // no storage here: nothing was kept
  if (!record?.journal?.length) return;
  if (record.state === 'done') startSweep(record.plan, record.journal);
  else offerResume(record, 'A search was interrupted');
}

// Draws a search (running, finished or opened from a file) into the page: the status line, the
// d_int90 read-out (the median over independent searches, each search's own and their range) and
// the table of finished runs.
import { dintName } from './dint.js';

const fmt = (x, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

export function renderStatus(el, view) {
  const done = view.runs.length + view.baselineRuns.length;
  const count = view.searchCount ?? 1;
  const which = count > 1 && view.state === 'running' ? ` · search ${view.search + 1} of ${count}` : '';
  const rate = view.stepsPerSecond ? ` · ${Math.round(view.stepsPerSecond).toLocaleString('en')} steps/s` : '';
  const secs = view.started ? ` · ${((performance.now() - view.started) / 1000).toFixed(0)} s` : '';
  const text = {
    running: `Running: ${done} runs finished, ${view.running.size} in flight${which}${rate}${secs}`,
    done: `Finished: ${done} runs${secs}.`,
    stopped: `Stopped: ${done} finished runs kept.`,
    failed: `Stopped by an error after ${done} runs (see above).`,
    imported: `Opened ${view.source}: ${view.runs.length} runs.`,
  }[view.state];
  // a continued or shared search says how many runs it took from the journal rather than trained
  const restored = view.restored ? ` Of the ${view.restored + view.trained} runs made, ${view.restored} were restored ` +
    `and ${view.trained} trained here.` : '';
  el.textContent = text + restored;
  el.dataset.restored = String(view.restored ?? 0);
  el.dataset.trained = String(view.trained ?? 0);
  el.dataset.journal = String(view.journal?.length ?? 0);
  // search 0's share of the journal: a one-search plan asks for exactly these runs (its keys and seeds are search 0's)
  el.dataset.journalFirst = String(view.journal?.filter((e) => !/^s\d+\//.test(e.key)).length ?? 0);
}

// name: the element naming the result (d_int90, or d_int100 for a fraction of 1).
export function renderDint(output, detail, name, view) {
  let text = '…', state = 'waiting';
  if (view.dint != null) { text = String(view.dint); state = 'found'; }
  else if (view.state === 'imported' || view.state === 'done') { text = 'not reached'; state = 'none'; }
  else if (view.state !== 'running') { text = 'not determined'; state = 'unknown'; }
  output.textContent = text;
  output.dataset.state = state;
  const [, digits] = dintName(view.fraction).split('_int');
  name.replaceChildren('d', Object.assign(document.createElement('sub'), { textContent: `int${digits}` }));
  const base = view.baseline == null ? 'baseline pending' : `baseline accuracy ${fmt(view.baseline)}`;
  const thr = view.threshold == null ? '' : `, threshold ${fmt(view.threshold)} (${Math.round(view.fraction * 100)}% of it)`;
  const none = state === 'none' ? ': no d tried reached the threshold' : '';
  // several searches: the median is the answer; each search's own and their range say how sure it is
  const each = view.dintSearches ?? [];
  const named = (d) => (d == null ? 'above every d tried' : String(d));
  const r = view.range;
  const searches = each.length > 1
    ? `${each.length} searches: ${each.map(named).join(', ')}; range ${r?.low ?? '–'} to ${named(r?.high)}; ` : '';
  const whose = each.length > 1 && view.medianSearch != null ? ` of search ${view.medianSearch + 1}, the median's` : '';
  detail.textContent = `(${searches}${base}${thr}${whose}${none})`;
  detail.dataset.searches = JSON.stringify(each);
  detail.dataset.rangeLow = r?.low ?? '';
  detail.dataset.rangeHigh = r?.high ?? '';
}

// Rows: baseline runs first, then subspace runs by d and seed. onExport(run) for subspace rows.
export function renderTable(tbody, view, onExport) {
  const rows = [...view.baselineRuns.map((r) => ({ ...r, kind: 'baseline' })),
                ...[...view.runs].sort((a, b) => (a.search ?? 0) - (b.search ?? 0) || a.d - b.d || a.seed - b.seed)
                  .map((r) => ({ ...r, kind: 'subspace' }))];
  const several = (view.searchCount ?? 1) > 1 || rows.some((r) => r.search > 0);
  tbody.replaceChildren(...rows.map((r) => {
    const tr = document.createElement('tr');
    tr.className = `run-row ${r.kind}`;
    tr.dataset.kind = r.kind;
    tr.dataset.d = r.d ?? '';
    tr.dataset.seed = r.seed;
    tr.dataset.search = r.search ?? 0;
    tr.dataset.accuracy = r.diverged ? 'NaN' : String(r.accuracy);
    const of = several ? ` (search ${(r.search ?? 0) + 1})` : '';
    const cells = [(r.kind === 'baseline' ? 'baseline (full)' : 'subspace') + of, r.d ?? (r.dimFull ? `D = ${r.dimFull}` : 'D'),
                   r.seed, r.diverged ? 'diverged' : fmt(r.accuracy), r.steps ?? '–',
                   Number.isFinite(r.seconds) ? r.seconds.toFixed(1) : '–', r.stop ?? '–'];
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = String(c);
      tr.append(td);
    }
    const td = document.createElement('td');
    if (r.kind === 'subspace' && r.trainable) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'export-model';
      b.textContent = 'Export';
      b.setAttribute('aria-label', `Export the model of d = ${r.d}, seed ${r.seed}`);
      b.addEventListener('click', () => onExport(r));
      td.append(b);
    }
    tr.append(td);
    return tr;
  }));
}

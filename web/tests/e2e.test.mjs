// End-to-end tests in a real browser (Debian's chromium via playwright-core) against the built
// site served on 127.0.0.1: the one-click default search (the core's procedure, runs in workers)
// finds d_int90 and it agrees with the per-run results on the page; exports; a model survives export and import; native results open;
// errors reach the page; a phone-width layout. Any console error fails the run.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { artifacts, startBrowser, startServer, webRoot } from './browser.mjs';

let server, browser, page;
let defaultRuns = 0;   // the default search's runs, baseline included
let uninterrupted = null;   // search 0 of the default search as it finished in one go: {dint, rows, journal}
before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startServer();
  browser = await startBrowser();
  page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#settings[data-ready]');   // the form holds the core's defaults
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const rows = (p = page) => p.$$eval('#runs-table tbody tr', (trs) => trs.map((tr) => ({
  kind: tr.dataset.kind, search: Number(tr.dataset.search), d: Number(tr.dataset.d), seed: Number(tr.dataset.seed),
  accuracy: Number(tr.dataset.accuracy) })));
// The tests run 2 searches, not the default 3, to keep the suite's time: 2 already give a median and a range.
const SEARCHES = '2';

const sortRows = (rs) => [...rs].sort((a, b) => a.kind.localeCompare(b.kind) || a.search - b.search || a.d - b.d || a.seed - b.seed);
const finished = (p, timeout = 120_000) =>
  p.waitForFunction(() => /^Finished/.test(document.querySelector('#status').textContent), null, { timeout });

async function download(selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), 'utf8') };
}

test('opening the page starts no run and says how its defaults differ from the CLI\'s', async () => {
  assert.equal(page.workers().length, 0);
  assert.match(await page.textContent('#status'), /Nothing running yet/);
  assert.match(await page.textContent('#preset-why'), /^none: the CLI's defaults/);
  assert.equal(await page.inputValue('#seeds'), '3');
  assert.equal(await page.inputValue('#searches'), '3');
  assert.equal(await page.inputValue('#precision'), '0.05');
  assert.match(await page.textContent('#idea'), /θ = θ0 \+ P·θd/);
  assert.equal(await page.isEnabled('#run'), true);
  assert.equal(await page.isVisible('#resume-box'), false, 'a fresh page offers to continue a search');
});

test('the default search, started from the keyboard, finds d_int90 and it matches the runs', async () => {
  await page.fill('#searches', SEARCHES);
  // reach the Run button with the keyboard alone (back from the field just typed in)
  for (let i = 0; i < 30 && (await page.evaluate(() => document.activeElement?.id)) !== 'run'; i++) await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'run');
  const start = Date.now();
  await page.keyboard.press('Enter');
  let sawRate = false, sawPartial = false;
  for (;;) {
    const status = await page.textContent('#status');
    sawRate ||= /steps\/s/.test(status);
    const n = (await rows()).length;
    sawPartial ||= n > 0 && /^Running/.test(status);
    if (/^Finished/.test(status)) break;
    assert.ok(!/^Stop/.test(status), `search stopped: ${await page.textContent('#error')}`);
    assert.ok(Date.now() - start < 240_000, 'the default search took over 4 minutes');
    await page.waitForTimeout(500);
  }
  const seconds = (Date.now() - start) / 1000;
  console.log(`# default search: ${seconds.toFixed(0)} s, ${(await rows()).length} runs, d_int90 = ${await page.textContent('#dint')} ` +
              `${await page.textContent('#dint-detail')}`);
  assert.ok(sawRate, 'steps per second were never shown');
  assert.ok(sawPartial, 'results did not appear run by run');
  await page.screenshot({ path: join(artifacts, 'web-demo-desktop.png'), fullPage: true });

  // Each search's verdicts, recomputed from the table: its d_int90 passes (mean over its seeds ≥
  // 0.9 × its own baseline) and every d below it that it tried fails; the shown d_int90 is the
  // lower middle of the searches' answers, the range their smallest and largest.
  const all = await rows();
  const mean = (accs) => accs.reduce((s, a) => s + (Number.isFinite(a) ? a : 0), 0) / accs.length;
  const answers = JSON.parse(await page.getAttribute('#dint-detail', 'data-searches'));
  assert.equal(answers.length, Number(SEARCHES));
  const seeds = new Set();
  answers.forEach((answer, k) => {
    const base = all.filter((r) => r.kind === 'baseline' && r.search === k);
    const sub = all.filter((r) => r.kind === 'subspace' && r.search === k);
    assert.equal(base.length, 1);   // the CLI's one baseline run, per search
    for (const r of [...base, ...sub]) seeds.add(`${k}/${r.seed}`);
    const threshold = 0.9 * base[0].accuracy;
    const byD = new Map();
    for (const r of sub) byD.set(r.d, [...(byD.get(r.d) ?? []), r.accuracy]);
    for (const accs of byD.values()) assert.equal(accs.length, 3);   // 3 seeds at every d tried
    assert.ok(mean(byD.get(answer)) >= threshold, `search ${k}: d = ${answer} does not pass`);
    for (const [d, accs] of byD) if (d < answer) assert.ok(mean(accs) < threshold, `search ${k}: d = ${d} < d_int90 passes`);
    assert.ok([...byD.keys()].some((d) => d < answer), `search ${k}: no failing d below d_int90 was tried`);
  });
  // no two searches share a seed
  const seedsOf = (k) => new Set(all.filter((r) => r.search === k).map((r) => r.seed));
  assert.ok([...seedsOf(1)].every((s) => !seedsOf(0).has(s)), 'searches 1 and 2 share a seed');
  assert.equal(await page.getAttribute('#dint', 'data-state'), 'found');
  const dint = Number(await page.textContent('#dint'));
  const sorted = [...answers].sort((a, b) => a - b);
  assert.equal(dint, sorted[Math.floor((sorted.length - 1) / 2)]);
  assert.equal(Number(await page.getAttribute('#dint-detail', 'data-range-low')), sorted[0]);
  assert.equal(Number(await page.getAttribute('#dint-detail', 'data-range-high')), sorted.at(-1));
  assert.match(await page.textContent('#dint-detail'), new RegExp(`^\\(2 searches: ${answers.join(', ')}; range ${sorted[0]} to ${sorted.at(-1)}`));
  // a finished search has nothing to continue or discard
  assert.equal(await page.isVisible('#resume-box'), false, 'a finished search is offered to be continued');
  defaultRuns = all.length;
  // search 0 is what a one-search plan makes: the reload test below continues one and compares
  uninterrupted = { dint: answers[0], rows: sortRows(all.filter((r) => r.search === 0)),
                    journal: Number(await page.getAttribute('#status', 'data-journal-first')) };
});

test('results export as JSON and CSV with the same d_int90', async () => {
  const json = await download('#export-json');
  const doc = JSON.parse(json.text);
  assert.equal(doc.d_int90, Number(await page.textContent('#dint')));
  assert.equal(doc.runs.length + doc.baseline_runs.length, defaultRuns);
  assert.equal(doc.baseline_runs.length, Number(SEARCHES));
  assert.equal(doc.d_int90_searches.length, Number(SEARCHES));
  assert.deepEqual(doc.d_int90_range, [Math.min(...doc.d_int90_searches), Math.max(...doc.d_int90_searches)]);
  assert.equal(doc.d_int_range, undefined, 'the bootstrap range is still exported');
  const csv = await download('#export-csv');
  const lines = csv.text.trim().split('\n');
  assert.equal(lines[0], 'kind,search,d,seed,test_accuracy,diverged,steps,seconds,stop');
  assert.equal(lines.length, 1 + defaultRuns);
});

test('a subspace model exported and opened again rebuilds with the same accuracy', async () => {
  const dint = Number(await page.textContent('#dint'));
  const row = `#runs-table tbody tr[data-kind="subspace"][data-d="${dint}"] >> nth=0`;
  const expected = Number(await page.getAttribute(row, 'data-accuracy'));
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`${row} >> button.export-model`)]);
  const file = await dl.path();
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(doc.theta_d.length, dint);
  await page.setInputFiles('#open-model', file);
  await page.waitForSelector('#model-status[data-accuracy]', { timeout: 60_000 });
  // same θ_d, same regenerated θ0 and P, same code: the very same accuracy
  assert.equal(Number(await page.getAttribute('#model-status', 'data-accuracy')), expected);
  assert.match(await page.textContent('#model-status'), new RegExp(`from ${dint.toLocaleString('en')} stored numbers`));
});

test('the JSON of idim dint --json opens in the same chart', async () => {
  await page.setInputFiles('#open-native', join(webRoot, 'tests', 'fixtures', 'native_dint.json'));
  await page.waitForFunction(() => /^Opened/.test(document.querySelector('#status').textContent));
  assert.equal(await page.textContent('#dint'), '750');
  assert.match(await page.textContent('#dint-detail'), /baseline accuracy 0\.9712, threshold 0\.8741/);
  const all = await rows();
  assert.equal(all.filter((r) => r.kind === 'subspace').length, 7);
  assert.equal(all.filter((r) => r.kind === 'baseline').length, 1);
});

test('errors reach the page as readable messages and the page stays usable', async () => {
  await page.selectOption('#task', 'spirals');
  await page.fill('#widths', 'abc');
  await page.click('#run');
  assert.match(await page.textContent('#error'), /hidden widths: expected whole numbers/);

  await page.fill('#widths', '32,32');
  await page.fill('#dMax', '1');   // below d min: the procedure refuses it before any run
  const workers = page.workers().length;
  await page.click('#run');
  assert.match(await page.textContent('#error'), /d-max \(1\) is below d-min \(10\)/);
  assert.equal(page.workers().length, workers, 'a refused search started workers');

  await page.fill('#dMin', '100000');
  await page.fill('#dMax', '100000');   // D is 1,218: the module refuses d > D in the first search run
  await page.click('#run');
  await page.waitForFunction(() => /^Stopped by an error/.test(document.querySelector('#status').textContent), null, { timeout: 60_000 });
  assert.match(await page.textContent('#error'), /d = 100000, seed \d: .*d cannot exceed the number of parameters D = 1218/);

  // the page still works: a slower search, stopped after its first results, keeps them
  await page.fill('#dMin', '10');
  await page.fill('#dMax', '1218');
  await page.fill('#epochs', '400');
  await page.click('#run');
  assert.equal(await page.isHidden('#error'), true);
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr[data-kind="subspace"]').length >= 1, null, { timeout: 90_000 });
  await page.click('#stop');
  await page.waitForFunction(() => /^Stopped:/.test(document.querySelector('#status').textContent));
  const kept = (await rows()).length;
  assert.ok(kept >= 2, `kept ${kept} runs`);
  await page.waitForTimeout(1000);
  assert.equal((await rows()).length, kept, 'runs kept coming after Stop');
  assert.equal((await rows()).length, kept, 'runs kept coming after Stop');
  assert.equal(await page.isEnabled('#run'), true);
  // a search stopped short is offered to be continued, saying what was kept
  assert.equal(await page.isVisible('#resume-box'), true);
  assert.match(await page.textContent('#resume-text'), /^The search was stopped after \d+ finished runs \(spirals\); they are saved in this browser/);
});

test('the toy task shows d_int100 = 10, its known intrinsic dimension', async () => {
  await page.selectOption('#task', 'toy');   // the CLI's toy settings: d from 1, baseline fixed at 1
  await page.fill('#searches', '1');   // the d tried below are one search's
  await page.click('#run');
  await page.waitForFunction(() => /^Finished/.test(document.querySelector('#status').textContent), null, { timeout: 180_000 });
  assert.equal(await page.textContent('#dint'), '10');
  assert.equal(await page.textContent('#dint-name'), 'dint100');
  // the d the CLI tries on the same task (dint_procedure.test.mjs checks them against idim dint)
  const tried = [...new Set((await rows()).map((r) => r.d))].sort((a, b) => a - b);
  assert.deepEqual(tried, [1, 2, 4, 8, 9, 10, 11, 16]);
});

test('a phone-width screen gets a one-column page without sideways scrolling', async () => {
  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(server.url);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `page is ${width}px wide on a 390px screen`);
  await phone.screenshot({ path: join(artifacts, 'web-demo-phone.png'), fullPage: true });
  await phone.close();
});

test('the landscape of the digits is drawn with its training path, and another plane differs', async () => {
  await page.click('#land-run');   // its defaults: MNIST 14×14, plane 0
  await page.waitForFunction(() => document.querySelector('#land-status').dataset.state !== 'running', null, { timeout: 90_000 });
  const status = await page.textContent('#land-status');
  assert.equal(await page.getAttribute('#land-status', 'data-state'), 'done', status);
  console.log(`# landscape (MNIST 14×14): ${status}`);
  assert.ok(Number(await page.getAttribute('#land-status', 'data-path-points')) > 50, 'the path has too few points');
  const first = JSON.parse((await download('#land-export')).text);
  assert.equal(first.grid.loss.length, first.grid.x.length * first.grid.y.length);
  assert.ok(first.grid.loss.every(Number.isFinite), 'a grid point has no loss');
  // the path starts at θ0 and lies inside the drawn grid; training lowers the loss it starts from
  assert.deepEqual(first.path[0].slice(0, 2), [0, 0]);
  for (const [x, y] of first.path) assert.ok(x >= first.grid.x[0] && x <= first.grid.x.at(-1) && y >= first.grid.y[0] && y <= first.grid.y.at(-1));
  // training descends the drawn field: the grid's loss where the path ends is below θ0's
  const { x, y, loss } = first.grid;
  const nearest = (axis, v) => axis.reduce((best, a, i) => (Math.abs(a - v) < Math.abs(axis[best] - v) ? i : best), 0);
  const lossAt = ([px, py]) => loss[nearest(y, py) * x.length + nearest(x, px)];
  assert.ok(lossAt(first.path.at(-1)) < lossAt([0, 0]), `loss ${lossAt(first.path.at(-1))} at the end, ${lossAt([0, 0])} at θ0`);
  await page.locator('#landscape').screenshot({ path: join(artifacts, 'page-landscape.png') });

  // its link draws the very same landscape in another tab; a broken link says what is wrong
  await page.click('#land-share');
  const link = await page.inputValue('#land-link');
  const other = await browser.newPage();
  await other.goto(link);
  await other.waitForFunction(() => document.querySelector('#land-status').dataset.state === 'done', null, { timeout: 90_000 });
  const [dl] = await Promise.all([other.waitForEvent('download'), other.click('#land-export')]);
  assert.deepEqual(JSON.parse(readFileSync(await dl.path(), 'utf8')).grid, first.grid);
  await other.close();
  const broken = await browser.newPage();
  await broken.goto(`${server.url}#landscape=mnist14/x`);
  await broken.waitForFunction(() => document.querySelector('#land-status').dataset.state === 'failed');
  assert.match(await broken.textContent('#land-status'), /landscape link is broken: the plane "x" is not a whole number/);
  await broken.close();

  await page.click('#land-next');
  await page.waitForFunction(() => document.querySelector('#land-status').dataset.state !== 'running', null, { timeout: 90_000 });
  const second = JSON.parse((await download('#land-export')).text);
  assert.equal(second.config.seed, first.config.seed + 1);
  assert.notDeepEqual(second.grid.loss, first.grid.loss, 'another plane drew the same landscape');
});

test('the toy task\'s landscape at d = 2 never reaches zero loss', async () => {
  await page.selectOption('#land-task', 'toy');   // a change of task draws it at once
  await page.waitForFunction(() => document.querySelector('#land-status').dataset.state === 'done', null, { timeout: 90_000 });
  const toy = JSON.parse((await download('#land-export')).text);
  assert.equal(toy.config.task, 'toy');
  assert.ok(Math.min(...toy.grid.loss) > 1, `the toy loss reaches ${Math.min(...toy.grid.loss)} on the plane`);
  assert.ok(toy.grid.accuracy.every((a) => a === 0), 'a point of the plane solves the toy task');
  await page.locator('#landscape').screenshot({ path: join(artifacts, 'page-landscape-toy.png') });
});

test('a reload in the middle of a search continues it without repeating a finished run', async () => {
  await page.click('#reset');
  // one search: search 0 of the default search above, so that one's runs are the reference
  await page.fill('#searches', '1');
  await page.click('#run');
  // (the status still shows the toy search's finished journal until the new search draws)
  await page.waitForFunction(() => /^Running/.test(document.querySelector('#status').textContent) &&
                                   Number(document.querySelector('#status').dataset.journal) >= 4, null, { timeout: 60_000 });
  const before = Number(await page.getAttribute('#status', 'data-journal'));
  await page.reload();
  await page.waitForSelector('#settings[data-ready]');
  // a search cut short is offered, saying what was kept and what continuing does
  assert.equal(await page.isVisible('#resume-box'), true);
  assert.match(await page.textContent('#resume-text'),
               /^A search was interrupted after \d+ finished runs \(mnist14\); they are saved in this browser\. Continuing replays them without training and trains only the runs the search still needs/);
  await page.click('#resume');
  await finished(page);
  const restored = Number(await page.getAttribute('#status', 'data-restored'));
  const trained = Number(await page.getAttribute('#status', 'data-trained'));
  assert.ok(restored >= before, `restored ${restored} of the ${before}+ runs finished before the reload`);
  // the same procedure asks for the same runs: any run trained twice would lengthen the journal
  assert.equal(restored + trained, uninterrupted.journal);
  assert.equal(Number(await page.getAttribute('#status', 'data-journal')), uninterrupted.journal);
  assert.equal(Number(await page.textContent('#dint')), uninterrupted.dint);
  assert.deepEqual(sortRows(await rows()), uninterrupted.rows);
  assert.equal(await page.isVisible('#resume-box'), false, 'the continued search, finished, is still offered');
});

test('a shared link rebuilds the search\'s chart without training, and a broken one says so', async () => {
  await page.click('#share');
  await page.waitForSelector('#share-box:not([hidden])');
  const link = await page.inputValue('#share-link');
  const other = await browser.newPage();
  await other.goto(link);
  await other.waitForSelector('#settings[data-ready]');
  await finished(other, 10_000);
  assert.equal(Number(await other.getAttribute('#status', 'data-trained')), 0);
  assert.equal(other.workers().length, 0);
  assert.equal(Number(await other.textContent('#dint')), uninterrupted.dint);
  assert.deepEqual(sortRows(await rows(other)), uninterrupted.rows);
  await other.screenshot({ path: join(artifacts, 'page-shared-link.png') });
  await other.close();
  for (const [broken, why] of [[link.slice(0, -40), /does not decode/], [`${server.url}#search=${btoa('x')}`, /does not decode/]]) {
    const cut = await browser.newPage();
    await cut.goto(broken);
    await cut.waitForSelector('#settings[data-ready]');
    assert.match(await cut.textContent('#error'), new RegExp(`this shared link is broken: .*${why.source}`));
    assert.match(await cut.textContent('#status'), /Nothing running yet/);
    await cut.close();
  }
});

test('one click pretrains on digits 0-4 only and compares d_int90 of 5-9 by the ranges over searches', async () => {
  const start = Date.now();
  // the default is the comparison without the confound: pretraining never saw 5–9's images or labels
  assert.equal(await page.inputValue('#pre-task'), 'other');
  assert.match(await page.textContent('#pre-task option[value="all"]'), /saw the task's own images and labels/);
  await page.click('#pre-run');
  await page.waitForFunction(() => /Pretrained: .* on digits 0–4\./.test(document.querySelector('#pre-status').textContent),
                             null, { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelector('#pre-status').dataset.state !== 'running', null, { timeout: 180_000 });
  const status = await page.textContent('#pre-status');
  console.log(`# pretraining: ${((Date.now() - start) / 1000).toFixed(0)} s; ${status} ${await page.textContent('#pre-result')}`);
  assert.equal(await page.getAttribute('#pre-status', 'data-state'), 'done', status);
  const random = Number(await page.getAttribute('#pre-result', 'data-random'));
  const pretrained = Number(await page.getAttribute('#pre-result', 'data-pretrained'));
  assert.ok(random >= 1 && pretrained >= 1, `d_int90 ${random} and ${pretrained}`);
  // each start's range over its 2 searches holds its median; the sentence follows from the ranges
  const rr = JSON.parse(await page.getAttribute('#pre-result', 'data-random-range'));
  const pr = JSON.parse(await page.getAttribute('#pre-result', 'data-pretrained-range'));
  assert.ok(rr.low <= random && random <= (rr.high ?? Infinity) && pr.low <= pretrained && pretrained <= (pr.high ?? Infinity));
  const overlap = rr.low <= (pr.high ?? Infinity) && pr.low <= (rr.high ?? Infinity);
  const text = await page.textContent('#pre-result');
  assert.match(text, new RegExp(`d_int90 is ${pretrained} \\(range ${pr.low} to .*against ${random} \\(range ${rr.low} to `));
  assert.match(text, overlap ? /no difference measured/ : new RegExp(`${(pretrained / random).toFixed(2)}×.*the ranges do not overlap`));
  await page.locator('#pretraining').screenshot({ path: join(artifacts, 'page-pretraining.png') });
});

test('a model file of idim train --save starts the comparison; a corrupt one is refused by name', async () => {
  const native = process.env.IDIM_NATIVE_MODEL;
  assert.ok(native, 'IDIM_NATIVE_MODEL is not set (scripts/test_web.sh writes the file)');
  await page.setInputFiles('#pre-open', native);
  // the file's network (FC 784-64, 28×28) is checked in a worker before the searches start
  await page.waitForFunction(() => /Starting point: .*fc 64.*Searching d_int90/.test(document.querySelector('#pre-status').textContent),
                             null, { timeout: 60_000 });
  const corrupt = join(artifacts, 'corrupt.idim');
  const bytes = readFileSync(native);
  bytes[bytes.length - 1] ^= 0xff;   // one value's last byte
  writeFileSync(corrupt, bytes);
  await page.setInputFiles('#pre-open', corrupt);
  await page.waitForFunction(() => document.querySelector('#pre-status').dataset.state === 'failed');
  assert.match(await page.textContent('#pre-status'), /corrupt\.idim: checksum mismatch .*the file is corrupt/);
  await page.waitForTimeout(1000);   // the cancelled searches say nothing more
  assert.equal(await page.getAttribute('#pre-status', 'data-state'), 'failed');
  writeFileSync(corrupt, 'not a model');
  await page.setInputFiles('#pre-open', corrupt);
  await page.waitForFunction(() => /corrupt\.idim: not an idim model file/.test(document.querySelector('#pre-status').textContent));
});

test('LoRA at each rank and the subspace methods are drawn by trained parameters on one chart', async () => {
  await page.click('#lora-run');
  await page.waitForFunction(() => document.querySelector('#lora-status').dataset.state !== 'running', null, { timeout: 120_000 });
  const status = await page.textContent('#lora-status');
  console.log(`# LoRA: ${status}`);
  assert.equal(await page.getAttribute('#lora-status', 'data-state'), 'done', status);
  const means = JSON.parse(await page.getAttribute('#lora-status', 'data-means'));
  assert.equal(means.lora.length, 4);   // ranks 1, 2, 4, 8
  assert.equal(means.subspace.length, 8);
  assert.equal(means.said.length, 8);
  // a higher rank trains proportionally more numbers; accuracy grows with them for each method
  for (let k = 1; k < 4; k++) assert.equal(means.lora[k].x, 2 * means.lora[k - 1].x);
  for (const [method, curve] of Object.entries(means)) {
    for (const p of curve) assert.ok(p.y > 0.1 && p.y <= 1, `${method}: accuracy ${p.y} at ${p.x}`);
    // d from 10 spans chance to near full training; LoRA's rank 1 already trains hundreds
    assert.ok(curve.at(-1).y > curve[0].y + (method === 'lora' ? 0 : 0.2), `${method}: more trained numbers did not help`);
  }
  await page.locator('#lora').screenshot({ path: join(artifacts, 'page-lora.png') });
});

test('no errors in the browser console', () => {
  assert.deepEqual(browser.consoleErrors, []);
});

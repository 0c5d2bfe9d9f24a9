// Wall-clock seconds of each view's default in headless Chromium, as a visitor starts it: the
// d_int90 search, the landscape (MNIST 14×14 and the toy task), the pretraining comparison and
// LoRA beside subspaces. Each view's default is meant to finish within 60 s on two cores.
// Needs: scripts/build_wasm.sh and the site built (cd web && npm run build).
// Usage: node bench/web_views_bench.mjs   (writes build/web-artifacts/web_views_bench.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

import { artifacts, startBrowser, startServer } from '../web/tests/browser.mjs';

const limit = 300_000;
// Each view: the button that starts it (or the select whose change does), when it is over, its
// status, and where it states its result (if it does).
const views = [
  { name: 'd_int90 search (MNIST 14×14, FC 196-64-10, 3 searches)', click: '#run', status: '#status', result: '.dint-line',
    over: () => /^(Finished|Stopped)/.test(document.querySelector('#status').textContent) },
  { name: 'landscape, MNIST 14×14', click: '#land-run', status: '#land-status',
    over: () => document.querySelector('#land-status').dataset.state !== 'running' },
  { name: 'landscape, toy task', select: ['#land-task', 'toy'], status: '#land-status',
    over: () => document.querySelector('#land-status').dataset.state !== 'running' },
  { name: 'pretraining: FC 196-64 pretrained on 0–4, two starts × 2 searches on 5–9', click: '#pre-run', status: '#pre-status', result: '#pre-result',
    over: () => document.querySelector('#pre-status').dataset.state !== 'running' },
  { name: 'LoRA beside subspaces (41 runs)', click: '#lora-run', status: '#lora-status',
    over: () => document.querySelector('#lora-status').dataset.state !== 'running' },
];

const server = await startServer();
const browser = await startBrowser();
const results = [];
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#settings[data-ready]');
  for (const v of views) {
    const start = Date.now();
    if (v.select) await page.selectOption(...v.select);
    else await page.click(v.click);
    await page.waitForTimeout(50);   // the click's state reaches the status element
    await page.waitForFunction(v.over, null, { timeout: limit });
    const seconds = (Date.now() - start) / 1000;
    const result = v.result ? (await page.textContent(v.result)).replace(/\s+/g, ' ').trim() : undefined;
    results.push({ view: v.name, seconds, status: (await page.textContent(v.status)).trim(), result });
    console.log(`${v.name}: ${seconds.toFixed(1)} s`);
  }
  if (browser.consoleErrors.length) throw new Error(`console errors: ${browser.consoleErrors.join('; ')}`);
} finally {
  await browser.close();
  await server.close();
}
mkdirSync(artifacts, { recursive: true });
writeFileSync(join(artifacts, 'web_views_bench.json'),
              JSON.stringify({ cpus: cpus().length, cpu: cpus()[0]?.model, results }, null, 2) + '\n');

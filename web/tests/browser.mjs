// Shared by the browser tests and the benchmark: serves the built site (web/dist) with Vite's
// preview server on 127.0.0.1 and drives Debian's chromium through playwright-core (no downloaded
// browsers), collecting every console error of the page and its workers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';
import { preview } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
export const webRoot = join(here, '..');
export const artifacts = process.env.IDIM_WEB_ARTIFACTS ?? join(webRoot, '..', 'build', 'web-artifacts');

export async function startServer() {
  const server = await preview({ root: webRoot, logLevel: 'warn', preview: { host: '127.0.0.1', port: 4180, strictPort: false } });
  const url = server.resolvedUrls.local[0];
  return { url, close: () => new Promise((resolve) => server.httpServer.close(resolve)) };
}

export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'idim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const consoleErrors = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`); });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`worker: ${m.text()}`); }));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context, consoleErrors,
    newPage: () => context.newPage(),
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

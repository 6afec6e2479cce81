// Console benchmark (not a test): in headless Chromium, the time from
// opening the console to the first rendered rows of the job list with N
// jobs in the store, and to the first rendered lines of a log of LINES
// lines. Each figure is measured in the page (performance.now(), from the
// navigation's start), over RUNS fresh page loads.
//
//   N=1000000 LINES=1000000 node bench/console_bench.mjs
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { bin, pct, startServer } from './common.mjs';

const N = Number(process.env.N || 1_000_000);
const LINES = Number(process.env.LINES || 1_000_000);
const RUNS = Number(process.env.RUNS || 20);
const work = mkdtempSync(path.join(tmpdir(), 'drover-consolebench-'));
const dataDir = path.join(work, 'drover');

// N jobs created over the last six days (the list's default range is 7).
const file = path.join(work, 'jobs.jsonl');
const out = createWriteStream(file);
const statuses = ['Succeeded', 'Succeeded', 'Failed', 'Stopped'];
const now = Date.now();
for (let i = 1; i <= N; i++) {
  const created = new Date(now - Math.floor((i / N) * 6 * 86400e3)).toISOString().replace(/\.\d+Z$/, 'Z');
  const job = { JobId: `dlc${i.toString(36).padStart(13, '0')}`, DisplayName: `job-${i}`, JobType: 'PyTorchJob',
                Status: statuses[i % statuses.length], WorkspaceId: '1', UserId: 'admin', GmtCreateTime: created,
                GmtFinishTime: created, UserCommand: 'python train.py',
                JobSpecs: [{ Type: 'Worker', Image: 'pytorch:2.1', PodCount: 1, ResourceConfig: { CPU: '1' } }] };
  if (!out.write(JSON.stringify(job) + '\n')) await new Promise((r) => out.once('drain', r));
}
await new Promise((r) => out.end(r));
console.log(execFileSync(bin, ['import', '--data-dir', dataDir, file]).toString().trim());

const server = await startServer([], 2, dataDir);
const origin = `http://127.0.0.1:${server.port}`;
const { JobId: logJob } = await server.call('POST', '/api/v1/jobs', {
  DisplayName: 'long-log', JobType: 'PyTorchJob', UserCommand: `seq 1 ${LINES}`,
  JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1, ResourceConfig: { CPU: '1' } }] });
for (;;) {
  const job = await server.call('GET', `/api/v1/jobs/${logJob}`);
  if (['Succeeded', 'Failed', 'Stopped'].includes(job.Status)) break;
  await new Promise((r) => setTimeout(r, 200));
}

const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true,
                                         args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
// The time to `selector` on a fresh load of `hash`, signed in (the key is
// in the tab's sessionStorage before the page's script runs).
async function timeTo(hash, selector) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.evaluateOnNewDocument(() => sessionStorage.setItem('drover.key', JSON.stringify({ id: 'bench', secret: 'bench' })));
  await page.goto(`${origin}/console/${hash}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector(selector, { timeout: 60000 });
  const ms = await page.evaluate(() => performance.now());
  await page.close();
  return ms;
}
const measure = async (hash, selector) => {
  await timeTo(hash, selector);  // warm: the browser's cache of the console's files, the server's first use
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await timeTo(hash, selector));
  return times;
};
const list = await measure('#/jobs', '#jobs tbody tr');
const log = await measure(`#/jobs/${logJob}`, '#log .lines div');
await browser.close();
await server.stop();
rmSync(work, { recursive: true, force: true });

const f = (t) => `p50 ${pct(t, 0.5).toFixed(0)} ms, p99 ${pct(t, 0.99).toFixed(0)} ms`;
console.log(`first rendered job list, ${N} jobs: ${f(list)} (target ≤ 300 ms)`);
console.log(`first rendered log lines, ${LINES}-line log: ${f(log)} (target ≤ 500 ms)`);

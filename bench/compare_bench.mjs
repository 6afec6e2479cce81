// Compare two builds of drover on the same jobs (not a test): each serves
// its own copy of a data dir (a release may migrate the layout), in turn,
// old/new/old/new; each of a ListJobs mix runs 200 times on one keep-alive
// connection, and the server's own time per request (the access log's µs)
// is reported as a median, so the client and the transport are left out.
// Also the seconds to serving and to every kept sort order built, and RSS
// then.
//
//   node bench/compare_bench.mjs /tmp/drover-old /tmp/data-old build/drover /tmp/data-new
//
// The data dirs: copies of the drover/ dir that `KEEP=1 BASELINES=0 node
// bench/list_bench.mjs` leaves (a million jobs by default).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
const [oldBin, oldData, newBin, newData] = process.argv.slice(2);
if (!newData) {
  console.error('usage: node bench/compare_bench.mjs OLD_BIN OLD_DATA_DIR NEW_BIN NEW_DATA_DIR');
  process.exit(2);
}
const DATAS = { old: oldData, new: newData };
const BINS = { old: oldBin, new: newBin };
const NOW = Date.UTC(2026, 10, 1), DAY = 86400e3;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const YEAR = { StartTime: iso(NOW - 366 * DAY), EndTime: iso(NOW) };
const WEEK = { StartTime: iso(NOW - 7 * DAY), EndTime: iso(NOW) };
const Q = [
  ['default list', { WorkspaceId: 'ws3', PageSize: 50, ...WEEK }],
  ['fuzzy name + status', { DisplayName: 'llama-sft', Status: 'Failed', PageSize: 50, ...YEAR }],
  ['name prefix', { DisplayName: 'llama', DisplayNameSearchMode: 'prefix', PageSize: 50, ...YEAR }],
  ['name prefix + type', { DisplayName: 'eval', DisplayNameSearchMode: 'prefix', JobType: 'TFJob', PageSize: 50, ...YEAR }],
  ['reason words', { ReasonSearch: 'out of memory', PageSize: 50, ...YEAR }],
  ['command words', { UserCommandSearch: 'deepspeed zero', PageSize: 50, ...YEAR }],
  ['image words', { ImageSearch: 'megatron', PageSize: 50, ...YEAR }],
  ['tag + user p20', { Tags: JSON.stringify({ team: 'nlp' }), Username: 'user42', PageSize: 50, PageNumber: 20, ...YEAR }],
  ['gpu range by name', { NumericRangeField: 'RequestGPU', NumericRangeMin: 6, NumericRangeMax: 8, SortBy: 'DisplayName', Order: 'asc', PageSize: 50, ...YEAR }],
  ['status sort p2000', { SortBy: 'Status', PageSize: 50, PageNumber: 2000, ...YEAR }],
  ['finish sort p100', { SortBy: 'GmtFinishTime', PageSize: 50, PageNumber: 100, ...YEAR }],
  ['jobtype sort ws', { WorkspaceId: 'ws3', SortBy: 'JobType', PageSize: 50, ...YEAR }],
  ['finish-time window, 10 days', { TimeRangeField: 'GmtFinishTime', StartTime: iso(NOW - 10 * DAY), EndTime: iso(NOW), PageSize: 50 }],
  ['modified-time window, 1 day, by name', { TimeRangeField: 'GmtModifiedTime', StartTime: iso(NOW - DAY), EndTime: iso(NOW), SortBy: 'DisplayName', PageSize: 50 }],
  ['duration range', { NumericRangeField: 'Duration', NumericRangeMin: 3600, PageSize: 50, ...YEAR }],
];
const RUNS = 200;
async function run(label) {
  const t0 = performance.now();
  const p = spawn(BINS[label], ['serve', '--listen', '127.0.0.1:0', '--data-dir', DATAS[label], '--auth', 'off'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '', port, listening, ready;
  const us = [];
  const onLine = (line) => {
    let m;
    if (!port && (m = /listening on [\d.]+:(\d+)/.exec(line))) { port = Number(m[1]); listening = (performance.now() - t0) / 1000; }
    if (/sort orders ready/.test(line)) ready = (performance.now() - t0) / 1000;
    if ((m = / (\d+)us$/.exec(line)) && /access/.test(line)) us.push(Number(m[1]));
  };
  const feed = (c) => { buf += c; let i; while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); } };
  p.stdout.on('data', feed); p.stderr.on('data', feed);
  while (!port || !ready) await new Promise((r) => setTimeout(r, 50));
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))[1]) / 1024;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (qs) => new Promise((res, rej) => http.get({ host: '127.0.0.1', port, path: '/api/v1/jobs?' + new URLSearchParams(qs), agent }, (r) => { r.resume(); r.on('end', res); }).on('error', rej));
  const out = {};
  for (const [name, qs] of Q) { for (let i = 0; i < 20; i++) await get(qs); }
  await new Promise((r) => setTimeout(r, 200));
  for (const [name, qs] of Q) {
    const before = us.length;
    for (let i = 0; i < RUNS; i++) await get(qs);
    await new Promise((r) => setTimeout(r, 100));
    const s = us.slice(before).sort((a, b) => a - b);
    out[name] = s[Math.floor(s.length / 2)];
  }
  agent.destroy(); p.kill('SIGTERM'); await new Promise((r) => p.on('exit', r));
  return { listening, ready, rss, out };
}
const results = [];
for (const label of ['old', 'new', 'old', 'new']) results.push([label, await run(label)]);
console.log('| query | ' + results.map(([l]) => l + ' µs').join(' | ') + ' |');
for (const [name] of Q) console.log(`| ${name} | ` + results.map(([, r]) => r.out[name]).join(' | ') + ' |');
for (const k of ['listening', 'ready', 'rss']) console.log(`| ${k} | ` + results.map(([, r]) => r[k].toFixed(1)).join(' | ') + ' |');

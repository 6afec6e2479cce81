// List benchmark (not a test): N DLC-style jobs, imported into drover and
// loaded into PostgreSQL 15 with best-practice indexes, then the same
// ListJobs-style queries — with their exact counts — against both.
//
//   N=1000000 node bench/list_bench.mjs
//
// Prints p50/p99 per query for drover over HTTP keep-alive (1 and 2 client
// connections) and for PostgreSQL (query + count over a local socket), the
// ratio per query and the geometric mean; and import rate, start-up time
// and server RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { bin, pct, startServer } from './common.mjs';

const N = Number(process.env.N || 1_000_000);
const RUNS = Number(process.env.RUNS || 100);
// BASELINES=0: Drover alone, no PostgreSQL or SQLite and so no ratios (a
// quicker loop while working on the engine; the figures to quote need both).
// BASELINES=postgres: PostgreSQL only (SQLite's slowest queries take
// minutes each at 10M jobs).
const BASELINES = process.env.BASELINES !== '0';
// STORE=postgres: Drover keeps its own store on PostgreSQL (a cluster of
// this run's own, fsync on) instead of its embedded SQLite file; lists are
// served from memory either way, and import and start-up read and write
// through the database.
const STORE = process.env.STORE;
const SQLITE = BASELINES && process.env.BASELINES !== 'postgres';
// Before timing, each engine runs the whole mix untimed: at least 3 rounds
// and at least 3 seconds. Three rounds alone (27 requests) left the node
// client still warming its JIT and heap: drover's first 100 default lists
// took 0.84 ms at p50 and settled at 0.65-0.70 ms after ~1,500 requests.
const warmUp = async (runMix) => {
  const until = performance.now() + 3000;
  for (let round = 0; round < 3 || performance.now() < until; round++) await runMix();
};
const work = mkdtempSync(path.join(tmpdir(), 'drover-listbench-'));
// KEEP=1 leaves the work dir (its drover/ data dir serves bench/compare_bench.mjs).
const removeWork = () => (process.env.KEEP ? console.log(`kept ${work}`) : rmSync(work, { recursive: true, force: true }));
chmodSync(work, 0o777);
const NOW = Date.UTC(2026, 10, 1);
const DAY = 86400e3;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

// ---- data ---------------------------------------------------------------
// mulberry32: 32-bit integer arithmetic throughout (a float LCG loses its
// low bits and cycles after ~16k values, which would make the data repetitive).
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];
const words = ['resnet', 'bert', 'llama', 'mnist', 'gpt', 'vit', 'train', 'eval', 'finetune', 'pretrain',
               'sft', 'rlhf', 'nightly', 'sweep', 'ablation', '训练', '模型', '微调', '推理', '数据'];
const statuses = ['Succeeded', 'Succeeded', 'Succeeded', 'Failed', 'Stopped', 'Running', 'Queuing'];
const reasons = ['CUDA out of memory', 'NCCL timeout on rank 3', 'exit code 1', '显存不足', 'node lost', 'OOMKilled by kernel'];
const commands = ['python train.py --epochs 10', 'torchrun --nproc_per_node 8 pretrain.py', 'bash run_sweep.sh',
                  'python eval.py --ckpt last', 'deepspeed sft.py --zero 3'];
const images = ['pytorch:2.1-cuda12', 'pytorch:1.13-cuda11', 'tensorflow:2.14-gpu', 'megatron:23.10', 'vllm:0.4'];
const teams = ['nlp', 'vision', 'speech', 'rec', 'infra'];

function genJob(i) {
  const created = NOW - Math.floor(rand() * 365 * DAY);
  const status = pick(statuses);
  const finished = ['Succeeded', 'Failed', 'Stopped'].includes(status) ? created + Math.floor(rand() * 2 * DAY) : 0;
  const user = `user${Math.floor(rand() * 500)}`;
  return {
    JobId: `dlc${i.toString(36).padStart(13, '0')}`,
    DisplayName: `${pick(words)}-${pick(words)}-${Math.floor(rand() * 10000)}`,
    JobType: rand() < 0.7 ? 'PyTorchJob' : 'TFJob',
    Status: status,
    ReasonMessage: status === 'Failed' ? pick(reasons) : '',
    WorkspaceId: `ws${Math.floor(rand() * 20)}`,
    UserId: user, Username: user,
    Priority: 1 + Math.floor(rand() * 9),
    ResourceId: `quota-${Math.floor(rand() * 10)}`,
    GmtCreateTime: iso(created),
    GmtFinishTime: finished ? iso(finished) : null,
    UserCommand: pick(commands),
    JobSpecs: [{ Type: 'Worker', Image: pick(images), PodCount: 1 + Math.floor(rand() * 4),
                 ResourceConfig: { GPU: String(Math.floor(rand() * 3)), CPU: '8', Memory: '64Gi' } }],
    Settings: { Tags: { team: pick(teams) } },
  };
}

async function writeData() {
  const jsonl = createWriteStream(path.join(work, 'jobs.jsonl'));
  const tsv = createWriteStream(path.join(work, 'jobs.tsv'));
  const write = (s, text) => (s.write(text) ? null : new Promise((r) => s.once('drain', r)));
  const esc = (s) => String(s).replace(/\\/g, '\\\\').replace(/\t/g, ' ').replace(/\n/g, ' ');
  for (let i = 1; i <= N; i++) {
    const j = genJob(i);
    const spec = j.JobSpecs[0];
    const gpu = Number(spec.ResourceConfig.GPU) * spec.PodCount;
    const row = ['local', j.JobId, j.DisplayName, j.JobType, j.Status, j.ReasonMessage, j.WorkspaceId, j.UserId,
                 j.Username, j.Priority, j.ResourceId, j.GmtCreateTime, j.GmtFinishTime ?? '\\N', j.UserCommand,
                 spec.Image, gpu, JSON.stringify(j.Settings.Tags)].map((v) => (v === '\\N' ? v : esc(v))).join('\t');
    await write(jsonl, JSON.stringify(j) + '\n');
    await write(tsv, row + '\n');
  }
  await Promise.all([new Promise((r) => jsonl.end(r)), new Promise((r) => tsv.end(r))]);
}

// ---- the queries --------------------------------------------------------
const YEAR = { StartTime: iso(NOW - 366 * DAY), EndTime: iso(NOW) };
const WEEK = { StartTime: iso(NOW - 7 * DAY), EndTime: iso(NOW) };
const queries = [
  { name: 'default list (workspace, last 7 days, newest)', dlc: { WorkspaceId: 'ws3', PageSize: 50, ...WEEK },
    sql: { where: "workspace_id = 'ws3' AND created BETWEEN $1 AND $2", args: [WEEK.StartTime, WEEK.EndTime], order: 'created DESC, job_id DESC' } },
  { name: 'fuzzy name + status', dlc: { DisplayName: 'llama-sft', Status: 'Failed', PageSize: 50, ...YEAR },
    sql: { where: "name ILIKE '%llama-sft%' AND status = 'Failed' AND created BETWEEN $1 AND $2", args: [YEAR.StartTime, YEAR.EndTime], order: 'created DESC, job_id DESC' } },
  { name: 'full text: reason', dlc: { ReasonSearch: 'out of memory', PageSize: 50, ...YEAR },
    sql: { where: "to_tsvector('simple', reason) @@ plainto_tsquery('simple', 'out of memory') AND created BETWEEN $1 AND $2", args: [YEAR.StartTime, YEAR.EndTime], order: 'created DESC, job_id DESC' } },
  { name: 'full text: command', dlc: { UserCommandSearch: 'deepspeed zero', PageSize: 50, ...YEAR },
    sql: { where: "to_tsvector('simple', command) @@ plainto_tsquery('simple', 'deepspeed zero') AND created BETWEEN $1 AND $2", args: [YEAR.StartTime, YEAR.EndTime], order: 'created DESC, job_id DESC' } },
  { name: 'full text: image', dlc: { ImageSearch: 'megatron', PageSize: 50, ...YEAR },
    sql: { where: "to_tsvector('simple', image) @@ plainto_tsquery('simple', 'megatron') AND created BETWEEN $1 AND $2", args: [YEAR.StartTime, YEAR.EndTime], order: 'created DESC, job_id DESC' } },
  { name: 'tag + fuzzy user, page 20', dlc: { Tags: JSON.stringify({ team: 'nlp' }), Username: 'user42', PageSize: 50, PageNumber: 20, ...YEAR },
    sql: { where: "tags @> '{\"team\":\"nlp\"}' AND username ILIKE '%user42%' AND created BETWEEN $1 AND $2", args: [YEAR.StartTime, YEAR.EndTime], order: 'created DESC, job_id DESC', offset: 950 } },
  { name: 'numeric range sorted by name', dlc: { NumericRangeField: 'RequestGPU', NumericRangeMin: 6, NumericRangeMax: 8, SortBy: 'DisplayName', Order: 'asc', PageSize: 50, ...YEAR },
    sql: { where: 'request_gpu BETWEEN 6 AND 8 AND created BETWEEN $1 AND $2', args: [YEAR.StartTime, YEAR.EndTime], order: 'name ASC, job_id ASC' } },
  { name: 'sort by status, page 2000', dlc: { SortBy: 'Status', PageSize: 50, PageNumber: 2000, ...YEAR },
    sql: { where: 'created BETWEEN $1 AND $2', args: [YEAR.StartTime, YEAR.EndTime], order: 'status DESC, job_id DESC', offset: 99950 } },
  // Pages 2-21 of a full-text list: drover follows NextToken (a pinned
  // snapshot); the databases page by keyset, the last row's (created,
  // job_id) bounding the next page, each page with its count.
  { name: 'continuation walk: image, pages 2-21', walk: 20, dlc: { ImageSearch: 'megatron', PageSize: 50, ...YEAR },
    sql: { where: "to_tsvector('simple', image) @@ plainto_tsquery('simple', 'megatron') AND created BETWEEN $1 AND $2", args: [YEAR.StartTime, YEAR.EndTime], order: 'created DESC, job_id DESC' } },
];
const walkBounds = [];  // (created, job_id) of each walked page's last row, from PostgreSQL


// ---- drover -------------------------------------------------------------
async function benchDrover() {
  const dataDir = path.join(work, 'drover');
  const storeArgs = [];
  let removeStore = () => {};
  if (STORE === 'postgres') {
    const script = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../scripts/test-postgres.sh');
    const dir = path.join(work, 'drover-pg');
    const url = execFileSync(script, ['start', dir], { env: { ...process.env, PG_FSYNC: 'on', PG_SHARED_BUFFERS: '1GB' } })
      .toString().trim();
    storeArgs.push('--store', url);
    removeStore = () => execFileSync(script, ['remove', dir]);
    console.log(`drover's store: PostgreSQL at ${url}`);
  }
  const t0 = performance.now();
  const out = execFileSync(bin, ['import', '--data-dir', dataDir, ...storeArgs, path.join(work, 'jobs.jsonl')]).toString();
  const importSeconds = (performance.now() - t0) / 1000;
  console.log(`drover import: ${out.trim()}`);
  const start = performance.now();
  const server = await startServer(storeArgs, 2, dataDir);
  const startup = (performance.now() - start) / 1000;
  const get = (q) => server.call('GET', `/api/v1/jobs?${new URLSearchParams(q)}`);
  // Steady state, as for the databases below (the client's JIT, the
  // server's first use of each sort order and of the pages it reads).
  await warmUp(async () => { for (const q of queries) await get(q.dlc); });
  const results = [];
  for (const q of queries) {
    const first = await get(q.dlc);
    const times = [];
    while (q.walk && times.length < RUNS) {
      let page = await get(q.dlc);
      for (let p = 0; p < q.walk && page.NextToken; p++) {
        const t = performance.now();
        page = await get({ ...q.dlc, NextToken: page.NextToken });
        times.push(performance.now() - t);
      }
    }
    for (let i = 0; i < RUNS && !q.walk; i++) {
      const t = performance.now();
      await get(q.dlc);
      times.push(performance.now() - t);
    }
    results.push({ total: first.TotalCount, returned: first.Jobs.length, p50: pct(times, 0.5), p99: pct(times, 0.99) });
  }
  const throughput = async (connections) => {
    let done = 0;
    const until = performance.now() + 3000;
    await Promise.all(Array.from({ length: connections }, async (_, c) => {
      for (let i = c; performance.now() < until; i++) {
        await get(queries[i % queries.length].dlc);
        done++;
      }
    }));
    return done / 3;
  };
  const rps1 = await throughput(1);
  const rps2 = await throughput(2);
  const rss = Number(readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
  await server.stop();
  removeStore();
  return { results, rps1, rps2, startup, rss, importRate: N / importSeconds };
}

// ---- PostgreSQL ---------------------------------------------------------
async function benchPostgres() {
  const pgbin = '/usr/lib/postgresql/15/bin';
  const dir = path.join(work, 'pg');
  const asPostgres = (cmd, args) => {
    const r = spawnSync('runuser', ['-u', 'postgres', '--', `${pgbin}/${cmd}`, ...args],
                        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  };
  asPostgres('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  asPostgres('pg_ctl', ['-D', dir, '-l', path.join(work, 'pg.log'), '-o', `-k ${work} -p 55432 -c listen_addresses='' -c shared_buffers=2GB -c work_mem=64MB -c max_parallel_workers_per_gather=2 -c fsync=off`, '-w', 'start']);
  const client = new pg.Client({ host: work, port: 55432, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION pg_trgm');
    await client.query(`CREATE TABLE jobs (tenant text, job_id text PRIMARY KEY, name text, job_type text, status text,
      reason text, workspace_id text, user_id text, username text, priority int, resource_id text, created timestamptz,
      finished timestamptz, command text, image text, request_gpu int, tags jsonb)`);
    const t0 = performance.now();
    await client.query(`COPY jobs FROM '${path.join(work, 'jobs.tsv')}'`);
    for (const ddl of [
      'CREATE INDEX ON jobs (workspace_id, created DESC, job_id DESC)', 'CREATE INDEX ON jobs (created DESC, job_id DESC)',
      'CREATE INDEX ON jobs (status, job_id)', 'CREATE INDEX ON jobs (name, job_id)', 'CREATE INDEX ON jobs (request_gpu)',
      'CREATE INDEX ON jobs USING gin (name gin_trgm_ops)', 'CREATE INDEX ON jobs USING gin (username gin_trgm_ops)',
      "CREATE INDEX ON jobs USING gin (to_tsvector('simple', reason))", "CREATE INDEX ON jobs USING gin (to_tsvector('simple', command))",
      "CREATE INDEX ON jobs USING gin (to_tsvector('simple', image))", 'CREATE INDEX ON jobs USING gin (tags jsonb_path_ops)',
    ]) await client.query(ddl);
    await client.query('VACUUM ANALYZE jobs');
    console.log(`postgres: loaded and indexed ${N} jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await warmUp(async () => {
      for (const q of queries) {
        await client.query(`SELECT * FROM jobs WHERE ${q.sql.where} ORDER BY ${q.sql.order} LIMIT 50 OFFSET ${q.sql.offset ?? 0}`, q.sql.args);
        await client.query(`SELECT count(*) FROM jobs WHERE ${q.sql.where}`, q.sql.args);
      }
    });
    const results = [];
    for (const q of queries) {
      const page = `SELECT * FROM jobs WHERE ${q.sql.where} ORDER BY ${q.sql.order} LIMIT 50 OFFSET ${q.sql.offset ?? 0}`;
      const count = `SELECT count(*) FROM jobs WHERE ${q.sql.where}`;
      const total = Number((await client.query(count, q.sql.args)).rows[0].count);
      const times = [];
      if (q.walk) {
        const next = `SELECT * FROM jobs WHERE ${q.sql.where} AND (created, job_id) < ($3, $4) ORDER BY ${q.sql.order} LIMIT 50`;
        let last = (await client.query(page, q.sql.args)).rows.at(-1);
        for (let p = 0; p < q.walk && last; p++) {  // as far as there are pages (small N)
          walkBounds.push({ created: iso(last.created.getTime()), job_id: last.job_id });
          const args = [...q.sql.args, last.created, last.job_id];
          for (let i = 0; i < Math.max(2, Math.floor(RUNS / q.walk)); i++) {
            const t = performance.now();
            const rows = (await client.query(next, args)).rows;
            await client.query(count, q.sql.args);
            times.push(performance.now() - t);
            if (i === 0) last = rows.at(-1);
          }
        }
        results.push({ total, p50: pct(times, 0.5), p99: pct(times, 0.99) });
        continue;
      }
      for (let i = 0; i < Math.max(10, Math.floor(RUNS / 5)); i++) {
        const t = performance.now();
        await client.query(page, q.sql.args);
        await client.query(count, q.sql.args);
        times.push(performance.now() - t);
      }
      results.push({ total, p50: pct(times, 0.5), p99: pct(times, 0.99) });
    }
    return results;
  } finally {
    await client.end();
    asPostgres('pg_ctl', ['-D', dir, '-m', 'immediate', 'stop']);
  }
}

// ---- SQLite (FTS5), through the sqlite3 shell's own timer ------------------
function benchSqlite() {
  const db = path.join(work, 'sqlite.db');
  const t0 = performance.now();
  const setup = `
CREATE TABLE jobs (tenant text, job_id text PRIMARY KEY, name text, job_type text, status text, reason text,
  workspace_id text, user_id text, username text, priority int, resource_id text, created text, finished text,
  command text, image text, request_gpu int, tags text);
.mode tabs
.import ${path.join(work, 'jobs.tsv')} jobs
CREATE INDEX jobs_ws ON jobs (workspace_id, created, job_id);
CREATE INDEX jobs_created ON jobs (created, job_id);
CREATE INDEX jobs_status ON jobs (status, job_id);
CREATE INDEX jobs_name ON jobs (name, job_id);
CREATE INDEX jobs_gpu ON jobs (request_gpu);
CREATE VIRTUAL TABLE jobs_fts USING fts5(reason, command, image, content='jobs', content_rowid='rowid');
INSERT INTO jobs_fts(jobs_fts) VALUES ('rebuild');
ANALYZE;`;
  const r = spawnSync('sqlite3', [db], { input: setup, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  console.log(`sqlite: loaded and indexed ${N} jobs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // The same predicates in SQLite's dialect (FTS5 for full text).
  const fts = (column, words) => `rowid IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH '${column} : ${words}')`;
  const year = `created BETWEEN '${YEAR.StartTime}' AND '${YEAR.EndTime}'`;
  const where = [
    `workspace_id = 'ws3' AND created BETWEEN '${WEEK.StartTime}' AND '${WEEK.EndTime}'`,
    `name LIKE '%llama-sft%' AND status = 'Failed' AND ${year}`,
    `${fts('reason', 'out of memory')} AND ${year}`,
    `${fts('command', 'deepspeed zero')} AND ${year}`,
    `${fts('image', 'megatron')} AND ${year}`,
    `json_extract(tags, '$.team') = 'nlp' AND username LIKE '%user42%' AND ${year}`,
    `request_gpu BETWEEN 6 AND 8 AND ${year}`,
    year,
    `${fts('image', 'megatron')} AND ${year}`,
  ];
  const runs = Math.max(5, Math.floor(RUNS / 10));
  return queries.map((q, i) => {
    const order = q.sql.order.replace(/created/g, 'created');
    const page = `SELECT * FROM jobs WHERE ${where[i]} ORDER BY ${order} LIMIT 50 OFFSET ${q.sql.offset ?? 0};`;
    const count = `SELECT count(*) FROM jobs WHERE ${where[i]};`;
    let script = '.output /dev/null\n' + count.replace(/;$/, ';') + '\n.output stdout\n' + count + '\n.timer on\n.output /dev/null\n';
    if (q.walk) {
      for (const b of walkBounds) {
        script += `SELECT * FROM jobs WHERE ${where[i]} AND (created, job_id) < ('${b.created}', '${b.job_id}') ` +
                  `ORDER BY ${order} LIMIT 50;\n${count}\n`;
      }
    }
    for (let k = 0; k < runs && !q.walk; k++) script += page + '\n' + count + '\n';
    const out = spawnSync('sqlite3', [db], { input: script, encoding: 'utf8', maxBuffer: 1 << 26 });
    const total = Number(out.stdout.split('\n')[0]);
    // The shell's real time has 1 ms steps; user + sys (single-threaded, all
    // in the page cache) has microseconds.
    const times = [...out.stdout.matchAll(/Run Time: real [\d.]+ user ([\d.]+) sys ([\d.]+)/g)]
      .map((m) => (Number(m[1]) + Number(m[2])) * 1000);
    const perQuery = [];
    for (let k = 0; k + 1 < times.length; k += 2) perQuery.push(times[k] + times[k + 1]);
    return { total, p50: pct(perQuery, 0.5), p99: pct(perQuery, 0.99) };
  });
}

// ---- run ----------------------------------------------------------------
console.log(`list benchmark: ${N} jobs, ${RUNS} runs per query`);
await writeData();
const drover = await benchDrover();
const f = (x) => x.toFixed(2).padStart(8);
const summary = `drover: ${drover.rps1.toFixed(0)} req/s with 1 connection, ${drover.rps2.toFixed(0)} req/s with 2; ` +
  `import ${drover.importRate.toFixed(0)} jobs/s; start-up to serving ${drover.startup.toFixed(1)} s; RSS ${drover.rss.toFixed(0)} MiB`;
if (!BASELINES) {
  console.log('\n| query | total | drover p50 ms | drover p99 ms |\n|---|---:|---:|---:|');
  queries.forEach((q, i) => {
    const d = drover.results[i];
    console.log(`| ${q.name} | ${d.total} | ${f(d.p50)} | ${f(d.p99)} |`);
  });
  console.log(`\n${summary}`);
  removeWork();
  process.exit(0);
}
const postgres = await benchPostgres();
const sqlite = SQLITE ? benchSqlite() : null;
console.log('\n| query | total | drover p50 ms | drover p99 ms | postgres p50 ms | postgres p99 ms | × postgres |' +
            (sqlite ? ' sqlite p50 ms | × sqlite |' : ''));
console.log('|---|---:|---:|---:|---:|---:|---:|' + (sqlite ? '---:|---:|' : ''));
let logPg = 0;
let logLite = 0;
queries.forEach((q, i) => {
  const d = drover.results[i];
  const p = postgres[i];
  const s = sqlite?.[i];
  logPg += Math.log(p.p50 / d.p50);
  if (s) logLite += Math.log(s.p50 / d.p50);
  let mismatch = d.total === p.total ? '' : ` (postgres counts ${p.total})`;
  if (s && d.total !== s.total) mismatch += ` (sqlite counts ${s.total})`;
  console.log(`| ${q.name} | ${d.total}${mismatch} | ${f(d.p50)} | ${f(d.p99)} | ${f(p.p50)} | ${f(p.p99)} | ` +
              `${(p.p50 / d.p50).toFixed(1)}× |` + (s ? ` ${f(s.p50)} | ${(s.p50 / d.p50).toFixed(1)}× |` : ''));
});
console.log(`\ngeometric-mean speed-up: ${Math.exp(logPg / queries.length).toFixed(1)}× over PostgreSQL` +
            (sqlite ? `, ${Math.exp(logLite / queries.length).toFixed(1)}× over SQLite` : ' (SQLite not run)'));
console.log(summary);
removeWork();

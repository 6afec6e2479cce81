// Dataset list benchmark (not a test): N datasets created through the
// AIWorkSpace API, the same rows loaded into PostgreSQL 15 with
// best-practice indexes, then every ListDatasets filter family — with its
// exact count — against both, and ListDatasetVersions on a dataset with many
// versions.
//
//   N=100000 node bench/dataset_bench.mjs
//
// Prints p50/p99 per query for drover over HTTP keep-alive and for
// PostgreSQL (page + count over a local socket), the ratio per query, the
// geometric mean, and the create rate. BASELINES=0 runs drover alone.
import { spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pct, startServer } from './common.mjs';

const N = Number(process.env.N || 100_000);
const VERSIONS = Number(process.env.VERSIONS || 1000);
const RUNS = Number(process.env.RUNS || 200);
const BASELINES = process.env.BASELINES !== '0';
const work = mkdtempSync(path.join(tmpdir(), 'drover-datasetbench-'));
chmodSync(work, 0o777);
const data = path.join(work, 'data');
mkdirSync(data);
writeFileSync(path.join(data, 'train.csv'), 'x\n');
const DIR_URI = `file://${data}`;
const FILE_URI = `file://${data}/train.csv`;

// ---- data ---------------------------------------------------------------
let seed = 7;
const rand = () => {  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];
const words = ['imagenet', 'coco', 'mnist', 'cifar', 'laion', 'wiki', 'c4', 'pile', 'squad', 'glue',
               'speech', 'audio', 'video', 'clean', 'raw', '图像', '文本', '语音', '标注', '清洗'];
const labelKeys = ['env', 'team', 'stage', 'owner', 'source'];
const labelValues = ['prod', 'test', 'nlp', 'vision', 'gold', 'silver', 'raw', 'alice', 'bob', 'crawl'];

function genDataset(i) {
  const file = rand() < 0.2;
  const labels = [];
  const used = new Set();
  for (let k = Math.floor(rand() * 4); k > 0; k--) {
    const key = pick(labelKeys);
    if (used.has(key)) continue;
    used.add(key);
    labels.push({ Key: key, Value: pick(labelValues) });
  }
  const shared = rand() < 0.05 ? `ws${Math.floor(rand() * 20)}` : null;
  const workspace = `ws${Math.floor(rand() * 20)}`;
  return {
    Name: `${pick(words)}-${pick(words)}-${i}`,
    Property: file ? 'FILE' : 'DIRECTORY',
    DataSourceType: 'NAS',
    Uri: file ? FILE_URI : DIR_URI,
    DataType: pick(['COMMON', 'PIC', 'TEXT', 'VIDEO', 'AUDIO']),
    SourceType: pick(['USER', 'USER', 'USER', 'ITAG', 'PAI_PUBLIC_DATASET']),
    SourceId: `job-${Math.floor(rand() * 1000)}`,
    Accessibility: rand() < 0.3 ? 'PUBLIC' : 'PRIVATE',
    WorkspaceId: workspace,
    Labels: labels,
    ...(shared && shared !== workspace ? { SharingConfig: { SharedTo: [{ WorkspaceId: shared }] } } : {}),
  };
}

// ---- the queries ---------------------------------------------------------
const queries = [
  { name: 'workspace, oldest first', q: { WorkspaceId: 'ws3' },
    sql: { where: "places @> ARRAY['local/ws3']", order: 'created ASC, id ASC' } },
  { name: 'fuzzy name', q: { Name: 'coco-wiki' },
    sql: { where: "name ILIKE '%coco-wiki%'", order: 'created ASC, id ASC' } },
  { name: 'fuzzy name, Chinese', q: { Name: '图像-标注' },
    sql: { where: "name ILIKE '%图像-标注%'", order: 'created ASC, id ASC' } },
  { name: 'label substring', q: { Label: 'silv' },
    sql: { where: "labels ILIKE '%silv%'", order: 'created ASC, id ASC' } },
  { name: 'Properties + DataTypes', q: { Properties: 'FILE', DataTypes: 'PIC,VIDEO' },
    sql: { where: "property = 'FILE' AND data_type IN ('PIC','VIDEO')", order: 'created ASC, id ASC' } },
  { name: 'SourceTypes + SourceId', q: { SourceTypes: 'ITAG', SourceId: 'job-42' },
    sql: { where: "source_type = 'ITAG' AND source_id = 'job-42'", order: 'created ASC, id ASC' } },
  { name: 'DatasetIds (20)', ids: true,
    sql: { where: 'id = ANY($1)', order: 'created ASC, id ASC' } },
  { name: 'Accessibility + Edition, newest', q: { Accessibility: 'PUBLIC', Edition: 'BASIC', Order: 'DESC' },
    sql: { where: "accessibility = 'PUBLIC' AND edition = 'BASIC'", order: 'created DESC, id DESC' } },
  { name: 'ShareScope TO_ME', q: { ShareScope: 'TO_ME', WorkspaceId: 'ws5' },
    sql: { where: "shared_into @> ARRAY['local/ws5']", order: 'created ASC, id ASC' } },
  { name: 'sort by name, page 100', q: { SortBy: 'Name', PageSize: 50, PageNumber: 100 },
    sql: { where: 'true', order: 'name ASC, id ASC', limit: 50, offset: 4950 } },
  { name: 'modified newest, page 1', q: { SortBy: 'GmtModifiedTime', Order: 'DESC', PageSize: 50 },
    sql: { where: 'true', order: 'modified DESC, id DESC', limit: 50 } },
];

// ---- drover ----------------------------------------------------------------
const server = await startServer([], 16);
const rows = [];
const t0 = performance.now();
let next = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (next < N) {
    const i = next++;
    const body = genDataset(i);
    const { DatasetId } = await server.call('POST', '/api/v1/datasets', body);
    rows[i] = { id: DatasetId, ...body };
  }
}));
const createRate = N / ((performance.now() - t0) / 1000);
// One dataset with many versions, for ListDatasetVersions.
const many = rows[0].id;
for (let v = 2; v <= VERSIONS; v++) {
  const labels = rand() < 0.3 ? [{ Key: 'stage', Value: pick(['gold', 'silver']) }] : [];
  await server.call('POST', `/api/v1/datasets/${many}/versions`,
                    { DataSourceType: 'NAS', Property: rows[0].Property, Uri: rows[0].Uri, DataSize: Math.floor(rand() * 1e9), Labels: labels });
}
const someIds = Array.from({ length: 20 }, (_, k) => rows[Math.floor((k * N) / 20)].id);
const versionQueries = [
  { name: 'versions: label key, by size', q: { LabelKeys: 'stage', SortBy: 'DataSize', Order: 'DESC' } },
  { name: 'versions: newest, page 10', q: { Order: 'DESC', PageNumber: 10 } },
];
const listOf = (q) => (q.ids ? { DatasetIds: someIds.join(',') } : q.q);
const get = (q) => server.call('GET', `/api/v1/datasets?${new URLSearchParams(listOf(q))}`);
const getVersions = (q) => server.call('GET', `/api/v1/datasets/${many}/versions?${new URLSearchParams(q.q)}`);
for (let round = 0; round < 5; round++) for (const q of queries) await get(q);
const time = async (fn) => {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { p50: pct(times, 0.5), p99: pct(times, 0.99) };
};
const droverResults = [];
for (const q of queries) droverResults.push({ total: (await get(q)).TotalCount, ...(await time(() => get(q))) });
const versionResults = [];
for (const q of versionQueries) versionResults.push({ total: (await getVersions(q)).TotalCount, ...(await time(() => getVersions(q))) });
const rss = Number((await import('node:fs')).readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
// The rows as drover holds them (times included), for PostgreSQL.
const stored = [];
for (let page = 1; stored.length < N; page++) {
  const r = await server.call('GET', `/api/v1/datasets?PageSize=1000&PageNumber=${page}`);
  if (r.Datasets.length === 0) break;
  stored.push(...r.Datasets);
}
await server.stop();

// ---- PostgreSQL --------------------------------------------------------------
async function benchPostgres() {
  const tsv = path.join(work, 'datasets.tsv');
  const out = createWriteStream(tsv);
  const esc = (s) => String(s).replace(/\\/g, '\\\\').replace(/\t/g, ' ').replace(/\n/g, '\\n');
  const arr = (a) => `{${a.map((x) => `"${x}"`).join(',')}}`;
  for (const d of stored) {
    const shares = d.SharingConfig.SharedTo.filter((s) => s.Status === 'ACTIVE').map((s) => `${s.TenantId}/${s.WorkspaceId}`);
    const labels = d.Labels.map((l) => `${l.Key}\n${l.Value}\n`).join('');
    const row = ['local', d.DatasetId, d.Name, d.WorkspaceId, d.Property, d.DataSourceType, d.DataType, d.SourceType,
                 d.SourceId, d.Accessibility, d.Edition, labels, d.GmtCreateTime, d.GmtModifiedTime].map(esc);
    row.push(arr([`local/${d.WorkspaceId}`, ...shares]), arr(shares));
    if (!out.write(row.join('\t') + '\n')) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  const pgbin = '/usr/lib/postgresql/15/bin';
  const dir = path.join(work, 'pg');
  const asPostgres = (cmd, args) => {
    const r = spawnSync('runuser', ['-u', 'postgres', '--', `${pgbin}/${cmd}`, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  };
  asPostgres('initdb', ['-D', dir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  asPostgres('pg_ctl', ['-D', dir, '-l', path.join(work, 'pg.log'), '-o', `-k ${work} -p 55433 -c listen_addresses='' -c shared_buffers=1GB -c work_mem=64MB -c fsync=off`, '-w', 'start']);
  const client = new pg.Client({ host: work, port: 55433, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION pg_trgm');
    await client.query(`CREATE TABLE datasets (tenant text, id text PRIMARY KEY, name text, workspace_id text, property text,
      data_source_type text, data_type text, source_type text, source_id text, accessibility text, edition text, labels text,
      created timestamptz, modified timestamptz, places text[], shared_into text[])`);
    await client.query(`COPY datasets FROM '${tsv}'`);
    for (const ddl of [
      'CREATE INDEX ON datasets (created, id)', 'CREATE INDEX ON datasets (modified, id)', 'CREATE INDEX ON datasets (name, id)',
      'CREATE INDEX ON datasets (property, data_type)', 'CREATE INDEX ON datasets (source_type, source_id)',
      'CREATE INDEX ON datasets (accessibility, edition, created)',
      'CREATE INDEX ON datasets USING gin (name gin_trgm_ops)', 'CREATE INDEX ON datasets USING gin (labels gin_trgm_ops)',
      'CREATE INDEX ON datasets USING gin (places)', 'CREATE INDEX ON datasets USING gin (shared_into)',
    ]) await client.query(ddl);
    await client.query('VACUUM ANALYZE datasets');
    const results = [];
    for (const q of queries) {
      const args = q.ids ? [someIds] : [];
      const page = `SELECT * FROM datasets WHERE ${q.sql.where} ORDER BY ${q.sql.order} LIMIT ${q.sql.limit ?? 10} OFFSET ${q.sql.offset ?? 0}`;
      const count = `SELECT count(*) FROM datasets WHERE ${q.sql.where}`;
      for (let i = 0; i < 5; i++) { await client.query(page, args); await client.query(count, args); }
      const total = Number((await client.query(count, args)).rows[0].count);
      results.push({ total, ...(await time(async () => { await client.query(page, args); await client.query(count, args); })) });
    }
    return results;
  } finally {
    await client.end();
    asPostgres('pg_ctl', ['-D', dir, '-m', 'immediate', 'stop']);
  }
}

// ---- report ----------------------------------------------------------------
const f = (x) => x.toFixed(2).padStart(7);
console.log(`dataset list benchmark: ${N} datasets (created at ${createRate.toFixed(0)}/s through the API), ` +
            `${VERSIONS} versions on one, ${RUNS} runs per query; drover RSS ${rss.toFixed(0)} MiB`);
const postgres = BASELINES ? await benchPostgres() : null;
console.log('\n| query | total | drover p50 ms | drover p99 ms |' + (postgres ? ' postgres p50 ms | postgres p99 ms | × postgres |' : ''));
console.log('|---|---:|---:|---:|' + (postgres ? '---:|---:|---:|' : ''));
let logPg = 0;
let worstP99 = 0;
queries.forEach((q, i) => {
  const d = droverResults[i];
  const p = postgres?.[i];
  worstP99 = Math.max(worstP99, d.p99);
  if (p) logPg += Math.log(p.p50 / d.p50);
  const mismatch = p && p.total !== d.total ? ` (postgres counts ${p.total})` : '';
  console.log(`| ${q.name} | ${d.total}${mismatch} | ${f(d.p50)} | ${f(d.p99)} |` +
              (p ? ` ${f(p.p50)} | ${f(p.p99)} | ${(p.p50 / d.p50).toFixed(1)}× |` : ''));
});
versionQueries.forEach((q, i) => {
  const d = versionResults[i];
  worstP99 = Math.max(worstP99, d.p99);
  console.log(`| ${q.name} | ${d.total} | ${f(d.p50)} | ${f(d.p99)} |` + (postgres ? ' | | |' : ''));
});
if (postgres) console.log(`\ngeometric-mean speed-up: ${Math.exp(logPg / queries.length).toFixed(1)}× over PostgreSQL`);
console.log(`worst drover p99: ${worstP99.toFixed(2)} ms (target ≤ 5 ms)`);
rmSync(work, { recursive: true, force: true });

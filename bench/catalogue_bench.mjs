// Catalogue benchmark (not a test), in two parts.
//
// Build: FileMetaBuild over N small files on local disk, beside a plain
// `find -printf` walk of the same tree in the same run (the floor: listing
// names, sizes and times without reading a byte), then a rebuild of the
// unchanged tree.
//
// Lists: a catalogue of LIST entries (FileMetaImport of a generated file,
// so 10M entries need no 10M files), with directories, file and content
// types, tag groups and times; then ListDatasetFileMetas p50/p99 for each
// filter family, sort and paging.
//
//   N=1000000 node bench/catalogue_bench.mjs
//   N=200000 LIST=10000000 node bench/catalogue_bench.mjs
//   N=1000000 TREE=/var/tmp/tree node bench/catalogue_bench.mjs   (the tree kept for the next run)
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { pct, startServer } from './common.mjs';

const N = Number(process.env.N || 200_000);
const LIST = Number(process.env.LIST || N);
const RUNS = Number(process.env.RUNS || 200);
const PER_DIR = 1000;
const work = mkdtempSync(path.join(tmpdir(), 'drover-cataloguebench-'));
const tree = process.env.TREE || path.join(work, 'tree');
const seconds = (t0) => (performance.now() - t0) / 1000;
const rate = (n, s) => Math.round(n / s).toLocaleString('en-US');

// N files of 100-300 bytes, 1,000 a directory; a tenth are .png names.
if (!existsSync(`${tree}.complete`)) {
  const t0 = performance.now();
  for (let d = 0; d * PER_DIR < N; d++) {
    const dir = path.join(tree, `d${String(d).padStart(5, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let i = d * PER_DIR; i < Math.min(N, (d + 1) * PER_DIR); i++) {
      writeFileSync(path.join(dir, `f${i}.${i % 10 === 0 ? 'png' : 'txt'}`), `file ${i} `.repeat(20 + (i % 20)));
    }
  }
  console.log(`wrote ${N} files in ${seconds(t0).toFixed(1)} s`);
  execFileSync('sync');
  if (process.env.TREE) writeFileSync(`${tree}.complete`, '');
}

let t0 = performance.now();
execFileSync('sh', ['-c', `find ${tree} -type f -printf '%p %s %T@\\n' > /dev/null`]);
const findSeconds = seconds(t0);

const server = await startServer([], 4);
async function createDataset(name, uri) {
  const { DatasetId } = await server.call('POST', '/api/v1/datasets', {
    Name: name, Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: uri });
  return DatasetId;
}
async function runJob(dataset, action, spec = '{}') {
  const started = performance.now();
  const { DatasetJobId: job } = await server.call('POST', `/api/v1/datasets/${dataset}/datasetjobs`,
                                                  { WorkspaceId: '1', JobAction: action, JobSpec: spec });
  for (;;) {
    const j = await server.call('GET', `/api/v1/datasets/${dataset}/datasetjobs/${job}`);
    if (!['Pending', 'Starting', 'Running'].includes(j.Status)) return { job: j, seconds: seconds(started) };
    await new Promise((r) => setTimeout(r, 100));
  }
}

const built = await createDataset('catalogue-bench', `file://${tree}`);
const first = await runJob(built, 'FileMetaBuild');
const again = await runJob(built, 'FileMetaBuild');
console.log(`\n| ${N.toLocaleString('en-US')} files | time | files/s |\n|---|---:|---:|`);
console.log(`| \`find -printf\` walk (floor) | ${findSeconds.toFixed(2)} s | ${rate(N, findSeconds)} |`);
console.log(`| FileMetaBuild, first build (${first.job.Status}, ${first.job.CompletedFileCount} files) | ` +
            `${first.seconds.toFixed(2)} s | ${rate(N, first.seconds)} |`);
console.log(`| FileMetaBuild again, nothing changed (${again.job.Status}) | ${again.seconds.toFixed(2)} s | ` +
            `${rate(N, again.seconds)} |`);

// The catalogue for the lists: LIST entries as FileMetaImport lines.
const types = [['text', 'text/plain'], ['text', 'text/plain'], ['image', 'image/png'], ['application', 'application/json'],
  ['text', 'text/plain'], ['video', 'video/mp4'], ['text', 'text/plain'], ['application', 'application/json'],
  ['text', 'text/csv'], ['image', 'image/jpeg']];
const base = Date.parse('2026-01-01T00:00:00Z');
const lines = path.join(work, 'catalogue.jsonl');
t0 = performance.now();
{
  const out = createWriteStream(lines);
  let chunk = '';
  for (let i = 0; i < LIST; i++) {
    const [fileType, contentType] = types[i % types.length];
    const dir = `d${String(Math.floor(i / PER_DIR)).padStart(5, '0')}/`;
    const name = `f${i}.${contentType.split('/')[1]}`;
    const user = [`t${i % 100}`];
    if (i % 2 === 0) user.push('common');
    const ai = fileType === 'image' ? [i % 3 === 0 ? 'cat' : 'dog'] : [];
    const time = new Date(base + i * 1000).toISOString();
    chunk += JSON.stringify({
      Uri: `file://${work}/bench/${dir}${name}`, FileName: name, FileDir: dir, FileType: fileType, ContentType: contentType,
      DataSize: 100 + (i % 1000), FileFingerPrint: (i * 2654435761 % 4294967296).toString(16).padStart(32, '0'),
      FileCreateTime: time, FileUpdateTime: time, Tags: { ai, user, 'user-delete-ai-tags': [] } }) + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
console.log(`\nwrote ${LIST.toLocaleString('en-US')} catalogue lines in ${seconds(t0).toFixed(1)} s`);
mkdirSync(path.join(work, 'bench'));
const listed = await createDataset('catalogue-bench-lists', `file://${work}/bench`);
const imported = await runJob(listed, 'FileMetaImport', JSON.stringify({ uri: `file://${lines}` }));
console.log(`FileMetaImport: ${imported.job.Status}, ${imported.job.CompletedFileCount} entries in ` +
            `${imported.seconds.toFixed(1)} s: ${rate(LIST, imported.seconds)} entries/s`);
rmSync(lines);

const iso = (i) => new Date(base + i * 1000).toISOString();
const queries = [
  ['all (oldest first, the default)', {}],
  ['all, newest first', { SortBy: 'FileCreateTime', Order: 'DESC' }],
  ['sorted by update time, desc', { SortBy: 'FileUpdateTime', Order: 'DESC' }],
  ['one directory', { QueryFileDir: 'd00042/' }],
  ['file name contains', { QueryFileName: 'f12345' }],
  ['content type', { QueryContentTypeIncludeAny: 'image/png' }],
  ['file type', { QueryFileTypeIncludeAny: 'video' }],
  ['a tag, 1%', { QueryTagsIncludeAny: 't7' }],
  ['every tag of two', { QueryTagsIncludeAll: 't8,common' }],
  ['a tag excluded, half', { QueryTagsExclude: 'common' }],
  ['an ai tag', { QueryTagsIncludeAny: 'cat' }],
  ['file update time, one hour', { StartFileUpdateTime: iso(LIST / 2), EndFileUpdateTime: iso(LIST / 2 + 3600) }],
  ['tag update time, since an hour ago', { StartTagUpdateTime: new Date(Date.now() - 3600_000).toISOString() }],
  ['directory + file type + tag', { QueryFileDir: 'd00042/', QueryFileTypeIncludeAny: 'image', QueryTagsIncludeAny: 'dog' }],
];
const url = (q) => `/api/v1/datasets/${listed}/datasetfilemetas?` +
  new URLSearchParams({ DatasetVersion: 'v1', WorkspaceId: '1', MaxResults: 100, ...q });
const measure = async (u) => {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await server.call('GET', u);
    times.push(performance.now() - started);
  }
  return times;
};
console.log(`\n| ListDatasetFileMetas, ${LIST.toLocaleString('en-US')} entries, 100 a page | total | p50 ms | p99 ms |\n|---|---:|---:|---:|`);
for (const [name, q] of queries) {
  const total = (await server.call('GET', url(q))).TotalCount;
  const times = await measure(url(q));
  console.log(`| ${name} | ${total.toLocaleString('en-US')} | ${pct(times, 0.5).toFixed(2)} | ${pct(times, 0.99).toFixed(2)} |`);
}
// The page after a NextToken, deep in the list.
let token = '';
let page = 1;
for (; page <= 50; page++) {
  const next = (await server.call('GET', url(token ? { NextToken: token } : {}))).NextToken;
  if (!next) break;
  token = next;
}
if (token) {
  const deep = await measure(url({ NextToken: token }));
  console.log(`| page ${page}, by NextToken | | ${pct(deep, 0.5).toFixed(2)} | ${pct(deep, 0.99).toFixed(2)} |`);
}

await server.stop();
rmSync(work, { recursive: true, force: true });

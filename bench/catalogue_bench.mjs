// Catalogue benchmark (not a test): FileMetaBuild over N small files on
// local disk, beside a plain `find -printf` walk of the same tree in the
// same run (the floor: listing names, sizes and times without reading a
// byte); a rebuild of the unchanged tree; then ListDatasetFileMetas p50/p99
// for each filter family over the N files.
//
//   N=1000000 node bench/catalogue_bench.mjs
//   N=1000000 TREE=/var/tmp/tree node bench/catalogue_bench.mjs   (the tree kept)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pct, startServer } from './common.mjs';

const N = Number(process.env.N || 200_000);
const RUNS = Number(process.env.RUNS || 100);
const PER_DIR = 1000;
const work = mkdtempSync(path.join(tmpdir(), 'drover-cataloguebench-'));
// TREE=dir keeps the tree there and reuses it in the next run.
const tree = process.env.TREE || path.join(work, 'tree');

// N files of 100-300 bytes, 1,000 a directory; a tenth are .png names.
let t = performance.now();
for (let d = 0; d * PER_DIR < N && !existsSync(`${tree}.complete`); d++) {
  const dir = path.join(tree, `d${String(d).padStart(5, '0')}`);
  mkdirSync(dir, { recursive: true });
  for (let i = d * PER_DIR; i < Math.min(N, (d + 1) * PER_DIR); i++) {
    writeFileSync(path.join(dir, `f${i}.${i % 10 === 0 ? 'png' : 'txt'}`), `file ${i} `.repeat(20 + (i % 20)));
  }
}
if (!existsSync(`${tree}.complete`)) {
  console.log(`wrote ${N} files in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  execFileSync('sync');
  if (process.env.TREE) writeFileSync(`${tree}.complete`, '');
}

const seconds = (f) => { const t0 = performance.now(); f(); return (performance.now() - t0) / 1000; };
const findSeconds = seconds(() => execFileSync('sh', ['-c', `find ${tree} -type f -printf '%p %s %T@\\n' > /dev/null`]));

const server = await startServer([], 4);
const { DatasetId: id } = await server.call('POST', '/api/v1/datasets', {
  Name: 'catalogue-bench', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${tree}` });
async function build() {
  const t0 = performance.now();
  const { DatasetJobId: job } = await server.call('POST', `/api/v1/datasets/${id}/datasetjobs`,
                                                  { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' });
  for (;;) {
    const j = await server.call('GET', `/api/v1/datasets/${id}/datasetjobs/${job}`);
    if (!['Pending', 'Starting', 'Running'].includes(j.Status)) {
      return { job: j, seconds: (performance.now() - t0) / 1000 };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
const first = await build();
const again = await build();
console.log(`find -printf walk: ${N} files in ${findSeconds.toFixed(2)} s: ${(N / findSeconds).toFixed(0)} files/s`);
console.log(`FileMetaBuild: ${first.job.Status}, ${first.job.CompletedFileCount} files in ${first.seconds.toFixed(2)} s: ` +
            `${(N / first.seconds).toFixed(0)} files/s (${(findSeconds / first.seconds * 100).toFixed(0)}% of find's rate; ` +
            'find reads no file, the build reads every byte for its MD5)');
console.log(`rebuild, nothing changed: ${again.seconds.toFixed(2)} s (${again.job.Status})`);

const queries = [
  ['all, newest first', {}],
  ['one directory', { QueryFileDir: 'd00042/' }],
  ['file name contains', { QueryFileName: 'f12345' }],
  ['content type', { QueryContentTypeIncludeAny: 'image/png' }],
  ['file type', { QueryFileTypeIncludeAny: 'image' }],
  ['sorted by update time, desc', { SortBy: 'FileUpdateTime', Order: 'DESC' }],
];
console.log(`\n| query (${N} files) | total | p50 ms | p99 ms |\n|---|---:|---:|---:|`);
for (const [name, q] of queries) {
  const url = `/api/v1/datasets/${id}/datasetfilemetas?${new URLSearchParams({ DatasetVersion: 'v1', WorkspaceId: '1', MaxResults: 100, ...q })}`;
  const total = (await server.call('GET', url)).TotalCount;
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await server.call('GET', url);
    times.push(performance.now() - t0);
  }
  console.log(`| ${name} | ${total} | ${pct(times, 0.5).toFixed(2)} | ${pct(times, 0.99).toFixed(2)} |`);
}
await server.stop();
rmSync(work, { recursive: true, force: true });

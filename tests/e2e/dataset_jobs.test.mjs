// Dataset jobs, their configs and the file catalogue (AIWorkSpace 2021-02-04),
// through @alicloud/openapi-client, on a real directory tree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Server, DatasetClient, sdkError, UUID_UPPER } from './harness.mjs';
import { startModelStub } from './model_stub.mjs';

let server;
let ds;
let tree;  // the dataset's directory

const SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

// Polls GetDatasetJob until the job has ended.
async function waitForEnd(datasetId, jobId, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let job;
  while (Date.now() < deadline) {
    job = await ds.getJob(datasetId, jobId);
    if (['Succeeded', 'Failed', 'PartialFailed', 'ManuallyStop'].includes(job.Status)) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`dataset job ${jobId} did not end: ${JSON.stringify(job)}`);
}

async function allFiles(id, query = {}) {
  const out = [];
  let token;
  do {
    const page = await ds.listFiles(id, { DatasetVersion: 'v1', WorkspaceId: '1', MaxResults: 2, ...query, ...(token ? { NextToken: token } : {}) });
    out.push(...page.DatasetFileMetas);
    token = page.NextToken;
  } while (token);
  return out;
}

before(async () => {
  server = new Server();
  tree = path.join(server.dataDir, 'tree');
  mkdirSync(path.join(tree, 'cars', '2025'), { recursive: true });
  mkdirSync(path.join(tree, 'docs'), { recursive: true });
  writeFileSync(path.join(tree, 'cars', '2025', '0001.png'), 'png-bytes');
  writeFileSync(path.join(tree, 'cars', '2025', '0002.JPG'), 'jpg-bytes');
  writeFileSync(path.join(tree, 'docs', 'readme.txt'), 'hello\n');
  writeFileSync(path.join(tree, 'notes.csv'), 'a,b\n');
  symlinkSync('/nonexistent/target', path.join(tree, 'dangling'));
  execFileSync('mkfifo', [path.join(tree, 'pipe')]);
  await server.start();
  ds = new DatasetClient(server.endpoint, server.adminKey);
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('FileMetaBuild catalogues a real tree; unreadable entries fail the job partly; a rebuild sees adds, edits and deletes', async () => {
  const { DatasetId: id } = await ds.createDataset({ Name: 'tree', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${tree}` });
  const created = await ds.createJob(id, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}', Description: 'first build' });
  assert.match(created.DatasetJobId, /^dsjob-[0-9a-z]{18}$/);
  assert.match(created.RequestId, UUID_UPPER);
  const job = await waitForEnd(id, created.DatasetJobId);
  assert.equal(job.Status, 'PartialFailed');
  assert.equal(job.TotalFileCount, 6);
  assert.equal(job.CompletedFileCount, 4);
  assert.equal(job.FailedFileCount, 2);
  assert.equal(job.JobAction, 'FileMetaBuild');
  assert.equal(job.JobMode, 'Full');
  assert.equal(job.JobSpec, '{}');
  assert.equal(job.Description, 'first build');
  assert.match(job.CreateTime, SECONDS);
  assert.match(job.FinishTime, SECONDS);
  assert.equal(job.DatasetJobId, undefined);  // GetDatasetJob has no ids
  assert.equal(job.WorkspaceId, undefined);
  assert.ok(job.Logs.some((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} WARN: Not a readable regular file: dangling$/.test(l)), job.Logs.join('\n'));
  assert.ok(job.Logs.some((l) => /Catalogue built: 4 added, 0 changed, 0 removed, 2 failed/.test(l)));

  const files = await allFiles(id);
  assert.deepEqual(files.map((f) => f.FileName).sort(), ['0001.png', '0002.JPG', 'notes.csv', 'readme.txt']);
  const png = files.find((f) => f.FileName === '0001.png');
  assert.match(png.DatasetFileMetaId, /^[0-9a-f]{64}$/);
  assert.equal(png.Uri, `file://${tree}/cars/2025/0001.png`);
  assert.equal(png.FileType, 'image');
  assert.equal(png.ContentType, 'image/png');
  assert.equal(png.DataSize, 9);
  assert.equal(png.FileFingerPrint, createHash('md5').update('png-bytes').digest('hex'));
  assert.deepEqual(JSON.parse(png.Tags), { ai: [], user: [], 'user-delete-ai-tags': [] });
  const got = await ds.call('GetDatasetFileMeta', 'GET', `/api/v1/datasets/${id}/datasetfilemetas/${png.DatasetFileMetaId}`,
                            { query: { DatasetVersion: 'v1', WorkspaceId: '1' } });
  assert.equal(got.DatasetFileMeta.FileDir, 'cars/2025/');
  assert.equal(got.DatasetFileMeta.FileFingerPrint, png.FileFingerPrint);
  assert.equal(got.DatasetId, id);

  const names = async (query) => (await allFiles(id, query)).map((f) => f.FileName).sort();
  assert.deepEqual(await names({ QueryFileName: '000' }), ['0001.png', '0002.JPG']);
  assert.deepEqual(await names({ QueryFileDir: 'docs/' }), ['readme.txt']);
  assert.deepEqual(await names({ QueryFileTypeIncludeAny: 'text' }), ['notes.csv', 'readme.txt']);
  assert.deepEqual(await names({ QueryContentTypeIncludeAny: 'image/jpeg,image/png' }), ['0001.png', '0002.JPG']);
  const byUpdate = await ds.listFiles(id, { DatasetVersion: 'v1', WorkspaceId: '1', SortBy: 'FileUpdateTime', Order: 'DESC' });
  assert.equal(byUpdate.TotalCount, 4);
  assert.equal(byUpdate.NextToken, null);

  // Edits, adds and deletes; the rebuild reads only what changed.
  writeFileSync(path.join(tree, 'docs', 'readme.txt'), 'hello, again\n');
  writeFileSync(path.join(tree, 'docs', 'new.md'), '# new\n');
  rmSync(path.join(tree, 'notes.csv'));
  rmSync(path.join(tree, 'dangling'));
  rmSync(path.join(tree, 'pipe'));
  const again = await waitForEnd(id, (await ds.createJob(id, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' })).DatasetJobId);
  assert.equal(again.Status, 'Succeeded', again.Logs.join('\n'));
  assert.equal(again.TotalFileCount, 4);
  assert.equal(again.CompletedFileCount, 4);
  assert.ok(again.Logs.some((l) => /1 added, 1 changed, 1 removed, 0 failed/.test(l)), again.Logs.join('\n'));
  const after = await allFiles(id);
  assert.deepEqual(after.map((f) => f.FileName).sort(), ['0001.png', '0002.JPG', 'new.md', 'readme.txt']);
  assert.equal(after.find((f) => f.FileName === 'readme.txt').DataSize, 13);
});

test('ListDatasetJobs: every parameter of the seed page', async () => {
  const { DatasetId: id } = await ds.createDataset({ Name: 'jobs-list', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${tree}/docs` });
  await ds.createVersion(id, { DataSourceType: 'NAS', Property: 'DIRECTORY', Uri: `file://${tree}/cars` });
  const a = await ds.createJob(id, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}', DatasetVersion: 'v1' });
  await waitForEnd(id, a.DatasetJobId);
  const b = await ds.createJob(id, { WorkspaceId: '1', JobAction: 'IntelligentTag', JobSpec: '{"modelId":"m"}', JobMode: 'Increment', DatasetVersion: 'v1' });
  const failed = await waitForEnd(id, b.DatasetJobId);
  assert.equal(failed.Status, 'Failed');
  assert.match(failed.Logs.at(-1), /ERROR: Job failed: IntelligentTag needs a model endpoint/);
  const c = await ds.createJob(id, { WorkspaceId: '1', JobAction: 'IntelligentTagRevert', JobSpec: '{}', DatasetVersion: 'v2' });
  await waitForEnd(id, c.DatasetJobId);

  const ids = async (query) => (await ds.listJobs(id, query)).DatasetJobs.map((j) => j.DatasetJobId);
  assert.deepEqual(await ids({}), [c.DatasetJobId, b.DatasetJobId, a.DatasetJobId]);  // CreateTime DESC
  assert.deepEqual(await ids({ Order: 'ASC' }), [a.DatasetJobId, b.DatasetJobId, c.DatasetJobId]);
  assert.deepEqual(await ids({ DatasetVersion: 'v2' }), [c.DatasetJobId]);
  assert.deepEqual(await ids({ JobAction: 'IntelligentTag' }), [b.DatasetJobId]);
  assert.deepEqual(await ids({ Status: 'Failed' }), [b.DatasetJobId]);
  assert.deepEqual(await ids({ WorkspaceId: '1', PageSize: 1, PageNumber: 2 }), [b.DatasetJobId]);
  assert.deepEqual(await ids({ SortBy: 'JobAction', Order: 'ASC' }), [a.DatasetJobId, b.DatasetJobId, c.DatasetJobId]);
  const byStatus = await ids({ SortBy: 'Status', Order: 'ASC' });  // Failed, then the two Succeeded
  assert.equal(byStatus[0], b.DatasetJobId);
  assert.deepEqual(byStatus.slice(1).sort(), [a.DatasetJobId, c.DatasetJobId].sort());
  assert.equal((await ids({ SortBy: 'FinishTime' })).length, 3);
  const page = await ds.listJobs(id, { WithLogs: true });
  assert.equal(page.TotalCount, 3);
  const item = page.DatasetJobs.find((j) => j.DatasetJobId === a.DatasetJobId);
  assert.equal(item.DatasetVersion, 'v1');
  assert.equal(item.WorkspaceId, '1');
  assert.ok(Array.isArray(item.Logs) && item.Logs.length > 0);
  assert.equal((await ds.listJobs(id, {})).DatasetJobs[0].Logs, undefined);
  for (const [query, param] of [[{ Status: 'Done' }, 'Status'], [{ SortBy: 'Name' }, 'SortBy'], [{ JobAction: 'Train' }, 'JobAction'], [{ PageSize: 0 }, 'PageSize']]) {
    const err = await sdkError(ds.listJobs(id, query));
    assert.equal(err.code, 'InvalidParameter');
    assert.match(err.data.Message, new RegExp(param));
  }
});

test('bad dataset jobs are refused in PAI\'s format, and StopDatasetJob ends a running one', async () => {
  const { DatasetId: id } = await ds.createDataset({ Name: 'job-errors', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${tree}` });
  const cases = [
    [{ JobAction: 'FileMetaBuild', JobSpec: '{}', JobMode: 'Increment' }, 'InvalidParameter', /JobMode may be Increment only/],
    [{ JobAction: 'Train', JobSpec: '{}' }, 'InvalidParameter', /JobAction must be/],
    [{ JobAction: 'FileMetaBuild' }, 'MissingParameter', /JobSpec/],
    [{ JobAction: 'FileMetaBuild', JobSpec: 'not json' }, 'InvalidParameter', /JobSpec must be a string holding a JSON object/],
    [{ JobAction: 'FileMetaBuild', JobSpec: '{}', DatasetVersion: 'v9' }, 'EntityNotExist.DatasetVersion', /no version v9/],
    [{ JobAction: 'FileMetaBuild', JobSpec: '{}', WorkspaceId: 'other' }, 'InvalidParameter', /WorkspaceId must be the dataset's workspace/],
  ];
  for (const [body, code, message] of cases) {
    const err = await sdkError(ds.createJob(id, { WorkspaceId: '1', ...body }));
    assert.equal(err.code, code, JSON.stringify(body));
    assert.match(err.data.Message, message);
  }
  assert.equal((await ds.listJobs(id)).TotalCount, 0);
  const missing = await sdkError(ds.getJob(id, 'dsjob-nosuchjob000000000'));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.code, 'EntityNotExist.DatasetJob');

  // A big file keeps the build busy long enough to stop it.
  const big = path.join(server.dataDir, 'big');
  mkdirSync(big);
  execFileSync('truncate', ['-s', '3G', path.join(big, 'zeros.bin')]);
  const { DatasetId: bigId } = await ds.createDataset({ Name: 'big', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${big}` });
  const { DatasetJobId } = await ds.createJob(bigId, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' });
  const started = Date.now();
  await ds.stopJob(bigId, DatasetJobId);
  const stopped = await ds.getJob(bigId, DatasetJobId);
  assert.equal(stopped.Status, 'ManuallyStop');
  assert.ok(stopped.Logs.some((l) => /Job stopped by user/.test(l)));
  assert.ok(Date.now() - started < 1000);
  const again = await sdkError(ds.stopJob(bigId, DatasetJobId));
  assert.equal(again.code, 'IncorrectStatus');
  // The runner moves on: a later job runs.
  const next = await ds.createJob(id, { WorkspaceId: '1', JobAction: 'IntelligentTagRevert', JobSpec: '{}' });
  assert.equal((await waitForEnd(id, next.DatasetJobId)).Status, 'Succeeded');
  await ds.call('DeleteDatasetJob', 'DELETE', `/api/v1/datasets/${bigId}/datasetjobs/${DatasetJobId}`);
  assert.equal((await sdkError(ds.getJob(bigId, DatasetJobId))).code, 'EntityNotExist.DatasetJob');
});

test('dataset job configs: create, list (with or without the trailing slash), get, update, delete', async () => {
  const { DatasetId: id } = await ds.createDataset({ Name: 'configs', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${tree}` });
  const base = `/api/v1/datasets/${id}/datasetjobconfigs`;
  const { DatasetJobConfigId: cfg } = await ds.call('CreateDatasetJobConfig', 'POST', base, {
    body: { WorkspaceId: '1', ConfigType: 'MultimodalIntelligentTag', Config: '{"apiKey":"sk-test"}' } });
  assert.match(cfg, /^dscfg-[0-9a-z]{18}$/);
  await ds.call('CreateDatasetJobConfig', 'POST', base, {
    body: { WorkspaceId: '1', ConfigType: 'MultimodalSemanticIndex', Config: '{"defaultModelId":"m"}', DatasetVersion: 'v1' } });
  const listed = await ds.call('ListDatasetJobConfigs', 'GET', `${base}/`, { query: { WorkspaceId: '1', PageNumber: '1', PageSize: '10' } });
  assert.equal(listed.TotalCount, 2);
  assert.deepEqual(listed.DatasetJobConfigs.map((c) => c.ConfigType).sort(), ['MultimodalIntelligentTag', 'MultimodalSemanticIndex']);
  const typed = await ds.call('ListDatasetJobConfigs', 'GET', base, { query: { ConfigType: 'MultimodalSemanticIndex' } });
  assert.equal(typed.DatasetJobConfigs[0].DatasetVersion, 'v1');
  await ds.call('UpdateDatasetJobConfig', 'PUT', `${base}/${cfg}`, { body: { Config: '{"apiKey":"sk-new"}' } });
  const got = await ds.call('GetDatasetJobConfig', 'GET', `${base}/${cfg}`, { query: { WorkspaceId: '1' } });
  assert.equal(got.Config, '{"apiKey":"sk-new"}');
  assert.equal(got.ConfigType, 'MultimodalIntelligentTag');
  assert.equal(got.DatasetId, id);
  assert.equal(got.DatasetJobConfigId, undefined);
  assert.match(got.CreateTime, SECONDS);
  const bad = await sdkError(ds.call('CreateDatasetJobConfig', 'POST', base, { body: { WorkspaceId: '1', ConfigType: 'Other', Config: '{}' } }));
  assert.equal(bad.code, 'InvalidParameter');
  await ds.call('DeleteDatasetJobConfig', 'DELETE', `${base}/${cfg}`, { query: { WorkspaceId: '1' } });
  assert.equal((await sdkError(ds.call('GetDatasetJobConfig', 'GET', `${base}/${cfg}`))).code, 'EntityNotExist.DatasetJobConfig');
});

test('kill -9 during a build: the job runs again after the restart, and its counters equal the catalogue', async () => {
  const wide = path.join(server.dataDir, 'wide');
  mkdirSync(wide);
  for (let i = 0; i < 3000; i++) writeFileSync(path.join(wide, `f${i}.txt`), `file ${i}\n`);
  execFileSync('truncate', ['-s', '1G', path.join(wide, 'zz-big.bin')]);
  const { DatasetId: id } = await ds.createDataset({ Name: 'wide', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${wide}` });
  const { DatasetJobId } = await ds.createJob(id, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' });
  for (let seen = ''; seen !== 'Running';) {
    seen = (await ds.getJob(id, DatasetJobId)).Status;
    assert.ok(['Pending', 'Starting', 'Running'].includes(seen), seen);
  }
  await server.stop('SIGKILL');
  await server.start();
  ds = new DatasetClient(server.endpoint, server.adminKey);
  const job = await waitForEnd(id, DatasetJobId, 60000);
  assert.equal(job.Status, 'Succeeded', job.Logs.join('\n'));
  assert.ok(job.Logs.some((l) => /WARN: The server restarted; the job runs again/.test(l)));
  assert.equal(job.TotalFileCount, 3001);
  assert.equal(job.CompletedFileCount, 3001);
  const page = await ds.listFiles(id, { DatasetVersion: 'v1', WorkspaceId: '1', MaxResults: 1 });
  assert.equal(page.TotalCount, 3001);
});

test('a graceful stop of the server mid-build leaves the job to run again, never ended early', async () => {
  const slow = path.join(server.dataDir, 'slow');
  mkdirSync(slow);
  writeFileSync(path.join(slow, 'small.txt'), 'x');
  execFileSync('truncate', ['-s', '2G', path.join(slow, 'zeros.bin')]);
  const { DatasetId: id } = await ds.createDataset({ Name: 'slow', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${slow}` });
  const { DatasetJobId } = await ds.createJob(id, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' });
  for (let seen = ''; seen !== 'Running';) seen = (await ds.getJob(id, DatasetJobId)).Status;
  await server.stop('SIGTERM');
  await server.start();
  ds = new DatasetClient(server.endpoint, server.adminKey);
  const job = await waitForEnd(id, DatasetJobId, 60000);
  assert.equal(job.Status, 'Succeeded', job.Logs.join('\n'));
  assert.equal(job.TotalFileCount, 2);
  assert.equal(job.CompletedFileCount, 2);
  assert.ok(job.Logs.some((l) => /The server restarted; the job runs again/.test(l)));
});

test('file metas written by the client: create, tag, aggregate, delete', async () => {
  const { DatasetId: id } = await ds.createDataset({ Name: 'metas', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${tree}` });
  const base = `/api/v1/datasets/${id}/datasetfilemetas`;
  const meta = (name, dir, tags) => ({
    Uri: `nas://fs1/${dir}${name}`, FileName: name, FileType: 'image', ContentType: 'image/png',
    FileFingerPrint: `etag-${name}`, FileUpdateTime: '2025-01-12T14:36:01Z', DataSize: 10,
    MetaAttributes: '{"ImageHeight":400,"ImageWidth":800}', Tags: JSON.stringify({ user: { add: tags } }),
  });
  const created = await ds.call('CreateDatasetFileMetas', 'POST', base, { body: {
    WorkspaceId: '1', DatasetVersion: 'v1',
    DatasetFileMetas: [meta('a.png', 'cars/', ['car', 'red']), meta('b.png', 'cars/', ['car']), meta('c.png', 'dogs/', []),
                       { Uri: 'nas://fs1/broken.png' }, meta('a.png', 'cars/', [])] } });
  assert.equal(created.Status, false);
  assert.equal(created.SucceedDetails.length, 3);
  assert.deepEqual(created.FailedDetails.map((d) => d.Result), [
    'FileType, ContentType, FileFingerPrint and FileUpdateTime are required.', 'Already exists.']);
  const [a, b] = created.SucceedDetails.map((d) => d.DatasetFileMetaId);

  const tagged = await ds.listFiles(id, { DatasetVersion: 'v1', WorkspaceId: '1', QueryTagsIncludeAll: 'car,red' });
  assert.deepEqual(tagged.DatasetFileMetas.map((f) => f.FileName), ['a.png']);
  assert.deepEqual(JSON.parse(tagged.DatasetFileMetas[0].Tags), { ai: [], user: ['car', 'red'], 'user-delete-ai-tags': [] });
  assert.equal(tagged.DatasetFileMetas[0].MetaAttributes, '{"ImageHeight":400,"ImageWidth":800}');
  const names = async (query) => (await ds.listFiles(id, { DatasetVersion: 'v1', WorkspaceId: '1', ...query }))
    .DatasetFileMetas.map((f) => f.FileName).sort();
  assert.deepEqual(await names({ QueryTagsIncludeAny: 'red,blue' }), ['a.png']);
  assert.deepEqual(await names({ QueryTagsIncludeAny: 'car' }), ['a.png', 'b.png']);
  assert.deepEqual(await names({ QueryTagsExclude: 'red' }), ['b.png', 'c.png']);
  assert.deepEqual(await names({ QueryTagsIncludeAny: 'car', QueryTagsExclude: 'red' }), ['b.png']);

  const updated = await ds.call('UpdateDatasetFileMetas', 'PUT', base, { body: { WorkspaceId: '1', DatasetVersion: 'v1',
    DatasetFileMetas: [{ DatasetFileMetaId: b, Comment: 'checked', Tags: JSON.stringify({ user: { add: ['red'], remove: ['car'] } }) },
                       { DatasetFileMetaId: 'f'.repeat(64) }] } });
  assert.equal(updated.Status, false);
  assert.deepEqual(updated.FailedDetails.map((d) => d.Result), ['Not Found']);
  const got = await ds.call('GetDatasetFileMeta', 'GET', `${base}/${b}`);
  assert.equal(got.DatasetFileMeta.Comment, 'checked');
  assert.deepEqual(JSON.parse(got.DatasetFileMeta.Tags).user, ['red']);
  assert.match(got.DatasetFileMeta.TagUpdateTime, /\.\d{3}Z$/);

  const stats = async (AggregateBy) => ds.call('GetDatasetFileMetasStatistics', 'GET', `/api/v1/statistics/datasets/${id}/datasetfilemetas`,
                                             { query: { DatasetVersion: 'v1', WorkspaceId: '1', ...(AggregateBy ? { AggregateBy } : {}) } });
  const byDir = await stats('FileDir');
  assert.equal(byDir.TotalCount, 3);
  assert.match(byDir.requestId, UUID_UPPER);
  assert.equal(byDir.RequestId, undefined);
  assert.deepEqual(byDir.DatasetFileMetasStats, [{ Key: 'cars/', Count: 2 }, { Key: 'dogs/', Count: 1 }]);
  assert.deepEqual((await stats('tags.user')).DatasetFileMetasStats, [{ Key: 'red', Count: 2 }, { Key: 'car', Count: 1 }]);
  assert.deepEqual((await stats('file_type')).DatasetFileMetasStats, [{ Key: 'image', Count: 3 }]);
  const totalOnly = await stats();
  assert.equal(totalOnly.TotalCount, 3);
  assert.equal(totalOnly.DatasetFileMetasStats, undefined);
  assert.equal((await sdkError(stats('size'))).code, 'InvalidParameter');

  const deleted = await ds.call('DeleteDatasetFileMetas', 'DELETE', base, { query: { DatasetFileMetaIds: `${a},nosuch`, WorkspaceId: '1' } });
  assert.equal(deleted.Status, false);
  assert.deepEqual(deleted.FailedDetails.map((d) => d.DatasetFileMetaId), ['nosuch']);
  assert.equal((await stats()).TotalCount, 2);
  const aiRefused = await sdkError(ds.call('UpdateDatasetFileMetas', 'PUT', base, { body: {
    DatasetFileMetas: [{ DatasetFileMetaId: b, Tags: '{"ai":["x"]}' }] } }));
  assert.equal(aiRefused.code, 'InvalidParameter');
  assert.match(aiRefused.data.Message, /ai tags are written by IntelligentTag jobs only/);
});

test('FileMetaExport writes the catalogue as JSON lines and FileMetaImport reads it into another dataset', async () => {
  const src = path.join(server.dataDir, 'export-src');
  mkdirSync(path.join(src, 'd'), { recursive: true });
  writeFileSync(path.join(src, 'one.txt'), '1');
  // A real PNG header: 640 × 480.
  const png = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).copy(png, 0);
  png.write('IHDR', 12);
  png.writeUInt32BE(640, 16);
  png.writeUInt32BE(480, 20);
  writeFileSync(path.join(src, 'd', 'two.png'), png);
  const { DatasetId: from } = await ds.createDataset({ Name: 'export-from', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${src}` });
  assert.equal((await waitForEnd(from, (await ds.createJob(from, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' })).DatasetJobId)).Status, 'Succeeded');
  const out = path.join(server.dataDir, 'catalogue.jsonl');
  const exported = await waitForEnd(from, (await ds.createJob(from, { WorkspaceId: '1', JobAction: 'FileMetaExport',
                                                                     JobSpec: JSON.stringify({ uri: `file://${out}` }) })).DatasetJobId);
  assert.equal(exported.Status, 'Succeeded', exported.Logs.join('\n'));
  assert.equal(exported.CompletedFileCount, 2);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.FileName).sort(), ['one.txt', 'two.png']);
  assert.equal(lines.find((l) => l.FileName === 'two.png').FileDir, 'd/');
  assert.deepEqual(JSON.parse(lines.find((l) => l.FileName === 'two.png').MetaAttributes), { ImageWidth: 640, ImageHeight: 480 });

  writeFileSync(out, readFileSync(out, 'utf8') + 'not json\n{"FileName":"no-uri"}\n');
  const { DatasetId: into } = await ds.createDataset({ Name: 'import-into', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${tree}` });
  const imported = await waitForEnd(into, (await ds.createJob(into, { WorkspaceId: '1', JobAction: 'FileMetaImport',
                                                                     JobSpec: JSON.stringify({ uri: `file://${out}` }) })).DatasetJobId);
  assert.equal(imported.Status, 'PartialFailed', imported.Logs.join('\n'));
  assert.equal(imported.TotalFileCount, 4);
  assert.equal(imported.CompletedFileCount, 2);
  assert.equal(imported.FailedFileCount, 2);
  assert.ok(imported.Logs.some((l) => /Line 3 is not a file meta/.test(l)), imported.Logs.join('\n'));
  const files = (await ds.listFiles(into, { DatasetVersion: 'v1', WorkspaceId: '1' })).DatasetFileMetas;
  assert.deepEqual(files.map((f) => f.Uri).sort(), lines.map((l) => l.Uri).sort());
  const missing = await waitForEnd(into, (await ds.createJob(into, { WorkspaceId: '1', JobAction: 'FileMetaImport', JobSpec: '{}' })).DatasetJobId);
  assert.equal(missing.Status, 'Failed');
  assert.match(missing.Logs.at(-1), /JobSpec's "uri"/);
});

test('IntelligentTag asks the configured model for each image\'s tags; Increment tags only the untagged; Revert clears them', async () => {
  const stub = await startModelStub();
  try {
    const dir = path.join(server.dataDir, 'tagged');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.png'), 'red-car');
    writeFileSync(path.join(dir, 'b.jpg'), 'blue-sky');
    writeFileSync(path.join(dir, 'c.png'), 'fail-me');
    writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
    const { DatasetId: id } = await ds.createDataset({ Name: 'tagged', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${dir}` });
    await waitForEnd(id, (await ds.createJob(id, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' })).DatasetJobId);
    const tag = async (mode = 'Full', spec = '{}') =>
      waitForEnd(id, (await ds.createJob(id, { WorkspaceId: '1', JobAction: 'IntelligentTag', JobMode: mode, JobSpec: spec })).DatasetJobId);

    const none = await tag();
    assert.equal(none.Status, 'Failed');
    assert.match(none.Logs.at(-1), /IntelligentTag needs a model endpoint: create a MultimodalIntelligentTag job config/);

    await ds.call('CreateDatasetJobConfig', 'POST', `/api/v1/datasets/${id}/datasetjobconfigs`, { body: {
      WorkspaceId: '1', ConfigType: 'MultimodalIntelligentTag',
      Config: JSON.stringify({ apiKey: 'sk-test', endpoint: stub.url, model: 'tagger-1' }) } });
    const first = await tag();
    assert.equal(first.Status, 'PartialFailed');
    assert.deepEqual([first.TotalFileCount, first.CompletedFileCount, first.FailedFileCount], [3, 2, 1]);
    assert.ok(first.Logs.some((l) => /WARN: c\.png: .*answered 500: .*cannot see this image/.test(l)), first.Logs.join('\n'));
    const calls = stub.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(calls.length, 3);
    for (const call of calls) {
      assert.equal(call.authorization, 'Bearer sk-test');
      assert.equal(call.body.model, 'tagger-1');
      assert.match(call.body.messages[0].content[1].image_url.url, /^data:image\/(png|jpeg);base64,/);
    }
    const files = async (query = {}) => Object.fromEntries((await ds.listFiles(id, { DatasetVersion: 'v1', WorkspaceId: '1', MaxResults: 100, ...query }))
      .DatasetFileMetas.map((f) => [f.FileName, JSON.parse(f.Tags).ai]));
    assert.deepEqual(await files(), { 'a.png': ['photo', 'bytes-7', 'red', 'car', 'stub'], 'b.jpg': ['photo', 'bytes-8', 'blue', 'sky', 'stub'],
                                      'c.png': [], 'notes.txt': [] });
    assert.deepEqual(Object.keys(await files({ QueryTagsIncludeAny: 'car' })), ['a.png']);

    // Increment: only the images with no ai tags (c.png again, and a new d.png); JobSpec's modelId picks the model.
    writeFileSync(path.join(dir, 'd.png'), 'dog-tree');
    await waitForEnd(id, (await ds.createJob(id, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' })).DatasetJobId);
    stub.requests.length = 0;
    const more = await tag('Increment', '{"modelId":"tagger-2"}');
    assert.equal(more.Status, 'PartialFailed');
    assert.deepEqual([more.TotalFileCount, more.CompletedFileCount, more.FailedFileCount], [2, 1, 1]);
    assert.deepEqual(stub.requests.map((r) => r.body.model), ['tagger-2', 'tagger-2']);
    assert.deepEqual((await files())['d.png'], ['photo', 'bytes-8', 'dog', 'tree', 'stub']);

    const revert = await waitForEnd(id, (await ds.createJob(id, { WorkspaceId: '1', JobAction: 'IntelligentTagRevert', JobSpec: '{}' })).DatasetJobId);
    assert.equal(revert.Status, 'Succeeded');
    for (const tags of Object.values(await files())) assert.deepEqual(tags, []);
  } finally {
    await stub.stop();
  }
});

test('SemanticIndex embeds text files and images; VECTOR ranks files by QueryText, MIX within TAG filters', async () => {
  const stub = await startModelStub();
  try {
    const dir = path.join(server.dataDir, 'embedded');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.txt'), 'a red car on the road');
    writeFileSync(path.join(dir, 'b.txt'), 'blue sky over a tree');
    writeFileSync(path.join(dir, 'c.png'), 'red-car');
    writeFileSync(path.join(dir, 'd.png'), 'dog');
    writeFileSync(path.join(dir, 'e.bin'), Buffer.from([0, 1, 2, 3]));
    const { DatasetId: id } = await ds.createDataset({ Name: 'embedded', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: `file://${dir}` });
    const run = async (action, mode = 'Full') =>
      ds.createJob(id, { WorkspaceId: '1', JobAction: action, JobMode: mode, JobSpec: '{}' });
    await waitForEnd(id, (await run('FileMetaBuild')).DatasetJobId);
    const search = (query) => ds.listFiles(id, { DatasetVersion: 'v1', WorkspaceId: '1', ...query });

    const unconfigured = await sdkError(search({ QueryType: 'VECTOR', QueryText: 'red car' }));
    assert.equal(unconfigured.statusCode, 400);
    assert.match(unconfigured.message, /needs a model endpoint: create a MultimodalSemanticIndex job config/);

    await ds.call('CreateDatasetJobConfig', 'POST', `/api/v1/datasets/${id}/datasetjobconfigs`, { body: {
      WorkspaceId: '1', ConfigType: 'MultimodalSemanticIndex',
      Config: JSON.stringify({ defaultModelId: 'm', endpoint: stub.url, model: 'embedder-1', apiKey: 'sk-e' }) } });
    const { DatasetJobId: jobId } = await run('SemanticIndex');
    const job = await waitForEnd(id, jobId);
    assert.equal(job.Status, 'Succeeded', job.Logs.join('\n'));
    assert.deepEqual([job.TotalFileCount, job.CompletedFileCount, job.FailedFileCount], [4, 4, 0]);
    assert.ok(stub.requests.every((r) => r.authorization === 'Bearer sk-e' && r.body.model === 'embedder-1'));
    assert.ok(stub.requests.some((r) => Array.isArray(r.body.input) && r.body.input.length === 2), 'texts go in one batch');

    const found = await search({ QueryType: 'VECTOR', QueryText: 'red car', TopK: 2 });
    assert.deepEqual(found.DatasetFileMetas.map((f) => f.FileName), ['c.png', 'a.txt']);
    const [best, second] = found.DatasetFileMetas;
    assert.ok(best.Score > 0.99 && best.Score <= 1.0001, String(best.Score));
    assert.ok(second.Score < best.Score);
    assert.equal(best.SemanticIndexJobId, jobId);
    assert.match(best.SemanticIndexUpdateTime, /\.\d{3}Z$/);
    assert.equal(found.TotalCount, 2);
    assert.equal(found.NextToken, null);
    const above = await search({ QueryType: 'VECTOR', QueryText: 'red car', ScoreThreshold: '0.9' });
    assert.deepEqual(above.DatasetFileMetas.map((f) => f.FileName), ['c.png']);
    const mixed = await search({ QueryType: 'MIX', QueryText: 'red car', QueryFileTypeIncludeAny: 'text', TopK: 1 });
    assert.deepEqual(mixed.DatasetFileMetas.map((f) => f.FileName), ['a.txt']);

    for (const [query, param] of [[{ QueryType: 'VECTOR', QueryText: 'x', QueryFileDir: 'a/' }, /QueryFileDir/],
                                  [{ QueryType: 'VECTOR' }, /QueryText/],
                                  [{ QueryType: 'VECTOR', QueryText: 'x', TopK: 0 }, /TopK/],
                                  [{ QueryType: 'VECTOR', QueryText: 'x', ScoreThreshold: 'high' }, /ScoreThreshold/],
                                  [{ QueryType: 'NEAREST', QueryText: 'x' }, /QueryType/],
                                  [{ QueryText: 'x' }, /QueryText/]]) {
      const bad = await sdkError(search(query));
      assert.equal(bad.statusCode, 400, JSON.stringify(query));
      assert.match(bad.message, param);
    }

    // Increment: only what changed since it was embedded.
    writeFileSync(path.join(dir, 'b.txt'), 'a blue car under the sky');
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, 'b.txt'), later, later);
    await waitForEnd(id, (await run('FileMetaBuild')).DatasetJobId);
    const increment = await waitForEnd(id, (await run('SemanticIndex', 'Increment')).DatasetJobId);
    assert.deepEqual([increment.TotalFileCount, increment.CompletedFileCount], [1, 1]);

    // The vectors outlive a crash.
    await server.stop('SIGKILL');
    await server.start();
    ds = new DatasetClient(server.endpoint, server.adminKey);
    const again = await search({ QueryType: 'VECTOR', QueryText: 'blue car', TopK: 1 });
    assert.deepEqual(again.DatasetFileMetas.map((f) => f.FileName), ['b.txt']);
  } finally {
    await stub.stop();
  }
});

// Huawei ModelArts v1 training jobs through @huaweicloud/huaweicloud-sdk-core,
// over the same jobs PAI-DLC shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server, DlcClient, ModelArtsClient, modelArtsError, jobBody, waitForStatus, waitForEnd, BIG_NODE } from './harness.mjs';

let server;
let ma;
let dlc;
let appDir;

before(async () => {
  server = await new Server(BIG_NODE).start();
  ma = new ModelArtsClient(server.endpoint, server.adminKey);
  dlc = new DlcClient(server.endpoint, server.adminKey);
  appDir = mkdtempSync(path.join(tmpdir(), 'drover-app-'));
  writeFileSync(path.join(appDir, 'train.sh'), 'echo "training with $*"; echo "workers=$WORLD_SIZE"\n');
});

after(async () => {
  await server.stop();
  server.cleanup();
});

const config = (extra = {}) => ({ worker_server_num: 1, data_url: '/data/mnist', train_url: '/out',
                                  user_command: 'sleep 1000', ...extra });
const create = (name, extra = {}, desc = '') =>
  ma.create({ job_name: name, job_desc: desc, config: config(extra) });
const dlcIdOf = async (jobId, versionId) => (await ma.version(jobId, versionId)).dlc_job_id;
const waitVersion = async (jobId, versionId, status) => waitForStatus(dlc, await dlcIdOf(jobId, versionId), status);

test('create a job: V0001 runs boot_file_url inside app_url with its parameters', async () => {
  const r = await ma.create({ job_name: 'boot-file', job_desc: 'from app_url',
                              config: { worker_server_num: 2, app_url: appDir, boot_file_url: 'train.sh',
                                        data_url: '/data', parameter: [{ label: 'lr', value: '0.01' }] } });
  assert.equal(r.is_success, true);
  assert.equal(typeof r.job_id, 'number');
  assert.equal(r.version_name, 'V0001');
  assert.equal(r.job_name, 'boot-file');
  const job = await waitForEnd(dlc, await dlcIdOf(r.job_id, r.version_id));
  assert.equal(job.Status, 'Succeeded');
  const v = await ma.version(r.job_id, r.version_id);
  assert.equal(v.status, 10);
  assert.equal(v.worker_server_num, 2);
  assert.equal(v.data_url, '/data');
  const files = await ma.call('GET', `/training-jobs/${r.job_id}/versions/${r.version_id}/log/file-names`);
  assert.equal(files.log_file_list.length, 2);
  const log = await ma.call('GET', `/training-jobs/${r.job_id}/versions/${r.version_id}/aom-log`,
                            { query: { log_file: files.log_file_list[0] } });
  assert.equal(log.content, 'training with --lr=0.01\nworkers=2\n');
  assert.equal(log.lines, 2);
});

test('statuses map to integers: 8 while running, 9 → 12 when stopped', async () => {
  const r = await create('stop-me');
  await waitVersion(r.job_id, r.version_id, 'Running');
  assert.equal((await ma.version(r.job_id, r.version_id)).status, 8);
  assert.equal((await ma.list({ status: 8, search_content: 'stop-me' })).job_total_count, 1);
  assert.equal((await ma.stopVersion(r.job_id, r.version_id)).is_success, true);
  await waitVersion(r.job_id, r.version_id, 'Stopped');
  assert.equal((await ma.version(r.job_id, r.version_id)).status, 12);
  assert.equal((await ma.list({ status: 12, search_content: 'stop-me' })).job_total_count, 1);
  assert.equal((await ma.list({ status: 8, search_content: 'stop-me' })).job_total_count, 0);
  const failed = await create('fails', { user_command: 'exit 4' });
  await waitVersion(failed.job_id, failed.version_id, 'Failed');
  assert.equal((await ma.version(failed.job_id, failed.version_id)).status, 11);
});

test('versions: create from a previous one, list, get, delete', async () => {
  const first = await create('versioned', { user_command: 'true' }, 'v1 desc');
  await waitVersion(first.job_id, first.version_id, 'Succeeded');
  const second = await ma.createVersion(first.job_id, { pre_version_id: first.version_id,
                                                       config: config({ user_command: 'true' }) });
  assert.equal(second.version_name, 'V0002');
  assert.equal(second.job_id, first.job_id);
  await waitVersion(first.job_id, second.version_id, 'Succeeded');

  const all = await ma.versions(first.job_id);
  assert.equal(all.version_count, 2);
  assert.equal(all.job_desc, 'v1 desc');
  assert.deepEqual(all.versions.map((v) => v.version_name), ['V0002', 'V0001']);
  assert.equal(all.versions[0].pre_version_id, first.version_id);
  const paged = await ma.versions(first.job_id, { page: 2, per_page: 1 });
  assert.deepEqual(paged.versions.map((v) => v.version_name), ['V0001']);

  const listed = (await ma.list({ search_content: 'versioned' })).jobs[0];
  assert.equal(listed.version_count, 2);
  assert.equal(listed.version_id, second.version_id);

  assert.equal((await ma.deleteVersion(first.job_id, second.version_id)).is_success, true);
  const after = (await ma.list({ search_content: 'versioned' })).jobs[0];
  assert.equal(after.version_count, 1);
  assert.equal(after.version_id, first.version_id);
  const gone = await modelArtsError(ma.version(first.job_id, second.version_id));
  assert.equal(gone.status, 404);
  assert.equal(gone.code, 'ModelArts.0015');
});

test('update the description, delete a job', async () => {
  const r = await create('describe-me', { user_command: 'true' });
  assert.equal((await ma.describe(r.job_id, 'new words')).is_success, true);
  assert.equal((await ma.list({ search_content: 'describe-me' })).jobs[0].job_desc, 'new words');
  const running = await create('busy');
  await waitVersion(running.job_id, running.version_id, 'Running');
  const refused = await modelArtsError(ma.deleteJob(running.job_id));
  assert.equal(refused.status, 400);
  assert.equal(refused.code, 'ModelArts.0107');
  await waitVersion(r.job_id, r.version_id, 'Succeeded');
  assert.equal((await ma.deleteJob(r.job_id)).is_success, true);
  assert.equal((await ma.list({ search_content: 'describe-me' })).job_total_count, 0);
  assert.equal((await modelArtsError(ma.versions(r.job_id))).status, 404);
});

test('names: validated, unique', async () => {
  await create('unique-name', { user_command: 'true' });
  const dup = await modelArtsError(create('unique-name'));
  assert.equal(dup.status, 400);
  assert.equal(dup.code, 'ModelArts.0103');
  // The SDK keeps only the code; the body itself, as a plain client sees it:
  const raw = await ma.raw('POST', '/training-jobs', { job_name: 'unique-name', config: config() });
  assert.equal(raw.status, 400);
  assert.deepEqual(await raw.json(), { is_success: false, error_code: 'ModelArts.0103',
                                       error_message: 'Job name:unique-name is existed' });
  for (const bad of ['has space', 'dots.not.allowed', 'x'.repeat(65), '']) {
    const err = await modelArtsError(create(bad));
    assert.equal(err.status, 400, bad);
    assert.match(err.code, /^ModelArts\.010[14]$/, bad);
  }
  for (const [cfg, code] of [[{ worker_server_num: 0 }, 'ModelArts.0104'],
                             [{ worker_server_num: 1001 }, 'ModelArts.0104'],
                             [{ user_command: 'echo a\u0000b' }, 'ModelArts.0104'],
                             [{ data_url: undefined }, 'ModelArts.0104'],
                             [{ user_command: undefined }, 'ModelArts.0101']]) {
    const err = await modelArtsError(create('bad-config', cfg));
    assert.equal(err.code, code, JSON.stringify(cfg));
  }
  assert.equal((await ma.list({ search_content: 'bad-config' })).job_total_count, 0);
});

test('list: paging, sorting, bad values', async () => {
  for (const name of ['page-c', 'page-a', 'page-b']) await create(name, { user_command: 'true' }, `desc-${name}`);
  const asc = await ma.list({ search_content: 'page-', per_page: 2, page: 1 });
  assert.equal(asc.job_total_count, 3);
  assert.deepEqual(asc.jobs.map((j) => j.job_name), ['page-a', 'page-b']);
  const second = await ma.list({ search_content: 'page-', per_page: 2, page: 2 });
  assert.deepEqual(second.jobs.map((j) => j.job_name), ['page-c']);
  const past = await ma.list({ search_content: 'page-', per_page: 2, page: 3 });
  assert.deepEqual(past.jobs, []);
  assert.equal(past.job_total_count, 3);
  const desc = await ma.list({ search_content: 'PAGE-', sortBy: 'job_desc', order: 'desc', per_page: 1000 });
  assert.deepEqual(desc.jobs.map((j) => j.job_name), ['page-c', 'page-b', 'page-a']);
  const byTime = await ma.list({ search_content: 'page-', sortBy: 'create_time' });
  assert.deepEqual(byTime.jobs.map((j) => j.job_name), ['page-c', 'page-a', 'page-b']);
  for (const query of [{ per_page: 0 }, { per_page: 1001 }, { page: 0 }, { page: 65536 }, { sortBy: 'size' },
                       { order: 'up' }, { status: 'running' }, { search_content: 'x'.repeat(65) }]) {
    const err = await modelArtsError(ma.list(query));
    assert.equal(err.status, 400, JSON.stringify(query));
    assert.equal(err.code, 'ModelArts.0104', JSON.stringify(query));
  }
});

test('a ModelArts job is a DLC job and a DLC job is a ModelArts job', async () => {
  const r = await create('cross-ma', { user_command: 'true' }, 'made by ModelArts');
  const dlcId = await dlcIdOf(r.job_id, r.version_id);
  const seen = await waitForStatus(dlc, dlcId, 'Succeeded');
  assert.equal(seen.DisplayName, 'cross-ma');
  assert.equal(seen.Description, 'made by ModelArts');
  assert.equal((await dlc.listJobs({ DisplayName: 'cross-ma' })).TotalCount, 1);

  const { JobId } = await dlc.createJob(jobBody({ DisplayName: 'cross-dlc', UserCommand: 'true' }));
  const done = await waitForStatus(dlc, JobId, 'Succeeded');
  const listed = await ma.list({ search_content: 'cross-dlc' });
  assert.equal(listed.job_total_count, 1);
  const item = listed.jobs[0];
  assert.equal(item.status, 10);
  assert.equal(item.version_count, 1);
  assert.equal(item.create_time, Date.parse(done.GmtCreateTime) + (item.create_time % 1000));
  const version = await ma.version(item.job_id, item.version_id);
  assert.equal(version.dlc_job_id, JobId);
  assert.equal(version.version_name, 'V0001');
});

test('aom-log: the newest lines, then paging from base_line both ways', async () => {
  const r = await create('log-pager', { user_command: 'for i in 1 2 3 4 5 6 7 8 9 10; do echo line$i; done' });
  await waitVersion(r.job_id, r.version_id, 'Succeeded');
  const url = `/training-jobs/${r.job_id}/versions/${r.version_id}/aom-log`;
  const [file] = (await ma.call('GET', `/training-jobs/${r.job_id}/versions/${r.version_id}/log/file-names`)).log_file_list;
  const read = (query) => ma.call('GET', url, { query: { log_file: file, ...query } });
  const newest = await read({ lines: 3 });
  assert.deepEqual([newest.content, newest.lines, newest.start_line, newest.end_line],
                   ['line8\nline9\nline10\n', 3, '8', '10']);
  const previous = await read({ lines: 3, base_line: newest.start_line, order: 'asc' });
  assert.deepEqual([previous.content, previous.start_line, previous.end_line], ['line5\nline6\nline7\n', '5', '7']);
  const next = await read({ lines: 2, base_line: 3, order: 'desc' });
  assert.deepEqual([next.content, next.start_line, next.end_line], ['line4\nline5\n', '4', '5']);
  const first = await read({ lines: 50, base_line: 3, order: 'asc' });
  assert.equal(first.content, 'line1\nline2\n');
  const past = await read({ base_line: 10, order: 'desc' });
  assert.deepEqual([past.content, past.lines, past.start_line, past.end_line], ['', 0, '10', '10']);
  for (const query of [{ base_line: '-1' }, { base_line: 'x' }, { lines: 501 }, { order: 'up' }]) {
    const err = await modelArtsError(read(query));
    assert.equal(err.code, 'ModelArts.0104', JSON.stringify(query));
  }
});

test('all-versions overview: every version, filtered, sorted, paged', async () => {
  const a = await create('overview-a', { user_command: 'true', pool_id: 'pool-ov' });
  await waitVersion(a.job_id, a.version_id, 'Succeeded');
  const a2 = await ma.createVersion(a.job_id, { pre_version_id: a.version_id,
                                                 config: config({ user_command: 'true', pool_id: 'pool-ov' }) });
  await waitVersion(a.job_id, a2.version_id, 'Succeeded');
  const b = await create('overview-b', { pool_id: 'pool-ov' });  // sleeps: running
  await waitVersion(b.job_id, b.version_id, 'Running');
  assert.equal((await ma.version(b.job_id, b.version_id)).resource_id, 'pool-ov');

  const all = await ma.call('GET', '/training-jobs/versions', { query: { pool_id: 'pool-ov' } });
  assert.equal(all.total_count, 3);
  assert.deepEqual(all.versions.map((v) => [v.job_name, v.version_name]),
                   [['overview-b', 'V0001'], ['overview-a', 'V0002'], ['overview-a', 'V0001']]);
  const v = all.versions[0];
  assert.deepEqual([v.job_id, v.version_id, v.status, v.pool_id, v.gpu_num],
                   [b.job_id, b.version_id, 8, 'pool-ov', 0]);
  const running = await ma.call('GET', '/training-jobs/versions', { query: { pool_id: 'pool-ov', status: 8 } });
  assert.deepEqual(running.versions.map((x) => x.version_id), [b.version_id]);
  const paged = await ma.call('GET', '/training-jobs/versions',
                              { query: { pool_id: 'pool-ov', sort_by: 'job_name', order: 'asc', offset: 1, limit: 1 } });
  assert.equal(paged.total_count, 3);
  assert.equal(paged.versions.length, 1);
  assert.equal(paged.versions[0].job_name, 'overview-a');
  const everything = await ma.call('GET', '/training-jobs/versions', { query: { limit: 0 } });
  assert.ok(everything.versions.length >= 3 && everything.versions.length === everything.total_count);
  for (const query of [{ limit: -1 }, { limit: 10001 }, { offset: -1 }, { sort_by: 'version_count' },
                       { order: 'sideways' }, { pool_id: 'p'.repeat(65) }]) {
    const err = await modelArtsError(ma.call('GET', '/training-jobs/versions', { query }));
    assert.equal(err.code, 'ModelArts.0104', JSON.stringify(query));
  }
  await ma.stopVersion(b.job_id, b.version_id);
});

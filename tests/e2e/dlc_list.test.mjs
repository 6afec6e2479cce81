// ListJobs: every documented parameter, paging and sorting, over a fixture
// of jobs created through the SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, DlcClient, sdkError, jobBody, waitForStatus, BIG_NODE } from './harness.mjs';

let server;
let dlc;
const ids = {};  // DisplayName → JobId

const spec = (gpu, extra = {}) => [{ Type: 'Worker', Image: 'registry/pytorch:2.1-cuda12', PodCount: 1,
                                     ResourceConfig: { CPU: '2', GPU: String(gpu), Memory: '4Gi' }, ...extra }];

const fixture = [
  jobBody({ DisplayName: 'tf-mnist-test', JobType: 'TFJob', WorkspaceId: '100',
            JobSpecs: [{ Type: 'Worker', Image: 'tensorflow:2.14', PodCount: 2, ResourceConfig: { GPU: '4' } }],
            UserCommand: 'sleep 1000 # python mnist.py --epochs 3', Settings: { Tags: { team: 'vision', env: 'prod' } } }),
  jobBody({ DisplayName: 'job-Test2', WorkspaceId: '100', Priority: 9, JobSpecs: spec(8),
            UserCommand: 'sleep 1000 # torchrun train.py 训练模型', Settings: { Tags: { team: 'nlp' }, Caller: 'pipeline-ui',
            PipelineId: 'flow-7' } }),
  jobBody({ DisplayName: 'job-t1', WorkspaceId: '200', ResourceId: 'quota-gpu-a', Accessibility: 'PUBLIC',
            JobSpecs: spec(1, { AssignNodeSpec: { EnableAssignNode: true, NodeNames: 'n1' } }),
            UserCommand: 'sleep 1000 # bash run.sh', TemplateId: 'tmlabc123', BusinessUserId: 'biz-9',
            Settings: { OversoldType: 'ForbiddenQuotaOverSold' } }),
  jobBody({ DisplayName: 'resnet_50.v2', WorkspaceId: '200', JobSpecs: spec(2, { SpotSpec: { SpotStrategy: 'SpotWithPriceLimit' } }),
            UserCommand: 'sleep 1000 # python resnet.py', Priority: 3 }),
  jobBody({ DisplayName: 'bert-finetune', WorkspaceId: '100', JobSpecs: spec(0), UserCommand: 'sleep 1000 # python bert.py' }),
];

before(async () => {
  server = await new Server(BIG_NODE).start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
  for (const body of fixture) ids[body.DisplayName] = (await dlc.createJob(body)).JobId;
  for (const id of Object.values(ids)) await waitForStatus(dlc, id, 'Running');
  await dlc.stopJob(ids['bert-finetune']);  // one finished job, with a reason
  await waitForStatus(dlc, ids['bert-finetune'], 'Stopped');
});

after(async () => {
  await server.stop();
  server.cleanup();
});

// The names a query lists, in order.
async function names(query) {
  const r = await dlc.listJobs({ PageSize: 100, ...query });
  assert.equal(r.TotalCount, r.Jobs.length, 'TotalCount counts every match');
  return r.Jobs.map((j) => j.DisplayName);
}

const sorted = (a) => [...a].sort();

test('defaults: last 7 days, newest first, everything in the tenant', async () => {
  const all = await names({});
  assert.equal(all.length, fixture.length);
  assert.deepEqual(all, [...fixture.map((b) => b.DisplayName)].reverse());
});

test('DisplayName: case-insensitive substring by default, with * and ? wildcards', async () => {
  assert.deepEqual(sorted(await names({ DisplayName: 'test' })), ['job-Test2', 'tf-mnist-test']);
  assert.deepEqual(sorted(await names({ DisplayName: 'TEST', DisplayNameSearchMode: 'wildcard' })),
                   ['job-Test2', 'tf-mnist-test']);
  assert.deepEqual(sorted(await names({ DisplayName: 'job-t?' })), ['job-Test2', 'job-t1']);
  assert.deepEqual(await names({ DisplayName: 'JOB-T?S' }), ['job-Test2']);
  assert.deepEqual(sorted(await names({ DisplayName: 'job*2' })), ['job-Test2']);
  assert.deepEqual(await names({ DisplayName: 'nothing-like-it' }), []);
});

test('DisplayNameSearchMode prefix, term and fulltext', async () => {
  assert.deepEqual(sorted(await names({ DisplayName: 'JOB-', DisplayNameSearchMode: 'prefix' })), ['job-Test2', 'job-t1']);
  assert.deepEqual(await names({ DisplayName: 'job-t', DisplayNameSearchMode: 'term' }), []);
  assert.deepEqual(await names({ DisplayName: 'JOB-T1', DisplayNameSearchMode: 'term' }), ['job-t1']);
  assert.deepEqual(await names({ DisplayName: 'mnist tf', DisplayNameSearchMode: 'fulltext' }), ['tf-mnist-test']);
  assert.deepEqual(await names({ DisplayName: 'resnet v2', DisplayNameSearchMode: 'fulltext' }), ['resnet_50.v2']);
  assert.deepEqual(await names({ DisplayName: 'mnis', DisplayNameSearchMode: 'fulltext' }), []);
  const err = await sdkError(dlc.listJobs({ DisplayName: 'x', DisplayNameSearchMode: 'regex' }));
  assert.equal(err.code, 'InvalidParameter');
  assert.match(err.data.Message, /DisplayNameSearchMode/);
});

test('JobType, Status, WorkspaceId, ResourceId and the other exact filters', async () => {
  assert.deepEqual(await names({ JobType: 'TFJob' }), ['tf-mnist-test']);
  assert.deepEqual(await names({ Status: 'Stopped' }), ['bert-finetune']);
  assert.equal((await names({ Status: 'Running' })).length, 4);
  assert.deepEqual(await names({ Status: 'Creating' }), []);
  assert.deepEqual(sorted(await names({ WorkspaceId: '200' })), ['job-t1', 'resnet_50.v2']);
  assert.deepEqual(await names({ ResourceId: 'quota-gpu-a' }), ['job-t1']);
  assert.deepEqual(await names({ TemplateId: 'tmlabc123' }), ['job-t1']);
  assert.deepEqual(await names({ BusinessUserId: 'biz-9' }), ['job-t1']);
  assert.deepEqual(await names({ Caller: 'pipeline-ui' }), ['job-Test2']);
  assert.deepEqual(await names({ PipelineId: 'flow-7' }), ['job-Test2']);
  assert.deepEqual(await names({ Accessibility: 'PUBLIC' }), ['job-t1']);
  assert.equal((await names({ Accessibility: 'PRIVATE' })).length, 4);
  assert.deepEqual(await names({ PaymentType: 'PrePaid' }), ['job-t1']);
  assert.deepEqual(await names({ PaymentType: 'Spot' }), ['resnet_50.v2']);
  assert.equal((await names({ PaymentType: 'PostPaid' })).length, 3);
  assert.deepEqual(await names({ OversoldInfo: 'ForbiddenQuotaOverSold' }), ['job-t1']);
  assert.deepEqual(await names({ EnableAssignNode: 'true' }), ['job-t1']);
  assert.equal((await names({ EnableAssignNode: 'false' })).length, 4);
  assert.equal((await names({ UserIdForFilter: 'admin' })).length, 5);
  assert.deepEqual(await names({ UserIdForFilter: 'someone-else' }), []);
});

test('Username and ResourceQuotaName match fuzzily', async () => {
  assert.equal((await names({ Username: 'ADM' })).length, 5);
  assert.deepEqual(await names({ Username: 'nobody' }), []);
  assert.deepEqual(await names({ ResourceQuotaName: 'GPU-A' }), ['job-t1']);
});

test('JobId is exact and case-insensitive; JobIds is a list; JobId wins', async () => {
  const id = ids['job-t1'];
  assert.deepEqual(await names({ JobId: id.toUpperCase() }), ['job-t1']);
  assert.deepEqual(await names({ JobId: id.slice(0, 8) }), []);
  assert.deepEqual(sorted(await names({ JobIds: `${id},${ids['bert-finetune']}` })), ['bert-finetune', 'job-t1']);
  assert.deepEqual(await names({ JobId: ids['resnet_50.v2'], JobIds: id }), ['resnet_50.v2']);
});

test('Tags: one JSON object, every pair must match', async () => {
  assert.deepEqual(await names({ Tags: JSON.stringify({ team: 'vision' }) }), ['tf-mnist-test']);
  assert.deepEqual(await names({ Tags: JSON.stringify({ team: 'vision', env: 'prod' }) }), ['tf-mnist-test']);
  assert.deepEqual(await names({ Tags: JSON.stringify({ team: 'vision', env: 'dev' }) }), []);
  const err = await sdkError(dlc.listJobs({ Tags: 'team=vision' }));
  assert.equal(err.code, 'InvalidParameter');
  assert.match(err.data.Message, /Tags/);
});

test('full-text search over reason, command and image, English and Chinese', async () => {
  assert.deepEqual(await names({ ReasonSearch: 'stopped by user' }), ['bert-finetune']);
  assert.deepEqual(await names({ ReasonSearch: 'OOM' }), []);
  assert.deepEqual(await names({ UserCommandSearch: 'python mnist' }), ['tf-mnist-test']);
  assert.deepEqual(await names({ UserCommandSearch: '训练' }), ['job-Test2']);
  assert.deepEqual(await names({ UserCommandSearch: '模型 torchrun' }), ['job-Test2']);
  assert.deepEqual(await names({ UserCommandSearch: 'python missing' }), []);
  assert.deepEqual(await names({ ImageSearch: 'tensorflow' }), ['tf-mnist-test']);
  assert.equal((await names({ ImageSearch: 'pytorch cuda12' })).length, 4);
});

test('numeric ranges are inclusive', async () => {
  assert.deepEqual(sorted(await names({ NumericRangeField: 'RequestGPU', NumericRangeMin: 4, NumericRangeMax: 8 })),
                   ['job-Test2', 'tf-mnist-test']);
  assert.deepEqual(await names({ NumericRangeField: 'RequestGPU', NumericRangeMin: 9 }), []);
  assert.deepEqual(await names({ NumericRangeField: 'Priority', NumericRangeMin: 9 }), ['job-Test2']);
  assert.equal((await names({ NumericRangeField: 'RequestCPU', NumericRangeMin: 1, NumericRangeMax: 2 })).length, 4);
  assert.equal((await names({ NumericRangeField: 'Duration', NumericRangeMin: 0, NumericRangeMax: 86400 })).length, 5);
  assert.deepEqual(await names({ NumericRangeField: 'Duration', NumericRangeMin: 86400 }), []);
  for (const query of [{ NumericRangeField: 'RequestGPU' }, { NumericRangeMin: 1 },
                       { NumericRangeField: 'Color', NumericRangeMin: 1 },
                       { NumericRangeField: 'RequestGPU', NumericRangeMin: 5, NumericRangeMax: 1 },
                       { NumericRangeField: 'RequestGPU', NumericRangeMin: 'four' }]) {
    const err = await sdkError(dlc.listJobs(query));
    assert.equal(err.code, 'InvalidParameter', JSON.stringify(query));
  }
});

test('StartTime/EndTime on TimeRangeField', async () => {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  assert.equal((await names({ StartTime: iso(now - 3600e3), EndTime: iso(now + 3600e3) })).length, 5);
  assert.deepEqual(await names({ StartTime: iso(now + 3600e3), EndTime: iso(now + 7200e3) }), []);
  assert.deepEqual(await names({ StartTime: iso(now - 30 * 86400e3), EndTime: iso(now - 20 * 86400e3) }), []);
  assert.deepEqual(await names({ TimeRangeField: 'GmtFinishTime' }), ['bert-finetune']);
  assert.deepEqual(await names({ TimeRangeField: 'GmtFinishTime', StartTime: iso(now + 3600e3),
                                 EndTime: iso(now + 7200e3) }), []);
  for (const query of [{ StartTime: 'yesterday' }, { TimeRangeField: 'GmtLunchTime' }]) {
    assert.equal((await sdkError(dlc.listJobs(query))).code, 'InvalidParameter', JSON.stringify(query));
  }
});

test('ShowOwn and FromAllWorkspaces', async () => {
  assert.equal((await names({ ShowOwn: true })).length, 5);
  assert.equal((await names({ ShowOwn: true, FromAllWorkspaces: true, WorkspaceId: '200' })).length, 5);
  const err = await sdkError(dlc.listJobs({ FromAllWorkspaces: true }));
  assert.equal(err.code, 'InvalidParameter');
  assert.match(err.data.Message, /ShowOwn/);
  assert.equal((await sdkError(dlc.listJobs({ ShowOwn: 'maybe' }))).code, 'InvalidParameter');
});

test('SortBy and Order, with ties broken by JobId', async () => {
  const byName = await names({ SortBy: 'DisplayName', Order: 'asc' });
  assert.deepEqual(byName, ['bert-finetune', 'job-Test2', 'job-t1', 'resnet_50.v2', 'tf-mnist-test']);
  assert.deepEqual(await names({ SortBy: 'DisplayName', Order: 'desc' }), [...byName].reverse());
  assert.deepEqual(await names({ SortBy: 'GmtCreateTime', Order: 'asc' }), fixture.map((b) => b.DisplayName));
  const byType = await dlc.listJobs({ SortBy: 'JobType', Order: 'asc', PageSize: 100 });
  assert.equal(byType.Jobs.at(-1).JobType, 'TFJob');
  const pytorch = byType.Jobs.slice(0, 4).map((j) => j.JobId);
  assert.deepEqual(pytorch, [...pytorch].sort(), 'equal JobTypes are ordered by JobId');
  const byStatus = await names({ SortBy: 'Status', Order: 'desc' });
  assert.equal(byStatus[0], 'bert-finetune');
  assert.deepEqual(await names({ SortBy: 'GmtFinishTime' }), [...await names({ SortBy: 'GmtFinishTime' })]);
  for (const query of [{ SortBy: 'Color' }, { Order: 'sideways' }]) {
    assert.equal((await sdkError(dlc.listJobs(query))).code, 'InvalidParameter', JSON.stringify(query));
  }
});

test('paging: every job exactly once, exact totals, pages past the end are empty', async () => {
  const seen = [];
  for (let page = 1; page <= 3; page++) {
    const r = await dlc.listJobs({ PageSize: 2, PageNumber: page, SortBy: 'DisplayName', Order: 'asc' });
    assert.equal(r.TotalCount, 5);
    seen.push(...r.Jobs.map((j) => j.DisplayName));
  }
  assert.deepEqual(seen, ['bert-finetune', 'job-Test2', 'job-t1', 'resnet_50.v2', 'tf-mnist-test']);
  const past = await dlc.listJobs({ PageSize: 2, PageNumber: 4 });
  assert.equal(past.TotalCount, 5);
  assert.deepEqual(past.Jobs, []);
  for (const query of [{ PageSize: 0 }, { PageSize: 1001 }, { PageNumber: 0 }, { PageNumber: 'two' }]) {
    const err = await sdkError(dlc.listJobs(query));
    assert.equal(err.statusCode, 400, JSON.stringify(query));
    assert.equal(err.code, 'InvalidParameter');
    assert.match(err.data.Message, new RegExp(Object.keys(query)[0]));
  }
});

// Runs last: it adds jobs to the tenant.
test('NextToken walks the snapshot it started from while jobs are created and stopped', async () => {
  const walk = [];
  for (let i = 0; i < 6; i++) {
    walk.push((await dlc.createJob(jobBody({ DisplayName: `walk-${i}`, WorkspaceId: 'walk' }))).JobId);
  }
  for (const id of walk) await waitForStatus(dlc, id, 'Running');
  const orders = [{}, { SortBy: 'Status', Order: 'desc' }];
  const firsts = [];
  for (const order of orders) firsts.push(await dlc.listJobs({ WorkspaceId: 'walk', PageSize: 2, ...order }));

  // Meanwhile: newer jobs (they would sort first) and status changes.
  for (let i = 0; i < 3; i++) await dlc.createJob(jobBody({ DisplayName: `late-${i}`, WorkspaceId: 'walk' }));
  for (const id of walk.slice(0, 2)) {
    await dlc.stopJob(id);
    await waitForStatus(dlc, id, 'Stopped');
  }

  for (const [k, order] of orders.entries()) {
    let page = firsts[k];
    const seen = page.Jobs.map((j) => j.JobId);
    const tokens = [];
    const readAfterTheStops = [];
    while (page.NextToken) {
      tokens.push(page.NextToken);
      page = await dlc.listJobs({ WorkspaceId: 'walk', PageSize: 2, ...order, NextToken: page.NextToken });
      assert.equal(page.TotalCount, 6, 'totals are the snapshot\'s');
      seen.push(...page.Jobs.map((j) => j.JobId));
      readAfterTheStops.push(...page.Jobs);
    }
    assert.equal(seen.length, 6, JSON.stringify(order));
    assert.deepEqual([...seen].sort(), [...walk].sort(), 'every job of the snapshot once, no late one');
    // A page-number walk that carries the token reads the same snapshot.
    const third = await dlc.listJobs({ WorkspaceId: 'walk', PageSize: 2, ...order, NextToken: tokens[0], PageNumber: 3 });
    assert.deepEqual(third.Jobs.map((j) => j.JobId), seen.slice(4, 6));
    // Jobs are shown as they are now: a stopped one read after its stop
    // shows Stopped. In the default order the oldest two come on pages 2-3
    // (which of them on which page depends on ties in creation time).
    const stopped = readAfterTheStops.concat(third.Jobs).filter((j) => walk.slice(0, 2).includes(j.JobId));
    for (const job of stopped) assert.equal(job.Status, 'Stopped');
    if (k === 0) {
      const read = new Set(readAfterTheStops.map((j) => j.JobId));
      assert.ok(walk.slice(0, 2).every((id) => read.has(id)), 'both stopped jobs read after the stop');
    }
  }
  // Without a token: the present.
  assert.equal((await dlc.listJobs({ WorkspaceId: 'walk' })).TotalCount, 9);
  // A token goes only with its own query.
  const err = await sdkError(dlc.listJobs({ WorkspaceId: 'other', PageSize: 2, NextToken: firsts[0].NextToken }));
  assert.equal(err.code, 'InvalidParameter');
  assert.match(err.data.Message, /NextToken/);
  const bad = await sdkError(dlc.listJobs({ WorkspaceId: 'walk', NextToken: 'x' }));
  assert.equal(bad.code, 'InvalidParameter');
});

// OSS Batch Operations through ali-oss's generic request (the five calls
// are service-level, told apart by sub-resource): jobs that really run
// against the server's buckets, their statuses, refusals, reports, paging,
// idempotency and a kill -9 in the middle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OSS from 'ali-oss';
import { Server } from './harness.mjs';

let server;
before(async () => {
  server = await new Server(['--oss-restore-seconds', '1', '--batch-chunk-tasks', '10']).start();
});
after(async () => {
  await server.stop();
  server.cleanup();
});

const ROLE = 'acs:ram::123456789:role/AliyunOSSBatchOperationsRole';

function client(bucket, extra = {}, srv = server) {
  const k = srv.adminKey;
  return new OSS({ endpoint: `http://${srv.endpoint}`, region: 'oss-cn-hangzhou',
                   accessKeyId: k.AccessKeyId, accessKeySecret: k.AccessKeySecret, bucket,
                   timeout: 30000, ...extra });
}

// One batch call, signed as ali-oss signs: only the batch sub-resource is
// signed; batchJobId and the other parameters ride unsigned in the query.
async function batch(c, method, subres, query = {}, body) {
  const res = await c.request({ method, subres, query, bucket: '',
                                content: body ? Buffer.from(body) : undefined,
                                headers: body ? { 'Content-Type': 'application/xml' } : {},
                                successStatuses: [200] });
  return c.parseXML(res.data);
}
async function batchError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected an OSS error');
}

const createXml = ({ operation, manifest, prefix, report, confirm = false, priority = 10,
                     token, description = 'a job' }) => '<CreateJobRequest>' +
  `<ConfirmationRequired>${confirm}</ConfirmationRequired>` +
  `<Operation>${operation}</Operation>` +
  (report ? `<Report><Bucket>${report.bucket}</Bucket><Enabled>true</Enabled>` +
            `<Prefix>${report.prefix ?? 'reports'}</Prefix><ReportScope>${report.scope ?? 'AllTasks'}` +
            '</ReportScope></Report>' : '<Report><Enabled>false</Enabled></Report>') +
  (token ? `<ClientRequestToken>${token}</ClientRequestToken>` : '') +
  (manifest ? `<Manifest><Location><Bucket>${manifest.bucket}</Bucket><Object>${manifest.object}` +
              '</Object></Location><Spec><Fields>Bucket,Key</Fields>' +
              '<Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>' : '') +
  (prefix ? `<KeyPrefixManifestGenerator><SourceBucket>${prefix.bucket}</SourceBucket>` +
            `<Prefix>${prefix.prefix}</Prefix></KeyPrefixManifestGenerator>` : '') +
  `<Description>${description}</Description><Priority>${priority}</Priority>` +
  `<RoleArn>${ROLE}</RoleArn></CreateJobRequest>`;

async function create(c, spec) {
  return (await batch(c, 'POST', 'batchJob', {}, createXml(spec))).JobId;
}
async function describe(c, id) {
  return (await batch(c, 'GET', 'batchJob', { batchJobId: id })).Job;
}
async function waitFor(c, id, statuses) {
  for (let i = 0; i < 600; i++) {
    const job = await describe(c, id);
    if (statuses.includes(job.Status)) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`job ${id} never reached ${statuses}`);
}

let n = 0;
const fresh = () => `batch-${process.pid}-${++n}`;

test('a PutObjectTagging job over a CSV manifest runs, counts each task and reports it', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  const keys = ['plain', 'with space', 'dir/中文', 'a,comma'];
  for (const k of keys) await c.put(k, Buffer.from(k));
  const manifest = [...keys, 'missing'].map((k) => `${name},${encodeURIComponent(k)}`).join('\n');
  await c.put('manifest.csv', Buffer.from(manifest + '\n'));
  const id = await create(c, {
    operation: '<PutObjectTagging><TagSet><Tag><Key>state</Key><Value>done</Value></Tag></TagSet></PutObjectTagging>',
    manifest: { bucket: name, object: 'manifest.csv' }, report: { bucket: name } });
  assert.match(id, /^[A-Za-z0-9+/=]{44}$/);
  const job = await waitFor(c, id, ['Complete', 'Failed']);
  assert.equal(job.Status, 'Complete');
  assert.equal(job.ProgressSummary.TotalNumberOfTasks, '5');
  assert.equal(job.ProgressSummary.NumberOfTasksSucceeded, '4');
  assert.equal(job.ProgressSummary.NumberOfTasksFailed, '1');
  assert.match(job.TerminationDate, /^\d{10}$/);
  assert.equal(job.Operation.PutObjectTagging.TagSet.Tag.Key, 'state');
  for (const k of keys) assert.deepEqual((await c.getObjectTagging(k)).tag, { state: 'done' });
  // The report: one row per task, in manifest order, matching the objects.
  const reportManifest = JSON.parse((await c.get(`reports/job-${id}/manifest.json`)).content);
  assert.equal(reportManifest.Format, 'Report_CSV_20180820');
  const rows = (await c.get(reportManifest.Results[0].Key)).content.toString().trim().split('\n');
  assert.equal(rows.length, 5);
  for (const [i, k] of keys.entries()) {
    const [bucket, key, , status, , http] = rows[i].split(',');
    assert.equal(bucket, name);
    assert.equal(decodeURIComponent(key), k);
    assert.equal(status, 'succeeded');
    assert.equal(http, '200');
  }
  assert.match(rows[4], new RegExp(`^${name},missing,,failed,NoSuchKey,404,`));
});

test('prefix jobs: PutObjectAcl, DeleteObjectTagging, and AddObjectTagging past 10 tags fails the task', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  await c.put('p/a', Buffer.from('a'), { headers: { 'x-oss-tagging': 'k1=1&k2=2' } });
  await c.put('p/b', Buffer.from('b'), { headers: { 'x-oss-tagging':
    [...Array(10).keys()].map((i) => `t${i}=v`).join('&') } });
  await c.put('q/c', Buffer.from('c'));
  const acl = await create(c, { operation: '<PutObjectAcl><ObjectAcl>public-read</ObjectAcl></PutObjectAcl>',
                                prefix: { bucket: name, prefix: 'p/' } });
  assert.equal((await waitFor(c, acl, ['Complete'])).ProgressSummary.TotalNumberOfTasks, '2');
  assert.equal((await c.getACL('p/a')).acl, 'public-read');
  assert.equal((await c.getACL('q/c')).acl, 'default');
  const add = await create(c, { operation: '<AddObjectTagging><TagSet><Tag><Key>new</Key><Value>x</Value></Tag>' +
                                           '</TagSet></AddObjectTagging>',
                                prefix: { bucket: name, prefix: 'p/' }, report: { bucket: name, scope: 'FailedTasksOnly' } });
  const added = await waitFor(c, add, ['Complete']);
  assert.equal(added.ProgressSummary.NumberOfTasksSucceeded, '1');
  assert.equal(added.ProgressSummary.NumberOfTasksFailed, '1');
  assert.deepEqual((await c.getObjectTagging('p/a')).tag, { k1: '1', k2: '2', new: 'x' });
  assert.equal(Object.keys((await c.getObjectTagging('p/b')).tag).length, 10);
  const report = JSON.parse((await c.get(`reports/job-${add}/manifest.json`)).content);
  const failedRows = (await c.get(report.Results[0].Key)).content.toString().trim().split('\n');
  assert.equal(failedRows.length, 1);
  assert.match(failedRows[0], new RegExp(`^${name},p/b,,failed,InvalidArgument,400,`));
  const del = await create(c, { operation: '<DeleteObjectTagging/>', prefix: { bucket: name, prefix: 'p/' } });
  await waitFor(c, del, ['Complete']);
  assert.deepEqual((await c.getObjectTagging('p/a')).tag, {});
});

test('RestoreObject jobs use the restore cycle', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  await c.put('cold/1', Buffer.from('x'), { headers: { 'x-oss-storage-class': 'ColdArchive' } });
  await c.put('cold/2', Buffer.from('y'), { headers: { 'x-oss-storage-class': 'Archive' } });
  const id = await create(c, { operation: '<RestoreObject><Days>2</Days><Tier>Standard</Tier></RestoreObject>',
                               prefix: { bucket: name, prefix: 'cold/' } });
  const job = await waitFor(c, id, ['Complete']);
  assert.equal(job.ProgressSummary.NumberOfTasksSucceeded, '2');
  assert.equal((await c.head('cold/2')).res.headers['x-oss-restore'] !== undefined, true);
  let body;
  for (let i = 0; i < 100 && !body; i++) {
    body = await c.get('cold/2').then((r) => r.content.toString(), () => undefined);
    if (!body) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(body, 'y');
});

test('statuses: confirmation, Ready, cancel, refusals, priority and a bad manifest', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  await c.put('o', Buffer.from('o'));
  const spec = { operation: '<DeleteObjectTagging/>', prefix: { bucket: name, prefix: '' }, confirm: true };
  const id = await create(c, spec);
  let job = await waitFor(c, id, ['Suspended']);
  assert.equal(job.ProgressSummary.NumberOfTasksSucceeded, '-1');
  const priority = await batch(c, 'POST', 'batchJobPriority', { batchJobId: id, targetPriority: 99 });
  assert.equal(priority.Priority, '99');
  const ready = await batch(c, 'POST', 'batchJobStatus', { batchJobId: id, requestedJobStatus: 'Ready',
                                                            statusUpdateReason: 'checked' });
  assert.equal(ready.Status, 'Ready');
  assert.equal(ready.StatusUpdateReason, 'checked');
  job = await waitFor(c, id, ['Complete']);
  assert.equal(job.StatusUpdateReason, 'checked');
  const late = await batchError(batch(c, 'POST', 'batchJobStatus', { batchJobId: id, requestedJobStatus: 'Cancelled' }));
  assert.equal(late.status, 400);
  const again = await batchError(batch(c, 'POST', 'batchJobStatus', { batchJobId: id, requestedJobStatus: 'Ready' }));
  assert.equal(again.status, 400);
  const badStatus = await batchError(batch(c, 'POST', 'batchJobStatus', { batchJobId: id, requestedJobStatus: 'Active' }));
  assert.equal(badStatus.code, 'InvalidArgument');
  const badPriority = await batchError(batch(c, 'POST', 'batchJobPriority', { batchJobId: id, targetPriority: -1 }));
  assert.equal(badPriority.code, 'InvalidArgument');

  const cancelled = await create(c, spec);
  await waitFor(c, cancelled, ['Suspended']);
  const answer = await batch(c, 'POST', 'batchJobStatus', { batchJobId: cancelled, requestedJobStatus: 'Cancelled',
                                                             statusUpdateReason: 'not needed' });
  assert.equal(answer.Status, 'Cancelling');
  assert.equal((await waitFor(c, cancelled, ['Cancelled'])).StatusUpdateReason, 'not needed');

  const missing = await batchError(describe(c, 'Tm9TdWNoSm9i'));
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'NoSuchJob');

  // A header row fails the job with a reason; it never completes with nothing done.
  await c.put('header.csv', Buffer.from(`Bucket,Key\n${name},o\n`));
  const bad = await create(c, { operation: '<DeleteObjectTagging/>', manifest: { bucket: name, object: 'header.csv' } });
  const failed = await waitFor(c, bad, ['Failed', 'Complete']);
  assert.equal(failed.Status, 'Failed');
  assert.equal(failed.FailureReasons.JobFailure.FailureCode, 'InvalidManifest');
  assert.match(failed.FailureReasons.JobFailure.FailureReason, /Line 1/);
  const noManifest = await create(c, { operation: '<DeleteObjectTagging/>', manifest: { bucket: name, object: 'nope.csv' } });
  assert.equal((await waitFor(c, noManifest, ['Failed'])).FailureReasons.JobFailure.FailureCode, 'NoSuchKey');
  const noBucket = await create(c, { operation: '<DeleteObjectTagging/>', prefix: { bucket: 'no-such-bucket-x', prefix: '' } });
  assert.equal((await waitFor(c, noBucket, ['Failed'])).FailureReasons.JobFailure.FailureCode, 'NoSuchBucket');

  const bodyErrors = [
    createXml({ operation: '', prefix: { bucket: name, prefix: '' } }),
    createXml({ operation: '<DeleteObjectTagging/><PutObjectAcl><ObjectAcl>private</ObjectAcl></PutObjectAcl>', prefix: { bucket: name, prefix: '' } }),
    createXml({ operation: '<PutObjectAcl><ObjectAcl>secret</ObjectAcl></PutObjectAcl>', prefix: { bucket: name, prefix: '' } }),
    createXml({ operation: '<DeleteObjectTagging/>', prefix: { bucket: name, prefix: '' } }).replace(ROLE, ''),
    createXml({ operation: '<DeleteObjectTagging/>', prefix: { bucket: name, prefix: '' }, priority: 2147483648 }),
    '<CreateJobRequest><Operation>',
  ];
  for (const body of bodyErrors) {
    const e = await batchError(batch(c, 'POST', 'batchJob', {}, body));
    assert.equal(e.status, 400, body);
    assert.match(e.code, /^(InvalidArgument|MalformedXML)$/, body);
  }
});

test('an inventory manifest.json names the CSVs of its objects', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  for (const k of ['inv/a', 'inv/b', 'inv/c']) await c.put(k, Buffer.from(k));
  await c.put('inventory/data/1.csv', Buffer.from(`"${name}","inv%2Fa"\n"${name}","inv%2Fb"\n`));
  await c.put('inventory/data/2.csv', Buffer.from(`"${name}","inv%2Fc"\n`));
  await c.put('inventory/manifest.json', Buffer.from(JSON.stringify({
    sourceBucket: name, fileFormat: 'CSV', fileSchema: 'Bucket, Key',
    files: [{ key: 'inventory/data/1.csv' }, { key: 'inventory/data/2.csv' }] })));
  const xml = createXml({ operation: '<PutObjectAcl><ObjectAcl>private</ObjectAcl></PutObjectAcl>',
                          manifest: { bucket: name, object: 'inventory/manifest.json' } })
    .replace('OSS_BatchOperations_CSV_20250611', 'OSS_InventoryReport_CSV_20250611');
  const id = (await batch(c, 'POST', 'batchJob', {}, xml)).JobId;
  const job = await waitFor(c, id, ['Complete', 'Failed']);
  assert.equal(job.Status, 'Complete');
  assert.equal(job.ProgressSummary.NumberOfTasksSucceeded, '3');
  for (const k of ['inv/a', 'inv/b', 'inv/c']) assert.equal((await c.getACL(k)).acl, 'private');
});

test('a cancel while Active stops between chunks, counts what ran and reports it', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  let next = 0;
  const N = 3000;
  await Promise.all([...Array(16).keys()].map(async () => {
    while (next < N) await c.put(`c/${String(next++).padStart(5, '0')}`, Buffer.from('x'));
  }));
  const id = await create(c, {
    operation: '<PutObjectTagging><TagSet><Tag><Key>seen</Key><Value>1</Value></Tag></TagSet></PutObjectTagging>',
    prefix: { bucket: name, prefix: 'c/' }, report: { bucket: name } });
  let job;
  do {
    job = await describe(c, id);
  } while (job.Status !== 'Complete' && !(job.Status === 'Active' && Number(job.ProgressSummary.NumberOfTasksSucceeded) > 0));
  assert.equal(job.Status, 'Active', 'the job ended before the cancel; make it longer');
  const answer = await batch(c, 'POST', 'batchJobStatus', { batchJobId: id, requestedJobStatus: 'Cancelled',
                                                             statusUpdateReason: 'enough' });
  assert.equal(answer.Status, 'Cancelling');
  job = await waitFor(c, id, ['Cancelled']);
  const ran = Number(job.ProgressSummary.NumberOfTasksSucceeded);
  assert.ok(ran > 0 && ran < N, `${ran} of ${N} ran`);
  assert.match(job.TerminationDate, /^\d{10}$/);
  // The report has exactly the tasks that ran, and they are the tagged objects.
  const report = JSON.parse((await c.get(`reports/job-${id}/manifest.json`)).content);
  const rows = (await c.get(report.Results[0].Key)).content.toString().trim().split('\n');
  assert.equal(rows.length, ran);
  const last = decodeURIComponent(rows.at(-1).split(',')[1]);
  assert.deepEqual((await c.getObjectTagging(last)).tag, { seen: '1' });
  const after = `c/${String(Number(last.slice(2)) + 1).padStart(5, '0')}`;
  assert.deepEqual((await c.getObjectTagging(after)).tag, {});
});

test('more than half of at least 1,000 tasks failing fails the job, with its report', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  await c.put('real', Buffer.from('r'));
  const rows = [`${name},real`, ...[...Array(1500).keys()].map((i) => `${name},gone-${i}`)];
  await c.put('m.csv', Buffer.from(rows.join('\n')));
  const id = await create(c, { operation: '<DeleteObjectTagging/>', manifest: { bucket: name, object: 'm.csv' },
                               report: { bucket: name, scope: 'FailedTasksOnly' } });
  const job = await waitFor(c, id, ['Failed', 'Complete']);
  assert.equal(job.Status, 'Failed');
  assert.equal(job.FailureReasons.JobFailure.FailureCode, 'TooManyTasksFailed');
  const done = Number(job.ProgressSummary.NumberOfTasksSucceeded) + Number(job.ProgressSummary.NumberOfTasksFailed);
  assert.ok(done >= 1000 && done < 1501, `${done} tasks ran`);
  assert.equal(job.ProgressSummary.NumberOfTasksSucceeded, '1');
  const report = JSON.parse((await c.get(`reports/job-${id}/manifest.json`)).content);
  const failed = (await c.get(report.Results[0].Key)).content.toString().trim().split('\n');
  assert.equal(failed.length, Number(job.ProgressSummary.NumberOfTasksFailed));
  assert.match(failed[0], new RegExp(`^${name},gone-0,,failed,NoSuchKey,404,`));
});

test('batch calls signed with V4 sign every parameter', async () => {
  const name = fresh();
  const c = client(name, { authorizationV4: true });
  await c.putBucket(name);
  const id = await create(c, { operation: '<DeleteObjectTagging/>', prefix: { bucket: name, prefix: '' }, confirm: true });
  assert.equal((await waitFor(c, id, ['Suspended'])).JobId, id);
  const listed = await batch(c, 'GET', 'batchJob', { batchJobStatuses: 'Suspended', 'max-keys': 1000 });
  assert.ok([].concat(listed.Jobs.JobListDescriptor).some((j) => j.JobId === id));
  const p = await batch(c, 'POST', 'batchJobPriority', { batchJobId: id, targetPriority: 4 });
  assert.equal(p.Priority, '4');
  // request() naming no bucket: ali-oss puts "undefined.oss-cn-hangzhou…"
  // in the Host header; a batch call is service-level all the same.
  for (const k of [client(name), client(name, { authorizationV4: true })]) {
    const res = await k.request({ method: 'GET', subres: 'batchJob', query: { batchJobId: id },
                                  successStatuses: [200] });
    assert.equal((await k.parseXML(res.data)).Job.JobId, id);
  }
});

test('with one worker, waiting jobs start highest priority first, and UpdateJobPriority reorders them', async () => {
  const one = await new Server(['--batch-workers', '1', '--batch-chunk-tasks', '1']).start();
  try {
    const name = fresh();
    const c = client(name, {}, one);
    await c.putBucket(name);
    let next = 0;
    await Promise.all([...Array(8).keys()].map(async () => {
      while (next < 400) await c.put(`w/${next++}`, Buffer.from('x'));
    }));
    const spec = (priority) => ({ operation: '<DeleteObjectTagging/>', prefix: { bucket: name, prefix: 'w/' }, priority });
    const busy = await create(c, spec(50));
    await waitFor(c, busy, ['Active']);
    const low = await create(c, spec(1));
    const high = await create(c, spec(2));
    const raised = await create(c, spec(0));
    for (const id of [low, high, raised]) await waitFor(c, id, ['Ready']);
    await batch(c, 'POST', 'batchJobPriority', { batchJobId: raised, targetPriority: 9 });
    // One runs at a time; whenever one is Active, the ones after it wait Ready.
    for (const [running, waiting] of [[raised, [high, low]], [high, [low]], [low, []]]) {
      const active = await waitFor(c, running, ['Active', 'Complete']);
      for (const id of waiting) {
        assert.equal((await describe(c, id)).Status, 'Ready', `${id} started before ${running}`);
      }
      assert.ok(['Active', 'Complete'].includes(active.Status));
      await waitFor(c, running, ['Complete']);
    }
  } finally {
    await one.stop();
    one.cleanup();
  }
});

test('CreateJob is idempotent by ClientRequestToken', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  const spec = { operation: '<DeleteObjectTagging/>', prefix: { bucket: name, prefix: '' }, token: `tok-${name}` };
  const first = await create(c, spec);
  assert.equal(await create(c, spec), first);
  const other = await batchError(batch(c, 'POST', 'batchJob', {}, createXml({ ...spec, priority: 3 })));
  assert.equal(other.code, 'IdempotencyException');
  assert.equal(other.status, 409);
});

test('ListJobs filters by status and pages without skipping or repeating while jobs change', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  const spec = { operation: '<DeleteObjectTagging/>', prefix: { bucket: name, prefix: '' }, confirm: true };
  const made = [];
  for (let i = 0; i < 7; i++) made.push(await create(c, spec));
  for (const id of made) await waitFor(c, id, ['Suspended']);
  const seen = [];
  let token;
  let first = true;
  do {
    const page = await batch(c, 'GET', token ? { batchJob: '', 'continuation-token': token } : 'batchJob',
                             { batchJobStatuses: 'Suspended | Ready', 'max-keys': 3 });
    const jobs = [].concat(page.Jobs?.JobListDescriptor ?? []);
    seen.push(...jobs.map((j) => j.JobId));
    for (const j of jobs) {
      assert.equal(j.ProgressSummary.NumberOfTasksFailed, '-1');
      assert.match(j.CreationTime, /^\d{10}$/);
    }
    if (first) {  // the list changes under the walk: new jobs, and a job moving on
      await create(c, spec);
      await batch(c, 'POST', 'batchJobStatus', { batchJobId: made[0], requestedJobStatus: 'Cancelled' });
      first = false;
    }
    token = page.NextToken;
  } while (token);
  assert.equal(new Set(seen).size, seen.length);
  for (const id of made) assert.ok(seen.includes(id), id);
  const bad = await batchError(batch(c, 'GET', 'batchJob', { batchJobStatuses: 'Running' }));
  assert.equal(bad.code, 'InvalidArgument');
  const big = await batchError(batch(c, 'GET', 'batchJob', { 'max-keys': 1001 }));
  assert.equal(big.code, 'InvalidArgument');
});

test('kill -9 while a job is Active: it resumes, nothing skipped or counted twice', async () => {
  const crash = await new Server(['--batch-chunk-tasks', '5']).start();
  try {
    const name = fresh();
    let c = client(name, {}, crash);
    await c.putBucket(name);
    const N = 2000;
    let next = 0;
    await Promise.all([...Array(16).keys()].map(async () => {
      while (next < N) await c.put(`k/${String(next++).padStart(5, '0')}`, Buffer.from('x'));
    }));
    const id = await create(c, {
      operation: '<PutObjectTagging><TagSet><Tag><Key>run</Key><Value>1</Value></Tag></TagSet></PutObjectTagging>',
      prefix: { bucket: name, prefix: 'k/' }, report: { bucket: name } });
    let job;
    do {
      job = await describe(c, id);
    } while (!(job.Status === 'Active' && Number(job.ProgressSummary.NumberOfTasksSucceeded) > 0) &&
             job.Status !== 'Complete');
    await crash.stop('SIGKILL');
    assert.notEqual(job.Status, 'Complete', 'the job ended before the kill; make it longer');
    await crash.start();
    c = client(name, {}, crash);
    job = await waitFor(c, id, ['Complete']);
    assert.equal(job.ProgressSummary.TotalNumberOfTasks, String(N));
    assert.equal(job.ProgressSummary.NumberOfTasksSucceeded, String(N));
    assert.equal(job.ProgressSummary.NumberOfTasksFailed, '0');
    const report = JSON.parse((await c.get(`reports/job-${id}/manifest.json`)).content);
    const rows = (await c.get(report.Results[0].Key)).content.toString().trim().split('\n');
    assert.equal(rows.length, N);
    assert.equal(new Set(rows.map((r) => r.split(',')[1])).size, N);
    for (const k of ['k/00000', 'k/01000', 'k/01999']) {
      assert.deepEqual((await c.getObjectTagging(k)).tag, { run: '1' });
    }
  } finally {
    await crash.stop();
    crash.cleanup();
  }
});

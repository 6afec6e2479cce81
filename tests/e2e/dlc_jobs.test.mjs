// PAI-DLC training jobs end to end, through @alicloud/openapi-client.
import { test, before, after } from 'node:test';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { Server, DlcClient, sdkError, jobBody, waitForStatus, BIG_NODE, UUID_UPPER } from './harness.mjs';

let server;
let dlc;

before(async () => {
  server = new Server(BIG_NODE);
  const quotas = `${server.dataDir}/quotas.json`;
  writeFileSync(quotas, JSON.stringify({ 'one-gpu': { GPU: '1' } }));
  server.args.push('--quota-file', quotas);
  await server.start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('CreateJob then GetJob returns the job with DLC field names and types', async () => {
  const created = await dlc.createJob(jobBody({
    DisplayName: 'create-get', Priority: 5, Description: 'first job',
    Envs: { LR: '0.1' }, Settings: { Tags: { team: 'vision' }, PipelineId: 'flow-1' },
    UserVpc: { VpcId: 'vpc-1', ExtendedCIDRs: ['10.0.0.0/8'] },
    CodeSource: { CodeSourceId: 'code-1', Branch: 'main' },
  }));
  assert.match(created.JobId, /^dlc[0-9a-z]{13}$/);
  assert.match(created.RequestId, UUID_UPPER);

  const job = await dlc.getJob(created.JobId);
  assert.match(job.RequestId, UUID_UPPER);
  assert.equal(job.JobId, created.JobId);
  assert.equal(job.DisplayName, 'create-get');
  assert.equal(job.JobType, 'PyTorchJob');
  assert.equal(job.StatusHistory[0].Status, 'Creating');
  assert.equal(job.Priority, 5);
  assert.equal(job.Description, 'first job');
  assert.equal(job.Accessibility, 'PRIVATE');
  assert.equal(job.UserCommand, 'sleep 1000 # python train.py');
  assert.deepEqual(job.Envs, { LR: '0.1' });
  assert.equal(job.RestartTimes, '0/0');
  assert.equal(typeof job.Duration, 'number');
  assert.match(job.GmtCreateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(job.GmtFinishTime, null);
  assert.deepEqual(job.JobSpecs[0].ResourceConfig, { CPU: '2', GPU: '1', Memory: '4Gi' });
  assert.equal(job.JobSpecs[0].PodCount, 1);
  // Fields Drover does not interpret come back as sent (CIDRs renamed as documented).
  assert.deepEqual(job.UserVpc, { VpcId: 'vpc-1', ExtendedCidrs: ['10.0.0.0/8'] });
  assert.deepEqual(job.CodeSource, { CodeSourceId: 'code-1', Branch: 'main' });
  assert.deepEqual(job.Settings.Tags, { team: 'vision' });
});

test('ListJobs items carry the JobItem types: RequestGPU, RequestMemory and NodeCount as strings', async () => {
  const { JobId } = await dlc.createJob(jobBody({
    DisplayName: 'types-check',
    JobSpecs: [{ Type: 'Worker', Image: 'img', PodCount: 2, ResourceConfig: { CPU: '4', GPU: '2', Memory: '8Gi' } },
               { Type: 'Master', Image: 'img', PodCount: 1, ResourceConfig: { CPU: '1', GPU: '0', Memory: '2Gi' } }],
  }));
  const list = await dlc.listJobs({ JobId });
  assert.equal(list.TotalCount, 1);
  const item = list.Jobs[0];
  assert.equal(item.RequestCPU, 9);
  assert.equal(item.RequestGPU, '4');
  assert.equal(item.RequestMemory, '18Gi');
  assert.equal(item.NodeCount, '3');
  assert.equal(item.Username, 'admin');
  assert.equal(item.IsDeleted, false);
});

test('CreateJob rejects bad input with the parameter named, and writes nothing', async () => {
  const before = (await dlc.listJobs({ PageSize: 1 })).TotalCount;
  const cases = [
    [{ DisplayName: undefined }, 'MissingParameter', /DisplayName/],
    [{ DisplayName: 'has space' }, 'InvalidParameter', /DisplayName/],
    [{ DisplayName: 'x'.repeat(257) }, 'InvalidParameter', /DisplayName/],
    [{ DisplayName: '中文' }, 'InvalidParameter', /DisplayName/],
    [{ JobType: undefined }, 'MissingParameter', /JobType/],
    [{ JobType: 'pytorchjob' }, 'InvalidParameter', /JobType/],
    [{ JobSpecs: undefined }, 'MissingParameter', /JobSpecs/],
    [{ JobSpecs: [] }, 'InvalidParameter', /JobSpecs/],
    [{ JobSpecs: [{ Type: 'Chief', Image: 'i', PodCount: 1 }] }, 'InvalidParameter', /Chief/],
    [{ JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 0 }] }, 'InvalidParameter', /PodCount/],
    [{ JobSpecs: [{ Image: 'i', PodCount: 1 }] }, 'MissingParameter', /Type/],
    [{ UserCommand: undefined }, 'MissingParameter', /UserCommand/],
    [{ UserCommand: '' }, 'MissingParameter', /UserCommand/],
    [{ Priority: 0 }, 'InvalidParameter', /Priority/],
    [{ Priority: 10 }, 'InvalidParameter', /Priority/],
    [{ Priority: 'high' }, 'InvalidParameter', /Priority/],
    [{ Accessibility: 'EVERYONE' }, 'InvalidParameter', /Accessibility/],
    [{ Envs: 'A=1' }, 'InvalidParameter', /Envs/],
    [{ Description: 'x'.repeat(70000) }, 'InvalidParameter', /65536/],
    // Every number has a range, every enum its values (core/job.h limits).
    [{ JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 1001 }] }, 'InvalidParameter', /PodCount must be from 1 to 1000/],
    [{ JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 1000 }, { Type: 'Master', Image: 'i', PodCount: 1 }],
       JobType: 'PyTorchJob' }, 'InvalidParameter', /at most 1000 pods/],
    [{ JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 1, ResourceConfig: { CPU: '99999999999999999999' } }] },
     'InvalidParameter', /CPU/],
    [{ JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 1, ResourceConfig: { Memory: '2Pi' } }] },
     'InvalidParameter', /Memory/],
    [{ JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 1, RestartPolicy: 'Sometimes' }] }, 'InvalidParameter', /RestartPolicy/],
    [{ JobMaxRunningTimeMinutes: 1e14 }, 'InvalidParameter', /JobMaxRunningTimeMinutes must be from 0/],
    [{ Settings: { MaxRestartTimes: 1001 } }, 'InvalidParameter', /MaxRestartTimes/],
    [{ UserCommand: 'echo a\u0000b' }, 'InvalidParameter', /NUL/],
    [{ Envs: { 'A=B': '1' } }, 'InvalidParameter', /Envs/],
  ];
  for (const [overrides, code, message] of cases) {
    const body = jobBody(overrides);
    for (const k of Object.keys(overrides)) if (overrides[k] === undefined) delete body[k];
    const err = await sdkError(dlc.createJob(body));
    assert.equal(err.statusCode, 400, JSON.stringify(overrides).slice(0, 80));
    assert.equal(err.code, code, JSON.stringify(overrides).slice(0, 80));
    assert.match(err.data.Message, message);
    assert.match(err.data.RequestId, UUID_UPPER);
  }
  assert.equal((await dlc.listJobs({ PageSize: 1 })).TotalCount, before);
});

test('an unknown JobId gets 404 on every job call', async () => {
  const id = 'dlc0000000000000';
  for (const call of [() => dlc.getJob(id), () => dlc.stopJob(id), () => dlc.deleteJob(id),
                      () => dlc.updateJob(id, { Priority: 2 }), () => dlc.getJobEvents(id)]) {
    const err = await sdkError(call());
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'EntityNotExist.Job');
  }
});

test('an unknown API gets InvalidAction.NotFound', async () => {
  const err = await sdkError(dlc.call('Nope', 'GET', '/api/v1/nothing-here'));
  assert.equal(err.statusCode, 404);
  assert.equal(err.code, 'InvalidAction.NotFound');
});

test('UpdateJob changes priority and description, and only widens visibility', async () => {
  const { JobId } = await dlc.createJob(jobBody({ DisplayName: 'update-me' }));
  const r = await dlc.updateJob(JobId, { Priority: 7, Description: 'now described', Accessibility: 'PUBLIC' });
  assert.equal(r.JobId, JobId);
  assert.match(r.RequestId, UUID_UPPER);
  let job = await dlc.getJob(JobId);
  assert.equal(job.Priority, 7);
  assert.equal(job.Description, 'now described');
  assert.equal(job.Accessibility, 'PUBLIC');

  const narrow = await sdkError(dlc.updateJob(JobId, { Accessibility: 'PRIVATE' }));
  assert.equal(narrow.code, 'InvalidParameter');
  const badPriority = await sdkError(dlc.updateJob(JobId, { Priority: 12 }));
  assert.equal(badPriority.code, 'InvalidParameter');
  job = await dlc.getJob(JobId);
  assert.equal(job.Accessibility, 'PUBLIC');
  assert.equal(job.Priority, 7);

});

test('UpdateJob changes JobSpecs of a queued job, not of a running one', async () => {
  const oneGpu = jobBody({ ResourceId: 'one-gpu',
                          JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 1, ResourceConfig: { GPU: '1' } }] });
  const blocker = (await dlc.createJob({ ...oneGpu, DisplayName: 'blocker' })).JobId;
  await waitForStatus(dlc, blocker, 'Running');
  const queued = (await dlc.createJob({ ...oneGpu, DisplayName: 'queued' })).JobId;
  await waitForStatus(dlc, queued, 'Queuing');

  await dlc.updateJob(queued, { JobSpecs: [{ Type: 'Worker', Image: 'new:1', PodCount: 3 }] });
  const job = await dlc.getJob(queued);
  assert.equal(job.JobSpecs[0].Image, 'new:1');
  assert.equal(job.JobSpecs[0].PodCount, 3);

  const refused = await sdkError(dlc.updateJob(blocker, { JobSpecs: [{ Type: 'Worker', Image: 'x', PodCount: 1 }] }));
  assert.equal(refused.code, 'IncorrectStatus');
  await dlc.stopJob(blocker);
  await dlc.stopJob(queued);
  await waitForStatus(dlc, blocker, 'Stopped');
  await waitForStatus(dlc, queued, 'Stopped');
});

test('StopJob stops an active job; stopping a finished job and deleting an active one are refused', async () => {
  const { JobId } = await dlc.createJob(jobBody({ DisplayName: 'stop-me' }));
  await waitForStatus(dlc, JobId, 'Running');
  const activeDelete = await sdkError(dlc.deleteJob(JobId));
  assert.equal(activeDelete.statusCode, 400);
  assert.equal(activeDelete.code, 'IncorrectStatus');

  const stopped = await dlc.stopJob(JobId);
  assert.equal(stopped.JobId, JobId);
  assert.match(stopped.RequestId, UUID_UPPER);
  const job = await waitForStatus(dlc, JobId, 'Stopped');
  assert.equal(job.ReasonCode, 'JobStoppedByUser');
  assert.notEqual(job.GmtStoppedTime, null);
  assert.notEqual(job.GmtFinishTime, null);
  assert.deepEqual(job.StatusHistory.map((h) => h.Status),
                   ['Creating', 'Queuing', 'EnvPreparing', 'Running', 'Stopping', 'Stopped']);
  assert.equal(job.Pods[0].Signal, 15, 'the pod ended by SIGTERM');

  const again = await sdkError(dlc.stopJob(JobId));
  assert.equal(again.code, 'IncorrectStatus');

  const events = await dlc.getJobEvents(JobId);
  assert.equal(events.JobId, JobId);
  assert.equal(events.Events.length, 6);
  assert.match(events.Events[5], /Stopped \(JobStoppedByUser\)/);
  const limited = await dlc.getJobEvents(JobId, { MaxEventsNum: 1 });
  assert.equal(limited.Events.length, 1);
  const future = await dlc.getJobEvents(JobId, { StartTime: '2099-01-01T00:00:00Z', EndTime: '2099-01-02T00:00:00Z' });
  assert.equal(future.Events.length, 0);

  const deleted = await dlc.deleteJob(JobId);
  assert.equal(deleted.JobId, JobId);
  assert.match(deleted.RequestId, UUID_UPPER);
  assert.equal((await sdkError(dlc.getJob(JobId))).statusCode, 404);
  assert.equal((await dlc.listJobs({ JobId })).TotalCount, 0);
});

test('bytes that are not UTF-8 are refused, and every error body is valid UTF-8', async () => {
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (const [url, parameter] of [['/api/v1/jobs?Status=%ff', 'Status'], ['/api/v1/jobs/%ff%fe', 'JobId'],
                                  ['/api/v1/jobs?DisplayName=a%c3', 'DisplayName'], ['/v1/local/training-jobs?status=%ff', 'status'],
                                  ['/nowhere/%ff', null]]) {
    const response = await fetch(`http://${server.endpoint}${url}`);
    const text = strict.decode(await response.arrayBuffer());  // throws on invalid UTF-8
    if (parameter === null) {  // OSS's path style: an object name, refused in XML
      assert.equal(response.status, 400, url);
      assert.match(text, /<Code>InvalidArgument<\/Code>/);
      continue;
    }
    const body = JSON.parse(text);
    assert.equal(response.status, 400, url);
    assert.match(JSON.stringify(body), new RegExp(`${parameter} is not valid UTF-8`), url);
  }
});

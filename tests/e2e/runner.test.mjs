// The runner: real processes on this machine, driven through PAI-DLC calls.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, DlcClient, sdkError, jobBody, waitForJob, waitForStatus, waitForEnd } from './harness.mjs';

let server;
let dlc;

before(async () => {
  server = await new Server(['--cpus', '64', '--memory', '256Gi', '--gpus', '2']).start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
});

after(async () => {
  await server.stop();
  server.cleanup();
});

const worker = (extra = {}) => ({ Type: 'Worker', Image: 'busybox', PodCount: 1, ...extra });
const run = async (body) => (await dlc.createJob(jobBody(body))).JobId;
// A shell snippet: this pod has printed; wait until all `n` pods of the job
// have (they share the job's working directory), so no pod is ended by
// another's success before it printed.
const barrier = (n) => `touch "printed-$POD_NAME"; while [ "$(ls printed-* | wc -l)" -lt ${n} ]; do sleep 0.01; done`;
const logs = async (jobId, podId, query) =>
  (await dlc.call('GetPodLogs', 'GET', `/api/v1/jobs/${jobId}/pods/${podId}/logs`, { query })).Logs;

test('a job whose pod exits 0 succeeds, with its log and lifecycle recorded', async () => {
  const id = await run({ DisplayName: 'ok', UserCommand: 'echo hello from $POD_NAME; echo JOB=$JOB_ID',
                         JobSpecs: [worker()], Envs: { GREETING: 'hi' } });
  const job = await waitForEnd(dlc, id);
  assert.equal(job.Status, 'Succeeded');
  assert.equal(job.ReasonCode, 'JobSucceeded');
  assert.deepEqual(job.StatusHistory.map((h) => h.Status), ['Creating', 'Queuing', 'EnvPreparing', 'Running', 'Succeeded']);
  assert.notEqual(job.GmtRunningTime, null);
  assert.notEqual(job.GmtSuccessedTime, null);
  assert.equal(job.Pods.length, 1);
  assert.equal(job.Pods[0].PodId, `${id}-worker-0`);
  assert.equal(job.Pods[0].Status, 'Succeeded');
  assert.equal(job.Pods[0].ExitCode, 0);
  assert.deepEqual(await logs(id, `${id}-worker-0`), [`hello from ${id}-worker-0`, `JOB=${id}`]);
  assert.deepEqual(await logs(id, `${id}-worker-0`, { MaxLines: 1 }), [`JOB=${id}`]);
  const missing = await sdkError(logs(id, `${id}-worker-9`));
  assert.equal(missing.statusCode, 404);

  const podEvents = await dlc.call('GetPodEvents', 'GET', `/api/v1/jobs/${id}/pods/${id}-worker-0/events`);
  assert.equal(podEvents.PodId, `${id}-worker-0`);
  assert.equal(podEvents.PodUid, job.Pods[0].PodUid);
  assert.equal(podEvents.Events.length, 3);
  assert.match(podEvents.Events[0], /Pod .*-worker-0 created$/);
  assert.match(podEvents.Events[2], /exited with code 0$/);
});

test('a failing pod fails the job with its exit code and last log lines, found by ReasonSearch', async () => {
  const id = await run({ DisplayName: 'oom', JobSpecs: [worker()],
                         UserCommand: 'echo loading; echo "RuntimeError: CUDA out of memory" >&2; exit 3' });
  const job = await waitForEnd(dlc, id);
  assert.equal(job.Status, 'Failed');
  assert.equal(job.ReasonCode, 'JobFailed');
  assert.match(job.ReasonMessage, /exited with code 3/);
  assert.match(job.ReasonMessage, /CUDA out of memory/);
  assert.equal(job.Pods[0].ExitCode, 3);
  const found = await dlc.listJobs({ ReasonSearch: 'out of memory' });
  assert.deepEqual(found.Jobs.map((j) => j.JobId), [id]);
});

test('a pod killed by a signal fails the job naming the signal', async () => {
  const id = await run({ DisplayName: 'killed', JobSpecs: [worker()], UserCommand: 'kill -9 $$' });
  const job = await waitForEnd(dlc, id);
  assert.equal(job.Status, 'Failed');
  assert.match(job.ReasonMessage, /killed by signal 9/);
  assert.equal(job.Pods[0].Signal, 9);
});

test('RestartPolicy OnFailure restarts the pods; the limit is honoured', async () => {
  // Fails on its first run, succeeds on the second (the work dir persists).
  const flaky = await run({ DisplayName: 'flaky', JobSpecs: [worker({ RestartPolicy: 'OnFailure' })],
                            UserCommand: 'if [ -f ran-once ]; then echo second; else touch ran-once; exit 1; fi' });
  let job = await waitForEnd(dlc, flaky);
  assert.equal(job.Status, 'Succeeded');
  assert.equal(job.RestartTimes, '1/3');
  assert.ok(job.StatusHistory.some((h) => h.Status === 'Restarting'));
  assert.equal(job.Pods[0].HistoryPods.length, 1);
  assert.equal(job.Pods[0].HistoryPods[0].ExitCode, 1);

  const hopeless = await run({ DisplayName: 'hopeless', JobSpecs: [worker({ RestartPolicy: 'OnFailure' })],
                               Settings: { MaxRestartTimes: 2 }, UserCommand: 'exit 7' });
  job = await waitForEnd(dlc, hopeless);
  assert.equal(job.Status, 'Failed');
  assert.equal(job.RestartTimes, '2/2');
  assert.equal(job.Pods[0].HistoryPods.length, 2);

  const never = await run({ DisplayName: 'never', JobSpecs: [worker({ RestartPolicy: 'Never' })], UserCommand: 'exit 1' });
  job = await waitForEnd(dlc, never);
  assert.equal(job.Status, 'Failed');
  assert.equal(job.RestartTimes, '0/0');
});

test('a two-worker PyTorchJob: pods see one consistent RANK / WORLD_SIZE / MASTER', async () => {
  const id = await run({ DisplayName: 'ddp', JobSpecs: [worker({ PodCount: 2 })],
                         UserCommand: `echo "$RANK $WORLD_SIZE $MASTER_ADDR $MASTER_PORT $LOCAL_RANK"; ${barrier(2)}` });
  const job = await waitForEnd(dlc, id);
  assert.equal(job.Status, 'Succeeded');
  const seen = [];
  for (const pod of [`${id}-worker-0`, `${id}-worker-1`]) seen.push((await logs(id, pod))[0].split(' '));
  assert.deepEqual(seen.map((s) => s[0]), ['0', '1']);
  for (const s of seen) {
    assert.equal(s[1], '2');
    assert.equal(s[2], '127.0.0.1');
    assert.equal(s[3], seen[0][3], 'one MASTER_PORT for every pod');
    assert.equal(s[4], '0');
  }

  const withMaster = await run({ DisplayName: 'ddp-master', UserCommand: `echo "$RANK/$WORLD_SIZE"; ${barrier(3)}`,
                                 JobSpecs: [worker({ PodCount: 2 }), { Type: 'Master', Image: 'i', PodCount: 1 }] });
  await waitForEnd(dlc, withMaster);
  assert.deepEqual(await logs(withMaster, `${withMaster}-master-0`), ['0/3']);
  assert.deepEqual(await logs(withMaster, `${withMaster}-worker-1`), ['2/3']);
});

test('a TFJob gets TF_CONFIG naming every pod', async () => {
  const id = await run({ DisplayName: 'tf', JobType: 'TFJob', UserCommand: `echo "$TF_CONFIG"; ${barrier(4)}`,
                         JobSpecs: [{ Type: 'Chief', Image: 'tf', PodCount: 1 }, worker({ PodCount: 2 }),
                                    { Type: 'PS', Image: 'tf', PodCount: 1 }] });
  const job = await waitForEnd(dlc, id);
  assert.equal(job.Status, 'Succeeded');
  const config = JSON.parse((await logs(id, `${id}-worker-1`))[0]);
  assert.deepEqual(config.task, { type: 'worker', index: 1 });
  assert.equal(config.cluster.chief.length, 1);
  assert.equal(config.cluster.worker.length, 2);
  assert.equal(config.cluster.ps.length, 1);
  assert.equal(new Set([...config.cluster.chief, ...config.cluster.worker, ...config.cluster.ps]).size, 4);
});

test('GPUs: each job gets its own devices; short GPUs queue jobs by priority; a job that can never fit fails', async () => {
  const gpuJob = (name, priority) => run({ DisplayName: name, Priority: priority, UserCommand: 'echo "gpus=$CUDA_VISIBLE_DEVICES"; sleep 1000',
                                           JobSpecs: [worker({ ResourceConfig: { GPU: '1' } })] });
  const a = await gpuJob('gpu-a', 1);
  const b = await gpuJob('gpu-b', 1);
  await waitForStatus(dlc, a, 'Running');
  await waitForStatus(dlc, b, 'Running');
  const devices = [];
  for (const id of [a, b]) {
    // Running means started; the pod's first line may take a moment more.
    let lines = [];
    for (const deadline = Date.now() + 10000; lines.length === 0 && Date.now() < deadline;) {
      lines = await logs(id, `${id}-worker-0`);
      if (lines.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    devices.push(lines[0]);
  }
  assert.deepEqual(devices.sort(), ['gpus=0', 'gpus=1']);

  const low = await gpuJob('gpu-low', 1);
  const high = await gpuJob('gpu-high', 9);
  const bumped = await gpuJob('gpu-bumped', 2);
  await waitForStatus(dlc, low, 'Queuing');
  await waitForStatus(dlc, high, 'Queuing');
  await dlc.updateJob(bumped, { Priority: 9 });  // now ahead of `low`, behind `high` (submitted earlier)

  await dlc.stopJob(a);
  await waitForStatus(dlc, high, 'Running');
  assert.equal((await dlc.getJob(low)).Status, 'Queuing');
  await dlc.stopJob(b);
  await waitForStatus(dlc, bumped, 'Running');
  assert.equal((await dlc.getJob(low)).Status, 'Queuing');
  await dlc.stopJob(high);
  await waitForStatus(dlc, low, 'Running');
  for (const id of [low, bumped]) await dlc.stopJob(id);
  for (const id of [a, b, high, low, bumped]) await waitForStatus(dlc, id, 'Stopped');

  const huge = await run({ DisplayName: 'huge', JobSpecs: [worker({ PodCount: 3, ResourceConfig: { GPU: '1' } })] });
  const job = await waitForEnd(dlc, huge);
  assert.equal(job.Status, 'Failed');
  assert.equal(job.ReasonCode, 'ResourceInsufficient');
  assert.match(job.ReasonMessage, /gpu=3 .*gpu=2/);
});

test('StopJob of a pod that ignores SIGTERM ends it with SIGKILL after the grace period', async () => {
  const id = await run({ DisplayName: 'stubborn', JobSpecs: [worker()], UserCommand: 'trap "" TERM; echo ready; sleep 1000' });
  await waitForJob(dlc, id, (j) => j.Status === 'Running');
  // The shell says "ready" once its trap is set; stop only then.
  const deadline = Date.now() + 10000;
  while (!(await logs(id, `${id}-worker-0`)).includes('ready') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await dlc.stopJob(id);
  assert.equal((await dlc.getJob(id)).Status, 'Stopping');
  const job = await waitForStatus(dlc, id, 'Stopped');
  assert.equal(job.Pods[0].Signal, 9);
  assert.equal(job.ReasonCode, 'JobStoppedByUser');
});

test('EnableSanityCheck adds SanityChecking before Running', async () => {
  const id = await run({ DisplayName: 'sane', JobSpecs: [worker()], UserCommand: 'true',
                         Settings: { EnableSanityCheck: true } });
  const job = await waitForEnd(dlc, id);
  assert.deepEqual(job.StatusHistory.map((h) => h.Status),
                   ['Creating', 'Queuing', 'EnvPreparing', 'SanityChecking', 'Running', 'Succeeded']);
});

// Live processes whose whole command line is `command`.
function running(command) {
  try {
    return execFileSync('pgrep', ['-f', '-x', command]).toString().trim().split('\n').length;
  } catch {
    return 0;  // pgrep exits 1 when nothing matches
  }
}

test('no process outlives its pod: background and setsid children end with it', async () => {
  const n = 700000 + (process.pid % 100000);  // sleeps no other test starts
  const [bg, daemon, stopped] = [`sleep ${n}`, `sleep ${n + 1}`, `sleep ${n + 2}`];
  const id = await run({ DisplayName: 'leaves-children', JobSpecs: [worker()],
                         UserCommand: `${bg} & setsid ${daemon} & echo started` });
  const job = await waitForEnd(dlc, id);
  assert.equal(job.Status, 'Succeeded');
  assert.equal(running(bg), 0, 'a background child outlived its succeeded job');
  assert.equal(running(daemon), 0, 'a setsid child outlived its succeeded job');

  const busy = await run({ DisplayName: 'stopped-with-daemon', JobSpecs: [worker()],
                           UserCommand: `setsid ${stopped} & echo up; sleep 1000` });
  await waitForJob(dlc, busy, (j) => j.Status === 'Running');
  const deadline = Date.now() + 10000;
  while (running(stopped) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(running(stopped), 1);
  await dlc.stopJob(busy);
  await waitForStatus(dlc, busy, 'Stopped');
  assert.equal(running(stopped), 0, 'a setsid child survived StopJob');
});

test('a pod gets none of the server\'s descriptors: only stdin, stdout and stderr', async () => {
  const id = await run({ DisplayName: 'fds', JobSpecs: [worker()], UserCommand: 'ls /proc/$$/fd' });
  assert.equal((await waitForEnd(dlc, id)).Status, 'Succeeded');
  assert.deepEqual(await logs(id, `${id}-worker-0`), ['0', '1', '2']);
});

test('sibling pods that end because their job succeeded are not shown failed', async () => {
  const id = await run({ DisplayName: 'siblings', JobType: 'PyTorchJob',
                         JobSpecs: [{ Type: 'Master', Image: 'i', PodCount: 1 }, { Type: 'Worker', Image: 'i', PodCount: 2 }],
                         UserCommand: '[ "$RANK" = 0 ] && exit 0; sleep 1000' });
  const job = await waitForEnd(dlc, id);
  assert.equal(job.Status, 'Succeeded');
  assert.deepEqual(job.Pods.map((p) => p.Status), ['Succeeded', 'Succeeded', 'Succeeded']);
});

test('backfill: a CPU-only job passes a GPU job that waits for GPUs, which then starts undelayed', async () => {
  const holder = await run({ DisplayName: 'holds-a-gpu', UserCommand: 'sleep 1000',
                             JobSpecs: [worker({ ResourceConfig: { GPU: '1' } })] });
  await waitForStatus(dlc, holder, 'Running');
  const waiting = await run({ DisplayName: 'needs-2-gpus', Priority: 9, UserCommand: 'true',
                              JobSpecs: [worker({ ResourceConfig: { GPU: '2' } })] });
  const cpu = await run({ DisplayName: 'cpu-only', Priority: 1, UserCommand: 'true', JobSpecs: [worker()] });
  assert.equal((await waitForEnd(dlc, cpu)).Status, 'Succeeded');
  const queued = await dlc.getJob(waiting);
  assert.equal(queued.Status, 'Queuing');
  assert.match(queued.ReasonMessage, /^1st in the queue\. Waiting for the node: the job needs .*gpu=2 and .*gpu=1 is free/);
  await dlc.stopJob(holder);
  assert.equal((await waitForEnd(dlc, waiting)).Status, 'Succeeded');
});

test('a pod\'s log is capped at --pod-log-limit: the tail is kept and GetPodLogs says what was dropped', async () => {
  const { readdirSync, statSync } = await import('node:fs');
  const path = await import('node:path');
  const capped = await new Server(['--pod-log-limit', '8192']).start();
  try {
    const client = new DlcClient(capped.endpoint, capped.adminKey);
    const { JobId } = await client.createJob(jobBody({ DisplayName: 'chatty', UserCommand: 'seq 1 100000',
                                                        JobSpecs: [worker()] }));
    assert.equal((await waitForEnd(client, JobId)).Status, 'Succeeded');
    const logDir = path.join(capped.dataDir, 'jobs', JobId, 'logs');
    const kept = readdirSync(logDir).filter((f) => /\.log(\.1)?$/.test(f))
      .reduce((sum, f) => sum + statSync(path.join(logDir, f)).size, 0);
    assert.ok(kept <= 2 * 8192, `${kept} bytes of log kept`);
    const pod = `${JobId}-worker-0`;
    const get = async (query) =>
      (await client.call('GetPodLogs', 'GET', `/api/v1/jobs/${JobId}/pods/${pod}/logs`, { query })).Logs;
    assert.deepEqual(await get({ MaxLines: 3 }), ['99998', '99999', '100000']);
    const all = await get({ MaxLines: 100000 });
    assert.match(all[0], /^\[drover\] \d+ earlier bytes of this pod's log were dropped/);
    assert.equal(all.at(-1), '100000');
    assert.ok(all.length < 4000);
  } finally {
    await capped.stop();
    capped.cleanup();
  }
});

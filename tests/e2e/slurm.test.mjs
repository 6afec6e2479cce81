// Jobs on a real Slurm cluster (scripts/test-slurm.sh: munged, slurmctld and
// slurmd from Debian, one node of 64 CPUs and 4 GPUs), driven through
// PAI-DLC calls exactly as on the local executor: `drover serve --executor
// slurm` hands each job to Slurm as one Slurm job, one task per pod.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { Server, DlcClient, DatasetClient, jobBody, waitForJob, waitForStatus, startSlurm, stopSlurm } from './harness.mjs';

let slurmDir;
let server;
let dlc;
let flags;      // a directory for the files jobs wait on
let timeLimit;  // a job left to reach its Slurm time limit while the rest run

const SLOW = 60000;  // Slurm's scheduler works in seconds, not milliseconds
const waitEnd = (id, ms = SLOW) => waitForJob(dlc, id, (j) => ['Succeeded', 'Failed', 'Stopped'].includes(j.Status), ms);
const waitRunning = (id) => waitForJob(dlc, id, (j) => j.Status === 'Running', SLOW);
const run = async (body) => (await dlc.createJob(jobBody(body))).JobId;
const worker = (extra = {}) => ({ Type: 'Worker', Image: 'busybox', PodCount: 1, ResourceConfig: { CPU: '1', Memory: '1Gi' }, ...extra });
const logs = async (jobId, podId) =>
  (await dlc.call('GetPodLogs', 'GET', `/api/v1/jobs/${jobId}/pods/${podId}/logs`)).Logs;
// What Slurm itself says of the Slurm job named after a Drover job.
const slurmJobs = (jobId) =>
  execFileSync('squeue', ['--me', '-h', '-t', 'all', '-n', jobId, '-o', '%i|%T'], { encoding: 'utf8' })
    .trim().split('\n').filter(Boolean).map((l) => l.split('|'));
const scontrol = (slurmId) => execFileSync('scontrol', ['show', 'job', slurmId], { encoding: 'utf8' });
// A command that waits for `name` to appear in the flags directory.
const waitFlag = (name) => `while [ ! -f ${flags}/${name} ]; do sleep 0.05; done`;
const raise = (name) => writeFileSync(path.join(flags, name), '');
const pollUntil = async (done, what, ms = SLOW) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

before(async () => {
  slurmDir = startSlurm();
  flags = mkdtempSync(path.join(tmpdir(), 'drover-slurm-flags-'));
  server = new Server(['--executor', 'slurm']);
  // A NAS file system "fs1" for the dataset test.
  mkdirSync(path.join(server.dataDir, 'nas', 'data'), { recursive: true });
  writeFileSync(path.join(server.dataDir, 'nas', 'data', 'train.csv'), 'x,y\n1,2\n');
  writeFileSync(path.join(server.dataDir, 'storage-map.json'), JSON.stringify({ fs1: path.join(server.dataDir, 'nas') }));
  server.args.push('--storage-map', path.join(server.dataDir, 'storage-map.json'));
  await server.start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
  timeLimit = await run({ DisplayName: 'time-limit', JobSpecs: [worker()], JobMaxRunningTimeMinutes: 1,
                          UserCommand: 'echo started; sleep 1000' });
});

after(async () => {
  if (process.env.DROVER_E2E_SHOW_LOG) console.log(server.log);
  await server.stop();
  server.cleanup();
  stopSlurm();
  rmSync(flags, { recursive: true, force: true });
});

test('a one-pod job runs as a Slurm job, with its lifecycle and log', async () => {
  const id = await run({ DisplayName: 'one', JobSpecs: [worker()], Envs: { GREETING: 'hi' },
                         UserCommand: 'echo hello from $POD_NAME; echo $GREETING in slurm job $SLURM_JOB_ID' });
  const job = await waitEnd(id);
  assert.equal(job.Status, 'Succeeded', job.ReasonMessage);
  assert.deepEqual(job.StatusHistory.map((h) => h.Status), ['Creating', 'Queuing', 'EnvPreparing', 'Running', 'Succeeded']);
  assert.equal(job.Pods[0].ExitCode, 0);
  // The pod's exit decides; Slurm ends the job once its batch script has.
  await pollUntil(() => slurmJobs(id)[0]?.[1] === 'COMPLETED', 'Slurm to see the job end');
  const [[slurmId]] = slurmJobs(id);
  assert.deepEqual(await logs(id, `${id}-worker-0`), [`hello from ${id}-worker-0`, `hi in slurm job ${slurmId}`]);
});

test('a master and two workers agree on RANK and WORLD_SIZE, with the master node as MASTER_ADDR and GPUs from Slurm', async () => {
  const id = await run({
    DisplayName: 'ddp',
    JobSpecs: [{ Type: 'Master', Image: 'i', PodCount: 1, ResourceConfig: { CPU: '1', Memory: '1Gi' } },
               { Type: 'Worker', Image: 'i', PodCount: 2, ResourceConfig: { CPU: '2', GPU: '1', Memory: '2Gi' } }],
    // Each pod prints, then waits for all three, so none is ended by the master's success first.
    UserCommand: 'echo "$RANK $WORLD_SIZE $MASTER_ADDR $MASTER_PORT gpus=$CUDA_VISIBLE_DEVICES"; ' +
                 'touch "printed-$POD_NAME"; while [ "$(ls printed-* | wc -l)" -lt 3 ]; do sleep 0.05; done',
  });
  const job = await waitEnd(id);
  assert.equal(job.Status, 'Succeeded', job.ReasonMessage);
  const seen = {};
  for (const pod of ['master-0', 'worker-0', 'worker-1']) {
    const [line] = await logs(id, `${id}-${pod}`);
    const [rank, world, addr, port, gpus] = line.split(' ');
    seen[pod] = { rank, world, addr, port, gpus };
  }
  assert.deepEqual(Object.values(seen).map((p) => p.rank).sort(), ['0', '1', '2']);
  assert.equal(seen['master-0'].rank, '0');
  for (const p of Object.values(seen)) {
    assert.equal(p.world, '3');
    assert.equal(p.addr, hostname());  // the allocation's first node
    assert.equal(p.port, seen['master-0'].port);
  }
  assert.equal(seen['master-0'].gpus, 'gpus=');  // the master asked for none
  assert.match(seen['worker-0'].gpus, /^gpus=\d$/);
  assert.match(seen['worker-1'].gpus, /^gpus=\d$/);
  assert.notEqual(seen['worker-0'].gpus, seen['worker-1'].gpus);
  const [[slurmId]] = slurmJobs(id);
  const info = scontrol(slurmId);
  assert.match(info, /NumTasks=3 /);
  assert.match(info, /TresPerTask=.*gpu[=:]1/);
});

test('a TFJob gets TF_CONFIG with every pod at its node and port', async () => {
  const id = await run({
    DisplayName: 'tf', JobType: 'TFJob',
    JobSpecs: [{ Type: 'Chief', Image: 'i', PodCount: 1 }, { Type: 'Worker', Image: 'i', PodCount: 2 }],
    UserCommand: 'echo "$TF_CONFIG"; touch "printed-$POD_NAME"; while [ "$(ls printed-* | wc -l)" -lt 3 ]; do sleep 0.05; done',
  });
  assert.equal((await waitEnd(id)).Status, 'Succeeded');
  const config = JSON.parse((await logs(id, `${id}-worker-1`))[0]);
  assert.deepEqual(config.task, { type: 'worker', index: 1 });
  assert.equal(config.cluster.chief.length, 1);
  assert.equal(config.cluster.worker.length, 2);
  for (const address of [...config.cluster.chief, ...config.cluster.worker]) {
    assert.match(address, new RegExp(`^${hostname()}:\\d+$`));
  }
});

test('a pod on a node reads its dataset at its MountPath, read-only', async () => {
  const datasets = new DatasetClient(server.endpoint, server.adminKey);
  const { DatasetId } = await datasets.createDataset({ Name: 'on-slurm', Property: 'DIRECTORY', DataSourceType: 'NAS',
                                                       Uri: 'nas://fs1.cn-hangzhou/data/' });
  const id = await run({
    DisplayName: 'reads-dataset', JobSpecs: [worker()],
    DataSources: [{ DataSourceId: DatasetId, MountPath: '/mnt/drover-slurm/data', MountAccess: 'RO' }],
    UserCommand: 'cat /mnt/drover-slurm/data/train.csv; if touch /mnt/drover-slurm/data/new 2>/dev/null; then echo WROTE; else echo READ-ONLY; fi',
  });
  const job = await waitEnd(id);
  assert.equal(job.Status, 'Succeeded', job.ReasonMessage);
  assert.deepEqual(await logs(id, `${id}-worker-0`), ['x,y', '1,2', 'READ-ONLY']);
});

test('a quota file sends one ResourceId\'s jobs to Slurm and keeps the rest here', async () => {
  const mixed = new Server([]);
  const quotas = path.join(mixed.dataDir, 'quotas.json');
  writeFileSync(quotas, JSON.stringify({ 'on-slurm': { CPU: '64', Executor: 'slurm', Partition: 'debug' },
                                         'here': { CPU: '64', Memory: '64Gi' } }));
  mixed.args.push('--quota-file', quotas);
  await mixed.start();
  try {
    const client = new DlcClient(mixed.endpoint, mixed.adminKey);
    const there = (await client.createJob(jobBody({ DisplayName: 'there', ResourceId: 'on-slurm', JobSpecs: [worker()], UserCommand: 'true' }))).JobId;
    const here = (await client.createJob(jobBody({ DisplayName: 'here', ResourceId: 'here', JobSpecs: [worker()], UserCommand: 'true' }))).JobId;
    for (const id of [there, here]) {
      const job = await waitForJob(client, id, (j) => ['Succeeded', 'Failed', 'Stopped'].includes(j.Status), SLOW);
      assert.equal(job.Status, 'Succeeded', job.ReasonMessage);
    }
    await pollUntil(() => slurmJobs(there)[0]?.[1] === 'COMPLETED', 'Slurm to see the job end');
    const [[slurmId]] = slurmJobs(there);
    assert.match(scontrol(slurmId), /Partition=debug /);
    assert.deepEqual(slurmJobs(here), []);
  } finally {
    await mixed.stop();
    mixed.cleanup();
  }
});

test('a failing job fails with its exit code and last log lines', async () => {
  const id = await run({ DisplayName: 'fails', JobSpecs: [worker()],
                         UserCommand: 'echo loading; echo "RuntimeError: boom" >&2; exit 3' });
  const job = await waitEnd(id);
  assert.equal(job.Status, 'Failed');
  assert.equal(job.ReasonCode, 'JobFailed');
  assert.match(job.ReasonMessage, /exited with code 3/);
  assert.match(job.ReasonMessage, /RuntimeError: boom/);
  assert.equal(job.Pods[0].ExitCode, 3);
});

test('a job Slurm cannot place fails with Slurm\'s own words', async () => {
  const id = await run({ DisplayName: 'too-big', JobSpecs: [worker({ ResourceConfig: { CPU: '1', GPU: '8' } })] });
  const job = await waitEnd(id);
  assert.equal(job.Status, 'Failed');
  assert.equal(job.ReasonCode, 'JobFailed');
  assert.match(job.ReasonMessage, /^Slurm did not take the job: .*(configuration is not available|Requested node)/);
});

test('StopJob is scancel: SIGTERM to the pods, then the job is Stopped', async () => {
  const id = await run({ DisplayName: 'stop-me', JobSpecs: [worker()], UserCommand: 'echo up; sleep 1000' });
  await waitRunning(id);
  await dlc.stopJob(id);
  const job = await waitForStatus(dlc, id, 'Stopped');
  assert.equal(job.ReasonCode, 'JobStoppedByUser');
  assert.equal(job.Pods[0].Signal, 15);
  await pollUntil(() => !['RUNNING', 'COMPLETING'].includes(slurmJobs(id)[0][1]), 'the Slurm job to end');
});

test('a job waiting in Slurm is Queuing with Slurm\'s reason, and its priority becomes Slurm\'s nice', async () => {
  const hog = await run({ DisplayName: 'hog', JobSpecs: [worker({ ResourceConfig: { CPU: '1', GPU: '4' } })],
                          UserCommand: 'sleep 1000' });
  await waitRunning(hog);
  const waiting = await run({ DisplayName: 'waits', JobSpecs: [worker({ ResourceConfig: { CPU: '1', GPU: '1' } })],
                              UserCommand: 'echo got a gpu' });
  const queued = await waitForJob(dlc, waiting, (j) => /is PENDING: Resources/.test(j.ReasonMessage ?? ''), SLOW);
  assert.equal(queued.Status, 'Queuing');
  assert.match(queued.ReasonMessage, /^Slurm job \d+ is PENDING: Resources\.$/);
  assert.equal(queued.Pods[0].Status, 'Pending');
  const [[slurmId]] = slurmJobs(waiting);
  assert.match(scontrol(slurmId), /Nice=800 /);  // priority 1
  await dlc.updateJob(waiting, { Priority: 9 });
  await pollUntil(() => /Nice=0 /.test(scontrol(slurmId)), 'the new nice');
  await dlc.stopJob(hog);
  const job = await waitEnd(waiting);
  assert.equal(job.Status, 'Succeeded');
  assert.deepEqual(await logs(waiting, `${waiting}-worker-0`), ['got a gpu']);
});

test('kill -9 of Drover mid-run: the restarted server finds its Slurm jobs, ended ones too', async () => {
  const runsOn = await run({ DisplayName: 'runs-on', JobSpecs: [worker()],
                             UserCommand: `${waitFlag('go-1')}; echo finished` });
  const endsMeanwhile = await run({ DisplayName: 'ends-meanwhile', JobSpecs: [worker()],
                                    UserCommand: `${waitFlag('go-2')}; exit 4` });
  await waitRunning(runsOn);
  await waitRunning(endsMeanwhile);
  await server.stop('SIGKILL');
  raise('go-2');
  await pollUntil(() => slurmJobs(endsMeanwhile)[0][1] === 'COMPLETED', 'the job to end while Drover is down');
  await server.start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
  assert.equal((await dlc.getJob(runsOn)).Status, 'Running');
  const ended = await waitEnd(endsMeanwhile);
  assert.equal(ended.Status, 'Failed');
  assert.equal(ended.Pods[0].ExitCode, 4);
  raise('go-1');
  const job = await waitEnd(runsOn);
  assert.equal(job.Status, 'Succeeded');
  assert.deepEqual(await logs(runsOn, `${runsOn}-worker-0`), ['finished']);
  assert.equal(slurmJobs(runsOn).length, 1, 'one Slurm job: nothing submitted twice');
});

test('a slurmctld restart mid-run loses nothing; jobs submitted meanwhile wait for it', async () => {
  const script = path.resolve('../../scripts/test-slurm.sh');
  const id = await run({ DisplayName: 'ctld', JobSpecs: [worker()], UserCommand: `${waitFlag('go-3')}; echo survived` });
  await waitRunning(id);
  execFileSync(script, ['ctld-stop', slurmDir]);
  let late;
  try {
    // Several squeue calls go unanswered meanwhile: none may be taken for a lost job.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await dlc.getJob(id)).Status, 'Running');
    late = await run({ DisplayName: 'submitted-while-down', JobSpecs: [worker()], UserCommand: 'echo late' });
    const waiting = await waitForJob(dlc, late, (j) => /^Not handed to the cluster yet/.test(j.ReasonMessage ?? ''), SLOW);
    assert.equal(waiting.Status, 'Queuing');
    assert.match(waiting.ReasonMessage, /Unable to contact slurm controller/);
    raise('go-3');  // the pod ends while the controller is down: its exit file tells
    const job = await waitEnd(id);
    assert.equal(job.Status, 'Succeeded', job.ReasonMessage);
    assert.deepEqual(await logs(id, `${id}-worker-0`), ['survived']);
  } finally {
    execFileSync(script, ['ctld-start', slurmDir]);
  }
  const lateJob = await waitEnd(late);
  assert.equal(lateJob.Status, 'Succeeded', lateJob.ReasonMessage);
  assert.deepEqual(await logs(late, `${late}-worker-0`), ['late']);
});

test('JobMaxRunningTimeMinutes is the Slurm time limit: the job ends Failed with JobTimeout', async () => {
  const job = await waitEnd(timeLimit, 180000);
  // Slurm shows COMPLETING while it ends the job's processes, then TIMEOUT.
  await pollUntil(() => slurmJobs(timeLimit)[0]?.[1] !== 'COMPLETING', 'Slurm to finish ending the job');
  const [[slurmId, state]] = slurmJobs(timeLimit);
  assert.equal(state, 'TIMEOUT');
  assert.match(scontrol(slurmId), /TimeLimit=00:01:00/);
  assert.ok(job.StatusHistory.some((h) => h.Status === 'Running'));
  assert.equal(job.Status, 'Failed');
  assert.equal(job.ReasonCode, 'JobTimeout');
  assert.match(job.ReasonMessage, new RegExp(`^Slurm job ${slurmId} reached its time limit \\(TIMEOUT\\)`));
  assert.deepEqual(await logs(timeLimit, `${timeLimit}-worker-0`), ['started']);
});

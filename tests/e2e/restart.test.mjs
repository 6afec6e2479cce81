// Acknowledged writes survive kill -9 of the server and a restart, and jobs
// that were running then are reconciled: never left active with nothing behind them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Server, DlcClient, jobBody, waitForStatus, BIG_NODE } from './harness.mjs';

// How many pods' shells carry `marker` in their command line.
function processesWith(marker) {
  try {
    return execFileSync('pgrep', ['-f', `^sh -c .*${marker}`]).toString().trim().split('\n').length;
  } catch {
    return 0;  // pgrep exits 1 when nothing matches
  }
}

// Waits until `done()` holds, checking every 20 ms; fails after 10 s.
async function until(done, what) {
  const deadline = Date.now() + 10000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('kill -9 and restart: nothing acknowledged is lost, running jobs are reconciled', async () => {
  const server = await new Server(BIG_NODE).start();
  const marker = `drover-restart-${process.pid}`;
  try {
    let dlc = new DlcClient(server.endpoint, server.adminKey);
    const done = [];
    const running = [];
    for (let i = 0; i < 6; i++) {
      done.push((await dlc.createJob(jobBody({ DisplayName: `done-${i}`, UserCommand: 'true' }))).JobId);
      running.push((await dlc.createJob(jobBody({ DisplayName: `running-${i}`, Priority: 1 + i,
                                                  UserCommand: `sleep 1000 # ${marker}` }))).JobId);
    }
    const retried = (await dlc.createJob(jobBody({
      DisplayName: 'retried', UserCommand: `sleep 1000 # ${marker}`,
      JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 1, RestartPolicy: 'OnFailure' }] }))).JobId;
    for (const id of done) await waitForStatus(dlc, id, 'Succeeded');
    for (const id of [...running, retried]) await waitForStatus(dlc, id, 'Running');
    await dlc.updateJob(running[0], { Description: 'updated before the crash' });
    await dlc.stopJob(running[1]);
    await waitForStatus(dlc, running[1], 'Stopped');
    await dlc.deleteJob(done[0]);
    assert.equal(processesWith(marker), 6);
    const before = await dlc.listJobs({ PageSize: 100, SortBy: 'DisplayName', Order: 'asc' });

    await server.stop('SIGKILL');
    assert.equal(processesWith(marker), 6, 'pods outlive a crashed server');
    await server.start();
    dlc = new DlcClient(server.endpoint, server.adminKey);

    const after = await dlc.listJobs({ PageSize: 100, SortBy: 'DisplayName', Order: 'asc' });
    assert.equal(after.TotalCount, 12);
    assert.deepEqual(after.Jobs.map((j) => [j.JobId, j.DisplayName, j.Priority]),
                     before.Jobs.map((j) => [j.JobId, j.DisplayName, j.Priority]));
    assert.equal((await dlc.getJob(running[0])).Description, 'updated before the crash');
    assert.equal((await dlc.getJob(running[1])).Status, 'Stopped');
    for (const id of done.slice(1)) assert.equal((await dlc.getJob(id)).Status, 'Succeeded');
    // The restarted server adopted the pods that ran on: nothing restarted.
    for (const id of [...running.slice(2), running[0], retried]) {
      const job = await dlc.getJob(id);
      assert.equal(job.Status, 'Running', id);
    }
    assert.equal((await dlc.getJob(retried)).RestartTimes, '0/3');
    assert.equal(processesWith(marker), 6, 'the adopted pods run on');
    await dlc.stopJob(running[2]);
    assert.equal((await waitForStatus(dlc, running[2], 'Stopped')).Pods[0].Signal, 15);
    assert.equal(processesWith(marker), 5, 'an adopted pod stops like any other');

    // New ids continue after the old ones: nothing is reused.
    const next = (await dlc.createJob(jobBody({ DisplayName: 'after-restart', UserCommand: 'true' }))).JobId;
    assert.ok(![...done, ...running, retried].includes(next));
    assert.equal((await dlc.listJobs({ PageSize: 1 })).TotalCount, 13);
  } finally {
    await server.stop();
    server.cleanup();
  }
  assert.equal(processesWith(marker), 0, 'a stopped server leaves no pods behind');
});

test('kill -9 while clients are writing: every acknowledged create is there after restart', async () => {
  const server = await new Server(['--auth', 'off', '--cpus', '1000000']).start();
  try {
    let dlc = new DlcClient(server.endpoint);
    const acked = [];
    let killed = false;
    const writer = async (w) => {
      for (let i = 0; !killed; i++) {
        try {
          const { JobId } = await dlc.createJob(jobBody({ DisplayName: `crash-${w}-${i}`, UserCommand: 'true',
                                                          JobSpecs: [{ Type: 'Worker', Image: 'i', PodCount: 1 }] }));
          if (!killed) acked.push(JobId);
        } catch {
          return;  // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    while (acked.length < 150) await new Promise((r) => setTimeout(r, 5));
    const snapshot = [...acked];  // acknowledged before the kill
    killed = true;
    await server.stop('SIGKILL');
    await Promise.all(writers);
    await server.start();
    dlc = new DlcClient(server.endpoint);
    const found = new Set();
    for (let i = 0; i < snapshot.length; i += 100) {
      const page = await dlc.listJobs({ JobIds: snapshot.slice(i, i + 100).join(','), PageSize: 100 });
      for (const job of page.Jobs) found.add(job.JobId);
    }
    assert.deepEqual(snapshot.filter((id) => !found.has(id)), [], 'acknowledged creates lost');
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('a pod that ends while the server is down is recorded as it really ended', async () => {
  const server = await new Server(BIG_NODE).start();
  const flag = path.join(server.dataDir, 'go');
  const wait = `while [ ! -e ${flag} ]; do sleep 0.02; done`;
  try {
    let dlc = new DlcClient(server.endpoint, server.adminKey);
    const onFailure = [{ Type: 'Worker', Image: 'i', PodCount: 1, RestartPolicy: 'OnFailure' }];
    const ok = (await dlc.createJob(jobBody({ DisplayName: 'ends-ok', UserCommand: `${wait}; exit 0` }))).JobId;
    const retried = (await dlc.createJob(jobBody({ DisplayName: 'ends-ok-retry', UserCommand: `${wait}; exit 0`,
                                                   JobSpecs: onFailure }))).JobId;
    const bad = (await dlc.createJob(jobBody({ DisplayName: 'ends-bad', UserCommand: `${wait}; echo bye; exit 3` }))).JobId;
    const pods = {};
    for (const id of [ok, retried, bad]) pods[id] = (await waitForStatus(dlc, id, 'Running')).Pods[0];

    await server.stop('SIGKILL');
    writeFileSync(flag, '');  // the pods end while no server runs
    const exitFile = (id) => path.join(server.dataDir, 'jobs', id, 'logs', `${pods[id].PodId}.${pods[id].PodUid}.exit`);
    await until(() => [ok, retried, bad].every((id) => existsSync(exitFile(id))), 'the pods to record their ends');
    await server.start();
    dlc = new DlcClient(server.endpoint, server.adminKey);

    const done = await waitForStatus(dlc, ok, 'Succeeded');
    assert.equal(done.Pods[0].ExitCode, 0);
    const again = await waitForStatus(dlc, retried, 'Succeeded');
    assert.equal(again.RestartTimes, '0/3', 'not run a second time');
    const failed = await waitForStatus(dlc, bad, 'Failed');
    assert.match(failed.ReasonMessage, /exited with code 3\. Last log lines:\nbye$/);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

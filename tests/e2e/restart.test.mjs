// Acknowledged writes survive kill -9 of the server and a restart, and jobs
// that were running then are reconciled: never left active with nothing behind them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, DlcClient, jobBody, waitForStatus, BIG_NODE } from './harness.mjs';

// How many live processes carry `marker` in their command line.
function processesWith(marker) {
  try {
    return execFileSync('pgrep', ['-f', marker]).toString().trim().split('\n').length;
  } catch {
    return 0;  // pgrep exits 1 when nothing matches
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
    for (const id of running.slice(2).concat(running[0])) {
      const job = await dlc.getJob(id);
      assert.equal(job.Status, 'Failed');
      assert.equal(job.ReasonCode, 'ServerRestarted');
    }
    // The job whose RestartPolicy allows it runs again, one restart used.
    const again = await waitForStatus(dlc, retried, 'Running');
    assert.equal(again.RestartTimes, '1/3');
    assert.equal(again.Pods[0].HistoryPods.length, 1);
    assert.equal(processesWith(marker), 1, 'leftover pods were killed; only the requeued job runs');

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

// Acknowledged writes survive kill -9 of the server and a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, DlcClient, jobBody } from './harness.mjs';

test('every acknowledged write survives kill -9 and a restart', async () => {
  const server = await new Server().start();
  try {
    let dlc = new DlcClient(server.endpoint);
    const created = [];
    for (let i = 0; i < 20; i++) {
      created.push((await dlc.createJob(jobBody({ DisplayName: `durable-${i}`, Priority: 1 + (i % 9) }))).JobId);
    }
    await dlc.updateJob(created[0], { Description: 'updated before the crash' });
    await dlc.stopJob(created[1]);
    await dlc.stopJob(created[2]);
    await dlc.deleteJob(created[2]);
    const before = await dlc.listJobs({ PageSize: 100, SortBy: 'DisplayName', Order: 'asc' });

    await server.stop('SIGKILL');
    await server.start();
    dlc = new DlcClient(server.endpoint);

    const after = await dlc.listJobs({ PageSize: 100, SortBy: 'DisplayName', Order: 'asc' });
    assert.equal(after.TotalCount, 19);
    assert.deepEqual(after.Jobs.map((j) => [j.JobId, j.Status, j.Priority]),
                     before.Jobs.map((j) => [j.JobId, j.Status, j.Priority]));
    assert.equal((await dlc.getJob(created[0])).Description, 'updated before the crash');
    assert.equal((await dlc.getJob(created[1])).Status, 'Stopped');

    // New ids continue after the old ones: nothing is reused.
    const next = (await dlc.createJob(jobBody({ DisplayName: 'after-restart' }))).JobId;
    assert.ok(!created.includes(next));
    assert.equal((await dlc.listJobs({ PageSize: 1 })).TotalCount, 20);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

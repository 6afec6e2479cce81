// drover import: job history keeps its ids, statuses and times, and an
// imported "Running" job is history, not a process to reconcile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Server, DlcClient, droverBin, jobBody, waitForStatus, BIG_NODE } from './harness.mjs';

test('imported jobs keep their ids, statuses and times and are never run', async () => {
  const server = new Server(BIG_NODE);
  const file = path.join(server.dataDir, 'history.jsonl');
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const lines = [
    { JobId: 'dlc-20210126170216-abcdefgh', DisplayName: '历史 训练 job', JobType: 'PyTorchJob', Status: 'Running',
      GmtCreateTime: iso(now - 3600e3), GmtRunningTime: iso(now - 3500e3), UserCommand: 'python old.py',
      JobSpecs: [{ Type: 'Worker', Image: 'pytorch:1.8', PodCount: 2, ResourceConfig: { GPU: '1' } }],
      Settings: { Tags: { team: 'history' } }, CodeSource: { CodeSourceId: 'c9' } },
    { JobId: 'dlcoldfailed0001', DisplayName: 'old-failed', JobType: 'TFJob', Status: 'Failed',
      ReasonMessage: 'CUDA out of memory', GmtCreateTime: iso(now - 7200e3), GmtFinishTime: iso(now - 7000e3) },
    { DisplayName: 'no id' },
    { JobId: 'dlcoldfailed0001', DisplayName: 'duplicate', JobType: 'TFJob', Status: 'Failed' },
  ];
  // As another tool may write it: spaced, escapes, a key twice (the first counts).
  const handWritten = '{ "JobId" : "dlchandwritten01", "Status": "Succeeded", "UserVpc" : { "VpcId": "v1", ' +
    '"ExtendedCIDRs": [ "10.0.0.0/8" ] }, "Note": "say \\"hi\\"\\n", "Note": "again" }';
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n' + handWritten + '\n');
  const out = execFileSync(droverBin, ['import', ...server.storeFlags, file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  assert.match(out, /imported 3 jobs \(2 skipped\)/);
  // A second import into the same store skips the ids it holds already.
  const more = path.join(server.dataDir, 'more.jsonl');
  writeFileSync(more, [{ JobId: 'dlcoldfailed0001', DisplayName: 'again', Status: 'Failed' },
    { JobId: 'dlcsecondimport1', DisplayName: 'second-import', Status: 'Succeeded' }].map((l) => JSON.stringify(l)).join('\n') + '\n');
  const again = execFileSync(droverBin, ['import', ...server.storeFlags, more], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  assert.match(again, /imported 1 jobs \(1 skipped\)/);

  await server.start();
  try {
    const dlc = new DlcClient(server.endpoint, server.adminKey);
    const running = await dlc.getJob('dlc-20210126170216-abcdefgh');
    assert.equal(running.Status, 'Running', 'history is not reconciled as a live job');
    assert.equal(running.GmtCreateTime, iso(now - 3600e3));
    assert.equal(running.DisplayName, '历史 训练 job');
    assert.deepEqual(running.CodeSource, { CodeSourceId: 'c9' });
    assert.deepEqual(running.Pods, []);
    const hand = await dlc.getJob('dlchandwritten01');
    assert.deepEqual(hand.UserVpc, { VpcId: 'v1', ExtendedCidrs: ['10.0.0.0/8'] });
    assert.equal(hand.Note, 'say "hi"\n');
    const listed = await dlc.listJobs({ DisplayName: '训练', DisplayNameSearchMode: 'fulltext' });
    assert.deepEqual(listed.Jobs.map((j) => j.JobId), ['dlc-20210126170216-abcdefgh']);
    assert.equal(listed.Jobs[0].RequestGPU, '2');
    assert.deepEqual((await dlc.listJobs({ ReasonSearch: 'out of memory' })).Jobs.map((j) => j.JobId), ['dlcoldfailed0001']);
    assert.equal((await dlc.getJob('dlcoldfailed0001')).DisplayName, 'old-failed', 'the first import wins');
    assert.equal((await dlc.getJob('dlcsecondimport1')).Status, 'Succeeded');
    // New jobs get new ids next to the history; stopping history just records it.
    const { JobId } = await dlc.createJob(jobBody({ DisplayName: 'after-import', UserCommand: 'true' }));
    await waitForStatus(dlc, JobId, 'Succeeded');
    await dlc.stopJob('dlc-20210126170216-abcdefgh');
    assert.equal((await dlc.getJob('dlc-20210126170216-abcdefgh')).Status, 'Stopped');
  } finally {
    await server.stop();
    server.cleanup();
  }
});

// PostgreSQL as the store: a data dir moved there and back with drover
// migrate, one server per database, and PostgreSQL restarted under load
// with nothing acknowledged lost. (With DROVER_E2E_STORE=postgres every
// other test file runs on PostgreSQL too.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import {
  Server, DlcClient, DatasetClient, droverBin, createDatabase, dropDatabase, jobBody, waitForEnd,
} from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pgScript = path.resolve(here, '../../scripts/test-postgres.sh');

function migrate(from, to) {
  return execFileSync(droverBin, ['migrate', '--from', from, '--to', to], { stdio: ['ignore', 'pipe', 'pipe'] })
    .toString();
}

// Every table of a PostgreSQL store, row by row (documents by digest).
function dumpTables(url) {
  const tables = ['jobs', 'datasets', 'dataset_versions', 'buckets', 'objects', 'object_data'];
  let out = '';
  for (const table of tables) {
    out += `${table}\n` + execFileSync('psql', [url, '-qAt', '-c',
      `SELECT id, public_id, md5(doc) FROM ${table} ORDER BY id`]).toString();
  }
  out += execFileSync('psql', [url, '-qAt', '-c',
    "SELECT key, value FROM meta WHERE key <> 'revision' ORDER BY key"]).toString();
  out += execFileSync('psql', [url, '-qAt', '-c',
    'SELECT id, secret, tenant, username, policy, workspaces, created, revoked FROM access_keys ORDER BY id']).toString();
  return out;
}

function ossClient(server, bucket) {
  const k = server.adminKey;
  return new OSS({ endpoint: `http://${server.endpoint}`, region: 'oss-cn-hangzhou', accessKeyId: k.AccessKeyId,
                   accessKeySecret: k.AccessKeySecret, bucket, secure: false, timeout: 20000, sldEnable: true });
}

test('a SQLite data dir moves to PostgreSQL and back, record for record', async () => {
  const sqlite = new Server(['--cpus', '8', '--gpus', '2'], { store: 'sqlite' });
  mkdirSync(path.join(sqlite.dataDir, 'nas', 'data'), { recursive: true });
  const map = path.join(sqlite.dataDir, 'storage-map.json');
  writeFileSync(map, JSON.stringify({ fs1: path.join(sqlite.dataDir, 'nas') }));
  sqlite.args.push('--storage-map', map);
  await sqlite.start();
  const dlc = new DlcClient(sqlite.endpoint, sqlite.adminKey);
  const { JobId: ran } = await dlc.createJob(jobBody({ DisplayName: 'ran', UserCommand: 'echo moved' }));
  await waitForEnd(dlc, ran);
  const { JobId: deleted } = await dlc.createJob(jobBody({ DisplayName: 'deleted', UserCommand: 'true' }));
  await waitForEnd(dlc, deleted);
  await dlc.deleteJob(deleted);  // its number is never used again, also after the move
  const datasets = new DatasetClient(sqlite.endpoint, sqlite.adminKey);
  const { DatasetId } = await datasets.createDataset({
    Name: 'moved', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: 'nas://fs1.cn-hangzhou/data/',
    Labels: [{ Key: 'env', Value: 'test' }] });
  await ossClient(sqlite, 'moved-bucket').putBucket('moved-bucket');
  await ossClient(sqlite, 'moved-bucket').put('a/b.txt', Buffer.from('moved bytes'));
  // An answer without its request id, which is new each time.
  const answer = async (promise) => ({ ...(await promise), RequestId: undefined });
  const before = {
    jobs: await answer(dlc.listJobs({ ShowOwn: 'false', PageSize: '100' })),
    job: await answer(dlc.getJob(ran)),
    dataset: await answer(datasets.getDataset(DatasetId)),
  };
  await sqlite.stop();

  const database = createDatabase();
  const out = migrate(sqlite.dataDir, database);
  assert.match(out, /migrated \d+ records and 1 keys/);
  // The same data dir (object bytes, pod logs), the store on PostgreSQL.
  const pg = await new Server(sqlite.args, { store: database, dataDir: sqlite.dataDir }).start();
  try {
    const dlc2 = new DlcClient(pg.endpoint, sqlite.adminKey);  // the key moved too
    assert.deepEqual(await answer(dlc2.listJobs({ ShowOwn: 'false', PageSize: '100' })), before.jobs);
    assert.deepEqual(await answer(dlc2.getJob(ran)), before.job);
    assert.deepEqual(await answer(new DatasetClient(pg.endpoint, sqlite.adminKey).getDataset(DatasetId)),
                     before.dataset);
    const got = await ossClient(pg, 'moved-bucket').get('a/b.txt');
    assert.equal(got.content.toString(), 'moved bytes');
    const { JobId: fresh } = await dlc2.createJob(jobBody({ DisplayName: 'after', UserCommand: 'true' }));
    assert.ok(![ran, deleted].includes(fresh));
    assert.equal((await dlc2.getJob(fresh)).DisplayName, 'after');
  } finally {
    await pg.stop();
  }

  // Back to SQLite, and once more to PostgreSQL: the two databases agree
  // row for row (numbers, public ids, documents, counters, keys).
  const back = mkdtempSync(path.join(tmpdir(), 'drover-migrated-'));
  const again = createDatabase();
  try {
    migrate(database, back);
    const refused = spawnSync(droverBin, ['migrate', '--from', database, '--to', back]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr.toString(), /is not empty/);
    migrate(back, again);
    assert.equal(dumpTables(again), dumpTables(database));
  } finally {
    rmSync(back, { recursive: true, force: true });
    dropDatabase(database);
    dropDatabase(again);
    sqlite.cleanup();
  }
});

test('a second server on the same database refuses to start', async () => {
  const database = createDatabase();
  const first = await new Server([], { store: database }).start();
  try {
    const second = spawnSync(droverBin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', first.dataDir,
                                         '--store', database], { timeout: 20000 });
    assert.equal(second.status, 1);
    assert.match(second.stderr.toString() + second.stdout.toString(), /another drover server uses this database/);
  } finally {
    await first.stop();
    first.cleanup();
    dropDatabase(database);
  }
});

// PostgreSQL stops (immediately, as in a crash) while clients write: they
// get OSS's 503 ServiceUnavailable, promptly; when it is back, writes go
// on without restarting Drover; then Drover is killed and restarted, and
// every write that was acknowledged is there.
test('PostgreSQL restarted under load loses nothing acknowledged', async () => {
  const pgDir = mkdtempSync(path.join(tmpdir(), 'drover-pg-own-'));
  const pg = (what) => execFileSync(pgScript, [what, pgDir]).toString().trim();
  const url = pg('start');
  let server = await new Server([], { store: url }).start();
  try {
    await ossClient(server, 'load').putBucket('load');
    const acknowledged = [];
    const unavailable = [];
    let phase = 'before';
    let stop = false;
    const writer = async (w) => {
      const oss = ossClient(server, 'load');
      for (let i = 0; !stop; ++i) {
        const key = `w${w}/${i}`;
        const started = Date.now();
        try {
          await oss.put(key, Buffer.from(key));
          acknowledged.push({ key, phase });
        } catch (e) {
          assert.equal(e.status, 503, `${key}: ${e.status} ${e.code} ${e.message}`);
          assert.equal(e.code, 'ServiceUnavailable');
          assert.ok(Date.now() - started < 10000, 'a 503 comes promptly, not after a hang');
          unavailable.push(key);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    const until = async (condition) => {
      const deadline = Date.now() + 30000;
      while (!condition()) {
        assert.ok(Date.now() < deadline, 'timed out');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(() => acknowledged.length >= 50);
    phase = 'outage';
    pg('stop');
    await until(() => unavailable.length >= 10);
    pg('start');
    phase = 'after';
    await until(() => acknowledged.filter((a) => a.phase === 'after').length >= 50);
    stop = true;
    await Promise.all(writers);

    await server.stop('SIGKILL');
    server = await new Server([], { store: url, dataDir: server.dataDir }).start();
    const listed = new Set();
    let marker;
    do {
      const page = await ossClient(server, 'load').list({ 'max-keys': 1000, marker });
      for (const o of page.objects ?? []) listed.add(o.name);
      marker = page.nextMarker;
    } while (marker);
    const lost = acknowledged.filter((a) => !listed.has(a.key));
    assert.deepEqual(lost, [], 'acknowledged writes missing after the restarts');
    for (const key of acknowledged.slice(-5).map((a) => a.key)) {
      assert.equal((await ossClient(server, 'load').get(key)).content.toString(), key);
    }
  } finally {
    await server.stop();
    server.cleanup();
    pg('remove');
  }
});

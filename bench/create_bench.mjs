// CreateJob benchmark (not a test): how many durable creates per second
// the server acknowledges over HTTP with concurrent clients.
//
//   node bench/create_bench.mjs [N=20000] [CONCURRENCY=16]
//   STORE=postgres node bench/create_bench.mjs ...   (and on PostgreSQL)
//
// The server gets one CPU and a first job that holds it, so every created
// job stays queued: the figure is the create path alone (parse, store
// commit with group fsync, index), not the runner's. Clients send bare
// HTTP over keep-alive sockets (auth off, bench/common.mjs RawConnection),
// so client-side work competes as little as it can for the CPUs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pct, startServer, RawConnection } from './common.mjs';

const N = Number(process.argv[2] || 20000);
const CONCURRENCY = Number(process.argv[3] || 16);

const job = (name) => ({ DisplayName: name, JobType: 'PyTorchJob', UserCommand: 'sleep 1000', WorkspaceId: 'bench',
                         JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1, ResourceConfig: { CPU: '1' } }] });

// CreateJob/s on a server started with `storeArgs`.
async function run(label, storeArgs) {
  const { call, stop, port } = await startServer(['--cpus', '1', ...storeArgs], CONCURRENCY);
  await call('POST', '/api/v1/jobs', job('holder'));  // takes the one CPU; every later job queues
  const connections = await Promise.all(Array.from({ length: CONCURRENCY }, () => RawConnection.open(port)));
  const latencies = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(connections.map(async (connection) => {
    while (next < N) {
      const i = next++;
      const t = performance.now();
      const r = await connection.request('POST', '/api/v1/jobs', Buffer.from(JSON.stringify(job(`bench-${i}`))),
                                         'Content-Type: application/json\r\n');
      if (r.status !== 200) throw new Error(`CreateJob: ${r.status} ${r.body}`);
      latencies.push(performance.now() - t);
    }
  }));
  for (const c of connections) c.close();
  const seconds = (performance.now() - t0) / 1000;
  const rate = N / seconds;
  console.log(`CreateJob on ${label}: ${N} jobs with ${CONCURRENCY} clients in ${seconds.toFixed(2)} s: ` +
              `${rate.toFixed(0)}/s, p50 ${pct(latencies, 0.5).toFixed(2)} ms, p99 ${pct(latencies, 0.99).toFixed(2)} ms`);
  await stop();
  return rate;
}

const sqlite = await run('SQLite', []);
// STORE=postgres: the same on PostgreSQL (Debian's, a cluster of this run's
// own, fsync on), beside the SQLite figure just measured.
if (process.env.STORE === 'postgres') {
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../scripts/test-postgres.sh');
  const dir = mkdtempSync(path.join(tmpdir(), 'drover-bench-pg-'));
  const url = execFileSync(script, ['start', dir], { env: { ...process.env, PG_FSYNC: 'on', PG_SHARED_BUFFERS: '1GB' } })
    .toString().trim();
  try {
    const postgres = await run('PostgreSQL', ['--store', url]);
    console.log(`PostgreSQL / SQLite: ${(postgres / sqlite).toFixed(2)}×`);
  } finally {
    execFileSync(script, ['remove', dir]);
  }
}

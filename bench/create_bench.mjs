// CreateJob benchmark (not a test): how many durable creates per second
// the server acknowledges over HTTP with concurrent clients.
//
//   node bench/create_bench.mjs [N=20000] [CONCURRENCY=16]
//
// The server gets one CPU and a first job that holds it, so every created
// job stays queued: the figure is the create path alone (parse, store
// commit with group fsync, index), not the runner's. Clients send raw
// HTTP (auth off), so client-side signing does not compete for the CPUs.
import { pct, startServer } from './common.mjs';

const N = Number(process.argv[2] || 20000);
const CONCURRENCY = Number(process.argv[3] || 16);

const { call, stop } = await startServer(['--cpus', '1'], CONCURRENCY);
const job = (name) => ({ DisplayName: name, JobType: 'PyTorchJob', UserCommand: 'sleep 1000', WorkspaceId: 'bench',
                         JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1, ResourceConfig: { CPU: '1' } }] });

await call('POST', '/api/v1/jobs', job('holder'));  // takes the one CPU; every later job queues
const latencies = [];
let next = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < N) {
    const i = next++;
    const t = performance.now();
    await call('POST', '/api/v1/jobs', job(`bench-${i}`));
    latencies.push(performance.now() - t);
  }
}));
const seconds = (performance.now() - t0) / 1000;
console.log(`CreateJob: ${N} jobs with ${CONCURRENCY} clients in ${seconds.toFixed(2)} s: ` +
            `${(N / seconds).toFixed(0)}/s, p50 ${pct(latencies, 0.5).toFixed(2)} ms, p99 ${pct(latencies, 0.99).toFixed(2)} ms`);
await stop();

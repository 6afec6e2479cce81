// CreateJob benchmark (not a test): how many durable creates per second
// the server acknowledges over HTTP with concurrent clients.
//
//   node bench/create_bench.mjs [N=20000] [CONCURRENCY=16]
//
// The server gets one CPU and a first job that holds it, so every created
// job stays queued: the figure is the create path alone (parse, store
// commit with group fsync, index), not the runner's. Clients send raw
// HTTP (auth off), so client-side signing does not compete for the CPUs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.DROVER_BIN || path.resolve(here, '../build/drover');
const N = Number(process.argv[2] || 20000);
const CONCURRENCY = Number(process.argv[3] || 16);

const dataDir = mkdtempSync(path.join(tmpdir(), 'drover-createbench-'));
const server = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--cpus', '1', '--auth', 'off'],
                     { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
const port = await new Promise((resolve, reject) => {
  const onData = (c) => { log += c; const m = /listening on [\d.]+:(\d+)/.exec(log); if (m) resolve(Number(m[1])); };
  server.stdout.on('data', onData);
  server.stderr.on('data', onData);
  server.on('exit', (code) => reject(new Error(`drover exited ${code}: ${log}`)));
});

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function create(body) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/jobs', agent,
                               headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
                             (res) => {
                               let text = '';
                               res.on('data', (c) => { text += c; });
                               res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(text))));
                             });
    req.on('error', reject);
    req.end(data);
  });
}
const job = (name) => ({ DisplayName: name, JobType: 'PyTorchJob', UserCommand: 'sleep 1000', WorkspaceId: 'bench',
                         JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1, ResourceConfig: { CPU: '1' } }] });
const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))];

await create(job('holder'));  // takes the one CPU; every later job queues
const latencies = [];
let next = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < N) {
    const i = next++;
    const t = performance.now();
    await create(job(`bench-${i}`));
    latencies.push(performance.now() - t);
  }
}));
const seconds = (performance.now() - t0) / 1000;
console.log(`CreateJob: ${N} jobs with ${CONCURRENCY} clients in ${seconds.toFixed(2)} s: ` +
            `${(N / seconds).toFixed(0)}/s, p50 ${pct(latencies, 0.5).toFixed(2)} ms, p99 ${pct(latencies, 0.99).toFixed(2)} ms`);
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
agent.destroy();
rmSync(dataDir, { recursive: true, force: true });

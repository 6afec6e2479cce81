// Slurm executor benchmark (not a test): the same N trivial jobs (`true`)
// through `drover serve` on the local executor, then on Slurm, and — the
// baseline, measured in the same run — N `sbatch --wrap=true` straight to
// the cluster with no Drover at all.
//
//   node bench/slurm_bench.mjs [N=200] [CONCURRENCY=8]
//
// Uses the cluster SLURM_CONF names, else starts a private one
// (scripts/test-slurm.sh: one node of 64 CPUs on this machine).
// Rounds: one job at a time (the latency of an idle cluster), then a flood
// of N from CONCURRENCY clients (throughput, and latency under that
// backlog). submit → Running is the server's own figure (GetJobEvents: the Running
// event's time minus the Creating event's); jobs/s counts from the first
// submit to the last job's end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pct, startServer } from './common.mjs';

const N = Number(process.argv[2] || 200);
const CONCURRENCY = Number(process.argv[3] || 8);
const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.resolve(here, '../scripts/test-slurm.sh');

let ownCluster = null;
if (!process.env.SLURM_CONF) {
  ownCluster = mkdtempSync(path.join(tmpdir(), 'drover-bench-slurm-'));
  process.env.SLURM_CONF = execFileSync(script, ['start', ownCluster], { encoding: 'utf8' }).trim();
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const body = { DisplayName: 'bench', JobType: 'PyTorchJob', UserCommand: 'true',
               JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1, ResourceConfig: { CPU: '1' } }] };

async function throughDrover(args) {
  const { call, stop } = await startServer(['--cpus', '1000000', ...args], CONCURRENCY);
  const ids = [];
  const start = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      next++;
      ids.push((await call('POST', '/api/v1/jobs', body)).JobId);
    }
  }));
  for (;;) {
    const done = (await call('GET', '/api/v1/jobs?PageSize=1&Status=Succeeded,Failed')).TotalCount;
    if (done >= N) break;
    await sleep(20);
  }
  const seconds = (performance.now() - start) / 1000;
  const latencies = [];
  let failed = 0;
  for (const id of ids) {
    const { Events } = await call('GET', `/api/v1/jobs/${id}/events`);
    const at = (status) => Date.parse((Events.find((e) => e.includes(` is ${status}`)) ?? '').split(' ')[0]);
    if (Events.some((e) => e.includes(' is Failed'))) {
      failed++;
      if (failed === 1) console.log(`  first failed job: ${JSON.stringify((await call('GET', `/api/v1/jobs/${id}`)).ReasonMessage)}`);
      continue;
    }
    latencies.push(at('Running') - at('Creating'));
  }
  await stop();
  return { latencies, seconds, failed };
}

// One job at a time, each submitted once the last is Running: the latency
// of an idle cluster.
async function oneAtATime(args, n) {
  const { call, stop } = await startServer(['--cpus', '1000000', ...args], 1);
  const latencies = [];
  for (let i = 0; i < n; i++) {
    const { JobId } = await call('POST', '/api/v1/jobs', body);
    for (;;) {
      const { Events } = await call('GET', `/api/v1/jobs/${JobId}/events`);
      const running = Events.find((e) => e.includes(' is Running'));
      if (running) {
        const created = Events.find((e) => e.includes(' is Creating'));
        latencies.push(Date.parse(running.split(' ')[0]) - Date.parse(created.split(' ')[0]));
        break;
      }
      await sleep(5);
    }
  }
  await stop();
  return latencies;
}

// The same with sbatch alone: each job submitted once the last has left
// PENDING (polled every 20 ms with squeue).
async function sbatchOneAtATime(n) {
  const latencies = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const id = execFileSync('sbatch', ['--parsable', '--output=/dev/null', '--wrap=true'], { encoding: 'utf8' }).trim();
    for (;;) {
      const state = execFileSync('squeue', ['-h', '-t', 'all', '-j', id, '-o', '%T'], { encoding: 'utf8' }).trim();
      if (state && state !== 'PENDING' && state !== 'CONFIGURING') break;
      await sleep(20);
    }
    latencies.push(Math.round(performance.now() - t0));
  }
  return latencies;
}

function report(name, r) {
  console.log(name);
  console.log(`  submit → Running   p50 ${pct(r.latencies, 0.5)} ms   p99 ${pct(r.latencies, 0.99)} ms`);
  console.log(`  jobs/s             ${(N / r.seconds).toFixed(1)}   (${N} jobs in ${r.seconds.toFixed(2)} s, ${r.failed} failed)`);
}

// Slurm alone: N sbatch calls, CONCURRENCY at a time, then until squeue
// shows them all ended.
async function sbatchAlone() {
  const name = `bench-${process.pid}`;
  const start = performance.now();
  let next = 0;
  const { execFile } = await import('node:child_process');
  const run = (args) => new Promise((resolve, reject) =>
    execFile('sbatch', args, (err, out) => (err ? reject(err) : resolve(out))));
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      next++;
      await run(['--parsable', `--job-name=${name}`, '--output=/dev/null', '--wrap=true']);
    }
  }));
  for (;;) {
    const states = execFileSync('squeue', ['--me', '-h', '-t', 'all', '-n', name, '-o', '%T'], { encoding: 'utf8' })
      .trim().split('\n').filter(Boolean);
    if (states.length >= N && states.every((s) => s === 'COMPLETED' || s === 'FAILED')) break;
    await sleep(20);
  }
  return (performance.now() - start) / 1000;
}

console.log(`Slurm executor benchmark: ${N} jobs of \`true\`, ${CONCURRENCY} clients`);
try {
  for (const [name, args] of [['local', []], ['Slurm', ['--executor', 'slurm']]]) {
    const idle = await oneAtATime(args, 20);
    console.log(`drover, ${name} executor, one job at a time (20 jobs)`);
    console.log(`  submit → Running   p50 ${pct(idle, 0.5)} ms   p99 ${pct(idle, 0.99)} ms`);
  }
  const idleAlone = await sbatchOneAtATime(20);
  console.log('sbatch alone, one job at a time (20 jobs; polled every 20 ms)');
  console.log(`  submit → RUNNING   p50 ${pct(idleAlone, 0.5)} ms   p99 ${pct(idleAlone, 0.99)} ms`);
  const local = await throughDrover([]);
  report('drover, local executor', local);
  const slurm = await throughDrover(['--executor', 'slurm']);
  report('drover, Slurm executor', slurm);
  const alone = await sbatchAlone();
  console.log('sbatch alone (no Drover)');
  console.log(`  jobs/s             ${(N / alone).toFixed(1)}   (${N} jobs in ${alone.toFixed(2)} s)`);
  console.log(`Slurm executor vs sbatch alone: ${((N / slurm.seconds) / (N / alone) * 100).toFixed(0)}% of Slurm's own throughput`);
} finally {
  try { execFileSync('scancel', ['--me'], { stdio: 'ignore' }); } catch { /* none left */ }
  if (ownCluster) {
    execFileSync(script, ['remove', ownCluster], { stdio: 'ignore' });
  }
}

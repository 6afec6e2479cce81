// Runner benchmark (not a test): submits N trivial jobs (`true`) over HTTP
// and reports submit→Running latency and completed jobs per second.
//
//   node bench/runner_bench.mjs [N=1000] [CONCURRENCY=8] [RATE=200]
//
// Two rounds on one server: a flood (CONCURRENCY clients submitting as
// fast as they can: throughput, and latency under that backlog) and a paced
// round (one client submitting RATE jobs/s: latency at a sustainable rate).
// Latency is the server's own: the Running event's time minus the Creating
// event's time, both in ms from GetJobEvents. Throughput is jobs finished
// per second from the first submit to the last one's end.
import { pct, startServer } from './common.mjs';

const N = Number(process.argv[2] || 1000);
const CONCURRENCY = Number(process.argv[3] || 8);
const RATE = Number(process.argv[4] || 200);

const { call, stop } = await startServer(['--cpus', '1000000'], CONCURRENCY);

const body = { DisplayName: 'bench', JobType: 'PyTorchJob', UserCommand: 'true',
               JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1 }] };
let finishedBefore = 0;

// Submits N jobs with `clients` concurrent clients, each waiting `gapMs`
// between its submits; waits for all to end; returns the figures.
async function round(clients, gapMs) {
  const ids = [];
  const rtts = [];
  const start = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < N) {
      next++;
      const t0 = performance.now();
      ids.push((await call('POST', '/api/v1/jobs', body)).JobId);
      rtts.push(performance.now() - t0);
      if (gapMs) await new Promise((r) => setTimeout(r, Math.max(0, gapMs - (performance.now() - t0))));
    }
  }));
  let done = 0;
  while (done < finishedBefore + N) {
    done = (await call('GET', '/api/v1/jobs?PageSize=1&Status=Succeeded,Failed')).TotalCount;
    if (done < finishedBefore + N) await new Promise((r) => setTimeout(r, 5));
  }
  finishedBefore = done;
  const seconds = (performance.now() - start) / 1000;
  const latencies = [];
  let failed = 0;
  for (const id of ids) {
    const { Events } = await call('GET', `/api/v1/jobs/${id}/events`);
    const at = (status) => Date.parse(Events.find((e) => e.includes(` is ${status}`)).split(' ')[0]);
    latencies.push(at('Running') - at('Creating'));
    if (Events.some((e) => e.includes(' is Failed'))) failed++;
  }
  return { rtts, latencies, seconds, failed };
}

function report(name, r) {
  console.log(name);
  console.log(`  CreateJob round trip   p50 ${pct(r.rtts, 0.5).toFixed(1)} ms   p99 ${pct(r.rtts, 0.99).toFixed(1)} ms`);
  console.log(`  submit → Running       p50 ${pct(r.latencies, 0.5)} ms   p99 ${pct(r.latencies, 0.99)} ms   (target p50 ≤ 20 ms)`);
  console.log(`  completed jobs/s       ${(N / r.seconds).toFixed(0)}   (target ≥ 200; ${N} jobs in ${r.seconds.toFixed(2)} s, ${r.failed} failed)`);
}

console.log(`runner benchmark: ${N} jobs of \`true\` per round, over HTTP`);
report(`flood: ${CONCURRENCY} clients, no pause`, await round(CONCURRENCY, 0));
report(`paced: 1 client, ${RATE} jobs/s`, await round(1, 1000 / RATE));

await stop();

// OSS Batch Operations benchmark (not a test): how fast a job's tasks run
// over a big bucket, how soon a created job is Active, and ListJobs with
// many jobs stored.
//
//   node bench/batch_bench.mjs [OBJECTS=200000] [JOBS=20000]
//
// One PutObjectTagging job and one PutObjectAcl job over every object of
// the bucket (a KeyPrefixManifestGenerator), then JOBS jobs that wait for
// confirmation, then ListJobs pages. Raw HTTP, auth off; Release build.
import http from 'node:http';
import { pct, startServer } from './common.mjs';

const OBJECTS = Number(process.argv[2] || 200000);
const JOBS = Number(process.argv[3] || 20000);
const CONCURRENCY = 16;

const { port, stop } = await startServer([], CONCURRENCY);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const request = (method, target, body) => new Promise((resolve, reject) => {
  const data = body === undefined ? undefined : Buffer.from(body);
  const headers = data ? { 'content-length': data.length } : {};
  const req = http.request({ host: '127.0.0.1', port, method, path: target, agent, headers }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => (res.statusCode < 300 ? resolve(Buffer.concat(chunks).toString())
      : reject(new Error(`${method} ${target}: ${res.statusCode} ${Buffer.concat(chunks)}`))));
  });
  req.on('error', reject);
  req.end(data);
});
async function lanes(count, op) {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) await op(next++);
  }));
}
const tag = (xml, name) => (new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml) || [])[1];
const job = (operation, extra = '') => '<CreateJobRequest>' + extra +
  `<Operation>${operation}</Operation><Report><Enabled>false</Enabled></Report>` +
  '<KeyPrefixManifestGenerator><SourceBucket>bench</SourceBucket><Prefix>o/</Prefix>' +
  '</KeyPrefixManifestGenerator><Priority>5</Priority>' +
  '<RoleArn>acs:ram::1:role/bench</RoleArn></CreateJobRequest>';

await request('PUT', '/bench');
const t0 = performance.now();
await lanes(OBJECTS, (i) => request('PUT', `/bench/o/${String(i).padStart(8, '0')}`, ''));
const fill = (performance.now() - t0) / 1000;

async function run(name, operation) {
  const created = performance.now();
  const id = tag(await request('POST', '/?batchJob', job(operation)), 'JobId');
  let active = 0, status;
  do {
    const xml = await request('GET', `/?batchJob&batchJobId=${encodeURIComponent(id)}`);
    status = tag(xml, 'Status');
    if (!active && ['Active', 'Completing', 'Complete'].includes(status)) active = performance.now();
    if (status !== 'Complete') await new Promise((r) => setTimeout(r, 2));
    if (status === 'Complete') {
      const done = performance.now();
      const ok = Number(tag(xml, 'NumberOfTasksSucceeded'));
      console.log(`${name.padEnd(18)} ${ok} tasks: Active ${(active - created).toFixed(0)} ms after ` +
                  `CreateJob (manifest of ${OBJECTS} keys read), then ${((done - active) / 1000).toFixed(2)} s: ` +
                  `${(ok / ((done - active) / 1000)).toFixed(0)} tasks/s`);
    }
  } while (status !== 'Complete' && status !== 'Failed');
}
console.log(`Bucket of ${OBJECTS} objects (filled in ${fill.toFixed(1)} s)`);
await run('PutObjectTagging', '<PutObjectTagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></PutObjectTagging>');
await run('PutObjectAcl', '<PutObjectAcl><ObjectAcl>public-read</ObjectAcl></PutObjectAcl>');

// Start latency of a small job.
const starts = [];
for (let i = 0; i < 20; ++i) {
  const created = performance.now();
  const small = job('<DeleteObjectTagging/>').replace('<Prefix>o/</Prefix>', '<Prefix>o/00000000</Prefix>');
  const id = tag(await request('POST', '/?batchJob', small), 'JobId');
  for (;;) {
    const status = tag(await request('GET', `/?batchJob&batchJobId=${encodeURIComponent(id)}`), 'Status');
    if (['Active', 'Completing', 'Complete'].includes(status)) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  starts.push(performance.now() - created);
}
console.log(`Small job, CreateJob to Active: p50 ${pct(starts, 0.5).toFixed(1)} ms  p99 ${pct(starts, 0.99).toFixed(1)} ms`);

// Many stored jobs (waiting for confirmation), then ListJobs.
const jobsStart = performance.now();
await lanes(JOBS, () => request('POST', '/?batchJob',
  job('<DeleteObjectTagging/>', '<ConfirmationRequired>true</ConfirmationRequired>')
    .replace('<Prefix>o/</Prefix>', '<Prefix>none/</Prefix>')));
console.log(`${JOBS} jobs created in ${((performance.now() - jobsStart) / 1000).toFixed(1)} s`);
const lists = { all: [], status: [], paged: [] };
for (let i = 0; i < 200; ++i) {
  let t = performance.now();
  await request('GET', '/?batchJob&max-keys=100');
  lists.all.push(performance.now() - t);
  t = performance.now();
  await request('GET', '/?batchJob&batchJobStatuses=Complete%20|%20Failed&max-keys=100');
  lists.status.push(performance.now() - t);
}
let token = tag(await request('GET', '/?batchJob&max-keys=1000'), 'NextToken');
for (let i = 0; i < 15 && token; ++i) {
  const t = performance.now();
  token = tag(await request('GET', `/?batchJob&max-keys=1000&continuation-token=${token}`), 'NextToken');
  lists.paged.push(performance.now() - t);
}
for (const [name, l] of Object.entries(lists)) {
  console.log(`ListJobs ${name.padEnd(6)} with ${JOBS + 22} jobs: p50 ${pct(l, 0.5).toFixed(2)} ms  p99 ${pct(l, 0.99).toFixed(2)} ms`);
}
agent.destroy();
await stop();

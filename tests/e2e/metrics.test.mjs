// GET /metrics, read by a Prometheus text-format parser, with counters that
// move as the SDKs make requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import OSS from 'ali-oss';
import { Server, DlcClient, sdkError, jobBody, waitForStatus } from './harness.mjs';

let server;
let dlc;

before(async () => {
  server = await new Server(['--cpus', '4', '--memory', '8Gi', '--gpus', '2']).start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
});

after(async () => {
  await server.stop();
  server.cleanup();
});

// The parsed families by name (and the text: the parser folds a
// histogram's label sets into one, so labelled histograms are read from
// the lines); unsigned, as Prometheus scrapes.
async function scrape() {
  const response = await fetch(`http://${server.endpoint}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const families = Object.fromEntries(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  families.text = text;
  return families;
}

// A histogram sample line's value: `suffix` _count, _sum or _bucket (with le).
function line(text, name, labels) {
  const m = new RegExp(`^${name}\\{${labels.replace(/[+.]/g, '\\$&')}\\} (\\S+)$`, 'm').exec(text);
  assert.ok(m, `no ${name}{${labels}} in\n${text}`);
  return Number(m[1]);
}

// Scrapes until `ready(families)` holds: the runner publishes its gauges at
// the end of the step that changed them, a moment after the job's status.
async function scrapeWhen(ready, what) {
  let families;
  for (let i = 0; i < 500; i += 1) {
    families = await scrape();
    if (ready(families)) return families;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`/metrics never showed ${what}:\n${families.text}`);
}

// The value of the sample of `family` whose labels include `labels` (0 when none).
function value(families, name, labels = {}) {
  const family = families[name];
  if (!family) return 0;
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!sample) return 0;
  return Number(sample.value ?? sample.count);
}

test('request counters and latency histograms move with each request, by dialect, action and status', async () => {
  const before = await scrape();
  const list = { dialect: 'pai-dlc', action: 'paidlc:ListJobs', status: '200' };
  for (let i = 0; i < 3; i += 1) await dlc.listJobs();
  await sdkError(dlc.getJob('dlcnosuchjob'));
  const after = await scrape();
  assert.equal(value(after, 'drover_http_requests_total', list) - value(before, 'drover_http_requests_total', list), 3);
  assert.equal(value(after, 'drover_http_requests_total', { action: 'paidlc:GetJob', status: '404' }), 1);
  assert.equal(after.drover_http_request_duration_seconds.type, 'HISTOGRAM');
  const labels = 'dialect="pai-dlc",action="paidlc:ListJobs",status="200"';
  const count = line(after.text, 'drover_http_request_duration_seconds_count', labels);
  assert.equal(count, value(after, 'drover_http_requests_total', list));
  assert.equal(line(after.text, 'drover_http_request_duration_seconds_bucket', `${labels},le="+Inf"`), count);
  assert.ok(line(after.text, 'drover_http_request_duration_seconds_bucket', `${labels},le="10"`) <= count);
  assert.ok(line(after.text, 'drover_http_request_duration_seconds_sum', labels) > 0);
  // An unsigned request is refused and counted too.
  await fetch(`http://${server.endpoint}/api/v1/jobs`);
  const refused = await scrape();
  assert.equal(value(refused, 'drover_http_requests_total', { action: 'paidlc:ListJobs', status: '400' }) +
               value(refused, 'drover_http_requests_total', { action: 'paidlc:ListJobs', status: '401' }) +
               value(refused, 'drover_http_requests_total', { action: 'paidlc:ListJobs', status: '403' }), 1);
});

test('records by kind and status, the queue, the node and the store follow the jobs', async () => {
  const start = await scrape();
  assert.equal(value(start, 'drover_node_cpu_cores', { state: 'capacity' }), 4);
  assert.equal(value(start, 'drover_node_gpus', { state: 'capacity' }), 2);
  assert.equal(value(start, 'drover_node_memory_bytes', { state: 'capacity' }), 8 * 2 ** 30);
  const running = await dlc.createJob(jobBody({ DisplayName: 'holds-the-gpus',
    JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1, ResourceConfig: { CPU: '1', GPU: '2', Memory: '1Gi' } }] }));
  await waitForStatus(dlc, running.JobId, 'Running');
  const queued = await dlc.createJob(jobBody({ DisplayName: 'waits',
    JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1, ResourceConfig: { CPU: '1', GPU: '1', Memory: '1Gi' } }] }));
  await waitForStatus(dlc, queued.JobId, 'Queuing');

  const busy = await scrapeWhen((m) => value(m, 'drover_running_pods') === 1 && value(m, 'drover_queue_jobs') === 1,
                               'one pod running and one job queued');
  assert.equal(value(busy, 'drover_records', { kind: 'training-job', status: 'Running' }), 1);
  assert.equal(value(busy, 'drover_records', { kind: 'training-job', status: 'Queuing' }), 1);
  assert.equal(value(busy, 'drover_index_rows', { kind: 'training-job' }), 2);
  assert.ok(value(busy, 'drover_index_memory_bytes', { kind: 'training-job' }) >
            value(start, 'drover_index_memory_bytes', { kind: 'training-job' }));
  assert.equal(value(busy, 'drover_queue_jobs'), 1);
  assert.equal(value(busy, 'drover_running_jobs'), 1);
  assert.equal(value(busy, 'drover_running_pods'), 1);
  assert.equal(value(busy, 'drover_node_gpus', { state: 'free' }), 0);
  assert.equal(value(busy, 'drover_node_gpus', { state: 'allocated' }), 2);
  assert.equal(value(busy, 'drover_node_memory_bytes', { state: 'allocated' }), 2 ** 30);
  assert.equal(value(busy, 'drover_node_cpu_cores', { state: 'free' }), 3);
  assert.ok(value(busy, 'drover_store_batches_total') > value(start, 'drover_store_batches_total'));
  assert.ok(value(busy, 'drover_store_commit_groups_total') >= 1);
  assert.ok(Number(busy.drover_store_commit_duration_seconds.metrics[0].count) >= 1);
  // SQLite's commits share an fsync of the WAL; PostgreSQL's commit is durable by itself.
  const fsyncs = Number(busy.drover_store_fsync_duration_seconds.metrics[0].count);
  if (server.storeUrl) assert.equal(fsyncs, 0); else assert.ok(fsyncs >= 1);
  assert.ok(value(busy, 'process_resident_memory_bytes') > 1e6);

  // A bucket and an object: the OSS dialect's own counters.
  const oss = new OSS({ endpoint: `http://${server.endpoint}`, region: 'oss-cn-hangzhou',
                        accessKeyId: server.adminKey.AccessKeyId, accessKeySecret: server.adminKey.AccessKeySecret,
                        bucket: 'metrics-bucket' });
  await oss.putBucket('metrics-bucket');
  await oss.put('a.txt', Buffer.from('hello'));
  const stored = await scrape();
  assert.equal(value(stored, 'drover_http_requests_total', { dialect: 'oss', action: 'oss:PutObject', status: '200' }), 1);

  await dlc.stopJob(running.JobId);
  await waitForStatus(dlc, queued.JobId, 'Running');
  const after = await scrapeWhen((m) => value(m, 'drover_queue_jobs') === 0, 'the queue empty');
  assert.equal(value(after, 'drover_records', { kind: 'training-job', status: 'Stopped' }), 1);
  await dlc.stopJob(queued.JobId);
});

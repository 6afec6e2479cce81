// OSS object storage benchmark (not a test): durable small-object PUTs,
// GETs and tagging updates per second with concurrent clients, and
// ListObjectsV2 page by page over a large bucket — beside the physical
// floor measured in the same run on the same disk: plain 4 KB file writes
// made durable as a put must be (write, fsync the file, fsync its
// directory), by as many concurrent writers.
//
//   node bench/oss_bench.mjs [OBJECTS=100000] [CONCURRENCY=16]
//
// Clients send bare HTTP over keep-alive sockets (auth off, no node http
// module: bench/common.mjs RawConnection), so client-side work competes as
// little as it can for the 2 CPUs; the server is the Release build.
process.env.UV_THREADPOOL_SIZE ||= '64';  // before the first fs call
const { pct, startServer, RawConnection } = await import('./common.mjs');
const http = await import('node:http');
const fs = await import('node:fs/promises');
const { mkdtempSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const path = await import('node:path');
const crypto = await import('node:crypto');

const OBJECTS = Number(process.argv[2] || 100000);
const CONCURRENCY = Number(process.argv[3] || 16);
const SMALL = 20000;  // objects timed in each small-object phase
const body = crypto.randomBytes(4096);

// Runs `count` operations on CONCURRENCY lanes (op(i, lane)); returns
// per-second and latencies.
async function lanes(count, op) {
  const latencies = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, lane) => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      await op(i, lane);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: count / seconds, latencies };
}
const show = (name, r) => console.log(`${name.padEnd(34)} ${r.perSecond.toFixed(0).padStart(7)}/s  ` +
  `p50 ${pct(r.latencies, 0.5).toFixed(2)} ms  p99 ${pct(r.latencies, 0.99).toFixed(2)} ms`);

// ---- The floor: durable 4 KB file writes, as many at once.
const floorDir = mkdtempSync(path.join(tmpdir(), 'drover-floor-'));
await Promise.all([...Array(256).keys()].map((i) => fs.mkdir(path.join(floorDir, String(i)))));
const floor = await lanes(SMALL, async (i) => {
  const dir = path.join(floorDir, String(i % 256));
  const file = await fs.open(path.join(dir, `f${i}`), 'wx');
  await file.write(body);
  await file.sync();
  await file.close();
  const d = await fs.open(dir, 'r');
  await d.sync();
  await d.close();
});
rmSync(floorDir, { recursive: true, force: true });

// ---- The server.
const { port, stop } = await startServer([], CONCURRENCY);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const request = (method, target, data, headers = {}) => new Promise((resolve, reject) => {
  const h = data ? { 'content-length': data.length, ...headers } : headers;
  const req = http.request({ host: '127.0.0.1', port, method, path: target, agent, headers: h }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => (res.statusCode < 300 ? resolve(Buffer.concat(chunks))
      : reject(new Error(`${method} ${target}: ${res.statusCode} ${Buffer.concat(chunks)}`))));
  });
  req.on('error', reject);
  req.end(data);
});
await request('PUT', '/bench');
const connections = await Promise.all(Array.from({ length: CONCURRENCY }, () => RawConnection.open(port)));
const raw = async (lane, method, target, data) => {
  const r = await connections[lane].request(method, target, data);
  if (r.status >= 300) throw new Error(`${method} ${target}: ${r.status} ${r.body}`);
  return r.body;
};
const put = await lanes(SMALL, (i, lane) => raw(lane, 'PUT', `/bench/small/${i}`, body));
const get = await lanes(SMALL, async (i, lane) => {
  if ((await raw(lane, 'GET', `/bench/small/${i}`)).length !== body.length) throw new Error('short GET');
});
const tagging = Buffer.from('<Tagging><TagSet><Tag><Key>state</Key><Value>seen</Value></Tag></TagSet></Tagging>');
const tag = await lanes(SMALL, (i, lane) => raw(lane, 'PUT', `/bench/small/${i}?tagging`, tagging));

// ---- A big bucket: empty objects under 1,000 prefixes, then every page.
const fillStart = performance.now();
const filled = OBJECTS - SMALL;
await lanes(filled, (i, lane) => raw(lane, 'PUT', `/bench/big/p${String(i % 1000).padStart(4, '0')}/o${i}`, null));
const fillSeconds = (performance.now() - fillStart) / 1000;
const pages = [];
let token = '';
let listed = 0;
do {
  const t = performance.now();
  const xml = (await raw(0, 'GET', `/bench?list-type=2&max-keys=1000${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`)).toString();
  pages.push(performance.now() - t);
  listed += (xml.match(/<Key>/g) || []).length;
  token = (/<NextContinuationToken>([^<]*)</.exec(xml) || [])[1] || '';
} while (token);
const delimited = [];
for (let i = 0; i < 200; ++i) {
  const t = performance.now();
  await raw(0, 'GET', `/bench?list-type=2&prefix=big/p${String(i * 5).padStart(4, '0')}/&max-keys=100`);
  delimited.push(performance.now() - t);
}
const folded = [];
for (let i = 0; i < 20; ++i) {
  const t = performance.now();
  await raw(0, 'GET', '/bench?list-type=2&prefix=big/&delimiter=/&max-keys=1000');
  folded.push(performance.now() - t);
}
for (const c of connections) c.close();
await stop();

console.log(`OSS objects, ${CONCURRENCY} clients, 4 KB bodies, ${SMALL} each:`);
show('floor: 4 KB file + fsync + dir fsync', floor);
show('PutObject (durable)', put);
show('GetObject', get);
show('PutObjectTagging (durable)', tag);
console.log(`PutObject/floor ${(put.perSecond / floor.perSecond).toFixed(2)}x`);
console.log(`Bucket of ${OBJECTS} objects (filled at ${(filled / fillSeconds).toFixed(0)}/s empty puts):`);
console.log(`  ListObjectsV2 1000 keys, every page (${pages.length}, ${listed} keys): ` +
            `p50 ${pct(pages, 0.5).toFixed(2)} ms  p99 ${pct(pages, 0.99).toFixed(2)} ms`);
console.log(`  ListObjectsV2 prefix (100 keys):  p50 ${pct(delimited, 0.5).toFixed(2)} ms  p99 ${pct(delimited, 0.99).toFixed(2)} ms`);
console.log(`  ListObjectsV2 delimiter (1000 common prefixes): p50 ${pct(folded, 0.5).toFixed(2)} ms  p99 ${pct(folded, 0.99).toFixed(2)} ms`);

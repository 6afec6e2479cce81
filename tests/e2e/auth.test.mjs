// Authentication and authorization with the vendors' own SDK signatures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import HuaweiSigner from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { Server, DlcClient, createKey as createKeyIn, ModelArtsClient, sdkError, modelArtsError, jobBody, droverBin, waitForStatus, BIG_NODE } from './harness.mjs';

let server;
let admin;

// `drover keys create` against the running server's data dir.
const createKey = (...args) => createKeyIn(server, ...args);

before(async () => {
  server = await new Server(BIG_NODE).start();
  admin = new DlcClient(server.endpoint, server.adminKey);
});

after(async () => {
  await server.stop();
  server.cleanup();
});

// A proxy in front of the server that changes each request after the SDK
// signed it: `tamper({url, body})` returns the new {url, body}.
async function tamperingProxy(tamper) {
  const proxy = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const changed = tamper({ url: req.url, body });
      const headers = { ...req.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = Buffer.byteLength(changed.body);
      const out = http.request({ host: '127.0.0.1', port: server.port, method: req.method, path: changed.url, headers },
                               (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); });
      out.end(changed.body);
    });
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  return proxy;
}

test('the admin key from first start works with ACS3 (default) and ROA HMAC-SHA1 signing', async () => {
  assert.match(server.adminKey.AccessKeyId, /^LTAI/);
  assert.equal(server.log.includes(server.adminKey.AccessKeySecret), false, 'the log never shows the secret');
  assert.equal((await admin.listJobs()).TotalCount >= 0, true);
  const roa = new DlcClient(server.endpoint, server.adminKey, { signatureAlgorithm: 'v2' });
  const { JobId } = await roa.createJob(jobBody({ DisplayName: 'signed-roa', UserCommand: 'true' }));
  assert.equal((await roa.getJob(JobId)).DisplayName, 'signed-roa');
});

test('refusals: no signature, wrong secret, unknown key, expired date, replayed nonce', async () => {
  const unsigned = await fetch(`http://${server.endpoint}/api/v1/jobs`);
  assert.equal(unsigned.status, 400);
  assert.equal((await unsigned.json()).Code, 'IncompleteSignature');

  const wrong = await sdkError(new DlcClient(server.endpoint, { ...server.adminKey, AccessKeySecret: 'nope' }).listJobs());
  assert.equal(wrong.code, 'SignatureDoesNotMatch');
  assert.equal(wrong.statusCode, 400);
  assert.equal(JSON.stringify(wrong.data).includes(server.adminKey.AccessKeySecret), false);

  const unknown = await sdkError(new DlcClient(server.endpoint, { AccessKeyId: 'LTAInobody', AccessKeySecret: 'x' }).listJobs());
  assert.equal(unknown.code, 'InvalidAccessKeyId.NotFound');
  assert.equal(unknown.statusCode, 404);

  const old = await sdkError(admin.call('ListJobs', 'GET', '/api/v1/jobs', { headers: { 'x-acs-date': '2020-01-01T00:00:00Z' } }));
  assert.equal(old.code, 'InvalidTimeStamp.Expired');

  const nonce = { 'x-acs-signature-nonce': `fixed-${Date.now()}` };
  await admin.call('ListJobs', 'GET', '/api/v1/jobs', { headers: nonce });
  const replay = await sdkError(admin.call('ListJobs', 'GET', '/api/v1/jobs', { headers: nonce }));
  assert.equal(replay.code, 'SignatureNonceUsed');

  const roaWrong = await sdkError(new DlcClient(server.endpoint, { ...server.adminKey, AccessKeySecret: 'nope' },
                                                { signatureAlgorithm: 'v2' }).listJobs());
  assert.equal(roaWrong.code, 'SignatureDoesNotMatch');
});

test('a request changed after signing is refused: query, path, body', async () => {
  const cases = [
    ({ url, body }) => ({ url: url.replace('PageSize=5', 'PageSize=6'), body }),
    ({ url, body }) => ({ url: url.replace('/api/v1/jobs', '/api/v1/jobs/dlc0000000000000'), body }),
    ({ url, body }) => ({ url, body: body.replace('tamper-me', 'tampered') }),
  ];
  const before = (await admin.listJobs({ PageSize: 1 })).TotalCount;
  for (const [i, tamper] of cases.entries()) {
    const proxy = await tamperingProxy(tamper);
    const via = new DlcClient(`127.0.0.1:${proxy.address().port}`, server.adminKey);
    const call = i === 2 ? via.createJob(jobBody({ DisplayName: 'tamper-me', UserCommand: 'true' }))
                         : via.listJobs({ PageSize: 5 });
    const err = await sdkError(call);
    assert.equal(err.code, 'SignatureDoesNotMatch', `case ${i}`);
    proxy.close();
  }
  // An untouched request through the same proxy passes.
  const proxy = await tamperingProxy((x) => x);
  await new DlcClient(`127.0.0.1:${proxy.address().port}`, server.adminKey).listJobs({ PageSize: 5 });
  proxy.close();
  assert.equal((await admin.listJobs({ PageSize: 1 })).TotalCount, before, 'nothing was created');
});

test('tenants never see each other: list, get, stop, delete by id are refused and totals unaffected', async () => {
  const a = new DlcClient(server.endpoint, createKey('--tenant', 'tenant-a', '--user', 'alice', '--admin'));
  const b = new DlcClient(server.endpoint, createKey('--tenant', 'tenant-b', '--user', 'bob', '--admin'));
  const { JobId } = await b.createJob(jobBody({ DisplayName: 'tenant-b-job' }));
  await waitForStatus(b, JobId, 'Running');
  const totalA = (await a.listJobs()).TotalCount;
  assert.equal((await a.listJobs({ JobId })).TotalCount, 0);
  assert.equal((await a.listJobs({ DisplayName: 'tenant-b-job' })).TotalCount, 0);
  for (const call of [() => a.getJob(JobId), () => a.stopJob(JobId), () => a.deleteJob(JobId),
                      () => a.updateJob(JobId, { Priority: 9 }), () => a.getJobEvents(JobId)]) {
    const err = await sdkError(call());
    assert.equal(err.statusCode, 404);
  }
  assert.equal((await b.getJob(JobId)).Status, 'Running', 'untouched');
  assert.equal((await b.getJob(JobId)).Priority, 1);
  assert.equal((await a.listJobs()).TotalCount, totalA);
  await b.stopJob(JobId);
});

test('PRIVATE and PUBLIC jobs across two members of one workspace; only owners and admins change them', async () => {
  const carol = new DlcClient(server.endpoint, createKey('--tenant', 'team', '--user', 'carol', '--workspace', 'ws1'));
  const dave = new DlcClient(server.endpoint, createKey('--tenant', 'team', '--user', 'dave', '--workspace', 'ws1'));
  const boss = new DlcClient(server.endpoint, createKey('--tenant', 'team', '--user', 'erin', '--workspace', 'ws1:admin'));
  const priv = (await carol.createJob(jobBody({ DisplayName: 'carol-private', WorkspaceId: 'ws1' }))).JobId;
  const pub = (await carol.createJob(jobBody({ DisplayName: 'carol-public', WorkspaceId: 'ws1', Accessibility: 'PUBLIC' }))).JobId;

  assert.deepEqual((await carol.listJobs()).Jobs.map((j) => j.DisplayName).sort(), ['carol-private', 'carol-public']);
  const daveSees = await dave.listJobs();
  assert.deepEqual(daveSees.Jobs.map((j) => j.DisplayName), ['carol-public']);
  assert.equal(daveSees.TotalCount, 1);
  assert.equal((await sdkError(dave.getJob(priv))).statusCode, 404);
  assert.equal((await dave.getJob(pub)).DisplayName, 'carol-public');
  const denied = await sdkError(dave.stopJob(pub));
  assert.equal(denied.code, 'Forbidden.RAM');
  assert.equal(denied.statusCode, 403);
  assert.equal((await boss.listJobs()).TotalCount, 2, 'a workspace admin sees every job of it');
  assert.equal((await dave.listJobs({ ShowOwn: true })).TotalCount, 0);
  const outside = await sdkError(dave.createJob(jobBody({ DisplayName: 'elsewhere', WorkspaceId: 'ws2' })));
  assert.equal(outside.code, 'Forbidden.RAM');

  await boss.stopJob(priv);
  await carol.stopJob(pub);
  await waitForStatus(carol, priv, 'Stopped');
  await waitForStatus(carol, pub, 'Stopped');
});

test('a read-only key lists and gets but may not create or stop', async () => {
  const reader = new DlcClient(server.endpoint, createKey('--user', 'reader', '--read-only', '--workspace', '1'));
  await reader.listJobs();
  const err = await sdkError(reader.createJob(jobBody({ DisplayName: 'not-allowed' })));
  assert.equal(err.code, 'Forbidden.RAM');
});

test('keys list and revoke: a revoked key is refused', async () => {
  const key = createKey('--user', 'temp', '--workspace', '1');
  const client = new DlcClient(server.endpoint, key);
  await client.listJobs();
  const listed = execFileSync(droverBin, ['keys', 'list', ...server.storeFlags]).toString();
  assert.ok(listed.includes(key.AccessKeyId));
  assert.ok(!listed.includes(key.AccessKeySecret), 'list never shows secrets');
  execFileSync(droverBin, ['keys', 'revoke', ...server.storeFlags, key.AccessKeyId]);
  assert.equal((await sdkError(client.listJobs())).code, 'InvalidAccessKeyId.NotFound');
});

test('ModelArts: the SDK signature is verified and the URL project must be the key tenant', async () => {
  const ma = new ModelArtsClient(server.endpoint, server.adminKey);
  assert.equal((await ma.list({})).is_success, true);
  const wrongSecret = await modelArtsError(new ModelArtsClient(server.endpoint, { ...server.adminKey, AccessKeySecret: 'x' }).list({}));
  assert.equal(wrongSecret.status, 401);
  assert.equal(wrongSecret.code, 'APIGW.0301');
  const otherProject = await modelArtsError(new ModelArtsClient(server.endpoint, server.adminKey, 'someone-else').list({}));
  assert.equal(otherProject.status, 403);
  assert.equal(otherProject.code, 'ModelArts.0210');
  const raw = await new ModelArtsClient(server.endpoint, { ...server.adminKey, AccessKeySecret: 'x' })
    .raw('GET', '/training-jobs');
  const body = await raw.json();
  assert.equal(body.error_code, 'APIGW.0301');
  assert.match(body.error_msg, /Incorrect IAM authentication information/);
});

test('one signature scheme per vendor; strays get OSS\'s answer; every request is logged with its id', async () => {
  // A Huawei-signed request on a PAI path is not a signature PAI accepts.
  const ma = new ModelArtsClient(server.endpoint, server.adminKey);
  const full = `http://${server.endpoint}/api/v1/jobs`;
  const signed = await ma.raw('GET', '/training-jobs');  // proves the key signs for ModelArts
  assert.equal(signed.status, 200);
  const headers = HuaweiSigner.AKSKSigner.sign({ endpoint: full, method: 'GET', headers: {}, queryParams: {} }, ma.cred);
  delete headers.host;
  const foreign = await fetch(full, { headers });
  assert.equal(foreign.status, 400);
  assert.equal((await foreign.json()).Code, 'IncompleteSignature');

  // The root is OSS's (path-style buckets): a stray path is a bucket to
  // OSS, and an unsigned request for it is refused in OSS's XML.
  const stray = await fetch(`http://${server.endpoint}/favicon.ico`);
  assert.equal(stray.status, 403);
  const xml = await stray.text();
  assert.match(xml, /<Code>AccessDenied<\/Code>/);
  const ossId = /<RequestId>([0-9A-F]{24})<\/RequestId>/.exec(xml)[1];
  assert.equal(stray.headers.get('x-oss-request-id'), ossId);
  assert.equal(stray.headers.get('x-request-id').replaceAll('-', '').slice(0, 24), ossId);

  const unsigned = await fetch(`http://${server.endpoint}/api/v1/jobs?PageSize=1`);
  const refused = await unsigned.json();
  const listed = await admin.listJobs({ PageSize: 1 });
  // stdout is read as the server writes it; give the pipe a moment.
  for (let i = 0; i < 100 && !server.log.includes(listed.RequestId); i++) await new Promise((r) => setTimeout(r, 10));
  const lines = server.log.split('\n');
  const access = lines.find((l) => l.includes(`[req ${listed.RequestId}] access`));
  assert.match(access, /\[info\] \[req [0-9A-F-]{36}\] access pai-dlc paidlc:ListJobs local\/admin GET \/api\/v1\/jobs 200 \d+us$/);
  const why = lines.find((l) => l.includes(`[req ${refused.RequestId}] auth: refused (MissingCredential)`));
  assert.ok(why, `no refusal line for ${refused.RequestId}`);
  assert.ok(lines.some((l) => l.includes(`[req ${refused.RequestId}] access pai-dlc paidlc:ListJobs - GET /api/v1/jobs 400`)));
});

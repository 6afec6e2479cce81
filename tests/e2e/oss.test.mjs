// OSS object storage through ali-oss (npm, unchanged): buckets, objects,
// ranges, tagging, ACLs, multipart, restore, both signature versions, the
// three addressing styles and presigned URLs, and OSS's errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import crypto from 'node:crypto';
import { writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OSS from 'ali-oss';
import { Server, createKey } from './harness.mjs';

let server, key, other;
const work = mkdtempSync(path.join(tmpdir(), 'drover-oss-'));

before(async () => {
  server = await new Server(['--oss-restore-seconds', '1', '--oss-restore-day-seconds', '2'])
    .start();
  key = server.adminKey;
  other = createKey(server, '--tenant', 'other', '--user', 'eve', '--admin');
});
after(async () => {
  await server.stop();
  server.cleanup();
  rmSync(work, { recursive: true, force: true });
});

// Every request resolves to the server, whatever host name the SDK puts
// in the URL (<bucket>.localhost).
const agent = new http.Agent({ keepAlive: true, lookup: (host, opts, cb) =>
  opts && opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4) });

function client(bucket, extra = {}, k = key) {
  return new OSS({ endpoint: `http://${server.endpoint}`, region: 'oss-cn-hangzhou',
                   accessKeyId: k.AccessKeyId, accessKeySecret: k.AccessKeySecret,
                   bucket, secure: false, timeout: 30000, ...extra });
}
// The three addressing styles ali-oss has: IP endpoint (bucket in the Host
// header), path style, and a host name (<bucket>.localhost:port).
const styles = {
  ip: (bucket, extra = {}) => client(bucket, extra),
  path: (bucket, extra = {}) => client(bucket, { sldEnable: true, ...extra }),
  host: (bucket, extra = {}) => client(bucket, { endpoint: `http://localhost:${server.port}`,
                                                 agent, ...extra }),
};

async function ossError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected an OSS error');
}

let n = 0;
const fresh = () => `b-${process.pid}-${++n}`;

test('buckets: create, list, info, ACL, delete refused while not empty', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name, { StorageClass: 'IA', acl: 'public-read' });
  const info = await c.getBucketInfo(name);
  assert.equal(info.bucket.Name, name);
  assert.equal(info.bucket.StorageClass, 'IA');
  assert.equal(info.bucket.AccessControlList.Grant, 'public-read');
  await c.putBucketACL(name, 'private');
  assert.equal((await c.getBucketACL(name)).acl, 'private');
  const listed = await c.listBuckets({ prefix: name });
  assert.deepEqual(listed.buckets.map((b) => b.name), [name]);
  assert.equal(listed.buckets[0].storageClass, 'IA');
  const taken = await ossError(c.putBucket(name));
  assert.equal(taken.code, 'BucketAlreadyExists');
  assert.equal(taken.status, 409);
  await c.put('k', Buffer.from('x'));
  const busy = await ossError(c.deleteBucket(name));
  assert.equal(busy.code, 'BucketNotEmpty');
  await c.delete('k');
  await c.deleteBucket(name);
  const gone = await ossError(c.getBucketInfo(name));
  assert.equal(gone.code, 'NoSuchBucket');
  assert.equal(gone.status, 404);
  assert.match(gone.requestId, /^[0-9A-F]{24}$/);
  // ali-oss checks names itself; the server checks them too.
  const bad = await ossError(c.request({ method: 'PUT', bucket: 'Bad_Name', successStatuses: [200] }));
  assert.equal(bad.code, 'InvalidBucketName');
  assert.equal(bad.status, 400);
});

for (const [style, make] of Object.entries(styles)) {
  for (const v4 of [false, true]) {
    test(`objects through ${style} addressing, signature ${v4 ? 'V4' : 'V1'}`, async () => {
      const name = fresh();
      const c = make(name, v4 ? { authorizationV4: true } : {});
      await c.putBucket(name);
      const body = Buffer.from('hello, drover 你好');
      const put = await c.put('dir/a b+c.txt', body, {
        headers: { 'x-oss-meta-owner': 'ann', 'Content-Type': 'text/plain' } });
      const md5 = crypto.createHash('md5').update(body).digest('hex').toUpperCase();
      assert.equal(put.res.headers.etag, `"${md5}"`);
      const got = await c.get('dir/a b+c.txt');
      assert.deepEqual(got.content, body);
      assert.equal(got.res.headers['content-type'], 'text/plain');
      const head = await c.head('dir/a b+c.txt');
      assert.equal(head.meta.owner, 'ann');
      assert.equal(Number(head.res.headers['content-length']), body.length);
      const listed = await c.listV2({ prefix: 'dir/' });
      assert.deepEqual(listed.objects.map((o) => o.name), ['dir/a b+c.txt']);
      assert.equal(listed.objects[0].size, body.length);
      await c.delete('dir/a b+c.txt');
      const missing = await ossError(c.get('dir/a b+c.txt'));
      assert.equal(missing.code, 'NoSuchKey');
      await c.deleteBucket(name);
    });
  }
}

test('GetObject: ranges, conditional headers and response-* overrides', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  const body = Buffer.from('0123456789');
  const { res } = await c.put('r', body);
  const etag = res.headers.etag;
  assert.equal((await c.get('r', { headers: { Range: 'bytes=2-5' } })).content.toString(), '2345');
  const tail = await c.get('r', { headers: { Range: 'bytes=-3' } });
  assert.equal(tail.content.toString(), '789');
  assert.equal(tail.res.status, 206);
  assert.equal(tail.res.headers['content-range'], 'bytes 7-9/10');
  // An unsatisfiable range: the whole object, as OSS does by default.
  assert.equal((await c.get('r', { headers: { Range: 'bytes=20-30' } })).content.toString(),
               '0123456789');
  const notModified = await c.get('r', { headers: { 'If-None-Match': etag } });
  assert.equal(notModified.res.status, 304);
  const failed = await ossError(c.get('r', { headers: { 'If-Match': '"0000"' } }));
  assert.equal(failed.status, 412);
  const renamed = await c.get('r', { subres: { 'response-content-type': 'text/csv',
                                               'response-content-disposition': 'attachment' } });
  assert.equal(renamed.res.headers['content-type'], 'text/csv');
  assert.equal(renamed.res.headers['content-disposition'], 'attachment');
});

test('PutObject checks Content-MD5, and ListObjects pages with delimiter and markers', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  const digest = await ossError(c.put('x', Buffer.from('abc'),
                                      { headers: { 'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==' } }));
  assert.equal(digest.code, 'InvalidDigest');
  // HEAD has no body: ali-oss reads the error from x-oss-err.
  const head = await ossError(c.head('x'));
  assert.equal(head.status, 404);
  assert.equal(head.code, 'NoSuchKey');
  const keys = ['a/1', 'a/2', 'b/1', 'c', 'd/x/y', 'e'];
  for (const k of keys) await c.put(k, Buffer.from(k));
  const top = await c.list({ delimiter: '/', 'max-keys': 3 });
  assert.deepEqual(top.prefixes, ['a/', 'b/']);
  assert.deepEqual(top.objects.map((o) => o.name), ['c']);
  assert.equal(top.isTruncated, true);
  const rest = await c.list({ delimiter: '/', marker: top.nextMarker });
  assert.deepEqual(rest.prefixes, ['d/']);
  assert.deepEqual(rest.objects.map((o) => o.name), ['e']);
  const seen = [];
  let token;
  do {
    const page = await c.listV2({ 'max-keys': 2, 'continuation-token': token });
    seen.push(...page.objects.map((o) => o.name));
    token = page.nextContinuationToken;
  } while (token);
  assert.deepEqual(seen, keys);
  const tooMany = await ossError(c.list({ 'max-keys': 1001 }));
  assert.equal(tooMany.code, 'InvalidArgument');
  const deleted = await c.deleteMulti(['a/1', 'a/2', 'nope'], { quiet: false });
  assert.deepEqual(deleted.deleted.map((d) => d.Key).sort(), ['a/1', 'a/2', 'nope']);
  assert.deepEqual((await c.list({ prefix: 'a/' })).objects ?? [], []);
});

test('copy, append and object ACLs', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  await c.put('src', Buffer.from('source'), { headers: { 'x-oss-meta-a': '1' } });
  await c.copy('dst', 'src');
  assert.equal((await c.get('dst')).content.toString(), 'source');
  assert.equal((await c.head('dst')).meta.a, '1');
  await c.copy('src', 'src', { meta: { b: '2' } });
  const replaced = await c.head('src');
  assert.equal(replaced.meta.b, '2');
  assert.equal(replaced.meta.a, undefined);
  const first = await c.append('log', Buffer.from('one,'));
  assert.equal(first.nextAppendPosition, '4');
  await c.append('log', Buffer.from('two'), { position: first.nextAppendPosition });
  assert.equal((await c.get('log')).content.toString(), 'one,two');
  const stale = await ossError(c.append('log', Buffer.from('x'), { position: 1 }));
  assert.equal(stale.code, 'PositionNotEqualToLength');
  const notAppendable = await ossError(c.append('src', Buffer.from('x'), { position: 6 }));
  assert.equal(notAppendable.code, 'ObjectNotAppendable');
  await c.putACL('src', 'public-read');
  assert.equal((await c.getACL('src')).acl, 'public-read');
  // Public-read objects can be read unsigned; private ones cannot.
  const open = await fetch(`http://${server.endpoint}/${name}/src`);
  assert.equal(open.status, 200);
  assert.equal(await open.text(), 'source');
  const closed = await fetch(`http://${server.endpoint}/${name}/dst`);
  assert.equal(closed.status, 403);
  assert.match(await closed.text(), /<Code>AccessDenied<\/Code>/);
});

test('tagging with OSS limits; changing tags leaves Last-Modified alone', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  await c.put('t', Buffer.from('x'), { headers: { 'x-oss-tagging': 'a=1&b=2' } });
  assert.deepEqual((await c.getObjectTagging('t')).tag, { a: '1', b: '2' });
  const before = (await c.head('t')).res.headers['last-modified'];
  await new Promise((r) => setTimeout(r, 1100));
  await c.putObjectTagging('t', { k: 'v' });
  assert.deepEqual((await c.getObjectTagging('t')).tag, { k: 'v' });
  assert.equal((await c.head('t')).res.headers['last-modified'], before);
  const eleven = Object.fromEntries([...Array(11).keys()].map((i) => [`k${i}`, 'v']));
  // ali-oss checks the count itself; send the XML by hand through the
  // SDK's request path to see the server refuse it.
  const tooMany = await ossError(c.request({ method: 'PUT', bucket: name, object: 't',
    subres: 'tagging', content: Buffer.from('<Tagging><TagSet>' + Object.keys(eleven)
      .map((k) => `<Tag><Key>${k}</Key><Value>v</Value></Tag>`).join('') + '</TagSet></Tagging>'),
    successStatuses: [200] }));
  assert.equal(tooMany.code, 'InvalidArgument');
  const longKey = await ossError(c.request({ method: 'PUT', bucket: name, object: 't',
    subres: 'tagging', content: Buffer.from(`<Tagging><TagSet><Tag><Key>${'k'.repeat(129)}</Key>` +
      '<Value>v</Value></Tag></TagSet></Tagging>'), successStatuses: [200] }));
  assert.equal(longKey.code, 'InvalidArgument');
  assert.deepEqual((await c.getObjectTagging('t')).tag, { k: 'v' });
  await c.deleteObjectTagging('t');
  assert.deepEqual((await c.getObjectTagging('t')).tag, {});
});

test('multipart upload of a 50 MB file', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  const file = path.join(work, 'big.bin');
  const data = crypto.randomBytes(50 * 1024 * 1024);
  writeFileSync(file, data);
  const result = await c.multipartUpload('big.bin', file, { partSize: 5 * 1024 * 1024,
                                                             parallel: 4 });
  assert.match(result.res.headers.etag ?? result.etag, /^"[0-9A-F]{32}-10"$/);
  const head = await c.head('big.bin');
  assert.equal(Number(head.res.headers['content-length']), data.length);
  assert.equal(head.res.headers['x-oss-object-type'], 'Multipart');
  const out = path.join(work, 'back.bin');
  await c.get('big.bin', out);
  assert.ok(readFileSync(out).equals(data));
  // An upload aborted halfway leaves nothing.
  const init = await c.initMultipartUpload('half');
  await c.uploadPart('half', init.uploadId, 1, file, 0, 200 * 1024);
  assert.equal((await c.listUploads({})).uploads.length, 1);
  // One <Part> comes back from ali-oss as an object, not a list.
  const parts = [].concat((await c.listParts('half', init.uploadId)).parts);
  assert.deepEqual(parts.map((p) => Number(p.PartNumber)), [1]);
  assert.equal(Number(parts[0].Size), 200 * 1024);
  await c.abortMultipartUpload('half', init.uploadId);
  assert.equal((await c.listUploads({})).uploads.length, 0);
  const gone = await ossError(c.listParts('half', init.uploadId));
  assert.equal(gone.code, 'NoSuchUpload');
});

test('archived objects: InvalidObjectState until restored, then frozen again', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  await c.put('cold', Buffer.from('ice'), { headers: { 'x-oss-storage-class': 'Archive' } });
  const frozen = await ossError(c.get('cold'));
  assert.equal(frozen.code, 'InvalidObjectState');
  assert.equal(frozen.status, 403);
  const started = await c.restore('cold');
  assert.equal(started.res.status, 202);
  const again = await ossError(c.restore('cold'));
  assert.equal(again.code, 'RestoreAlreadyInProgress');
  assert.equal((await c.head('cold')).res.headers['x-oss-restore'], 'ongoing-request="true"');
  let head;
  do {
    await new Promise((r) => setTimeout(r, 200));
    head = await c.head('cold');
  } while (head.res.headers['x-oss-restore'] === 'ongoing-request="true"');
  assert.match(head.res.headers['x-oss-restore'], /^ongoing-request="false", expiry-date="/);
  assert.equal((await c.get('cold')).content.toString(), 'ice');
  // A restore of a restored object extends it with 200, which ali-oss
  // (expecting only 202) reports as an error carrying that status.
  const extended = await ossError(c.restore('cold'));
  assert.equal(extended.status, 200);
  // One "day" is two seconds here: the copy expires and the object is
  // frozen again.
  let state;
  do {
    await new Promise((r) => setTimeout(r, 250));
    state = await c.get('cold').then(() => 'readable', (e) => e.code);
  } while (state === 'readable');
  assert.equal(state, 'InvalidObjectState');
  const standard = await ossError((await c.put('warm', Buffer.from('x'))) && c.restore('warm'));
  assert.equal(standard.code, 'OperationNotSupported');
});

test('presigned URLs, V1 and V4', async () => {
  const name = fresh();
  const c = styles.path(name, { endpoint: `http://localhost:${server.port}` });
  await c.putBucket(name);
  await c.put('p', Buffer.from('presigned'));
  for (const url of [c.signatureUrl('p', { expires: 60 }),
                     await c.signatureUrlV4('GET', 60, undefined, 'p')]) {
    const ok = await fetch(url.replace('localhost', '127.0.0.1'));
    assert.equal(ok.status, 200, url);
    assert.equal(await ok.text(), 'presigned');
    const tampered = await fetch(url.replace('localhost', '127.0.0.1').replace('/p?', '/q?'));
    assert.equal(tampered.status, 403);
  }
  const expired = c.signatureUrl('p', { expires: -10 });
  const res = await fetch(expired.replace('localhost', '127.0.0.1'));
  assert.equal(res.status, 403);
  assert.match(await res.text(), /<Message>Request has expired.<\/Message>/);
});

test('bad signatures and keys are refused in OSS form, changing nothing', async () => {
  const name = fresh();
  const c = client(name);
  await c.putBucket(name);
  const wrong = client(name, { accessKeySecret: 'not-the-secret' });
  const mismatch = await ossError(wrong.put('w', Buffer.from('x')));
  assert.equal(mismatch.code, 'SignatureDoesNotMatch');
  assert.equal(mismatch.status, 403);
  // The body names the string the server signed (read raw: ali-oss keeps
  // only Code and Message).
  const date = new Date().toUTCString();
  const raw = await fetch(`http://${server.endpoint}/${name}/`, { headers: {
    Date: date, Authorization: `OSS ${key.AccessKeyId}:AAAAAAAAAAAAAAAAAAAAAAAAAAA=` } });
  assert.equal(raw.status, 403);
  const xml = await raw.text();
  assert.match(xml, /<Code>SignatureDoesNotMatch<\/Code>/);
  assert.ok(xml.includes(`<StringToSign>GET\n\n\n${date}\n/${name}/</StringToSign>`), xml);
  assert.ok(xml.includes(`<OSSAccessKeyId>${key.AccessKeyId}</OSSAccessKeyId>`), xml);
  const v4 = await ossError(client(name, { authorizationV4: true,
                                           accessKeySecret: 'nope' }).put('w', Buffer.from('x')));
  assert.equal(v4.code, 'SignatureDoesNotMatch');
  const unknown = await ossError(client(name, { accessKeyId: 'LTAInope' }).put('w', Buffer.from('x')));
  assert.equal(unknown.code, 'InvalidAccessKeyId');
  const skewed = await ossError(client(name, { amendTimeSkewed: -20 * 60 * 1000 })
    .put('w', Buffer.from('x')));
  assert.equal(skewed.code, 'RequestTimeTooSkewed');
  // Another tenant's key sees the bucket but may not touch it.
  const stranger = await ossError(client(name, {}, other).put('w', Buffer.from('x')));
  assert.equal(stranger.code, 'AccessDenied');
  assert.deepEqual((await c.list()).objects, []);
});

test('kill -9 during concurrent puts loses no acknowledged object', async () => {
  const crash = await new Server().start();
  try {
    const k = crash.adminKey;
    const make = () => new OSS({ endpoint: `http://${crash.endpoint}`, region: 'oss-cn-hangzhou',
                                 accessKeyId: k.AccessKeyId, accessKeySecret: k.AccessKeySecret,
                                 bucket: 'crash', timeout: 10000 });
    await make().putBucket('crash');
    const acknowledged = new Map();
    let stop = false;
    const writer = async (w) => {
      const c = make();
      for (let i = 0; !stop; ++i) {
        const name = `w${w}/${i}`;
        const data = crypto.randomBytes(4096 + ((w * 7919 + i * 104729) % 200000));
        try {
          await c.put(name, data);
          acknowledged.set(name, data);
        } catch {
          return;  // the server is gone
        }
      }
    };
    const writers = [...Array(8).keys()].map(writer);
    while (acknowledged.size < 200) await new Promise((r) => setTimeout(r, 20));
    await crash.stop('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await crash.start();
    const c = make();  // the restarted server listens on a new port
    for (const [name, data] of acknowledged) {
      const got = await c.get(name);
      assert.ok(got.content.equals(data), name);
    }
    // Every object listed is whole: nothing half-written became visible.
    let token;
    do {
      const page = await c.listV2({ 'max-keys': 1000, 'continuation-token': token });
      for (const o of page.objects) {
        const got = await c.get(o.name);
        assert.equal(got.content.length, o.size, o.name);
      }
      token = page.nextContinuationToken;
    } while (token);
  } finally {
    await crash.stop();
    crash.cleanup();
  }
});

// The HTTP layer under malformed, oversize and slow requests, and too many
// connections: every refusal is an answer in the dialect's own format (or
// the neutral one), and the clients already connected keep working.
// Raw sockets on 127.0.0.1; every wait is bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { Server } from './harness.mjs';

let server;  // a 1 s header timeout
let crowded;  // at most 20 connections

before(async () => {
  server = await new Server(['--auth', 'off', '--header-timeout-seconds', '1']).start();
  crowded = await new Server(['--auth', 'off', '--max-connections', '20']).start();
});

after(async () => {
  for (const s of [server, crowded]) {
    await s.stop();
    s.cleanup();
  }
});

// Sends `bytes` on a fresh connection and resolves with everything the
// server sends back until it closes (or 5 s pass).
function exchange(bytes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no answer in 5 s')); }, 5000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('utf8')); });
    socket.write(bytes);
  });
}

function parse(raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const status = Number(head.split(' ')[1]);
  return { status, head, body: rest.join('\r\n\r\n') };
}

const cases = [
  ['a 64 KB query', `GET /api/v1/jobs?DisplayName=${'x'.repeat(65536)} HTTP/1.1\r\nHost: h\r\n\r\n`, 414, 'InvalidParameter'],
  ['5,000 headers', `GET /api/v1/jobs HTTP/1.1\r\nHost: h\r\n${'X-A: b\r\n'.repeat(5000)}\r\n`, 431, 'InvalidParameter'],
  ['a 100 KB header', `GET /v1/p/training-jobs HTTP/1.1\r\nHost: h\r\nX-Big: ${'y'.repeat(100000)}\r\n\r\n`, 431, null],
  ['a negative Content-Length', 'POST /api/v1/jobs HTTP/1.1\r\nHost: h\r\nContent-Length: -5\r\n\r\n', 400, 'InvalidParameter'],
  ['two Content-Lengths', 'POST /api/v1/jobs HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400, 'InvalidParameter'],
  ['a bad chunk size', 'POST /api/v1/jobs HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400, 'InvalidParameter'],
  ['a 10 MB body (PAI)', `POST /api/v1/jobs HTTP/1.1\r\nHost: h\r\nContent-Length: ${10 << 20}\r\n\r\n`, 413, 'InvalidParameter'],
  ['a 10 MB body (ModelArts)', `POST /v1/p/training-jobs HTTP/1.1\r\nHost: h\r\nContent-Length: ${10 << 20}\r\n\r\n`, 413, 'ModelArts.0104'],
  ['a 10 MB body (OSS, which has the root)', `POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: ${10 << 20}\r\n\r\n`, 413, 'xml:EntityTooLarge'],
  ['an object over --max-object-size', `PUT /bucket/key HTTP/1.1\r\nHost: h\r\nContent-Length: ${6 * 2 ** 30}\r\n\r\n`, 413, 'xml:EntityTooLarge'],
];

for (const [what, bytes, status, code] of cases) {
  test(`${what} gets ${status}${code ? ` ${code}` : ''}`, async () => {
    const answer = parse(await exchange(bytes));
    assert.equal(answer.status, status, answer.head);
    if (code?.startsWith('xml:')) {
      assert.ok(answer.body.includes(`<Code>${code.slice(4)}</Code>`), answer.body);
    } else if (code) {
      const body = JSON.parse(answer.body);
      assert.equal(body.Code ?? body.error_code, code, answer.body);
    }
  });
}

test('a client that sends no header in time is disconnected', async () => {
  const started = Date.now();
  const answer = await exchange('GET /api/v1/jobs HTTP/1.1\r\nHost: h\r\n');  // never finished
  assert.equal(answer, '');
  assert.ok(Date.now() - started < 4000);
});

test('connections beyond --max-connections get 503 at once; open clients keep working', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const list = () => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: crowded.port, path: '/api/v1/jobs?PageSize=1', agent }, (r) => {
      let text = '';
      r.on('data', (c) => { text += c; });
      r.on('end', () => resolve({ status: r.statusCode, body: text }));
    }).on('error', reject);
  });
  assert.equal((await list()).status, 200);  // its connection stays open
  const idle = [];
  try {
    for (let i = 0; i < 25; i++) {
      const socket = net.connect(crowded.port, '127.0.0.1');
      socket.on('error', () => {});
      const answer = new Promise((resolve) => {
        let text = '';
        socket.on('data', (c) => { text += c; });
        socket.on('close', () => resolve(text));
      });
      await new Promise((resolve) => socket.on('connect', resolve));
      idle.push({ socket, answer });
    }
    const refused = (await Promise.race([
      Promise.all(idle.slice(20).map((c) => c.answer)),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no 503 within 3 s')), 3000)),
    ]));
    for (const text of refused) assert.match(text, /^HTTP\/1\.1 503 /);
    assert.equal((await list()).status, 200, 'an open client was cut off');
  } finally {
    for (const { socket } of idle) socket.destroy();
    agent.destroy();
  }
});

test('at a descriptor limit of 64 the server refuses the excess and serves on', async () => {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { droverBin } = await import('./harness.mjs');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'drover-nofile-'));
  const proc = spawn('prlimit', ['--nofile=64:64', droverBin, 'serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
                                 '--auth', 'off', '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (c) => { log += c; });
  const port = await new Promise((resolve, reject) => {
    proc.stdout.on('data', (c) => { log += c; const m = /listening on [\d.]+:(\d+)/.exec(log); if (m) resolve(Number(m[1])); });
    proc.on('exit', (code) => reject(new Error(`drover exited ${code}: ${log}`)));
  });
  const sockets = [];
  try {
    for (let i = 0; i < 100; i++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      sockets.push(socket);
    }
    await new Promise((r) => setTimeout(r, 300));  // let the server meet them all
    for (const socket of sockets) socket.destroy();
    // Served on: a fresh request gets its answer once descriptors are free.
    let status = 0;
    for (const deadline = Date.now() + 5000; status !== 200 && Date.now() < deadline;) {
      status = await new Promise((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/jobs?PageSize=1', timeout: 1000 },
                             (r) => { r.resume(); resolve(r.statusCode); });
        req.on('timeout', () => { req.destroy(); resolve(0); });
        req.on('error', () => resolve(0));
      });
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status, 200);
    assert.equal(proc.exitCode, null, `the server exited: ${log}`);
    assert.ok(log.length < 100000, `the server logged ${log.length} bytes`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.on('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
});

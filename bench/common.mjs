// What the benchmarks share: starting a server and calling it, percentiles.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const bin = process.env.DROVER_BIN || path.resolve(here, '../build/drover');

// The p-th percentile (0–1) of the samples.
export const pct = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))];

// Starts the server, auth off, on a free port: on `dataDir`, or on a fresh
// data directory that stop() removes. call(method, path, body) sends JSON
// over keep-alive connections (at most `connections` at once) and resolves
// with the parsed 200 body; stop() ends the server. `pid` is the server's.
export async function startServer(extraArgs = [], connections = 8, existingDataDir = null) {
  const dataDir = existingDataDir ?? mkdtempSync(path.join(tmpdir(), 'drover-bench-'));
  // The server logs (an access line per request, as by default) to a file,
  // not a pipe: read by this process, the lines cost the client CPU the
  // server's figures should have.
  const logDir = mkdtempSync(path.join(tmpdir(), 'drover-bench-log-'));
  const logPath = path.join(logDir, 'server.log');
  const logFd = openSync(logPath, 'w');
  const server = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--auth', 'off', ...extraArgs],
                       { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  let exited = null;
  server.on('exit', (code) => { exited = code; });
  let port = 0;
  while (!port) {
    const log = readFileSync(logPath, 'utf8');
    const m = /listening on [\d.]+:(\d+)/.exec(log);
    if (m) port = Number(m[1]);
    else if (exited !== null) throw new Error(`drover exited ${exited}: ${log}`);
    else await new Promise((r) => setTimeout(r, 20));
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const call = (method, pathname, body) => new Promise((resolve, reject) => {
    const data = body ? JSON.stringify(body) : undefined;
    const headers = data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, agent, headers }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(text))));
    });
    req.on('error', reject);
    req.end(data);
  });
  const stop = async () => {
    agent.destroy();
    server.kill('SIGTERM');
    if (exited === null) await new Promise((r) => server.on('exit', r));
    if (!existingDataDir) rmSync(dataDir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  };
  return { port, call, stop, pid: server.pid };
}

// One keep-alive HTTP/1.1 connection with one request in flight, spoken
// over a bare socket: node's http module costs the client more CPU per
// request than the server spends, and on 2 shared cores that capped what a
// write benchmark could show. Like wrk, it only frames requests and
// reads status, headers and a Content-Length body.
export class RawConnection {
  static open(port) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.pending = null;
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  // Resolves with { status, body } (any status). `headers`: more header
  // lines, each ending in \r\n.
  request(method, target, body = null, headers = '') {
    const head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}` +
                 `Content-Length: ${body ? body.length : 0}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, head: method === 'HEAD' };
      this.socket.write(body && body.length ? Buffer.concat([Buffer.from(head), body]) : head);
    });
  }

  onData(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (!this.pending) return;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const header = this.buffer.subarray(0, end).toString('latin1');
    if (/\r\ntransfer-encoding:/i.test(header)) return this.fail(new Error('chunked answers are not read'));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(header);
    const length = this.pending.head || !m ? 0 : Number(m[1]);
    if (this.buffer.length < end + 4 + length) return;
    const status = Number(header.slice(9, 12));
    const body = this.buffer.subarray(end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    const { resolve } = this.pending;
    this.pending = null;
    resolve({ status, body });
  }

  fail(error) {
    if (!this.pending) return;
    const { reject } = this.pending;
    this.pending = null;
    reject(error);
  }

  close() { this.socket.destroy(); }
}

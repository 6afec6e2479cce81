// What the benchmarks share: starting a server and calling it, percentiles.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
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
  const server = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--auth', 'off', ...extraArgs],
                       { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const onData = (c) => { log += c; const m = /listening on [\d.]+:(\d+)/.exec(log); if (m) resolve(Number(m[1])); };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`drover exited ${code}: ${log}`)));
  });
  // From here the server's log (an access line per request) is read and
  // dropped: kept and searched, it made the client slower with every request.
  server.stdout.removeAllListeners('data');
  server.stdout.resume();
  log = '';
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
    await new Promise((r) => server.on('exit', r));
    if (!existingDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return { port, call, stop, pid: server.pid };
}

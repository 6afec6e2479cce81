// Starts build/drover (or $DROVER_BIN) on a fresh data directory for a
// benchmark, auth off, on a free port; stop() ends it and removes the data.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const bin = process.env.DROVER_BIN || path.resolve(here, '../build/drover');

export async function startServer(extraArgs = []) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'drover-bench-'));
  const server = spawn(bin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--auth', 'off', ...extraArgs],
                       { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const onData = (c) => { log += c; const m = /listening on [\d.]+:(\d+)/.exec(log); if (m) resolve(Number(m[1])); };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => reject(new Error(`drover exited ${code}: ${log}`)));
  });
  const stop = async () => {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { port, stop };
}

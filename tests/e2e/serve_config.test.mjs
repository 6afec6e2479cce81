// `drover serve --config drover.toml`: every flag from a file's [serve]
// section, flags and DROVER_* variables over it, and a name no flag has
// refused before anything starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server, droverBin } from './harness.mjs';

async function gauge(server, name, state) {
  const text = await (await fetch(`http://${server.endpoint}/metrics`)).text();
  return Number(new RegExp(`^${name}\\{state="${state}"\\} (\\S+)$`, 'm').exec(text)[1]);
}

test('a config file sets serve flags; a flag on the command line wins over it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drover-config-'));
  const config = path.join(dir, 'drover.toml');
  writeFileSync(config, '# a node of 3 cores\n[serve]\ncpus = 3\ngpus = 2\nmemory = "6Gi"\nlog-level = "warn"\n');
  const server = await new Server(['--config', config, '--gpus', '1']).start();
  try {
    assert.equal(await gauge(server, 'drover_node_cpu_cores', 'capacity'), 3);
    assert.equal(await gauge(server, 'drover_node_memory_bytes', 'capacity'), 6 * 2 ** 30);
    assert.equal(await gauge(server, 'drover_node_gpus', 'capacity'), 1);  // the flag
    assert.doesNotMatch(server.log, /\[info\]/);  // log-level from the file
  } finally {
    await server.stop();
    server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('DROVER_LISTEN and DROVER_DATA_DIR win over the file; an unknown name is refused', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drover-config-'));
  try {
    const config = path.join(dir, 'drover.toml');
    writeFileSync(config, `[serve]\nlisten = "127.0.0.1:1"\ndata-dir = "${path.join(dir, 'from-file')}"\ngpu = 2\n`);
    const bad = spawnSync(droverBin, ['serve', '--config', config], { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout + bad.stderr, /serve\.gpu/);

    writeFileSync(config, `[serve]\nlisten = "127.0.0.1:1"\ndata-dir = "${path.join(dir, 'from-file')}"\n`);
    // The harness passes --listen and --data-dir; this server has neither.
    const env = { ...process.env, DROVER_LISTEN: '127.0.0.1:0', DROVER_DATA_DIR: path.join(dir, 'from-env') };
    const child = spawn(droverBin, ['serve', '--config', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const port = await new Promise((resolve, reject) => {
      child.stdout.on('data', (c) => { log += c; const m = /listening on [\d.]+:(\d+)/.exec(log); if (m) resolve(Number(m[1])); });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${log}`)));
    });
    assert.notEqual(port, 1);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    child.kill('SIGTERM');
    await new Promise((r) => child.on('exit', r));
    assert.ok(existsSync(path.join(dir, 'from-env', 'drover.db')));
    assert.ok(!existsSync(path.join(dir, 'from-file')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

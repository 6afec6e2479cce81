// The command line in a real terminal: tmux runs `drover jobs list
// --watch` in a shell; the test reads the screen (capture-pane) as a
// person would see it, types Ctrl-C (send-keys), and checks the screen
// and the shell after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, DlcClient, droverBin, jobBody, BIG_NODE } from './harness.mjs';

const socket = `drover-e2e-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args]).toString();
const screen = () => tmux('capture-pane', '-p', '-t', 'cli');

let server;
let dlc;

before(async () => {
  server = await new Server(BIG_NODE).start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
  tmux('new-session', '-d', '-s', 'cli', '-x', '150', '-y', '30', 'env', '-i', `PATH=${process.env.PATH}`,
       'TERM=xterm', 'PS1=ready$ ', `DROVER_ENDPOINT=${server.endpoint}`,
       `DROVER_ACCESS_KEY_ID=${server.adminKey.AccessKeyId}`,
       `DROVER_ACCESS_KEY_SECRET=${server.adminKey.AccessKeySecret}`, 'bash', '--norc', '--noprofile');
});

after(async () => {
  try { tmux('kill-server'); } catch { /* already gone */ }
  await server.stop();
  server.cleanup();
});

// Polls the screen until `check(text)` holds; fails with the screen.
async function until(check, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = screen();
    if (check(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the screen never showed ${what}:\n${text}`);
}

test('jobs list --watch redraws in place as jobs change and ends cleanly on Ctrl-C', async () => {
  const first = await dlc.createJob(jobBody({ DisplayName: 'watched-one' }));
  await until((s) => s.includes('ready$'), 'the shell prompt');
  tmux('send-keys', '-t', 'cli', `${droverBin} jobs list --watch`, 'Enter');
  let text = await until((s) => s.includes(first.JobId), 'the first job');
  // Drawn from the top of a cleared screen: the heading is the first line.
  assert.match(text.split('\n')[0], /^Every 2s: drover jobs list$/);
  assert.match(text, /JOB ID +NAME +TYPE +STATUS +AGE/);

  const second = await dlc.createJob(jobBody({ DisplayName: 'watched-two' }));
  text = await until((s) => s.includes(second.JobId), 'the second job, redrawn');
  assert.equal(text.split('\n')[0], 'Every 2s: drover jobs list');  // redrawn in place, not scrolled
  assert.equal(text.match(/JOB ID/g).length, 1);
  assert.match(text, /2 of 2 jobs/);

  tmux('send-keys', '-t', 'cli', 'C-c');
  tmux('send-keys', '-t', 'cli', 'echo "exit=$?"', 'Enter');
  text = await until((s) => /exit=130/.test(s), 'the shell back after Ctrl-C');
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.at(-1), 'ready$');
  assert.equal(lines.at(-2), 'exit=130');
});

// The command line in a real terminal: tmux runs `drover jobs list
// --watch` and `drover oss cp` in a shell; the test reads the screen
// (capture-pane) as a person would see it and every byte written to it
// (pipe-pane), types Ctrl-C (send-keys), and checks the screen and the
// shell after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server, DlcClient, droverBin, jobBody, BIG_NODE } from './harness.mjs';

const socket = `drover-e2e-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args]).toString();
const screen = () => tmux('capture-pane', '-p', '-t', 'cli');

let server;
let dlc;
let work;

before(async () => {
  server = await new Server(BIG_NODE).start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
  work = mkdtempSync(path.join(tmpdir(), 'drover-terminal-'));
  tmux('new-session', '-d', '-s', 'cli', '-x', '150', '-y', '30', 'env', '-i', `PATH=${process.env.PATH}`,
       'TERM=xterm', 'PS1=ready$ ', `DROVER_ENDPOINT=${server.endpoint}`,
       `DROVER_ACCESS_KEY_ID=${server.adminKey.AccessKeyId}`,
       `DROVER_ACCESS_KEY_SECRET=${server.adminKey.AccessKeySecret}`, 'bash', '--norc', '--noprofile');
});

after(async () => {
  try { tmux('kill-server'); } catch { /* already gone */ }
  rmSync(work, { recursive: true, force: true });
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
  text = await until((s) => s.includes(second.JobId) && /2 of 2 jobs/.test(s), 'the second job, redrawn');
  assert.equal(text.split('\n')[0], 'Every 2s: drover jobs list');  // redrawn in place, not scrolled
  assert.equal(text.match(/JOB ID/g).length, 1);
  assert.match(text, /2 of 2 jobs/);

  tmux('send-keys', '-t', 'cli', 'C-c');
  tmux('send-keys', '-t', 'cli', 'echo "exit=$?"', 'Enter');
  text = await until((s) => /exit=130\nready\$\s*$/.test(s), 'the shell back after Ctrl-C');
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.at(-1), 'ready$');
  assert.equal(lines.at(-2), 'exit=130');
});

test('oss cp draws a progress line on a terminal, redrawn in place, and clears it at the end', async () => {
  const tree = path.join(work, 'tree');
  mkdirSync(tree);
  for (let i = 0; i < 40; i += 1) writeFileSync(path.join(tree, `f${i}`), Buffer.alloc(50000, i));
  const raw = path.join(work, 'pane.raw');
  tmux('send-keys', '-t', 'cli', 'clear', 'Enter');
  await until((s) => s.trim() === 'ready$', 'a cleared screen');
  tmux('pipe-pane', '-t', 'cli', '-o', `cat >> ${raw}`);
  tmux('send-keys', '-t', 'cli', `${droverBin} oss mb oss://terminal && ${droverBin} oss cp -r ${tree} oss://terminal/t`, 'Enter');
  // The summary, then the shell's prompt after it (drawn a moment later).
  const text = await until((s) => /40 copied, 0 there already, 0 failed.*\nready\$\s*$/.test(s),
                           'the copy\'s summary and the prompt');
  tmux('pipe-pane', '-t', 'cli');  // stop recording
  const bytes = readFileSync(raw, 'latin1');
  // Drawn: erase the line, then the bar and its figures, over and over in place.
  const draws = bytes.split('\r\x1b[2K').filter((d) => d.startsWith('['));
  assert.ok(draws.length >= 1, bytes);
  assert.match(draws[0], /^\[[#.]+\] \d+\/40 files +[\d.]+ \S+ \/ 1\.9 MiB +[\d.]+ \S+\/s +ETA /);
  assert.ok(!bytes.includes('\ncopied '));  // on a terminal, no line per file
  // Cleared at the end: the summary follows an erased line, and no bar is left on the screen.
  assert.match(bytes, /\r\x1b\[2K40 copied, 0 there already, 0 failed: 1\.9 MiB in [\d.]+ s\r?\n/);
  assert.ok(!text.includes('] '), text);
  const lines = text.trimEnd().split('\n');
  assert.match(lines.at(-2), /^40 copied, 0 there already, 0 failed/);
  assert.equal(lines.at(-1), 'ready$');
});

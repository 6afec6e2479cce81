// The `drover` command line as a person uses it: the real binary, run as a
// child process against a real server with authentication on, its output
// compared with what the vendor's SDK gets from the same server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import OSS from 'ali-oss';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { Server, DlcClient, DatasetClient, droverBin, waitForStatus, BIG_NODE } from './harness.mjs';

let server;
let dlc;
let home;

before(async () => {
  server = await new Server(BIG_NODE).start();
  dlc = new DlcClient(server.endpoint, server.adminKey);
  home = mkdtempSync(path.join(tmpdir(), 'drover-cli-home-'));
});

after(async () => {
  await server.stop();
  server.cleanup();
  rmSync(home, { recursive: true, force: true });
});

// Runs `drover args…` to its end: { code, stdout, stderr }. `env` adds to a
// clean environment (no DROVER_* of the caller's), whose config dir is
// the test's own.
function drover(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(droverBin, args, {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'),
             DROVER_DATA_DIR: path.join(home, 'no-server'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// The admin key and the server's endpoint, from the environment.
const keyEnv = () => ({
  DROVER_ENDPOINT: `http://${server.endpoint}`,
  DROVER_ACCESS_KEY_ID: server.adminKey.AccessKeyId,
  DROVER_ACCESS_KEY_SECRET: server.adminKey.AccessKeySecret,
});

async function ok(args, env = keyEnv()) {
  const r = await drover(args, env);
  assert.equal(r.code, 0, `drover ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const withoutRequestId = ({ RequestId, ...rest }) => rest;

test('configure writes an owner-only profile that later commands use', async () => {
  await ok(['configure', '--endpoint', server.endpoint, '--access-key-id', server.adminKey.AccessKeyId,
            '--access-key-secret', server.adminKey.AccessKeySecret, '--workspace', '1'], {});
  const config = path.join(home, 'config', 'drover', 'config');
  assert.equal(statSync(config).mode & 0o777, 0o600);
  assert.match(readFileSync(config, 'utf8'), /^\[default\]\naccess_key_id = /);
  const id = (await ok(['jobs', 'submit', '--name', 'from-profile', '--image', 'none',
                        '--command', 'true', '-o', 'name'], {})).trim();
  assert.match(id, /^dlc[0-9a-z]+$/);
  assert.equal((await dlc.getJob(id)).DisplayName, 'from-profile');
  // A profile the file does not have is an error that names it.
  const missing = await drover(['jobs', 'list', '--profile', 'nowhere'], {});
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no profile \[nowhere\]/);
});

test('submit, wait, get -o json and list -o json|yaml|name show what the API answers', async () => {
  const submitted = JSON.parse(await ok(['jobs', 'submit', '--name', 'cli-json', '--image', 'none',
                                         '--command', 'echo hi', '--cpu', '2', '-o', 'json']));
  const id = submitted.JobId;
  assert.equal((await drover(['jobs', 'wait', id, '--for', 'Succeeded', '--timeout', '30s'], keyEnv())).code, 0);
  const got = JSON.parse(await ok(['jobs', 'get', id, '-o', 'json']));
  assert.deepEqual(withoutRequestId(got), withoutRequestId(await dlc.getJob(id)));
  assert.equal(got.JobSpecs[0].ResourceConfig.CPU, '2');

  const listed = JSON.parse(await ok(['jobs', 'list', '-o', 'json']));
  const sdk = await dlc.listJobs({ PageSize: 50 });
  assert.equal(listed.TotalCount, sdk.TotalCount);
  assert.deepEqual(listed.Jobs.map((j) => j.JobId), sdk.Jobs.map((j) => j.JobId));
  assert.deepEqual(YAML.parse(await ok(['jobs', 'list', '-o', 'yaml'])), listed);
  assert.deepEqual((await ok(['jobs', 'list', '-o', 'name'])).trim().split('\n'), sdk.Jobs.map((j) => j.JobId));

  const table = (await ok(['jobs', 'list', '--status', 'Succeeded', '--name', 'cli-json'])).split('\n');
  assert.match(table[0], /^JOB ID +NAME +TYPE +STATUS +AGE$/);
  assert.match(table[1], new RegExp(`^${id} +cli-json +PyTorchJob +Succeeded +\\d+s$`));
  assert.equal(table[2], '1 of 1 jobs');
  const wide = (await ok(['jobs', 'list', '--name', 'cli-json', '-o', 'wide'])).split('\n');
  assert.match(wide[0], /^JOB ID +NAME +TYPE +STATUS +AGE +DURATION +WORKSPACE +PRIORITY +REASON$/);
  const shown = await ok(['jobs', 'get', id]);
  assert.match(shown, new RegExp(`^JobId: +${id}\\n`));
  assert.match(shown, /\nPOD +TYPE +STATUS +IP +AGE\n/);
});

test('submit -f takes CreateJob\'s body as YAML or JSON, from a file or stdin', async () => {
  const yamlFile = path.join(home, 'job.yaml');
  writeFileSync(yamlFile, [
    '# a training job', 'DisplayName: from-yaml', 'JobType: PyTorchJob', 'UserCommand: echo yaml',
    'Priority: 7', 'Description: "42"', 'JobSpecs:', '  - Type: Worker', '    Image: none', '    PodCount: 1',
    '    ResourceConfig: {CPU: "1", Memory: 1Gi}', ''].join('\n'));
  const id = (await ok(['jobs', 'submit', '-f', yamlFile, '-o', 'name'])).trim();
  const job = await dlc.getJob(id);
  assert.equal(job.DisplayName, 'from-yaml');
  assert.equal(job.Priority, 7);
  assert.equal(job.Description, '42');
  assert.equal(job.JobSpecs[0].ResourceConfig.Memory, '1Gi');

  const child = spawn(droverBin, ['jobs', 'submit', '-f', '-', '-o', 'name'],
                      { env: { PATH: process.env.PATH, HOME: home, ...keyEnv() } });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stdin.end(JSON.stringify({ DisplayName: 'from-stdin', JobType: 'PyTorchJob', UserCommand: 'true',
    JobSpecs: [{ Type: 'Worker', Image: 'none', PodCount: 1, ResourceConfig: { CPU: '1' } }] }));
  assert.equal(await new Promise((r) => child.on('exit', r)), 0);
  assert.equal((await dlc.getJob(out.trim())).DisplayName, 'from-stdin');

  writeFileSync(yamlFile, 'DisplayName: [unclosed\n');
  const bad = await drover(['jobs', 'submit', '-f', yamlFile], keyEnv());
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: not YAML: line \d+/);
});

test('list --all walks every page', async () => {
  for (let i = 0; i < 5; i += 1) {
    await ok(['jobs', 'submit', '--name', `page-${i}`, '--image', 'none', '--command', 'true', '-o', 'name']);
  }
  const all = JSON.parse(await ok(['jobs', 'list', '--page-size', '2', '--all', '-o', 'json']));
  const sdk = await dlc.listJobs({ PageSize: 100 });
  assert.ok(all.Jobs.length >= 5);
  assert.equal(all.Jobs.length, sdk.TotalCount);
  assert.deepEqual(all.Jobs.map((j) => j.JobId).sort(), sdk.Jobs.map((j) => j.JobId).sort());
  const one = JSON.parse(await ok(['jobs', 'list', '--page-size', '2', '-o', 'json']));
  assert.equal(one.Jobs.length, 2);
});

test('logs -f follows a job that prints for a few seconds, each line once, and ends with it', async () => {
  const id = (await ok(['jobs', 'submit', '--name', 'ticker', '--image', 'none', '-o', 'name',
                        '--command', 'for i in $(seq 1 12); do echo tick $i; sleep 0.25; done'])).trim();
  const followed = await ok(['jobs', 'logs', id, '-f']);
  assert.deepEqual(followed.trim().split('\n'), Array.from({ length: 12 }, (_, i) => `tick ${i + 1}`));
  assert.equal((await dlc.getJob(id)).Status, 'Succeeded');
  assert.equal(await ok(['jobs', 'logs', id, '--tail', '2']), 'tick 11\ntick 12\n');
  const events = await ok(['jobs', 'events', id]);
  assert.match(events, /is Running/);
  assert.match(events, /is Succeeded/);
});

test('wait says how a job ended in its exit code; stop and delete act on each id', async () => {
  const failing = (await ok(['jobs', 'submit', '--name', 'fails', '--image', 'none', '--command', 'exit 3',
                             '-o', 'name'])).trim();
  const failed = await drover(['jobs', 'wait', failing, '--for', 'Succeeded', '--timeout', '30s'], keyEnv());
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /ended Failed, not Succeeded/);

  const sleeper = (await ok(['jobs', 'submit', '--name', 'sleeps', '--image', 'none', '--command', 'sleep 1000',
                             '-o', 'name'])).trim();
  await waitForStatus(dlc, sleeper, 'Running');
  const late = await drover(['jobs', 'wait', sleeper, '--for', 'Succeeded', '--timeout', '1s'], keyEnv());
  assert.equal(late.code, 3);
  assert.equal(await ok(['jobs', 'stop', sleeper]), `${sleeper} stopping\n`);
  await waitForStatus(dlc, sleeper, 'Stopped');
  const deleted = await drover(['jobs', 'delete', sleeper, 'dlcnosuchjob'], keyEnv());
  assert.equal(deleted.code, 1);  // one of the two failed
  assert.equal(deleted.stdout, `${sleeper} deleted\n`);
  assert.match(deleted.stderr, /dlcnosuchjob: EntityNotExist.Job: .* \(request id [0-9A-F-]{36}\)/);
});

test('errors print the vendor code, message and request id, with a non-zero exit', async () => {
  const missing = await drover(['jobs', 'get', 'dlcnosuchjob'], keyEnv());
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^Error: EntityNotExist.Job: .*\(request id [0-9A-F-]{36}\)\n$/);
  const forged = await drover(['jobs', 'list'], { ...keyEnv(), DROVER_ACCESS_KEY_SECRET: 'wrong' });
  assert.equal(forged.code, 1);
  assert.match(forged.stderr, /^Error: SignatureDoesNotMatch: /);
  const down = await drover(['jobs', 'list'], { ...keyEnv(), DROVER_ENDPOINT: 'http://127.0.0.1:1' });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/);
  const debug = await drover(['jobs', 'list', '--debug', '-o', 'name'], keyEnv());
  assert.equal(debug.code, 0);
  assert.match(debug.stderr, /^> GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/jobs\?/);
  const usage = await drover(['jobs', 'list', '-o', 'xml'], keyEnv());
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /-o must be table, wide, json, yaml or name/);
});

test('datasets and dataset-jobs: create, list, get, versions, run a catalogue, delete', async () => {
  const ds = new DatasetClient(server.endpoint, server.adminKey);
  const tree = path.join(home, 'tree');
  mkdirSync(path.join(tree, 'cars'), { recursive: true });
  writeFileSync(path.join(tree, 'cars', 'a.txt'), 'alpha');
  writeFileSync(path.join(tree, 'b.txt'), 'beta!');
  const id = (await ok(['datasets', 'create', '--name', 'cli-tree', '--type', 'NAS', '--uri', `file://${tree}`,
                        '-o', 'name'])).trim();
  assert.match(id, /^d-[0-9a-z]+$/);
  const got = JSON.parse(await ok(['datasets', 'get', id, '-o', 'json']));
  assert.deepEqual(withoutRequestId(got), withoutRequestId(await ds.getDataset(id)));
  const listed = JSON.parse(await ok(['datasets', 'list', '--name', 'cli-tree', '-o', 'json']));
  const sdk = await ds.listDatasets({ Name: 'cli-tree', PageSize: 50 });
  assert.equal(listed.TotalCount, sdk.TotalCount);
  assert.deepEqual(listed.Datasets.map((d) => d.DatasetId), [id]);
  const table = (await ok(['datasets', 'list', '--name', 'cli-tree'])).split('\n');
  assert.match(table[0], /^DATASET ID +NAME +PROPERTY +SOURCE +LATEST +AGE$/);
  assert.match(table[1], new RegExp(`^${id} +cli-tree +DIRECTORY +NAS +v1 +\\d+s$`));
  assert.match(await ok(['datasets', 'versions', id]), /^VERSION +PROPERTY +SOURCE +FILES +SIZE +AGE\nv1 /);

  const job = (await ok(['dataset-jobs', 'run', id, '--action', 'FileMetaBuild', '--version', 'v1', '-o', 'name'])).trim();
  assert.match(job, /^dsjob-/);
  let state;
  for (let i = 0; i < 300; i += 1) {
    state = JSON.parse(await ok(['dataset-jobs', 'get', id, job, '-o', 'json']));
    if (state.Status === 'Succeeded') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(state.Status, 'Succeeded');
  assert.equal(state.TotalFileCount, 2);
  assert.match(await ok(['dataset-jobs', 'list', id]), new RegExp(`\n${job} +FileMetaBuild +v1 +Succeeded +2/2 +`));
  assert.match(await ok(['dataset-jobs', 'get', id, job]), /^JobAction: +FileMetaBuild\n/);

  assert.equal(await ok(['datasets', 'delete', id]), `${id} deleted\n`);
  const gone = await drover(['datasets', 'get', id], keyEnv());
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /EntityNotExist\.Dataset/);
});

// Every file under `dir`, relative, sorted.
function filesUnder(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full, base) : [path.relative(base, full)];
  }).sort();
}

test('oss mb, cp -r both ways (byte for byte, resumable), ls and rm, as ali-oss sees them', async () => {
  const oss = new OSS({ endpoint: `http://${server.endpoint}`, region: 'oss-cn-hangzhou', bucket: 'cli-tree',
                        accessKeyId: server.adminKey.AccessKeyId, accessKeySecret: server.adminKey.AccessKeySecret });
  assert.equal(await ok(['oss', 'mb', 'oss://cli-tree']), 'made oss://cli-tree\n');
  const tree = path.join(home, 'upload');
  mkdirSync(path.join(tree, 'deep', 'er'), { recursive: true });
  const files = { 'big.bin': randomBytes(5 * 2 ** 20), 'deep/a b+c.txt': Buffer.from('spaces and plus'),
                  'deep/er/训练.json': Buffer.from('{"x":1}'), 'empty': Buffer.alloc(0) };
  for (let i = 0; i < 30; i += 1) files[`small/${i}.dat`] = randomBytes(1000 + i);
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tree, name)), { recursive: true });
    writeFileSync(path.join(tree, name), bytes);
  }
  // A copy cut short: a third of the files are in the bucket already.
  const names = Object.keys(files).sort();
  for (const name of names.slice(0, 11)) await oss.put(`in/${name}`, files[name]);

  const up = await ok(['oss', 'cp', '-r', tree, 'oss://cli-tree/in', '-j', '4']);
  assert.match(up, new RegExp(`\n${names.length - 11} copied, 11 there already, 0 failed: `));
  assert.equal((up.match(/^copied /gm) || []).length, names.length - 11);  // piped: a line a file
  const listed = (await oss.listV2({ prefix: 'in/', 'max-keys': 1000 })).objects.map((o) => o.name).sort();
  assert.deepEqual(listed, names.map((n) => `in/${n}`).sort());
  for (const name of ['big.bin', 'deep/er/训练.json']) {
    assert.ok((await oss.get(`in/${name}`)).content.equals(files[name]));
  }
  assert.match(await ok(['oss', 'cp', '-r', tree, 'oss://cli-tree/in']), /\n0 copied, 34 there already, 0 failed/);
  assert.match(await ok(['oss', 'cp', '-r', '--force', tree, 'oss://cli-tree/in']), /\n34 copied, 0 there already/);

  const back = path.join(home, 'download');
  await ok(['oss', 'cp', '-r', 'oss://cli-tree/in/', back]);
  assert.deepEqual(filesUnder(back), names.map((n) => n.split('/').join(path.sep)).sort());
  for (const [name, bytes] of Object.entries(files)) assert.ok(readFileSync(path.join(back, name)).equals(bytes), name);
  await ok(['oss', 'cp', 'oss://cli-tree/in/deep/a b+c.txt', path.join(home, 'one.txt')]);
  assert.equal(readFileSync(path.join(home, 'one.txt'), 'utf8'), 'spaces and plus');

  const ls = JSON.parse(await ok(['oss', 'ls', 'oss://cli-tree/in/deep/', '-o', 'json']));
  assert.deepEqual(ls.Objects.map((o) => o.Key), ['in/deep/a b+c.txt', 'in/deep/er/训练.json']);
  assert.equal(ls.Objects[0].Size, 15);
  const level = JSON.parse(await ok(['oss', 'ls', '-d', 'oss://cli-tree/in/', '-o', 'json']));
  assert.deepEqual(level.CommonPrefixes, ['in/deep/', 'in/small/']);
  assert.match(await ok(['oss', 'ls']), /^BUCKET +CREATED\noss:\/\/cli-tree +\d{4}-/);

  await ok(['oss', 'rm', '-r', 'oss://cli-tree/in/small/']);
  assert.deepEqual((await oss.listV2({ prefix: 'in/small/' })).objects ?? [], []);
  const missing = await drover(['oss', 'cp', 'oss://cli-tree/in/nothing', home], keyEnv());
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /NoSuchKey/);
  const nobucket = await drover(['oss', 'cp', path.join(tree, 'empty'), 'oss://no-such-bucket/x'], keyEnv());
  assert.equal(nobucket.code, 1);
  assert.match(nobucket.stderr, /NoSuchBucket: The specified bucket does not exist/);
});

test('batch create, wait, list, describe, confirm, priority and cancel run OSS batch jobs', async () => {
  const oss = new OSS({ endpoint: `http://${server.endpoint}`, region: 'oss-cn-hangzhou', bucket: 'cli-batch',
                        accessKeyId: server.adminKey.AccessKeyId, accessKeySecret: server.adminKey.AccessKeySecret });
  await oss.putBucket('cli-batch');
  const keys = ['a', 'b/c', 'b/中文', 'd e'];
  for (const k of keys) await oss.put(`data/${k}`, Buffer.from(k));
  const id = (await ok(['batch', 'create', '--op', 'put-tagging', '--tag', 'state=done', '--tag', 'team=vision',
                        '--prefix', 'oss://cli-batch/data/', '--report', 'oss://cli-batch/reports/',
                        '--description', 'tag them', '-o', 'name'])).trim();
  assert.match(id, /^[A-Za-z0-9+/=]+$/);
  const waited = await ok(['batch', 'wait', id]);
  assert.match(waited, new RegExp(`${id.replace(/[+/=]/g, '\\$&')} Complete 4/4\n$`));
  for (const k of keys) {
    const { tag } = await oss.getObjectTagging(`data/${k}`);
    assert.deepEqual(tag, { state: 'done', team: 'vision' }, k);
  }
  const described = JSON.parse(await ok(['batch', 'describe', id, '-o', 'json']));
  assert.equal(described.Status, 'Complete');
  assert.equal(described.Description, 'tag them');
  assert.equal(described.ProgressSummary.NumberOfTasksSucceeded, '4');
  assert.deepEqual(described.Operation.PutObjectTagging.TagSet.Tag, [{ Key: 'state', Value: 'done' },
                                                                     { Key: 'team', Value: 'vision' }]);
  const reports = (await oss.listV2({ prefix: `reports/job-${id}/` })).objects.map((o) => o.name).sort();
  assert.deepEqual(reports, [`reports/job-${id}/manifest.json`, `reports/job-${id}/results/results.csv`]);

  const held = (await ok(['batch', 'create', '--op', 'acl', '--acl', 'public-read', '--confirm',
                          '--prefix', 'oss://cli-batch/data/', '-o', 'name'])).trim();
  let state;
  for (let i = 0; i < 200; i += 1) {
    state = JSON.parse(await ok(['batch', 'describe', held, '-o', 'json'])).Status;
    if (state === 'Suspended') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(state, 'Suspended');
  assert.equal(await ok(['batch', 'priority', held, '77']), `${held} priority 77\n`);
  assert.equal(await ok(['batch', 'confirm', held]), `${held} Ready\n`);
  await ok(['batch', 'wait', held]);
  assert.equal((await oss.getACL('data/a')).acl, 'public-read');

  const cancelled = (await ok(['batch', 'create', '--op', 'delete-tagging', '--confirm',
                               '--prefix', 'oss://cli-batch/data/', '-o', 'name'])).trim();
  for (let i = 0; i < 200; i += 1) {
    if (JSON.parse(await ok(['batch', 'describe', cancelled, '-o', 'json'])).Status === 'Suspended') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.match(await ok(['batch', 'cancel', cancelled, '--reason', 'not now']), /Cancel(ling|led)\n$/);
  const ended = await drover(['batch', 'wait', cancelled], keyEnv());
  assert.equal(ended.code, 2);
  assert.match(ended.stdout, /Cancelled/);

  const listed = JSON.parse(await ok(['batch', 'list', '-o', 'json']));
  assert.deepEqual(new Set(listed.Jobs.map((j) => j.JobId)), new Set([id, held, cancelled]));
  const table = (await ok(['batch', 'list', '--status', 'Complete'])).split('\n');
  assert.match(table[0], /^JOB ID +OPERATION +STATUS +PRIORITY +TASKS +AGE$/);
  assert.equal(table.filter((l) => / Complete /.test(l)).length, 2);

  const bad = await drover(['batch', 'create', '--op', 'acl', '--acl', 'secret', '--prefix', 'oss://cli-batch/data/'], keyEnv());
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: InvalidArgument: /);
  const none = await drover(['batch', 'describe', 'bm9zdWNoam9i'], keyEnv());
  assert.equal(none.code, 1);
  assert.match(none.stderr, /NoSuchJob/);
});

test('completion scripts that bash and zsh accept complete commands, flags and values', async () => {
  const bashScript = await ok(['completion', 'bash'], {});
  const script = path.join(home, 'drover.bash');
  writeFileSync(script, bashScript);
  // What bash offers for a command line typed so far (the last word being completed).
  const offers = (...words) => execFileSync('bash', ['-c',
    `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; ` +
    '_drover; printf "%s\\n" "${COMPREPLY[@]}"'], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(offers('drover', 'jobs', 'l'), ['list', 'logs']);
  assert.deepEqual(offers('drover', 'jobs', 'list', '--st'), ['--status']);
  assert.deepEqual(offers('drover', 'jobs', 'list', '--status', 'Succ').sort(), ['Succeeded', 'SucceededReserving']);
  assert.deepEqual(offers('drover', 'jobs', 'get', 'dlc1', '-o', 'y'), ['yaml']);
  assert.deepEqual(offers('drover', 'serve', '--max-o'), ['--max-object-size']);
  assert.deepEqual(offers('drover', 'comp'), ['completion']);
  assert.ok(!offers('drover', 'p').includes('pod-supervise'));  // the server's own, hidden

  const zshScript = await ok(['completion', 'zsh'], {});
  const zshFile = path.join(home, 'drover.zsh');
  writeFileSync(zshFile, zshScript);
  const zsh = execFileSync('zsh', ['-c', `source ${zshFile}; print -r -- "\${_comps[drover]}"; setopt ksharrays; ` +
    'COMP_WORDS=(drover jobs); COMP_CWORD=2; _drover; print -r -- "${COMPREPLY[*]}"'],
  { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } }).split('\n');
  assert.equal(zsh[0], '_bash_complete -F _drover');
  assert.match(zsh[1], /^list get submit stop delete logs events wait /);

  const fish = await drover(['completion', 'fish'], {});
  assert.notEqual(fish.code, 0);
});

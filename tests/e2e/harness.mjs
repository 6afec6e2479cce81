// Starts the real drover binary on a free port with a temp data dir, and
// drives it with the vendors' own SDK clients from npm.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenApi from '@alicloud/openapi-client';
import Util from '@alicloud/tea-util';
import OpenApiUtilModule from '@alicloud/openapi-util';
import HuaweiCore from '@huaweicloud/huaweicloud-sdk-core';
import HuaweiBuilder from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import HuaweiSigner from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';

const OpenApiUtil = OpenApiUtilModule.default;
const here = path.dirname(fileURLToPath(import.meta.url));
export const droverBin = process.env.DROVER_BIN || path.resolve(here, '../../build/drover');

// A running server. `dataDir` survives stop() so a restart sees the same store.
// `args` are extra `drover serve` flags, e.g. ['--gpus', '2'].
//
// With DROVER_E2E_STORE=postgres every server keeps its store in a fresh
// database on the run's PostgreSQL (DROVER_TEST_POSTGRES, started by make
// test), so the whole suite runs again on that backend.
// `options.store` pins the store: 'sqlite', or a PostgreSQL URL (then the
// database is the test's to drop); `options.dataDir` reuses a data dir.
export class Server {
  constructor(args = [], options = {}) {
    this.args = args;
    this.dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'drover-e2e-'));
    this.ownsDatabase = options.store === undefined && process.env.DROVER_E2E_STORE === 'postgres';
    this.storeUrl = this.ownsDatabase ? createDatabase()
                  : options.store && options.store !== 'sqlite' ? options.store : null;
    // The flags that name this server's store, for drover keys and import.
    this.storeFlags = ['--data-dir', this.dataDir, ...(this.storeUrl ? ['--store', this.storeUrl] : [])];
  }

  async start() {
    this.proc = spawn(droverBin, ['serve', '--listen', '127.0.0.1:0', ...this.storeFlags,
                                  '--stop-grace-seconds', '2', ...this.args],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
    this.log = '';
    this.port = await new Promise((resolve, reject) => {
      const onData = (chunk) => {
        this.log += chunk;
        const m = /listening on [\d.]+:(\d+)/.exec(this.log);
        if (m) resolve(Number(m[1]));
      };
      this.proc.stdout.on('data', onData);
      this.proc.stderr.on('data', onData);
      this.proc.on('exit', (code) => reject(new Error(`drover exited with ${code}:\n${this.log}`)));
    });
    this.endpoint = `127.0.0.1:${this.port}`;
    if (!this.args.includes('off')) {
      // The admin key the server writes on its first start.
      this.adminKey = JSON.parse(readFileSync(path.join(this.dataDir, 'admin-key.json'), 'utf8'));
    }
    return this;
  }

  // Graceful stop (SIGTERM), or a crash (SIGKILL).
  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill(signal);
    await exited;
  }

  cleanup() {
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.ownsDatabase) dropDatabase(this.storeUrl);
  }
}

// A fresh database on the run's PostgreSQL: its URL.
let databases = 0;
export function createDatabase() {
  const server = process.env.DROVER_TEST_POSTGRES;
  if (!server) throw new Error('DROVER_TEST_POSTGRES is not set: run through scripts/test-postgres.sh run');
  const name = `e2e_${process.pid}_${databases++}`;
  execFileSync('psql', [server, '-q', '-c', `DROP DATABASE IF EXISTS ${name}`, '-c', `CREATE DATABASE ${name}`],
               { stdio: ['ignore', 'ignore', 'pipe'] });
  return server.replace(/\/[^/?]*\?/, `/${name}?`);
}

export function dropDatabase(url) {
  const name = /\/([^/?]+)\?/.exec(url)[1];
  try {
    execFileSync('psql', [process.env.DROVER_TEST_POSTGRES, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`],
                 { stdio: ['ignore', 'ignore', 'ignore'] });
  } catch { /* the server is gone: nothing to drop */ }
}

// The Alibaba Cloud generic client (@alicloud/openapi-client), ROA style,
// pointed at the server as shared/spec/auth-and-errors.md §5.1 describes.
// `key` is {AccessKeyId, AccessKeySecret} as `drover keys create` prints it;
// `options` go to the SDK's Config (e.g. signatureAlgorithm: 'v2').
export class PopClient {
  constructor(endpoint, key, version, options = {}) {
    this.version = version;
    this.client = new OpenApi.default(new OpenApi.Config({
      accessKeyId: key?.AccessKeyId ?? 'unsigned', accessKeySecret: key?.AccessKeySecret ?? 'unsigned',
      endpoint, protocol: 'http', regionId: 'cn-hangzhou', ...options,
    }));
  }

  async call(action, method, pathname, { query, body, headers } = {}) {
    const params = new OpenApi.Params({
      action, version: this.version, protocol: 'HTTPS', pathname, method,
      authType: 'AK', style: 'ROA', reqBodyType: 'json', bodyType: 'json',
    });
    const request = new OpenApi.OpenApiRequest({
      query: query ? OpenApiUtil.query(query) : undefined,
      body,
      headers,
    });
    const response = await this.client.callApi(params, request, new Util.RuntimeOptions({}));
    return response.body;
  }
}

// PAI-DLC (2020-12-03).
export class DlcClient extends PopClient {
  constructor(endpoint, key, options = {}) { super(endpoint, key, '2020-12-03', options); }

  createJob(body) { return this.call('CreateJob', 'POST', '/api/v1/jobs', { body }); }
  getJob(id, query) { return this.call('GetJob', 'GET', `/api/v1/jobs/${id}`, { query }); }
  listJobs(query = {}) { return this.call('ListJobs', 'GET', '/api/v1/jobs', { query }); }
  updateJob(id, body) { return this.call('UpdateJob', 'PUT', `/api/v1/jobs/${id}`, { body }); }
  stopJob(id) { return this.call('StopJob', 'POST', `/api/v1/jobs/${id}/stop`); }
  deleteJob(id) { return this.call('DeleteJob', 'DELETE', `/api/v1/jobs/${id}`); }
  getJobEvents(id, query) { return this.call('GetJobEvents', 'GET', `/api/v1/jobs/${id}/events`, { query }); }
}

// PAI AIWorkSpace (2021-02-04): datasets, versions, labels, workspaces.
export class DatasetClient extends PopClient {
  constructor(endpoint, key, options = {}) { super(endpoint, key, '2021-02-04', options); }

  createDataset(body) { return this.call('CreateDataset', 'POST', '/api/v1/datasets', { body }); }
  getDataset(id) { return this.call('GetDataset', 'GET', `/api/v1/datasets/${id}`); }
  listDatasets(query = {}) { return this.call('ListDatasets', 'GET', '/api/v1/datasets', { query }); }
  updateDataset(id, body) { return this.call('UpdateDataset', 'PUT', `/api/v1/datasets/${id}`, { body }); }
  deleteDataset(id) { return this.call('DeleteDataset', 'DELETE', `/api/v1/datasets/${id}`); }
  createVersion(id, body) {
    return this.call('CreateDatasetVersion', 'POST', `/api/v1/datasets/${id}/versions`, { body });
  }
  getVersion(id, name) {
    return this.call('GetDatasetVersion', 'GET', `/api/v1/datasets/${id}/versions/${name}`);
  }
  listVersions(id, query = {}) {
    return this.call('ListDatasetVersions', 'GET', `/api/v1/datasets/${id}/versions`, { query });
  }
  updateVersion(id, name, body) {
    return this.call('UpdateDatasetVersion', 'PUT', `/api/v1/datasets/${id}/versions/${name}`, { body });
  }
  deleteVersion(id, name) {
    return this.call('DeleteDatasetVersion', 'DELETE', `/api/v1/datasets/${id}/versions/${name}`);
  }
  createLabels(id, Labels) {
    return this.call('CreateDatasetLabels', 'POST', `/api/v1/datasets/${id}/labels`, { body: { Labels } });
  }
  deleteLabels(id, keys) {
    return this.call('DeleteDatasetLabels', 'DELETE', `/api/v1/datasets/${id}/labels`,
                     { query: { LabelKeys: keys.join(',') } });
  }
  createVersionLabels(id, name, Labels) {
    return this.call('CreateDatasetVersionLabels', 'PUT', `/api/v1/datasets/${id}/versions/${name}/labels`,
                     { body: { Labels } });
  }
  deleteVersionLabels(id, name, keys) {
    return this.call('DeleteDatasetVersionLabels', 'DELETE', `/api/v1/datasets/${id}/versions/${name}/labels`,
                     { query: { Keys: keys.join(',') } });
  }
  createJob(id, body) { return this.call('CreateDatasetJob', 'POST', `/api/v1/datasets/${id}/datasetjobs`, { body }); }
  getJob(id, jobId) { return this.call('GetDatasetJob', 'GET', `/api/v1/datasets/${id}/datasetjobs/${jobId}`); }
  listJobs(id, query = {}) { return this.call('ListDatasetJobs', 'GET', `/api/v1/datasets/${id}/datasetjobs`, { query }); }
  stopJob(id, jobId) {
    return this.call('StopDatasetJob', 'PUT', `/api/v1/datasets/${id}/datasetjobs/${jobId}/action/stop`, { body: {} });
  }
  listFiles(id, query) { return this.call('ListDatasetFileMetas', 'GET', `/api/v1/datasets/${id}/datasetfilemetas`, { query }); }
  listWorkspaces(query = {}) { return this.call('ListWorkspaces', 'GET', '/api/v1/workspaces', { query }); }
  getWorkspace(id, query) { return this.call('GetWorkspace', 'GET', `/api/v1/workspaces/${id}`, { query }); }
}

// `drover keys create` against a server's store: the key it prints.
export function createKey(server, ...args) {
  return JSON.parse(execFileSync(droverBin, ['keys', 'create', ...server.storeFlags, ...args]).toString());
}

// The Huawei Cloud SDK core (@huaweicloud/huaweicloud-sdk-core) as a
// generic ModelArts client, set up as shared/spec/auth-and-errors.md says.
export class ModelArtsClient {
  constructor(endpoint, key, projectId = key?.Tenant ?? 'project-1') {
    const cred = new HuaweiCore.BasicCredentials().withAk(key?.AccessKeyId ?? 'unsigned')
      .withSk(key?.AccessKeySecret ?? 'unsigned').withProjectId(projectId);
    Object.assign(this, { cred, endpoint, projectId });
    this.client = new HuaweiBuilder.ClientBuilder((h) => h).withEndpoint(`http://${endpoint}`)
      .withCredential(cred).build();
  }

  async call(method, url, { query = {}, body } = {}) {
    const response = await this.client.sendRequest({
      method, url: `/v1/{project_id}${url}`, contentType: 'application/json',
      headers: { 'content-type': 'application/json' }, pathParams: {}, queryParams: query, data: body,
    });
    const { httpStatusCode, ...rest } = response;
    return rest;
  }

  // A plain fetch signed by the SDK's own signer: the whole response, for
  // what the SDK's exceptions do not carry (the error body).
  async raw(method, url, body) {
    const full = `http://${this.endpoint}/v1/${this.projectId}${url}`;
    const data = body ? JSON.stringify(body) : undefined;
    const headers = HuaweiSigner.AKSKSigner.sign({ endpoint: full, method, headers: { 'content-type': 'application/json' },
                                                   queryParams: {}, data: body }, this.cred);
    delete headers.host;
    return fetch(full, { method, headers, body: data });
  }

  list(query) { return this.call('GET', '/training-jobs', { query }); }
  create(body) { return this.call('POST', '/training-jobs', { body }); }
  createVersion(jobId, body) { return this.call('POST', `/training-jobs/${jobId}/versions`, { body }); }
  versions(jobId, query) { return this.call('GET', `/training-jobs/${jobId}/versions`, { query }); }
  version(jobId, versionId) { return this.call('GET', `/training-jobs/${jobId}/versions/${versionId}`); }
  stopVersion(jobId, versionId) { return this.call('POST', `/training-jobs/${jobId}/versions/${versionId}/stop`); }
  deleteVersion(jobId, versionId) { return this.call('DELETE', `/training-jobs/${jobId}/versions/${versionId}`); }
  deleteJob(jobId) { return this.call('DELETE', `/training-jobs/${jobId}`); }
  describe(jobId, desc) { return this.call('PUT', `/training-jobs/${jobId}`, { body: { job_desc: desc } }); }
}

// The HTTP status, error_code and error_message of a failed SDK call, as
// the SDK's ClientRequestException carries them.
export async function modelArtsError(promise) {
  const err = await sdkError(promise);
  return { status: err.httpStatusCode, code: err.errorCode, message: err.errorMsg };
}

// Polls GetJob until `done(job)` holds; fails after `timeoutMs`. Jobs move
// on the server's own time, so waiting on their state is the only way.
export async function waitForJob(dlc, jobId, done, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let job;
  while (Date.now() < deadline) {
    job = await dlc.getJob(jobId);
    if (done(job)) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${jobId} did not get there in ${timeoutMs} ms; last seen: ${JSON.stringify(job).slice(0, 2000)}`);
}

export const TERMINAL = ['Succeeded', 'Failed', 'Stopped'];
export const waitForStatus = (dlc, jobId, status) => waitForJob(dlc, jobId, (j) => j.Status === status);
export const waitForEnd = (dlc, jobId) => waitForJob(dlc, jobId, (j) => TERMINAL.includes(j.Status));

// Runs `promise` and returns the SDK's error; fails when it succeeds.
export async function sdkError(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

// A valid CreateJob body with `overrides` applied; by default its one pod
// sleeps until stopped.
export function jobBody(overrides = {}) {
  return {
    DisplayName: 'job',
    JobType: 'PyTorchJob',
    JobSpecs: [{ Type: 'Worker', Image: 'pytorch:2.1', PodCount: 1,
                 ResourceConfig: { CPU: '2', GPU: '1', Memory: '4Gi' } }],
    UserCommand: 'sleep 1000 # python train.py',
    ...overrides,
  };
}

// A node large enough for every fixture job to run at once.
export const BIG_NODE = ['--cpus', '256', '--gpus', '64', '--memory', '1024Gi'];

export const UUID_UPPER = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

// The run's Slurm cluster (scripts/test-slurm.sh): SLURM_CONF when make test
// started one, else one started here for this process — stopped by
// stopSlurm(). Returns the cluster's directory (its slurm.conf is there).
let ownSlurm = null;
export function startSlurm() {
  if (process.env.SLURM_CONF) return path.dirname(process.env.SLURM_CONF);
  ownSlurm = mkdtempSync(path.join(tmpdir(), 'drover-slurm-'));
  process.env.SLURM_CONF = execFileSync(path.resolve(here, '../../scripts/test-slurm.sh'), ['start', ownSlurm],
                                        { encoding: 'utf8' }).trim();
  return ownSlurm;
}
export function stopSlurm() {
  try {
    execFileSync('scancel', ['--me', '--full'], { stdio: 'ignore' });
  } catch { /* nothing to cancel */ }
  if (!ownSlurm) return;
  execFileSync(path.resolve(here, '../../scripts/test-slurm.sh'), ['remove', ownSlurm], { stdio: 'ignore' });
  delete process.env.SLURM_CONF;
  ownSlurm = null;
}

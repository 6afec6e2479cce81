// The PAI-DLC calls the console makes: the same API, signatures and
// permissions as any SDK's (no side door). A refusal is thrown as the
// API's own error: {status, code, message, requestId}.
import { signedFetch } from './acs3.js';

const DLC = '2020-12-03';
const AIWORKSPACE = '2021-02-04';  // datasets, their versions, files and jobs
const enc = encodeURIComponent;

export class ApiError extends Error {
  constructor(status, body) {
    super(body.Message || `HTTP ${status}`);
    this.status = status;
    this.code = body.Code || '';
    this.requestId = body.RequestId || '';
  }
}

export class Api {
  constructor(key) { this.key = key; }

  async call(action, method, path, { query, body } = {}, version = DLC) {
    const response = await signedFetch(this.key, { method, path, query, body, action, version });
    const text = await response.text();
    let parsed = {};
    try { parsed = text ? JSON.parse(text) : {}; } catch { parsed = { Message: text }; }
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed;
  }

  listJobs(query) { return this.call('ListJobs', 'GET', '/api/v1/jobs', { query }); }
  getJob(id) { return this.call('GetJob', 'GET', `/api/v1/jobs/${encodeURIComponent(id)}`); }
  jobEvents(id) {
    return this.call('GetJobEvents', 'GET', `/api/v1/jobs/${encodeURIComponent(id)}/events`,
                     { query: { StartTime: '2000-01-01T00:00:00Z', MaxEventsNum: 2000 } });
  }
  // A pod's log lines, numbered: the last `maxLines`, or from line `fromLine`
  // on (FromLine and WithLineNumbers are Drover's own; FirstLine answers).
  podLogs(id, pod, maxLines, fromLine) {
    return this.call('GetPodLogs', 'GET', `/api/v1/jobs/${encodeURIComponent(id)}/pods/${encodeURIComponent(pod)}/logs`,
                     { query: { MaxLines: maxLines, FromLine: fromLine, WithLineNumbers: fromLine ? undefined : 'true' } });
  }
  stopJob(id) { return this.call('StopJob', 'POST', `/api/v1/jobs/${encodeURIComponent(id)}/stop`); }
  updateJob(id, body) { return this.call('UpdateJob', 'PUT', `/api/v1/jobs/${encodeURIComponent(id)}`, { body }); }
  createJob(body) { return this.call('CreateJob', 'POST', '/api/v1/jobs', { body }); }
  // Datasets (AIWorkSpace).
  dataset(action, method, path, query) { return this.call(action, method, path, { query }, AIWORKSPACE); }
  listDatasets(query) { return this.dataset('ListDatasets', 'GET', '/api/v1/datasets', query); }
  getDataset(id) { return this.dataset('GetDataset', 'GET', `/api/v1/datasets/${enc(id)}`); }
  listVersions(id, query) { return this.dataset('ListDatasetVersions', 'GET', `/api/v1/datasets/${enc(id)}/versions`, query); }
  listFiles(id, query) { return this.dataset('ListDatasetFileMetas', 'GET', `/api/v1/datasets/${enc(id)}/datasetfilemetas`, query); }
  // A catalogued file's bytes (Drover's own call), as a Blob.
  async fileContent(id, fileId) {
    const response = await signedFetch(this.key, { method: 'GET', action: 'GetDatasetFileContent', version: AIWORKSPACE,
      path: `/api/v1/datasets/${enc(id)}/datasetfilemetas/${enc(fileId)}/content` });
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
    return response.blob();
  }
  listDatasetJobs(id, query) { return this.dataset('ListDatasetJobs', 'GET', `/api/v1/datasets/${enc(id)}/datasetjobs`, query); }
  // Drover's own call beside DLC's: the series the server keeps (api/dlc/overview_api.h).
  overview(since) { return this.call('GetOverview', 'GET', '/api/v1/drover/overview', { query: { Since: since } }); }
}

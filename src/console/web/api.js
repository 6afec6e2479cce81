// The PAI-DLC calls the console makes: the same API, signatures and
// permissions as any SDK's (no side door). A refusal is thrown as the
// API's own error: {status, code, message, requestId}.
import { signedFetch } from './acs3.js';

const DLC = '2020-12-03';

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

  async call(action, method, path, { query, body } = {}) {
    const response = await signedFetch(this.key, { method, path, query, body, action, version: DLC });
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
  podLogs(id, pod, maxLines) {
    return this.call('GetPodLogs', 'GET', `/api/v1/jobs/${encodeURIComponent(id)}/pods/${encodeURIComponent(pod)}/logs`,
                     { query: { MaxLines: maxLines } });
  }
  stopJob(id) { return this.call('StopJob', 'POST', `/api/v1/jobs/${encodeURIComponent(id)}/stop`); }
  updateJob(id, body) { return this.call('UpdateJob', 'PUT', `/api/v1/jobs/${encodeURIComponent(id)}`, { body }); }
  createJob(body) { return this.call('CreateJob', 'POST', '/api/v1/jobs', { body }); }
  // Drover's own call beside DLC's: the series the server keeps (api/dlc/overview_api.h).
  overview(since) { return this.call('GetOverview', 'GET', '/api/v1/drover/overview', { query: { Since: since } }); }
}

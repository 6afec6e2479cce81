// The Drover console: a client of the PAI-DLC API in the browser. The key
// lives in this tab's sessionStorage and signs every call (acs3.js); the
// page's state is in the URL (#/jobs?Status=Running…), so a view can be
// bookmarked and shared.
import { Api, ApiError } from './api.js';
import { ossCall, presignedUrl } from './oss.js';
import uPlot from './uPlot.esm.js';

const main = document.getElementById('main');
const KEY = 'drover.key';
const STATUSES = ['Creating', 'Queuing', 'Running', 'Succeeded', 'Failed', 'Stopped'];
const TERMINAL = ['Succeeded', 'Failed', 'Stopped'];
const RANGES = { '24h': 1, '7d': 7, '30d': 30, '1y': 365 };
let api = null;
let cleanup = () => {};  // the current view's timers

// h('td', {class: 'num'}, 'text', child…): an element.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

const errorText = (e) => (e instanceof ApiError
  ? `${e.code || 'Error'} (HTTP ${e.status}): ${e.message}${e.requestId ? ` [RequestId ${e.requestId}]` : ''}`
  : String(e.message || e));
const showError = (where, e) => where.replaceChildren(h('div', { class: 'error', role: 'alert' }, errorText(e)));
const time = (iso) => (iso ? iso.replace('T', ' ').replace('Z', '') : '');
// UTC milliseconds as the APIs' ISO-8601 seconds ("2026-11-27T10:00:00Z").
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
function duration(seconds) {
  if (!seconds) return '';
  const d = Math.floor(seconds / 86400), hh = Math.floor(seconds / 3600) % 24, m = Math.floor(seconds / 60) % 60;
  return d ? `${d}d ${hh}h` : hh ? `${hh}h ${m}m` : m ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

function storedKey() {
  try { return JSON.parse(sessionStorage.getItem(KEY)); } catch { return null; }
}

function route() {
  cleanup();
  cleanup = () => {};
  const key = storedKey();
  document.getElementById('sign-out').hidden = !key;
  document.getElementById('who').textContent = key ? key.id : '';
  if (!key) return showSignIn();
  api = new Api(key);
  const [path, qs] = location.hash.slice(1).split('?');
  if (path.startsWith('/jobs/')) return showJob(decodeURIComponent(path.slice('/jobs/'.length)));
  if (path === '/overview') return showOverview(new URLSearchParams(qs || ''));
  if (path === '/datasets') return showDatasets(new URLSearchParams(qs || ''));
  if (path === '/batch') return showBatchJobs(new URLSearchParams(qs || ''));
  if (path.startsWith('/datasets/')) {
    return showDataset(decodeURIComponent(path.slice('/datasets/'.length)), new URLSearchParams(qs || ''));
  }
  if (path !== '/jobs') return void (location.hash = '#/jobs');
  return showJobs(new URLSearchParams(qs || ''));
}

// ---- sign-in --------------------------------------------------------------
function showSignIn() {
  const id = h('input', { id: 'key-id', name: 'id', required: true, autocomplete: 'username', 'aria-label': 'AccessKeyId' });
  const secret = h('input', { id: 'key-secret', name: 'secret', type: 'password', required: true,
                              autocomplete: 'current-password', 'aria-label': 'AccessKeySecret' });
  const message = h('div');
  const form = h('form', { class: 'signin', onsubmit: async (event) => {
    event.preventDefault();
    const key = { id: id.value.trim(), secret: secret.value };
    try {
      await new Api(key).listJobs({ PageSize: 1 });  // the key is checked by the API itself
      sessionStorage.setItem(KEY, JSON.stringify(key));
      location.hash = '#/jobs';
      route();
    } catch (e) {
      showError(message, e);
    }
  } },
  h('h1', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'With an access key (drover keys create). It signs each API call in this tab and is not sent.'),
  h('label', { for: 'key-id' }, 'AccessKeyId'), id,
  h('label', { for: 'key-secret' }, 'AccessKeySecret'), secret,
  h('button', { class: 'primary', type: 'submit', id: 'sign-in' }, 'Sign in'), message);
  main.replaceChildren(form);
  id.focus();
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  location.hash = '#/signin';
  route();
});

// ---- jobs -----------------------------------------------------------------
// The ListJobs query of the URL's filters (without paging or status).
function listQuery(p) {
  const days = RANGES[p.get('Range') || '7d'] || 7;
  const now = Date.now();
  const q = {
    StartTime: isoSeconds(now - days * 86400e3), EndTime: isoSeconds(now + 60e3),
    DisplayName: p.get('DisplayName'), DisplayNameSearchMode: p.get('DisplayNameSearchMode'),
    JobType: p.get('JobType'), WorkspaceId: p.get('WorkspaceId'),
    SortBy: p.get('SortBy'), Order: p.get('Order'),
  };
  const tags = (p.get('Tags') || '').split(',').map((t) => t.trim()).filter(Boolean);
  if (tags.length) q.Tags = JSON.stringify(Object.fromEntries(tags.map((t) => [t.split('=')[0], t.split('=').slice(1).join('=')])));
  if (p.get('Search')) q[`${p.get('SearchIn') || 'Reason'}Search`] = p.get('Search');
  return q;
}

// Shows `route` with the view's parameters `p` changed (an empty value
// removes one): the URL is the view's state.
function navigate(route, p, changes) {
  for (const [k, v] of Object.entries(changes)) (v ? p.set(k, v) : p.delete(k));
  location.hash = `${route}?${p}`;
}
const setParams = (p, changes) => navigate('#/jobs', p, changes);

function showJobs(p) {
  const pageSize = Math.min(Math.max(Number(p.get('PageSize')) || 50, 1), 100);
  const field = (name, attrs, options) => {
    const value = p.get(name) || attrs.value || '';
    const el = options
      ? h('select', { name, 'aria-label': attrs.label }, options.map(([v, t]) => h('option', { value: v, selected: value === v }, t)))
      : h('input', { name, value: p.get(name) || '', placeholder: attrs.label, 'aria-label': attrs.label, size: attrs.size || 14 });
    el.addEventListener('change', () => setParams(p, { [name]: el.value }));
    return el;
  };
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Status' });
  const message = h('div');
  const body = h('tbody');
  const pageInfo = h('span');
  const tokens = [''];  // NextToken of each page walked so far
  const sortHeader = (label, sortBy) => h('th', {}, sortBy ? h('button', { type: 'button', onclick: () => setParams(p, {
    SortBy: sortBy, Order: p.get('SortBy') === sortBy && p.get('Order') === 'asc' ? 'desc' : 'asc' }) },
  label, p.get('SortBy') === sortBy ? (p.get('Order') === 'asc' ? ' ▲' : ' ▼') : '') : label);
  const prev = h('button', { type: 'button', id: 'prev', onclick: () => { tokens.pop(); tokens.pop(); load(); } }, '‹ Previous');
  const next = h('button', { type: 'button', id: 'next', onclick: () => load() }, 'Next ›');
  main.replaceChildren(
    h('div', { class: 'filters' },
      field('DisplayName', { label: 'Name' }),
      field('DisplayNameSearchMode', { label: 'Name match' }, [['', 'contains'], ['prefix', 'prefix'], ['fulltext', 'words'], ['term', 'exact']]),
      field('JobType', { label: 'Type' }, [['', 'any type'], ...['PyTorchJob', 'TFJob', 'XGBoostJob', 'OneFlowJob', 'ElasticBatchJob'].map((t) => [t, t])]),
      field('WorkspaceId', { label: 'Workspace', size: 8 }),
      field('Range', { label: 'Created', value: '7d' }, Object.keys(RANGES).map((r) => [r, `last ${r}`])),
      field('Tags', { label: 'Tags k=v,…' }),
      field('SearchIn', { label: 'Search in', value: 'Reason' }, [['Reason', 'reason'], ['UserCommand', 'command'], ['Image', 'image']]),
      field('Search', { label: 'Full-text search' })),
    chips, message,
    h('table', { id: 'jobs' }, h('thead', {}, h('tr', {}, sortHeader('Job', 'DisplayName'), sortHeader('Type', 'JobType'),
      sortHeader('Status', 'Status'), sortHeader('Created', 'GmtCreateTime'), sortHeader('Finished', 'GmtFinishTime'),
      h('th', {}, 'Duration'), h('th', {}, 'User'), h('th', {}, 'Workspace'))), body),
    h('div', { class: 'pager' }, prev, next, pageInfo));

  const base = listQuery(p);
  const status = p.get('Status') || '';
  async function counts() {
    const totals = await Promise.all(['', ...STATUSES].map((s) => api.listJobs({ ...base, Status: s, PageSize: 1 })
      .then((r) => r.TotalCount, () => '?')));
    chips.replaceChildren(...['', ...STATUSES].map((s, i) => h('button', {
      type: 'button', class: 'chip', 'aria-pressed': String(s === status), 'data-status': s || 'All',
      onclick: () => setParams(p, { Status: s }) }, s || 'All', h('span', { class: 'count' }, String(totals[i])))));
  }
  function render(page) {
    body.replaceChildren(...page.Jobs.map((j) => h('tr', { 'data-job': j.JobId },
      h('td', {}, h('a', { href: `#/jobs/${encodeURIComponent(j.JobId)}` }, j.DisplayName), ' ', h('span', { class: 'muted' }, j.JobId)),
      h('td', {}, j.JobType), h('td', { class: `status status-${j.Status}` }, j.Status),
      h('td', {}, time(j.GmtCreateTime)), h('td', {}, time(j.GmtFinishTime)), h('td', { class: 'num' }, duration(j.Duration)),
      h('td', {}, j.UserId), h('td', {}, j.WorkspaceId))));
    const number = tokens.length - 1;
    pageInfo.textContent = `page ${number} · ${page.TotalCount} jobs`;
    prev.disabled = number <= 1;
    next.disabled = !page.NextToken;
  }
  // Loads the page after the last walked (`refresh`: the current one again).
  async function load(refresh = false) {
    const token = refresh ? tokens[tokens.length - 2] : tokens[tokens.length - 1];
    try {
      const page = await api.listJobs({ ...base, Status: status, PageSize: pageSize, NextToken: token || undefined });
      if (!refresh) tokens.push(page.NextToken || '');
      else tokens[tokens.length - 1] = page.NextToken || '';
      message.replaceChildren();
      render(page);
    } catch (e) {
      showError(message, e);
    }
  }
  load();
  counts();
  // Live: the page and the counts again every 5 s, in place.
  const timer = setInterval(() => { if (!document.hidden) { load(true); counts(); } }, 5000);
  cleanup = () => clearInterval(timer);
}

// ---- overview -------------------------------------------------------------
const SPANS = { '1h': 3600e3, '1d': 86400e3, '1w': 7 * 86400e3 };
const PALETTE = ['#0b63c5', '#1a7f37', '#c62828', '#9a6700', '#8250df', '#bf3989', '#1b7c83', '#6e7781'];

// The series the server keeps, plotted: jobs by status, the queue and its
// longest wait, resources allocated, submissions and completions. Redrawn
// every 10 s; below the plots, the latest sample's numbers as a table.
function showOverview(p) {
  const span = p.get('Range') in SPANS ? p.get('Range') : '1h';
  const message = h('div');
  const charts = h('div', { class: 'grid', id: 'charts' });
  const latest = h('div', { class: 'panel', id: 'latest' });
  main.replaceChildren(h('div', { class: 'filters' }, h('h1', {}, 'Overview'),
    h('div', { class: 'chips', role: 'group', 'aria-label': 'Range' }, Object.keys(SPANS).map((s) => h('button', {
      type: 'button', class: 'chip', 'aria-pressed': String(s === span), 'data-range': s,
      onclick: () => { location.hash = `#/overview?Range=${s}`; } }, `last ${s}`)))), message, charts, latest);
  const css = getComputedStyle(document.documentElement);
  const axis = { stroke: css.getPropertyValue('--muted').trim(), grid: { stroke: css.getPropertyValue('--line').trim() } };
  const plots = [];
  function plot(id, title, names, data) {
    const panel = h('div', { class: 'panel chart', id });
    charts.append(panel);
    panel.append(h('h2', {}, title));
    const width = Math.max(300, panel.clientWidth - 24);
    plots.push(new uPlot({ width, height: 220, axes: [axis, axis], legend: { live: false },
      series: [{}, ...names.map((name, i) => ({ label: name, stroke: PALETTE[i % PALETTE.length], width: 2 }))] },
    data, panel));
  }
  async function draw() {
    try {
      const { Samples: samples, Interval: interval } = await api.overview(
        isoSeconds(Date.now() - SPANS[span]));
      message.replaceChildren(samples.length ? '' : h('p', { class: 'muted' },
        `No samples yet: the server takes one every ${interval} s.`));
      plots.splice(0).forEach((u) => u.destroy());
      charts.replaceChildren();
      const times = samples.map((s) => Date.parse(s.Time) / 1000);
      const statuses = [...new Set(samples.flatMap((s) => Object.keys(s.Jobs)))].sort();
      const pct = (r) => (r.Capacity ? (100 * r.Allocated) / r.Capacity : 0);
      plot('chart-status', 'Jobs by status', statuses, [times, ...statuses.map((st) => samples.map((s) => s.Jobs[st] || 0))]);
      plot('chart-queue', 'Queue: jobs waiting, and the longest wait (s)', ['Queued', 'Longest wait (s)'],
           [times, samples.map((s) => s.Queued), samples.map((s) => s.LongestWaitSeconds)]);
      plot('chart-resources', 'Allocated, % of capacity', ['CPU', 'Memory', 'GPU'],
           [times, samples.map((s) => pct(s.CPU)), samples.map((s) => pct(s.Memory)), samples.map((s) => pct(s.GPU))]);
      plot('chart-throughput', `Submitted and finished per ${interval} s`, ['Submitted', 'Finished'],
           [times, samples.map((s) => s.Submitted), samples.map((s) => s.Finished)]);
      const last = samples[samples.length - 1];
      if (!last) return latest.replaceChildren();
      const row = (k, v) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: 'num' }, String(v)));
      latest.replaceChildren(h('h2', {}, `Latest sample, ${time(last.Time)}`), h('table', { id: 'latest-table' }, h('tbody', {},
        ...statuses.map((st) => row(st, last.Jobs[st] || 0)),
        row('Queued', last.Queued), row('Longest wait (s)', last.LongestWaitSeconds),
        row('CPU cores allocated / capacity', `${last.CPU.Allocated} / ${last.CPU.Capacity}`),
        row('GPUs allocated / capacity', `${last.GPU.Allocated} / ${last.GPU.Capacity}`),
        row('Memory GiB allocated / capacity', `${(last.Memory.Allocated / 2 ** 30).toFixed(1)} / ${(last.Memory.Capacity / 2 ** 30).toFixed(1)}`),
        row('Submitted', last.Submitted), row('Finished', last.Finished))));
    } catch (e) {
      showError(message, e);
    }
  }
  draw();
  const timer = setInterval(() => { if (!document.hidden) draw(); }, 10000);
  cleanup = () => { clearInterval(timer); plots.forEach((u) => u.destroy()); };
}

// ---- datasets -------------------------------------------------------------
const bytes = (n) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB`
  : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n ?? 0} B`);
const labels = (list) => (list || []).map((l) => `${l.Key}=${l.Value}`).join(', ');

function showDatasets(p) {
  const page = Math.max(Number(p.get('PageNumber')) || 1, 1);
  const go = (changes) => navigate('#/datasets', p, changes);
  const input = (name, label) => {
    const el = h('input', { name, value: p.get(name) || '', placeholder: label, 'aria-label': label });
    el.addEventListener('change', () => go({ [name]: el.value, PageNumber: '' }));
    return el;
  };
  const message = h('div');
  const body = h('tbody');
  const info = h('span');
  main.replaceChildren(h('div', { class: 'filters' }, h('h1', {}, 'Datasets'), input('Name', 'Name'),
                         input('WorkspaceId', 'Workspace'), input('Label', 'Label')), message,
    h('table', { id: 'datasets' }, h('thead', {}, h('tr', {}, ['Dataset', 'Type', 'Property', 'Source', 'Labels', 'Created',
      'Workspace'].map((t) => h('th', {}, t)))), body),
    h('div', { class: 'pager' },
      h('button', { type: 'button', id: 'prev', disabled: page <= 1, onclick: () => go({ PageNumber: String(page - 1) }) }, '‹ Previous'),
      h('button', { type: 'button', id: 'next', onclick: () => go({ PageNumber: String(page + 1) }) }, 'Next ›'), info));
  api.listDatasets({ Name: p.get('Name'), WorkspaceId: p.get('WorkspaceId'), Label: p.get('Label'),
                     PageNumber: page, PageSize: 50, SortBy: 'GmtCreateTime', Order: 'DESC' }).then((r) => {
    body.replaceChildren(...r.Datasets.map((d) => h('tr', { 'data-dataset': d.DatasetId },
      h('td', {}, h('a', { href: `#/datasets/${encodeURIComponent(d.DatasetId)}` }, d.Name), ' ', h('span', { class: 'muted' }, d.DatasetId)),
      h('td', {}, d.DataType), h('td', {}, d.Property), h('td', {}, `${d.DataSourceType} ${d.Uri}`),
      h('td', {}, labels(d.Labels)), h('td', {}, time(d.GmtCreateTime)), h('td', {}, d.WorkspaceId))));
    info.textContent = `page ${page} · ${r.TotalCount} datasets`;
    main.querySelector('#next').disabled = page * 50 >= r.TotalCount;
  }, (e) => showError(message, e));
}

// A dataset: its fields and labels, its versions, and for the version
// chosen its file catalogue (by directory, name and tags, NextToken pages)
// and its dataset jobs.
function showDataset(id, p) {
  const message = h('div');
  const head = h('div');
  const versions = h('div', { class: 'panel' });
  const files = h('div', { class: 'panel' });
  const djobs = h('div', { class: 'panel' });
  main.replaceChildren(h('p', {}, h('a', { href: '#/datasets' }, '‹ Datasets')), head, message, versions, files, djobs);
  const go = (changes) => navigate(`#/datasets/${encodeURIComponent(id)}`, p, changes);
  (async () => {
    try {
      const [d, list] = await Promise.all([api.getDataset(id), api.listVersions(id, { PageSize: 100, PageNumber: 1 })]);
      const row = (k, v) => [h('dt', {}, k), h('dd', {}, v ?? '')];
      head.replaceChildren(h('h1', {}, d.Name), h('div', { class: 'panel' }, h('dl', {},
        row('DatasetId', d.DatasetId), row('Workspace', d.WorkspaceId), row('Data type', d.DataType), row('Property', d.Property),
        row('Source', `${d.DataSourceType} ${d.Uri}`), row('Labels', labels(d.Labels)), row('Description', d.Description),
        row('Created', time(d.GmtCreateTime)))));
      const version = p.get('Version') || list.DatasetVersions[list.DatasetVersions.length - 1]?.VersionName || 'v1';
      versions.replaceChildren(h('h2', {}, 'Versions'), h('table', { id: 'versions' },
        h('thead', {}, h('tr', {}, ['Version', 'Uri', 'Files', 'Size', 'Labels', 'Created'].map((t) => h('th', {}, t)))),
        h('tbody', {}, list.DatasetVersions.map((v) => h('tr', { 'aria-current': v.VersionName === version ? 'true' : null },
          h('td', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); go({ Version: v.VersionName, Dir: '', FileName: '', Tags: '' }); } },
            v.VersionName)), h('td', {}, v.Uri), h('td', { class: 'num' }, String(v.DataCount ?? '')),
          h('td', { class: 'num' }, bytes(v.DataSize)), h('td', {}, labels(v.Labels)), h('td', {}, time(v.GmtCreateTime)))))));
      const root = list.DatasetVersions.find((v) => v.VersionName === version)?.Uri || '';
      showFiles(files, id, d.WorkspaceId, version, root, p, go);
      const jobs = await api.listDatasetJobs(id, { DatasetVersion: version, WorkspaceId: d.WorkspaceId, PageSize: 50 });
      djobs.replaceChildren(h('h2', {}, `Dataset jobs of ${version}`), h('table', { id: 'dataset-jobs' },
        h('thead', {}, h('tr', {}, ['Job', 'Action', 'Status', 'Files done / failed / all', 'Created', 'Finished'].map((t) => h('th', {}, t)))),
        h('tbody', {}, jobs.DatasetJobs.map((j) => h('tr', {}, h('td', {}, j.DatasetJobId), h('td', {}, j.JobAction),
          h('td', { class: 'status' }, j.Status),
          h('td', { class: 'num' }, `${j.CompletedFileCount ?? 0} / ${j.FailedFileCount ?? 0} / ${j.TotalFileCount ?? 0}`),
          h('td', {}, time(j.CreateTime)), h('td', {}, time(j.FinishTime)))))));
    } catch (e) {
      showError(message, e);
    }
  })();
}

function showFiles(panel, id, workspace, version, root, p, go) {
  const dir = p.get('Dir') || '';
  const message = h('div');
  const body = h('tbody');
  const info = h('span', { class: 'muted', id: 'files-info' });
  const tokens = [''];
  const name = h('input', { value: p.get('FileName') || '', placeholder: 'File name', 'aria-label': 'File name', id: 'file-name' });
  name.addEventListener('change', () => go({ FileName: name.value }));
  const tags = h('input', { value: p.get('Tags') || '', placeholder: 'Tags (all of, a,b)', 'aria-label': 'Tags', id: 'file-tags' });
  tags.addEventListener('change', () => go({ Tags: tags.value }));
  // The directory as a path of links, each a step up.
  const parts = dir.split('/').filter(Boolean);
  const crumbs = h('nav', { 'aria-label': 'Directory', id: 'file-dir' }, h('a', { href: '#', onclick: (e) => { e.preventDefault(); go({ Dir: '' }); } }, version),
    ...parts.map((part, i) => [' / ', h('a', { href: '#', onclick: (e) => { e.preventDefault(); go({ Dir: `${parts.slice(0, i + 1).join('/')}/` }); } }, part)]));
  const next = h('button', { type: 'button', id: 'files-next', onclick: () => load() }, 'More');
  panel.replaceChildren(h('h2', {}, 'Files'), h('div', { class: 'filters' }, crumbs, name, tags), message,
    h('table', { id: 'files' }, h('thead', {}, h('tr', {}, ['', 'File', 'Directory', 'Type', 'Size', 'Tags', 'Updated'].map((t) => h('th', {}, t)))), body),
    h('div', { class: 'pager' }, next, info));
  async function load() {
    try {
      const r = await api.listFiles(id, { DatasetVersion: version, WorkspaceId: workspace, MaxResults: 100,
        QueryFileDir: dir || undefined, QueryFileName: p.get('FileName') || undefined,
        QueryTagsIncludeAll: p.get('Tags') || undefined, NextToken: tokens[tokens.length - 1] || undefined });
      tokens.push(r.NextToken || '');
      body.append(...r.DatasetFileMetas.map((f) => {
        let fileTags = [];
        try {
          const t = JSON.parse(f.Tags || '{}');
          fileTags = [...(t.ai || []), ...(t.user || [])];
        } catch { /* shown as none */ }
        // Its directory below the version's root: what QueryFileDir matches.
        const uriDir = f.Uri.slice(0, f.Uri.length - f.FileName.length);
        const fileDir = (root && uriDir.startsWith(root) ? uriDir.slice(root.length) : '').replace(/^\/+/, '');
        return h('tr', { 'data-file': f.FileName }, h('td', { class: 'preview' }, f.FileType === 'image' ? thumbnail(id, f) : ''),
          h('td', {}, f.FileName),
          h('td', {}, h('a', { href: '#', onclick: (e) => { e.preventDefault(); go({ Dir: fileDir }); } }, fileDir || '/')),
          h('td', {}, f.ContentType || f.FileType), h('td', { class: 'num' }, bytes(f.DataSize)),
          h('td', {}, fileTags.join(', ')), h('td', {}, time(f.FileUpdateTime)));
      }));
      info.textContent = `${body.children.length} of ${r.TotalCount} files`;
      next.disabled = !r.NextToken;
    } catch (e) {
      showError(message, e);
    }
  }
  load();
}

// An image file's thumbnail: its bytes read (signed) when its row comes into
// view, shown scaled down. Objects URLs are let go when the view changes.
const thumbnails = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const img = entry.target;
    thumbnails.unobserve(img);
    api.fileContent(img.dataset.dataset, img.dataset.file).then((blob) => {
      img.src = URL.createObjectURL(blob);
      img.addEventListener('load', () => URL.revokeObjectURL(img.src), { once: true });
    }, () => { img.alt = 'no preview'; });
  }
});
function thumbnail(datasetId, f) {
  const img = h('img', { class: 'thumb', alt: f.FileName, 'data-dataset': datasetId, 'data-file': f.DatasetFileMetaId });
  thumbnails.observe(img);
  return img;
}

// ---- OSS batch jobs -------------------------------------------------------
const BATCH_ACTIVE = ['New', 'Preparing', 'Suspended', 'Ready', 'Active', 'Pausing', 'Paused'];
const BATCH_ENDED = ['Complete', 'Completing', 'Cancelling', 'Cancelled', 'Failing', 'Failed'];

// OSS Batch Operations (signed OSS V1 in the tab): each job's progress and
// counters, cancel and priority, its failures and its report.
function showBatchJobs(p) {
  const key = storedKey();
  const status = p.get('Status') || '';
  const message = h('div');
  const body = h('tbody');
  const detail = h('div', { class: 'panel', id: 'batch-detail', hidden: true });
  let extended = false;  // more than the first page shown: no refresh to undo it
  const more = h('button', { type: 'button', id: 'batch-more', onclick: () => { extended = true; load(false); } }, 'More');
  main.replaceChildren(h('div', { class: 'filters' }, h('h1', {}, 'Batch jobs'),
    h('div', { class: 'chips', role: 'group', 'aria-label': 'Status' }, ['', ...BATCH_ACTIVE, ...BATCH_ENDED].map((s) => h('button', {
      type: 'button', class: 'chip', 'aria-pressed': String(s === status), 'data-status': s || 'All',
      onclick: () => { location.hash = `#/batch${s ? `?Status=${s}` : ''}`; } }, s || 'All')))),
  message, h('div', { class: 'table-wrap' }, h('table', { id: 'batch' }, h('thead', {}, h('tr', {}, ['Job', 'Operation', 'Status',
    'Progress', 'Succeeded / failed / all', 'Priority', 'Created', 'Ended', ''].map((t) => h('th', {}, t)))), body)),
  h('div', { class: 'pager' }, more), detail);
  const text = (node, name) => node.querySelector(`:scope > ${name}`)?.textContent ?? '';
  const seconds = (s) => (s ? isoSeconds(Number(s) * 1000) : '');
  async function act(what, params) {
    if (!confirm(what)) return;
    try {
      await ossCall(key, 'POST', params);
      message.replaceChildren(h('div', { role: 'status' }, 'Done.'));
      load(true);
    } catch (e) {
      showError(message, e);
    }
  }
  function row(d) {
    const id = text(d, 'JobId');
    const progress = d.querySelector('ProgressSummary');
    const [ok, failed, total] = ['NumberOfTasksSucceeded', 'NumberOfTasksFailed', 'TotalNumberOfTasks'].map((n) => Number(text(progress, n)));
    const jobStatus = text(d, 'Status');
    const priority = h('input', { type: 'number', min: 0, value: text(d, 'Priority'), 'aria-label': `Priority of ${id}`, class: 'priority' });
    return h('tr', { 'data-job': id },
      h('td', {}, h('a', { href: '#', title: `${id}: ${text(d, 'Description')}`,
                           onclick: (e) => { e.preventDefault(); describe(id); } }, id)),
      h('td', {}, text(d, 'Operation')), h('td', { class: 'status' }, jobStatus),
      h('td', {}, total > 0 ? h('progress', { max: total, value: Math.max(0, ok) + Math.max(0, failed), 'aria-label': `Progress of ${id}` }) : ''),
      h('td', { class: 'num counters' }, `${ok} / ${failed} / ${total}`),
      h('td', {}, priority, h('button', { type: 'button', class: 'set-priority', onclick: () => act(`Set the priority of ${id} to ${priority.value}?`,
        { batchJobPriority: '', batchJobId: id, targetPriority: priority.value }) }, 'Set')),
      h('td', {}, time(seconds(text(d, 'CreationTime')))), h('td', {}, time(seconds(text(d, 'TerminationDate')))),
      h('td', {}, h('button', { type: 'button', class: 'danger cancel', disabled: BATCH_ENDED.includes(jobStatus),
        onclick: () => act(`Cancel ${id}?`, { batchJobStatus: '', batchJobId: id, requestedJobStatus: 'Cancelled',
                                              statusUpdateReason: 'Cancelled in the console' }) }, 'Cancel')));
  }
  let token = '';
  async function load(again) {
    try {
      if (again) token = '';
      const doc = await ossCall(key, 'GET', { batchJob: '', batchJobStatuses: status || undefined, 'max-keys': 50,
                                              'continuation-token': token || undefined });
      const rows = [...doc.querySelectorAll('Jobs > JobListDescriptor')].map(row);
      if (again) body.replaceChildren(...rows); else body.append(...rows);
      token = doc.querySelector('ListJobsResult > NextToken')?.textContent || '';
      more.disabled = !token;
    } catch (e) {
      showError(message, e);
    }
  }
  async function describe(id) {
    try {
      const job = (await ossCall(key, 'GET', { batchJob: '', batchJobId: id })).querySelector('Job');
      const report = job.querySelector(':scope > Report');
      const reportOn = text(report, 'Enabled') === 'true';
      const bucket = text(report, 'Bucket').replace(/^acs:oss:::/, '');
      const object = `${text(report, 'Prefix').replace(/\/$/, '')}/job-${id}/results/results.csv`.replace(/^\//, '');
      const failures = [...job.querySelectorAll('FailureReasons > JobFailure')].filter((f) => text(f, 'FailureCode'));
      const link = reportOn && BATCH_ENDED.includes(text(job, 'Status'))
        ? h('a', { href: await presignedUrl(key, bucket, object), id: 'batch-report', target: '_blank', rel: 'noopener' },
          `oss://${bucket}/${object}`) : (reportOn ? `oss://${bucket}/${object} (when the job ends)` : 'no report');
      detail.hidden = false;
      detail.replaceChildren(h('h2', {}, `Job ${id}`), h('dl', {},
        h('dt', {}, 'Status'), h('dd', {}, `${text(job, 'Status')} ${text(job, 'StatusUpdateReason')}`),
        h('dt', {}, 'Operation'), h('dd', {}, job.querySelector(':scope > Operation > *')?.tagName || ''),
        h('dt', {}, 'Report'), h('dd', {}, link),
        h('dt', {}, 'Failures'), h('dd', {}, failures.map((f) => `${text(f, 'FailureCode')}: ${text(f, 'FailureReason')}`).join('; ') || 'none')));
    } catch (e) {
      showError(message, e);
    }
  }
  load(true);
  const timer = setInterval(() => { if (!document.hidden && !extended) load(true); }, 3000);
  cleanup = () => clearInterval(timer);
}

// ---- one job --------------------------------------------------------------
function showJob(id) {
  const message = h('div');
  const header = h('div');
  const details = h('div', { class: 'panel' });
  const pods = h('div', { class: 'panel' });
  const timeline = h('div', { class: 'panel' });
  const logs = h('div', { class: 'panel' });
  main.replaceChildren(h('p', {}, h('a', { href: '#/jobs' }, '‹ Jobs')), header, message,
                       h('div', { class: 'grid' }, details, timeline), pods, logs);
  let job = null;
  const viewer = logViewer(logs, id);

  async function act(what, run) {
    if (!confirm(what)) return;
    try {
      const out = await run();
      message.replaceChildren(h('div', { role: 'status' }, 'Done.'));
      await refresh();
      return out;
    } catch (e) {
      showError(message, e);
    }
  }
  function renderHeader() {
    const priority = h('input', { type: 'number', min: 1, max: 9, value: job.Priority, 'aria-label': 'Priority', size: 3, id: 'priority' });
    header.replaceChildren(
      h('h1', {}, job.DisplayName, ' ', h('span', { class: `status status-${job.Status}`, id: 'job-status' }, job.Status)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'danger', id: 'stop', disabled: TERMINAL.includes(job.Status) || job.Status === 'Stopping',
                      onclick: () => act(`Stop ${job.JobId}?`, () => api.stopJob(job.JobId)) }, 'Stop'),
        h('label', {}, 'Priority ', priority),
        h('button', { type: 'button', id: 'set-priority', onclick: () => act(`Set the priority of ${job.JobId} to ${priority.value}?`,
          () => api.updateJob(job.JobId, { Priority: Number(priority.value) })) }, 'Set'),
        h('button', { type: 'button', id: 'clone', onclick: async () => {
          const out = await act(`Submit a copy of ${job.JobId}?`, () => api.createJob({
            DisplayName: `${job.DisplayName}-copy`, JobType: job.JobType, JobSpecs: job.JobSpecs, UserCommand: job.UserCommand,
            WorkspaceId: job.WorkspaceId, Envs: job.Envs, Priority: job.Priority, DataSources: job.DataSources }));
          if (out?.JobId) location.hash = `#/jobs/${encodeURIComponent(out.JobId)}`;
        } }, 'Clone and submit')));
  }
  function renderDetails() {
    const row = (k, v) => [h('dt', {}, k), h('dd', {}, v ?? '')];
    details.replaceChildren(h('h2', {}, 'Spec'), h('dl', {},
      row('JobId', job.JobId), row('Type', job.JobType), row('Workspace', job.WorkspaceId), row('User', job.UserId),
      row('Created', time(job.GmtCreateTime)), row('Running since', time(job.GmtRunningTime)),
      row('Finished', time(job.GmtFinishTime)), row('Priority', String(job.Priority)),
      row('Command', job.UserCommand), row('Images', (job.JobSpecs || []).map((s) => `${s.Type}: ${s.Image} ×${s.PodCount}`).join(', ')),
      row('Reason', [job.ReasonCode, job.ReasonMessage].filter(Boolean).join(': '))));
    pods.replaceChildren(h('h2', {}, 'Pods'), h('table', { id: 'pods' },
      h('thead', {}, h('tr', {}, ['Pod', 'Type', 'Status', 'Exit', 'Node', 'Started', 'Finished'].map((t) => h('th', {}, t)))),
      h('tbody', {}, (job.Pods || []).map((pod) => h('tr', { 'data-pod': pod.PodId }, h('td', {}, pod.PodId), h('td', {}, pod.Type),
        h('td', { class: `status status-${pod.Status}` }, pod.Status),
        h('td', { class: 'num exit' }, pod.ExitCode ?? '', pod.Signal ? ` (${pod.Signal})` : ''), h('td', {}, pod.NodeName || ''),
        h('td', {}, time(pod.GmtStartTime)), h('td', {}, time(pod.GmtFinishTime)))))));
    viewer.setPods((job.Pods || []).map((pod) => pod.PodId), !TERMINAL.includes(job.Status));
  }
  async function refresh() {
    try {
      const [got, events] = await Promise.all([api.getJob(id), api.jobEvents(id)]);
      job = got;
      renderHeader();
      renderDetails();
      timeline.replaceChildren(h('h2', {}, 'Timeline'),
                               h('ul', { class: 'timeline', id: 'timeline' }, (events.Events || []).map((e) => h('li', {}, e))));
    } catch (e) {
      showError(message, e);
    }
  }
  refresh();
  const timer = setInterval(() => { if (!document.hidden && job && !TERMINAL.includes(job.Status)) refresh(); }, 2000);
  cleanup = () => { clearInterval(timer); viewer.stop(); };
}

// A pod's log: the newest lines first, earlier ones loaded as the view
// scrolls up to them (or on request), followed while the job runs,
// searched, downloaded whole. Lines are numbered in the whole log, so each
// read adds exactly what is missing. Only the lines in view are in the
// page, so a log of a million lines scrolls as one of a hundred.
function logViewer(panel, jobId) {
  const LINE = 18;  // px, as .log's line-height
  const STEP = 2000;  // lines per read
  let lines = [];
  let first = 1;  // the number of lines[0] in the whole log
  let pod = '';
  let loadingEarlier = false;
  let running = false;
  let following = true;
  let query = '';
  const select = h('select', { 'aria-label': 'Pod', id: 'log-pod', onchange: () => {
    pod = select.value;
    lines = [];
    delete box.dataset.loaded;
    fetchLog();
  } });
  const follow = h('input', { type: 'checkbox', checked: true, id: 'log-follow', onchange: () => { following = follow.checked; } });
  const search = h('input', { type: 'search', placeholder: 'Search the log', 'aria-label': 'Search the log', id: 'log-search',
                              oninput: () => { query = search.value; paint(); } });
  const info = h('span', { class: 'muted', id: 'log-info' });
  const more = h('button', { type: 'button', id: 'log-more', onclick: () => loadEarlier() }, 'Load earlier');
  const download = h('button', { type: 'button', id: 'log-download', onclick: async () => {
    const all = await api.podLogs(jobId, pod, 100_000_000, 1);
    const url = URL.createObjectURL(new Blob([all.Logs.join('\n') + '\n'], { type: 'text/plain' }));
    h('a', { href: url, download: `${jobId}-${pod}.log` }).click();
    URL.revokeObjectURL(url);
  } }, 'Download');
  const shown = h('div', { class: 'lines' });
  const spacer = h('div');
  const box = h('div', { class: 'log', id: 'log', tabindex: 0, role: 'log', 'aria-label': 'Pod log', onscroll: () => {
    paint();
    if (box.scrollTop < LINE * 20 && box.dataset.loaded) loadEarlier();
  } }, spacer, shown);
  const message = h('div');
  panel.replaceChildren(h('h2', {}, 'Logs'), h('div', { class: 'log-bar' }, select, h('label', {}, follow, ' Follow'),
    search, more, download, info), message, box);

  // Draws the lines in view (and a screen more either side).
  function paint() {
    const matches = query ? lines.reduce((n, l) => n + (l.includes(query) ? 1 : 0), 0) : 0;
    info.textContent = `${lines.length} lines${first > 1 ? ` (from line ${first})` : ''}${query ? ` · ${matches} match` : ''}`;
    more.disabled = first <= 1;
    spacer.style.height = `${lines.length * LINE}px`;
    const top = Math.max(0, Math.floor(box.scrollTop / LINE) - 40);
    const bottom = Math.min(lines.length, top + Math.ceil(box.clientHeight / LINE) + 80);
    shown.style.top = `${top * LINE}px`;
    shown.replaceChildren(...lines.slice(top, bottom).map((line) => {
      const div = h('div');
      if (!query || !line.includes(query)) div.textContent = line || ' ';
      else line.split(query).forEach((part, i) => { if (i) div.append(h('mark', {}, query)); div.append(part); });
      return div;
    }));
  }
  // The newest lines, joined to the earlier ones already read.
  async function fetchLog() {
    if (!pod) return;
    try {
      const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - LINE * 2;
      const tail = await api.podLogs(jobId, pod, STEP);
      // Ours up to where the tail begins; none when the log grew past them
      // (a gap would number the lines wrong).
      const gap = tail.FirstLine > first + lines.length;
      const keep = lines.length && !gap ? Math.max(0, tail.FirstLine - first) : 0;
      if (!keep) first = tail.FirstLine;
      lines = lines.slice(0, keep).concat(tail.Logs || []);
      message.replaceChildren();
      paint();  // sizes the scroll area first
      if (following && (atBottom || !box.dataset.loaded)) {
        box.scrollTop = box.scrollHeight;
        paint();
      }
      box.dataset.loaded = '1';
    } catch (e) {
      showError(message, e);
    }
  }
  // The STEP lines before the first shown, the view kept where it was.
  async function loadEarlier() {
    if (loadingEarlier || first <= 1 || !pod) return;
    loadingEarlier = true;
    try {
      const from = Math.max(1, first - STEP);
      const earlier = (await api.podLogs(jobId, pod, first - from, from)).Logs || [];
      lines = earlier.concat(lines);
      first = from;
      paint();
      box.scrollTop += earlier.length * LINE;
      paint();
    } catch (e) {
      showError(message, e);
    } finally {
      loadingEarlier = false;
    }
  }
  const timer = setInterval(() => { if (running && following && !document.hidden) fetchLog(); }, 1000);
  return {
    setPods(ids, isRunning) {
      const wasRunning = running;
      running = isRunning;
      if (select.options.length !== ids.length) {
        select.replaceChildren(...ids.map((i) => h('option', { value: i }, i)));
        if (!pod && ids.length) { pod = ids[0]; fetchLog(); }
      }
      if (wasRunning && !running) fetchLog();  // the last lines
    },
    stop() { clearInterval(timer); },
  };
}

window.addEventListener('hashchange', route);
route();

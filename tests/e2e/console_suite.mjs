// The web console in a real browser (Debian's chromium or firefox-esr,
// driven by puppeteer-core): sign-in, the job list and its filters against the API's
// own answers, paging, a job's page with its log followed, stop, the
// overview's plots of the series the server keeps; a wrong
// key refused, no API call answered unsigned, no request leaving the
// server. A screenshot of each page goes to tests/e2e/output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OSS from 'ali-oss';
import puppeteer from 'puppeteer-core';
import { Server, DlcClient, DatasetClient, BIG_NODE, jobBody, waitForEnd, waitForStatus } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const output = path.join(here, 'output');

// The browsers the suite runs in: each test file runs it in one, against a
// server of its own.
export const ENGINES = {
  chromium: { name: 'chromium', launch: { executablePath: '/usr/bin/chromium', headless: true,
                                          args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] } },
  // Firefox in dark mode throughout (its pages may not switch per test:
  // that is a CDP call), so the suite sees the console both ways.
  firefox: { name: 'firefox', dark: true, launch: { browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true,
                                                    extraPrefsFirefox: { 'layout.css.prefers-color-scheme.content-override': 0 } } },
};

export function consoleSuite(engine) {
  const shot = (name) => path.join(output, `${name}-${engine.name}.png`);
  let server, dlc, browser, origin;
  const jobs = {};
  const elsewhere = [];  // requests to anywhere but the server

  before(async () => {
    mkdirSync(output, { recursive: true });
    server = await new Server([...BIG_NODE, '--overview-interval-seconds', '1']).start();
    origin = `http://${server.endpoint}`;
    dlc = new DlcClient(server.endpoint, server.adminKey);
    jobs.done = (await dlc.createJob(jobBody({ DisplayName: 'console-done', UserCommand: 'seq 1 5000' }))).JobId;
    jobs.failed = (await dlc.createJob(jobBody({ DisplayName: 'console-failed', UserCommand: 'echo boom; exit 3' }))).JobId;
    jobs.running = (await dlc.createJob(jobBody({ DisplayName: 'console-running',
      UserCommand: 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.1; done' }))).JobId;
    for (let i = 0; i < 3; i++) await dlc.createJob(jobBody({ DisplayName: `console-extra-${i}`, UserCommand: 'true' }));
    jobs.tagged = (await dlc.createJob(jobBody({ DisplayName: 'console-tagged', JobType: 'TFJob', WorkspaceId: '7',
      UserCommand: 'echo deepspeed zero', Settings: { Tags: { team: 'nlp' } },
      JobSpecs: [{ Type: 'Worker', Image: 'megatron:1', PodCount: 1, ResourceConfig: { CPU: '1' } }] }))).JobId;
    await waitForEnd(dlc, jobs.done);
    await waitForEnd(dlc, jobs.failed);
    await waitForStatus(dlc, jobs.running, 'Running');
    browser = await puppeteer.launch(engine.launch);
  });

  after(async () => {
    await browser?.close();
    await server.stop();
    server.cleanup();
    assert.deepEqual(elsewhere, [], 'the console asked something of another origin');
  });

  async function openPage() {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) elsewhere.push(r.url()); });
    page.on('dialog', (d) => d.accept());
    await page.goto(`${origin}/console/`);
    return page;
  }

  async function signIn(page, id, secret, { refused = false } = {}) {
    await page.waitForSelector('#key-id');
    await page.type('#key-id', id);
    await page.type('#key-secret', secret);
    await page.click('#sign-in');
    await page.waitForSelector(refused ? '.error' : '#jobs');  // the check's answer
  }

  // The JobIds the table shows, once it shows `count` rows (or any when null).
  async function shownJobs(page, count = null) {
    await page.waitForFunction((n) => {
      const rows = document.querySelectorAll('#jobs tbody tr');
      return n === null ? rows.length > 0 : rows.length === n;
    }, { timeout: 10000 }, count);
    return page.$$eval('#jobs tbody tr', (rows) => rows.map((r) => r.dataset.job));
  }

  test('a wrong key is refused, and no API call is answered unsigned', async () => {
    const page = await openPage();
    await signIn(page, server.adminKey.AccessKeyId, 'not-the-secret', { refused: true });
    const error = await page.$eval('.error', (e) => e.textContent);
    assert.match(error, /SignatureDoesNotMatch|InvalidAccessKey/);
    assert.equal(await page.$('#jobs'), null);
    // The page's own origin, no signature: refused like any other client.
    const unsigned = await page.evaluate(async () => (await fetch('/api/v1/jobs')).status);
    assert.ok(unsigned === 400 || unsigned === 401 || unsigned === 403, `unsigned ListJobs answered ${unsigned}`);
    await page.screenshot({ path: shot('console-signin-refused') });
    await page.close();
  });

  test('by keyboard alone, and in dark mode', async () => {
    const page = await openPage();
    if (!engine.dark) await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await page.waitForSelector('#key-id');
    // The id field has focus; Tab to the secret, Enter signs in.
    await page.keyboard.type(server.adminKey.AccessKeyId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(server.adminKey.AccessKeySecret);
    await page.keyboard.press('Enter');
    await shownJobs(page);
    // Tab reaches a status chip; Enter filters by it.
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.dataset?.status === 'Failed')) break;
    }
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.includes('Status=Failed'));
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g).map(Number);
    assert.ok(r + g + b < 150, `a dark background, not ${background}`);
    await page.screenshot({ path: shot('console-jobs-dark') });
    await page.close();
  });

  test('the job list and its filters show what the API answers, with paging', async () => {
    const page = await openPage();
    await signIn(page, server.adminKey.AccessKeyId, server.adminKey.AccessKeySecret);
    const api = await dlc.listJobs({ PageSize: 50 });
    assert.deepEqual(await shownJobs(page, api.Jobs.length), api.Jobs.map((j) => j.JobId));
    await page.screenshot({ path: shot('console-jobs') });

    // A status chip: its count is the API's total; clicking it filters.
    await page.waitForSelector('.chip[data-status="Failed"] .count');
    await page.waitForFunction(() => document.querySelector('.chip[data-status="Failed"] .count').textContent !== '?');
    const failed = await dlc.listJobs({ Status: 'Failed', PageSize: 50 });
    assert.equal(await page.$eval('.chip[data-status="Failed"] .count', (e) => Number(e.textContent)), failed.TotalCount);
    await page.click('.chip[data-status="Failed"]');
    assert.deepEqual(await shownJobs(page, failed.Jobs.length), failed.Jobs.map((j) => j.JobId));
    assert.match(page.url(), /Status=Failed/);

    // A name search, from the URL (a bookmarked view).
    await page.goto(`${origin}/console/#/jobs?DisplayName=extra&Order=asc&SortBy=DisplayName`);
    const named = await dlc.listJobs({ DisplayName: 'extra', SortBy: 'DisplayName', Order: 'asc', PageSize: 50 });
    assert.equal(named.Jobs.length, 3);
    assert.deepEqual(await shownJobs(page, 3), named.Jobs.map((j) => j.JobId));

    // Pages of 2 by NextToken, as the API pages them.
    await page.goto(`${origin}/console/#/jobs?PageSize=2`);
    const first = await dlc.listJobs({ PageSize: 2 });
    const second = await dlc.listJobs({ PageSize: 2, NextToken: first.NextToken });
    await page.waitForFunction((id) => document.querySelector('#jobs tbody tr')?.dataset.job === id, {}, first.Jobs[0].JobId);
    await page.click('#next');
    await page.waitForFunction((id) => document.querySelector('#jobs tbody tr')?.dataset.job === id, {}, second.Jobs[0].JobId);
    assert.deepEqual(await shownJobs(page, 2), second.Jobs.map((j) => j.JobId));
    assert.match(await page.$eval('.pager', (e) => e.textContent), /page 2/);
    await page.close();
  });

  test('every filter of the list shows what the API answers for it', async () => {
    const page = await openPage();
    await signIn(page, server.adminKey.AccessKeyId, server.adminKey.AccessKeySecret);
    // The console's URL, and the ListJobs query it stands for.
    const cases = [
      ['JobType=TFJob', { JobType: 'TFJob' }],
      ['WorkspaceId=7', { WorkspaceId: '7' }],
      ['Tags=team%3Dnlp', { Tags: JSON.stringify({ team: 'nlp' }) }],
      ['SearchIn=UserCommand&Search=deepspeed', { UserCommandSearch: 'deepspeed' }],
      ['SearchIn=Image&Search=megatron', { ImageSearch: 'megatron' }],
      ['Search=boom', { ReasonSearch: 'boom' }],
      ['DisplayName=console-ex&DisplayNameSearchMode=prefix', { DisplayName: 'console-ex', DisplayNameSearchMode: 'prefix' }],
      ['DisplayName=CONSOLE-DONE&DisplayNameSearchMode=term', { DisplayName: 'CONSOLE-DONE', DisplayNameSearchMode: 'term' }],
      ['Range=24h&SortBy=DisplayName&Order=asc', { SortBy: 'DisplayName', Order: 'asc',
        StartTime: new Date(Date.now() - 86400e3).toISOString().replace(/\.\d{3}Z$/, 'Z') }],
    ];
    for (const [hash, query] of cases) {
      const api = await dlc.listJobs({ ...query, PageSize: 50 });
      await page.goto(`${origin}/console/#/jobs?${hash}`);
      const expected = api.Jobs.map((j) => j.JobId);
      // The page for this URL, not the one before it: rows and total as the API's.
      const shown = () => page.$$eval('#jobs tbody tr', (rows) => rows.map((r) => r.dataset.job));
      await page.waitForFunction((ids, total) => {
        const rows = [...document.querySelectorAll('#jobs tbody tr')].map((r) => r.dataset.job);
        return JSON.stringify(rows) === JSON.stringify(ids) &&
               (document.querySelector('.pager')?.textContent ?? '').includes(`· ${total} jobs`);
      }, { timeout: 10000 }, expected, api.TotalCount).catch(async () => {
        assert.deepEqual(await shown(), expected, hash);  // says what differs
        assert.fail(`${hash}: the page does not say ${api.TotalCount} jobs`);
      });
    }
    assert.equal((await dlc.listJobs({ WorkspaceId: '7', PageSize: 50 })).TotalCount, 1);  // the cases select something
    await page.close();
  });

  test("a job's page: spec, pods, timeline, its log followed and searched, then stop", async () => {
    const page = await openPage();
    await signIn(page, server.adminKey.AccessKeyId, server.adminKey.AccessKeySecret);
    await page.goto(`${origin}/console/#/jobs/${jobs.running}`);
    await page.waitForSelector('#pods tbody tr');
    assert.match(await page.$eval('#job-status', (e) => e.textContent), /Running/);
    // The log grows on screen while the job runs (followed).
    await page.waitForFunction(() => /tick \d+/.test(document.querySelector('#log')?.textContent ?? ''), { timeout: 10000 });
    const count = () => page.$eval('#log-info', (e) => Number(e.textContent.split(' ')[0]));
    const before = await count();
    await page.waitForFunction((n) => Number(document.querySelector('#log-info').textContent.split(' ')[0]) > n,
                               { timeout: 10000 }, before);
    await page.type('#log-search', 'tick 1');
    await page.waitForSelector('#log mark');
    await page.screenshot({ path: shot('console-job-running') });

    await page.click('#stop');  // the confirmation is accepted
    await page.waitForFunction(() => /Stopp/.test(document.querySelector('#job-status')?.textContent ?? ''), { timeout: 15000 });
    const stopped = await waitForEnd(dlc, jobs.running);
    assert.equal(stopped.Status, 'Stopped');
    assert.ok((await page.$$eval('#timeline li', (items) => items.length)) >= 3);
    await page.close();
  });

  test("a finished job's whole log, and the API's error shown as it is", async () => {
    const page = await openPage();
    await signIn(page, server.adminKey.AccessKeyId, server.adminKey.AccessKeySecret);
    await page.goto(`${origin}/console/#/jobs/${jobs.done}`);
    await page.waitForFunction(() => document.querySelector('#log-info')?.textContent.startsWith('2000 lines'), { timeout: 10000 });
    assert.match(await page.$eval('#log-info', (e) => e.textContent), /from line 3001/);
    // Scrolled to the end: only the lines in view are in the page.
    assert.ok((await page.$$eval('#log .lines div', (d) => d.length)) < 400);
    assert.match(await page.$eval('#log', (e) => e.textContent), /5000/);
    // Earlier lines as the view reaches the top, then on request: all 5,000,
    // each numbered where it is in the log.
    await page.$eval('#log', (e) => { e.scrollTop = 0; });
    await page.waitForFunction(() => document.querySelector('#log-info')?.textContent.startsWith('4000 lines'), { timeout: 10000 });
    await page.click('#log-more');
    await page.waitForFunction(() => document.querySelector('#log-info')?.textContent === '5000 lines', { timeout: 10000 });
    await page.$eval('#log', (e) => { e.scrollTop = 0; });
    await page.waitForFunction(() => document.querySelector('#log .lines div')?.textContent === '1');
    assert.equal(await page.$eval('#log-more', (e) => e.disabled), true);
    await page.screenshot({ path: shot('console-job-log') });

    // A failed job's pod with its exit code.
    await page.goto(`${origin}/console/#/jobs/${jobs.failed}`);
    await page.waitForSelector('#pods tbody tr .exit');
    const failed = await dlc.getJob(jobs.failed);
    assert.equal(failed.Pods[0].ExitCode, 3);
    assert.equal(await page.$eval('#pods tbody tr .exit', (e) => e.textContent.trim()), '3');

    await page.goto(`${origin}/console/#/jobs/dlcnotthere00000`);
    await page.waitForSelector('.error');
    assert.match(await page.$eval('.error', (e) => e.textContent), /\(HTTP 404\)/);
    await page.close();
  });

  test("the overview plots the server's series; its numbers are the API's", async () => {
    // The server samples every second here (every minute by default).
    let samples = [];
    for (const deadline = Date.now() + 15000; samples.length < 3 && Date.now() < deadline;) {
      samples = (await dlc.call('GetOverview', 'GET', '/api/v1/drover/overview')).Samples;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(samples.length >= 3, 'three samples within 15 s');
    const page = await openPage();
    await signIn(page, server.adminKey.AccessKeyId, server.adminKey.AccessKeySecret);
    await page.goto(`${origin}/console/#/overview`);
    await page.waitForSelector('#latest-table');
    for (const chart of ['status', 'queue', 'resources', 'throughput']) {
      assert.ok(await page.$(`#chart-${chart} canvas`), `the ${chart} chart is drawn`);
    }
    const shown = await page.$eval('#latest h2', (e) => e.textContent.replace('Latest sample, ', ''));
    const all = (await dlc.call('GetOverview', 'GET', '/api/v1/drover/overview',
                                { query: { Since: '2000-01-01T00:00:00Z' } })).Samples;
    const sample = all.find((s) => s.Time.replace('T', ' ').replace('Z', '') === shown);
    assert.ok(sample, `the sample of ${shown} is the API's`);
    const table = Object.fromEntries(await page.$$eval('#latest-table tr',
      (rows) => rows.map((r) => [r.querySelector('th').textContent, r.querySelector('td').textContent])));
    for (const [status, count] of Object.entries(sample.Jobs)) assert.equal(Number(table[status]), count, status);
    assert.equal(table['GPUs allocated / capacity'], `${sample.GPU.Allocated} / ${sample.GPU.Capacity}`);
    assert.equal(sample.GPU.Capacity, 64);
    await page.screenshot({ path: shot('console-overview') });
    await page.click('.chip[data-range="1d"]');
    await page.waitForFunction(() => location.hash.includes('Range=1d'));
    await page.waitForSelector('#latest-table');
    await page.close();
  });

  test("datasets: the list, a dataset's versions, its file catalogue by directory and name, its jobs", async () => {
    const tree = path.join(server.dataDir, 'tree');
    mkdirSync(path.join(tree, 'cars', '2025'), { recursive: true });
    mkdirSync(path.join(tree, 'docs'), { recursive: true });
    // A real 1×1 PNG, to be previewed; the JPG's bytes are not an image.
    writeFileSync(path.join(tree, 'cars', '2025', '0001.png'), Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64'));
    writeFileSync(path.join(tree, 'cars', '2025', '0002.JPG'), 'jpg-bytes');
    writeFileSync(path.join(tree, 'docs', 'readme.txt'), 'hello\n');
    writeFileSync(path.join(tree, 'notes.csv'), 'a,b\n');
    const ds = new DatasetClient(server.endpoint, server.adminKey);
    const { DatasetId: id } = await ds.createDataset({ Name: 'console-tree', Property: 'DIRECTORY', DataSourceType: 'NAS',
                                                      Uri: `file://${tree}`, Labels: [{ Key: 'env', Value: 'test' }] });
    const { DatasetJobId: build } = await ds.createJob(id, { WorkspaceId: '1', JobAction: 'FileMetaBuild', JobSpec: '{}' });
    for (const deadline = Date.now() + 15000; ; await new Promise((r) => setTimeout(r, 50))) {
      if ((await ds.getJob(id, build)).Status === 'Succeeded') break;
      assert.ok(Date.now() < deadline, 'the catalogue was not built');
    }

    const page = await openPage();
    await signIn(page, server.adminKey.AccessKeyId, server.adminKey.AccessKeySecret);
    await page.goto(`${origin}/console/#/datasets`);
    await page.waitForSelector(`#datasets tr[data-dataset="${id}"] a`);
    await page.click(`#datasets tr[data-dataset="${id}"] a`);
    await page.waitForSelector('#versions tbody tr');
    assert.match(await page.$eval('#versions tbody', (e) => e.textContent), /v1/);
    await page.waitForFunction(() => document.querySelector('#files-info')?.textContent === '4 of 4 files');
    await page.waitForSelector('#dataset-jobs tbody tr');
    assert.match(await page.$eval('#dataset-jobs tbody', (e) => e.textContent), /FileMetaBuild.*Succeeded.*4 \/ 0 \/ 4/);
    await page.screenshot({ path: shot('console-dataset') });

    // The image's thumbnail, read signed and decoded by the browser; the
    // same bytes unsigned are refused.
    await page.waitForFunction(() => document.querySelector('#files tr[data-file="0001.png"] img.thumb')?.naturalWidth === 1,
                               { timeout: 10000 });
    const fileId = await page.$eval('#files tr[data-file="0001.png"] img.thumb', (e) => e.dataset.file);
    const unsigned = await page.evaluate(async (d, f) =>
      (await fetch(`/api/v1/datasets/${d}/datasetfilemetas/${f}/content`)).status, id, fileId);
    assert.ok(unsigned >= 400 && unsigned < 500, `unsigned content answered ${unsigned}`);

    // Into a directory, as the API answers for it.
    const inDir = await ds.listFiles(id, { DatasetVersion: 'v1', WorkspaceId: '1', QueryFileDir: 'cars/2025/', MaxResults: 100 });
    assert.equal(inDir.TotalCount, 2);
    await page.click('#files tr[data-file="0001.png"] td:nth-child(3) a');
    await page.waitForFunction(() => location.hash.includes('Dir=cars%2F2025%2F'));
    await page.waitForFunction(() => document.querySelector('#files-info')?.textContent === '2 of 2 files');
    assert.deepEqual((await page.$$eval('#files tbody tr', (rows) => rows.map((r) => r.dataset.file))).sort(),
                     inDir.DatasetFileMetas.map((f) => f.FileName).sort());
    assert.match(await page.$eval('#file-dir', (e) => e.textContent), /v1 \/ cars \/ 2025/);
    // Up to the version's root, then a name search.
    await page.click('#file-dir a');
    await page.waitForFunction(() => document.querySelector('#files-info')?.textContent === '4 of 4 files');
    await page.type('#file-name', 'readme');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#files-info')?.textContent === '1 of 1 files');
    assert.deepEqual(await page.$$eval('#files tbody tr', (rows) => rows.map((r) => r.dataset.file)), ['readme.txt']);
    await page.close();
  });

  test('batch jobs: progress and counters as the API has them, the report, priority and cancel', async () => {
    const k = server.adminKey;
    const oss = new OSS({ endpoint: `http://${server.endpoint}`, region: 'oss-cn-hangzhou', accessKeyId: k.AccessKeyId,
                          accessKeySecret: k.AccessKeySecret, bucket: 'console-batch', timeout: 30000 });
    await oss.putBucket('console-batch');
    for (let i = 0; i < 12; i++) await oss.put(`p/${i}.txt`, Buffer.from(`object ${i}`));
    const batch = async (method, subres, query = {}, body) => oss.parseXML((await oss.request({
      method, subres, query, bucket: '', content: body ? Buffer.from(body) : undefined,
      headers: body ? { 'Content-Type': 'application/xml' } : {}, successStatuses: [200] })).data);
    const create = (confirm) => batch('POST', 'batchJob', {}, `<CreateJobRequest><ConfirmationRequired>${confirm}</ConfirmationRequired>` +
      '<Operation><PutObjectTagging><TagSet><Tag><Key>state</Key><Value>done</Value></Tag></TagSet></PutObjectTagging></Operation>' +
      '<Report><Bucket>console-batch</Bucket><Enabled>true</Enabled><Prefix>reports</Prefix><ReportScope>AllTasks</ReportScope></Report>' +
      '<KeyPrefixManifestGenerator><SourceBucket>console-batch</SourceBucket><Prefix>p/</Prefix></KeyPrefixManifestGenerator>' +
      '<Description>console</Description><Priority>10</Priority><RoleArn>acs:ram::1:role/AliyunOSSBatchOperationsRole</RoleArn>' +
      '</CreateJobRequest>').then((r) => r.JobId);
    const describe = async (id) => (await batch('GET', 'batchJob', { batchJobId: id })).Job;
    const done = await create(false);
    const held = await create(true);  // waits in Suspended for a confirmation
    for (const deadline = Date.now() + 20000; (await describe(done)).Status !== 'Complete';) {
      assert.ok(Date.now() < deadline, 'the batch job did not complete');
      await new Promise((r) => setTimeout(r, 50));
    }
    const api = await describe(done);

    const page = await openPage();
    await signIn(page, k.AccessKeyId, k.AccessKeySecret);
    await page.goto(`${origin}/console/#/batch`);
    await page.waitForSelector(`#batch tr[data-job="${done}"]`);
    const counters = `${api.ProgressSummary.NumberOfTasksSucceeded} / ${api.ProgressSummary.NumberOfTasksFailed} / ${api.ProgressSummary.TotalNumberOfTasks}`;
    assert.equal(counters, '12 / 0 / 12');
    assert.equal(await page.$eval(`#batch tr[data-job="${done}"] .counters`, (e) => e.textContent), counters);
    assert.equal(await page.$eval(`#batch tr[data-job="${done}"] progress`, (e) => e.value), 12);
    assert.equal(await page.$eval(`#batch tr[data-job="${done}"] .status`, (e) => e.textContent), 'Complete');

    // The report, through the presigned link the page made.
    await page.$eval(`#batch tr[data-job="${done}"] a`, (e) => e.click());
    await page.waitForSelector('#batch-report');
    const report = await page.$eval('#batch-report', async (a) => {
      const r = await fetch(a.href);
      return `${r.status} ${await r.text()}`;
    });
    assert.match(report, /^200 /);
    assert.match(report, /p\/11\.txt/);
    await page.screenshot({ path: shot('console-batch') });

    // Priority, then cancel, each confirmed; the API sees both.
    // The table re-renders as it refreshes, so each element is found and
    // used within one task of the page (a click is queued, not awaited: it
    // opens a confirmation, which the page's dialog handler accepts).
    await page.$eval(`#batch tr[data-job="${held}"]`, (row) => {
      row.querySelector('input.priority').value = '42';
      const set = row.querySelector('.set-priority');
      setTimeout(() => set.click(), 0);
    });
    for (const deadline = Date.now() + 10000; (await describe(held)).Priority !== '42';) {
      assert.ok(Date.now() < deadline, 'the priority did not change');
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.waitForFunction((id) => !document.querySelector(`#batch tr[data-job="${id}"] .cancel`)?.disabled, {}, held);
    await page.$eval(`#batch tr[data-job="${held}"] .cancel`, (e) => { setTimeout(() => e.click(), 0); });
    await page.waitForFunction((id) => /Cancel/.test(document.querySelector(`#batch tr[data-job="${id}"] .status`)?.textContent ?? ''),
                               { timeout: 10000 }, held);
    assert.match((await describe(held)).Status, /^Cancell?(ing|ed)$/);
    await page.close();
  });
}

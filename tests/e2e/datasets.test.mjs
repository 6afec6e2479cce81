// PAI datasets end to end (AIWorkSpace 2021-02-04), through @alicloud/openapi-client:
// datasets, versions, labels, list filters, visibility and sharing, workspaces.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Server, DatasetClient, DlcClient, ModelArtsClient, createKey, sdkError, jobBody, waitForEnd, BIG_NODE, UUID_UPPER } from './harness.mjs';

let server;
let admin;  // the first admin key: tenant "local"
let nas;    // the directory file system "fs1" is mapped to

const MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function dirBody(overrides = {}) {
  return { Name: 'ds', Property: 'DIRECTORY', DataSourceType: 'NAS', Uri: 'nas://fs1.cn-hangzhou/data/', ...overrides };
}

before(async () => {
  server = new Server(BIG_NODE);
  nas = path.join(server.dataDir, 'nas');
  for (const dir of ['data', 'v2', 'v3', 'images']) mkdirSync(path.join(nas, dir), { recursive: true });
  writeFileSync(path.join(nas, 'data', 'train.csv'), 'x,y\n1,2\n');
  const map = path.join(server.dataDir, 'storage-map.json');
  writeFileSync(map, JSON.stringify({ fs1: nas }));
  server.args.push('--storage-map', map);
  await server.start();
  admin = new DatasetClient(server.endpoint, server.adminKey);
});

after(async () => {
  await server.stop();
  server.cleanup();
});

test('CreateDataset then GetDataset returns every field of the GetDataset page', async () => {
  const created = await admin.createDataset(dirBody({
    Name: 'get-all-fields', Description: '用于标注的数据。', DataType: 'PIC', SourceType: 'USER', SourceId: 'src-1',
    Options: JSON.stringify({ mountPath: '/mnt/data/' }), ImportInfo: JSON.stringify({ region: 'cn-hangzhou', path: '/data' }),
    Labels: [{ Key: 'env', Value: 'test' }], Accessibility: 'PUBLIC', ProviderType: 'Lingjun',
    SourceDatasetId: 'd-source', SourceDatasetVersion: 'v2', TagTemplateType: 'TextClassification',
    MountAccessReadWriteRoleIdList: ['PAI.AlgoOperator'], VersionDescription: 'base', VersionLabels: [{ Key: 'stage', Value: 'raw' }],
    DataCount: 10000, DataSize: 2048,
  }));
  assert.match(created.DatasetId, /^d-[0-9a-z]{18}$/);
  assert.match(created.RequestId, UUID_UPPER);

  const d = await admin.getDataset(created.DatasetId);
  assert.match(d.RequestId, UUID_UPPER);
  assert.equal(d.DatasetId, created.DatasetId);
  assert.equal(d.Name, 'get-all-fields');
  assert.equal(d.Description, '用于标注的数据。');
  assert.match(d.GmtCreateTime, MILLIS);
  assert.match(d.GmtModifiedTime, MILLIS);
  assert.equal(d.UserId, server.adminKey.User);
  assert.equal(d.OwnerId, server.adminKey.Tenant);
  assert.equal(d.WorkspaceId, '1');
  assert.equal(d.Property, 'DIRECTORY');
  assert.equal(d.DataSourceType, 'NAS');
  assert.equal(d.Uri, 'nas://fs1.cn-hangzhou/data/');
  assert.deepEqual(d.Labels, [{ Key: 'env', Value: 'test' }]);
  assert.equal(d.DataType, 'PIC');
  assert.equal(d.SourceType, 'USER');
  assert.equal(d.SourceId, 'src-1');
  assert.equal(typeof d.Options, 'string');
  assert.deepEqual(JSON.parse(d.Options), { mountPath: '/mnt/data/' });
  assert.deepEqual(JSON.parse(d.ImportInfo), { region: 'cn-hangzhou', path: '/data' });
  assert.equal(d.Accessibility, 'PUBLIC');
  assert.equal(d.ProviderType, 'Lingjun');
  assert.equal(d.Provider, '');
  assert.equal(d.SourceDatasetId, 'd-source');
  assert.equal(d.SourceDatasetVersion, 'v2');
  assert.equal(d.TagTemplateType, 'TextClassification');
  assert.equal(d.MountAccess, 'RW');
  assert.deepEqual(d.MountAccessReadWriteRoleIdList, ['PAI.AlgoOperator']);
  assert.equal(d.Edition, 'BASIC');
  assert.equal(d.IsShared, false);
  assert.deepEqual(d.SharingConfig, { SharedTo: [] });
  const v1 = d.LatestVersion;
  assert.equal(v1.VersionName, 'v1');
  assert.equal(v1.Description, 'base');
  assert.deepEqual(v1.Labels, [{ Key: 'stage', Value: 'raw' }]);
  assert.equal(v1.DataCount, 10000);
  assert.equal(v1.DataSize, 2048);
  assert.equal(v1.Uri, d.Uri);
  assert.equal(v1.MountAccess, 'RW');
  assert.match(v1.GmtCreateTime, MILLIS);
});

test('versions: numbered v1, v2, …; LatestVersion follows create, update and delete', async () => {
  const { DatasetId: id } = await admin.createDataset(dirBody({ Name: 'versioned' }));
  const v2 = await admin.createVersion(id, { DataSourceType: 'NAS', Property: 'DIRECTORY', Uri: 'nas://fs1/v2/',
                                             DataSize: 300, DataCount: 3, Labels: [{ Key: 'stage', Value: 'gold' }] });
  assert.equal(v2.VersionName, 'v2');
  const v3 = await admin.createVersion(id, { DataSourceType: 'NAS', Property: 'DIRECTORY', Uri: 'nas://fs1/v3/', DataSize: 100 });
  assert.equal(v3.VersionName, 'v3');
  assert.equal((await admin.getDataset(id)).LatestVersion.VersionName, 'v3');

  await admin.updateVersion(id, 'v3', { Description: 'cleaned', DataSize: 500, Options: '{"mountPath":"/mnt/v3"}' });
  const got = await admin.getVersion(id, 'v3');
  assert.equal(got.DatasetId, id);
  assert.equal(got.Description, 'cleaned');
  assert.equal(got.DataSize, 500);
  assert.equal((await admin.getDataset(id)).LatestVersion.Description, 'cleaned');

  const bySize = await admin.listVersions(id, { SortBy: 'DataSize', Order: 'DESC' });
  assert.deepEqual(bySize.DatasetVersions.map((v) => v.VersionName), ['v3', 'v2', 'v1']);
  assert.equal(bySize.TotalCount, 3);
  assert.equal(bySize.PageNumber, 1);
  assert.equal(bySize.PageSize, 10);
  const page2 = await admin.listVersions(id, { PageSize: 2, PageNumber: 2 });
  assert.deepEqual(page2.DatasetVersions.map((v) => v.VersionName), ['v3']);
  assert.equal(page2.TotalCount, 3);
  const gold = await admin.listVersions(id, { LabelKeys: 'stage', LabelValues: 'gold' });
  assert.deepEqual(gold.DatasetVersions.map((v) => v.VersionName), ['v2']);

  await admin.createVersionLabels(id, 'v3', [{ Key: 'stage', Value: 'silver' }]);
  assert.deepEqual((await admin.getVersion(id, 'v3')).Labels, [{ Key: 'stage', Value: 'silver' }]);
  assert.equal((await admin.listVersions(id, { LabelKeys: 'stage' })).TotalCount, 2);
  await admin.deleteVersionLabels(id, 'v3', ['stage']);
  assert.deepEqual((await admin.getVersion(id, 'v3')).Labels, []);

  await admin.deleteVersion(id, 'v3');
  assert.equal((await admin.getDataset(id)).LatestVersion.VersionName, 'v2');
  const missing = await sdkError(admin.getVersion(id, 'v3'));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.code, 'EntityNotExist.DatasetVersion');
  assert.equal((await admin.createVersion(id, { DataSourceType: 'NAS', Property: 'DIRECTORY', Uri: 'nas://fs1/v3/' })).VersionName, 'v4');
});

test('labels: CreateDatasetLabels merges by key, DeleteDatasetLabels removes by key', async () => {
  const { DatasetId: id } = await admin.createDataset(dirBody({ Name: 'labelled', Labels: [{ Key: 'env', Value: 'test' }] }));
  await admin.createLabels(id, [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'vision' }]);
  assert.deepEqual((await admin.getDataset(id)).Labels, [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'vision' }]);
  await admin.deleteLabels(id, ['env', 'absent']);
  assert.deepEqual((await admin.getDataset(id)).Labels, [{ Key: 'team', Value: 'vision' }]);

  for (const [labels, pattern] of [
    [[{ Key: 'aliyun:x', Value: 'v' }], /must not start with "aliyun"/],
    [[{ Key: 'k', Value: 'https://example.com' }], /http/],
    [[{ Key: 'x'.repeat(129), Value: 'v' }], /at most 128/],
    [[{ Key: '', Value: 'v' }], /Key/],
  ]) {
    const err = await sdkError(admin.createLabels(id, labels));
    assert.equal(err.statusCode, 400);
    assert.match(err.data.Code, /^(InvalidParameter|MissingParameter)$/);
    assert.match(err.data.Message, pattern);
  }
  assert.deepEqual((await admin.getDataset(id)).Labels, [{ Key: 'team', Value: 'vision' }]);
});

test('ListDatasets: every filter of the spec, sorting, paging and exact totals', async () => {
  const ws = '1';
  const make = (Name, more = {}) => admin.createDataset(dirBody({ Name, WorkspaceId: ws, ...more }));
  const a = await make('flt-cats-英文', { DataType: 'PIC', Labels: [{ Key: 'animal', Value: 'cat' }], SourceType: 'ITAG', SourceId: 'job-9' });
  const b = await make('flt-狗-dogs', { DataType: 'TEXT', Property: 'FILE', Uri: 'nas://fs1/data/train.csv', SourceDatasetId: 'd-origin' });
  const c = await make('flt-birds', { DataSourceType: 'CPFS', Uri: 'file://' + path.join(nas, 'images'), Accessibility: 'PUBLIC' });
  const names = async (query) => {
    const r = await admin.listDatasets({ Name: 'flt-', PageSize: 50, ...query });
    return { names: r.Datasets.map((d) => d.Name), total: r.TotalCount };
  };

  assert.deepEqual(await names({}), { names: ['flt-cats-英文', 'flt-狗-dogs', 'flt-birds'], total: 3 });
  assert.deepEqual((await names({ Order: 'DESC' })).names, ['flt-birds', 'flt-狗-dogs', 'flt-cats-英文']);
  assert.deepEqual((await names({ SortBy: 'Name' })).names, ['flt-birds', 'flt-cats-英文', 'flt-狗-dogs']);
  assert.deepEqual(await names({ PageSize: 1, PageNumber: 2 }), { names: ['flt-狗-dogs'], total: 3 });
  assert.deepEqual((await names({ Name: '狗' })).names, ['flt-狗-dogs']);
  assert.deepEqual((await names({ Name: 'CATS' })).names, ['flt-cats-英文']);
  assert.deepEqual((await names({ Label: 'ca' })).names, ['flt-cats-英文']);
  assert.deepEqual((await names({ Label: 'animal' })).names, ['flt-cats-英文']);
  assert.deepEqual((await names({ Properties: 'FILE' })).names, ['flt-狗-dogs']);
  assert.deepEqual((await names({ DataSourceTypes: 'CPFS,OSS' })).names, ['flt-birds']);
  assert.deepEqual((await names({ DataTypes: 'PIC,TEXT' })).total, 2);
  assert.deepEqual((await names({ SourceTypes: 'ITAG' })).names, ['flt-cats-英文']);
  assert.deepEqual((await names({ SourceId: 'job-9' })).names, ['flt-cats-英文']);
  assert.deepEqual((await names({ SourceDatasetId: 'd-origin' })).names, ['flt-狗-dogs']);
  assert.deepEqual((await names({ DatasetIds: `${a.DatasetId},${c.DatasetId}` })).names, ['flt-cats-英文', 'flt-birds']);
  assert.deepEqual((await names({ Accessibility: 'PUBLIC' })).names, ['flt-birds']);
  assert.deepEqual((await names({ Edition: 'BASIC' })).total, 3);
  assert.deepEqual((await names({ Provider: 'pai' })).total, 0);
  assert.deepEqual((await names({ WorkspaceId: ws })).total, 3);
  assert.deepEqual((await names({ WorkspaceId: 'elsewhere' })).total, 0);
  assert.ok(b.DatasetId);

  for (const [query, param] of [[{ Properties: 'FOLDER' }, 'Properties'], [{ SortBy: 'Size' }, 'SortBy'],
                                [{ Order: 'UP' }, 'Order'], [{ PageSize: 0 }, 'PageSize'],
                                [{ ShareScope: 'EVERYONE' }, 'ShareScope'], [{ Accessibility: 'SECRET' }, 'Accessibility']]) {
    const err = await sdkError(admin.listDatasets(query));
    assert.equal(err.statusCode, 400);
    assert.equal(err.code, 'InvalidParameter');
    assert.match(err.data.Message, new RegExp(param));
  }
});

test('bad input gets a PAI error naming the parameter, and nothing is written', async () => {
  const before = (await admin.listDatasets({ PageSize: 1 })).TotalCount;
  await admin.createDataset(dirBody({ Name: 'bad-input-taken' }));
  const cases = [
    [{ Name: undefined }, 'MissingParameter', /Name/],
    [{ Name: '_starts' }, 'InvalidParameter', /Name must start with/],
    [{ Name: 'n'.repeat(128) }, 'InvalidParameter', /127/],
    [{ Name: 'bad-input-taken' }, 'EntityAlreadyExist.Dataset', /exists already/],
    [{ Property: 'FOLDER' }, 'InvalidParameter', /Property must be FILE or DIRECTORY/],
    [{ DataSourceType: 'FTP' }, 'InvalidParameter', /DataSourceType/],
    [{ Uri: undefined }, 'MissingParameter', /Uri/],
    [{ Uri: 'nas://fs1/not-there/' }, 'InvalidParameter', /does not exist/],
    [{ Uri: 'nas://unknown-fs/data/' }, 'InvalidParameter', /storage-map/],
    [{ Uri: 'nas://fs1/../../../etc/' }, 'InvalidParameter', /climbs out/],
    [{ Uri: 'nas://fs1/data/train.csv' }, 'InvalidParameter', /not a directory/],
    [{ DataSourceType: 'OSS', Uri: 'oss://bucket/path/' }, 'InvalidParameter', /OSS buckets/],
    [{ Options: '{not json' }, 'InvalidParameter', /Options must be a string holding a JSON object/],
    [{ ImportInfo: '"text"' }, 'InvalidParameter', /ImportInfo/],
    [{ Edition: 'ADVANCED' }, 'InvalidParameter', /only for OSS/],
    [{ Provider: 'pai' }, 'InvalidParameter', /Provider/],
    [{ Accessibility: 'ROLE_PUBLIC' }, 'InvalidParameter', /AccessibleRoleIdList/],
    [{ AccessibleRoleIdList: ['admin'], Accessibility: 'ROLE_PUBLIC' }, 'InvalidParameter', /PAI\./],
    [{ DataType: 'IMAGE' }, 'InvalidParameter', /DataType/],
    [{ Labels: [{ Key: 'k', Value: 'a' }, { Key: 'k', Value: 'b' }] }, 'InvalidParameter', /twice/],
    [{ DataSize: -1 }, 'InvalidParameter', /DataSize/],
    [{ SharingConfig: { SharedTo: [{ WorkspaceId: '1' }] } }, 'InvalidParameter', /own workspace/],
    [{ Description: 'd'.repeat(1025) }, 'InvalidParameter', /Description/],
  ];
  for (const [overrides, code, message] of cases) {
    const err = await sdkError(admin.createDataset(dirBody({ Name: 'bad-input', ...overrides })));
    assert.equal(err.code, code, JSON.stringify(overrides).slice(0, 80));
    assert.equal(err.statusCode, code.startsWith('EntityAlreadyExist') ? 409 : 400);
    assert.match(err.data.Message, message);
    assert.match(err.data.RequestId, UUID_UPPER);
    assert.equal(err.data.HostId, 'aiworkspace.drover.local');
  }
  assert.equal((await admin.listDatasets({ PageSize: 1 })).TotalCount, before + 1);

  const { DatasetId: id } = await admin.createDataset(dirBody({ Name: 'bad-version' }));
  const wrongType = await sdkError(admin.createVersion(id, { DataSourceType: 'CPFS', Property: 'DIRECTORY', Uri: 'nas://fs1/v2/' }));
  assert.match(wrongType.data.Message, /DataSourceType must be the dataset's, NAS/);
  const downgrade = await sdkError(admin.updateDataset(id, { Edition: 'LOGICAL' }));
  assert.match(downgrade.data.Message, /Edition may only be upgraded from BASIC to ADVANCED/);
  const only = await sdkError(admin.deleteVersion(id, 'v1'));
  assert.equal(only.code, 'IncorrectStatus');
  const gone = await sdkError(admin.getDataset('d-doesnotexist00000'));
  assert.equal(gone.statusCode, 404);
  assert.equal(gone.code, 'EntityNotExist.Dataset');
  const noKeys = await sdkError(admin.call('DeleteDatasetLabels', 'DELETE', `/api/v1/datasets/${id}/labels`));
  assert.equal(noKeys.code, 'MissingParameter');
  assert.match(noKeys.data.Message, /LabelKeys/);
  assert.equal((await admin.listVersions(id)).TotalCount, 1);
});

test('UpdateDataset changes what it names; DeleteDataset removes it and its versions', async () => {
  const { DatasetId: id } = await admin.createDataset(dirBody({ Name: 'to-update' }));
  await admin.createVersion(id, { DataSourceType: 'NAS', Property: 'DIRECTORY', Uri: 'nas://fs1/v2/' });
  await admin.updateDataset(id, { Name: 'updated', Description: 'new', Accessibility: 'ROLE_PUBLIC',
                                  AccessibleRoleIdList: ['PAI.AlgoDeveloper'], Options: '{"mountPath":"/mnt/x"}' });
  const d = await admin.getDataset(id);
  assert.equal(d.Name, 'updated');
  assert.equal(d.Description, 'new');
  assert.equal(d.Accessibility, 'ROLE_PUBLIC');
  assert.deepEqual(d.AccessibleRoleIdList, ['PAI.AlgoDeveloper']);
  assert.equal(d.Options, '{"mountPath":"/mnt/x"}');
  assert.ok(d.GmtModifiedTime >= d.GmtCreateTime);
  await admin.call('PublishDataset', 'PUT', `/api/v1/datasets/${id}/publish`);
  assert.equal((await admin.getDataset(id)).Accessibility, 'PUBLIC');
  await admin.deleteDataset(id);
  assert.equal((await sdkError(admin.getDataset(id))).code, 'EntityNotExist.Dataset');
  assert.equal((await sdkError(admin.listVersions(id))).statusCode, 404);
});

test('a PRIVATE dataset is hidden from another member; sharing shows it across workspaces and tenants', async () => {
  const owner = new DatasetClient(server.endpoint, createKey(server, '--tenant', 'acme', '--user', 'olga', '--workspace', 'w1'));
  const peer = new DatasetClient(server.endpoint, createKey(server, '--tenant', 'acme', '--user', 'pete', '--workspace', 'w1'));
  const other = new DatasetClient(server.endpoint, createKey(server, '--tenant', 'acme', '--user', 'wanda', '--workspace', 'w2'));
  const stranger = new DatasetClient(server.endpoint, createKey(server, '--tenant', 'zeta', '--user', 'zoe', '--workspace', 'z9'));

  const { DatasetId: id } = await owner.createDataset(dirBody({ Name: 'secret' }));
  await owner.createDataset(dirBody({ Name: 'open', Accessibility: 'PUBLIC' }));
  assert.deepEqual((await peer.listDatasets()).Datasets.map((d) => d.Name), ['open']);
  assert.equal((await sdkError(peer.getDataset(id))).code, 'EntityNotExist.Dataset');
  assert.equal((await other.listDatasets()).TotalCount, 0);

  await owner.updateDataset(id, { SharingConfig: { SharedTo: [
    { WorkspaceId: 'w2' },
    { TenantId: 'zeta', WorkspaceId: 'z9', AllowedMountAccessLevels: ['RO', 'RW'], ExpiresAt: '2099-01-01T00:00:00Z' },
  ] } });
  const seen = await other.getDataset(id);
  assert.equal(seen.IsShared, true);
  assert.equal(seen.SharedFrom.Status, 'ACTIVE');
  assert.equal(seen.SharedFrom.SourceTenantId, 'acme');
  assert.equal(seen.SharedFrom.SourceWorkspaceId, 'w1');
  assert.equal(seen.SharedFrom.WorkspaceId, 'w2');
  assert.deepEqual(seen.SharedFrom.AllowedMountAccessLevels, ['RO']);
  assert.equal(seen.MountAccess, 'RO');
  assert.equal(seen.SharingConfig, undefined);
  const far = await stranger.getDataset(id);
  assert.equal(far.SharedFrom.TenantId, 'zeta');
  assert.equal(far.SharedFrom.ExpiresAt, '2099-01-01T00:00:00Z');
  assert.equal(far.MountAccess, 'RW');
  assert.deepEqual((await other.listDatasets({ ShareScope: 'TO_ME', WorkspaceId: 'w2' })).Datasets.map((d) => d.Name), ['secret']);
  assert.deepEqual((await other.listDatasets({ WorkspaceId: 'w2' })).Datasets.map((d) => d.Name), ['secret']);
  assert.deepEqual((await stranger.listDatasets({ ShareScope: 'TO_ME' })).Datasets.map((d) => d.Name), ['secret']);
  assert.deepEqual((await owner.listDatasets({ ShareScope: 'BY_ME' })).Datasets.map((d) => d.Name), ['secret']);
  const own = await owner.getDataset(id);
  assert.equal(own.IsShared, false);
  assert.deepEqual(own.SharingConfig.SharedTo.map((s) => `${s.TenantId}/${s.WorkspaceId}:${s.Status}`), ['acme/w2:ACTIVE', 'zeta/z9:ACTIVE']);
  // Read-only from there.
  assert.equal((await sdkError(other.updateDataset(id, { Description: 'mine now' }))).code, 'Forbidden.RAM');
  assert.equal((await sdkError(stranger.deleteDataset(id))).statusCode, 403);

  await owner.updateDataset(id, { SharingConfig: { SharedTo: [{ TenantId: 'zeta', WorkspaceId: 'z9', Status: 'REVOKED' }] } });
  assert.equal((await other.listDatasets()).TotalCount, 0);
  assert.equal((await stranger.listDatasets()).TotalCount, 0);
  assert.equal((await sdkError(stranger.getDataset(id))).code, 'EntityNotExist.Dataset');
  const after = await owner.getDataset(id);
  assert.deepEqual(after.SharingConfig.SharedTo.map((s) => `${s.WorkspaceId}:${s.Status}`).sort(), ['w2:REVOKED', 'z9:REVOKED']);
});

test('ListWorkspaces and GetWorkspace show the workspaces keys name', async () => {
  const key = createKey(server, '--tenant', 'wsco', '--user', 'amy', '--workspace', 'team_a:admin', '--workspace', 'team_b');
  const amy = new DatasetClient(server.endpoint, key);
  const list = await amy.listWorkspaces();
  assert.deepEqual(list.Workspaces.map((w) => w.WorkspaceId).sort(), ['team_a', 'team_b']);
  assert.equal(list.TotalCount, 2);
  const a = list.Workspaces.find((w) => w.WorkspaceId === 'team_a');
  assert.deepEqual(a.AdminNames, ['amy']);
  assert.deepEqual(a.ExtraInfos, { TenantId: 'wsco' });
  assert.match(a.GmtCreateTime, MILLIS);
  assert.equal(a.IsDefault, true);
  assert.equal(a.Status, 'ENABLED');
  assert.ok('resourceGroupId' in a);
  const got = await amy.getWorkspace('team_b', { Verbose: true });
  assert.equal(got.WorkspaceId, 'team_b');
  assert.equal(got.Owner.UserId, 'amy');
  assert.ok('ResourceGroupId' in got);
  assert.equal((await sdkError(amy.getWorkspace('1'))).statusCode, 404);
  const def = await amy.call('GetDefaultWorkspace', 'GET', '/api/v1/defaultWorkspaces', { query: { Verbose: true } });
  assert.equal(def.WorkspaceId, 'team_a');
  assert.deepEqual(def.Conditions.map((c) => c.Type), ['CREATING', 'WORKSPACE_CREATED', 'MEMBERS_ADDED', 'ENABLED']);
  assert.equal(def.Owner.UserName, 'amy');
  // A workspace no key names, in which an admin made a dataset, is listed for the tenant's admins.
  await admin.createDataset(dirBody({ Name: 'in-data-only-ws', WorkspaceId: 'data_only' }));
  const all = await admin.listWorkspaces({ PageSize: 100 });
  assert.ok(all.Workspaces.some((w) => w.WorkspaceId === 'data_only'), JSON.stringify(all.Workspaces.map((w) => w.WorkspaceId)));
  assert.equal((await admin.getWorkspace('data_only')).WorkspaceName, 'ws_data_only');
  assert.equal((await amy.listWorkspaces()).Workspaces.some((w) => w.WorkspaceId === 'data_only'), false);
});

test('the v2 (ROA HMAC-SHA1) signature works for datasets too', async () => {
  const v2 = new DatasetClient(server.endpoint, server.adminKey, { signatureAlgorithm: 'v2' });
  const { DatasetId: id } = await v2.createDataset(dirBody({ Name: 'signed-v2', Labels: [{ Key: 'k', Value: '中文 值' }] }));
  assert.equal((await v2.listDatasets({ Name: 'signed-v2', Label: '中文' })).Datasets[0].DatasetId, id);
});

test('kill -9 and restart keep every dataset, version, label and share', async () => {
  const { DatasetId: id } = await admin.createDataset(dirBody({ Name: 'durable', Labels: [{ Key: 'a', Value: 'b' }],
                                                                 SharingConfig: { SharedTo: [{ WorkspaceId: 'w7' }] } }));
  await admin.createVersion(id, { DataSourceType: 'NAS', Property: 'DIRECTORY', Uri: 'nas://fs1/v2/', DataSize: 7 });
  await admin.createVersionLabels(id, 'v2', [{ Key: 'x', Value: 'y' }]);
  const before = await admin.getDataset(id);
  await server.stop('SIGKILL');
  await server.start();
  admin = new DatasetClient(server.endpoint, server.adminKey);
  const after = await admin.getDataset(id);
  delete before.RequestId;
  delete after.RequestId;
  assert.deepEqual(after, before);
  assert.equal((await admin.listDatasets({ Name: 'durable', WorkspaceId: 'w7' })).TotalCount, 1);
  assert.deepEqual((await admin.listVersions(id, { LabelKeys: 'x' })).DatasetVersions.map((v) => v.VersionName), ['v2']);
});

// ---- training jobs that mount datasets ---------------------------------------

async function podLog(dlc, job) {
  const pod = job.Pods[0].PodId;
  return (await dlc.call('GetPodLogs', 'GET', `/api/v1/jobs/${job.JobId}/pods/${pod}/logs`)).Logs.join('\n');
}

test('a PyTorchJob reads its dataset at MountPath, read-only unless RW is asked and allowed', async () => {
  const dlc = new DlcClient(server.endpoint, server.adminKey);
  const { DatasetId: id } = await admin.createDataset(dirBody({ Name: 'mounted', Options: '{"mountPath":"/mnt/default-data/"}' }));
  const { JobId } = await dlc.createJob(jobBody({
    DisplayName: 'reads-dataset',
    DataSources: [{ DataSourceId: id, MountPath: '/mnt/drover-e2e/data', MountAccess: 'RO', EnableCache: false }],
    UserCommand: 'cat /mnt/drover-e2e/data/train.csv; if touch /mnt/drover-e2e/data/new 2>/dev/null; then echo WROTE; else echo READ-ONLY; fi',
  }));
  const job = await waitForEnd(dlc, JobId);
  assert.equal(job.Status, 'Succeeded', job.ReasonMessage);
  const log = await podLog(dlc, job);
  assert.match(log, /x,y/);
  assert.match(log, /READ-ONLY/);
  assert.deepEqual(job.DataSources, [{ DataSourceId: id, DataSourceVersion: 'v1', MountPath: '/mnt/drover-e2e/data',
                                       MountAccess: 'RO', Uri: 'nas://fs1.cn-hangzhou/data/' }]);
  // The mount point was made in the pod's own namespace, never on this machine.
  assert.equal(existsSync('/mnt/drover-e2e'), false);
  const listed = await dlc.listJobs({ DisplayName: 'reads-dataset' });
  assert.equal(listed.Jobs[0].DataSources[0].Uri, undefined);

  // RW is the default where allowed, and writes reach the data; the mount
  // path defaults to the version's Options mountPath.
  const writer = await dlc.createJob(jobBody({
    DisplayName: 'writes-dataset', DataSources: [{ DataSourceId: id }],
    UserCommand: 'echo written > /mnt/default-data/out.txt',
  }));
  const written = await waitForEnd(dlc, writer.JobId);
  assert.equal(written.Status, 'Succeeded', written.ReasonMessage);
  assert.equal(written.DataSources[0].MountAccess, 'RW');
  assert.equal(written.DataSources[0].MountPath, '/mnt/default-data/');
  assert.equal(readFileSync(path.join(nas, 'data', 'out.txt'), 'utf8'), 'written\n');
});

test('data sources are checked when the job is created: unknown, unseen, read-only or misplaced data is refused', async () => {
  const peerKey = createKey(server, '--tenant', 'local', '--user', 'mallory', '--workspace', '1');
  const peer = new DlcClient(server.endpoint, peerKey);
  const { DatasetId: privateId } = await admin.createDataset(dirBody({ Name: 'not-for-mallory' }));
  const { DatasetId: publicId } = await admin.createDataset(dirBody({ Name: 'for-all', Accessibility: 'PUBLIC' }));
  const dlc = new DlcClient(server.endpoint, server.adminKey);
  const before = (await dlc.listJobs({ PageSize: 1 })).TotalCount;
  const cases = [
    [dlc, [{ DataSourceId: 'd-nosuchdataset0000', MountPath: '/mnt/x' }], 404, /does not exist/],
    [peer, [{ DataSourceId: privateId, MountPath: '/mnt/x' }], 404, /does not exist/],
    [peer, [{ DataSourceId: publicId, MountPath: '/mnt/x', MountAccess: 'RW' }], 400, /DataSources\[0\]\.MountAccess may not be RW/],
    [dlc, [{ DataSourceId: publicId }], 400, /DataSources\[0\]\.MountPath/],
    [dlc, [{ DataSourceId: publicId, DataSourceVersion: 'v9', MountPath: '/mnt/x' }], 404, /no version v9/],
    [dlc, [{ DataSourceId: publicId, MountPath: 'relative/path' }], 400, /absolute path/],
    [dlc, [{ DataSourceId: publicId, MountPath: '/mnt/a' }, { DataSourceId: publicId, MountPath: '/mnt/a/b' }], 400, /apart/],
    [dlc, [{ Uri: 'nas://fs1/missing/', MountPath: '/mnt/x' }], 400, /does not exist/],
    [dlc, [{ MountPath: '/mnt/x' }], 400, /DataSourceId/],
  ];
  for (const [client, DataSources, status, message] of cases) {
    const err = await sdkError(client.createJob(jobBody({ DisplayName: 'bad-sources', DataSources })));
    assert.equal(err.statusCode, status, JSON.stringify(DataSources));
    assert.match(err.data.Message, message);
    if (status === 404) assert.equal(err.code, 'EntityNotExist.Dataset');
  }
  assert.equal((await dlc.listJobs({ PageSize: 1 })).TotalCount, before);
  // A PUBLIC dataset mounts read-only for a member who may not write it.
  const ok = await peer.createJob(jobBody({ DisplayName: 'peer-reads', DataSources: [{ DataSourceId: publicId, MountPath: '/mnt/p' }],
                                            UserCommand: 'ls /mnt/p' }));
  const done = await waitForEnd(peer, ok.JobId);
  assert.equal(done.Status, 'Succeeded', done.ReasonMessage);
  assert.equal(done.DataSources[0].MountAccess, 'RO');
  assert.match(await podLog(peer, done), /train\.csv/);
});

test('a ModelArts job with a data_url on this machine reads it at the ModelArts input path', async () => {
  const ma = new ModelArtsClient(server.endpoint, server.adminKey);
  const dlc = new DlcClient(server.endpoint, server.adminKey);
  const r = await ma.create({ job_name: 'reads-data-url', config: {
    worker_server_num: 1, data_url: 'nas://fs1/data/', train_url: '/out',
    user_command: 'cat /home/ma-user/modelarts/inputs/data_url_0/train.csv; echo' } });
  const dlcId = (await ma.version(r.job_id, r.version_id)).dlc_job_id;
  const job = await waitForEnd(dlc, dlcId);
  assert.equal(job.Status, 'Succeeded', job.ReasonMessage);
  const log = await podLog(dlc, job);
  assert.match(log, /x,y/);
  assert.match(log, /--data_url=\/home\/ma-user\/modelarts\/inputs\/data_url_0\//);
  assert.equal(existsSync('/home/ma-user'), false);

  const refused = await ma.raw('POST', '/training-jobs', { job_name: 'missing-data-url', config: {
    worker_server_num: 1, data_url: 'nas://fs1/nowhere/', train_url: '/out', user_command: 'true' } });
  assert.equal(refused.status, 400);
  const body = await refused.json();
  assert.equal(body.is_success, false);
  assert.match(body.error_message, /config\[0\]\.data_url "nas:\/\/fs1\/nowhere\/" does not exist/);
});

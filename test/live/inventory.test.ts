import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DefaultAzureCredential } from '@azure/identity';
import { clearServiceTagCache, readLiveInventory, readRowCounts, resolveCredential, staticTokenCredential, UNSEEN_SUBSCRIPTION } from '../../src/live';
import type { LiveInventoryOptions, LiveProgress } from '../../src/live';
import { startArmServer } from '../support/arm-server';
import type { ArmServer, ArmServerOptions, LoggedRequest } from '../support/arm-server';
import { buildTestEstate, malformedRows, SERVICE_TAGS, SUB_A, SUB_B, SUB_C } from './estate';
import { RecordingCredential, recordedRetry } from './helpers';

const ALL = [SUB_A, SUB_B, SUB_C];
const ROLE = 'microsoft.authorization/roleassignments';
const COMPUTE = 'microsoft.machinelearningservices/workspaces/computes';

let server: ArmServer | undefined;
beforeEach(() => clearServiceTagCache());
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(options: Partial<ArmServerOptions> & { rows?: ArmServerOptions['rows'] } = {}): Promise<ArmServer> {
  server = await startArmServer({ rows: buildTestEstate(10), serviceTags: SERVICE_TAGS, ...options });
  return server;
}

function read(on: ArmServer, options: Partial<LiveInventoryOptions> = {}) {
  const recorded = recordedRetry(options.retry);
  const credential = new RecordingCredential();
  const run = readLiveInventory({
    subscriptionIds: ALL,
    credential,
    armEndpoint: on.endpoint,
    tlsOptions: on.tlsOptions,
    ...options,
    retry: recorded.retry,
  });
  return { run, ...recorded, credential };
}

const graphRequests = (on: ArmServer, table?: string): LoggedRequest[] =>
  on.requestsOf('graph').filter((request) => table === undefined || request.table === table);

/** What each table holds, as the real service keeps it: computes are in none (ARM lists them per workspace). */
const RULE_GROUPS = 'microsoft.network/firewallpolicies/rulecollectiongroups';
const inResources = (rows: readonly { type?: unknown }[]): number => rows.filter((row) => row.type !== ROLE && row.type !== COMPUTE && row.type !== RULE_GROUPS).length;
const workspaceCount = (rows: readonly { type?: unknown }[]): number => rows.filter((row) => row.type === 'microsoft.machinelearningservices/workspaces').length;
const subscriptionIds = (subscriptions: readonly string[]): string[] => subscriptions.map((id) => `/subscriptions/${id}`);

describe('reading the whole estate', () => {
  it('follows $skipToken to the last page with exactly ceil(rows / pageSize) requests per query', async () => {
    const rows = buildTestEstate(10);
    const on = await serve({ rows });
    const { run } = read(on, { pageSize: 4 });
    const inventory = await run;

    const resourceRows = inResources(rows);
    const roleRows = rows.filter((row) => row.type === ROLE).length;
    expect(inventory.gaps).toEqual([]);
    expect(inventory.resources.map((row) => row.id).sort()).toEqual([...rows.map((row) => String(row.id)), ...subscriptionIds(ALL)].sort());
    expect(graphRequests(on, 'resources')).toHaveLength(Math.ceil(resourceRows / 4));
    expect(graphRequests(on, 'networkresources')).toHaveLength(1);
    expect(graphRequests(on, 'authorizationresources')).toHaveLength(Math.ceil(roleRows / 4));
    expect(graphRequests(on, 'resourcecontainers')).toHaveLength(1);
    // Every page after the first carries the previous page's token, and asks for pageSize rows.
    const pages = graphRequests(on, 'resources');
    expect(pages[0]?.skipToken).toBeUndefined();
    expect(pages.slice(1).every((page) => page.skipToken !== undefined)).toBe(true);
    expect(pages.every((page) => page.top === 4 && page.status === 200)).toBe(true);
    // Computes are in no Resource Graph table: one ARM list per workspace. Service tags: one call for the whole cloud.
    expect(on.requestsOf('computes')).toHaveLength(workspaceCount(rows));
    expect(on.requestsOf('service-tags')).toHaveLength(1);
    expect(on.requests).toHaveLength(Math.ceil(resourceRows / 4) + 1 + Math.ceil(roleRows / 4) + 1 + workspaceCount(rows) + 1);
  });

  it('uses one request per query at the default page size of 1000', async () => {
    const on = await serve();
    const { run } = read(on);
    const inventory = await run;
    expect(inventory.gaps).toEqual([]);
    expect(graphRequests(on).map((request) => [request.table, request.top])).toEqual([
      ['resources', 1000],
      ['networkresources', 1000],
      ['authorizationresources', 1000],
      ['resourcecontainers', 1000],
    ]);
    // Inherited grants: role assignments are asked for at, above and below the scope.
    expect((graphRequests(on, 'authorizationresources')[0]?.body as { options: Record<string, unknown> }).options.authorizationScopeFilter).toBe('AtScopeAboveAndBelow');
    expect(on.requests).toHaveLength(4 + workspaceCount(buildTestEstate(10)) + 1);
  });

  it('reads a 6,000-resource estate in the fewest requests pages of 1000 allow', async () => {
    const rows = buildTestEstate(3000);
    const on = await serve({ rows });
    const inventory = await read(on).run;
    const resourceRows = inResources(rows);
    expect(resourceRows).toBeGreaterThan(6000);
    expect(inventory.resources).toHaveLength(rows.length + ALL.length);
    expect(graphRequests(on, 'resources')).toHaveLength(Math.ceil(resourceRows / 1000));
    expect(graphRequests(on, 'authorizationresources')).toHaveLength(1);
    expect(on.requests).toHaveLength(Math.ceil(resourceRows / 1000) + 3 + workspaceCount(rows) + 1);
  });

  it('sends the query the rules need: every type the estate reads, ordered by id, objectArray rows', async () => {
    const on = await serve();
    await read(on).run;
    const body = graphRequests(on, 'resources')[0]?.body as { query: string; subscriptions: string[]; options: Record<string, unknown> };
    expect(body.query).not.toContain(COMPUTE);
    expect(body.query).not.toContain(RULE_GROUPS);
    expect((graphRequests(on, 'networkresources')[0]?.body as { query: string }).query).toContain(`'${RULE_GROUPS}'`);
    for (const type of ['microsoft.machinelearningservices/workspaces', 'microsoft.network/ipgroups', 'microsoft.network/virtualnetworks', 'microsoft.network/networksecuritygroups', 'microsoft.network/routetables', 'microsoft.network/networkinterfaces', 'microsoft.network/privateendpoints', 'microsoft.network/privatednszones', 'microsoft.network/privatednszones/virtualnetworklinks', 'microsoft.network/azurefirewalls', 'microsoft.network/firewallpolicies', 'microsoft.storage/storageaccounts', 'microsoft.keyvault/vaults', 'microsoft.containerregistry/registries', 'microsoft.containerservice/managedclusters', 'microsoft.compute/virtualmachines', 'microsoft.hdinsight/clusters', 'microsoft.databricks/workspaces', 'microsoft.containerinstance/containergroups']) {
      expect(body.query).toContain(`'${type}'`);
    }
    expect(body.query).toMatch(/order by id asc/);
    expect(body.options.resultFormat).toBe('objectArray');
    expect(body.subscriptions).toEqual(ALL);
    expect((graphRequests(on, 'authorizationresources')[0]?.body as { query: string }).query).toContain(`type =~ '${ROLE}'`);
  });

  it('batches subscriptions within the per-request limit', async () => {
    const on = await serve();
    const inventory = await read(on, { subscriptionBatchSize: 2 }).run;
    expect(inventory.gaps).toEqual([]);
    expect(graphRequests(on, 'resources').map((request) => request.subscriptions)).toEqual([[SUB_A, SUB_B], [SUB_C]]);
    expect(graphRequests(on, 'authorizationresources').map((request) => request.subscriptions)).toEqual([[SUB_A, SUB_B], [SUB_C]]);
  });

  it('reads a management group through the managementGroups scope', async () => {
    const on = await serve({ managementGroups: { 'mg-ml': [SUB_A, SUB_B] } });
    const inventory = await read(on, { subscriptionIds: undefined, managementGroupId: 'mg-ml' }).run;
    expect(inventory.gaps).toEqual([]);
    expect(graphRequests(on).every((request) => request.managementGroups?.[0] === 'mg-ml' && request.subscriptions === undefined)).toBe(true);
    const subscriptions = new Set(inventory.resources.map((row) => String(row.subscriptionId)));
    expect([...subscriptions].sort()).toEqual([SUB_A, SUB_B]);
  });
});

describe('what each table holds', () => {
  it('reads grants inherited from a management group, and the subscriptions\' ancestry that tells where they apply', async () => {
    const inherited = {
      id: '/providers/Microsoft.Management/managementGroups/mg-platform/providers/Microsoft.Authorization/roleAssignments/ra-mg',
      name: 'ra-mg',
      type: ROLE,
      properties: { principalId: 'p-aks', roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7', scope: '/providers/Microsoft.Management/managementGroups/mg-platform' },
    };
    const elsewhere = { ...inherited, id: inherited.id.replace('mg-platform', 'mg-other'), properties: { ...inherited.properties, scope: '/providers/Microsoft.Management/managementGroups/mg-other' } };
    const on = await serve({ rows: [...buildTestEstate(0), inherited, elsewhere], managementGroups: { 'mg-platform': [SUB_A], 'mg-other': [SUB_C] } });
    const inventory = await read(on, { subscriptionIds: [SUB_A] }).run;
    const ids = inventory.resources.map((row) => row.id);
    expect(ids).toContain(inherited.id);
    expect(ids).not.toContain(elsewhere.id);
    expect(inventory.resources.find((row) => row.id === `/subscriptions/${SUB_A}`)?.properties).toMatchObject({ managementGroupAncestorsChain: [{ name: 'mg-platform' }] });
  });

  it('reads firewall policy rule collection groups from networkresources, where alone the service lists them', async () => {
    const policy = `/subscriptions/${SUB_A}/resourceGroups/rg-hub/providers/Microsoft.Network/firewallPolicies/fwp`;
    const group = { id: `${policy}/ruleCollectionGroups/aml`, name: 'aml', type: 'microsoft.network/firewallpolicies/rulecollectiongroups', subscriptionId: SUB_A, properties: { priority: 100, ruleCollections: [] } };
    const on = await serve({ rows: [...buildTestEstate(0), group] });
    const inventory = await read(on, { subscriptionIds: [SUB_A] }).run;
    expect(inventory.resources.map((row) => row.id)).toContain(group.id);
    expect(graphRequests(on, 'networkresources').map((request) => request.rowCount)).toEqual([1]);
    expect(graphRequests(on, 'resources').reduce((sum, request) => sum + request.rowCount, 0)).toBe(inResources(buildTestEstate(0).filter((row) => row.subscriptionId === SUB_A)));
  });
});

describe('throttling and transient failures', () => {
  it('honours Retry-After on a 429, then succeeds', async () => {
    const on = await serve({ faults: [{ when: (request) => request.kind === 'graph' && request.index === 0, status: 429, headers: { 'retry-after': '7' }, times: 1 }] });
    const { run, delays } = read(on);
    const inventory = await run;
    expect(inventory.gaps).toEqual([]);
    expect(delays).toEqual([expect.objectContaining({ reason: 'throttled', ms: 7000, status: 429, retry: 1 })]);
    expect(graphRequests(on).map((request) => request.status)).toEqual([429, 200, 200, 200, 200]);
  });

  it('slows down before the quota is spent, from the quota headers', async () => {
    // First answer: 0 left, resets in 3 s → wait 3 s. Second: 1 left of a window resetting in 4 s → spread: 2 s.
    const quota = (index: number) =>
      index === 0 ? { remaining: 0, resetsAfter: '00:00:03' } : index === 1 ? { remaining: 1, resetsAfter: '00:00:04' } : { remaining: 10, resetsAfter: '00:00:05' };
    const on = await serve({ quota });
    const { run, delays } = read(on, { pageSize: 40 });
    const inventory = await run;
    expect(inventory.gaps).toEqual([]);
    const quotaDelays = delays.filter((delay) => delay.reason === 'quota').map((delay) => delay.ms);
    expect(quotaDelays).toHaveLength(2);
    expect(quotaDelays[0]).toBeGreaterThan(2900);
    expect(quotaDelays[0]).toBeLessThanOrEqual(3000);
    expect(quotaDelays[1]).toBeGreaterThan(1900);
    expect(quotaDelays[1]).toBeLessThanOrEqual(2000);
    // No 429 was needed: the pacing happened before the quota ran out.
    expect(on.requests.every((request) => request.status === 200)).toBe(true);
  });

  it('retries a 500 with exponential backoff, then succeeds', async () => {
    const on = await serve({ faults: [{ when: (request) => request.kind === 'graph', status: 500, times: 2 }] });
    const { run, delays } = read(on, { retry: { retryDelayMs: 25 } });
    const inventory = await run;
    expect(inventory.gaps).toEqual([]);
    expect(delays.map((delay) => [delay.reason, delay.ms])).toEqual([
      ['server-error', 25],
      ['server-error', 50],
    ]);
    expect(graphRequests(on).map((request) => request.status)).toEqual([500, 500, 200, 200, 200, 200]);
  });

  it('retries a dropped connection', async () => {
    const on = await serve({ faults: [{ when: (request) => request.kind === 'graph', status: 0, dropConnection: true, times: 1 }] });
    const { run, delays } = read(on);
    const inventory = await run;
    expect(inventory.gaps).toEqual([]);
    expect(delays.map((delay) => delay.reason)).toEqual(['network-error']);
    expect(graphRequests(on).map((request) => request.status)).toEqual([0, 200, 200, 200, 200]);
  });

  it('does not retry a 403', async () => {
    const on = await serve({ faults: [{ when: (request) => request.table === 'authorizationresources', status: 403 }] });
    const { run, delays } = read(on, { subscriptionIds: [SUB_A] });
    const inventory = await run;
    expect(delays).toEqual([]);
    expect(inventory.gaps).toEqual([{ scope: `/subscriptions/${SUB_A}`, reason: expect.stringMatching(/^role assignments: HTTP 403/) }]);
  });
});

describe('failures are reported, and the rest is still read', () => {
  it('isolates a subscription that fails for good, reads the others, and names it in gaps', async () => {
    const failsC = (request: LoggedRequest) => request.kind === 'graph' && (request.subscriptions ?? []).includes(SUB_C);
    const rows = buildTestEstate(3);
    const on = await serve({ rows, faults: [{ when: failsC, status: 500 }] });
    const { run } = read(on, { retry: { maxRetries: 2 } });
    const inventory = await run;

    // One gap per subscription, naming every query that failed for it.
    expect(inventory.gaps).toEqual([{ scope: `/subscriptions/${SUB_C}`, reason: expect.stringMatching(/^resources: HTTP 500.*; firewall rule collection groups: HTTP 500.*; role assignments: HTTP 500.*; subscriptions: HTTP 500/) }]);
    const expected = [...rows.filter((row) => row.subscriptionId !== SUB_C).map((row) => String(row.id)), ...subscriptionIds([SUB_A, SUB_B])].sort();
    expect(inventory.resources.map((row) => row.id).sort()).toEqual(expected);
    // Per query: [A,B,C] fails (3 attempts), [A,B] succeeds (1), [C] fails (3 attempts) = 7.
    expect(graphRequests(on, 'resources').map((request) => request.subscriptions?.length)).toEqual([3, 3, 3, 2, 1, 1, 1]);
    expect(graphRequests(on, 'authorizationresources')).toHaveLength(7);
  });

  it('drops a subscription whose paging breaks midway instead of keeping half of it', async () => {
    const rows = buildTestEstate(10);
    const on = await serve({ rows, faults: [{ when: (request) => request.table === 'resources' && request.skipToken !== undefined && (request.subscriptions ?? []).includes(SUB_B), status: 400, body: { error: { code: 'InvalidSkipToken', message: 'expired' } } }] });
    const inventory = await read(on, { pageSize: 5 }).run;
    // A 400 names the whole request, so the batch is not halved: all three subscriptions are gaps for resources.
    expect(inventory.gaps.map((gap) => gap.scope)).toEqual(ALL.map((id) => `/subscriptions/${id}`));
    expect(inventory.resources.every((row) => row.type === ROLE || row.type === 'microsoft.resources/subscriptions')).toBe(true);
  });

  it('falls back to the subscriptions of a management group when the group query fails', async () => {
    const on = await serve({
      managementGroups: { 'mg-ml': ALL },
      faults: [
        { when: (request) => request.table === 'resources' && request.managementGroups !== undefined, status: 500 },
        { when: (request) => request.table === 'resources' && (request.subscriptions ?? []).includes(SUB_B), status: 500 },
      ],
    });
    const inventory = await read(on, { subscriptionIds: undefined, managementGroupId: 'mg-ml', retry: { maxRetries: 0 } }).run;
    expect(inventory.gaps).toEqual([{ scope: `/subscriptions/${SUB_B}`, reason: expect.stringMatching(/^resources: HTTP 500/) }]);
    // One to list the group's subscriptions after the failure, one for their management group ancestry.
    expect(graphRequests(on, 'resourcecontainers')).toHaveLength(2);
    const subscriptions = new Set(inventory.resources.filter((row) => row.type !== ROLE && row.type !== 'microsoft.resources/subscriptions').map((row) => String(row.subscriptionId)));
    expect([...subscriptions].sort()).toEqual([SUB_A, SUB_C]);
  });

  it('skips malformed rows with one warning and keeps the rest', async () => {
    const rows = [...buildTestEstate(0), ...malformedRows()];
    const on = await serve({ rows });
    const inventory = await read(on).run;
    expect(inventory.gaps).toEqual([]);
    expect(inventory.warnings).toEqual(['skipped 3 rows that are not objects or lack an id']);
    expect(inventory.resources).toHaveLength(buildTestEstate(0).length + ALL.length);
  });

  it('answers a gap, not an exception, when the answer has no row array', async () => {
    const on = await serve({ faults: [{ when: (request) => request.table === 'authorizationresources', status: 200, body: { totalRecords: 1, count: 1, data: 'oops', resultTruncated: 'false' } }] });
    const inventory = await read(on, { subscriptionIds: [SUB_A] }).run;
    expect(inventory.gaps).toEqual([{ scope: `/subscriptions/${SUB_A}`, reason: expect.stringContaining('malformed Resource Graph answer') }]);
  });
});

describe('workspace computes and service tags', () => {
  it('lists computes through ARM (following nextLink) when Resource Graph has none, in snapshot row shape', async () => {
    const rows = buildTestEstate(0);
    const on = await serve({ rows, graphIndexesComputes: false, pageSize: 1 });
    const inventory = await read(on, { pageSize: 1000 }).run;
    expect(inventory.gaps).toEqual([]);
    const computeRows = rows.filter((row) => row.type === COMPUTE);
    const listed = inventory.resources.filter((row) => row.type === COMPUTE);
    expect(listed.map((row) => row.id).sort()).toEqual(computeRows.map((row) => String(row.id)).sort());
    for (const row of listed) {
      const original = computeRows.find((candidate) => candidate.id === row.id);
      expect(row.subscriptionId).toBe(original?.subscriptionId);
      expect(String(row.resourceGroup).toLowerCase()).toBe(original?.resourceGroup);
      expect(row.properties).toEqual(original?.properties);
    }
    // One list per workspace plus one nextLink page per extra compute (server pages of 1).
    const perWorkspace = new Map<string, number>();
    for (const row of computeRows) {
      const workspace = String(row.id).replace(/\/computes\/.*$/, '');
      perWorkspace.set(workspace, (perWorkspace.get(workspace) ?? 0) + 1);
    }
    expect(on.requestsOf('computes')).toHaveLength([...perWorkspace.values()].reduce((sum, count) => sum + count, 0));
    expect(on.requestsOf('computes').every((request) => request.query['api-version'] === '2024-04-01')).toBe(true);
  });

  it('reports a workspace whose computes cannot be listed as a gap', async () => {
    const on = await serve({ graphIndexesComputes: false, faults: [{ when: (request) => request.kind === 'computes' && request.path.includes('ws-beta'), status: 403 }] });
    const inventory = await read(on).run;
    expect(inventory.gaps).toEqual([{ scope: expect.stringMatching(/\/workspaces\/ws-beta$/), reason: expect.stringMatching(/^workspace computes: HTTP 403/) }]);
  });

  it('reads service tags once per cloud, keeps the regions in use, and caches them', async () => {
    const on = await serve();
    const first = await read(on).run;
    expect(first.serviceTags?.map((tag) => tag.name).sort()).toEqual([
      'AzureMachineLearning',
      'AzureMachineLearning.EastUS2',
      'BatchNodeManagement',
      'BatchNodeManagement.EastUS2',
      'BatchNodeManagement.WestEurope',
    ]);
    expect(first.serviceTags?.find((tag) => tag.name === 'BatchNodeManagement.EastUS2')).toEqual({
      name: 'BatchNodeManagement.EastUS2',
      id: 'BatchNodeManagement.EastUS2',
      properties: { region: 'eastus2', systemService: 'BatchNodeManagement', addressPrefixes: ['20.36.0.0/16'] },
    });
    await read(on).run;
    expect(on.requestsOf('service-tags')).toHaveLength(1);
  });

  it('turns a service-tag failure into a warning (regional checks answer unknown), not a gap', async () => {
    const on = await serve({ faults: [{ when: (request) => request.kind === 'service-tags', status: 404 }] });
    const inventory = await read(on).run;
    expect(inventory.gaps).toEqual([]);
    expect(inventory.serviceTags).toBeUndefined();
    expect(inventory.warnings).toEqual([expect.stringMatching(/^service tags could not be read/)]);
    // Tried each region in use (eastus2, westeurope) once.
    expect(on.requestsOf('service-tags')).toHaveLength(2);
  });
});

describe('credentials, clouds and progress', () => {
  it('sends the AZURE_ACCESS_TOKEN token as the bearer token', async () => {
    const on = await serve();
    const credential = resolveCredential({ AZURE_ACCESS_TOKEN: 'pipeline-token' });
    const recorded = recordedRetry();
    await readLiveInventory({ subscriptionIds: [SUB_A], credential, armEndpoint: on.endpoint, tlsOptions: on.tlsOptions, retry: recorded.retry });
    expect(on.requests.length).toBeGreaterThan(0);
    expect(on.requests.every((request) => request.authorization === 'Bearer pipeline-token')).toBe(true);
  });

  it('uses DefaultAzureCredential without AZURE_ACCESS_TOKEN', () => {
    expect(resolveCredential({})).toBeInstanceOf(DefaultAzureCredential);
    expect(resolveCredential({ AZURE_ACCESS_TOKEN: '  ' }, 'AzureUSGovernment')).toBeInstanceOf(DefaultAzureCredential);
  });

  it('takes the expiry of a JWT access token from its exp claim', async () => {
    const payload = Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url');
    const token = await staticTokenCredential(`h.${payload}.s`).getToken('x');
    expect(token?.expiresOnTimestamp).toBe(2_000_000_000_000);
  });

  it('asks for tokens of the sovereign cloud it reads (and the endpoint override keeps that scope)', async () => {
    const on = await serve();
    const { run, credential } = read(on, { subscriptionIds: [SUB_A], cloud: 'AzureUSGovernment' });
    await run;
    expect(new Set(credential.scopes)).toEqual(new Set(['https://management.usgovcloudapi.net/.default']));
    clearServiceTagCache();
    const china = read(on, { subscriptionIds: [SUB_A], cloud: 'AzureChinaCloud' });
    await china.run;
    expect(new Set(china.credential.scopes)).toEqual(new Set(['https://management.chinacloudapi.cn/.default']));
  });

  it('reports progress: subscriptions, pages and resources', async () => {
    const on = await serve();
    const events: LiveProgress[] = [];
    await read(on, { pageSize: 10, subscriptionBatchSize: 1, onProgress: (progress) => events.push(progress) }).run;
    const last = events[events.length - 1];
    expect(last).toMatchObject({ phase: 'done', subscriptionsDone: 3, subscriptionsTotal: 3 });
    expect(last?.pages).toBe(graphRequests(on).length);
    expect(last?.resources).toBe(buildTestEstate(10).length + ALL.length);
    expect(events.map((event) => event.phase)).toEqual(expect.arrayContaining(['resources', 'role-assignments', 'service-tags', 'done']));
  });

  it('rejects a missing or doubled scope as a usage error', async () => {
    const credential = new RecordingCredential();
    await expect(readLiveInventory({ credential })).rejects.toThrow(/no scope/);
    await expect(readLiveInventory({ credential, subscriptionIds: [SUB_A], managementGroupId: 'mg' })).rejects.toThrow(/not both/);
    await expect(readLiveInventory({ credential, subscriptionIds: ['not-a-guid'] })).rejects.toThrow(/not a subscription ID/);
    await expect(readLiveInventory({ credential, subscriptionIds: [SUB_A], pageSize: 5000 })).rejects.toThrow(/pageSize/);
  });
});

describe('counting rows per subscription (the sweep timer sizes its batches by it)', () => {
  it('answers each subscription its count of read rows in one request, 0 for one with none', async () => {
    const rows = buildTestEstate(10);
    const on = await serve({ rows });
    const empty = '99999999-9999-4999-8999-999999999999';
    const { retry } = recordedRetry();
    const { counts, gaps } = await readRowCounts([...ALL, empty], { credential: new RecordingCredential(), armEndpoint: on.endpoint, tlsOptions: on.tlsOptions, retry });
    expect(gaps).toEqual([]);
    for (const subscription of ALL) expect(counts.get(subscription)).toBe(inResources(rows.filter((row) => row.subscriptionId === subscription)));
    expect(counts.get(empty)).toBe(0);
    expect(graphRequests(on)).toHaveLength(1);
    expect(graphRequests(on)[0]?.body).toMatchObject({ query: expect.stringContaining('summarize rowCount = count() by subscriptionId') });
  });

  it('leaves out a subscription it could not count, as a gap', async () => {
    const on = await serve({ faults: [{ when: (request) => request.kind === 'graph' && (request.subscriptions ?? []).includes(SUB_B), status: 500 }] });
    const { retry } = recordedRetry({ retryDelayMs: 1 });
    const { counts, gaps } = await readRowCounts(ALL, { credential: new RecordingCredential(), armEndpoint: on.endpoint, tlsOptions: on.tlsOptions, retry });
    expect([...counts.keys()].sort()).toEqual([SUB_A, SUB_C].sort());
    expect(gaps.map((gap) => gap.scope)).toEqual([`/subscriptions/${SUB_B}`]);
  });
});

describe('a subscription Resource Graph returns nothing for', () => {
  const stranger = '88888888-8888-4888-8888-888888888888';
  const empty = '77777777-7777-4777-8777-777777777777';

  it('is a gap (it cannot be told from an empty one but by its own row), while an empty readable one is complete', async () => {
    const on = await serve({ emptySubscriptions: [empty] });
    const { run } = read(on, { subscriptionIds: [SUB_A, stranger, empty.toUpperCase()] });
    const inventory = await run;
    expect(inventory.gaps).toEqual([{ scope: `/subscriptions/${stranger}`, reason: UNSEEN_SUBSCRIPTION }]);
    expect(inventory.resources.some((row) => row.id === `/subscriptions/${empty}`)).toBe(true);
  });
});

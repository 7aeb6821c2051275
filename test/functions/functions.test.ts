import { HttpRequest, InvocationContext } from '@azure/functions';
import type { Timer } from '@azure/functions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audit } from '../../functions/audit';
import { findings } from '../../functions/findings';
import { resourceChanged } from '../../functions/resourceChanged';
import { sweepQueueOutput, sweepScheduled } from '../../functions/sweepScheduled';
import { sweepSubscription } from '../../functions/sweepSubscription';
import { SnapshotInventoryProvider } from '../../src/app/inventory';
import { TransientError } from '../../src/app/ports';
import { getAuditorApp, resetAuditorApp, useAuditorApp } from '../../src/app/runtime';
import { AuditorApp } from '../../src/app/service';
import { startAzuriteTable } from '../../src/azurite';
import { loadSnapshotFile } from '../../src/inventory/snapshot';
import { openFindingsStore } from '../../src/store';
import type { FindingsStore } from '../../src/store';
import { at, cloudEventOf, DEV, notificationEvent, PROD, PROD_WORKSPACE_ID, SAMPLE_PATH, STORAGE_ID, storageRow } from '../app/fixtures/events';
import { FAST_RETRY, uniqueTablePrefix, useAzurite } from '../support/azurite';

/** Every handler is called as the host would call it: its trigger input and an InvocationContext. */
const azurite = useAzurite();
let logs: string[] = [];

function context(functionName: string, triggerMetadata?: Record<string, unknown>): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId: `test-${functionName}`,
    logHandler: (level, ...args) => logs.push(`${level}: ${args.map(String).join(' ')}`),
    ...(triggerMetadata !== undefined ? { triggerMetadata } : {}),
  });
}

async function install(options: { store?: FindingsStore; scope?: readonly string[]; retentionDays?: number; sweepBatch?: number } = {}): Promise<AuditorApp> {
  const app = new AuditorApp({
    settings: {
      scopeSubscriptions: options.scope ?? [],
      coalesceMs: 20,
      ...(options.retentionDays !== undefined ? { retentionDays: options.retentionDays } : {}),
      ...(options.sweepBatch !== undefined ? { sweepBatch: options.sweepBatch } : {}),
    },
    provider: new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH)),
    store: options.store ?? (await azurite.freshStore()),
  });
  useAuditorApp(app);
  return app;
}

const timer: Timer = { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };

beforeEach(() => {
  logs = [];
});
afterEach(() => {
  resetAuditorApp();
});

describe('sweepScheduled and sweepSubscription', () => {
  it('the timer enqueues the subscriptions a batch to a message through its queue output binding', async () => {
    await install();
    const invocation = context('sweepScheduled');
    await sweepScheduled(timer, invocation);
    expect((invocation.extraOutputs.get(sweepQueueOutput) as { subscriptionIds: string[] }[]).map((message) => message.subscriptionIds)).toEqual([[PROD, DEV]]);
    expect(logs).toContain('information: sweepScheduled: enqueued 2 subscription sweep(s) in 1 message(s)');

    await install({ sweepBatch: 1 });
    const single = context('sweepScheduled');
    await sweepScheduled(timer, single);
    expect((single.extraOutputs.get(sweepQueueOutput) as { subscriptionIds: string[] }[]).map((message) => message.subscriptionIds)).toEqual([[PROD], [DEV]]);
  });

  it('the timer prunes what retention no longer keeps, and a failing prune does not fail the timer', async () => {
    const app = await install({ retentionDays: 1 });
    const day = 86_400_000;
    const resource = `/subscriptions/${DEV}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stold`;
    const record = (status: 'fail' | 'pass', daysAgo: number) =>
      app.store.recordEvaluations({
        scope: { subscriptionIds: [DEV] },
        evaluations: [{ ruleId: 'storage.default-deny', resourceId: resource, status, severity: 'high', title: 't', message: 'm', evidence: {}, workspaceIds: [] }],
        evaluatedAt: new Date(Date.now() - daysAgo * day),
        complete: true,
      });
    await record('fail', 3);
    await record('pass', 2);
    expect((await app.store.listFindings({ state: 'resolved' })).items).toHaveLength(1);
    const invocation = context('sweepScheduled');
    await sweepScheduled(timer, invocation);
    expect((await app.store.listFindings({ state: 'resolved' })).items).toHaveLength(0);
    expect(await app.store.listSweeps(DEV)).toEqual([]);

    const failing: FindingsStore = Object.assign(Object.create(app.store) as FindingsStore, { prune: () => Promise.reject(new Error('table unavailable')) });
    useAuditorApp(new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 20, retentionDays: 1 }, provider: app.options.provider, store: failing }));
    const again = context('sweepScheduled');
    await expect(sweepScheduled(timer, again)).resolves.toHaveLength(1);
  });

  it('only subscriptions in scope are enqueued', async () => {
    await install({ scope: [DEV] });
    const invocation = context('sweepScheduled');
    await sweepScheduled(timer, invocation);
    expect((invocation.extraOutputs.get(sweepQueueOutput) as { subscriptionIds: string[] }[]).map((message) => message.subscriptionIds)).toEqual([[DEV]]);
  });

  it('the queue trigger sweeps a batch of subscriptions and stores the findings and sweep record of each', async () => {
    const app = await install();
    const outcomes = await sweepSubscription({ subscriptionIds: [PROD, DEV], requestedAt: at(), trigger: 'timer' }, context('sweepSubscription', { dequeueCount: 1 }));
    expect(outcomes.map((outcome) => outcome.subscriptionId)).toEqual([PROD, DEV]);
    for (const outcome of outcomes) {
      expect(outcome.complete).toBe(true);
      expect(outcome.summary.evaluations).toBeGreaterThan(0);
      const page = await app.store.listFindings({ subscriptionId: outcome.subscriptionId });
      expect(page.items.length).toBe(outcome.summary.fail + outcome.summary.unknown);
      expect((await app.store.listSweeps(outcome.subscriptionId))[0]?.complete).toBe(true);
    }
  });

  it('a message of one subscriptionId (the shape before batches) is a batch of one; out-of-scope subscriptions leave the batch', async () => {
    await install({ scope: [DEV] });
    const legacy = await sweepSubscription({ subscriptionId: DEV, requestedAt: at(), trigger: 'timer' }, context('sweepSubscription', { dequeueCount: 1 }));
    expect(legacy.map((outcome) => outcome.subscriptionId)).toEqual([DEV]);
    const mixed = await sweepSubscription({ subscriptionIds: [PROD, DEV] }, context('sweepSubscription', { dequeueCount: 1 }));
    expect(mixed.map((outcome) => outcome.subscriptionId)).toEqual([DEV]);
    expect(logs.some((line) => line.startsWith('warning:') && line.includes(`${PROD} out of scope`))).toBe(true);
  });

  it('a malformed message throws so the host retries it and moves it to the poison queue (never dropped silently)', async () => {
    await install();
    await expect(sweepSubscription('{"subscriptionId": "prod"}', context('sweepSubscription', { dequeueCount: 5 }))).rejects.toThrow('malformed sweep message');
    expect(logs.some((line) => line.startsWith('error:') && line.includes('poison'))).toBe(true);
  });

  it('a sweep that cannot store throws (retry), and its failure is logged', async () => {
    const table = await startAzuriteTable({ inMemory: true });
    const store = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: uniqueTablePrefix(), retryOptions: FAST_RETRY });
    await install({ store });
    await table.stop();
    await expect(sweepSubscription({ subscriptionId: PROD }, context('sweepSubscription', { dequeueCount: 2 }))).rejects.toBeInstanceOf(TransientError);
    expect(logs.some((line) => line.includes('failed (attempt 2)'))).toBe(true);
  });
});

describe('resourceChanged', () => {
  it('judges an Event Grid-schema notification and a CloudEvent alike', async () => {
    const app = await install();
    await app.sweepSubscription(PROD, 'startup', { info: () => undefined, warn: () => undefined, error: () => undefined });
    const opened = await resourceChanged(notificationEvent(storageRow('Allow'), at(1)), context('resourceChanged'));
    expect(opened.outcome).toBe('judged');
    expect((await app.store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    const fixed = await resourceChanged(cloudEventOf(notificationEvent(storageRow('Deny'), at(2))), context('resourceChanged'));
    expect(fixed.outcome === 'judged' && fixed.batch.changes.map((change) => change.kind)).toContain('resolved');
    expect((await app.store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('resolved');
  });

  it('logs a malformed event with its reason and completes (no redelivery of an event that can never succeed)', async () => {
    await install();
    const result = await resourceChanged({ id: 'bad-1', eventType: 'Microsoft.Resources.ResourceWriteSuccess', eventTime: 'not a time', data: {} }, context('resourceChanged'));
    expect(result).toMatchObject({ outcome: 'malformed', eventId: 'bad-1' });
    expect(logs.some((line) => line.startsWith('warning:') && line.includes('bad-1') && line.includes("no valid 'eventTime'"))).toBe(true);
  });

  it('ignores subscriptions out of scope', async () => {
    await install({ scope: [DEV] });
    const result = await resourceChanged(notificationEvent(storageRow('Allow'), at()), context('resourceChanged'));
    expect(result).toMatchObject({ outcome: 'out-of-scope', subscriptionId: PROD });
  });

  it('throws when the store is down, so Event Grid retries and finally dead-letters', async () => {
    const table = await startAzuriteTable({ inMemory: true });
    const store = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: uniqueTablePrefix(), retryOptions: FAST_RETRY });
    await install({ store });
    await table.stop();
    await expect(resourceChanged(notificationEvent(storageRow('Allow'), at(1)), context('resourceChanged'))).rejects.toBeInstanceOf(TransientError);
    expect(logs.some((line) => line.startsWith('error:') && line.includes('will be redelivered'))).toBe(true);
  });
});

describe('audit and findings (HTTP)', () => {
  function post(body: string): HttpRequest {
    return new HttpRequest({ method: 'POST', url: 'http://localhost/api/audit', headers: { 'content-type': 'application/json' }, body: { string: body } });
  }
  function get(query: Record<string, string>): HttpRequest {
    return new HttpRequest({ method: 'GET', url: `http://localhost/api/findings?${new URLSearchParams(query).toString()}`, query });
  }

  it('POST /api/audit with subscriptionIds audits now and answers the summary and the findings that changed', async () => {
    await install();
    const response = await audit(post(JSON.stringify({ subscriptionIds: [PROD] })), context('audit'));
    expect(response.status).toBe(200);
    const body = response.jsonBody as { summary: { evaluations: number }; findings: { change: string; state: string; ruleId: string }[]; complete: boolean };
    expect(body.complete).toBe(true);
    expect(body.summary.evaluations).toBeGreaterThan(0);
    expect(body.findings.length).toBeGreaterThan(0);
    expect(body.findings.every((finding) => finding.change === 'opened' && finding.state === 'open')).toBe(true);
    // Auditing again changes nothing.
    const again = await audit(post(JSON.stringify({ subscriptionIds: [PROD] })), context('audit'));
    expect((again.jsonBody as { findings: unknown[] }).findings).toEqual([]);
  });

  it('POST /api/audit with a workspaceId audits that workspace', async () => {
    await install();
    const response = await audit(post(JSON.stringify({ workspaceId: PROD_WORKSPACE_ID })), context('audit'));
    expect(response.status).toBe(200);
    expect((response.jsonBody as { subscriptionIds: string[] }).subscriptionIds).toEqual([PROD]);
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['both keys', JSON.stringify({ subscriptionIds: [PROD], workspaceId: PROD_WORKSPACE_ID }), 'exactly one'],
    ['a bad subscription', JSON.stringify({ subscriptionIds: ['prod'] }), 'not a subscription ID'],
    ['a workspace that is not one', JSON.stringify({ workspaceId: STORAGE_ID }), 'workspaces resource'],
  ])('POST /api/audit answers 400 for %s', async (_name, body, message) => {
    await install();
    const response = await audit(post(body), context('audit'));
    expect(response.status).toBe(400);
    expect((response.jsonBody as { error: string }).error).toContain(message);
  });

  it('GET /api/findings filters, pages with a continuation token, and renders CSV', async () => {
    const app = await install();
    await app.sweepSubscription(DEV, 'startup', { info: () => undefined, warn: () => undefined, error: () => undefined });
    const high = await findings(get({ status: 'open', severity: 'high' }), context('findings'));
    expect(high.status).toBe(200);
    const body = high.jsonBody as { findings: { severity: string; state: string; firstSeen: string; lastSeen: string; resolvedAt: null }[]; continuationToken: string | null };
    expect(body.findings.length).toBeGreaterThan(1);
    expect(body.findings.every((finding) => finding.severity === 'high' && finding.state === 'open' && finding.resolvedAt === null)).toBe(true);

    const first = await findings(get({ top: '2' }), context('findings'));
    const token = (first.jsonBody as { continuationToken: string | null }).continuationToken;
    expect(token).toBeTypeOf('string');
    const second = await findings(get({ top: '2', continuationToken: token! }), context('findings'));
    expect((second.jsonBody as { findings: unknown[] }).findings).toHaveLength(2);
    expect(second.jsonBody).not.toEqual(first.jsonBody);

    const csv = await findings(get({ format: 'csv', ruleId: 'nsg.mcr-outbound' }), context('findings'));
    expect(csv.headers).toMatchObject({ 'content-type': 'text/csv; charset=utf-8' });
    const lines = String(csv.body).trimEnd().split('\r\n');
    expect(lines[0]).toBe('ruleId,resourceId,status,severity,state,title,message,workspaceIds,evidence,firstSeen,lastSeen,resolvedAt');
    expect(lines.slice(1).every((line) => line.startsWith('nsg.mcr-outbound,'))).toBe(true);
  });

  it('GET /api/findings?order=key pages as the table service does: every finding once', async () => {
    const app = await install();
    await app.sweepSubscription(DEV, 'startup', { info: () => undefined, warn: () => undefined, error: () => undefined });
    const all = ((await findings(get({ status: 'all', top: '1000' }), context('findings'))).jsonBody as { findings: { ruleId: string; resourceId: string }[] }).findings;
    const byKey: { ruleId: string; resourceId: string }[] = [];
    let token: string | null = null;
    do {
      const response = await findings(get({ status: 'all', order: 'key', top: '3', ...(token === null ? {} : { continuationToken: token }) }), context('findings'));
      expect(response.status).toBe(200);
      const body = response.jsonBody as { findings: { ruleId: string; resourceId: string }[]; continuationToken: string | null };
      expect(body.findings.length).toBeLessThanOrEqual(3);
      byKey.push(...body.findings);
      token = body.continuationToken;
    } while (token !== null);
    expect(all.length).toBeGreaterThan(3);
    expect(byKey.map((item) => `${item.ruleId} ${item.resourceId}`).sort()).toEqual(all.map((item) => `${item.ruleId} ${item.resourceId}`).sort());
  });

  it.each([
    [{ severity: 'urgent' }, 'severity'],
    [{ status: 'closed' }, 'status'],
    [{ top: '0' }, 'top'],
    [{ order: 'newest' }, 'order'],
    [{ severty: 'high' }, 'unknown query parameter'],
  ])('GET /api/findings answers 400 for %j', async (query, message) => {
    await install();
    const response = await findings(get(query), context('findings'));
    expect(response.status).toBe(400);
    expect((response.jsonBody as { error: string }).error).toContain(message);
  });

  it('GET /api/findings answers 503 when the store is down, without the store\'s endpoint or the SDK\'s words', async () => {
    const table = await startAzuriteTable({ inMemory: true });
    const store = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: uniqueTablePrefix(), retryOptions: FAST_RETRY });
    await install({ store });
    await table.stop();
    const response = await findings(get({}), context('findings'));
    expect(response.status).toBe(503);
    const error = (response.jsonBody as { error: string }).error;
    expect(error).not.toMatch(/127\.0\.0\.1|devstoreaccount|ECONNREFUSED|http:/);
  });

  it('POST /api/audit refuses a body over 1 MiB before reading it (413)', async () => {
    await install();
    const declared = new HttpRequest({ method: 'POST', url: 'http://localhost/api/audit', headers: { 'content-length': String(64 * 1024 * 1024), 'content-type': 'application/json' }, body: { string: '{}' } });
    expect((await audit(declared, context('audit'))).status).toBe(413);
    const undeclared = new HttpRequest({ method: 'POST', url: 'http://localhost/api/audit', headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify({ subscriptionIds: [PROD], padding: 'x'.repeat(1024 * 1024) }) } });
    expect((await audit(undeclared, context('audit'))).status).toBe(413);
  });
});

describe('runtime', () => {
  it('names every settings problem when the host starts the app from bad settings', async () => {
    resetAuditorApp();
    await import('../../functions/index');
    await expect(getAuditorApp({ AML_AUDITOR_SCOPE_SUBSCRIPTIONS: 'x', AML_AUDITOR_QUEUE_NAME: 'A' })).rejects.toThrow(/AML_AUDITOR_SCOPE_SUBSCRIPTIONS[\s\S]*AML_AUDITOR_STORAGE[\s\S]*AML_AUDITOR_QUEUE_NAME/);
  });
});

describe('signed-in access (App Service authentication in front, AML_AUDITOR_REQUIRE_SIGN_IN=true in Azure)', () => {
  const principal = (roles: readonly string[]): string =>
    Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims: [{ typ: 'name', val: 'alice@contoso.com' }, ...roles.map((role) => ({ typ: 'roles', val: role }))] })).toString('base64');
  const request = (method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}): HttpRequest =>
    new HttpRequest({ method, url: `http://localhost${path}`, headers: { 'content-type': 'application/json', ...headers }, ...(method === 'POST' ? { body: { string: JSON.stringify({ subscriptionIds: [PROD] }) } } : {}) });

  async function installSignedIn(): Promise<void> {
    const store = await azurite.freshStore();
    const provider = new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH));
    useAuditorApp(new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5, requireSignIn: true, runRole: 'Auditor.Run' }, provider, store }));
  }

  it('refuses a caller that did not come through sign-in (401), on every HTTP route', async () => {
    await installSignedIn();
    expect((await findings(request('GET', '/api/findings'), context('findings'))).status).toBe(401);
    expect((await audit(request('POST', '/api/audit'), context('audit'))).status).toBe(401);
    const { dashboard } = await import('../../functions/dashboard');
    expect((await dashboard(request('GET', '/api/dashboard'), context('dashboard'))).status).toBe(401);
    expect((await findings(request('GET', '/api/findings', { 'x-ms-client-principal': 'not base64 json' }), context('findings'))).status).toBe(401);
  });

  it('lets a signed-in caller read, and only the Auditor.Run app role run an audit (403 without it)', async () => {
    await installSignedIn();
    expect((await findings(request('GET', '/api/findings', { 'x-ms-client-principal': principal([]) }), context('findings'))).status).toBe(200);
    const denied = await audit(request('POST', '/api/audit', { 'x-ms-client-principal': principal(['Auditor.Read']) }), context('audit'));
    expect(denied.status).toBe(403);
    expect((denied.jsonBody as { error: string }).error).toContain('Auditor.Run');
    expect((await audit(request('POST', '/api/audit', { 'x-ms-client-principal': principal(['Auditor.Run']) }), context('audit'))).status).toBe(200);
  });
});

describe('the automation route (function key in a header)', () => {
  it('audits like POST /api/audit, and refuses a key sent in the URL', async () => {
    const { auditAutomation } = await import('../../functions/auditAutomation');
    const store = await azurite.freshStore();
    useAuditorApp(new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 5 }, provider: new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH)), store }));
    const body = { string: JSON.stringify({ subscriptionIds: [PROD] }) };
    const keyed = new HttpRequest({ method: 'POST', url: 'http://localhost/api/automation/audit', headers: { 'content-type': 'application/json', 'x-functions-key': 'k' }, body });
    expect((await auditAutomation(keyed, new InvocationContext({ functionName: 'auditAutomation' }))).status).toBe(200);
    const inUrl = new HttpRequest({ method: 'POST', url: 'http://localhost/api/automation/audit?code=k', query: { code: 'k' }, headers: { 'content-type': 'application/json' }, body });
    expect((await auditAutomation(inUrl, new InvocationContext({ functionName: 'auditAutomation' }))).status).toBe(400);
  });
});

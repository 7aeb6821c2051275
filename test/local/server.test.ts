import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzuriteTable } from '../../src/azurite';
import type { LocalServer } from '../../src/local/start';
import { describeUrls, PortInUseError, startLocalServer } from '../../src/local/start';
import { armWriteEvent, at, cloudEventOf, DEV, DEV_STORAGE_ID, notificationDeleted, notificationEvent, PROD, sampleRow, STORAGE_ID, storageRow } from '../app/fixtures/events';

/** End to end over HTTP against the server `npm start` runs (in process, port 0, Azurite in process). */
let server: LocalServer;
const lines: string[] = [];

beforeAll(async () => {
  server = await startLocalServer({ port: 0, env: {}, log: (line) => lines.push(line) });
});
afterAll(async () => {
  await server?.stop();
});

const base = (): string => `http://127.0.0.1:${server.port}`;
const WEBHOOK = '/runtime/webhooks/eventgrid?functionName=resourceChanged';

async function deliver(events: unknown, contentType = 'application/json', target: LocalServer = server): Promise<Response> {
  return fetch(`http://127.0.0.1:${target.port}${WEBHOOK}`, { method: 'POST', headers: { 'content-type': contentType, 'aeg-event-type': 'Notification' }, body: JSON.stringify(events) });
}

interface FindingView {
  ruleId: string;
  resourceId: string;
  state: string;
  status: string;
  message: string;
}

async function allFindings(target: LocalServer = server): Promise<FindingView[]> {
  const found: FindingView[] = [];
  let token: string | null = null;
  do {
    const query: string = `top=1000${token !== null ? `&continuationToken=${encodeURIComponent(token)}` : ''}`;
    const response = await fetch(`http://127.0.0.1:${target.port}/api/findings?${query}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { findings: FindingView[]; continuationToken: string | null };
    found.push(...body.findings);
    token = body.continuationToken;
  } while (token !== null);
  return found;
}

/** The judged state, without timestamps: what must not depend on delivery order or duplicates. */
function stateOf(findings: readonly FindingView[]): string[] {
  return findings.map((finding) => `${finding.ruleId} ${finding.resourceId.toLowerCase()} ${finding.state} ${finding.status} ${finding.message}`).sort();
}

async function defaultDeny(resourceId: string): Promise<FindingView | undefined> {
  const response = await fetch(`${base()}/api/findings?ruleId=storage.default-deny&resourceId=${encodeURIComponent(resourceId)}`);
  const body = (await response.json()) as { findings: FindingView[] };
  return body.findings[0];
}

describe('npm start server', () => {
  it('ran an initial sweep of every subscription of the sample (no scope configured) and serves findings', async () => {
    const sweeps = (await (await fetch(`${base()}/api/sweeps`)).json()) as { queue: { processed: number; poison: unknown[] }; sweeps: { subscriptionId: string; complete: boolean }[] };
    // Both subscriptions of the sample in one message: one batch.
    expect(sweeps.queue).toMatchObject({ processed: 1, poison: [] });
    expect(sweeps.sweeps.map((sweep) => sweep.subscriptionId).sort()).toEqual([PROD, DEV].sort());
    const open = await fetch(`${base()}/api/findings?status=open&severity=high`);
    expect(open.status).toBe(200);
    expect(((await open.json()) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
  });

  it('a CreatedOrUpdated event that opens a storage firewall shows storage.default-deny open within 2 s; the fixed resource resolves it', async () => {
    expect((await defaultDeny(STORAGE_ID))?.state).toBeUndefined();
    const posted = Date.now();
    expect((await deliver([notificationEvent(storageRow('Allow'), at())])).status).toBe(200);
    let finding = await defaultDeny(STORAGE_ID);
    while (finding?.state !== 'open' && Date.now() - posted < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      finding = await defaultDeny(STORAGE_ID);
    }
    expect(finding?.state).toBe('open');
    expect(Date.now() - posted).toBeLessThan(2_000);

    const fixedAt = Date.now();
    expect((await deliver([notificationEvent(storageRow('Deny'), at(1))])).status).toBe(200);
    finding = await defaultDeny(STORAGE_ID);
    while (finding?.state !== 'resolved' && Date.now() - fixedAt < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      finding = await defaultDeny(STORAGE_ID);
    }
    expect(finding?.state).toBe('resolved');
  });

  it('accepts CloudEvents, single (cloudevents+json) and batched (cloudevents-batch+json)', async () => {
    const single = await deliver(cloudEventOf(notificationEvent(storageRow('Allow'), at(10))), 'application/cloudevents+json');
    expect(single.status).toBe(200);
    expect((await defaultDeny(STORAGE_ID))?.state).toBe('open');
    const batch = await deliver([cloudEventOf(notificationEvent(storageRow('Deny'), at(20)))], 'application/cloudevents-batch+json');
    expect(batch.status).toBe(200);
    expect(((await batch.json()) as { delivered: number }).delivered).toBe(1);
    expect((await defaultDeny(STORAGE_ID))?.state).toBe('resolved');
  });

  it('judges an ARM write event (no payload) by reading the resource from the inventory', async () => {
    const nsgId = `/subscriptions/${DEV}/resourceGroups/rg-ml-dev/providers/Microsoft.Network/networkSecurityGroups/nsg-ml-dev-training`;
    sampleRow(nsgId);
    const response = await deliver([armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', `${nsgId}/securityRules/allow-https`, at(30))]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: { outcome: string; batch: { applied: number; subjects: number } }[] };
    expect(body.results[0]).toMatchObject({ outcome: 'judged', batch: { applied: 1 } });
    expect(body.results[0]!.batch.subjects).toBeGreaterThan(3);
  });

  it('answers the Event Grid validation handshake and the CloudEvents OPTIONS handshake', async () => {
    const validation = await fetch(`${base()}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
      body: JSON.stringify([{ id: 'v1', topic: 't', subject: '', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', eventTime: at(), dataVersion: '1', metadataVersion: '1', data: { validationCode: 'code-123' } }]),
    });
    expect(validation.status).toBe(200);
    expect(await validation.json()).toEqual({ validationResponse: 'code-123' });
    const options = await fetch(`${base()}${WEBHOOK}`, { method: 'OPTIONS', headers: { 'WebHook-Request-Origin': 'eventgrid.azure.net' } });
    expect(options.status).toBe(200);
    expect(options.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
  });

  it('a malformed event is answered 200 (not retried), logged with its reason, and leaves the store untouched', async () => {
    const before = stateOf(await allFindings());
    const response = await deliver([{ id: 'broken-7', eventType: 'Microsoft.ResourceNotifications.Resources.CreatedOrUpdated', eventTime: at(), subject: STORAGE_ID, data: { resourceInfo: 'nope' } }]);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: unknown[] }).results[0]).toMatchObject({ outcome: 'malformed', eventId: 'broken-7' });
    expect(lines.some((line) => line.includes('broken-7') && line.includes("no 'data.resourceInfo' object"))).toBe(true);
    expect(stateOf(await allFindings())).toEqual(before);
  });

  it('the same batch delivered twice, shuffled, ends in the same state as one ordered delivery', async () => {
    const t = Date.now() + 1_000;
    const iso = (offset: number): string => new Date(t + offset).toISOString();
    const keyVault = `/subscriptions/${PROD}/resourceGroups/rg-ml-research/providers/Microsoft.KeyVault/vaults/kv-ml-research`;
    const batch = [
      notificationEvent(storageRow('Allow'), iso(300)), // newest state of stmlprod01: open
      notificationEvent(storageRow('Deny'), iso(100)),
      notificationEvent(storageRow('Allow', DEV_STORAGE_ID), iso(200)),
      notificationEvent(storageRow('Deny', DEV_STORAGE_ID), iso(250)), // newest state of stmldev01: secured
      notificationDeleted(keyVault, iso(150)),
      armWriteEvent('Microsoft.Resources.ResourceWriteSuccess', `/subscriptions/${DEV}/resourceGroups/rg-ml-dev/providers/Microsoft.Network/routeTables/rt-ml-dev`, iso(120)),
    ];
    const shuffled = [batch[3], batch[5], batch[1], batch[4], batch[0], batch[2]];

    expect((await deliver(batch)).status).toBe(200);
    const once = stateOf(await allFindings());
    expect((await deliver(shuffled)).status).toBe(200);
    const twice = stateOf(await allFindings());
    expect(twice).toEqual(once);
    expect((await defaultDeny(STORAGE_ID))?.state).toBe('open');
    expect((await defaultDeny(DEV_STORAGE_ID))?.state ?? 'never opened').not.toBe('open');

    // A second server that only ever saw the shuffled batch agrees (its first delivery is out of order).
    const other = await startLocalServer({ port: 0, env: {}, log: () => undefined });
    try {
      expect((await deliver(shuffled, 'application/json', other)).status).toBe(200);
      // Compare what the batch decides: the findings of the subjects it touched.
      const touched = (state: string[]): string[] => state.filter((line) => /stmlprod01|stmldev01|kv-ml-research/.test(line));
      expect(touched(stateOf(await allFindings(other)))).toEqual(touched(stateOf(await allFindings())));
      expect(touched(once).length).toBeGreaterThan(0);
    } finally {
      await other.stop();
    }
  });

  it('POST /api/audit and the admin endpoint of the timer work over HTTP', async () => {
    const response = await fetch(`${base()}/api/audit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscriptionIds: [DEV] }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { complete: boolean }).complete).toBe(true);
    const admin = await fetch(`${base()}/admin/functions/sweepScheduled`, { method: 'POST' });
    expect(admin.status).toBe(202);
    expect(await admin.json()).toEqual({ enqueued: 1, subscriptions: 2 });
    await server.queue.idle();
    expect(server.queue.status().processed).toBe(2);
  });

  it('a sweep message that keeps failing ends in the poison list after 5 attempts, visible at GET /api/sweeps', async () => {
    server.queue.enqueue([{ subscriptionId: 'not-a-subscription' }]);
    await server.queue.idle();
    const body = (await (await fetch(`${base()}/api/sweeps`)).json()) as { queue: { poison: { message: unknown; dequeueCount: number; error: string }[] } };
    expect(body.queue.poison).toHaveLength(1);
    expect(body.queue.poison[0]).toMatchObject({ message: { subscriptionId: 'not-a-subscription' }, dequeueCount: 5 });
    expect(body.queue.poison[0]!.error).toContain('malformed sweep message');
    expect(lines.some((line) => line.includes('aml-auditor-sweeps-poison'))).toBe(true);
  });

  it('answers 404, and records nothing, for a subscription or workspace it knows nothing of', async () => {
    const stranger = '99999999-9999-4999-8999-999999999999';
    const audited = await fetch(`${base()}/api/audit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subscriptionIds: [stranger] }) });
    expect(audited.status).toBe(404);
    expect(((await audited.json()) as { error: string }).error).toContain(stranger);
    const sweeps = (await (await fetch(`${base()}/api/sweeps`)).json()) as { sweeps: { subscriptionId: string }[] };
    expect(sweeps.sweeps.map((sweep) => sweep.subscriptionId)).not.toContain(stranger);
    const workspace = `/subscriptions/${stranger}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/nope`;
    const byWorkspace = await fetch(`${base()}/api/audit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspaceId: workspace }) });
    expect(byWorkspace.status).toBe(404);
  });

  it('validates findings filters as the CLI does: an unknown rule or a malformed ID is a 400, not an empty page', async () => {
    for (const query of ['ruleId=nsg.nope', 'subscriptionId=prod', 'workspaceId=ws-ml', 'status=bogus']) {
      const response = await fetch(`${base()}/api/findings?${query}`);
      expect(response.status, query).toBe(400);
    }
  });

  it('answers only as itself: another Host (DNS rebinding) or a foreign Origin is refused', async () => {
    const { request } = await import('node:http');
    const raw = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const call = request({ host: '127.0.0.1', port: server.port, path: '/api/findings', headers }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        call.on('error', reject);
        call.end();
      });
    expect(await raw({ host: `localhost:${server.port}` })).toBe(200);
    expect(await raw({ host: `[::1]:${server.port}` })).toBe(200);
    expect(await raw({ host: `evil.example:${server.port}` })).toBe(421);
    expect(await raw({ host: `127.0.0.1:${server.port}`, origin: 'https://evil.example' })).toBe(403);
    expect(await raw({ host: `127.0.0.1:${server.port}`, origin: `http://localhost:${server.port}` })).toBe(200);
  });

  it('takes only JSON bodies, caps their size before reading them, and answers errors without internals', async () => {
    const audit = (body: string, headers: Record<string, string>): Promise<Response> => fetch(`${base()}/api/audit`, { method: 'POST', headers, body });
    // A form post is what another site can send without asking.
    expect((await audit('subscriptionIds=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await audit('{"subscriptionIds":["x"]}', { 'content-type': 'text/plain' })).status).toBe(415);
    const huge = JSON.stringify({ subscriptionIds: ['3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d'], padding: 'x'.repeat(2 * 1024 * 1024) });
    const tooLarge = await audit(huge, { 'content-type': 'application/json' }).catch(() => undefined);
    // Refused with 413, or the connection closed mid-upload: never read whole, never judged.
    if (tooLarge !== undefined) expect(tooLarge.status).toBe(413);
  });

  it('answers 404 for unknown routes and 405 for a wrong method', async () => {
    expect((await fetch(`${base()}/api/nothing`)).status).toBe(404);
    const wrong = await fetch(`${base()}/api/findings`, { method: 'POST', body: '{}' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('says which port is taken and what to do', async () => {
    await expect(startLocalServer({ port: server.port, env: {}, log: () => undefined, initialSweep: false })).rejects.toThrow(new PortInUseError(server.port).message);
    expect(new PortInUseError(7071).message).toBe('port 7071 is in use: set PORT=<another port> (or PORT=0 for any free port) and run npm start again');
  });

  it('refuses bad settings before starting anything, naming each problem', async () => {
    await expect(startLocalServer({ env: { AML_AUDITOR_QUEUE_NAME: 'Bad_Name', AML_AUDITOR_SWEEP_SCHEDULE: '* * * * *' }, log: () => undefined })).rejects.toThrow(
      /AML_AUDITOR_SWEEP_SCHEDULE[\s\S]*AML_AUDITOR_QUEUE_NAME/,
    );
    await expect(startLocalServer({ env: { PORT: 'seventy' }, log: () => undefined })).rejects.toThrow("PORT: 'seventy' is not a port number");
  });

  it('logs the initial sweeps as the README shows them', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const shown = [...readme.matchAll(/sweepSubscription info: sweep ([0-9a-f]{8})-… \(timer\): (.+)$/gm)];
    expect(shown).toHaveLength(2);
    for (const [, prefix, outcome] of shown) {
      expect(lines.find((line) => line.includes(`sweep ${prefix ?? ''}`) && line.includes('(timer)')), `the sweep of ${prefix ?? ''}`).toContain(`(timer): ${outcome ?? ''}`);
    }
  });

  it('prints the URLs of every route', () => {
    const printed = describeUrls('http://localhost:7071').join('\n');
    for (const path of ['/api/dashboard', '/api/findings', '/api/audit', '/runtime/webhooks/eventgrid?functionName=resourceChanged']) expect(printed).toContain(`http://localhost:7071${path}`);
  });
});

describe('npm start server with a scope and a store that goes down', () => {
  it('ignores out-of-scope subscriptions, and answers 5xx when the store is down so Event Grid retries', async () => {
    const table = await startAzuriteTable({ inMemory: true });
    const local = await startLocalServer({
      port: 0,
      env: { AML_AUDITOR_STORAGE_CONNECTION: table.connectionString, AML_AUDITOR_SCOPE_SUBSCRIPTIONS: DEV },
      log: () => undefined,
    });
    try {
      expect(local.azurite).toBeUndefined();
      const outOfScope = await deliver([notificationEvent(storageRow('Allow'), at(1))], 'application/json', local);
      expect(((await outOfScope.json()) as { results: unknown[] }).results[0]).toMatchObject({ outcome: 'out-of-scope' });
      await table.stop();
      const started = Date.now();
      const failed = await deliver([notificationEvent(storageRow('Allow', DEV_STORAGE_ID), at(2))], 'application/json', local);
      expect(failed.status).toBeGreaterThanOrEqual(500);
      expect(((await failed.json()) as { error: string }).error).toContain('will be retried');
      expect(Date.now() - started).toBeLessThan(25_000);
    } finally {
      await local.stop();
      await table.stop();
    }
  });
});

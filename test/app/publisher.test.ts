import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotInventoryProvider } from '../../src/app/inventory';
import { eventGridPublisher, FINDING_EVENT_SOURCE } from '../../src/app/publisher';
import type { AppLog } from '../../src/app/service';
import { AuditorApp } from '../../src/app/service';
import { loadSnapshotFile } from '../../src/inventory/snapshot';
import { useAzurite } from '../support/azurite';
import { at, notificationEvent, PROD, SAMPLE_PATH, STORAGE_ID, storageRow } from './fixtures/events';

/** A stand-in Event Grid topic on 127.0.0.1 that records what @azure/eventgrid sends it. */
const azurite = useAzurite();
const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
let topic: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (topic ? topic.close(() => resolve()) : resolve()));
  topic = undefined;
});

async function startTopic(status = 200): Promise<{ url: string; received: { headers: IncomingHttpHeaders; body: unknown }[] }> {
  const received: { headers: IncomingHttpHeaders; body: unknown }[] = [];
  topic = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => topic!.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(topic.address() as AddressInfo).port}/api/events`, received };
}

describe('finding changes published as CloudEvents', () => {
  it('an event that opens a finding publishes AmlVnetAuditor.Finding.Opened with the stored finding; resolving publishes .Resolved', async () => {
    const { url, received } = await startTopic();
    const app = new AuditorApp({
      settings: { scopeSubscriptions: [], coalesceMs: 10 },
      provider: new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH)),
      store: await azurite.freshStore(),
      publisher: eventGridPublisher(url, { key: 'topic-key' }, { retryOptions: { maxRetries: 0 }, allowInsecureConnection: true }),
    });
    await app.sweepSubscription(PROD, 'startup', quiet);
    received.length = 0;
    await app.handleEvent(notificationEvent(storageRow('Allow'), at(1)), quiet);
    await app.handleEvent(notificationEvent(storageRow('Deny'), at(2)), quiet);
    expect(received).toHaveLength(2);
    expect(received[0]!.headers['aeg-sas-key']).toBe('topic-key');
    expect(received[0]!.headers['content-type']).toContain('application/cloudevents-batch+json');
    const opened = (received[0]!.body as { type: string; source: string; subject: string; data: { ruleId: string; state: string } }[]).find((event) => event.data.ruleId === 'storage.default-deny');
    expect(opened).toMatchObject({ type: 'AmlVnetAuditor.Finding.Opened', source: FINDING_EVENT_SOURCE, subject: `${STORAGE_ID}#storage.default-deny`, data: { state: 'open' } });
    const resolved = (received[1]!.body as { type: string; data: { ruleId: string } }[]).find((event) => event.data.ruleId === 'storage.default-deny');
    expect(resolved?.type).toBe('AmlVnetAuditor.Finding.Resolved');
  });

  it('a topic that fails does not fail the event: the findings are stored and the failure is logged', async () => {
    const { url } = await startTopic(500);
    const warnings: string[] = [];
    const app = new AuditorApp({
      settings: { scopeSubscriptions: [], coalesceMs: 10 },
      provider: new SnapshotInventoryProvider(await loadSnapshotFile(SAMPLE_PATH)),
      store: await azurite.freshStore(),
      publisher: eventGridPublisher(url, { key: 'topic-key' }, { retryOptions: { maxRetries: 0 }, allowInsecureConnection: true }),
    });
    const result = await app.handleEvent(notificationEvent(storageRow('Allow'), at(1)), { ...quiet, warn: (line) => warnings.push(line) });
    expect(result.outcome).toBe('judged');
    expect((await app.store.getFinding('storage.default-deny', STORAGE_ID))?.state).toBe('open');
    expect(warnings.some((line) => line.includes('could not publish'))).toBe(true);
  });
});

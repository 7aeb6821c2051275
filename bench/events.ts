import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { InvocationContext } from '@azure/functions';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { resourceChanged } from '../functions/resourceChanged';
import { SnapshotInventoryProvider } from '../src/app/inventory';
import { runWithAuditorApp } from '../src/app/runtime';
import type { AppLog, EventResult } from '../src/app/service';
import { AuditorApp } from '../src/app/service';
import { DEFAULT_COALESCE_MS } from '../src/app/settings';
import { BlobServiceClient } from '@azure/storage-blob';
import { BlobSharedStates } from '../src/app/shared-state';
import { DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME, startAzuriteBlob } from '../src/azurite';
import { subscriptionOf } from '../src/core/ids';
import type { ResourceRow } from '../src/inventory/types';
import { openFindingsStore } from '../src/store';
import { generateEstate, seededRandom } from './generate';
import { scaled } from './scale';
import { countingReadsByIds, countingWholeReads } from '../test/support/counting-reads';

/**
 * `npm run bench`, section "events": event received → finding stored, p50 and p95, for 1k Azure
 * Resource Notifications against a 10k-resource estate, through the resourceChanged function
 * with the real store on Azurite (in process) and the default coalescing window. Two arrival
 * patterns: a steady stream (events spaced out, each judged nearly alone) and a burst (all at
 * once: coalescing turns them into a few batches).
 */
const RESOURCES = scaled(10_000, 1_000);
const EVENTS = scaled(1_000, 40);
/** A busy subscription: a deployment touching resources every tenth of a second, sustained. */
const STREAM_RATE_PER_S = 10;
const CHANGING_TYPES = new Set([
  'microsoft.storage/storageaccounts',
  'microsoft.keyvault/vaults',
  'microsoft.containerregistry/registries',
  'microsoft.network/networksecuritygroups',
  'microsoft.network/routetables',
  'microsoft.machinelearningservices/workspaces',
  'microsoft.containerservice/managedclusters',
]);

export async function benchEvents(): Promise<string[]> {
  const generated = generateEstate({ resources: RESOURCES, seed: 20261124 });
  const candidates = generated.resources.filter((row) => CHANGING_TYPES.has(String(row.type).toLowerCase()));
  const table = await startAzuriteProcess();
  const lines: string[] = [];
  try {
    const store = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: 'benchevents' });
    const provider = new SnapshotInventoryProvider({ capturedAt: '2026-11-24T00:00:00.000Z', resources: generated.resources, serviceTags: generated.serviceTags, warnings: [], gaps: [] });
    const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: DEFAULT_COALESCE_MS }, provider, store });
    const subscriptions = await provider.listSubscriptions();
    const sweepStarted = Date.now();
    for (const subscription of subscriptions) await app.sweepSubscription(subscription, 'startup', quiet);
    const sweepMs = Date.now() - sweepStarted;

    const random = seededRandom(7);
    const makeEvents = (count: number): Record<string, unknown>[] =>
      Array.from({ length: count }, (_, index) => notification(mutated(candidates[Math.floor(random() * candidates.length)] as ResourceRow, random), index));

    const stream = await deliver(app, makeEvents(EVENTS), 1000 / STREAM_RATE_PER_S);
    const burst = await deliver(app, makeEvents(EVENTS), 0);
    lines.push(
      `events: event received → finding stored, ${EVENTS} Resource Notifications per pattern, ${RESOURCES}-resource estate (${subscriptions.length} subscriptions, ${candidates.length} changeable resources), store on Azurite in its own process (as Table Storage is remote in Azure), coalescing window ${DEFAULT_COALESCE_MS} ms; initial sweep ${sweepMs} ms`,
      describe(`stream (${STREAM_RATE_PER_S}/s)`, stream),
      describe('burst (all at once)', burst),
      `bench: events=${EVENTS} resources=${RESOURCES} stream_p50_ms=${stream.p50} stream_p95_ms=${stream.p95} burst_p50_ms=${burst.p50} burst_p95_ms=${burst.p95}`,
    );

    // A burst spread over cold instances: how many whole-subscription reads (Resource Graph in
    // Azure: ⌈rows/1000⌉ requests each) it costs, without and with the states the sweep shared.
    const blob = await startAzuriteBlob({ inMemory: true });
    try {
      const shared = new BlobSharedStates(BlobServiceClient.fromConnectionString(blob.connectionString).getContainerClient('bench-states'));
      const sweeper = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: DEFAULT_COALESCE_MS }, provider, store, sharedStates: shared, stateTtlMs: YEAR_MS });
      for (const subscription of subscriptions) await sweeper.sweepSubscription(subscription, 'startup', quiet);
      const rowsOf = new Map<string, number>();
      for (const subscription of subscriptions) rowsOf.set(subscription, (await provider.readSubscriptions([subscription])).resources.length);
      // What the instances ask of Table Storage: every request, and the bytes of what they read.
      const tableUse = { reads: 0, writes: 0, readBytes: 0 };
      const counter: PipelinePolicy = {
        name: 'bench-count-table-use',
        async sendRequest(request, next) {
          const response = await next(request);
          if (request.method === 'GET') {
            tableUse.reads++;
            tableUse.readBytes += Buffer.byteLength(response.bodyAsText ?? '', 'utf8');
          } else tableUse.writes++;
          return response;
        },
      };
      const countedStore = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: 'benchevents', pipelinePolicies: [counter] });
      lines.push(
        `events on cold instances: ${EVENTS} events in one burst, spread evenly; whole-subscription reads (Resource Graph requests at 1,000 rows a page), resources read by ID (ARM), and Table Storage requests (reads with the MB they returned, and writes)`,
      );
      for (const instances of [1, 4, 16]) {
        const cells: string[] = [];
        for (const sharing of [false, true]) {
          const reads: string[] = [];
          const readsById: string[] = [];
          const counting = countingReadsByIds(countingWholeReads(provider, reads).provider, readsById).provider;
          const apps = Array.from({ length: instances }, () => new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: DEFAULT_COALESCE_MS }, provider: counting, store: countedStore, ...(sharing ? { sharedStates: shared } : {}), stateTtlMs: YEAR_MS }));
          Object.assign(tableUse, { reads: 0, writes: 0, readBytes: 0 });
          const delivery = await deliverAcross(apps, makeEvents(EVENTS));
          const requests = reads.reduce((sum, subscription) => sum + Math.ceil((rowsOf.get(subscription) ?? 0) / 1000), 0);
          cells.push(
            `${sharing ? 'shared states' : 'no sharing'}: ${reads.length} reads, ${requests} requests, ${readsById.length} ARM reads by ID, Table ${tableUse.reads} reads (${(tableUse.readBytes / 2 ** 20).toFixed(1)} MB) and ${tableUse.writes} writes, p95 ${delivery.p95} ms, ${delivery.redelivered} redelivered${reasons(delivery)}`,
          );
        }
        lines.push(`  ${String(instances).padStart(2)} instance${instances === 1 ? ' ' : 's'}  ${cells.join('  |  ')}`);
      }
    } finally {
      await blob.stop();
    }
  } finally {
    await table.stop();
  }
  return lines;
}

/** States here come from a snapshot captured at a fixed past time: trust them, as a fresh sweep's would be. */
const YEAR_MS = 365 * 24 * 3600_000;

/** Delivers events round-robin over instances, all at once. */
async function deliverAcross(apps: readonly AuditorApp[], events: readonly Record<string, unknown>[]): Promise<Delivery> {
  const groups = apps.map(() => [] as Record<string, unknown>[]);
  events.forEach((event, index) => groups[index % apps.length]?.push(event));
  const deliveries = await Promise.all(apps.map((app, index) => deliver(app, groups[index] ?? [], 0)));
  const p95 = Math.max(...deliveries.map((delivery) => delivery.p95));
  const because = new Map<string, number>();
  for (const delivery of deliveries) for (const [reason, count] of delivery.redeliveredBecause) because.set(reason, (because.get(reason) ?? 0) + count);
  return { ...(deliveries[0] as Delivery), p95, redelivered: deliveries.reduce((sum, delivery) => sum + delivery.redelivered, 0), redeliveredBecause: because };
}

/** Why deliveries failed, by the limit each met: where the event path's contention is. */
function whyRedelivered(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/kept announcing changes/.test(message)) return 'announce races lost';
  if (/kept changing under this write|could not claim partition/.test(message)) return 'store conflicts';
  return message.slice(0, 80);
}

function reasons(delivery: Delivery): string {
  return delivery.redeliveredBecause.size === 0 ? '' : ` (${[...delivery.redeliveredBecause].map(([reason, count]) => `${reason}: ${count}`).join(', ')})`;
}

interface Delivery {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly batches: number;
  readonly judged: number;
  readonly wallMs: number;
  readonly wide: number;
  /** Deliveries that failed transiently and were delivered again. */
  readonly redelivered: number;
  /** Those, by why they failed (whyRedelivered). */
  readonly redeliveredBecause: ReadonlyMap<string, number>;
}

/** As Event Grid retries a failed delivery (it tries for 24 hours; a bench, a few times). */
const MAX_REDELIVERIES = 5;

async function deliver(app: AuditorApp, events: readonly Record<string, unknown>[], spacingMs: number): Promise<Delivery> {
  const latencies: number[] = [];
  const batches = new Set<unknown>();
  let redelivered = 0;
  const because = new Map<string, number>();
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (const [index, event] of events.entries()) {
    if (spacingMs > 0) await sleepUntil(started + index * spacingMs);
    const received = Date.now();
    // Fresh event time at delivery: the state only moves forward, as with live events.
    const stamped = { ...event, eventTime: new Date(received).toISOString(), data: { ...(event.data as object), operationalInfo: { resourceEventTime: new Date(received).toISOString() } } };
    // A transient failure (the store kept changing under a write) is retried, as Event Grid redelivers.
    const attempt = async (tries: number): Promise<EventResult> => {
      const context = new InvocationContext({ functionName: 'resourceChanged', logHandler: () => undefined });
      try {
        return await runWithAuditorApp(app, () => resourceChanged(stamped, context));
      } catch (error) {
        if (tries >= MAX_REDELIVERIES) throw error;
        redelivered++;
        const reason = whyRedelivered(error);
        because.set(reason, (because.get(reason) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 100 * (tries + 1)));
        return attempt(tries + 1);
      }
    };
    pending.push(
      attempt(0).then((result: EventResult) => {
        if (result.outcome !== 'judged') throw new Error(`event not judged: ${JSON.stringify(result)}`);
        latencies.push(result.batch.storedAt - received);
        batches.add(result.batch);
      }),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const wide = [...batches].filter((batch) => (batch as { mode?: string }).mode === 'subscription').length;
  return { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies[latencies.length - 1] ?? 0, batches: batches.size, judged: latencies.length, wallMs: Date.now() - started, wide, redelivered, redeliveredBecause: because };
}

function describe(name: string, delivery: Delivery): string {
  return `  ${name.padEnd(22)} p50 ${delivery.p50} ms  p95 ${delivery.p95} ms  max ${delivery.max} ms  ${delivery.judged} judged in ${delivery.batches} batches (${delivery.wide} whole-subscription), ${delivery.wallMs} ms wall`;
}

function percentile(sorted: readonly number[], quantile: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
}

function sleepUntil(time: number): Promise<void> {
  const wait = time - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

/** A realistic change: storage, key vault and registry firewalls flip; other resources are rewritten as they are. */
function mutated(row: ResourceRow, random: () => number): ResourceRow {
  const copy = structuredClone(row) as ResourceRow & { properties?: Record<string, unknown> };
  const acls = (copy.properties?.networkAcls ?? copy.properties?.networkRuleSet) as { defaultAction?: string } | undefined;
  if (acls !== undefined) acls.defaultAction = random() < 0.5 ? 'Allow' : 'Deny';
  return copy;
}

function notification(row: ResourceRow, index: number): Record<string, unknown> {
  return {
    id: `bench-${index}`,
    topic: `/subscriptions/${subscriptionOf(row.id) ?? ''}/providers/Microsoft.ResourceNotifications/systemTopics/arn`,
    subject: row.id,
    eventType: 'Microsoft.ResourceNotifications.Resources.CreatedOrUpdated',
    eventTime: '',
    dataVersion: '1',
    metadataVersion: '1',
    data: { resourceInfo: { id: row.id, name: row.name, type: row.type, location: row.location, tags: row.tags ?? {}, properties: row.properties }, apiVersion: '2023-01-01' },
  };
}

if (require.main === module) {
  benchEvents().then(
    (lines) => {
      for (const line of lines) process.stdout.write(`${line}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * Azurite in a child process: in process, its responses would wait behind our own CPU work
 * (building the estate), and "stored" would measure that contention rather than the store.
 */
export async function startAzuriteProcess(): Promise<{ connectionString: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve('azurite/dist/src/table/main.js'), '--inMemoryPersistence', '--tableHost', '127.0.0.1', '--tablePort', String(port), '--skipApiVersionCheck', '--disableTelemetry', '-s'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      if (chunk.toString().includes('successfully started')) resolve();
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`azurite-table exited with ${String(code)}`)));
  });
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};TableEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT_NAME};`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `npm run bench`, section `worker-memory`: the heap a long-lived Functions worker holds for the
 * event path after it has judged 30 subscriptions of about 2,400 rows each (generated, realistic
 * mix), with the subscription states unbounded (as before the cache had a bound) and with the
 * default bound (AML_AUDITOR_STATE_CACHE_ROWS). Needs `node --expose-gc` (npm run bench passes it)
 * to measure live heap, not garbage.
 */
import { SnapshotInventoryProvider } from '../src/app/inventory';
import { DEFAULT_STATE_CACHE_ROWS, SubscriptionStates } from '../src/app/subscription-state';
import type { ResourceRow, ServiceTagEntry } from '../src/inventory/types';
import { generateEstate } from './generate';
import { scaled } from './scale';

/** generateEstate puts 2 subscriptions in an estate under 10k rows: 15 estates × 4,800 rows = 30 × ~2,400. */
const ESTATES = scaled(15, 2);
const ROWS_PER_ESTATE = scaled(4_800, 500);

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

function heapMiB(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

async function heldAfterAll(provider: SnapshotInventoryProvider, subscriptions: readonly string[], maxRows: number): Promise<{ readonly mib: number; readonly held: ReturnType<SubscriptionStates['size']> }> {
  const before = heapMiB();
  const states = new SubscriptionStates(provider, 60 * 60_000, Date.now, maxRows);
  for (const subscription of subscriptions) await states.get(subscription);
  const mib = heapMiB() - before;
  const held = states.size();
  // Kept reachable until measured; dropped after.
  states.peek(subscriptions[0] ?? '');
  return { mib, held };
}

export async function benchWorkerMemory(): Promise<string[]> {
  if ((globalThis as { gc?: unknown }).gc === undefined) return ['worker-memory: skipped (run with node --expose-gc, as npm run bench does)'];
  const resources: ResourceRow[] = [];
  let serviceTags: ServiceTagEntry[] = [];
  for (let index = 0; index < ESTATES; index++) {
    const generated = generateEstate({ resources: ROWS_PER_ESTATE, seed: 20261201 + index });
    for (const row of generated.resources) resources.push(row);
    serviceTags = generated.serviceTags;
  }
  const provider = new SnapshotInventoryProvider({ capturedAt: '2026-12-01T00:00:00.000Z', resources, serviceTags, warnings: [], gaps: [] });
  const subscriptions = await provider.listSubscriptions();
  const unbounded = await heldAfterAll(provider, subscriptions, Number.POSITIVE_INFINITY);
  const bounded = await heldAfterAll(provider, subscriptions, DEFAULT_STATE_CACHE_ROWS);
  const perRowKiB = (unbounded.mib * 1024) / Math.max(1, unbounded.held.rows);
  return [
    `worker-memory: ${subscriptions.length} subscriptions, ${resources.length} rows in all, each subscription's state read once as the event path would`,
    `worker-memory: unbounded ${unbounded.mib.toFixed(0)} MiB held for ${unbounded.held.rows} rows in ${unbounded.held.subscriptions} states (${perRowKiB.toFixed(1)} KiB per row)`,
    `worker-memory: bounded at ${DEFAULT_STATE_CACHE_ROWS} rows ${bounded.mib.toFixed(0)} MiB held for ${bounded.held.rows} rows in ${bounded.held.subscriptions} states (${bounded.held.evictions} dropped, read whole again on their next event)`,
  ];
}

import { ResourceGraphInventoryProvider } from '../src/app/inventory';
import type { AppLog } from '../src/app/service';
import { AuditorApp } from '../src/app/service';
import type { SweepMessage } from '../src/app/sweep-message';
import { DEFAULT_SWEEP_BATCH } from '../src/app/sweep-message';
import { subscriptionOf } from '../src/core/ids';
import type { ResourceRow } from '../src/inventory/types';
import { staticTokenCredential } from '../src/live';
import { openFindingsStore } from '../src/store';
import { startArmServer } from '../test/support/arm-server';
import { startAzuriteProcess } from './events';
import { generateRows } from './generate';
import { scaled } from './scale';

/**
 * `npm run bench`, section "fanout": the timer's sweep of many small subscriptions, as the queue
 * fans it out (the timer's messages, a few at a time), against a local HTTPS server that speaks
 * Resource Graph and ARM: wall time and the requests it costs, for messages of one subscription
 * (how sweeps ran before batches) and of the default batch. The goal is ⌈rows/1000⌉ Resource
 * Graph requests plus a constant per batch. BENCH_FANOUT_SUBSCRIPTIONS (default 1000) changes the count.
 */

const ROWS_PER_SUBSCRIPTION = 100;
/** Messages at once, as the queue trigger's batch size would run them on one instance. */
const CONCURRENCY = 4;
/** Resource Graph tables each batch queries: resources, networkresources, authorizationresources, resourcecontainers. */
const TABLES = 4;

export async function benchFanout(): Promise<string[]> {
  const wanted = Number(process.env['BENCH_FANOUT_SUBSCRIPTIONS'] ?? String(scaled(1000, 6)));
  const subscriptionsWanted = Number.isInteger(wanted) && wanted >= 2 ? wanted : 1000;
  // The generator spreads an estate over two subscriptions at this size: one call per pair.
  const rows: ResourceRow[] = [];
  for (let pair = 0; pair < subscriptionsWanted / 2; pair++) for (const row of generateRows({ resources: 2 * ROWS_PER_SUBSCRIPTION, seed: 9000 + pair })) rows.push(row);
  const subscriptions = [...new Set(rows.map((row) => subscriptionOf(row.id) ?? ''))].filter((id) => id !== '');
  const lines = [
    `fanout: the timer's sweep of ${subscriptions.length} subscriptions of ~${ROWS_PER_SUBSCRIPTION} resources (${rows.length} rows), ${CONCURRENCY} messages at a time, Resource Graph and ARM on a local HTTPS server, store on Azurite in its own process`,
  ];
  for (const batchSize of [1, DEFAULT_SWEEP_BATCH]) {
    const run = await sweepAll(rows, subscriptions, batchSize);
    const floor = Math.ceil(rows.length / 1000);
    lines.push(
      `  ${batchSize === 1 ? 'one subscription a message' : `${batchSize} subscriptions a message (the default)`}: ${run.messages} messages, ${(run.wallMs / 1000).toFixed(1)} s wall; ${run.graph} Resource Graph requests (target at most ⌈rows/1000⌉ + ${TABLES - 1} other tables × messages${batchSize === 1 ? '' : ' + the count'} = ${floor + (TABLES - 1) * run.messages + (batchSize === 1 ? 0 : Math.ceil(subscriptions.length / 1000))}), ${run.computes} ARM compute lists, ${run.other} other requests; ${run.incomplete} incomplete sweeps`,
    );
  }
  return lines;
}

async function sweepAll(rows: readonly ResourceRow[], subscriptions: readonly string[], batchSize: number): Promise<{ messages: number; wallMs: number; graph: number; computes: number; other: number; incomplete: number }> {
  const arm = await startArmServer({ rows });
  const table = await startAzuriteProcess();
  try {
    const provider = new ResourceGraphInventoryProvider({ credential: staticTokenCredential('bench'), armEndpoint: arm.endpoint, tlsOptions: arm.tlsOptions, retry: { retryDelayMs: 1 } }, async () => subscriptions);
    const store = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: 'benchfanout' });
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 100, sweepBatch: batchSize }, provider, store });
    const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const started = Date.now();
    // As the timer plans them: with batches, one more Resource Graph request counts the rows first.
    const { messages } = await app.sweepPlan(new Date().toISOString(), 'timer', quiet);
    let next = 0;
    let incomplete = 0;
    let swept = 0;
    const worker = async (): Promise<void> => {
      while (next < messages.length) {
        const message = messages[next++] as SweepMessage;
        const outcomes = await app.sweepSubscriptions(message.subscriptionIds, message.trigger, quiet);
        incomplete += outcomes.filter((outcome) => !outcome.complete).length;
        const before = swept;
        swept += outcomes.length;
        if (process.stderr.isTTY === true && Math.floor(swept / 100) > Math.floor(before / 100)) process.stderr.write(`bench: fanout ${swept}/${subscriptions.length}…\n`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const wallMs = Date.now() - started;
    const graph = arm.requestsOf('graph').length;
    const computes = arm.requestsOf('computes').length;
    return { messages: messages.length, wallMs, graph, computes, other: arm.requests.length - graph - computes, incomplete };
  } finally {
    await table.stop();
    await arm.stop();
  }
}

if (require.main === module) {
  benchFanout().then(
    (lines) => process.stdout.write(`${lines.join('\n')}\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

import { ResourceGraphInventoryProvider } from '../src/app/inventory';
import type { AppLog } from '../src/app/service';
import { AuditorApp } from '../src/app/service';
import { subscriptionOf } from '../src/core/ids';
import type { ResourceRow } from '../src/inventory/types';
import { staticTokenCredential } from '../src/live';
import { openFindingsStore } from '../src/store';
import { startArmServer } from '../test/support/arm-server';
import { startAzuriteProcess } from './events';
import { generateRows } from './generate';

/**
 * `npm run bench`, section "fanout": the timer's sweep of many small subscriptions, as the queue
 * fans it out (one sweep per subscription, a few at a time), against a local HTTPS server that
 * speaks Resource Graph and ARM: wall time and the requests it costs. The scale goal is
 * ⌈rows/1000⌉ Resource Graph requests plus a constant per batch of subscriptions; today each
 * subscription is read on its own. BENCH_FANOUT_SUBSCRIPTIONS (default 1000) changes the count.
 */

const ROWS_PER_SUBSCRIPTION = 100;
/** Sweeps at once, as the queue trigger's batch size would run them on one instance. */
const CONCURRENCY = 4;

export async function benchFanout(): Promise<string[]> {
  const wanted = Number(process.env['BENCH_FANOUT_SUBSCRIPTIONS'] ?? '1000');
  const subscriptionsWanted = Number.isInteger(wanted) && wanted >= 2 ? wanted : 1000;
  // The generator spreads an estate over two subscriptions at this size: one call per pair.
  const rows: ResourceRow[] = [];
  for (let pair = 0; pair < subscriptionsWanted / 2; pair++) for (const row of generateRows({ resources: 2 * ROWS_PER_SUBSCRIPTION, seed: 9000 + pair })) rows.push(row);
  const subscriptions = [...new Set(rows.map((row) => subscriptionOf(row.id) ?? ''))].filter((id) => id !== '');
  const arm = await startArmServer({ rows });
  const table = await startAzuriteProcess();
  try {
    const provider = new ResourceGraphInventoryProvider({ credential: staticTokenCredential('bench'), armEndpoint: arm.endpoint, tlsOptions: arm.tlsOptions, retry: { retryDelayMs: 1 } }, async () => subscriptions);
    const store = await openFindingsStore({ connectionString: table.connectionString, tablePrefix: 'benchfanout' });
    const app = new AuditorApp({ settings: { scopeSubscriptions: [], coalesceMs: 100 }, provider, store });
    const quiet: AppLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const started = Date.now();
    let next = 0;
    let incomplete = 0;
    const worker = async (): Promise<void> => {
      while (next < subscriptions.length) {
        const subscription = subscriptions[next++] as string;
        const outcome = await app.sweepSubscription(subscription, 'timer', quiet);
        if (!outcome.complete) incomplete++;
        if (process.stderr.isTTY === true && next % 100 === 0) process.stderr.write(`bench: fanout ${next}/${subscriptions.length}…\n`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const wallMs = Date.now() - started;
    const graph = arm.requestsOf('graph').length;
    const computes = arm.requestsOf('computes').length;
    const other = arm.requests.length - graph - computes;
    const floor = Math.ceil(rows.length / 1000);
    return [
      `fanout: the timer's sweep of ${subscriptions.length} subscriptions of ~${ROWS_PER_SUBSCRIPTION} resources (${rows.length} rows), ${CONCURRENCY} at a time, Resource Graph and ARM on a local HTTPS server, store on Azurite in its own process`,
      `  ${(wallMs / 1000).toFixed(1)} s wall; ${graph} Resource Graph requests (⌈rows/1000⌉ = ${floor}), ${computes} ARM compute lists, ${other} other requests; ${incomplete} incomplete sweeps`,
    ];
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

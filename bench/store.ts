import { startAzuriteTable } from '../src/azurite';
import type { Evaluation, Severity } from '../src/core/types';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { openFindingsStore } from '../src/store';
import { scaled } from './scale';

/**
 * `npm run bench`, section "store": the findings store on Azurite (in process, in memory).
 *
 * - write throughput: a first sweep opening N findings (batched transactions, ≤ 99 findings +
 *   the partition marker each), in finding entities per second;
 * - entities written by a re-sweep of the unchanged estate (target 0; bookkeeping rows, one
 *   partition claim and one sweep record per subscription, reported apart);
 * - a re-sweep where 10% changed (updates + resolutions), and the event path (one resource at a
 *   time, sequential), for latency;
 * - a first page of `listFindings` over all N (the API's query, newest first), and every page of
 *   1,000 newest first (through the change index) and by key (the service's own paging).
 *
 * Azurite is single-threaded JavaScript sharing this process: these figures are the emulator's,
 * not Azure Tables' (which scale per partition).
 */
const FINDINGS = positiveInt(process.env['BENCH_STORE_FINDINGS'], scaled(10_000, 200));
const SUBSCRIPTIONS = 5;
const RULES = ['nsg.batch-inbound', 'nsg.ssh-exposed', 'storage.default-deny', 'route.forced-tunnel-batch'] as const;
const EVENTS = 100;

export async function benchStore(): Promise<string[]> {
  const azurite = await startAzuriteTable({ inMemory: true });
  try {
    let entitiesRead = 0;
    let requests = 0;
    const counter: PipelinePolicy = {
      name: 'bench-count-entities',
      async sendRequest(request, next) {
        const response = await next(request);
        requests++;
        const body = request.method === 'GET' ? response.bodyAsText : undefined;
        if (typeof body === 'string' && body.startsWith('{')) {
          const parsed = JSON.parse(body) as { value?: unknown };
          entitiesRead += Array.isArray(parsed.value) ? parsed.value.length : 1;
        }
        return response;
      },
    };
    const store = await openFindingsStore({ connectionString: azurite.connectionString, tablePrefix: 'benchstore', pipelinePolicies: [counter] });
    const subscriptions = Array.from({ length: SUBSCRIPTIONS }, (_, index) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`);
    const evaluations = estate(subscriptions, FINDINGS);
    const scope = { subscriptionIds: subscriptions };
    const start = Date.UTC(2026, 10, 24, 10);

    const first = await timed(() => store.recordEvaluations({ scope, evaluations, evaluatedAt: new Date(start), complete: true }));
    const unchanged = await timed(() => store.recordEvaluations({ scope, evaluations, evaluatedAt: new Date(start + 60_000), complete: true }));
    const changed = evaluations.map((item, index) =>
      index % 10 === 0 ? (index % 20 === 0 ? { ...item, status: 'pass' as const } : { ...item, message: `${item.message} (changed)` }) : item,
    );
    const tenth = await timed(() => store.recordEvaluations({ scope, evaluations: changed, evaluatedAt: new Date(start + 120_000), complete: true }));

    const eventLatencies: number[] = [];
    for (let index = 0; index < EVENTS; index++) {
      const subject = changed[(index * 97) % changed.length] as Evaluation;
      const flipped: Evaluation = { ...subject, status: subject.status === 'pass' ? 'fail' : 'pass' };
      const event = await timed(() =>
        store.recordEvaluations({ scope: { resourceKeys: new Set([subject.resourceId.toLowerCase()]) }, evaluations: [flipped], evaluatedAt: new Date(start + 180_000 + index), complete: true }),
      );
      eventLatencies.push(event.ms);
    }
    const listed = await timed(() => store.listFindings({ top: 100 }));
    const everyPage = async (order: 'changed' | 'key'): Promise<{ readonly pages: number; readonly items: number; readonly entities: number; readonly requests: number }> => {
      let token: string | undefined;
      let pages = 0;
      let items = 0;
      entitiesRead = 0;
      requests = 0;
      do {
        const page = await store.listFindings({ top: 1000, order, ...(token === undefined ? {} : { continuationToken: token }) });
        pages++;
        items += page.items.length;
        token = page.continuationToken;
      } while (token !== undefined);
      return { pages, items, entities: entitiesRead, requests };
    };
    const allByChange = await timed(() => everyPage('changed'));
    const allByKey = await timed(() => everyPage('key'));

    const throughput = Math.round(first.result.written / (first.ms / 1000));
    const p = (q: number): string => fixed(percentile(eventLatencies, q));
    return [
      `store: findings store on Azurite (in process, in memory), ${FINDINGS} findings over ${SUBSCRIPTIONS} subscriptions`,
      `  first sweep:        ${first.result.written} finding entities written in ${fixed(first.ms)} ms = ${throughput} entities/s (+${first.result.bookkeepingWrites} bookkeeping rows)`,
      `  unchanged re-sweep: ${unchanged.result.written} finding entities written (target 0), ${unchanged.result.bookkeepingWrites} bookkeeping rows, ${fixed(unchanged.ms)} ms`,
      `  10% changed:        ${tenth.result.written} written (${tenth.result.updated} updated, ${tenth.result.resolved} resolved) in ${fixed(tenth.ms)} ms = ${Math.round(tenth.result.written / (tenth.ms / 1000))} entities/s`,
      `  event path:         ${EVENTS} single-resource events, p50 ${p(0.5)} ms, p95 ${p(0.95)} ms`,
      `  listFindings:       first page of 100 over ${FINDINGS} in ${fixed(listed.ms)} ms`,
      `  every page of 1000: newest first ${allByChange.result.pages} pages in ${fixed(allByChange.ms)} ms (${fixed(allByChange.ms / allByChange.result.pages)} ms a page; ${Math.round(allByChange.result.entities / allByChange.result.pages)} entities read and ${fixed(allByChange.result.requests / allByChange.result.pages)} requests a page); by key (order=key) ${allByKey.result.pages} pages in ${fixed(allByKey.ms)} ms (${fixed(allByKey.ms / allByKey.result.pages)} ms a page; ${Math.round(allByKey.result.entities / allByKey.result.pages)} entities read a page)`,
      '  (Azurite runs every query as a scan of the whole table, so its times grow with the table whatever the query; Azure Tables read a key range. Entities read per page is the cost that carries over.)',
      `bench: store_findings=${FINDINGS} store_write_entities_per_s=${throughput} store_unchanged_resweep_entities_written=${unchanged.result.written} store_event_p95_ms=${p(0.95)} store_list_all_changed_ms=${Math.round(allByChange.ms)} store_list_changed_entities_per_page=${Math.round(allByChange.result.entities / allByChange.result.pages)} store_list_all_key_ms=${Math.round(allByKey.ms)}`,
    ];
  } finally {
    await azurite.stop();
  }
}

function estate(subscriptions: readonly string[], count: number): Evaluation[] {
  const evaluations: Evaluation[] = [];
  for (let index = 0; index < count; index++) {
    const subscription = subscriptions[index % subscriptions.length] as string;
    const ruleIndex = Math.floor(index / subscriptions.length) % RULES.length;
    const subnet = Math.floor(index / (subscriptions.length * RULES.length));
    const resourceId = `/subscriptions/${subscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/subnet-${subnet}`;
    const severity: Severity = ruleIndex === 1 ? 'medium' : 'high';
    evaluations.push({
      ruleId: RULES[ruleIndex] as string,
      resourceId,
      status: ruleIndex === 3 ? 'unknown' : 'fail',
      severity,
      title: 'Benchmark finding',
      message: `Subnet subnet-${subnet} fails ${RULES[ruleIndex] as string}: NSG rule 'deny-all-in' (priority 100) denies the required traffic.`,
      evidence: { nsgId: `${resourceId}/nsg`, rule: 'deny-all-in', priority: 100 },
      workspaceIds: [`/subscriptions/${subscription}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-${subnet % 7}`],
    });
  }
  return evaluations;
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { audit } from '../../functions/audit';
import { auditAutomation } from '../../functions/auditAutomation';
import { dashboard } from '../../functions/dashboard';
import { findings } from '../../functions/findings';
import { remediations } from '../../functions/remediations';
import { resourceChanged } from '../../functions/resourceChanged';
import { sweepQueueOutput, sweepScheduled } from '../../functions/sweepScheduled';
import { cloudEventsHandshake, eventGridDelivery } from '../app/eventgrid-webhook';
import { getAuditorApp } from '../app/runtime';
import { DASHBOARD_ASSET_PATHS, DASHBOARD_PAGE_PATHS } from '../dashboard';

const DASHBOARD_PATHS: readonly string[] = [...DASHBOARD_PAGE_PATHS, ...DASHBOARD_ASSET_PATHS];

/**
 * The routes of docs/interfaces.md as the Functions host exposes them, over the same handlers: the
 * table the local server (src/local/start.ts) routes by. Routes marked `localOnly` stand for
 * what the host provides itself in Azure (the admin endpoint of non-HTTP functions, the queue
 * view). This module plays the host, so it lives with the local host (src/local), the only folder of src/ that imports functions/.
 */
export type RouteHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface HttpRoute {
  readonly method: 'GET' | 'POST' | 'OPTIONS';
  /** Exact path, no query. */
  readonly path: string;
  /** The function (or host feature) serving it. */
  readonly name: string;
  readonly handler: RouteHandler;
  readonly localOnly?: boolean;
}

/** What the local host lends the routes: invocation contexts and the sweep queue. */
export interface LocalHost {
  newContext(functionName: string, triggerMetadata?: Record<string, unknown>): InvocationContext;
  enqueueSweeps(messages: readonly unknown[]): void;
  queueStatus(): unknown;
}

export function httpRoutes(host: LocalHost): readonly HttpRoute[] {
  return [
    { method: 'POST', path: '/api/audit', name: 'audit', handler: audit },
    { method: 'POST', path: '/api/automation/audit', name: 'auditAutomation', handler: auditAutomation },
    { method: 'GET', path: '/api/findings', name: 'findings', handler: findings },
    { method: 'GET', path: '/api/remediations', name: 'remediations', handler: remediations },
    // The dashboard: one function, route `dashboard/{*path}`, serving the page and what it loads.
    ...DASHBOARD_PATHS.map((path) => ({ method: 'GET' as const, path, name: 'dashboard', handler: dashboard })),
    {
      method: 'POST',
      path: '/runtime/webhooks/eventgrid',
      name: 'resourceChanged',
      handler: (request) => eventGridDelivery(request, { resourceChanged: (event) => resourceChanged(event, host.newContext('resourceChanged')) }),
    },
    { method: 'OPTIONS', path: '/runtime/webhooks/eventgrid', name: 'resourceChanged', handler: async (request) => cloudEventsHandshake(request) },
    {
      method: 'POST',
      path: '/admin/functions/sweepScheduled',
      name: 'sweepScheduled',
      localOnly: true,
      handler: async () => {
        const context = host.newContext('sweepScheduled');
        const batches = await sweepScheduled(manualTimer(), context);
        const messages = (context.extraOutputs.get(sweepQueueOutput) as unknown[] | undefined) ?? [];
        host.enqueueSweeps(messages);
        // A message holds a batch of subscriptions (AML_AUDITOR_SWEEP_BATCH): say both.
        const subscriptions = batches.reduce((sum, batch) => sum + batch.subscriptionIds.length, 0);
        return { status: 202, jsonBody: { enqueued: messages.length, subscriptions } };
      },
    },
    {
      method: 'GET',
      path: '/api/sweeps',
      name: 'sweeps',
      localOnly: true,
      handler: async () => {
        const auditor = await getAuditorApp();
        return { status: 200, jsonBody: { queue: host.queueStatus(), sweeps: await auditor.store.listSweeps(undefined, 50) } };
      },
    },
  ];
}

/** What the host passes a timer function invoked through its admin endpoint. */
export function manualTimer(): Timer {
  const now = new Date().toISOString();
  return { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: now, next: now, lastUpdated: now } };
}

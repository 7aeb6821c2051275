import { app } from '@azure/functions';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { accessDenied } from '../src/app/access';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';
import { dashboardResponse } from '../src/dashboard';

/** GET /api/dashboard: the dashboard page, its script and stylesheet, and the rule catalogue. */
export async function dashboard(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const auditor = await getAuditorApp();
  return accessDenied(request, auditor.access, 'read') ?? dashboardResponse(auditor, request, contextLog(context));
}

// One function for the page and what it loads: `{*path}` also matches /api/dashboard itself.
app.http('dashboard', { methods: ['GET'], route: 'dashboard/{*path}', authLevel: 'anonymous', handler: dashboard });

import { app } from '@azure/functions';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { auditResponse } from '../src/app/http-api';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';

/**
 * POST /api/automation/audit: the same audit as POST /api/audit, for automation that holds a
 * function key instead of an Entra ID token. App Service authentication leaves this route to the
 * host's key check (infra/app.bicep, excludedPaths); the key belongs in the x-functions-key header,
 * never in the URL, where logs and browser history keep it.
 */
export async function auditAutomation(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  if (request.query.has('code')) return { status: 400, jsonBody: { error: 'send the function key in the x-functions-key header, not in the URL' } };
  return auditResponse(await getAuditorApp(), request, contextLog(context));
}

app.http('auditAutomation', { methods: ['POST'], route: 'automation/audit', authLevel: 'function', handler: auditAutomation });

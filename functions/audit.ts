import { app } from '@azure/functions';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { auditResponse } from '../src/app/http-api';
import { accessDenied } from '../src/app/access';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';

/** POST /api/audit: audit now; answers the summary and the findings that changed (docs/interfaces.md). */
export async function audit(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const auditor = await getAuditorApp();
  return accessDenied(request, auditor.access, 'run') ?? auditResponse(auditor, request, contextLog(context));
}

app.http('audit', { methods: ['POST'], route: 'audit', authLevel: 'anonymous', handler: audit });

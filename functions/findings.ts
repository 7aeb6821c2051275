import { app } from '@azure/functions';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { findingsResponse } from '../src/app/http-api';
import { accessDenied } from '../src/app/access';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';

/** GET /api/findings: stored findings, newest first, paged (docs/interfaces.md). */
export async function findings(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const auditor = await getAuditorApp();
  return accessDenied(request, auditor.access, 'read') ?? findingsResponse(auditor, request, contextLog(context));
}

app.http('findings', { methods: ['GET'], route: 'findings', authLevel: 'anonymous', handler: findings });

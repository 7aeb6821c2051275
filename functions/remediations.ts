import { app } from '@azure/functions';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { accessDenied } from '../src/app/access';
import { remediationsResponse } from '../src/app/http-api';
import { contextLog } from '../src/app/log';
import { getAuditorApp } from '../src/app/runtime';

/** GET /api/remediations: plans made and changes applied, newest first (docs/interfaces.md). */
export async function remediations(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const auditor = await getAuditorApp();
  return accessDenied(request, auditor.access, 'read') ?? remediationsResponse(auditor, request, contextLog(context));
}

app.http('remediations', { methods: ['GET'], route: 'remediations', authLevel: 'anonymous', handler: remediations });

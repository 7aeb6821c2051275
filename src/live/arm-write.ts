import { createHttpPoller } from '@azure/core-lro';
import type { LroResponse, RawResponse } from '@azure/core-lro';
import type { HttpClient, PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { encodeArmPath } from './arm-read';
import type { Transport } from './clients';
import { armPipeline, isGone, restErrorOf } from './clients';
import { QuotaPacer, defaultSleep } from './throttle';

/**
 * One generic ARM client for remediation: GET a resource with its ETag, and PUT or PATCH exactly
 * the body a reviewed plan holds, by ID and API version. A typed SDK client per provider would
 * re-serialize the body through its models (dropping what they do not know) and hide the ETag
 * handling; a plan must be written as it was reviewed.
 *
 * What ARM does that a kinder fake would hide, and how it is met:
 * - long-running writes answer 201/202 with `Azure-AsyncOperation` or `Location`: polled with
 *   @azure/core-lro (the poller the Azure SDK clients use) until the operation ends;
 * - `If-Match` with a stale ETag answers 412 PreconditionFailed: surfaced as `PreconditionFailedError`;
 * - 409 AnotherOperationInProgress (the resource is busy with another write): retried after Retry-After;
 * - 429 and 5xx: retried after Retry-After by the throttle policy every live client shares.
 */

export type ArmRead = { readonly status: 'found'; readonly body: unknown; readonly etag: string | undefined } | { readonly status: 'missing' };

export interface ArmWrite {
  readonly method: 'PUT' | 'PATCH';
  readonly id: string;
  readonly apiVersion: string;
  readonly body: unknown;
  readonly ifMatch?: string;
}

export interface ArmResourceClient {
  read(id: string, apiVersion: string): Promise<ArmRead>;
  /** Resolves when the write (and its long-running operation) has completed; throws a RestError otherwise. */
  write(request: ArmWrite): Promise<void>;
}

/** The ETag given in If-Match no longer matches: someone else wrote the resource. */
export class PreconditionFailedError extends Error {
  readonly statusCode = 412;
  constructor(readonly id: string) {
    super(`Azure Resource Manager refused the write of ${id}: its ETag changed (412 PreconditionFailed)`);
    this.name = 'PreconditionFailedError';
  }
}

function parse(response: PipelineResponse): unknown {
  try {
    return response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
  } catch {
    return undefined;
  }
}

/** 409 AnotherOperationInProgress is the provider saying "wait": retried, never surfaced while retries last. */
function busyRetryPolicy(maxRetries: number, sleep: (ms: number) => Promise<void>): PipelinePolicy {
  return {
    name: 'amlAuditBusyRetryPolicy',
    async sendRequest(request, next) {
      for (let attempt = 0; ; attempt++) {
        const response = await next(request);
        if (response.status !== 409 || attempt >= maxRetries) return response;
        const code = (parse(response) as { error?: { code?: unknown } } | undefined)?.error?.code;
        if (code !== 'AnotherOperationInProgress') return response;
        const seconds = Number(response.headers.get('retry-after'));
        await sleep(Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000 * 2 ** attempt);
      }
    },
  };
}

export function createArmResourceClient(transport: Transport, pacer: QuotaPacer = new QuotaPacer(transport.retry.quotaLowWatermark ?? 3), pollIntervalMs = 2000): ArmResourceClient {
  const pipeline = armPipeline(transport, pacer, [busyRetryPolicy(transport.retry.maxRetries ?? 4, transport.retry.sleep ?? defaultSleep)]);
  const httpClient: HttpClient = createDefaultHttpClient();
  const urlOf = (pathOrUrl: string): string => (/^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${transport.cloud.armEndpoint}${pathOrUrl}`);

  async function send(method: 'GET' | 'PUT' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<PipelineResponse> {
    const request = createPipelineRequest({ url, method, headers: createHttpHeaders({ ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }) });
    if (body !== undefined) request.body = JSON.stringify(body);
    return pipeline.sendRequest(httpClient, request);
  }

  function raw(response: PipelineResponse): RawResponse {
    return { statusCode: response.status, headers: response.headers.toJSON(), body: parse(response) };
  }

  return {
    async read(id, apiVersion) {
      const response = await send('GET', urlOf(`${encodeArmPath(id)}?api-version=${apiVersion}`));
      if (response.status < 200 || response.status >= 300) {
        const error = restErrorOf(response);
        if (isGone(error)) return { status: 'missing' };
        throw error;
      }
      const body = parse(response);
      const etag = response.headers.get('etag') ?? (typeof (body as { etag?: unknown } | undefined)?.etag === 'string' ? (body as { etag: string }).etag : undefined);
      return { status: 'found', body, etag };
    },
    async write(request) {
      const url = urlOf(`${encodeArmPath(request.id)}?api-version=${request.apiVersion}`);
      const initial = await send(request.method, url, request.body, request.ifMatch !== undefined ? { 'if-match': request.ifMatch } : {});
      if (initial.status === 412) throw new PreconditionFailedError(request.id);
      if (initial.status < 200 || initial.status >= 300) throw restErrorOf(initial);
      if (initial.status !== 201 && initial.status !== 202) return;
      const poller = await createHttpPoller(
        {
          requestPath: url,
          requestMethod: request.method,
          sendInitialRequest: (): Promise<LroResponse> => Promise.resolve({ flatResponse: parse(initial), rawResponse: raw(initial) }),
          sendPollRequest: async (path: string): Promise<LroResponse> => {
            const response = await send('GET', urlOf(path));
            if (response.status >= 400) throw restErrorOf(response);
            return { flatResponse: parse(response), rawResponse: raw(response) };
          },
        },
        { intervalInMs: pollIntervalMs, resourceLocationConfig: 'azure-async-operation' },
      );
      await poller.pollUntilDone();
    },
  };
}

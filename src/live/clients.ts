import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient, Pipeline, PipelinePolicy, PipelineResponse, TlsSettings } from '@azure/core-rest-pipeline';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  isRestError,
  RestError,
} from '@azure/core-rest-pipeline';
import { isObject } from '../core/json';
import type { CloudSettings } from './clouds';
import type { RetrySettings } from './throttle';
import { QuotaPacer, throttlePolicy } from './throttle';

/** What every client of one live read shares: identity, cloud, retry behaviour, TLS trust. */
export interface Transport {
  readonly credential: TokenCredential;
  readonly cloud: CloudSettings;
  readonly retry: RetrySettings;
  /** Extra TLS trust (a TLS-inspecting proxy's CA, or a local test server's certificate). */
  readonly tlsOptions?: TlsSettings;
}

const USER_AGENT = { userAgentPrefix: 'aml-vnet-auditor' };

/** The SDK's default retry knows nothing of the graph quota headers: ours replaces it. */
function useThrottlePolicy(pipeline: Pipeline, retry: RetrySettings, pacer: QuotaPacer): void {
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.addPolicy(throttlePolicy(retry, pacer), { phase: 'Retry' });
}

export function createGraphClient(transport: Transport, pacer: QuotaPacer): ResourceGraphClient {
  const client = new ResourceGraphClient(transport.credential, {
    endpoint: transport.cloud.armEndpoint,
    credentials: { scopes: [transport.cloud.armScope] },
    userAgentOptions: USER_AGENT,
    ...(transport.tlsOptions ? { tlsOptions: transport.tlsOptions } : {}),
  });
  useThrottlePolicy(client.pipeline, transport.retry, pacer);
  return client;
}

export function createNetworkClient(transport: Transport, subscriptionId: string, pacer: QuotaPacer): NetworkManagementClient {
  const client = new NetworkManagementClient(transport.credential, subscriptionId, {
    endpoint: transport.cloud.armEndpoint,
    credentialScopes: [transport.cloud.armScope],
    userAgentOptions: USER_AGENT,
    ...(transport.tlsOptions ? { tlsOptions: transport.tlsOptions } : {}),
  });
  useThrottlePolicy(client.pipeline, transport.retry, pacer);
  return client;
}

/** A plain ARM GET client (workspace computes have no SDK among our dependencies). */
export interface ArmGetClient {
  /** GETs an absolute URL or a path under the ARM endpoint; answers the parsed JSON body or throws a RestError. */
  getJson(pathOrUrl: string): Promise<unknown>;
}

/** A pipeline to ARM on the transport: our throttle policy in the SDK's retry's place, and the bearer token; `extra` policies run in the retry phase too. */
export function armPipeline(transport: Transport, pacer: QuotaPacer, extra: readonly PipelinePolicy[] = []): Pipeline {
  const pipeline = createPipelineFromOptions({
    userAgentOptions: USER_AGENT,
    ...(transport.tlsOptions ? { tlsOptions: transport.tlsOptions } : {}),
  });
  useThrottlePolicy(pipeline, transport.retry, pacer);
  for (const policy of extra) pipeline.addPolicy(policy, { phase: 'Retry' });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: transport.credential, scopes: transport.cloud.armScope }));
  return pipeline;
}

export function createArmGetClient(transport: Transport, pacer: QuotaPacer): ArmGetClient {
  const pipeline = armPipeline(transport, pacer);
  const httpClient: HttpClient = createDefaultHttpClient();
  return {
    async getJson(pathOrUrl: string): Promise<unknown> {
      const url = /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${transport.cloud.armEndpoint}${pathOrUrl}`;
      const response = await pipeline.sendRequest(httpClient, createPipelineRequest({ url, method: 'GET' }));
      if (response.status < 200 || response.status >= 300) throw restErrorOf(response);
      try {
        return JSON.parse(response.bodyAsText ?? '');
      } catch {
        throw new RestError(`ARM answered ${response.status} with a body that is not JSON`, { statusCode: response.status, response });
      }
    },
  };
}

/**
 * Every item of an ARM list (`{ value: [...], nextLink }`), page after page. Throws when a page
 * fails, is not that shape, or names a page already read: a list cut short would read as one
 * with fewer items.
 */
export async function listArmItems(client: ArmGetClient, firstPage: string): Promise<unknown[]> {
  const items: unknown[] = [];
  const visited = new Set<string>();
  let url: string | undefined = firstPage;
  while (url !== undefined) {
    if (visited.has(url)) throw new Error('ARM repeated a nextLink');
    visited.add(url);
    const body: unknown = await client.getJson(url);
    const value = isObject(body) && Array.isArray(body.value) ? (body.value as unknown[]) : undefined;
    if (value === undefined) throw new Error('the answer has no `value` array');
    for (const item of value) items.push(item);
    url = isObject(body) && typeof body.nextLink === 'string' && body.nextLink !== '' ? body.nextLink : undefined;
  }
  return items;
}

/** ARM's error body (`{ error: { code, message } }`) as a RestError with its code; the status alone when the body is not JSON. */
export function restErrorOf(response: PipelineResponse): RestError {
  let message = `ARM answered ${response.status}`;
  let code: string | undefined;
  try {
    const body = JSON.parse(response.bodyAsText ?? '') as { error?: { code?: unknown; message?: unknown } };
    code = typeof body.error?.code === 'string' ? body.error.code : undefined;
    if (typeof body.error?.message === 'string') message = `${message}: ${code ?? ''} ${body.error.message}`.trim();
  } catch {
    // Not JSON: the status alone says enough.
  }
  return new RestError(message, { statusCode: response.status, response, ...(code !== undefined ? { code } : {}) });
}

/**
 * ARM's codes for a 404 that means the resource is not there: it, its resource group or its parent
 * was deleted. ARM also answers 404 for a request it cannot route (InvalidResourceType: an API
 * version the cloud does not serve for the type), which says nothing about the resource; so does a
 * 404 without ARM's error body. Taking those as deletions would resolve the findings of resources
 * that still exist.
 */
const GONE_CODES: ReadonlySet<string> = new Set(['resourcenotfound', 'resourcegroupnotfound', 'parentresourcenotfound', 'notfound']);

/** Whether an ARM error says the resource it was about no longer exists (see GONE_CODES). */
export function isGone(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 404 && typeof error.code === 'string' && GONE_CODES.has(error.code.toLowerCase());
}

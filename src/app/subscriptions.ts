import type { TokenCredential } from '@azure/core-auth';
import { bearerTokenAuthenticationPolicy, createDefaultHttpClient, createEmptyPipeline, createPipelineRequest } from '@azure/core-rest-pipeline';
import { isObject } from '../core/json';

/**
 * The subscriptions the app's identity can read, for sweeps when no scope is configured
 * (ARM `GET /subscriptions`, every page). Read-only, like every inventory read.
 */
export function armSubscriptionLister(armEndpoint: string, armScope: string, credential: TokenCredential): () => Promise<readonly string[]> {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: armScope }));
  const client = createDefaultHttpClient();
  return async () => {
    const ids: string[] = [];
    let url: string | undefined = `${armEndpoint}/subscriptions?api-version=2022-12-01`;
    while (url !== undefined) {
      const response = await pipeline.sendRequest(client, createPipelineRequest({ url, method: 'GET' }));
      if (response.status !== 200) throw new Error(`ARM answered HTTP ${response.status} to GET /subscriptions`);
      const body: unknown = JSON.parse(response.bodyAsText ?? '{}');
      const value = isObject(body) && Array.isArray(body.value) ? body.value : [];
      for (const item of value) {
        // Disabled or deleted subscriptions cannot be read; a sweep of them would only record a gap.
        if (isObject(item) && typeof item.subscriptionId === 'string' && (item.state === undefined || item.state === 'Enabled' || item.state === 'PastDue' || item.state === 'Warned')) {
          ids.push(item.subscriptionId.toLowerCase());
        }
      }
      url = isObject(body) && typeof body.nextLink === 'string' ? body.nextLink : undefined;
    }
    return [...new Set(ids)].sort();
  };
}

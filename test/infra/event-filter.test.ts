import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCE_TYPES } from '../../src/inventory/resource-types';

/**
 * Event Grid delivers only events whose subject contains one of the types infra/app.bicep lists
 * (StringContains): every type whose change can move a verdict must be there, or its changes
 * would wait for the next sweep. Children (subnets, rule collection groups, private endpoint
 * connections, agent pools, VNet-scoped role assignments) contain their parent's type in their ID.
 */
describe('the Event Grid subscription filter (infra/app.bicep watchedTypes, applied by hooks/postdeploy.sh)', () => {
  it('lets through a change of every resource type the rules read', () => {
    const bicep = readFileSync(join(__dirname, '..', '..', 'infra', 'app.bicep'), 'utf8');
    const list = /var watchedTypes = \[([^\]]*)\]/.exec(bicep)?.[1] ?? '';
    const watched = [...list.matchAll(/'([^']+)'/g)].map((match) => (match[1] ?? '').toLowerCase());
    const subjectOf = (type: string): string => {
      const [namespace, ...types] = type.split('/');
      const path = types.map((segment, index) => `${segment}/x${index}`).join('/');
      return `/subscriptions/s/resourcegroups/rg/providers/${namespace}/${path}`;
    };
    const missing = RESOURCE_TYPES.map((entry) => entry.type)
      .filter((type) => type !== 'microsoft.resources/subscriptions')
      .filter((type) => !watched.some((filter) => subjectOf(type).includes(filter)));
    expect(missing).toEqual([]);
  });
});

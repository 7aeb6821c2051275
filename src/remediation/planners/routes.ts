import { nameOf, regionKey } from '../../core/ids';
import { isObject } from '../../core/json';
import type { JsonValue } from '../../core/types';
import { apiVersionFor, names, propertiesOf, putBody, shellWord, writable } from '../arm';
import type { JsonBody, PlanOperation } from '../types';
import type { Planner } from './draft';
import { rowOf } from './draft';

/**
 * Forced tunneling: route the regional BatchNodeManagement and AzureMachineLearning tags straight
 * to the Internet, one route per tag named by the tag itself (Azure accepts a service tag as a
 * route's address prefix). The forced-tunnel route and every other route stay as they are.
 */
export const forcedTunnelPlanner: Planner = {
  ruleIds: ['route.forced-tunnel-batch'],
  plan(finding, { estate, serviceTags }) {
    const tableId = finding.evidence.routeTableId;
    const missing = Array.isArray(finding.evidence.notRoutedToInternet) ? finding.evidence.notRoutedToInternet : [];
    if (typeof tableId !== 'string' || missing.length === 0) return [];
    const tableRow = rowOf(estate, tableId);
    if (tableRow === undefined) return [];
    const apiVersion = apiVersionFor(tableId);
    const routesBefore = writable(propertiesOf(tableRow).routes ?? []);
    const routesAfter: JsonValue[] = Array.isArray(routesBefore) ? [...routesBefore] : [];
    const taken = new Set(routesAfter.flatMap((route) => (isObject(route) && typeof route.name === 'string' ? [route.name.toLowerCase()] : [])));
    const operations: PlanOperation[] = [];
    const az: string[] = [];
    const added: string[] = [];
    for (const item of missing) {
      if (!isObject(item) || typeof item.tag !== 'string' || typeof item.region !== 'string') continue;
      const wanted = regionKey(item.region);
      const prefix = `${item.tag.toLowerCase()}.`;
      const tag = serviceTags?.find((entry) => entry.name.toLowerCase().startsWith(prefix) && regionKey(entry.properties.region ?? '') === wanted)?.name;
      // Without the regional tag's name the route would have to name every region: not narrow, not planned.
      if (tag === undefined) return [];
      let name = `aml-auditor-${tag}`.replace(/[^\w.-]/g, '-');
      for (let n = 2; taken.has(name.toLowerCase()); n++) name = `aml-auditor-${tag}-${n}`.replace(/[^\w.-]/g, '-');
      taken.add(name.toLowerCase());
      const properties: JsonBody = { addressPrefix: tag, nextHopType: 'Internet' };
      const id = `${tableId}/routes/${name}`;
      operations.push({
        method: 'PUT',
        id,
        apiVersion: apiVersionFor(id),
        body: { properties },
        precondition: { readId: tableId, apiVersion, values: { 'properties.routes': JSON.parse(JSON.stringify(routesAfter)) as JsonValue } },
        description: `add route '${name}' (${tag} → Internet) to route table '${nameOf(tableId)}'`,
      });
      routesAfter.push({ name, properties });
      added.push(`'${name}' (${tag} → Internet)`);
      az.push(`az network route-table route create --resource-group ${shellWord(names(tableId).group)} --route-table-name ${shellWord(nameOf(tableId))} --name ${shellWord(name)} --address-prefix ${shellWord(tag)} --next-hop-type Internet`);
    }
    if (operations.length === 0) return [];
    return [
      {
        mode: 'auto',
        summary: `Route ${added.join(' and ')} in route table '${nameOf(tableId)}' of subnet '${nameOf(finding.resourceId)}'.`,
        risk: `Widens: traffic from every subnet using '${nameOf(tableId)}' to these Microsoft service prefixes leaves directly to the Internet instead of through the forced-tunnel next hop (it is no longer inspected there); all other traffic keeps its route.`,
        operations,
        az,
        rollback: [
          {
            method: 'PUT',
            id: tableId,
            apiVersion,
            body: putBody(tableRow, { ...propertiesOf(tableRow), routes: routesBefore }),
            precondition: { readId: tableId, apiVersion, values: { 'properties.routes': routesAfter } },
            description: `restore the routes of '${nameOf(tableId)}' as they were (removes the added routes)`,
          },
        ],
      },
    ];
  },
};

import { isObject } from '../../core/json';
import type { JsonValue } from '../../core/types';
import type { Estate } from '../../estate';
import { apiVersionFor, etagOf, names, propertiesOf, shellWord, writable } from '../arm';
import type { JsonBody, PlanOperation } from '../types';
import { rowOf } from './draft';

/**
 * Writes of one subnet. A subnet PUT replaces the whole subnet (its NSG, route table, delegations
 * and prefixes included), so the body carries every writable property as read, the precondition
 * is the whole of them, and the ETag guards the write where the row has one.
 */

export interface SubnetWrite {
  readonly operation: PlanOperation;
  readonly rollback: PlanOperation;
  readonly az: string;
}

/** A PUT of the subnet with `change` applied to its writable properties; undefined when the subnet is not in the estate. */
export function subnetPut(estate: Estate, subnetId: string, change: (properties: JsonBody) => JsonBody, description: string, az: string): SubnetWrite | undefined {
  const row = rowOf(estate, subnetId);
  if (row === undefined) return undefined;
  const before = writable(propertiesOf(row)) as JsonBody;
  const after = change(JSON.parse(JSON.stringify(before)) as JsonBody);
  const apiVersion = apiVersionFor(subnetId);
  const etag = etagOf(row);
  return {
    operation: {
      method: 'PUT',
      id: subnetId,
      apiVersion,
      body: { properties: after },
      ...(etag !== undefined ? { ifMatch: etag } : {}),
      precondition: { readId: subnetId, apiVersion, values: { properties: before } },
      description,
    },
    rollback: {
      method: 'PUT',
      id: subnetId,
      apiVersion,
      body: { properties: before },
      precondition: { readId: subnetId, apiVersion, values: { properties: after } },
      description: `restore subnet '${names(subnetId).name}' as it was`,
    },
    az,
  };
}

/** The service names of a subnet's serviceEndpoints, as written. */
export function serviceEndpointsOf(properties: JsonBody): string[] {
  const list = Array.isArray(properties.serviceEndpoints) ? properties.serviceEndpoints : [];
  return list.flatMap((entry: JsonValue) => (isObject(entry) && typeof entry.service === 'string' ? [entry.service] : []));
}

/** Adds a service endpoint to a subnet (its other endpoints kept). */
export function addServiceEndpoint(estate: Estate, subnetId: string, service: string): SubnetWrite | undefined {
  const { group, parent, name } = names(subnetId);
  const existing = serviceEndpointsOf(propertiesOf(rowOf(estate, subnetId)));
  const az = `az network vnet subnet update --resource-group ${shellWord(group)} --vnet-name ${shellWord(parent)} --name ${shellWord(name)} --service-endpoints ${[...existing, service].map(shellWord).join(' ')}`;
  return subnetPut(
    estate,
    subnetId,
    (properties) => ({ ...properties, serviceEndpoints: [...(Array.isArray(properties.serviceEndpoints) ? properties.serviceEndpoints : []), { service }] }),
    `add the ${service} service endpoint to subnet '${parent}/${name}'`,
    az,
  );
}

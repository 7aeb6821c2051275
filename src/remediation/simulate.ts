import { idKey, nameOf, parentId, resourceGroupOf, subscriptionOf, typeFromId } from '../core/ids';
import { isObject } from '../core/json';
import type { JsonValue } from '../core/types';
import type { ResourceRow } from '../inventory/types';
import type { JsonBody, PlanOperation } from './types';

/**
 * ARM writes played on inventory rows, so a plan can be proven before anyone applies it: PUT
 * replaces a resource's writable parts, PATCH merges objects and replaces arrays (the ARM
 * conventions docs/interfaces.md states). A child written by its own ID (a security rule, a
 * route, a subnet) lands in its parent's collection, and in its own row where the inventory
 * keeps one (Resource Graph lists subnets inside their VNet; snapshots may also hold them apart).
 */

/** Child type → the parent's property that holds its collection. */
const CHILD_COLLECTIONS: Readonly<Record<string, string>> = {
  'microsoft.network/networksecuritygroups/securityrules': 'securityRules',
  'microsoft.network/routetables/routes': 'routes',
  'microsoft.network/virtualnetworks/subnets': 'subnets',
};

/** The parent's collection a child ID belongs to, or undefined for a top-level write. */
export function childCollectionOf(id: string): { readonly parentId: string; readonly property: string } | undefined {
  const type = typeFromId(id);
  const property = type !== undefined ? CHILD_COLLECTIONS[type] : undefined;
  const parent = parentId(id);
  return property !== undefined && parent !== undefined ? { parentId: parent, property } : undefined;
}

/** PATCH semantics: objects merge key by key, anything else (arrays included) replaces. */
export function mergePatch(target: unknown, patch: JsonValue): JsonValue {
  if (!isObject(patch) || Array.isArray(patch)) return patch;
  const base: { [key: string]: JsonValue } = isObject(target) && !Array.isArray(target) ? { ...(target as { [key: string]: JsonValue }) } : {};
  for (const [key, value] of Object.entries(patch)) base[key] = mergePatch(base[key], value);
  return base;
}

/** The rows after the operations, in order. Rows not written are the same objects. */
export function applyToRows(rows: readonly ResourceRow[], operations: readonly PlanOperation[]): ResourceRow[] {
  const result = [...rows];
  const index = new Map<string, number>();
  result.forEach((row, position) => index.set(idKey(row.id), position));
  const put = (row: ResourceRow): void => {
    const at = index.get(idKey(row.id));
    if (at === undefined) {
      index.set(idKey(row.id), result.length);
      result.push(row);
    } else result[at] = row;
  };
  for (const operation of operations) {
    const child = childCollectionOf(operation.id);
    if (child !== undefined) {
      const parentAt = index.get(idKey(child.parentId));
      if (parentAt !== undefined) put(writeChild(result[parentAt] as ResourceRow, child.property, operation));
      const ownAt = index.get(idKey(operation.id));
      if (ownAt !== undefined) put(writeResource(result[ownAt] as ResourceRow, operation));
      continue;
    }
    const at = index.get(idKey(operation.id));
    put(writeResource(at !== undefined ? (result[at] as ResourceRow) : newRow(operation.id), operation));
  }
  return result;
}

function newRow(id: string): ResourceRow {
  return { id, name: nameOf(id), type: typeFromId(id) ?? '', subscriptionId: subscriptionOf(id), resourceGroup: resourceGroupOf(id), properties: {} };
}

function writeResource(row: ResourceRow, operation: PlanOperation): ResourceRow {
  if (operation.method === 'PATCH') return { ...row, ...(mergePatch(row, operation.body) as object), id: row.id };
  // PUT replaces what the caller may write; identity columns stay.
  const { properties, ...top } = operation.body;
  return { ...row, ...top, id: row.id, properties: properties ?? {} };
}

function writeChild(parent: ResourceRow, property: string, operation: PlanOperation): ResourceRow {
  const properties = isObject(parent.properties) ? (parent.properties as { [key: string]: JsonValue }) : {};
  const current = Array.isArray(properties[property]) ? (properties[property]) : [];
  const name = nameOf(operation.id);
  const position = current.findIndex((entry) => isObject(entry) && typeof (entry).name === 'string' && ((entry).name).toLowerCase() === name.toLowerCase());
  const existing = position >= 0 ? (current[position] as JsonBody) : { name, id: operation.id };
  const written: JsonValue = operation.method === 'PATCH' ? mergePatch(existing, operation.body) : { ...existing, ...operation.body, name: existing.name ?? name };
  const collection = [...current];
  if (position >= 0) collection[position] = written;
  else collection.push(written);
  return { ...parent, properties: { ...properties, [property]: collection } };
}

import { nameOf, resourceGroupOf, subscriptionOf, typeFromId } from '../core/ids';
import { isObject, pick } from '../core/json';
import type { JsonValue } from '../core/types';
import { resourceTypeEntry } from '../inventory/resource-types';
import type { JsonBody } from './types';

/** What writing ARM bodies needs: API versions, ETags, writable parts, and az CLI quoting. */

/** API versions of the types a plan writes that the inventory does not read. */
const WRITE_ONLY_VERSIONS: Readonly<Record<string, string>> = {
  'microsoft.network/networksecuritygroups/securityrules': '2024-05-01',
  'microsoft.network/routetables/routes': '2024-05-01',
};

export function apiVersionFor(id: string): string {
  const type = typeFromId(id) ?? '';
  return WRITE_ONLY_VERSIONS[type] ?? resourceTypeEntry(type)?.apiVersion ?? '2024-05-01';
}

/** The ETag a row carries (ARM reads and snapshots taken from them have one; Resource Graph rows usually do not). */
export function etagOf(row: unknown): string | undefined {
  const etag = pick(row, 'etag');
  return typeof etag === 'string' && etag !== '' ? etag : undefined;
}

/** Properties ARM computes and ignores (or refuses) on a write: never sent back. */
const READ_ONLY = new Set([
  'provisioningstate',
  'resourceguid',
  'etag',
  'ipconfigurations',
  'ipconfigurationprofiles',
  'privateendpoints',
  'serviceassociationlinks',
  'resourcenavigationlinks',
  'purpose',
  'networkinterfaces',
  'subnets',
  'defaultsecurityrules',
  'flowlogs',
  'type',
]);

/** A JSON copy without ARM's computed properties, at every depth. */
export function writable(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(writable);
  if (isObject(value)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, entry] of Object.entries(value)) {
      if (READ_ONLY.has(key.toLowerCase()) || entry === undefined) continue;
      out[key] = writable(entry);
    }
    return out;
  }
  return (value ?? null) as JsonValue;
}

/** A row's properties object as JSON (empty when absent or malformed). */
export function propertiesOf(row: unknown): JsonBody {
  const properties = pick(row, 'properties');
  return isObject(properties) && !Array.isArray(properties) ? (JSON.parse(JSON.stringify(properties)) as JsonBody) : {};
}

/** A body that PUTs a top-level resource back as it is, with `properties` replaced. */
export function putBody(row: unknown, properties: JsonBody): JsonBody {
  const body: JsonBody = {};
  const location = pick(row, 'location');
  if (typeof location === 'string') body.location = location;
  const tags = pick(row, 'tags');
  if (isObject(tags)) body.tags = writable(tags);
  body.properties = writable(properties);
  return body;
}

/** Names for az: resource group, parent, own name. */
export function names(id: string): { readonly group: string; readonly name: string; readonly parent: string; readonly subscription: string } {
  const parts = id.split('/');
  return {
    group: resourceGroupOf(id) === undefined ? '' : (parts[4] ?? ''),
    name: nameOf(id),
    parent: parts.length >= 11 ? (parts[parts.length - 3] ?? '') : '',
    subscription: subscriptionOf(id) ?? '',
  };
}

/** One shell word: safe to paste into bash whatever the name holds. */
export function shellWord(text: string): string {
  return /^[\w./:@,+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The value at a dotted path of a row (`properties.networkAcls`), null when absent. */
export function valueAt(row: unknown, path: string): JsonValue {
  const value = pick(row, path);
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

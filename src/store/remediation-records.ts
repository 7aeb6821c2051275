/**
 * The remediations table: every plan the app made and every write it applied, with who, when,
 * the touched properties before and after, the outcome and the rollback. Partitioned by
 * subscription; row keys sort newest first (inverted time), so a finding's history and the last
 * hour's applies are each one short, bounded query.
 */
import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { idKey, subscriptionOf } from '../core/ids';
import { asBoolean, asString } from '../core/json';
import type { JsonValue } from '../core/types';
import { StoreInputError } from './errors';
import { partitionKeyOfSubscription } from './keys';
import { MAX_PROPERTY_CHARS } from './record';
import type { RemediationFilter, RemediationInput, RemediationRecord } from './types';

/**
 * Larger JSON is split over numbered properties: one string holds 64 KiB, an entity 1 MiB, both
 * counted in UTF-16 (2 bytes a character). The plan gets 8 properties and the write reports 6:
 * 420,000 characters, 840 KB, leaving room for the rest.
 */
const PLAN_CHUNKS = 8;
const OPERATION_CHUNKS = 6;
const MAX_TIME = 9_999_999_999_999;

function chunks(name: string, value: JsonValue, maxChunks: number): Record<string, string> {
  let json = JSON.stringify(value);
  if (json.length > MAX_PROPERTY_CHARS * maxChunks) json = JSON.stringify({ truncated: true, preview: json.slice(0, MAX_PROPERTY_CHARS - 100) });
  const out: Record<string, string> = {};
  for (let index = 0; index * MAX_PROPERTY_CHARS < json.length || index === 0; index++) out[`${name}${index}`] = json.slice(index * MAX_PROPERTY_CHARS, (index + 1) * MAX_PROPERTY_CHARS);
  return out;
}

function unchunk(entity: Readonly<Record<string, unknown>>, name: string): JsonValue {
  let json = '';
  for (let index = 0; typeof entity[`${name}${index}`] === 'string'; index++) json += entity[`${name}${index}`] as string;
  try {
    return json === '' ? null : (JSON.parse(json) as JsonValue);
  } catch {
    return null;
  }
}

export function rowKeyFor(at: Date): string {
  return `${String(MAX_TIME - at.getTime()).padStart(13, '0')}-${randomUUID()}`;
}

export function toRemediationEntity(input: RemediationInput): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const subscriptionId = subscriptionOf(input.resourceId);
  if (subscriptionId === undefined) throw new StoreInputError(`recordRemediation: '${input.resourceId.slice(0, 120)}' is not an Azure resource ID`);
  if (Number.isNaN(input.at.getTime())) throw new StoreInputError('recordRemediation: at is not a valid date');
  return {
    partitionKey: partitionKeyOfSubscription(subscriptionId),
    rowKey: rowKeyFor(input.at),
    ruleId: input.ruleId,
    resourceId: input.resourceId.slice(0, MAX_PROPERTY_CHARS),
    resourceKey: idKey(input.resourceId).slice(0, MAX_PROPERTY_CHARS),
    at: input.at.toISOString(),
    mode: input.mode,
    outcome: input.outcome,
    identity: input.identity.slice(0, 1_000),
    detail: input.detail.slice(0, MAX_PROPERTY_CHARS),
    ...(input.verified !== undefined ? { verified: input.verified } : {}),
    ...chunks('plan', input.plan, PLAN_CHUNKS),
    ...chunks('operations', input.operations, OPERATION_CHUNKS),
  };
}

export function fromRemediationEntity(entity: Readonly<Record<string, unknown>>): RemediationRecord | undefined {
  const ruleId = asString(entity.ruleId);
  const resourceId = asString(entity.resourceId);
  const at = asString(entity.at);
  const rowKey = asString(entity.rowKey);
  if (ruleId === undefined || resourceId === undefined || at === undefined || rowKey === undefined) return undefined;
  const verified = asBoolean(entity.verified);
  return {
    id: rowKey,
    subscriptionId: subscriptionOf(resourceId) ?? '',
    ruleId,
    resourceId,
    at,
    mode: asString(entity.mode) === 'apply' ? 'apply' : 'plan',
    outcome: asString(entity.outcome) ?? 'unknown',
    identity: asString(entity.identity) ?? '',
    detail: asString(entity.detail) ?? '',
    ...(verified !== undefined ? { verified } : {}),
    plan: unchunk(entity, 'plan'),
    operations: unchunk(entity, 'operations'),
  };
}

/** Writes one record (a new row: records are never updated). */
export async function writeRemediation(table: TableClient, input: RemediationInput): Promise<RemediationRecord> {
  const entity = toRemediationEntity(input);
  await table.createEntity(entity);
  return fromRemediationEntity(entity) as RemediationRecord;
}

/** Newest first; by subscription (one partition) or across them, narrowed by rule, resource and time. */
export async function readRemediations(table: TableClient, filter: RemediationFilter): Promise<RemediationRecord[]> {
  const top = Math.max(1, Math.min(filter.top ?? 100, 1_000));
  const clauses: string[] = [];
  const subscriptionId = filter.subscriptionId ?? (filter.resourceId !== undefined ? subscriptionOf(filter.resourceId) : undefined);
  if (subscriptionId !== undefined) clauses.push(odata`PartitionKey eq ${partitionKeyOfSubscription(subscriptionId)}`);
  if (filter.ruleId !== undefined) clauses.push(odata`ruleId eq ${filter.ruleId}`);
  if (filter.resourceId !== undefined) clauses.push(odata`resourceKey eq ${idKey(filter.resourceId)}`);
  if (filter.since !== undefined) clauses.push(odata`RowKey lt ${`${String(MAX_TIME - filter.since.getTime()).padStart(13, '0')}.`}`);
  if (filter.mode !== undefined) clauses.push(odata`mode eq ${filter.mode}`);
  const records: RemediationRecord[] = [];
  const query = table.listEntities({ queryOptions: clauses.length > 0 ? { filter: clauses.join(' and ') } : {} });
  for await (const page of query.byPage({ maxPageSize: top })) {
    for (const entity of page) {
      const record = fromRemediationEntity(entity);
      if (record !== undefined) records.push(record);
    }
    // One partition comes back in row-key order (newest first): the first pages are the newest.
    if (subscriptionId !== undefined && records.length >= top) break;
  }
  return records.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, top);
}

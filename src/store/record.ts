/**
 * The stored form of a finding and its codec to and from Table entities. Entities are external
 * data: every property is read defensively, once, here.
 */
import { idKey, subscriptionOf } from '../core/ids';
import { asNumber, asString, isObject } from '../core/json';
import type { Evaluation, Evidence, FindingStatus, JsonValue, Severity } from '../core/types';
import { SEVERITIES } from '../core/types';
import { sha256Hex } from './keys';
import type { Lifecycle, Resolution } from './types';

/** A Table string property holds at most 64 KiB (32K UTF-16 units); Azurite answers 400 beyond. */
export const MAX_PROPERTY_CHARS = 30_000;
export const TRUNCATION_MARKER = '… [truncated]';

export interface FindingRecord {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly evidence: Evidence;
  readonly workspaceIds: readonly string[];
  readonly lifecycle: Lifecycle;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly resolvedAt: string | null;
  readonly resolution: Resolution | null;
  readonly occurrences: number;
  readonly evaluatedAt: string;
  readonly lastChangedAt: string;
  /** Hash of the content fields: equal hashes mean an unchanged finding (no write). */
  readonly contentHash: string;
}

/** What a Table entity of the findings table holds besides its keys. */
export type FindingEntityProperties = Readonly<Record<string, string | number>>;

export function contentHashOf(evaluation: Pick<Evaluation, 'status' | 'severity' | 'title' | 'message' | 'evidence' | 'workspaceIds'>): string {
  const workspaces = [...evaluation.workspaceIds].sort();
  return sha256Hex(
    JSON.stringify([evaluation.status, evaluation.severity, evaluation.title, evaluation.message, canonicalJson(evaluation.evidence), workspaces]),
  );
}

/** JSON with object keys sorted, so evidence built in another key order hashes the same. */
export function canonicalJson(value: JsonValue | Evidence): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value)[key] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function toEntityProperties(record: FindingRecord): FindingEntityProperties {
  const properties: Record<string, string | number> = {
    schema: 1,
    ruleId: clip(record.ruleId),
    resourceId: clip(record.resourceId),
    resourceKey: clip(idKey(record.resourceId)),
    subscriptionId: clip(subscriptionOf(record.resourceId) ?? ''),
    status: record.status,
    severity: record.severity,
    title: clip(record.title),
    message: clip(record.message),
    evidence: evidenceJson(record.evidence),
    workspaceIds: workspaceJson(record.workspaceIds),
    lifecycle: record.lifecycle,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    occurrences: record.occurrences,
    evaluatedAt: record.evaluatedAt,
    lastChangedAt: record.lastChangedAt,
    contentHash: record.contentHash,
  };
  // Absent rather than null: a Replace removes properties that are not sent.
  if (record.resolvedAt !== null) properties.resolvedAt = record.resolvedAt;
  if (record.resolution !== null) properties.resolution = record.resolution;
  return properties;
}

/** Undefined when the entity is not a finding this code can read (a foreign or corrupted row). */
export function fromEntity(entity: Readonly<Record<string, unknown>>): FindingRecord | undefined {
  const ruleId = asString(entity.ruleId);
  const resourceId = asString(entity.resourceId);
  const status = asString(entity.status);
  const severity = asString(entity.severity);
  const lifecycle = asString(entity.lifecycle);
  const firstSeen = asString(entity.firstSeen);
  const evaluatedAt = asString(entity.evaluatedAt);
  if (ruleId === undefined || resourceId === undefined || firstSeen === undefined || evaluatedAt === undefined) return undefined;
  if (status !== 'fail' && status !== 'unknown') return undefined;
  if (!SEVERITIES.includes(severity as Severity)) return undefined;
  if (lifecycle !== 'open' && lifecycle !== 'resolved') return undefined;
  const resolution = asString(entity.resolution);
  return {
    ruleId,
    resourceId,
    status,
    severity: severity as Severity,
    title: asString(entity.title) ?? '',
    message: asString(entity.message) ?? '',
    evidence: parseEvidence(asString(entity.evidence)),
    workspaceIds: parseStrings(asString(entity.workspaceIds)),
    lifecycle,
    firstSeen,
    lastSeen: asString(entity.lastSeen) ?? firstSeen,
    resolvedAt: asString(entity.resolvedAt) ?? null,
    resolution: resolution === 'pass' || resolution === 'not-applicable' || resolution === 'absent' ? resolution : null,
    occurrences: Math.max(1, Math.trunc(asNumber(entity.occurrences) ?? 1)),
    evaluatedAt,
    lastChangedAt: asString(entity.lastChangedAt) ?? evaluatedAt,
    contentHash: asString(entity.contentHash) ?? '',
  };
}

/** A string cut to fit one property, with a visible marker. */
export function clip(text: string): string {
  if (text.length <= MAX_PROPERTY_CHARS) return text;
  return text.slice(0, MAX_PROPERTY_CHARS - TRUNCATION_MARKER.length) + TRUNCATION_MARKER;
}

/**
 * Evidence as JSON. Oversized evidence (64 KiB property limit) becomes
 * `{ truncated: true, originalLength, preview }`: still an object, still valid JSON, and
 * visibly incomplete rather than silently cut.
 */
export function evidenceJson(evidence: Evidence): string {
  const json = JSON.stringify(evidence);
  if (json.length <= MAX_PROPERTY_CHARS) return json;
  let previewLength = MAX_PROPERTY_CHARS / 2;
  for (;;) {
    const marker = JSON.stringify({ truncated: true, originalLength: json.length, preview: json.slice(0, previewLength) });
    if (marker.length <= MAX_PROPERTY_CHARS) return marker;
    // Escaping can grow the preview up to sixfold (\u0000); halve until it fits.
    previewLength = Math.floor(previewLength / 2);
  }
}

function workspaceJson(ids: readonly string[]): string {
  const kept: string[] = [];
  let length = 2;
  for (const id of ids) {
    const size = JSON.stringify(id).length + 1;
    // Cut the list, never an ID: a partial ID would match the wrong workspace.
    if (length + size > MAX_PROPERTY_CHARS) break;
    kept.push(id);
    length += size;
  }
  return JSON.stringify(kept);
}

function parseEvidence(json: string | undefined): Evidence {
  if (json === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return isObject(parsed) ? (parsed as Evidence) : {};
  } catch {
    return {};
  }
}

function parseStrings(json: string | undefined): string[] {
  if (json === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

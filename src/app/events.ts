import { subscriptionOf, typeFromId } from '../core/ids';
import { isObject, pick } from '../core/json';
import type { JsonObject } from '../core/json';
import type { ResourceRow } from '../inventory/types';
import { READ_TYPES } from '../inventory/resource-types';

/**
 * Reading the events the resourceChanged function receives: Azure Resource Manager events of
 * a subscription system topic and Azure Resource Notifications (ARN), in the Event Grid schema
 * or as CloudEvents 1.0. External JSON is validated here, once; what passes is a ResourceChange.
 */

export const RESOURCE_WRITE_SUCCESS = 'Microsoft.Resources.ResourceWriteSuccess';
export const RESOURCE_DELETE_SUCCESS = 'Microsoft.Resources.ResourceDeleteSuccess';
export const RESOURCE_ACTION_SUCCESS = 'Microsoft.Resources.ResourceActionSuccess';
export const ARN_CREATED_OR_UPDATED = 'Microsoft.ResourceNotifications.Resources.CreatedOrUpdated';
export const ARN_DELETED = 'Microsoft.ResourceNotifications.Resources.Deleted';
export const SUBSCRIPTION_VALIDATION = 'Microsoft.EventGrid.SubscriptionValidationEvent';

export const HANDLED_EVENT_TYPES: readonly string[] = [RESOURCE_WRITE_SUCCESS, RESOURCE_DELETE_SUCCESS, RESOURCE_ACTION_SUCCESS, ARN_CREATED_OR_UPDATED, ARN_DELETED];

/**
 * What an event says about one resource:
 * - `upsert`: the event carries the resource's new state (ARN CreatedOrUpdated);
 * - `delete`: the resource is gone;
 * - `refresh`: the resource changed but the event has no state: read it by ID.
 */
export type ChangeKind = 'upsert' | 'delete' | 'refresh';

export interface ResourceChange {
  readonly eventId: string;
  readonly eventType: string;
  readonly schema: 'eventgrid' | 'cloudevents';
  readonly kind: ChangeKind;
  /** As written in the event. */
  readonly resourceId: string;
  /** Lowercased. */
  readonly subscriptionId: string;
  /** When the resource reached this state (ARN resourceEventTime, else the event time), ISO 8601. */
  readonly eventTime: string;
  /** The resource as a Resource Graph-shaped row, for `upsert`. */
  readonly row?: ResourceRow;
}

export type ParsedEvent =
  | { readonly outcome: 'change'; readonly change: ResourceChange }
  /** A well-formed event of a type this app does not judge (e.g. a validation event at the trigger). */
  | { readonly outcome: 'ignored'; readonly eventId: string; readonly eventType: string; readonly reason: string }
  | { readonly outcome: 'malformed'; readonly eventId: string | undefined; readonly reason: string };

/**
 * How far ahead of this clock an event may be dated. Further is a sender's clock gone wrong (or a
 * forged event): judged, it would make every later sweep and event look older and freeze findings.
 */
export const MAX_EVENT_CLOCK_SKEW_MS = 5 * 60_000;

/** Reads one event object (either schema). Never throws: a bad event is `malformed` with the reason. */
export function parseEvent(input: unknown, now: number = Date.now()): ParsedEvent {
  if (!isObject(input)) return { outcome: 'malformed', eventId: undefined, reason: 'the event is not a JSON object' };
  const isCloudEvent = typeof input.specversion === 'string';
  const eventId = nonEmpty(input.id);
  if (eventId === undefined) return { outcome: 'malformed', eventId: undefined, reason: "the event has no 'id'" };
  const eventType = nonEmpty(isCloudEvent ? input.type : input.eventType);
  if (eventType === undefined) return { outcome: 'malformed', eventId, reason: `the event has no '${isCloudEvent ? 'type' : 'eventType'}'` };
  if (isCloudEvent && input.specversion !== '1.0') return { outcome: 'malformed', eventId, reason: `unsupported CloudEvents specversion '${String(input.specversion)}' (expected 1.0)` };
  if (!HANDLED_EVENT_TYPES.some((type) => type.toLowerCase() === eventType.toLowerCase())) {
    return { outcome: 'ignored', eventId, eventType, reason: `event type '${eventType}' is not one this app judges` };
  }
  const timeText = nonEmpty(isCloudEvent ? input.time : input.eventTime);
  const time = timeText !== undefined ? Date.parse(timeText) : NaN;
  if (Number.isNaN(time)) return { outcome: 'malformed', eventId, reason: `the event has no valid '${isCloudEvent ? 'time' : 'eventTime'}' (${timeText ?? 'absent'})` };
  if (time > now + MAX_EVENT_CLOCK_SKEW_MS) return { outcome: 'malformed', eventId, reason: futureReason(timeText ?? '', now) };
  const data = input.data;
  if (!isObject(data)) return { outcome: 'malformed', eventId, reason: "the event has no 'data' object" };
  const subject = nonEmpty(input.subject);
  const schema = isCloudEvent ? 'cloudevents' : 'eventgrid';
  const type = HANDLED_EVENT_TYPES.find((known) => known.toLowerCase() === eventType.toLowerCase()) ?? eventType;
  const parsed =
    type === ARN_CREATED_OR_UPDATED || type === ARN_DELETED ? parseNotification(eventId, type, schema, subject, time, data) : parseResourceManagerEvent(eventId, type, schema, subject, time, data);
  // The notification's own resourceEventTime is bounded the same way.
  if (parsed.outcome === 'change' && Date.parse(parsed.change.eventTime) > now + MAX_EVENT_CLOCK_SKEW_MS) return { outcome: 'malformed', eventId, reason: futureReason(parsed.change.eventTime, now) };
  return parsed;
}

function futureReason(time: string, now: number): string {
  return `the event is dated ${time}, more than ${MAX_EVENT_CLOCK_SKEW_MS / 60_000} minutes after this clock (${new Date(now).toISOString()}); refused so that it cannot freeze findings`;
}

/**
 * Resource types whose changes can alter a verdict: what the estate reads, and the children judged
 * through their parent (read as the parent: resourceToReadFor). Role assignments count at any
 * scope: `…/virtualNetworks/v/providers/Microsoft.Authorization/roleAssignments/x` is one.
 */
const JUDGED_TYPES = new Set([
  ...READ_TYPES,
  'microsoft.network/networksecuritygroups/securityrules',
  'microsoft.network/routetables/routes',
  'microsoft.storage/storageaccounts/privateendpointconnections',
  'microsoft.keyvault/vaults/privateendpointconnections',
  'microsoft.containerregistry/registries/privateendpointconnections',
  'microsoft.machinelearningservices/workspaces/privateendpointconnections',
  'microsoft.containerservice/managedclusters/agentpools',
]);

/** Changes to other resource types (web apps, disks…) never change a finding: ignored before any read. */
function judgedType(resourceId: string): boolean {
  const type = typeFromId(resourceId);
  return type !== undefined && JUDGED_TYPES.has(type);
}

/** Subscription system topic events: the resource is named by `data.resourceUri` (or the subject); no state. */
function parseResourceManagerEvent(eventId: string, eventType: string, schema: ResourceChange['schema'], subject: string | undefined, time: number, data: JsonObject): ParsedEvent {
  const resourceId = nonEmpty(data.resourceUri) ?? subject;
  if (resourceId === undefined) return { outcome: 'malformed', eventId, reason: "the event names no resource (neither 'data.resourceUri' nor 'subject')" };
  const subscriptionId = subscriptionOf(resourceId) ?? nonEmpty(data.subscriptionId)?.toLowerCase();
  if (!isResourceId(resourceId) || subscriptionId === undefined) return { outcome: 'malformed', eventId, reason: `'${resourceId}' is not an Azure resource ID` };
  if (!judgedType(resourceId)) return { outcome: 'ignored', eventId, eventType, reason: `resource type '${typeFromId(resourceId) ?? 'unknown'}' is not one the rules judge` };
  const operationName = nonEmpty(data.operationName) ?? '';
  // listKeys, listCredentials and the like are reads that ARM reports as actions: nothing changed.
  if (eventType === RESOURCE_ACTION_SUCCESS && /\/list[^/]*\/action$/i.test(operationName)) {
    return { outcome: 'ignored', eventId, eventType, reason: `action '${operationName}' changes nothing` };
  }
  const kind: ChangeKind = eventType === RESOURCE_DELETE_SUCCESS ? 'delete' : 'refresh';
  return { outcome: 'change', change: { eventId, eventType, schema, kind, resourceId, subscriptionId, eventTime: new Date(time).toISOString() } };
}

/**
 * ARN events carry the resource itself in `data.resourceInfo` (the SDK's typed interface calls it
 * `resourceDetails`, but the wire JSON says `resourceInfo`), and the time the
 * resource reached that state in `data.operationalInfo.resourceEventTime`.
 */
function parseNotification(eventId: string, eventType: string, schema: ResourceChange['schema'], subject: string | undefined, time: number, data: JsonObject): ParsedEvent {
  const info = data.resourceInfo ?? data.resourceDetails;
  if (!isObject(info)) return { outcome: 'malformed', eventId, reason: "the notification has no 'data.resourceInfo' object" };
  const resourceId = nonEmpty(info.id) ?? subject;
  if (resourceId === undefined) return { outcome: 'malformed', eventId, reason: "the notification has no 'data.resourceInfo.id'" };
  const subscriptionId = subscriptionOf(resourceId);
  if (!isResourceId(resourceId) || subscriptionId === undefined) return { outcome: 'malformed', eventId, reason: `'${resourceId}' is not an Azure resource ID` };
  if (subject !== undefined && isResourceId(subject) && subject.toLowerCase() !== resourceId.toLowerCase()) {
    return { outcome: 'malformed', eventId, reason: `the subject '${subject}' and 'data.resourceInfo.id' '${resourceId}' name different resources` };
  }
  if (!judgedType(resourceId)) return { outcome: 'ignored', eventId, eventType, reason: `resource type '${typeFromId(resourceId) ?? 'unknown'}' is not one the rules judge` };
  const operational = data.operationalInfo ?? data.operationalDetails;
  const resourceTimeText = nonEmpty(pick(operational, 'resourceEventTime'));
  const resourceTime = resourceTimeText !== undefined ? Date.parse(resourceTimeText) : NaN;
  const eventTime = new Date(Number.isNaN(resourceTime) ? time : resourceTime).toISOString();
  if (eventType === ARN_DELETED) {
    return { outcome: 'change', change: { eventId, eventType, schema, kind: 'delete', resourceId, subscriptionId, eventTime } };
  }
  if (info.properties !== undefined && !isObject(info.properties)) {
    return { outcome: 'malformed', eventId, reason: "'data.resourceInfo.properties' is not an object" };
  }
  const row: ResourceRow = {
    ...info,
    id: resourceId,
    subscriptionId,
    ...(nonEmpty(info.type) !== undefined ? { type: (info.type as string).toLowerCase() } : {}),
    ...(resourceGroupOfId(resourceId) !== undefined ? { resourceGroup: resourceGroupOfId(resourceId) } : {}),
  };
  return { outcome: 'change', change: { eventId, eventType, schema, kind: 'upsert', resourceId, subscriptionId, eventTime, row } };
}

/** An Event Grid delivery body: one event or an array of them, in either schema. */
export function eventsOfBody(body: unknown): unknown[] {
  return Array.isArray(body) ? body : [body];
}

/** The validation handshake event of an Event Grid webhook subscription, if this body is one. */
export function validationCodeOf(body: unknown): string | undefined {
  for (const event of eventsOfBody(body)) {
    if (isObject(event) && typeof event.eventType === 'string' && event.eventType.toLowerCase() === SUBSCRIPTION_VALIDATION.toLowerCase()) {
      return nonEmpty(pick(event.data, 'validationCode'));
    }
  }
  return undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isResourceId(id: string): boolean {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(id) || /^\/subscriptions\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(id);
}

function resourceGroupOfId(id: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(id)?.[1];
}

/**
 * Live inventory: the estate read from Azure through Resource Graph, ARM and the
 * Network service-tags API, as an Inventory whose rows look exactly like snapshot rows.
 */
export { readLiveInventory, readResourcesByIds, readRowCounts, listReadableSubscriptions, armResourceClient, LiveSignInError, LiveUsageError, UNSEEN_SUBSCRIPTION } from './inventory';
export { PreconditionFailedError } from './arm-write';
export type { ArmRead, ArmResourceClient, ArmWrite } from './arm-write';
export type { ReadFailure } from './arm-read';
export type { LiveInventoryOptions, LiveReadOptions, LiveProgress, LivePhase, ResourcesByIdResult } from './inventory';
export { resolveCredential, staticTokenCredential } from './credential';
export { cloudSettings, cloudFromName, isCloudName, CLOUD_NAMES, CLOUD_NAMES_ACCEPTED } from './clouds';
export type { CloudName, CloudSettings } from './clouds';
export type { RetrySettings, DelayEvent, DelayReason } from './throttle';
export { GRAPH_RESOURCE_TYPES, resourcesQuery, networkResourcesQuery, roleAssignmentsQuery, subscriptionsQuery, MAX_PAGE_SIZE, MAX_SUBSCRIPTIONS_PER_REQUEST } from './graph';
export { clearServiceTagCache } from './service-tags';

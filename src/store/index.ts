/**
 * The findings store: findings with a lifecycle, sweep records and suppressions over
 * Azure Table Storage. The only module that talks to Tables. See the README, "Findings that last".
 */
export { openFindingsStore, DEFAULT_TABLE_PREFIX } from './findings-store';
export { MAX_CLOCK_SKEW_MS } from './concurrency';
export { CHANGES_PER_TRANSACTION, NEW_FINDINGS_PER_TRANSACTION } from './partition-writer';
export { storedFindingOf, bySeverityThenRule } from './stored-finding';
export type { OpenStoreOptions } from './findings-store';
export { openStoreAt, resolveStoreLocation, TABLE_PREFIX_ENV } from './connection';
export type { OpenedStore, StoreLocation } from './connection';
export { renderFindingsCsv, renderFindingsJson, renderFindingsTable, renderSuppressionsTable } from './render';
export { PartitionMovedError, StoreError, StoreInputError, StoreUnavailableError } from './errors';
export { NOTICE_LAG_MS, noticesSince, resourcesToReadAgain } from './change-notices';
export { FilterError, parseFindingFilter } from './filter';
export type { FilterField, FindingFilterInput } from './filter';
export { decide } from './lifecycle';
export type { Decision, DecideOptions } from './lifecycle';
export { ANY_RULE, matchSuppression, normalizeScope, scopeCovers } from './suppression';
export { partitionKeyOfResource, partitionKeyOfSubscription, rowKeyOf, tableNames } from './keys';
export { MAX_PROPERTY_CHARS } from './record';
export { FINDING_STATES } from './types';
export type {
  ChangeKind,
  ChangeNotice,
  NoticedRow,
  NoticedState,
  EvaluationScope,
  FindingChange,
  FindingFilter,
  FindingPage,
  FindingsStore,
  FindingState,
  Lifecycle,
  PartitionMarker,
  PartitionSync,
  RecordEvaluationsInput,
  RecordEvaluationsResult,
  PruneResult,
  RemediationFilter,
  RemediationInput,
  RemediationRecord,
  RepairResult,
  Resolution,
  StoredFinding,
  Suppression,
  SuppressionInfo,
  SuppressionInput,
  SweepFailureInput,
  SweepRecord,
} from './types';

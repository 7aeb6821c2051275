/**
 * App settings of the Function App and of `npm start`, validated once at start-up. Every problem
 * is collected so an operator fixes them in one pass instead of one deployment per typo.
 */
import { CLOUD_NAMES_ACCEPTED, cloudFromName } from '../live';
import { AUTO_REMEDIABLE } from '../remediation';
import { DEFAULT_STATE_CACHE_ROWS } from './subscription-state';
import { DEFAULT_PROFILE, isProfile, PROFILES } from '../engine/audit';
import type { Profile } from '../engine/audit';
import { DEFAULT_SWEEP_BATCH, MAX_SWEEP_BATCH } from './sweep-message';

export type InventorySetting = { readonly kind: 'resource-graph' } | { readonly kind: 'snapshot'; readonly path: string };

export type StorageSetting =
  | { readonly kind: 'account-url'; readonly url: string }
  | { readonly kind: 'connection-string'; readonly connectionString: string };

export type CloudSetting = 'AzurePublicCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export interface Settings {
  /** Lowercased subscription IDs; empty means every subscription the inventory can read. */
  readonly scopeSubscriptions: readonly string[];
  /** NCRONTAB (six fields, seconds first) of sweepScheduled. */
  readonly sweepSchedule: string;
  readonly storage: StorageSetting;
  readonly inventory: InventorySetting;
  /** Where finding changes are published as CloudEvents; undefined = not published. */
  readonly eventGridTopicEndpoint: string | undefined;
  /** Access key of that topic; undefined = the app's managed identity (EventGrid Data Sender). */
  readonly eventGridTopicKey: string | undefined;
  readonly queueName: string;
  /** What the app does about findings as they open: off (report only), plan (store a plan), apply (fix allowed ones). */
  readonly remediation: RemediationMode;
  /** Rules whose automatic plans apply mode may write (AML_AUDITOR_REMEDIATION_RULES; empty: none). */
  readonly remediationRules: readonly string[];
  readonly remediationMaxPerRun: number;
  readonly remediationMaxPerHour: number;
  /** Events of one subscription arriving within this window are re-judged as one batch. */
  readonly coalesceMs: number;
  readonly cloud: CloudSetting;
  /** ARM endpoint override (sovereign proxies, tests); undefined = the cloud's own. */
  readonly armEndpoint: string | undefined;
  /**
   * HTTP routes need a Microsoft Entra ID sign-in (App Service authentication in front, which passes
   * the caller as x-ms-client-principal): true in Azure (set by infra), false for `npm start`.
   */
  readonly requireSignIn: boolean;
  /** The app role a caller needs to run an audit (POST /api/audit). */
  readonly runRole: string;
  /** Resource rows of subscription states an instance keeps in memory (least recently used dropped first). */
  readonly stateCacheRows: number;
  /** Days resolved findings and sweep records are kept (the timer prunes older ones); 0 keeps them forever. */
  readonly retentionDays: number;
  /** Which rules sweeps and events run: documented (the 2020 catalogue, default) or current. */
  readonly profile: Profile;
  /** Subscriptions per sweep message, read together (AML_AUDITOR_SWEEP_BATCH). */
  readonly sweepBatch: number;
}

export type RemediationMode = 'off' | 'plan' | 'apply';
export const DEFAULT_REMEDIATION_MAX_PER_RUN = 5;
export const DEFAULT_REMEDIATION_MAX_PER_HOUR = 20;

/** Rules whose findings can get automatic plans (docs/remediation.md). */
const AUTO_REMEDIABLE_RULES: ReadonlySet<string> = new Set(AUTO_REMEDIABLE);

/** Every setting the app reads, with its default (documented in the README, "Settings"). */
export const SETTING_NAMES = [
  'AML_AUDITOR_SCOPE_SUBSCRIPTIONS',
  'AML_AUDITOR_SWEEP_SCHEDULE',
  'AML_AUDITOR_STORAGE_ACCOUNT_URL',
  'AML_AUDITOR_STORAGE_CONNECTION',
  'AML_AUDITOR_INVENTORY',
  'AML_AUDITOR_EVENTGRID_TOPIC_ENDPOINT',
  'AML_AUDITOR_EVENTGRID_TOPIC_KEY',
  'AML_AUDITOR_QUEUE_NAME',
  'AML_AUDITOR_REMEDIATION',
  'AML_AUDITOR_REMEDIATION_RULES',
  'AML_AUDITOR_REMEDIATION_MAX_PER_RUN',
  'AML_AUDITOR_REMEDIATION_MAX_PER_HOUR',
  'AML_AUDITOR_COALESCE_MS',
  'AML_AUDITOR_CLOUD',
  'AML_AUDITOR_ARM_ENDPOINT',
  'AML_AUDITOR_REQUIRE_SIGN_IN',
  'AML_AUDITOR_RUN_ROLE',
  'AML_AUDITOR_STATE_CACHE_ROWS',
  'AML_AUDITOR_RETENTION_DAYS',
  'AML_AUDITOR_PROFILE',
  'AML_AUDITOR_SWEEP_BATCH',
] as const;

export const DEFAULT_SWEEP_SCHEDULE = '0 0 */6 * * *';
export const DEFAULT_QUEUE_NAME = 'aml-auditor-sweeps';
export const DEFAULT_COALESCE_MS = 100;
export const DEFAULT_RUN_ROLE = 'Auditor.Run';
const MAX_COALESCE_MS = 10_000;
const MAX_STATE_CACHE_ROWS = 10_000_000;
export const DEFAULT_RETENTION_DAYS = 90;
const MAX_RETENTION_DAYS = 3650;

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid settings (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Environment = Readonly<Record<string, string | undefined>>;

/** Reads and validates the settings; throws one SettingsError naming every problem. */
export function loadSettings(env: Environment): Settings {
  const problems: string[] = [];
  const value = (name: (typeof SETTING_NAMES)[number]): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };

  const scopeSubscriptions: string[] = [];
  for (const entry of (value('AML_AUDITOR_SCOPE_SUBSCRIPTIONS') ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const id = entry.replace(/^\/subscriptions\//i, '');
    if (GUID.test(id)) scopeSubscriptions.push(id.toLowerCase());
    else problems.push(`AML_AUDITOR_SCOPE_SUBSCRIPTIONS: '${entry}' is not a subscription ID (a GUID); use a comma-separated list, or leave it empty for every subscription`);
  }

  const sweepSchedule = value('AML_AUDITOR_SWEEP_SCHEDULE') ?? DEFAULT_SWEEP_SCHEDULE;
  const scheduleProblem = ncrontabProblem(sweepSchedule);
  if (scheduleProblem !== undefined) problems.push(`AML_AUDITOR_SWEEP_SCHEDULE: '${sweepSchedule}' ${scheduleProblem}`);

  const accountUrl = value('AML_AUDITOR_STORAGE_ACCOUNT_URL');
  const connection = value('AML_AUDITOR_STORAGE_CONNECTION');
  let storage: StorageSetting | undefined;
  if (accountUrl !== undefined && connection !== undefined) {
    problems.push('AML_AUDITOR_STORAGE_ACCOUNT_URL and AML_AUDITOR_STORAGE_CONNECTION are both set; set exactly one (the URL uses the managed identity)');
  } else if (accountUrl !== undefined) {
    if (!isUrl(accountUrl, ['https:', 'http:'])) problems.push(`AML_AUDITOR_STORAGE_ACCOUNT_URL: '${accountUrl}' is not a URL (expected https://<account>.table.core.windows.net)`);
    else storage = { kind: 'account-url', url: accountUrl };
  } else if (connection !== undefined) {
    if (connection !== 'UseDevelopmentStorage=true' && !/(^|;)\s*(AccountName|TableEndpoint)\s*=/i.test(connection)) {
      problems.push('AML_AUDITOR_STORAGE_CONNECTION: not a storage connection string (expected AccountName=…;AccountKey=… or TableEndpoint=…, or UseDevelopmentStorage=true)');
    } else storage = { kind: 'connection-string', connectionString: connection };
  } else {
    problems.push('AML_AUDITOR_STORAGE_ACCOUNT_URL or AML_AUDITOR_STORAGE_CONNECTION is required (where the findings tables live)');
  }

  const inventoryRaw = value('AML_AUDITOR_INVENTORY') ?? 'resource-graph';
  let inventory: InventorySetting = { kind: 'resource-graph' };
  if (inventoryRaw.toLowerCase() === 'resource-graph') inventory = { kind: 'resource-graph' };
  else if (/^snapshot:/i.test(inventoryRaw) && inventoryRaw.slice('snapshot:'.length).trim() !== '') inventory = { kind: 'snapshot', path: inventoryRaw.slice('snapshot:'.length).trim() };
  else problems.push(`AML_AUDITOR_INVENTORY: '${inventoryRaw}' is neither 'resource-graph' nor 'snapshot:<path>'`);

  const eventGridTopicEndpoint = value('AML_AUDITOR_EVENTGRID_TOPIC_ENDPOINT');
  if (eventGridTopicEndpoint !== undefined && !isUrl(eventGridTopicEndpoint, ['https:'])) {
    problems.push(`AML_AUDITOR_EVENTGRID_TOPIC_ENDPOINT: '${eventGridTopicEndpoint}' is not an https:// URL (expected https://<topic>.<region>-1.eventgrid.azure.net/api/events)`);
  }
  const eventGridTopicKey = value('AML_AUDITOR_EVENTGRID_TOPIC_KEY');
  if (eventGridTopicKey !== undefined && eventGridTopicEndpoint === undefined) {
    problems.push('AML_AUDITOR_EVENTGRID_TOPIC_KEY is set but AML_AUDITOR_EVENTGRID_TOPIC_ENDPOINT is not');
  }

  const queueName = value('AML_AUDITOR_QUEUE_NAME') ?? DEFAULT_QUEUE_NAME;
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(queueName)) {
    problems.push(`AML_AUDITOR_QUEUE_NAME: '${queueName}' is not a valid queue name (3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit)`);
  }

  // Replaced, so not among SETTING_NAMES: read only to refuse it.
  if ((env.AML_AUDITOR_AUTO_REMEDIATION?.trim() ?? '') !== '') {
    problems.push('AML_AUDITOR_AUTO_REMEDIATION: replaced by AML_AUDITOR_REMEDIATION (off, plan or apply); remove it and set AML_AUDITOR_REMEDIATION instead');
  }
  const remediationRaw = (value('AML_AUDITOR_REMEDIATION') ?? 'off').toLowerCase();
  let remediation: RemediationMode = 'off';
  if (remediationRaw === 'off' || remediationRaw === 'plan' || remediationRaw === 'apply') remediation = remediationRaw;
  else problems.push(`AML_AUDITOR_REMEDIATION: '${remediationRaw}' is not off, plan or apply`);
  const remediationRules = (value('AML_AUDITOR_REMEDIATION_RULES') ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
  const unplannable = remediationRules.filter((id) => !AUTO_REMEDIABLE_RULES.has(id));
  if (unplannable.length > 0) problems.push(`AML_AUDITOR_REMEDIATION_RULES: ${unplannable.join(', ')} cannot be remediated automatically (choose from ${[...AUTO_REMEDIABLE_RULES].sort().join(', ')})`);
  const whole = (name: 'AML_AUDITOR_REMEDIATION_MAX_PER_RUN' | 'AML_AUDITOR_REMEDIATION_MAX_PER_HOUR', fallback: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    // The hourly cap is counted from the remediations table, read at most 1,000 records at a time.
    if (!/^\d{1,4}$/.test(raw) || Number(raw) > 1_000) {
      problems.push(`${name}: '${raw}' is not a whole number from 0 to 1000`);
      return fallback;
    }
    return Number(raw);
  };
  const remediationMaxPerRun = whole('AML_AUDITOR_REMEDIATION_MAX_PER_RUN', DEFAULT_REMEDIATION_MAX_PER_RUN);
  const remediationMaxPerHour = whole('AML_AUDITOR_REMEDIATION_MAX_PER_HOUR', DEFAULT_REMEDIATION_MAX_PER_HOUR);

  const coalesceRaw = value('AML_AUDITOR_COALESCE_MS');
  let coalesceMs = DEFAULT_COALESCE_MS;
  if (coalesceRaw !== undefined) {
    const parsed = Number(coalesceRaw);
    if (!/^\d+$/.test(coalesceRaw) || parsed > MAX_COALESCE_MS) problems.push(`AML_AUDITOR_COALESCE_MS: '${coalesceRaw}' is not a whole number of milliseconds from 0 to ${MAX_COALESCE_MS}`);
    else coalesceMs = parsed;
  }

  const cacheRaw = value('AML_AUDITOR_STATE_CACHE_ROWS');
  let stateCacheRows = DEFAULT_STATE_CACHE_ROWS;
  if (cacheRaw !== undefined) {
    const parsed = Number(cacheRaw);
    if (!/^\d+$/.test(cacheRaw) || parsed < 1 || parsed > MAX_STATE_CACHE_ROWS) problems.push(`AML_AUDITOR_STATE_CACHE_ROWS: '${cacheRaw}' is not a whole number of rows from 1 to ${MAX_STATE_CACHE_ROWS}`);
    else stateCacheRows = parsed;
  }

  const retentionRaw = value('AML_AUDITOR_RETENTION_DAYS');
  let retentionDays = DEFAULT_RETENTION_DAYS;
  if (retentionRaw !== undefined) {
    const parsed = Number(retentionRaw);
    if (!/^\d+$/.test(retentionRaw) || parsed > MAX_RETENTION_DAYS) problems.push(`AML_AUDITOR_RETENTION_DAYS: '${retentionRaw}' is not a whole number of days from 0 (keep forever) to ${MAX_RETENTION_DAYS}`);
    else retentionDays = parsed;
  }

  const cloudRaw = value('AML_AUDITOR_CLOUD') ?? 'AzurePublicCloud';
  const cloud = cloudFromName(cloudRaw);
  if (cloud === undefined) problems.push(`AML_AUDITOR_CLOUD: '${cloudRaw}' is not one of ${CLOUD_NAMES_ACCEPTED}`);

  const armEndpoint = value('AML_AUDITOR_ARM_ENDPOINT');
  if (armEndpoint !== undefined && !isUrl(armEndpoint, ['https:'])) problems.push(`AML_AUDITOR_ARM_ENDPOINT: '${armEndpoint}' is not an https:// URL`);

  const signInRaw = (value('AML_AUDITOR_REQUIRE_SIGN_IN') ?? 'false').toLowerCase();
  if (signInRaw !== 'true' && signInRaw !== 'false') problems.push(`AML_AUDITOR_REQUIRE_SIGN_IN: '${signInRaw}' is not true or false`);
  const runRole = value('AML_AUDITOR_RUN_ROLE') ?? DEFAULT_RUN_ROLE;
  if (!/^[A-Za-z][A-Za-z0-9._-]{0,119}$/.test(runRole)) problems.push(`AML_AUDITOR_RUN_ROLE: '${runRole}' is not an app role value (letters, digits, '.', '_', '-')`);

  const profileRaw = (value('AML_AUDITOR_PROFILE') ?? DEFAULT_PROFILE).toLowerCase();
  if (!isProfile(profileRaw)) problems.push(`AML_AUDITOR_PROFILE: '${profileRaw}' is not one of ${PROFILES.join(', ')}`);

  const batchRaw = value('AML_AUDITOR_SWEEP_BATCH');
  let sweepBatch = DEFAULT_SWEEP_BATCH;
  if (batchRaw !== undefined) {
    const parsed = Number(batchRaw);
    if (!/^\d+$/.test(batchRaw) || parsed < 1 || parsed > MAX_SWEEP_BATCH) problems.push(`AML_AUDITOR_SWEEP_BATCH: '${batchRaw}' is not a whole number of subscriptions from 1 to ${MAX_SWEEP_BATCH} (Resource Graph reads at most ${MAX_SWEEP_BATCH} per request)`);
    else sweepBatch = parsed;
  }

  if (problems.length > 0 || storage === undefined) throw new SettingsError(problems);
  return {
    scopeSubscriptions,
    sweepSchedule,
    storage,
    inventory,
    eventGridTopicEndpoint,
    eventGridTopicKey,
    queueName,
    remediation,
    remediationRules,
    remediationMaxPerRun,
    remediationMaxPerHour,
    coalesceMs,
    cloud: cloud ?? 'AzurePublicCloud',
    armEndpoint,
    requireSignIn: signInRaw === 'true',
    runRole,
    stateCacheRows,
    retentionDays,
    profile: isProfile(profileRaw) ? profileRaw : DEFAULT_PROFILE,
    sweepBatch,
  };
}

/** True when the subscription is in scope (an empty scope admits every subscription). */
export function inScope(settings: Pick<Settings, 'scopeSubscriptions'>, subscriptionId: string): boolean {
  return settings.scopeSubscriptions.length === 0 || settings.scopeSubscriptions.includes(subscriptionId.toLowerCase());
}

function isUrl(text: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

const NCRONTAB_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const NCRONTAB_NAMED = /^[A-Za-z0-9*,\-/]+$/;

/**
 * The Functions timer accepts six-field NCRONTAB ({second} {minute} {hour} {day} {month}
 * {day-of-week}) or a TimeSpan like 01:00:00 (App Service plans only); a five-field Unix cron is
 * the usual mistake, so it gets its own message.
 */
function ncrontabProblem(schedule: string): string | undefined {
  if (/^\d{1,2}:\d{2}:\d{2}$/.test(schedule)) return undefined;
  const fields = schedule.split(/\s+/);
  if (fields.length === 5) return 'has five fields; the Functions timer needs six (seconds first), e.g. 0 0 */6 * * *';
  if (fields.length !== 6) return `has ${fields.length} fields; expected six NCRONTAB fields ({second} {minute} {hour} {day} {month} {day-of-week})`;
  const [second, minute, hour] = fields;
  for (const [field, max, name] of [[second, 59, 'second'], [minute, 59, 'minute'], [hour, 23, 'hour']] as const) {
    if (field === undefined || !NCRONTAB_FIELD.test(field)) return `has an invalid ${name} field '${field ?? ''}'`;
    const numbers = field.split(/[,\-/]/).filter((part) => /^\d+$/.test(part)).map(Number);
    if (numbers.some((number) => number > max && !field.includes(`/${number}`))) return `has a ${name} out of range in '${field}'`;
  }
  for (const field of fields.slice(3)) {
    if (!NCRONTAB_NAMED.test(field)) return `has an invalid field '${field}'`;
  }
  return undefined;
}

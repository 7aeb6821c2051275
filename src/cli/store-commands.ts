/**
 * The store's CLI: `audit … --store [CONNECTION]`, `findings list`, `suppress add|list|remove`.
 * Wired into the dispatcher at src/cli/commands.ts (auditHooks, commands). Every failure a user
 * can fix prints one line and exits 2; nothing here prints a stack trace.
 */
import type { AuditHook, LoadedInventory } from './audit-command';
import type { OptionsConfig, ParsedValues } from './args';
import { flagOption, parseOptions, stringListOption, stringOption } from './args';
import type { CliCommand, CliIo } from './io';
import { CliError, EXIT, UsageError } from './io';
import { subscriptionOf } from '../core/ids';
import type { AuditReport } from '../engine/audit';
import { ReadAgainError, withResourcesReadAgain } from '../inventory/read-again';
import { ruleById } from '../rules/registry';
import type * as Store from '../store';
import type { ChangeNotice, FilterField, FindingFilter, OpenedStore, RecordEvaluationsResult } from '../store';

/** src/store and the Tables SDK take ~0.3 s to load: only a command that opens the store loads them. */
function loadStore(): Promise<typeof Store> {
  return import('../store');
}

const PROGRAM = 'aml-vnet-audit';
const LIST_FORMATS = ['table', 'json', 'csv'] as const;
type ListFormat = (typeof LIST_FORMATS)[number];

const STORE_HELP = [
  '  --store      where findings are kept: a connection string, an https:// table account URL',
  '               (DefaultAzureCredential), or "azurite"; default: $AML_AUDITOR_STORAGE_CONNECTION,',
  '               else an embedded Azurite with its data under ./.azurite/',
].join('\n');

export const FINDINGS_HELP = [
  `Usage: ${PROGRAM} findings list [--state open|resolved|suppressed] [--severity info|low|medium|high]`,
  '                              [--rule ID] [--subscription ID] [--workspace ID] [--resource ID]',
  '                              [--format table|json|csv] [--top N] [--continuation TOKEN] [--order changed|key]',
  '                              [--store CONNECTION]',
  `       ${PROGRAM} findings repair [--dry-run] [--store CONNECTION]`,
  `       ${PROGRAM} findings prune [--older-than Nd] [--dry-run] [--store CONNECTION]`,
  '',
  'list: stored findings, most recently changed first.',
  'repair: brings back to now any time more than 5 minutes in the future that an older version let an',
  '  event write (a partition claimed by a future time, findings "evaluated" in the future), which would',
  '  otherwise make every later sweep and event look older; --dry-run only counts.',
  'prune: deletes findings resolved, and sweep records of sweeps started, more than N days ago',
  '  (--older-than, default 90d; the Functions app does it with each scheduled sweep, see',
  '  AML_AUDITOR_RETENTION_DAYS); open and suppressed findings are never deleted; --dry-run only counts.',
  '',
  '  --state        open, resolved, suppressed or all      --severity  info, low, medium or high',
  '  --rule         a rule ID                             --subscription, --workspace, --resource  an ID',
  '  --top          at most N findings (default 100, at most 1000); a continuation token for the',
  '                 next page is printed on stderr (json: in the document)',
  '  --order        changed (default): most recently changed first; key: by subscription, rule and',
  '                 resource, each page read on its own (fast through a large store, to export it all)',
  STORE_HELP,
  '',
  'Exit status: 0 done; 2 bad usage (an unknown state, severity or rule, an ID of the wrong shape) or an',
  'unreachable store, with one line saying which.',
].join('\n');

export const SUPPRESS_HELP = [
  `Usage: ${PROGRAM} suppress add --rule ID|* --scope RESOURCE|RESOURCE-GROUP|SUBSCRIPTION --reason TEXT`,
  '                             --expires DATE|Nd [--by WHO] [--store CONNECTION]',
  `       ${PROGRAM} suppress list [--all] [--format table|json] [--store CONNECTION]`,
  `       ${PROGRAM} suppress remove ID [--store CONNECTION]`,
  '',
  'Accepts a risk knowingly: matching open findings show as suppressed until the suppression',
  'expires, then they are open again by themselves.',
  '',
  '  --scope    a resource ID (covers it and its children), /subscriptions/S/resourceGroups/RG, or a subscription',
  '  --expires  an ISO date (2027-03-31) or a number of days (90d); required',
  '  --by       who accepts the risk (default: $USER)',
  '  --all      include expired suppressions',
  STORE_HELP,
  '',
  'Exit status: 0 done (remove: also when there was no such suppression, said on stderr); 2 bad usage',
  '(an unknown rule, a scope that could never match a resource, a past expiry) or an unreachable store.',
].join('\n');

/** `--store` takes an optional value; parseArgs cannot, so a bare `--store` becomes `--store=`. */
export function expandBareStoreFlag(argv: readonly string[]): string[] {
  return argv.map((arg, index) => {
    if (arg !== '--store') return arg;
    const next = argv[index + 1];
    return next === undefined || next.startsWith('-') ? '--store=' : arg;
  });
}

/** Wraps a command (the dispatcher's `audit`) so a bare `--store` reaches parseArgs as `--store=`. */
export function withBareStoreFlag(command: CliCommand): CliCommand {
  return { ...command, run: (argv, io) => command.run(expandBareStoreFlag(argv), io) };
}

export interface StoreCliDeps {
  /** Opens the store (tests may substitute a clock); default: resolve --store / env / embedded. */
  readonly open?: (value: string | undefined, io: CliIo) => Promise<OpenedStore>;
  readonly now?: () => Date;
}

function defaultOpen(deps: StoreCliDeps): (value: string | undefined, io: CliIo) => Promise<OpenedStore> {
  return async (value, io) => {
    const { openStoreAt, resolveStoreLocation, TABLE_PREFIX_ENV } = await loadStore();
    const prefix = io.env[TABLE_PREFIX_ENV];
    return openStoreAt(resolveStoreLocation(value, io.env, io.cwd ?? process.cwd()), {
      ...(prefix !== undefined && prefix !== '' ? { tablePrefix: prefix } : {}),
      ...(deps.now !== undefined ? { now: deps.now } : {}),
    });
  };
}

async function withStore<T>(deps: StoreCliDeps, value: string | undefined, io: CliIo, work: (opened: OpenedStore) => Promise<T>): Promise<T> {
  const opened = await (deps.open ?? defaultOpen(deps))(value, io);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

/** Turns the store's and parseArgs' errors into one line and exit 2; anything else is a bug and propagates. */
async function oneLineErrors(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CliError || error instanceof (await loadStore()).StoreError) {
      io.stderr.write(`${PROGRAM}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return error instanceof CliError ? error.exitCode : EXIT.usage;
    }
    throw error;
  }
}

const FINDINGS_OPTIONS: OptionsConfig = {
  state: { type: 'string' },
  severity: { type: 'string' },
  rule: { type: 'string' },
  subscription: { type: 'string' },
  workspace: { type: 'string' },
  resource: { type: 'string' },
  format: { type: 'string' },
  top: { type: 'string' },
  continuation: { type: 'string' },
  order: { type: 'string' },
  store: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'older-than': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** `findings list …` or `findings repair …` (argv without "findings"). */
export function runFindingsList(argv: readonly string[], io: CliIo, deps: StoreCliDeps = {}): Promise<number> {
  return oneLineErrors(io, async () => {
    const { values, positionals } = parseOptions(expandBareStoreFlag(argv), FINDINGS_OPTIONS, 'findings');
    if (flagOption(values, 'help') || positionals[0] === 'help') {
      io.stdout.write(`${FINDINGS_HELP}\n`);
      return EXIT.ok;
    }
    if (positionals[0] === 'repair' && positionals.length === 1) {
      const dryRun = flagOption(values, 'dry-run');
      return withStore(deps, stringOption(values, 'store'), io, async ({ store }) => {
        const result = await store.repairFutureTimes({ dryRun });
        const verb = dryRun ? 'would repair' : 'repaired';
        io.stdout.write(`${verb} ${result.markers.length} partition marker(s) and ${result.findings} finding(s) dated after ${result.repairedAt}${result.markers.length > 0 ? ` (partitions: ${result.markers.join(', ')})` : ''}\n`);
        if (result.indexedPartitions.length > 0) {
          io.stdout.write(`${dryRun ? 'would index' : 'indexed'} ${result.indexedPartitions.length} partition(s) written before the change index (partitions: ${result.indexedPartitions.join(', ')})\n`);
        }
        return EXIT.ok;
      });
    }
    if (positionals[0] === 'prune' && positionals.length === 1) {
      const text = stringOption(values, 'older-than') ?? '90d';
      const days = /^(\d{1,4})d$/.exec(text)?.[1];
      if (days === undefined) throw new UsageError(`findings: --older-than '${text}' is not a number of days such as 90d`);
      const dryRun = flagOption(values, 'dry-run');
      return withStore(deps, stringOption(values, 'store'), io, async ({ store }) => {
        const result = await store.prune({ before: new Date((deps.now?.() ?? new Date()).getTime() - Number(days) * 86_400_000), dryRun });
        io.stdout.write(`${dryRun ? 'would delete' : 'deleted'} ${result.resolvedFindings} finding(s) resolved and ${result.sweepRecords} sweep record(s) started before ${result.before}\n`);
        return EXIT.ok;
      });
    }
    if (positionals[0] !== 'list' || positionals.length > 1) {
      throw new UsageError(`findings: expected 'findings list [options]', 'findings repair [--dry-run]' or 'findings prune [--older-than Nd]'${positionals[0] !== undefined && positionals[0] !== 'list' ? `, not '${positionals[0]}'` : ''} (see 'findings --help')`);
    }
    const format = choice<ListFormat>(stringOption(values, 'format'), LIST_FORMATS, 'findings: --format', 'table');
    const filter = await findingFilter(values);
    return withStore(deps, stringOption(values, 'store'), io, async ({ store }) => {
      const page = await store.listFindings(filter);
      const { renderFindingsCsv, renderFindingsJson, renderFindingsTable } = await loadStore();
      if (format === 'json') io.stdout.write(renderFindingsJson(page.items, page.continuationToken));
      else if (format === 'csv') io.stdout.write(renderFindingsCsv(page.items));
      else io.stdout.write(renderFindingsTable(page.items));
      if (page.continuationToken !== undefined && format !== 'json') {
        io.stderr.write(`${PROGRAM}: more findings: add --continuation ${page.continuationToken}\n`);
      }
      return EXIT.ok;
    });
  });
}

const FILTER_FLAGS: Readonly<Record<FilterField, string>> = {
  state: '--state',
  severity: '--severity',
  ruleId: '--rule',
  subscriptionId: '--subscription',
  workspaceId: '--workspace',
  resourceId: '--resource',
  top: '--top',
  continuationToken: '--continuation',
  order: '--order',
};

/** The same validation as GET /api/findings (src/store/filter.ts), with the CLI's flag names. */
async function findingFilter(values: ParsedValues): Promise<FindingFilter> {
  const { FilterError, parseFindingFilter } = await loadStore();
  try {
    return parseFindingFilter(
      {
        state: stringOption(values, 'state'),
        severity: stringOption(values, 'severity'),
        ruleId: stringOption(values, 'rule'),
        subscriptionId: stringOption(values, 'subscription'),
        workspaceId: stringOption(values, 'workspace'),
        resourceId: stringOption(values, 'resource'),
        top: stringOption(values, 'top'),
        continuationToken: stringOption(values, 'continuation'),
        order: stringOption(values, 'order'),
      },
      (field) => `findings: ${FILTER_FLAGS[field]}`,
    );
  } catch (error) {
    if (error instanceof FilterError) throw new UsageError(error.message);
    throw error;
  }
}

const SUPPRESS_OPTIONS: OptionsConfig = {
  rule: { type: 'string' },
  scope: { type: 'string' },
  reason: { type: 'string' },
  expires: { type: 'string' },
  by: { type: 'string' },
  all: { type: 'boolean' },
  format: { type: 'string' },
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** `suppress add|list|remove …` (argv without "suppress"). */
export function runSuppress(argv: readonly string[], io: CliIo, deps: StoreCliDeps = {}): Promise<number> {
  return oneLineErrors(io, async () => {
    const { values, positionals } = parseOptions(expandBareStoreFlag(argv), SUPPRESS_OPTIONS, 'suppress');
    const [action, ...rest] = positionals;
    if (flagOption(values, 'help') || action === 'help') {
      io.stdout.write(`${SUPPRESS_HELP}\n`);
      return EXIT.ok;
    }
    const storeValue = stringOption(values, 'store');
    const now = deps.now ?? (() => new Date());
    if (action === 'add') {
      if (rest.length > 0) throw new UsageError(`suppress add: unexpected argument '${rest[0]}'`);
      const ruleId = required(values, 'rule', 'suppress add');
      if (ruleId !== (await loadStore()).ANY_RULE && ruleById(ruleId) === undefined) throw new UsageError(`suppress add: unknown rule ID '${ruleId}' (see '${PROGRAM} rules')`);
      const input = {
        ruleId,
        scope: required(values, 'scope', 'suppress add'),
        reason: required(values, 'reason', 'suppress add'),
        expiresOn: parseExpiry(required(values, 'expires', 'suppress add'), now()),
        createdBy: stringOption(values, 'by') ?? io.env['USER'] ?? io.env['USERNAME'] ?? '',
      };
      if (input.createdBy.trim() === '') throw new UsageError('suppress add: say who accepts the risk with --by');
      return withStore(deps, storeValue, io, async ({ store }) => {
        const suppression = await store.addSuppression(input);
        io.stdout.write(`${suppression.id}\n`);
        io.stderr.write(`${PROGRAM}: suppressed ${suppression.ruleId} on ${suppression.scope} until ${suppression.expiresOn}\n`);
        return EXIT.ok;
      });
    }
    if (action === 'list') {
      if (rest.length > 0) throw new UsageError(`suppress list: unexpected argument '${rest[0]}'`);
      const format = choice(stringOption(values, 'format'), ['table', 'json'] as const, 'suppress list: --format', 'table');
      return withStore(deps, storeValue, io, async ({ store }) => {
        const suppressions = await store.listSuppressions({ includeExpired: flagOption(values, 'all') });
        const { renderSuppressionsTable } = await loadStore();
        io.stdout.write(format === 'json' ? `${JSON.stringify({ suppressions }, null, 2)}\n` : renderSuppressionsTable(suppressions));
        return EXIT.ok;
      });
    }
    if (action === 'remove') {
      const [id, ...extra] = rest;
      if (id === undefined || extra.length > 0) throw new UsageError("suppress remove: name exactly one suppression ID (see 'suppress list')");
      return withStore(deps, storeValue, io, async ({ store }) => {
        if (!(await store.removeSuppression(id))) throw new UsageError(`suppress remove: no suppression '${id}'`);
        io.stderr.write(`${PROGRAM}: removed suppression ${id}\n`);
        return EXIT.ok;
      });
    }
    throw new UsageError(`suppress: expected add, list or remove${action === undefined ? '' : `, not '${action}'`} (see 'suppress --help')`);
  });
}

function required(values: ParsedValues, name: string, command: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`${command}: --${name} is required`);
  return value;
}

/** An ISO date or time, or "Nd" days from now. */
export function parseExpiry(value: string, now: Date): Date {
  const days = /^(\d{1,4})d$/i.exec(value.trim());
  if (days?.[1] !== undefined) return new Date(now.getTime() + Number(days[1]) * 86_400_000);
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
    const date = new Date(value.trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new UsageError(`suppress add: --expires must be a date (2027-03-31) or a number of days (90d), not '${value}'`);
}

function choice<T extends string>(value: string | undefined, allowed: readonly T[], what: string, fallback: T): T {
  if (value === undefined) return fallback;
  const lowered = value.toLowerCase();
  if ((allowed as readonly string[]).includes(lowered)) return lowered as T;
  throw new UsageError(`${what} must be one of ${allowed.join(', ')}, not '${value}'`);
}

export interface PersistOptions {
  /** The --store value (undefined: environment, then the embedded Azurite). */
  readonly store?: string;
  readonly io: CliIo;
  /** Subscriptions the audit covered; those seen in the evaluations are added. */
  readonly subscriptionIds?: readonly string[];
  /**
   * The time of the state judged (stateTime: the inventory's capturedAt, a file's less Resource Graph's lag): the sweep's time, and when its
   * findings were last seen. The report's generatedAt when absent (tests of the store alone).
   */
  readonly evaluatedAt?: Date;
  readonly deps?: StoreCliDeps;
}

/**
 * `audit … --store`: records the run as a sweep of every subscription it covered. A
 * subscription named by an inventory gap is incomplete (nothing there is resolved by absence);
 * a gap that names no subscription makes the whole run incomplete.
 */
export async function persistAuditResult(report: AuditReport, options: PersistOptions): Promise<RecordEvaluationsResult> {
  const subscriptions = subscriptionsOf(options.subscriptionIds, report.evaluations.map((evaluation) => evaluation.resourceId));
  const gapSubscriptions = report.gaps.map((gap) => subscriptionOf(gap.scope) ?? /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(gap.scope)?.[1]?.toLowerCase());
  const complete = gapSubscriptions.every((subscription) => subscription !== undefined);
  const deps = options.deps ?? {};
  return withStore(deps, options.store, options.io, async ({ store }) => {
    const result = await store.recordEvaluations({
      scope: { subscriptionIds: [...subscriptions], incompleteSubscriptionIds: gapSubscriptions.filter((id): id is string => id !== undefined) },
      evaluations: report.evaluations,
      evaluatedAt: options.evaluatedAt ?? new Date(report.generatedAt),
      observedAt: options.evaluatedAt ?? new Date(report.generatedAt),
      complete,
      // The rules that ran (--rules, --profile): the findings of others are left as they were.
      ruleIds: report.ruleIds,
    });
    options.io.stderr.write(
      `${PROGRAM}: stored ${subscriptions.size} subscription${subscriptions.size === 1 ? '' : 's'}: ${result.opened} opened, ${result.reopened} reopened, ` +
        `${result.resolved} resolved, ${result.updated} updated, ${result.unchanged} unchanged${result.stale > 0 ? `, ${result.stale} stale (a newer evaluation is stored)` : ''}` +
        `${complete && report.gaps.length === 0 ? '' : ' (incomplete inventory: nothing resolved where data was missing)'}` +
        `${result.notRead > 0 ? `; ${result.notRead} verdict(s) not given for want of part of the estate, their findings left as they were` : ''}\n`,
    );
    return result;
  });
}

/** The subscriptions a run covers: those named (--subscription), and those of the resources it read or judged, lowercased. */
function subscriptionsOf(named: readonly string[] | undefined, resourceIds: readonly string[]): Set<string> {
  const subscriptions = new Set((named ?? []).map((id) => id.trim().toLowerCase()).filter((id) => id !== ''));
  for (const id of resourceIds) {
    const subscription = subscriptionOf(id);
    if (subscription !== undefined) subscriptions.add(subscription);
  }
  return subscriptions;
}

/** The `audit` hook: `--store [CONNECTION]` (apply expandBareStoreFlag to argv first). */
export function createStoreAuditHook(deps: StoreCliDeps = {}): AuditHook {
  return {
    options: { store: { type: 'string' } },
    usage: '--store [CONNECTION]',
    help: ['  --store      also record the run in the findings store (a sweep of every subscription it covered,', '               as of the time of the state judged; a snapshot without capturedAt is not stored);', ...STORE_HELP.split('\n').map((line) => line.replace('  --store      where', '               where'))],
    selects: (values) => values['store'] !== undefined,
    async beforeAudit(loaded, values, context) {
      const store = stringOption(values, 'store');
      if (store === undefined) return loaded;
      try {
        return await readNoticedAgain(loaded, { store, io: context.io, subscriptionIds: stringListOption(values, 'subscription'), deps });
      } catch (error) {
        if (error instanceof (await loadStore()).StoreError) throw new CliError(error.message.replace(/\s*\n\s*/g, ' '));
        throw error;
      }
    },
    async afterAudit(report, values, context, loaded) {
      const store = stringOption(values, 'store');
      if (store === undefined) return;
      const { MAX_CLOCK_SKEW_MS, NOTICE_LAG_MS } = await loadStore();
      const evaluatedAt = stateTime(loaded, NOTICE_LAG_MS, MAX_CLOCK_SKEW_MS, deps.now?.() ?? new Date());
      try {
        await persistAuditResult(report, { store, io: context.io, subscriptionIds: stringListOption(values, 'subscription'), evaluatedAt, deps });
      } catch (error) {
        // The report is already out; the store failure still decides the exit (2, one line).
        if (error instanceof (await loadStore()).StoreError) throw new CliError(error.message.replace(/\s*\n\s*/g, ' '));
        throw error;
      }
    },
  };
}

/**
 * A live read with the resources events changed shortly before it (or since) read again from
 * Azure Resource Manager, as the app's sweeps do: Resource Graph indexes changes with a lag, and
 * a run stored from a row that still shows the old state would resolve the finding the event
 * opened. The events' batches leave a change notice per resource in the store (src/store/change-notices.ts).
 * A file cannot be read again; a resource that cannot be read for a passing reason stops the run.
 */
async function readNoticedAgain(loaded: LoadedInventory, options: PersistOptions): Promise<LoadedInventory> {
  const { readAgain } = loaded;
  const capturedAt = loaded.inventory.capturedAt;
  if (readAgain === undefined || capturedAt === undefined) return loaded;
  const subscriptions = subscriptionsOf(options.subscriptionIds, loaded.inventory.resources.map((row) => row.id));
  const { noticesSince, resourcesToReadAgain } = await loadStore();
  const notices = await withStore(options.deps ?? {}, options.store, options.io, async ({ store }) => {
    const found: ChangeNotice[] = [];
    for (const subscription of subscriptions) found.push(...(await store.syncPartition(subscription, noticesSince(capturedAt))).notices);
    return found;
  });
  const ids = resourcesToReadAgain(notices);
  try {
    return { ...loaded, inventory: await withResourcesReadAgain(loaded.inventory, ids, readAgain) };
  } catch (error) {
    if (!(error instanceof ReadAgainError)) throw error;
    throw new CliError(`audit --store: cannot read ${error.resourceId}, which an event changed shortly before this read, again (${error.reason}); nothing was reported or stored: run the audit again`);
  }
}

/**
 * As of when a run is stored: when the judged state was read, so that a snapshot older than what
 * the store holds (a verdict an event gave since) leaves it as it was instead of resolving it; less
 * Resource Graph's lag, as the rows may not show a change made in the minutes before, so a verdict
 * an event gave then stays too (a file cannot be read again; a live read has read again only what
 * was announced before it read the notices, and the CLI takes no part in the event path's order of
 * announcements). A snapshot that does not say when it was read is not stored at all.
 */
function stateTime(loaded: LoadedInventory, lagMs: number, maxSkewMs: number, now: Date): Date {
  const capturedAt = loaded.inventory.capturedAt;
  const time = capturedAt === undefined ? Number.NaN : Date.parse(capturedAt);
  const what = loaded.artifactPath !== undefined ? `snapshot ${loaded.artifactPath}` : 'the inventory';
  if (time > now.getTime() + maxSkewMs) {
    throw new CliError(`${what} says it was captured at ${capturedAt ?? ''}, after this clock's ${now.toISOString()}: its findings are not stored (they would outrank every later verdict). Correct its capturedAt, or the system clock.`);
  }
  if (!Number.isNaN(time)) return new Date(time - lagMs);
  throw new CliError(
    `${what} has no capturedAt, so the age of its state is unknown: its findings are not stored (an older state would overwrite newer verdicts). ` +
      `Store a file of the shape { "capturedAt": "<when it was read>", "resources": [...] }, as 'aml-vnet-audit snapshot' writes.`,
  );
}

export function createFindingsCommand(deps: StoreCliDeps = {}): CliCommand {
  return { name: 'findings', summary: 'list stored findings (state, since when, what got fixed)', help: FINDINGS_HELP, run: (argv, io) => runFindingsList(argv, io, deps) };
}

export function createSuppressCommand(deps: StoreCliDeps = {}): CliCommand {
  return { name: 'suppress', summary: 'accept a finding knowingly until a date (add, list, remove)', help: SUPPRESS_HELP, run: (argv, io) => runSuppress(argv, io, deps) };
}

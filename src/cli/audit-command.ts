import { stat, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import type { Severity } from '../core/types';
import { SEVERITIES, severityRank } from '../core/types';
import type { AuditReport, FindingsReport } from '../engine/audit';
import { selectRules } from '../engine/audit';
import { FOR_ONE_AUDIT, loadSnapshotFile, READ_TYPES_ONLY } from '../inventory/snapshot';
import type { Inventory } from '../inventory/types';
import type { ResourcesReadAgain } from '../inventory/read-again';
import { renderCsv, renderJson, renderSarif, renderTable } from '../report';
import { DEFAULT_PROFILE, isProfile, PROFILES } from '../rules/profiles';
import type { Profile } from '../rules/profiles';
import { allRules } from '../rules/registry';
import type { AnyRule } from '../rules/types';
import type { OptionsConfig, ParsedValues } from './args';
import { flagOption, parseOptions, stringOption } from './args';
import type { CliCommand, CliIo } from './io';
import { CliError, EXIT, UsageError } from './io';
import { loadRuleDocs, packageVersion } from './package-info';
import { auditInventory, auditInventoryFindings } from './run-audit';
import type { AuditRunOptions } from './run-audit';

export const FORMATS = ['table', 'json', 'csv', 'sarif'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/** What an inventory source hands the audit. */
export interface LoadedInventory {
  readonly inventory: Inventory;
  /** The file the inventory came from, for SARIF's physical location (code scanning needs one). */
  readonly artifactPath?: string;
  /**
   * Reads resources again by ID from the source of truth, past the lag of the whole read (a live
   * source: Azure Resource Manager behind Resource Graph). A file has no source to ask.
   */
  readonly readAgain?: (ids: readonly string[]) => Promise<ResourcesReadAgain>;
}

/**
 * Where `audit` gets its inventory. The snapshot file is one source; the live Resource Graph
 * source (./live-commands.ts: --subscription / --management-group) plugs in as another.
 */
export interface InventorySource {
  /** parseArgs options this source adds to `audit`. */
  readonly options: OptionsConfig;
  /** Its usage line in `audit --help`. */
  readonly usage: string;
  /** Lines describing its options in `audit --help`. */
  readonly help?: readonly string[];
  /** True when the parsed options ask for this source. */
  selects(values: ParsedValues): boolean;
  load(values: ParsedValues, context: AuditContext): Promise<LoadedInventory>;
}

/** Runs after the report is made (./store-commands.ts: `audit --store` persists it). */
export interface AuditHook {
  readonly options: OptionsConfig;
  readonly usage: string;
  /** Lines describing its options in `audit --help`. */
  readonly help?: readonly string[];
  /** True when the parsed options ask for this hook: only then does the audit keep every evaluation, for it. */
  selects(values: ParsedValues): boolean;
  /** Before the audit: what is judged may be amended (./store-commands.ts reads again what events changed). */
  beforeAudit?(loaded: LoadedInventory, values: ParsedValues, context: AuditContext): Promise<LoadedInventory>;
  /** `loaded`: what was judged (its capturedAt is the time of the state the report describes). */
  afterAudit(report: AuditReport, values: ParsedValues, context: AuditContext, loaded: LoadedInventory): Promise<void>;
}

export interface AuditContext {
  readonly io: CliIo;
  /** One progress line on stderr, only when stderr is a terminal. */
  progress(message: string): void;
  /** How much JavaScript heap this process may use (V8's limit, which NODE_OPTIONS=--max-old-space-size sets). */
  readonly heapLimitBytes: number;
  /**
   * The command builds one estate from the rows and judges it once (`audit`), so a snapshot may
   * leave large rows in its file (FOR_ONE_AUDIT). A command that builds estates again and again
   * from the rows (`remediate` proves each plan on its own) needs them whole.
   */
  readonly judgesOnce: boolean;
}

export interface AuditCommandOptions {
  readonly sources: readonly InventorySource[];
  readonly hooks?: readonly AuditHook[];
  /** The rules `--rules` chooses from; the registry unless a test passes its own. */
  readonly registry?: readonly AnyRule[];
  /** The report's timestamp (tests pin it). */
  readonly now?: () => Date;
  /** The heap limit memory advice is given against: V8's own unless a test passes one. */
  readonly heapLimitBytes?: number;
  /** The exit status of a finished audit; exitCodeFor (docs/interfaces.md's 0/1) unless a caller decides otherwise. */
  readonly exitCode?: (report: FindingsReport, failOn: Severity) => number;
}

/** What a command gives the inventory sources and hooks it runs. */
export function auditContext(io: CliIo, { judgesOnce, heapLimitBytes = getHeapStatistics().heap_size_limit }: { readonly judgesOnce: boolean; readonly heapLimitBytes?: number | undefined }): AuditContext {
  return {
    io,
    judgesOnce,
    progress: (message) => {
      if (io.stderrIsTTY === true) io.stderr.write(`aml-vnet-audit: ${message}…\n`);
    },
    heapLimitBytes,
  };
}

/** `--snapshot FILE`: the offline inventory (docs/interfaces.md, "Snapshot file"). */
export const snapshotInventorySource: InventorySource = {
  options: { snapshot: { type: 'string' } },
  usage: '--snapshot FILE',
  selects: (values) => values['snapshot'] !== undefined,
  async load(values, context) {
    const path = stringOption(values, 'snapshot') ?? '';
    if (path === '') throw new UsageError("audit: --snapshot needs a file name");
    const size = await sizeOf(path);
    if (size >= LARGE_SNAPSHOT_BYTES) context.progress(`reading ${path}`);
    // Said before reading, on any stderr: running out of memory ends the process with V8's own message, which names no remedy.
    const advice = memoryAdvice(size, context.heapLimitBytes);
    if (advice !== undefined) context.io.stderr.write(`aml-vnet-audit: warning: ${path}: ${advice}\n`);
    const options = context.judgesOnce ? FOR_ONE_AUDIT : READ_TYPES_ONLY;
    return { inventory: await loadSnapshotFile(path, { ...options, onProgress: readingProgress(path, (message) => context.progress(message)) }), artifactPath: path };
  },
};

/** From this size, reading a snapshot takes long enough (a million resources: a minute or more) to report it in tenths. */
export const PROGRESS_IN_TENTHS_FROM_BYTES = 256 * 2 ** 20;

/** A progress line each time another tenth of a large file has been read (not the last: indexing follows at once). */
export function readingProgress(path: string, report: (message: string) => void): (bytesRead: number, totalBytes: number) => void {
  let shown = 0;
  return (bytesRead, totalBytes) => {
    if (totalBytes < PROGRESS_IN_TENTHS_FROM_BYTES) return;
    const tenth = Math.floor((bytesRead / totalBytes) * 10);
    if (tenth <= shown || tenth >= 10) return;
    shown = tenth;
    report(`reading ${path}: ${tenth * 10} % (${sizeText(bytesRead)} of ${sizeText(totalBytes)})`);
  };
}

/** A size as people read it: "291 MB", "2.9 GB". */
function sizeText(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GB` : `${Math.round(bytes / 2 ** 20)} MB`;
}

/** Progress lines are for snapshots that take a moment to read (contract: stderr, terminals only). */
export const LARGE_SNAPSHOT_BYTES = 8 * 2 ** 20;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    // loadSnapshotFile reports the problem with the file in one line.
    return 0;
  }
}

/**
 * Auditing a snapshot holds about as much heap as the file has bytes (a million generated
 * resources: a 2.9 GB file, a 3 GB peak; README, "Performance"). Past this share of the heap
 * limit, the audit may run out of memory.
 */
const HEAP_SHARE_WARNED = 0.75;

/** What to do before auditing a file this large with this heap limit; undefined when it fits. */
export function memoryAdvice(fileBytes: number, heapLimitBytes: number): string | undefined {
  if (heapLimitBytes <= 0 || fileBytes < heapLimitBytes * HEAP_SHARE_WARNED) return undefined;
  // Twice the file, in whole GiB: room for the file's worth of estate and the collector's headroom.
  const suggestedMb = Math.ceil((2 * fileBytes) / 2 ** 30) * 1024;
  return (
    `the audit needs about as much memory as the file's size (${sizeText(fileBytes)}), and Node allows this process ${sizeText(heapLimitBytes)}; ` +
    `if it runs out of memory, run it again with NODE_OPTIONS=--max-old-space-size=${suggestedMb} (on a machine with that much memory free), or audit the subscriptions in smaller snapshots`
  );
}

const COMMON_OPTIONS: OptionsConfig = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  rules: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export function createAuditCommand(config: AuditCommandOptions): CliCommand {
  const hooks = config.hooks ?? [];
  const registry = config.registry ?? allRules;
  const sourceUsage = config.sources.map((source) => source.usage).join(' | ');
  const help = [
    `Usage: aml-vnet-audit audit ${sourceUsage}`,
    '                            [--format table|json|csv|sarif] [--output FILE]',
    '                            [--fail-on info|low|medium|high] [--rules ID,ID…] [--profile documented|current]' + hooks.map((hook) => ` [${hook.usage}]`).join(''),
    '',
    'Audits an Azure Machine Learning estate against the network-isolation rules.',
    '',
    '  --format     table (default: grouped by workspace, coloured on a terminal unless NO_COLOR is set),',
    '               json (the contract document), csv (one row per finding), sarif (SARIF 2.1.0)',
    '  --output     write the report to FILE instead of stdout',
    '  --fail-on    exit 1 when a failed check has at least this severity (default: low)',
    '  --rules      run only these rule IDs (also rules that are off by default); see `aml-vnet-audit rules`',
    '  --profile    which rules run when --rules is not given: documented (default: the 2020 documents),',
    "               or current (without the rules today's guidance has superseded; see docs/rules.md)",
    ...config.sources.flatMap((source) => source.help ?? []),
    ...hooks.flatMap((hook) => hook.help ?? []),
    '',
    'Exit status:',
    '  0  no fail at or above --fail-on (unknown verdicts never count)',
    '  1  at least one fail at or above --fail-on',
    '  2  bad usage or unusable input: a missing or malformed file, a snapshot with no usable row,',
    '     not signed in to Azure, nothing readable in the scope (one line on stderr, nothing on stdout)',
    '  3  an internal error, or a rule that failed as a whole (its findings are missing, not passing)',
    '  4  part of the estate could not be read (and no fail at or above --fail-on); the report says which',
  ].join('\n');

  return {
    name: 'audit',
    summary: 'audit an estate (a snapshot file, or live with the Resource Graph source) and report findings',
    help,
    async run(argv, io) {
      const options: OptionsConfig = { ...COMMON_OPTIONS };
      for (const extension of [...config.sources, ...hooks]) Object.assign(options, extension.options);
      const { values, positionals } = parseOptions(argv, options, 'audit');
      if (flagOption(values, 'help')) {
        io.stdout.write(`${help}\n`);
        return EXIT.ok;
      }
      if (positionals.length > 0) throw new UsageError(`audit: unexpected argument '${positionals[0]}' (see 'audit --help')`);

      const format = parseFormat(stringOption(values, 'format'));
      const failOn = parseFailOn(stringOption(values, 'fail-on'));
      const ruleIds = parseRuleIds(stringOption(values, 'rules'));
      const profile = parseProfile(stringOption(values, 'profile'), 'audit');
      // Unknown rule IDs are a usage error: say so before reading a large inventory.
      const rules = selectRules(ruleIds, registry, profile);

      const selected = config.sources.filter((source) => source.selects(values));
      if (selected.length === 0) throw new UsageError(`audit: name the inventory: ${sourceUsage} (see 'audit --help')`);
      if (selected.length > 1) throw new UsageError(`audit: choose one inventory source, not ${selected.map((source) => source.usage).join(' and ')}`);
      const source = selected[0] as InventorySource;

      const context = auditContext(io, { judgesOnce: true, heapLimitBytes: config.heapLimitBytes });
      // Only a hook (the store) needs every evaluation; a report alone keeps the findings and counts the rest.
      const active = hooks.filter((hook) => hook.selects(values));
      let loaded = await source.load(values, context);
      for (const hook of active) if (hook.beforeAudit !== undefined) loaded = await hook.beforeAudit(loaded, values, context);
      const large = loaded.inventory.resources.length >= 10_000;
      const runOptions: AuditRunOptions = {
        rules,
        profile,
        ...(config.now !== undefined ? { now: config.now() } : {}),
        onStage: (stage, detail) => {
          if (large) context.progress(stage === 'index' ? `indexing ${detail}` : `evaluating ${rules.length} rules over ${detail}`);
        },
      };
      const whole = active.length > 0 ? auditInventory(loaded.inventory, runOptions) : undefined;
      const report: FindingsReport = whole ?? auditInventoryFindings(loaded.inventory, runOptions);
      reportWarnings(report, io);

      const output = stringOption(values, 'output');
      if (output === '') throw new UsageError('audit: --output needs a file name');
      const text = render(report, format, {
        rules,
        color: output === undefined && io.stdoutIsTTY && !noColor(io.env),
        columns: io.columns !== undefined && io.columns > 0 ? io.columns : 100,
        artifactUri: loaded.artifactPath !== undefined ? artifactUri(loaded.artifactPath, io.cwd ?? process.cwd()) : undefined,
      });
      if (output !== undefined) {
        try {
          await writeFile(output, text);
        } catch (error) {
          throw new CliError(`audit: cannot write ${output}: ${describeWriteError(error)}`);
        }
      } else {
        io.stdout.write(text);
      }
      if (whole !== undefined) for (const hook of active) await hook.afterAudit(whole, values, context, loaded);
      if (report.ruleErrors.length > 0) {
        // Results of these rules are missing, not passing: say so, and never exit as if the audit were whole.
        for (const error of report.ruleErrors) io.stderr.write(`aml-vnet-audit: error: rule ${error.ruleId} failed and judged nothing (${oneLine(error.reason)}); its findings are missing from this report. Please report this bug.\n`);
        return EXIT.internal;
      }
      return (config.exitCode ?? exitCodeFor)(report, failOn);
    },
  };
}

/** Exit 1 when a `fail` (not an unknown) has at least the --fail-on severity. */
export function exitCodeFor(report: FindingsReport, failOn: Severity): number {
  const threshold = severityRank(failOn);
  return report.findings.some((finding) => finding.status === 'fail' && severityRank(finding.severity) >= threshold) ? EXIT.findings : EXIT.ok;
}

function parseFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'table';
  const lowered = value.toLowerCase();
  if ((FORMATS as readonly string[]).includes(lowered)) return lowered as OutputFormat;
  throw new UsageError(`audit: unknown --format '${value}' (choose ${FORMATS.join(', ')})`);
}

/** `--fail-on` of `audit` and `remediate`: a severity, low by default. */
export function parseFailOn(value: string | undefined, command = 'audit'): Severity {
  if (value === undefined) return 'low';
  const lowered = value.toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(lowered)) return lowered as Severity;
  throw new UsageError(`${command}: unknown --fail-on '${value}' (choose ${SEVERITIES.join(', ')})`);
}

/** `--profile` of `audit` and `remediate`: documented by default. */
export function parseProfile(value: string | undefined, command: string): Profile {
  if (value === undefined) return DEFAULT_PROFILE;
  const lowered = value.toLowerCase();
  if (isProfile(lowered)) return lowered;
  throw new UsageError(`${command}: unknown --profile '${value}' (choose ${PROFILES.join(' or ')})`);
}

function parseRuleIds(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new UsageError('audit: --rules needs at least one rule ID');
  return ids;
}

function noColor(env: CliIo['env']): boolean {
  // https://no-color.org: set and not empty.
  return (env['NO_COLOR'] ?? '') !== '' || env['TERM'] === 'dumb';
}

interface RenderOptions {
  readonly rules: readonly AnyRule[];
  readonly color: boolean;
  readonly columns: number;
  readonly artifactUri: string | undefined;
}

function render(report: FindingsReport, format: OutputFormat, options: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'csv':
      return renderCsv(report);
    case 'sarif':
      return renderSarif(report, options.rules, {
        toolVersion: packageVersion(),
        ruleDocs: loadRuleDocs(options.rules.map((rule) => rule.meta.id)),
        ...(options.artifactUri !== undefined ? { artifactUri: options.artifactUri } : {}),
      });
    case 'table':
      return renderTable(report, { color: options.color, width: options.columns });
  }
}

/** Relative to the working directory (usually the repository root, as code scanning wants); a file URI otherwise. */
export function artifactUri(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  const relativePath = relative(cwd, absolute);
  if (relativePath !== '' && !relativePath.startsWith('..') && !isAbsolute(relativePath)) {
    return relativePath.split(sep).map(encodeURIComponent).join('/');
  }
  return pathToFileURL(absolute).href;
}

const WARNINGS_SHOWN = 10;

/** Inventory and estate warnings go to stderr (docs/interfaces.md), never into stdout's document. */
function reportWarnings(report: FindingsReport, io: CliIo): void {
  for (const warning of report.warnings.slice(0, WARNINGS_SHOWN)) io.stderr.write(`aml-vnet-audit: warning: ${oneLine(warning)}\n`);
  if (report.warnings.length > WARNINGS_SHOWN) {
    io.stderr.write(`aml-vnet-audit: warning: ${report.warnings.length - WARNINGS_SHOWN} more warnings (in the json and sarif reports)\n`);
  }
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function describeWriteError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'ENOENT') return 'its directory does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return code !== '' ? code : error instanceof Error ? error.message : String(error);
}

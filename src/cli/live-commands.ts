import { rename, writeFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/core-auth';
import type { TlsSettings } from '@azure/core-rest-pipeline';
import type { InventorySource } from './audit-command';
import { parseOptions } from './args';
import type { CliCommand, CliIo } from './io';
import { EXIT, UsageError } from './io';
import type { InventoryGap } from '../core/types';
import type { Inventory } from '../inventory/types';
import type * as Live from '../live';
import type { CloudName, LiveProgress, RetrySettings } from '../live';

/**
 * src/live and the Azure SDK under it take ~0.4 s to load: only a command that reaches Azure
 * loads them, so an offline audit of a snapshot does not pay for them.
 */
export function loadLive(): Promise<typeof Live> {
  return import('../live');
}

/**
 * The live subcommands' logic, for the CLI dispatcher (src/cli):
 * `audit --subscription ID… | --management-group ID` loads its inventory with
 * loadLiveInventoryFromArgs; `snapshot …` is runSnapshotCommand.
 *
 * Exit codes (README, "Incomplete inventories"): 0 complete, 1 a `fail` at or above --fail-on,
 * 2 bad usage, 3 internal error (EXIT in ./io), 4 the inventory is incomplete (and nothing
 * failed). A fail wins over incompleteness because a CI gate must stop on a known failure; an
 * incomplete but otherwise clean audit must not pass as clean.
 */
export function auditExitCode(result: { readonly failed: boolean; readonly incomplete: boolean }): number {
  if (result.failed) return EXIT.findings;
  return result.incomplete ? EXIT.incomplete : EXIT.ok;
}

export interface Writer {
  write(chunk: string): unknown;
}

export interface LiveCliIo {
  readonly stderr: Writer;
  /** Where `snapshot` writes when no --output is given. */
  readonly stdout?: Writer;
  /** Progress is drawn only on a terminal. */
  readonly isTTY: boolean;
  /** Environment (AZURE_ACCESS_TOKEN); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Injected by tests (and usable by embedders): everything else comes from the arguments and environment. */
export interface LiveCliDeps {
  readonly credential?: TokenCredential;
  readonly tlsOptions?: TlsSettings;
  readonly retry?: RetrySettings;
}

export interface LiveArgs {
  readonly subscription?: readonly string[];
  readonly managementGroup?: string;
  readonly cloud?: string;
  readonly armEndpoint?: string;
  readonly pageSize?: string;
  /** False skips the service-tags call (snapshot --no-service-tags). */
  readonly serviceTags?: boolean;
}

/** `--cloud` as the Azure CLI names clouds (AzureCloud, AzureUSGovernment, AzureChinaCloud), any case. */
export async function parseCloud(value: string | undefined): Promise<CloudName> {
  if (value === undefined) return 'AzurePublicCloud';
  const { CLOUD_NAMES_ACCEPTED, cloudFromName, LiveUsageError } = await loadLive();
  const cloud = cloudFromName(value);
  if (cloud === undefined) throw new LiveUsageError(`--cloud: unknown cloud '${value}' (${CLOUD_NAMES_ACCEPTED})`);
  return cloud;
}

/** Reads the live inventory the audit arguments name. Throws LiveUsageError (exit 2) for bad arguments; Azure failures become gaps. */
export async function loadLiveInventoryFromArgs(values: LiveArgs, io: LiveCliIo, deps: LiveCliDeps = {}): Promise<Inventory> {
  return (await openLiveSource(values, io, deps)).inventory;
}

/** The live inventory the arguments name, and a reader of single resources from ARM with the same sign-in and endpoint. */
async function openLiveSource(values: LiveArgs, io: LiveCliIo, deps: LiveCliDeps): Promise<{ readonly inventory: Inventory; readonly readAgain: (ids: readonly string[]) => Promise<Live.ResourcesByIdResult> }> {
  const { LiveUsageError, readLiveInventory, readResourcesByIds, resolveCredential, UNSEEN_SUBSCRIPTION } = await loadLive();
  const cloud = await parseCloud(values.cloud);
  const armEndpoint = await parseEndpoint(values.armEndpoint);
  const pageSize = await parsePageSize(values.pageSize);
  const credential = deps.credential ?? resolveCredential(io.env ?? process.env, cloud);
  const progress = io.isTTY ? progressLine(io.stderr) : undefined;
  const reading: Live.LiveReadOptions = {
    credential,
    cloud,
    ...(armEndpoint !== undefined ? { armEndpoint } : {}),
    ...(pageSize !== undefined ? { pageSize } : {}),
    ...(deps.tlsOptions ? { tlsOptions: deps.tlsOptions } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
  };
  let inventory: Inventory;
  try {
    inventory = await readLiveInventory({
      ...reading,
      ...(values.subscription !== undefined ? { subscriptionIds: values.subscription } : {}),
      ...(values.managementGroup !== undefined ? { managementGroupId: values.managementGroup } : {}),
      ...(values.serviceTags === false ? { serviceTags: false } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    });
  } finally {
    progress?.end();
  }
  if (inventory.resources.length === 0 && inventory.gaps.every((gap) => gap.reason === UNSEEN_SUBSCRIPTION)) {
    // Resource Graph answers nothing, not an error, for subscriptions the identity cannot read.
    const scope = values.managementGroup !== undefined ? `management group ${values.managementGroup}` : `subscription(s) ${(values.subscription ?? []).join(', ')}`;
    throw new LiveUsageError(`nothing was read from ${scope}: check the IDs, and that the signed-in identity has Reader on them`);
  }
  return { inventory, readAgain: (ids) => readResourcesByIds(ids, reading) };
}

const SNAPSHOT_USAGE = 'usage: aml-vnet-audit snapshot (--subscription ID… | --management-group ID) [--output FILE] [--cloud NAME] [--arm-endpoint URL] [--page-size N] [--no-service-tags] [--verbose]';

const SNAPSHOT_HELP = [
  SNAPSHOT_USAGE.replace(/^usage:/, 'Usage:'),
  '',
  'Reads subscriptions or a management group through Azure Resource Graph (and workspace computes',
  'through Azure Resource Manager) and writes a snapshot file that `audit --snapshot FILE` reads:',
  '{ capturedAt, resources, serviceTags, warnings, incomplete, gaps }.',
  '',
  '  --subscription ID…       one or more subscription IDs: repeat the option, separate with commas,',
  '                           or list them after one --subscription',
  '  --management-group ID    every subscription under a management group',
  '  -o, --output FILE        where to write (default: standard output)',
  '  --cloud NAME             AzureCloud (default), AzureUSGovernment or AzureChinaCloud',
  '  --arm-endpoint URL       another ARM endpoint (Azure Stack, a proxy); keeps the cloud\'s sign-in',
  '  --page-size N            rows per Resource Graph page, 1-1000 (default 1000)',
  '  --no-service-tags        do not read service tags (regional checks then answer unknown)',
  '  -v, --verbose            print each unread part with the full reason',
  '',
  'Sign-in: AZURE_ACCESS_TOKEN when set, else DefaultAzureCredential (az login, environment',
  'variables, a managed identity). The identity needs Reader on what it reads.',
  '',
  'Exit status:',
  '  0  complete',
  '  2  bad usage, not signed in, nothing read, or an unwritable output (no file is written)',
  `  ${EXIT.incomplete}  incomplete: the file is written with "incomplete": true and its gaps`,
].join('\n');

/**
 * `aml-vnet-audit snapshot`: writes `{ capturedAt, resources, serviceTags, warnings, incomplete, gaps }`
 * (docs/interfaces.md snapshot shape 1, plus `warnings`/`incomplete`/`gaps`). Exit 0 complete,
 * 4 incomplete (the file is still written, with its gaps), 2 bad usage or an unwritable output.
 * Subscriptions may repeat the option, be comma-separated, or follow one --subscription.
 */
export async function runSnapshotCommand(argv: readonly string[], io: LiveCliIo, deps: LiveCliDeps = {}): Promise<number> {
  let parsed;
  try {
    const options = {
      subscription: { type: 'string', multiple: true },
      'management-group': { type: 'string' },
      output: { type: 'string', short: 'o' },
      cloud: { type: 'string' },
      'arm-endpoint': { type: 'string' },
      'page-size': { type: 'string' },
      'no-service-tags': { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    } as const;
    parsed = parseOptions(argv, options, 'snapshot');
  } catch (error) {
    io.stderr.write(`aml-vnet-audit ${firstLine(error)}\n${SNAPSHOT_USAGE}\n`);
    return 2;
  }
  const values = parsed.values as { subscription?: string[]; 'management-group'?: string; output?: string; cloud?: string; 'arm-endpoint'?: string; 'page-size'?: string; 'no-service-tags'?: boolean; verbose?: boolean; help?: boolean };
  if (values.help) {
    (io.stdout ?? io.stderr).write(`${SNAPSHOT_HELP}\n`);
    return 0;
  }
  if (parsed.positionals.length > 0) {
    io.stderr.write(`aml-vnet-audit snapshot: unexpected argument '${parsed.positionals[0] ?? ''}'\n${SNAPSHOT_USAGE}\n`);
    return 2;
  }
  let inventory: Inventory;
  try {
    inventory = await loadLiveInventoryFromArgs(
      {
        ...(values.subscription !== undefined ? { subscription: values.subscription } : {}),
        ...(values['management-group'] !== undefined ? { managementGroup: values['management-group'] } : {}),
        ...(values.cloud !== undefined ? { cloud: values.cloud } : {}),
        ...(values['arm-endpoint'] !== undefined ? { armEndpoint: values['arm-endpoint'] } : {}),
        ...(values['page-size'] !== undefined ? { pageSize: values['page-size'] } : {}),
        serviceTags: values['no-service-tags'] !== true,
      },
      io,
      deps,
    );
  } catch (error) {
    if (error instanceof (await loadLive()).LiveUsageError) {
      io.stderr.write(`aml-vnet-audit snapshot: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const document = {
    capturedAt: inventory.capturedAt ?? new Date().toISOString(),
    resources: inventory.resources,
    ...(inventory.serviceTags !== undefined ? { serviceTags: inventory.serviceTags } : {}),
    warnings: inventory.warnings,
    incomplete: inventory.gaps.length > 0,
    gaps: inventory.gaps,
  };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const output = values.output;
  if (output === undefined || output === '-') {
    (io.stdout ?? io.stderr).write(text);
  } else {
    try {
      // Write then rename, so an interrupted run never leaves half a snapshot under the real name.
      await writeFile(`${output}.partial`, text, 'utf8');
      await rename(`${output}.partial`, output);
    } catch (error) {
      io.stderr.write(`aml-vnet-audit snapshot: cannot write ${output}: ${firstLine(error)}\n`);
      return 2;
    }
  }
  for (const warning of inventory.warnings) io.stderr.write(`warning: ${warning}\n`);
  for (const line of describeGaps(inventory.gaps, values.verbose === true)) io.stderr.write(`${line}\n`);
  if (output !== undefined && output !== '-') {
    io.stderr.write(`wrote ${inventory.resources.length} resources${inventory.serviceTags ? ` and ${inventory.serviceTags.length} service tags` : ''} to ${output}\n`);
  }
  return inventory.gaps.length > 0 ? EXIT.incomplete : EXIT.ok;
}


/** The CLI's io as the live commands see it. */
export function liveIoOf(io: CliIo): LiveCliIo {
  return { stdout: io.stdout, stderr: io.stderr, isTTY: io.stderrIsTTY === true, env: io.env };
}

/**
 * `audit --subscription ID… | --management-group ID [--cloud NAME] [--arm-endpoint URL]`: the live
 * inventory as a source of src/cli's `audit` (src/cli/commands.ts lists it).
 */
export function createLiveInventorySource(deps: LiveCliDeps = {}): InventorySource {
  return {
    options: {
      subscription: { type: 'string', multiple: true },
      'management-group': { type: 'string' },
      cloud: { type: 'string' },
      'arm-endpoint': { type: 'string' },
      'page-size': { type: 'string' },
    },
    usage: '--subscription ID… | --management-group ID [--cloud NAME] [--arm-endpoint URL]',
    help: [
      '  --subscription ID…      audit live: one or more subscription IDs (repeat, comma-separate, or list them)',
      '  --management-group ID   audit live: every subscription under a management group',
      '  --cloud NAME            AzureCloud (default), AzureUSGovernment or AzureChinaCloud',
      '  --arm-endpoint URL      another ARM endpoint; keeps the cloud\'s sign-in',
      '                          Sign-in: AZURE_ACCESS_TOKEN, else DefaultAzureCredential (az login, a managed identity)',
    ],
    selects: (values) => values['subscription'] !== undefined || values['management-group'] !== undefined,
    async load(values, context) {
      const subscription = values['subscription'];
      const args: LiveArgs = {
        ...(Array.isArray(subscription) ? { subscription: subscription.filter((item): item is string => typeof item === 'string') } : {}),
        ...(typeof values['management-group'] === 'string' ? { managementGroup: values['management-group'] } : {}),
        ...(typeof values['cloud'] === 'string' ? { cloud: values['cloud'] } : {}),
        ...(typeof values['arm-endpoint'] === 'string' ? { armEndpoint: values['arm-endpoint'] } : {}),
        ...(typeof values['page-size'] === 'string' ? { pageSize: values['page-size'] } : {}),
      };
      try {
        const { inventory, readAgain } = await openLiveSource(args, liveIoOf(context.io), deps);
        return { inventory, readAgain };
      } catch (error) {
        if (error instanceof (await loadLive()).LiveUsageError) throw new UsageError(`audit: ${error.message}`);
        throw error;
      }
    },
  };
}

export function createSnapshotCommand(deps: LiveCliDeps = {}): CliCommand {
  return {
    name: 'snapshot',
    summary: 'capture the live estate (Resource Graph) as a snapshot file for offline audits and bug reports',
    help: SNAPSHOT_HELP,
    run: (argv, io) => runSnapshotCommand(argv, liveIoOf(io), deps),
  };
}

/** A reason as one short line; the whole of it with --verbose. */
const GAP_REASON_CHARS = 160;

/** One stderr line per gap, for the CLI's table output and the snapshot command. */
export function describeGaps(gaps: readonly InventoryGap[], verbose = false): string[] {
  if (gaps.length === 0) return [];
  const shorten = (reason: string): string => {
    const line = reason.replace(/\s+/g, ' ').trim();
    return verbose || line.length <= GAP_REASON_CHARS ? line : `${line.slice(0, GAP_REASON_CHARS - 1)}… (--verbose for all of it)`;
  };
  return [
    `incomplete inventory: ${gaps.length} part${gaps.length === 1 ? '' : 's'} could not be read; findings there are unknown, not resolved`,
    ...gaps.map((gap) => `  missing ${gap.scope}: ${shorten(gap.reason)}`),
  ];
}

/** "resources: 2/3 subscriptions, 5 pages, 4,213 resources" */
export function formatProgress(progress: LiveProgress): string {
  const subscriptions = progress.subscriptionsTotal !== undefined ? `${progress.subscriptionsDone}/${progress.subscriptionsTotal} subscriptions, ` : '';
  return `${progress.phase}: ${subscriptions}${progress.pages} page${progress.pages === 1 ? '' : 's'}, ${progress.resources.toLocaleString('en-US')} resources`;
}

/** A single line redrawn in place on a terminal. */
function progressLine(stderr: Writer): { update: (progress: LiveProgress) => void; end: () => void } {
  let drawn = false;
  return {
    update: (progress) => {
      stderr.write(`\r\x1b[2K${formatProgress(progress)}`);
      drawn = true;
    },
    end: () => {
      if (drawn) stderr.write('\n');
    },
  };
}

async function parsePageSize(value: string | undefined): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const { LiveUsageError } = await loadLive();
  const size = Number(value);
  if (!/^\d+$/.test(value.trim()) || size < 1 || size > 1000) throw new LiveUsageError(`--page-size: a whole number from 1 to 1000, not '${value}'`);
  return size;
}

/** `--arm-endpoint`: an https URL (bearer tokens never travel in clear text), without trailing slashes. */
export async function parseEndpoint(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const { LiveUsageError } = await loadLive();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LiveUsageError(`--arm-endpoint: not a URL: ${value}`);
  }
  // Bearer tokens must never travel in clear text.
  if (url.protocol !== 'https:') throw new LiveUsageError(`--arm-endpoint: must be https: ${value}`);
  return value.replace(/\/+$/, '');
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

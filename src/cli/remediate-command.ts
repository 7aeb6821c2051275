import { readFile, writeFile } from 'node:fs/promises';
import { idKey, subscriptionOf } from '../core/ids';
import { severityRank } from '../core/types';
import { auditEstate, selectRules } from '../engine/audit';
import { buildEstate } from '../estate';
import type { Inventory } from '../inventory/types';
import type { LiveReadOptions } from '../live';
import type { PlanApplyReport, PlanDocument } from '../remediation';
import { applyPlan, parsePlanDocument, PlanFileError, planRemediations, renderApplyTable, renderPlansTable, rollbackPlan } from '../remediation';
import type { OptionsConfig } from './args';
import { flagOption, parseOptions, stringOption } from './args';
import type { InventorySource } from './audit-command';
import { auditContext, parseFailOn, parseProfile } from './audit-command';
import type { CliCommand, CliIo } from './io';
import { CliError, EXIT, UsageError } from './io';
import type { LiveCliDeps } from './live-commands';
import { loadLive, parseCloud, parseEndpoint } from './live-commands';

/**
 * `remediate`: plans for the failing findings of an estate (docs/interfaces.md), and `--apply` of
 * a reviewed plan file. Planning never writes; applying writes only the file's automatic plans,
 * each write checked against what the plan relied on, then reads the estate back and judges the
 * findings again.
 */

export interface RemediateDeps extends LiveCliDeps {
  /** Interval between polls of a long-running write (tests shorten it). */
  readonly pollIntervalMs?: number;
  readonly now?: () => Date;
}

const HELP = [
  'Usage: aml-vnet-audit remediate --snapshot FILE | --subscription ID… [--rules ID,…] [--profile documented|current] [--format table|json] [--output plan.json] [--fail-on SEVERITY]',
  '       aml-vnet-audit remediate --apply plan.json [--yes] [--format table|json] [--cloud NAME] [--arm-endpoint URL]',
  '       aml-vnet-audit remediate --rollback plan.json [--yes] [--format table|json] [--cloud NAME] [--arm-endpoint URL]',
  '',
  'Plans a fix for every failing finding, proven on the estate before it is offered: the plan\'s',
  'writes are played on the estate and the rules run again; a plan is "verified" when its finding',
  'passes and no other check gets worse. Automatic plans are bounded and additive; manual plans',
  '(default deny, SSH, role grants, AKS, firewall rules…) carry concrete az commands for a person.',
  '',
  '  --snapshot FILE        plan from a snapshot file',
  '  --subscription ID…     plan from the live estate (Resource Graph)',
  '  --rules ID,…           plan only findings of these rules',
  '  --profile NAME         without --rules, plan the findings of this profile\'s rules: documented (default) or current',
  '  --format table|json    table (default) or the plan document (json)',
  '  --output FILE          write the plan document (JSON) to FILE; review it, then --apply it',
  '  --fail-on SEVERITY     exit 1 when a plan exists at or above it (default low)',
  '  --apply FILE           apply the automatic plans of a reviewed plan file (without --yes: show what would be written)',
  '  --rollback FILE        undo the automatic plans of a file (its rollback writes, last plan first); also takes',
  '                         a GET /api/remediations answer (the app\'s applied plans)',
  '  --yes                  really write',
  '  --cloud NAME, --arm-endpoint URL   where to write (as for audit)',
  '',
  'Each write of --apply: re-reads the resource, checks what the plan relied on (skipped, naming',
  'the change, when it moved), writes with If-Match where the provider honours ETags, reads back',
  'to confirm. Then the estate is read again and each finding judged: verified or not.',
  '',
  'Exit status: 0 nothing to remediate at or above --fail-on (with --apply: every automatic plan',
  'applied or already in place, and verified); 1 plans exist (with --apply: a plan was skipped, failed',
  'or not verified); 2 bad usage or input; 3 internal error.',
].join('\n');

function parseRules(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
  try {
    selectRules(ids);
  } catch (error) {
    throw new UsageError(`remediate: ${error instanceof Error ? error.message : String(error)}`);
  }
  return ids;
}

async function liveOptionsOf(values: Readonly<Record<string, unknown>>, io: CliIo, deps: RemediateDeps): Promise<LiveReadOptions> {
  const cloud = await parseCloud(typeof values['cloud'] === 'string' ? values['cloud'] : undefined);
  const endpoint = await parseEndpoint(typeof values['arm-endpoint'] === 'string' ? values['arm-endpoint'] : undefined);
  const { resolveCredential } = await loadLive();
  return {
    credential: deps.credential ?? resolveCredential(io.env, cloud),
    cloud,
    ...(endpoint !== undefined ? { armEndpoint: endpoint } : {}),
    ...(deps.tlsOptions ? { tlsOptions: deps.tlsOptions } : {}),
    ...(deps.retry ? { retry: deps.retry } : {}),
  };
}

/** The estate read back after the writes: Resource Graph for the neighbourhood, ARM for what was written (the graph lags). */
async function judgeAgain(document: PlanDocument, reports: readonly PlanApplyReport[], options: LiveReadOptions): Promise<Map<string, { verified: boolean; detail: string }>> {
  const written = reports.filter((report) => report.outcome === 'applied' || report.outcome === 'unchanged');
  const verdicts = new Map<string, { verified: boolean; detail: string }>();
  if (written.length === 0) return verdicts;
  const key = (ruleId: string, resourceId: string): string => `${ruleId}|${idKey(resourceId)}`;
  const plans = document.plans.filter((plan) => written.some((report) => key(report.ruleId, report.resourceId) === key(plan.ruleId, plan.resourceId)));
  const subscriptions = [...new Set(plans.map((plan) => subscriptionOf(plan.resourceId)).filter((id): id is string => id !== undefined))];
  const { readLiveInventory, readResourcesByIds } = await loadLive();
  const inventory: Inventory = await readLiveInventory({ ...options, subscriptionIds: subscriptions });
  const touched = await readResourcesByIds([...new Set(plans.flatMap((plan) => plan.operations.map((operation) => operation.id)))], options);
  const fresh = new Map(touched.resources.map((row) => [idKey(row.id), row]));
  const rows = inventory.resources.map((row) => fresh.get(idKey(row.id)) ?? row);
  const ruleIds = [...new Set(plans.map((plan) => plan.ruleId))];
  const result = auditEstate(buildEstate({ ...inventory, resources: rows }), { ruleIds });
  for (const plan of plans) {
    const evaluation = result.evaluations.find((item) => key(item.ruleId, item.resourceId) === key(plan.ruleId, plan.resourceId));
    const gaps = inventory.gaps.length + touched.failures.length;
    if (evaluation === undefined) verdicts.set(key(plan.ruleId, plan.resourceId), { verified: false, detail: 'read back, the finding\'s resource was not judged (it may be gone, or outside what could be read)' });
    else if (evaluation.status === 'pass' || evaluation.status === 'not-applicable') verdicts.set(key(plan.ruleId, plan.resourceId), { verified: true, detail: `read back from Azure, ${plan.ruleId} now ${evaluation.status === 'pass' ? 'passes' : 'does not apply'}` });
    else verdicts.set(key(plan.ruleId, plan.resourceId), { verified: false, detail: `read back from Azure, the finding is still ${evaluation.status}${gaps > 0 ? ` (${gaps} part(s) of the estate could not be read)` : ''}: ${evaluation.message}` });
  }
  return verdicts;
}

async function readPlanFile(path: string): Promise<PlanDocument> {
  try {
    return parsePlanDocument(await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof PlanFileError) throw new UsageError(`remediate: ${path}: ${error.message}`);
    throw new UsageError(`remediate: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function armOf(values: Readonly<Record<string, unknown>>, io: CliIo, deps: RemediateDeps): Promise<LiveReadOptions> {
  try {
    return await liveOptionsOf(values, io, deps);
  } catch (error) {
    if (error instanceof (await loadLive()).LiveUsageError) throw new UsageError(`remediate: ${error.message}`);
    throw error;
  }
}

/**
 * `--rollback FILE`: the rollback writes of the file's automatic plans, last plan first, each
 * checked like any write (its precondition is the state the plan left: a resource changed since
 * is skipped, never overwritten).
 */
async function runRollback(path: string, values: Readonly<Record<string, unknown>>, io: CliIo, deps: RemediateDeps, format: 'table' | 'json'): Promise<number> {
  const document = await readPlanFile(path);
  const plans = document.plans.filter((plan) => plan.mode === 'auto' && plan.rollback.length > 0).reverse();
  if (values['yes'] !== true) {
    io.stdout.write(`Would roll back ${plans.length} plan(s) (${plans.reduce((sum, plan) => sum + plan.rollback.length, 0)} write(s)):\n`);
    for (const plan of plans) for (const operation of plan.rollback) io.stdout.write(`  ${operation.method} ${operation.id}: ${operation.description}\n`);
    io.stdout.write('Nothing written: add --yes to roll back.\n');
    return EXIT.ok;
  }
  const { armResourceClient } = await loadLive();
  const arm = armResourceClient(await armOf(values, io, deps), deps.pollIntervalMs);
  const reports: PlanApplyReport[] = [];
  for (const plan of plans) {
    const undone = await rollbackPlan(plan, arm);
    reports.push({ ruleId: plan.ruleId, resourceId: plan.resourceId, outcome: undone.outcome, operations: undone.operations });
  }
  io.stdout.write(format === 'json' ? `${JSON.stringify({ rolledBackAt: (deps.now?.() ?? new Date()).toISOString(), results: reports }, null, 2)}\n` : renderApplyTable(reports));
  return reports.every((report) => report.outcome === 'applied' || report.outcome === 'unchanged') ? EXIT.ok : EXIT.findings;
}

async function runApply(path: string, values: Readonly<Record<string, unknown>>, io: CliIo, deps: RemediateDeps, format: 'table' | 'json'): Promise<number> {
  const document = await readPlanFile(path);
  const auto = document.plans.filter((plan) => plan.mode === 'auto');
  if (values['yes'] !== true) {
    io.stdout.write(`Would apply ${auto.length} automatic plan(s) (${auto.reduce((sum, plan) => sum + plan.operations.length, 0)} write(s)); ${document.plans.length - auto.length} manual plan(s) are never applied.\n`);
    for (const plan of auto) for (const operation of plan.operations) io.stdout.write(`  ${operation.method} ${operation.id}: ${operation.description}\n`);
    io.stdout.write('Nothing written: add --yes to apply.\n');
    return EXIT.ok;
  }
  const options = await armOf(values, io, deps);
  const { armResourceClient } = await loadLive();
  const arm = armResourceClient(options, deps.pollIntervalMs);
  const reports: PlanApplyReport[] = [];
  for (const [index, plan] of document.plans.entries()) {
    if (io.stderrIsTTY === true) io.stderr.write(`aml-vnet-audit: applying plan ${index + 1} of ${document.plans.length} (${plan.ruleId})…\n`);
    reports.push(await applyPlan(plan, arm));
  }
  let verdicts = new Map<string, { verified: boolean; detail: string }>();
  try {
    verdicts = await judgeAgain(document, reports, options);
  } catch (error) {
    io.stderr.write(`aml-vnet-audit: warning: the estate could not be read back to verify the writes (${error instanceof Error ? error.message : String(error)}); run 'aml-vnet-audit audit' to check\n`);
  }
  const final = reports.map((report) => {
    const verdict = verdicts.get(`${report.ruleId}|${idKey(report.resourceId)}`);
    return verdict === undefined ? report : { ...report, verified: verdict.verified, verification: verdict.detail };
  });
  io.stdout.write(format === 'json' ? `${JSON.stringify({ appliedAt: (deps.now?.() ?? new Date()).toISOString(), results: final }, null, 2)}\n` : renderApplyTable(final));
  const good = final.filter((report) => report.outcome !== 'manual').every((report) => (report.outcome === 'applied' || report.outcome === 'unchanged') && report.verified === true);
  return good ? EXIT.ok : EXIT.findings;
}

export function createRemediateCommand(sources: readonly InventorySource[], deps: RemediateDeps = {}): CliCommand {
  return {
    name: 'remediate',
    summary: 'plan proven fixes for failing findings, and apply a reviewed plan file (--apply)',
    help: HELP,
    async run(argv, io) {
      const options: OptionsConfig = {
        format: { type: 'string' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string' },
        rules: { type: 'string' },
        profile: { type: 'string' },
        apply: { type: 'string' },
        rollback: { type: 'string' },
        yes: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        cloud: { type: 'string' },
        'arm-endpoint': { type: 'string' },
      };
      for (const source of sources) Object.assign(options, source.options);
      const { values, positionals } = parseOptions(argv, options, 'remediate');
      if (flagOption(values, 'help')) {
        io.stdout.write(`${HELP}\n`);
        return EXIT.ok;
      }
      if (positionals.length > 0) throw new UsageError(`remediate: unexpected argument '${positionals[0]}' (see 'remediate --help')`);
      const formatValue = (stringOption(values, 'format') ?? 'table').toLowerCase();
      if (formatValue !== 'table' && formatValue !== 'json') throw new UsageError(`remediate: unknown --format '${formatValue}' (choose table, json)`);
      const format = formatValue;
      const applyPath = stringOption(values, 'apply');
      const rollbackPath = stringOption(values, 'rollback');
      const selected = sources.filter((source) => source.selects(values));
      if (rollbackPath !== undefined) {
        if (selected.length > 0 || applyPath !== undefined) throw new UsageError('remediate: --rollback reads the plan file only');
        if (rollbackPath === '') throw new UsageError('remediate: --rollback needs a plan file');
        return runRollback(rollbackPath, values, io, deps, format);
      }
      if (applyPath !== undefined) {
        if (selected.length > 0) throw new UsageError('remediate: --apply reads the plan file only; plan first (remediate --snapshot … --output plan.json), then apply');
        if (applyPath === '') throw new UsageError('remediate: --apply needs a plan file');
        return runApply(applyPath, values, io, deps, format);
      }
      const failOn = parseFailOn(stringOption(values, 'fail-on'), 'remediate');
      const ruleIds = parseRules(stringOption(values, 'rules'));
      const profile = parseProfile(stringOption(values, 'profile'), 'remediate');
      if (selected.length !== 1) throw new UsageError(`remediate: name one inventory: ${sources.map((source) => source.usage).join(' | ')}, or --apply FILE (see 'remediate --help')`);
      // Each plan is proven on an estate built again from the rows: they are read whole, not left in the file.
      const context = auditContext(io, { judgesOnce: false });
      const loaded = await (selected[0] as InventorySource).load(values, context);
      context.progress(`planning over ${loaded.inventory.resources.length} resources`);
      let lastProgress = 0;
      const onProgress = (done: number, total: number): void => {
        // A line a second at most, on a terminal only: each plan is proven on the whole estate.
        if (io.stderrIsTTY !== true || total < 20 || Date.now() - lastProgress < 1_000) return;
        lastProgress = Date.now();
        io.stderr.write(`aml-vnet-audit: planned ${done} of ${total} finding(s)…\n`);
      };
      const result = planRemediations(loaded.inventory, { ...(ruleIds !== undefined ? { ruleIds } : {}), profile, ...(deps.now ? { now: deps.now() } : {}), onProgress });
      const document: PlanDocument = { generatedAt: result.generatedAt, plans: result.plans };
      if (result.unjudged > 0) io.stderr.write(`aml-vnet-audit: ${result.unjudged} finding(s) are unknown and get no plan until they can be judged (see 'audit')\n`);
      const output = stringOption(values, 'output');
      if (output === '') throw new UsageError('remediate: --output needs a file name');
      const json = `${JSON.stringify(document, null, 2)}\n`;
      if (output !== undefined) {
        try {
          await writeFile(output, json);
        } catch (error) {
          throw new CliError(`remediate: cannot write ${output}: ${error instanceof Error ? error.message : String(error)}`);
        }
        io.stderr.write(`aml-vnet-audit: wrote ${document.plans.length} plan(s) to ${output}; review it, then: aml-vnet-audit remediate --apply ${output} --yes\n`);
      }
      if (output === undefined || format === 'table') io.stdout.write(format === 'json' ? json : renderPlansTable(document));
      const threshold = severityRank(failOn);
      return document.plans.some((plan) => severityRank(plan.severity) >= threshold) ? EXIT.findings : EXIT.ok;
    },
  };
}

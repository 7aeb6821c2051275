import { auditExitCode, createLiveInventorySource, createSnapshotCommand } from './live-commands';
import { createFindingsCommand, createStoreAuditHook, createSuppressCommand, withBareStoreFlag } from './store-commands';
import { createAuditCommand, exitCodeFor, snapshotInventorySource } from './audit-command';
import type { AuditHook, InventorySource } from './audit-command';
import { EXIT } from './io';
import type { CliCommand } from './io';
import { createRemediateCommand } from './remediate-command';
import { createRulesCommand } from './rules-command';

/*
 * The hook points of the command. Other modules plug in here, and nowhere else:
 *
 * - ./live-commands.ts (over src/live): its InventorySource (--subscription ID… | --management-group ID) and the
 *   `snapshot` command; an incomplete inventory exits 4 unless a fail already exits 1.
 * - ./store-commands.ts (over src/store): its AuditHook (`audit --store [CONNECTION]`) and the `findings` and
 *   `suppress` commands.
 */

export const inventorySources: readonly InventorySource[] = [snapshotInventorySource, createLiveInventorySource()];

export const auditHooks: readonly AuditHook[] = [createStoreAuditHook()];

/** Subcommands in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [
  withBareStoreFlag(
    createAuditCommand({
      sources: inventorySources,
      hooks: auditHooks,
      exitCode: (report, failOn) => auditExitCode({ failed: exitCodeFor(report, failOn) === EXIT.findings, incomplete: report.gaps.length > 0 }),
    }),
  ),
  createRemediateCommand(inventorySources),
  createRulesCommand(),
  createSnapshotCommand(),
  createFindingsCommand(),
  createSuppressCommand(),
];

import { createLiveInventorySource, createSnapshotCommand } from '../live/cli';
import { createAuditCommand, snapshotInventorySource } from './audit-command';
import type { AuditHook, InventorySource } from './audit-command';
import type { CliCommand } from './io';
import { createRulesCommand } from './rules-command';

/*
 * The hook points of the command. Other modules plug in here, and nowhere else:
 *
 * - src/live/cli.ts: add its InventorySource (--subscription ID… | --management-group ID) to
 *   `inventorySources`, and its `snapshot` command to `commands`.
 * - src/store/cli.ts: add its AuditHook (`audit --store`) to `auditHooks`, and its `findings`
 *   and `suppress` commands to `commands`.
 */

export const inventorySources: readonly InventorySource[] = [snapshotInventorySource, createLiveInventorySource()];

export const auditHooks: readonly AuditHook[] = [];

/** Subcommands in the order `--help` lists them. */
export const commands: readonly CliCommand[] = [
  createAuditCommand({ sources: inventorySources, hooks: auditHooks }),
  createRulesCommand(),
  createSnapshotCommand(),
];

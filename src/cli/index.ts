/** Public entry of the command: the in-process dispatcher and its hook points. */
export { runCli } from './run';
export type { CliCommand, CliIo } from './io';
export { CliError, EXIT, UsageError } from './io';
export { commands, inventorySources, auditHooks } from './commands';
export { createAuditCommand, snapshotInventorySource, exitCodeFor, artifactUri } from './audit-command';
export type { AuditCommandOptions, AuditContext, AuditHook, InventorySource, LoadedInventory } from './audit-command';
export { createRulesCommand } from './rules-command';
export { auditInventory } from './run-audit';
export type { AuditRunOptions } from './run-audit';

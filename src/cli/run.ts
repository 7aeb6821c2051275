import { SnapshotError } from '../inventory/snapshot';
import { UnknownRuleError } from '../engine/audit';
import { commands as defaultCommands } from './commands';
import type { CliCommand, CliIo } from './io';
import { CliError, EXIT } from './io';
import { packageVersion } from './package-info';

export type { CliIo } from './io';

const PROGRAM = 'aml-vnet-audit';

function topLevelHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Audits Azure Machine Learning network isolation against the rules of docs/rules.md.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Run '${PROGRAM} <command> --help' for a command's options.`,
    `Options: --help, --version`,
  ].join('\n');
}

/**
 * The whole command, in-process: parses argv (without "node" and the script), runs the
 * subcommand and answers its exit code. Bad usage and unreadable input print one line on
 * stderr and answer 2; nothing the user types produces a stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[] = defaultCommands): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? commands.find((command) => command.name === rest[0]) : undefined;
      io.stdout.write(`${topic?.help ?? topLevelHelp(commands)}\n`);
      return EXIT.ok;
    }
    if (first === '--version' || first === '-V' || first === 'version') {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT.ok;
    }
    const command = commands.find((candidate) => candidate.name === first);
    if (command === undefined) {
      throw new CliError(`unknown command '${oneLine(first)}' (commands: ${commands.map((candidate) => candidate.name).join(', ')}; see '${PROGRAM} --help')`);
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError || error instanceof SnapshotError || error instanceof UnknownRuleError) {
      io.stderr.write(`${PROGRAM}: ${oneLine(error.message)}\n`);
      return error instanceof CliError ? error.exitCode : EXIT.usage;
    }
    // A bug, not bad input: still one line unless asked for the stack.
    const message = error instanceof Error ? error.message : String(error);
    if ((io.env['AML_VNET_AUDIT_DEBUG'] ?? '') !== '' && error instanceof Error) io.stderr.write(`${error.stack ?? message}\n`);
    else io.stderr.write(`${PROGRAM}: internal error: ${oneLine(message)} (set AML_VNET_AUDIT_DEBUG=1 for details)\n`);
    return EXIT.internal;
  }
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

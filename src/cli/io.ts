/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly stdoutIsTTY: boolean;
  /** Progress goes to stderr only when it is a terminal. */
  readonly stderrIsTTY?: boolean;
  /** Terminal width for the table; 100 when unknown. */
  readonly columns?: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base for relative paths in SARIF; process.cwd() when absent. */
  readonly cwd?: string;
}

/**
 * An error the user can fix: bad usage or unusable input. The dispatcher prints its message as
 * one line on stderr and exits with `exitCode` (2, docs/interfaces.md). Other modules' commands throw it too.
 */
export class CliError extends Error {
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A subcommand of aml-vnet-audit (`audit`, `rules`; `snapshot`, `findings`, `suppress` plug in the same way). */
export interface CliCommand {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The command's own --help text. */
  readonly help: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/**
 * Exit codes of docs/interfaces.md (3 is ours: an internal error, i.e. a bug, never bad input; 4: the
 * inventory or a rule left gaps, so the report is incomplete and resolves nothing it did not judge).
 */
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3, incomplete: 4 } as const;

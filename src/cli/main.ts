#!/usr/bin/env node
import { runCli } from './run';

/** The `aml-vnet-audit` bin: real process streams in, exit code out. */

// `aml-vnet-audit … | head` closes the pipe early: that is the reader's choice, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  // A pseudo-terminal without a size reports 0 columns: treat that as unknown.
  ...(process.stdout.columns !== undefined && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {}),
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    // exitCode, not exit(): a large report still being written to a pipe must be flushed first.
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aml-vnet-audit: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);

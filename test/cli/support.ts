import type { CliIo } from '../../src/cli/io';

export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

/** An io that records what the command writes. */
export function captureIo(overrides: Partial<CliIo> = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    ...overrides,
    out: () => out,
    err: () => err,
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest's global setup: every temporary file of a test run (the tests' own, and those of the
 * servers and browsers they start) goes under one directory, removed when the run ends, so a run
 * leaves nothing behind even where a test cannot clean up after itself (a certificate a child
 * process still reads, a test that fails half way). `os.tmpdir()` reads TMPDIR (TEMP and TMP on
 * Windows), and the test processes and every process they start inherit it.
 */
export default function useOneTempRoot(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'aml-test-run-'));
  for (const name of ['TMPDIR', 'TEMP', 'TMP']) process.env[name] = root;
  return () => rmSync(root, { recursive: true, force: true });
}

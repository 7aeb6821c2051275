import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

// test/support/temp-root.ts: a run's temporary files go under one directory the run removes at its end.
describe('temporary files of a test run', () => {
  it('go under one directory of the run, in the tests and in the processes they start', () => {
    const root = tmpdir();
    expect(basename(root)).toMatch(/^aml-test-run-/);
    expect(existsSync(root)).toBe(true);
    expect(basename(dirname(root))).not.toMatch(/^aml-test-run-/);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
    expect(child.stdout).toBe(root);
  });
});

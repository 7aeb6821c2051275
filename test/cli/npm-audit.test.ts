import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/**
 * contract.md: `npm run --silent audit -- <args>` builds what it needs and prints nothing but the
 * command's own output. Run once: it compiles the project.
 */
describe('npm run --silent audit (the built command as a child process)', () => {
  it('prints only the JSON document for the sample estate', () => {
    const child = spawnSync('npm', ['run', '--silent', 'audit', '--', 'audit', '--snapshot', 'samples/sample-estate.json', '--format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 240_000,
      maxBuffer: 64 * 2 ** 20,
    });
    expect(child.error).toBeUndefined();
    expect([0, 1], `exit ${child.status}; stderr: ${child.stderr}; stdout starts: ${child.stdout.slice(0, 400)}`).toContain(child.status);
    const document = JSON.parse(child.stdout) as { generatedAt: string; summary: { resources: number }; findings: unknown[] };
    expect(child.stdout.trimStart().startsWith('{')).toBe(true);
    expect(Number.isNaN(Date.parse(document.generatedAt))).toBe(false);
    expect(document.summary.resources).toBeGreaterThan(50);
    expect(Array.isArray(document.findings)).toBe(true);
    expect(child.stderr).not.toMatch(/\n\s+at /);
  }, 300_000);

  it('exits 2 with one line naming a missing file', () => {
    const child = spawnSync('node', [join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'audit', '--snapshot', 'does-not-exist.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(child.status).toBe(2);
    expect(child.stdout).toBe('');
    expect(child.stderr).toBe('aml-vnet-audit: snapshot does-not-exist.json: file not found\n');
  });
});

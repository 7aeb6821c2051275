import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/**
 * docs/interfaces.md: `npm run --silent audit -- <args>` builds what it needs and prints nothing but the
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

/**
 * The package as users get it: `npm pack`, laid out in a temporary prefix as `npm install -g` lays
 * it out (lib/node_modules/<name>, an executable bin link), run from outside the repository. The
 * dependencies come from this checkout's node_modules: tests never reach the registry.
 */
describe('the packed package', () => {
  it('installs a working aml-vnet-audit command with everything it reads at run time', () => {
    const packDir = mkdtempSync(join(tmpdir(), 'aml-pack-'));
    const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir, '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(packed.status, packed.stderr).toBe(0);
    const [manifest] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const paths = (manifest?.files ?? []).map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['dist/src/cli/main.js', 'samples/sample-estate.json', 'src/rules/storage/default-deny.md', 'README.md', 'LICENSE', 'package.json']));
    // Nothing of the tests, the TypeScript sources or local settings ships.
    expect(paths.filter((path) => /^test\/|\.ts$|local\.settings\.json$|^\.azurite/.test(path))).toEqual([]);

    const prefix = mkdtempSync(join(tmpdir(), 'aml-prefix-'));
    const installed = join(prefix, 'lib', 'node_modules', 'aml-vnet-auditor');
    mkdirSync(installed, { recursive: true });
    const untar = spawnSync('tar', ['xzf', join(packDir, manifest?.filename ?? ''), '-C', installed, '--strip-components=1'], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    symlinkSync(join(ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
    mkdirSync(join(prefix, 'bin'));
    const bin = join(prefix, 'bin', 'aml-vnet-audit');
    symlinkSync(join('..', 'lib', 'node_modules', 'aml-vnet-auditor', 'dist', 'src', 'cli', 'main.js'), bin);
    chmodSync(join(installed, 'dist', 'src', 'cli', 'main.js'), 0o755);

    const elsewhere = mkdtempSync(join(tmpdir(), 'aml-cwd-'));
    const version = spawnSync(bin, ['--version'], { cwd: elsewhere, encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const audit = spawnSync(bin, ['audit', '--snapshot', join(installed, 'samples', 'sample-estate.json'), '--format', 'json'], { cwd: elsewhere, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    expect(audit.status, audit.stderr).toBe(1);
    expect((JSON.parse(audit.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(10);
    // SARIF carries each rule's doc, read from the docs shipped beside the code.
    const sarif = spawnSync(bin, ['audit', '--snapshot', join(installed, 'samples', 'sample-estate.json'), '--format', 'sarif', '--rules', 'nsg.batch-inbound'], { cwd: elsewhere, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    expect(sarif.stderr).toBe('');
    expect(sarif.stdout).toContain('29876');
    expect(sarif.stdout).toContain('## Recommendation');
    expect(readdirSync(join(installed, 'dist', 'src', 'cli'))).toContain('main.js');
  }, 180_000);
});

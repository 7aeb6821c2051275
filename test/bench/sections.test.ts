import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm run bench` from end to end at the sizes CI can afford (BENCH_SCALE=small, bench/scale.ts):
 * every section runs against its real parts (Azurite, the local Resource Graph and ARM server,
 * headless Chromium, the CLI as a process) and prints its lines. Nothing is measured here; the
 * point is that the bench a README figure comes from still runs. Built into its own directory
 * under dist/, so it never races a test that builds dist/ itself.
 */
const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'dist', 'bench-smoke');

describe('npm run bench at small sizes', () => {
  it('runs every section to the end, the stream section last with its summary line', () => {
    rmSync(OUT, { recursive: true, force: true });
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.bench.json'), '--outDir', OUT, '--tsBuildInfoFile', join(OUT, '.tsbuildinfo')], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 });
    // The dashboard's browser bundle, as `npm run build` writes it beside the built handler.
    const script = join(OUT, 'src', 'dashboard', 'script.js');
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(script)}).bundleDashboard(${JSON.stringify(join(OUT, 'src', 'dashboard', 'app.bundle.js'))})`], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
    const run = spawnSync(process.execPath, ['--expose-gc', join(OUT, 'bench', 'run.js')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 420_000,
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, BENCH_SCALE: 'small' },
    });
    const lines = run.stdout.split('\n');
    const failures = lines.filter((line) => /^[a-z-]+: (failed|skipped)/.test(line));
    expect(failures, run.stderr.split('\n').slice(-5).join('\n')).toEqual([]);
    expect(run.status).toBe(0);
    for (const section of ['estate:', 'store:', 'events:', 'events on cold instances:', 'dashboard:', 'shared-identity:', 'worker-memory:', 'remediation:', 'fanout:', 'stream:']) {
      expect(lines.some((line) => line.startsWith(section)), section).toBe(true);
    }
    // The fan-out in batches asks Resource Graph less than one subscription a message does.
    const requests = lines.filter((line) => line.includes('a message')).map((line) => Number(/(\d+) Resource Graph requests/.exec(line)?.[1]));
    expect(requests).toHaveLength(2);
    expect(requests[1]).toBeLessThan(requests[0] as number);
    // A burst over cold instances counts reads by ID (ARM GETs in Azure), with and without shared states.
    const cold = lines.filter((line) => /^ +\d+ instances? /.test(line));
    expect(cold).toHaveLength(3);
    for (const line of cold) expect(line.match(/\d+ ARM reads by ID/g)).toHaveLength(2);
    // The whole CLI against a bare parse: medians of runs taken one after the other.
    const cli = lines.filter((line) => line.startsWith('cli:'));
    expect(cli).toHaveLength(2);
    expect(cli[0]).toMatch(/^cli: \d+ resources, whole process pinned to one core, median of \d+: .* ms .* ms .*ratio \d+\.\d\d$/);
    expect(cli[1]).toMatch(/^cli: \d+ resources, whole process on every core \(\d+\), median of \d+: .* ms .* ms .*ratio \d+\.\d\d$/);
    expect(lines.filter((line) => line.trim() !== '').pop()).toMatch(/^bench: resources=\d+ peak_rss_mb=\d+ ratio=\d+\.\d\d$/);
  }, 700_000);
});

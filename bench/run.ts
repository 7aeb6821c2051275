import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditEstate } from '../src/engine/audit';
import { buildEstate } from '../src/estate';
import type { Estate } from '../src/estate';
import { parseSnapshot } from '../src/inventory/snapshot';
import { allRules } from '../src/rules/registry';
import { generateEstate } from './generate';
import { benchRuns, median, scaled } from './scale';

/**
 * `npm run bench`: a list of sections, each printing its own lines. The estate section measures
 * the offline audit at 10k and 100k resources; further sections (the findings store, and any
 * other engineer's) are optional modules loaded only when present.
 *
 * Each size is measured in a fresh child process (pinned to one core with taskset when it
 * exists), so peak RSS is that of loading, indexing and evaluating that estate alone, not of
 * generating it. Every timing is the median of BENCH_RUNS runs (default 3).
 */

export interface BenchSection {
  readonly name: string;
  run(): Promise<readonly string[]>;
}

/** Sections other modules provide: `module` relative to this file, exporting `exportName(): Promise<string[]>`. */
const OPTIONAL_SECTIONS: readonly { readonly name: string; readonly module: string; readonly exportName: string }[] = [
  { name: 'store', module: './store', exportName: 'benchStore' },
  { name: 'events', module: './events', exportName: 'benchEvents' },
  { name: 'dashboard', module: './dashboard', exportName: 'benchDashboard' },
  { name: 'shared-identity', module: './shared-identity', exportName: 'benchSharedIdentity' },
  { name: 'worker-memory', module: './worker-memory', exportName: 'benchWorkerMemory' },
  { name: 'remediation', module: './remediation', exportName: 'benchRemediation' },
  { name: 'fanout', module: './fanout', exportName: 'benchFanout' },
  // Last: its final line is the bench's summary at a million resources.
  { name: 'stream', module: './stream', exportName: 'benchStream' },
];

export interface EstateMeasurement {
  readonly resources: number;
  readonly fileMb: number;
  readonly parseMs: number;
  /** parseSnapshot alone: JSON.parse plus the edge validation. */
  readonly loadMs: number;
  readonly loadIndexMs: number;
  readonly evaluateMs: number;
  readonly ratio: number;
  readonly peakRssMb: number;
  readonly evaluations: number;
  readonly findings: number;
}

const progress = (message: string): void => {
  if (process.stderr.isTTY === true) process.stderr.write(`bench: ${message}…\n`);
};

function sizes(): number[] {
  const fromEnv = (process.env['BENCH_SIZES'] ?? '')
    .split(',')
    .map((value) => Number(value.trim()))
    .filter((value) => Number.isInteger(value) && value > 0);
  return fromEnv.length > 0 ? fromEnv : [scaled(10_000, 500), scaled(100_000, 1_000)];
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs in the child: measure one snapshot file. */
export function measureFile(path: string, runCount: number): EstateMeasurement {
  const text = readFileSync(path, 'utf8');
  const parse: number[] = [];
  const load: number[] = [];
  const loadIndex: number[] = [];
  const evaluate: number[] = [];
  // One untimed pass first, so the timed runs measure optimised code rather than V8 warming up.
  let estate: Estate | undefined = buildEstate(parseSnapshot(text, path));
  auditEstate(estate, { rules: allRules });
  let evaluations = 0;
  let findings = 0;
  for (let run = 0; run < runCount; run++) {
    collectGarbage();
    let start = process.hrtime.bigint();
    JSON.parse(text);
    parse.push(elapsedMs(start));

    collectGarbage();
    start = process.hrtime.bigint();
    parseSnapshot(text, path);
    load.push(elapsedMs(start));

    // Drop the previous run's estate first, so peak RSS holds one estate, as a real audit does.
    estate = undefined;
    collectGarbage();
    start = process.hrtime.bigint();
    estate = buildEstate(parseSnapshot(text, path));
    loadIndex.push(elapsedMs(start));

    collectGarbage();
    start = process.hrtime.bigint();
    const result = auditEstate(estate, { rules: allRules });
    evaluate.push(elapsedMs(start));
    evaluations = result.summary.evaluations;
    findings = result.findings.length;
  }
  const parseMs = median(parse);
  const evaluateMs = median(evaluate);
  return {
    resources: estate?.resourceCount ?? 0,
    fileMb: text.length / 2 ** 20,
    parseMs,
    loadMs: median(load),
    loadIndexMs: median(loadIndex),
    evaluateMs,
    ratio: evaluateMs / parseMs,
    // maxRSS is in kilobytes.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    evaluations,
    findings,
  };
}

function hasTaskset(): boolean {
  return spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
}

function measureInChild(path: string): EstateMeasurement {
  const node = [process.execPath, '--expose-gc', '--max-old-space-size=8192', __filename, '--measure', path, String(benchRuns())];
  const [command, ...args] = hasTaskset() ? ['taskset', '-c', '0', ...node] : node;
  const child = spawnSync(command as string, args, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (child.status !== 0) throw new Error(`measuring ${path} failed (exit ${child.status}): ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as EstateMeasurement;
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);

export const estateSection: BenchSection = {
  name: 'estate',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'aml-bench-'));
    const measurements: EstateMeasurement[] = [];
    try {
      for (const size of sizes()) {
        progress(`generating ${size} resources`);
        const generated = generateEstate({ resources: size, seed: 20261124 });
        const path = join(dir, `estate-${size}.json`);
        writeFileSync(path, JSON.stringify({ capturedAt: '2026-11-24T00:00:00.000Z', resources: generated.resources, serviceTags: generated.serviceTags }));
        progress(`measuring ${size} resources (${benchRuns()} runs)`);
        measurements.push(measureInChild(path));
        rmSync(path, { force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const header = ['resources', 'file_mb', 'parse_ms', 'load_ms', 'load+index_ms', 'evaluate_ms', 'ratio', 'peak_rss_mb', 'evaluations', 'findings'];
    const rows = measurements.map((m) => [String(m.resources), fixed(m.fileMb), fixed(m.parseMs), fixed(m.loadMs), fixed(m.loadIndexMs), fixed(m.evaluateMs), fixed(m.ratio, 2), fixed(m.peakRssMb, 0), String(m.evaluations), String(m.findings)]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
    const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
    const largest = measurements.reduce<EstateMeasurement | undefined>((best, m) => (best === undefined || m.resources > best.resources ? m : best), undefined);
    return [
      `estate: offline audit, ${allRules.length} rules, median of ${benchRuns()} runs, one process per size${hasTaskset() ? ' pinned to one core' : ''}`,
      line(header),
      ...rows.map(line),
      ...(largest !== undefined
        ? [`bench: resources=${largest.resources} parse_ms=${fixed(largest.parseMs)} evaluate_ms=${fixed(largest.evaluateMs)} ratio=${fixed(largest.ratio, 2)} peak_rss_mb=${fixed(largest.peakRssMb, 0)}`]
        : []),
    ];
  },
};

/** Loads an optional section; undefined when its module is not there. */
function optionalSection(entry: (typeof OPTIONAL_SECTIONS)[number]): BenchSection | undefined {
  let loaded: Record<string, unknown>;
  try {
    // A computed specifier: the module may not exist in this build, and that is fine.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, and require() tells a missing module apart synchronously
    loaded = require(entry.module) as Record<string, unknown>;
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? (error as { code: unknown }).code : undefined;
    if (code === 'MODULE_NOT_FOUND' && error instanceof Error && error.message.includes(entry.module)) return undefined;
    throw error;
  }
  const run = loaded[entry.exportName];
  if (typeof run !== 'function') return undefined;
  return { name: entry.name, run: async () => (await (run as () => Promise<readonly string[]>)()).map(String) };
}

export async function runBench(out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  let failed = 0;
  const runSection = async (section: BenchSection): Promise<void> => {
    progress(`section ${section.name}`);
    try {
      for (const line of await section.run()) out(line);
    } catch (error) {
      failed++;
      out(`${section.name}: failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    out('');
  };
  await runSection(estateSection);
  // Optional modules load just before they run, so whatever they print at load time lands in their own section.
  for (const entry of OPTIONAL_SECTIONS) {
    let section: BenchSection | undefined;
    try {
      section = optionalSection(entry);
    } catch (error) {
      failed++;
      out(`${entry.name}: failed to load: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (section === undefined) out(`${entry.name}: skipped (${entry.module} not present)`);
    else await runSection(section);
  }
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  const measureAt = process.argv.indexOf('--measure');
  if (measureAt !== -1) {
    const path = process.argv[measureAt + 1] ?? '';
    process.stdout.write(`${JSON.stringify(measureFile(path, Number(process.argv[measureAt + 2] ?? '3')))}\n`);
  } else {
    runBench().then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
  }
}

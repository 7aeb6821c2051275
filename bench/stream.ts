import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditFindings } from '../src/engine/audit';
import { buildEstate } from '../src/estate';
import { JsonRowSplitter } from '../src/inventory/json-rows';
import { FOR_ONE_AUDIT, loadSnapshotFile } from '../src/inventory/snapshot';
import { writeGeneratedSnapshot } from './generate';
import { benchRuns, median, scaled } from './scale';

/**
 * `npm run bench`, section "stream": snapshot files read as a stream (src/inventory/json-rows.ts)
 * at 100k and 1M resources, and the whole CLI process on 30k. Each figure comes from a fresh
 * process (pinned to one core where taskset exists), so its peak RSS is that work's alone.
 *
 * - floor: read the file and JSON.parse every row, keeping nothing: the least any reader of the
 *   file must do;
 * - audit: loadSnapshotFile as the CLI reads a file (FOR_ONE_AUDIT: rows of types no rule reads
 *   dropped as they are parsed, large network security groups left in the file until a rule
 *   reads them), buildEstate, auditFindings with the default rules (what the CLI keeps when it
 *   stores nothing: findings, every verdict counted); ratio = audit / floor.
 * - cli: `aml-vnet-audit audit --snapshot … --format json` as a user runs it, against
 *   `node -e "JSON.parse(fs.readFileSync(file))"` (the contract's floor for a whole process).
 *
 * BENCH_STREAM_SIZES (default 100000,1000000) and BENCH_CLI_SIZE (default 30000) change the sizes.
 */

interface StreamMeasurement {
  readonly ms: number;
  readonly peakRssMb: number;
  readonly rows?: number;
  readonly resources?: number;
  readonly evaluations?: number;
  readonly loadMs?: number;
  readonly indexMs?: number;
  readonly evaluateMs?: number;
}

const elapsed = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

/** Child: read and parse every row of the file, keeping none. */
async function floor(path: string): Promise<StreamMeasurement> {
  const start = process.hrtime.bigint();
  let rows = 0;
  const splitter = new JsonRowSplitter({ row: () => void rows++ });
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 2 ** 20 })) splitter.write(chunk as Buffer);
  splitter.end();
  return { ms: elapsed(start), peakRssMb: peakRssMb(), rows };
}

/** Child: the audit of the file, phase by phase. */
async function audit(path: string): Promise<StreamMeasurement> {
  const start = process.hrtime.bigint();
  const inventory = await loadSnapshotFile(path, FOR_ONE_AUDIT);
  const loadMs = elapsed(start);
  let phase = process.hrtime.bigint();
  const estate = buildEstate(inventory);
  const indexMs = elapsed(phase);
  phase = process.hrtime.bigint();
  const result = auditFindings(estate);
  const evaluateMs = elapsed(phase);
  return { ms: elapsed(start), peakRssMb: peakRssMb(), resources: estate.resourceCount, rows: inventory.resources.length, evaluations: result.summary.evaluations, loadMs, indexMs, evaluateMs };
}

function pinned(args: readonly string[]): [string, string[]] {
  const taskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  return taskset ? ['taskset', ['-c', '0', ...args]] : [args[0] as string, args.slice(1)];
}

function inChild(kind: 'floor' | 'audit', path: string): StreamMeasurement {
  const [command, args] = pinned([process.execPath, '--max-old-space-size=8192', __filename, `--${kind}`, path]);
  const child = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (child.status !== 0) throw new Error(`${kind} of ${path} failed (exit ${child.status}): ${child.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as StreamMeasurement;
}

interface WholeProcess {
  readonly ms: number;
  readonly peakRssMb: number | undefined;
}

function medianOf(runs: readonly WholeProcess[]): WholeProcess {
  const peaks = runs.map((run) => run.peakRssMb).filter((peak): peak is number => peak !== undefined);
  return { ms: median(runs.map((run) => run.ms)), peakRssMb: peaks.length > 0 ? median(peaks) : undefined };
}

/** A whole process, wall time and peak RSS (GNU time when present). */
function wholeProcess(args: readonly string[], onOneCore: boolean): WholeProcess {
  const time = spawnSync('/usr/bin/time', ['--version'], { stdio: 'ignore' }).status === 0;
  const timed = time ? ['/usr/bin/time', '-f', 'maxrss_kb=%M', ...args] : [...args];
  const [command, rest] = onOneCore ? pinned(timed) : [timed[0] as string, timed.slice(1)];
  const start = process.hrtime.bigint();
  const child = spawnSync(command, rest, { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const ms = elapsed(start);
  if (child.status !== 0 && child.status !== 1) throw new Error(`${args.join(' ')} failed (exit ${child.status}): ${child.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const rss = /maxrss_kb=(\d+)/.exec(child.stderr)?.[1];
  return { ms, peakRssMb: rss !== undefined ? Number(rss) / 1024 : undefined };
}

function sizes(variable: string, fallback: readonly number[]): number[] {
  const values = (process.env[variable] ?? '').split(',').map((value) => Number(value.trim())).filter((value) => Number.isInteger(value) && value > 0);
  return values.length > 0 ? values : [...fallback];
}

const fixed = (value: number | undefined, digits = 0): string => (value === undefined ? '-' : value.toFixed(digits));

export async function benchStream(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'aml-bench-stream-'));
  const lines: string[] = [];
  try {
    lines.push('stream: snapshot read as a stream, rows of types no rule reads dropped; one process per figure');
    lines.push('resources  file_mb  floor_ms  audit_ms  (load  index  evaluate)  ratio  peak_rss_mb  evaluations');
    let last: { resources: number; peak: number; ratio: number } | undefined;
    for (const size of sizes('BENCH_STREAM_SIZES', [scaled(100_000, 1_000), scaled(1_000_000, 2_000)])) {
      const path = join(dir, `estate-${size}.json`);
      if (process.stderr.isTTY === true) process.stderr.write(`bench: writing ${size} resources…\n`);
      const bytes = await writeGeneratedSnapshot(path, { resources: size, seed: 20261124 });
      if (process.stderr.isTTY === true) process.stderr.write(`bench: reading ${size} resources…\n`);
      const bare = inChild('floor', path);
      const full = inChild('audit', path);
      rmSync(path, { force: true });
      const ratio = full.ms / bare.ms;
      lines.push(
        [size, fixed(bytes / 2 ** 20), fixed(bare.ms), fixed(full.ms), `(${fixed(full.loadMs)}`, fixed(full.indexMs), `${fixed(full.evaluateMs)})`, fixed(ratio, 2), fixed(full.peakRssMb), full.evaluations ?? '-'].join('  '),
      );
      last = { resources: size, peak: full.peakRssMb, ratio };
    }

    const cliSize = sizes('BENCH_CLI_SIZE', [scaled(30_000, 500)])[0] as number;
    const path = join(dir, `cli-${cliSize}.json`);
    await writeGeneratedSnapshot(path, { resources: cliSize, seed: 20261124 });
    const main = join(__dirname, '..', 'src', 'cli', 'main.js');
    // One after the other, several times: a single pair on a shared machine swings the ratio by ±0.5.
    // Pinned to one core as the rest of this section, and on every core as a user runs it: the
    // collector's helper threads then run beside the audit instead of taking turns with it.
    for (const onOneCore of [true, false]) {
      const parses: WholeProcess[] = [];
      const clis: WholeProcess[] = [];
      for (let run = 0; run < benchRuns(); run++) {
        parses.push(wholeProcess([process.execPath, '-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(path)}, 'utf8'))`], onOneCore));
        clis.push(wholeProcess([process.execPath, main, 'audit', '--snapshot', path, '--format', 'json', '--output', join(dir, 'out.json')], onOneCore));
      }
      const parse = medianOf(parses);
      const cli = medianOf(clis);
      lines.push(
        `cli: ${cliSize} resources, whole process ${onOneCore ? 'pinned to one core' : `on every core (${availableParallelism()})`}, median of ${clis.length}: aml-vnet-audit audit --format json ${fixed(cli.ms)} ms (peak ${fixed(cli.peakRssMb)} MB), node -e JSON.parse ${fixed(parse.ms)} ms (peak ${fixed(parse.peakRssMb)} MB), ratio ${fixed(cli.ms / parse.ms, 2)}`,
      );
    }
    if (last !== undefined) lines.push(`bench: resources=${last.resources} peak_rss_mb=${fixed(last.peak)} ratio=${fixed(last.ratio, 2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

if (require.main === module) {
  const kind = process.argv[2];
  const path = process.argv[3] ?? '';
  const work = kind === '--floor' ? floor(path) : kind === '--audit' ? audit(path) : undefined;
  if (work === undefined) {
    benchStream().then(
      (lines) => process.stdout.write(`${lines.join('\n')}\n`),
      (error: unknown) => {
        process.stderr.write(`bench stream: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
  } else {
    work.then(
      (measurement) => process.stdout.write(`${JSON.stringify(measurement)}\n`),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
  }
}

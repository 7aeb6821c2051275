/** The default command table: live, store and snapshot pieces wired into one `aml-vnet-audit`. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run';
import { storageAccount } from '../support/arm';
import { compliantRows, ids, withRow } from '../support/scenario';
import { captureIo } from './support';

function snapshotFile(document: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'aml-wiring-')), 'estate.json');
  writeFileSync(path, JSON.stringify(document));
  return path;
}

describe('aml-vnet-audit command table', () => {
  it('lists the audit, rules, snapshot, findings and suppress commands', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const name of ['audit', 'rules', 'snapshot', 'findings', 'suppress']) expect(io.out()).toContain(name);
  });

  it('exits 4 when an otherwise clean audit read an incomplete inventory', async () => {
    const path = snapshotFile({ resources: compliantRows(), incomplete: true, gaps: [{ scope: 'subscription 2', reason: 'AuthorizationFailed' }] });
    const io = captureIo();
    expect(await runCli(['audit', '--snapshot', path, '--format', 'json', '--fail-on', 'high'], io)).toBe(4);
    const report = JSON.parse(io.out()) as { incomplete?: boolean; gaps?: unknown[] };
    expect(report.incomplete).toBe(true);
    expect(report.gaps).toHaveLength(1);
  });

  it('still exits 1 when a fail is found in an incomplete inventory', async () => {
    const rows = withRow(compliantRows(), storageAccount({ name: 'stmlws', defaultAction: 'Allow' }));
    const path = snapshotFile({ resources: rows, incomplete: true, gaps: [] });
    const io = captureIo();
    expect(await runCli(['audit', '--snapshot', path, '--format', 'json', '--fail-on', 'high'], io)).toBe(1);
    expect(io.out()).toContain(ids.storage);
  });

  it('answers a bare --store flag with the store, not a usage error about its value', async () => {
    const io = captureIo();
    const code = await runCli(['audit', '--snapshot', '/nonexistent/estate.json', '--store'], io);
    expect(code).toBe(2);
    expect(io.err()).toContain('/nonexistent/estate.json');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY, findingFingerprint, renderSarif, sarifLevel } from '../../src/report';
import { allRules } from '../../src/rules/registry';
import { STORAGE, findings, report, ruleMeta } from './fixtures';

/**
 * The official OASIS schema (see fixtures/sarif-schema-2.1.0.SOURCE.md) declares draft-04; Ajv 8
 * reads it as draft-07 once the top-level `id` is `$id`. The three formats it uses are added here.
 */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'https://base.example/'));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)));
  return ajv.compile({ ...rest, $id: String(id) });
}

const validate = sarifValidator();
const rules = [ruleMeta('storage.default-deny', 'high'), ruleMeta('nsg.batch-inbound', 'high'), ruleMeta('nsg.ssh-exposed', 'medium'), ruleMeta('studio.storage-features', 'info')];

function sarif(options: Parameters<typeof renderSarif>[2] = { artifactUri: 'samples/sample-estate.json', toolVersion: '0.1.0' }) {
  return JSON.parse(renderSarif(report({ gaps: [{ scope: 'sub', reason: 'throttled' }], warnings: ['skipped rows'] }), rules, options)) as {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a SARIF document, read field by field
    runs: Array<{ tool: { driver: { name: string; rules: Array<Record<string, any>> } }; results: Array<Record<string, any>> }>;
  };
}

describe('renderSarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const log = sarif();
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('validates without an artifact and with the real registry', () => {
    expect(validate(JSON.parse(renderSarif(report(), allRules, {})))).toBe(true);
    expect(validate(JSON.parse(renderSarif(report({ findings: [] }), allRules)))).toBe(true);
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const log = sarif();
    delete log.runs[0]!.results[0]!['message'];
    expect(validate(log)).toBe(false);
  });

  it('has one run with driver aml-vnet-audit and a descriptor per rule', () => {
    const log = sarif();
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0]!.tool.driver;
    expect(driver.name).toBe('aml-vnet-audit');
    const storage = driver.rules.find((rule) => rule['id'] === 'storage.default-deny')!;
    expect(storage['shortDescription']).toEqual({ text: 'Title of storage.default-deny' });
    expect(storage['fullDescription']).toEqual({ text: 'Description of storage.default-deny.' });
    expect(storage['help'].markdown).toContain('Remediation of storage.default-deny.');
    expect(storage['defaultConfiguration'].level).toBe('error');
    expect(storage['properties']['security-severity']).toBe('8.0');
    expect(storage['properties'].tags).toContain('storage');
    // A rule that had findings but was not listed still gets a descriptor.
    expect(driver.rules.map((rule) => rule['id'])).toContain('route.forced-tunnel-batch');
  });

  it('maps severities to levels', () => {
    expect([sarifLevel('high'), sarifLevel('medium'), sarifLevel('low'), sarifLevel('info')]).toEqual(['error', 'warning', 'note', 'note']);
  });

  it('locates each result at its resource, logically, and at the snapshot file for code scanning', () => {
    const log = sarif();
    const result = log.runs[0]!.results.find((entry) => entry['ruleId'] === 'storage.default-deny')!;
    const location = result['locations'][0];
    expect(location.logicalLocations[0]).toMatchObject({ fullyQualifiedName: STORAGE, kind: 'resource' });
    expect(location.physicalLocation.artifactLocation.uri).toBe('samples/sample-estate.json');
    expect(location.physicalLocation.region.startLine).toBe(1);
    const driverRules = log.runs[0]!.tool.driver.rules;
    expect(driverRules[result['ruleIndex']]?.['id']).toBe('storage.default-deny');
  });

  it('gives stable fingerprints of rule and case-folded resource ID', () => {
    const log = sarif();
    const result = log.runs[0]!.results.find((entry) => entry['ruleId'] === 'storage.default-deny')!;
    expect(result['partialFingerprints'][FINGERPRINT_KEY]).toBe(findingFingerprint('storage.default-deny', STORAGE.toUpperCase()));
    expect(findingFingerprint('a', 'x')).not.toBe(findingFingerprint('b', 'x'));
    const prints = log.runs[0]!.results.map((entry) => entry['partialFingerprints'][FINGERPRINT_KEY]);
    expect(new Set(prints).size).toBe(findings.length - 1 + 1);
  });

  it('reports unknown verdicts as notes with a status property', () => {
    const log = sarif();
    const unknown = log.runs[0]!.results.find((entry) => entry['ruleId'] === 'route.forced-tunnel-batch')!;
    expect(unknown['level']).toBe('note');
    expect(unknown['properties'].status).toBe('unknown');
    const fail = log.runs[0]!.results.find((entry) => entry['ruleId'] === 'nsg.ssh-exposed')!;
    expect(fail['level']).toBe('warning');
  });
});

describe('renderSarif on the sample estate with the real registry', () => {
  it('validates against the schema', async () => {
    const { readFileSync: read } = await import('node:fs');
    const { parseSnapshot } = await import('../../src/inventory/snapshot');
    const { auditInventory } = await import('../../src/cli/run-audit');
    const path = join(__dirname, '..', '..', 'samples', 'sample-estate.json');
    const report = auditInventory(parseSnapshot(read(path, 'utf8'), path));
    const log = JSON.parse(renderSarif(report, allRules, { artifactUri: 'samples/sample-estate.json', toolVersion: '0.1.0' }));
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(log.runs[0].results).toHaveLength(report.findings.length);
  });
});

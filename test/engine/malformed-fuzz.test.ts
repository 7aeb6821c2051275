import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit';
import { buildEstate } from '../../src/estate';
import { parseSnapshot } from '../../src/inventory/snapshot';
import type { ResourceRow } from '../../src/inventory/types';

/**
 * Damage one row of the sample at a time, in every way that is not Azure's "unset" (properties
 * missing or not an object; a property, or a list's first element, of another JSON kind), and
 * require that no finding is lost to it: every fail or unknown stays a fail or unknown, or, where
 * the damage hides its subject, the run says it is incomplete (so no store resolves it).
 * A property the readers start to read without its kind in src/estate/shape.ts fails here.
 */

const SAMPLE = readFileSync(join(__dirname, '..', '..', 'samples', 'sample-estate.json'), 'utf8');
type Document = { resources: ResourceRow[] } & Record<string, unknown>;

function judge(document: Document) {
  const result = auditEstate(buildEstate(parseSnapshot(JSON.stringify(document), 'sample')));
  const verdicts = new Map<string, string>();
  for (const evaluation of result.evaluations) verdicts.set(`${evaluation.ruleId} ${evaluation.resourceId.toLowerCase()}`, evaluation.status);
  return { verdicts, incomplete: result.malformedRows.length > 0 || result.ruleErrors.length > 0 };
}

type Damage = readonly [string, (properties: Record<string, unknown>) => unknown];

/** Every damage of a row's properties, as [name, properties → new properties]. */
function damagesOf(properties: unknown): Damage[] {
  const damages: Damage[] = [
    ['properties removed', () => undefined],
    ['properties null', () => null],
    ['properties a string', () => 'x'],
    ['properties a list', () => [properties]],
  ];
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return damages;
  for (const [name, value] of Object.entries(properties)) {
    damages.push([`${name} a number`, (copy) => ({ ...copy, [name]: typeof value === 'number' ? 'x' : 7 })]);
    if (Array.isArray(value) && value.length > 0) {
      damages.push([`${name}[0] a number`, (copy) => ({ ...copy, [name]: [7, ...value.slice(1)] })]);
      if (typeof value[0] === 'object' && value[0] !== null) damages.push([`${name}[0].properties a string`, (copy) => ({ ...copy, [name]: [{ ...(value[0] as object), properties: 'x' }, ...value.slice(1)] })]);
    }
  }
  return damages;
}

describe('a damaged row never loses a finding', () => {
  const base = JSON.parse(SAMPLE) as Document;
  const before = judge(base);
  const failing = [...before.verdicts].filter(([, status]) => status === 'fail' || status === 'unknown');
  // One row of each type the sample holds: every reader, at a fraction of the cost of every row.
  const rows = [...new Map(base.resources.map((row, index) => [String(row.type).toLowerCase(), index])).values()];

  it('holds for one row of each type, every damage', () => {
    expect(failing.length).toBeGreaterThan(20);
    const lost: string[] = [];
    for (const index of rows) {
      const row = base.resources[index] as ResourceRow;
      for (const [damage, apply] of damagesOf(row.properties)) {
        const document = JSON.parse(SAMPLE) as Document;
        const target = document.resources[index] as ResourceRow;
        document.resources[index] = { ...target, properties: apply(target.properties as Record<string, unknown>) };
        const after = judge(document);
        for (const [key, status] of failing) {
          const now = after.verdicts.get(key);
          if (now === 'fail' || now === 'unknown' || (now === undefined && after.incomplete)) continue;
          lost.push(`${String(row.type)} with ${damage}: ${key} ${status} -> ${now ?? 'absent, run complete'}`);
        }
      }
    }
    expect(lost).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { buildServiceTagIndex, splitRegionalTag } from '../../src/network';
import { TAGS } from './fixtures';

describe('splitRegionalTag', () => {
  it.each([
    ['Storage.EastUS', { base: 'Storage', region: 'EastUS' }],
    ['Storage.eastus2', { base: 'Storage', region: 'eastus2' }],
    ['AzureCloud.westeurope', { base: 'AzureCloud', region: 'westeurope' }],
    ['AzureFrontDoor.Frontend', undefined],
    ['AzureFrontDoor.Backend', undefined],
    ['AzureFrontDoor.FirstParty', undefined],
    ['Storage', undefined],
    ['.EastUS', undefined],
    ['Storage.', undefined],
    ['x'.repeat(10_000), undefined],
  ])('%s → %j', (name, expected) => expect(splitRegionalTag(name)).toEqual(expected));
});

describe('buildServiceTagIndex', () => {
  it('has no data without entries', () => {
    for (const entries of [undefined, []]) {
      const index = buildServiceTagIndex(entries);
      expect(index.hasData).toBe(false);
      expect(index.prefixesOf('Storage')).toBeUndefined();
      expect(index.regionalPrefixes('Storage', 'eastus')).toBeUndefined();
    }
  });

  it('looks names up case-insensitively', () => {
    const index = buildServiceTagIndex(TAGS);
    expect(index.hasData).toBe(true);
    expect(index.prefixesOf('storage.EASTUS')).toEqual(['20.38.98.0/24', '52.239.152.0/22']);
    expect(index.prefixesOf('Nope')).toBeUndefined();
  });

  it('answers T.R, else T when the data has no regional entry', () => {
    const index = buildServiceTagIndex(TAGS);
    expect(index.regionalPrefixes('Storage', 'East US')).toEqual(['20.38.98.0/24', '52.239.152.0/22']);
    expect(index.regionalPrefixes('Storage', 'eastus')).toEqual(['20.38.98.0/24', '52.239.152.0/22']);
    expect(index.regionalPrefixes('Storage', 'northeurope')).toEqual(index.prefixesOf('Storage'));
    expect(index.regionalPrefixes('Storage', undefined)).toEqual(index.prefixesOf('Storage'));
    expect(index.regionalPrefixes('Storage.WestUS', 'eastus')).toEqual(['20.60.0.0/24']);
    expect(index.regionalPrefixes('AzureActiveDirectory', 'eastus')).toEqual(['20.190.128.0/18', '2603:1006:2000::/48']);
    expect(index.regionalPrefixes('AzureFrontDoor.Frontend', 'eastus')).toEqual(['13.107.246.0/24']);
    expect(index.regionalPrefixes('Unknown', 'eastus')).toBeUndefined();
  });

  it('skips malformed entries without throwing', () => {
    const index = buildServiceTagIndex([
      null,
      5,
      { name: 7 },
      { name: 'x'.repeat(500), properties: { addressPrefixes: ['1.0.0.0/8'] } },
      { name: 'Ok', properties: { addressPrefixes: ['1.2.3.0/24', 5, null, 'garbage'] } },
      { name: 'NoProps' },
    ] as never);
    expect(index.prefixesOf('Ok')).toEqual(['1.2.3.0/24', 'garbage']);
    expect(index.prefixesOf('NoProps')).toEqual([]);
  });
});

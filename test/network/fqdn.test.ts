import { describe, expect, it } from 'vitest';
import { fqdnCovers } from '../../src/network';

describe('fqdnCovers (Azure Firewall target FQDNs)', () => {
  it.each([
    ['*', 'ml.azure.com', true],
    ['*', '*.azureml.ms', true],
    ['*.azureml.ms', '*.azureml.ms', true],
    ['*.azureml.ms', 'a.azureml.ms', true],
    ['*.azureml.ms', 'a.b.azureml.ms', true],
    ['*.azureml.ms', 'azureml.ms', false],
    ['*.azureml.ms', 'notazureml.ms', false],
    ['*.azureml.ms', 'a.azureml.ms.evil.com', false],
    ['*.AzureML.MS', 'A.azureml.ms', true],
    ['*.core.windows.net', '*.batchai.core.windows.net', true],
    ['*.batchai.core.windows.net', '*.core.windows.net', false],
    ['*.windows.net', '*.batchai.core.windows.net', true],
    ['ml.azure.com', 'ml.azure.com', true],
    ['ML.Azure.com.', 'ml.azure.com', true],
    ['ml.azure.com', 'x.ml.azure.com', false],
    ['ml.azure.com', '*.azure.com', false],
    ['x.ml.azure.com', 'ml.azure.com', false],
    ['*.azure.com', 'ml.azure.com', true],
    ['*.azure.com', '*', false],
    ['a.azureml.ms', '*.azureml.ms', false],
    ['*azureml.ms', 'a.azureml.ms', false],
    ['*.', 'a.b', false],
    ['', 'a.b', false],
    ['*.azureml.ms', '', false],
  ])('%j covers %j → %s', (pattern, required, expected) => {
    expect(fqdnCovers(pattern, required)).toBe(expected);
  });

  it('never throws on hostile input', () => {
    expect(fqdnCovers('x'.repeat(10_000), 'x'.repeat(10_000))).toBe(false);
    expect(fqdnCovers(null as unknown as string, 'a')).toBe(false);
    expect(fqdnCovers('*', 5 as unknown as string)).toBe(false);
  });
});

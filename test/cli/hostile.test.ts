import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run';
import { captureIo } from './support';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-hostile`;
const TYPES = [
  ['Microsoft.MachineLearningServices', 'workspaces'],
  ['Microsoft.Network', 'virtualNetworks'],
  ['Microsoft.Network', 'networkSecurityGroups'],
  ['Microsoft.Network', 'routeTables'],
  ['Microsoft.Network', 'networkInterfaces'],
  ['Microsoft.Network', 'privateEndpoints'],
  ['Microsoft.Network', 'azureFirewalls'],
  ['Microsoft.Storage', 'storageAccounts'],
  ['Microsoft.KeyVault', 'vaults'],
  ['Microsoft.ContainerRegistry', 'registries'],
  ['Microsoft.ContainerService', 'managedClusters'],
  ['Microsoft.Compute', 'virtualMachines'],
  ['Microsoft.HDInsight', 'clusters'],
  ['Microsoft.Databricks', 'workspaces'],
  ['Microsoft.ContainerInstance', 'containerGroups'],
] as const;

/** Every kind of junk a hostile or broken inventory can hold, in every property the estate reads. */
const JUNK: readonly unknown[] = [null, 42, 'x'.repeat(10_000), [], [null, 1, 'a'], { __proto__: { polluted: true } }, true, { id: 17 }, { properties: null }];

function hostileRows(): string {
  const rows: string[] = [];
  TYPES.forEach(([provider, type], typeIndex) => {
    JUNK.forEach((junk, junkIndex) => {
      const id = `${RG}/providers/${provider}/${type}/junk-${typeIndex}-${junkIndex}`;
      const value = JSON.stringify(junk);
      rows.push(
        `{"id": ${JSON.stringify(id)}, "name": ${value}, "type": ${JSON.stringify(`${provider}/${type}`.toLowerCase())}, "location": ${value}, "sku": ${value}, "identity": ${value}, "tags": ${value},` +
          ` "properties": {"storageAccount": ${value}, "keyVault": ${value}, "containerRegistry": ${value}, "subnets": ${value}, "securityRules": ${value}, "defaultSecurityRules": [${value}], "routes": ${value},` +
          ` "networkAcls": ${value}, "networkRuleSet": ${value}, "agentPoolProfiles": ${value}, "networkProfile": ${value}, "ipConfigurations": ${value}, "subnet": ${value}, "privateEndpointConnections": ${value},` +
          ` "computeProfile": ${value}, "parameters": ${value}, "subnetIds": ${value}, "applicationRuleCollections": ${value}, "__proto__": {"polluted": true}}}`,
      );
    });
    // A workspace child compute pointing at junk.
    rows.push(
      `{"id": "${RG}/providers/Microsoft.MachineLearningServices/workspaces/junk-0-${typeIndex}/computes/c${typeIndex}", "type": "microsoft.machinelearningservices/workspaces/computes",` +
        ` "properties": {"computeType": ${JSON.stringify(['AmlCompute', 'ComputeInstance', 'AKS', 'VirtualMachine', 'HDInsight', 'Databricks'][typeIndex % 6])}, "resourceId": ${JSON.stringify(JUNK[typeIndex % JUNK.length])},` +
        ` "properties": {"subnet": {"id": 5}, "scaleSettings": {"maxNodeCount": "many"}, "aksNetworkingConfiguration": "none"}}}`,
    );
  });
  const deep = '{"a":['.repeat(20_000) + '1' + ']}'.repeat(20_000);
  rows.push(`{"id": "${RG}/providers/Microsoft.Network/virtualNetworks/deep", "type": "microsoft.network/virtualnetworks", "properties": ${deep}}`);
  rows.push('null', '7', '"row"', '{"id": null}', '{"name": "no id"}');
  return `{"resources": [${rows.join(',\n')}], "serviceTags": [null, {"name": 3}, {"name": "Storage", "properties": {"addressPrefixes": ["not a cidr", 7, null]}}]}`;
}

describe('a hostile snapshot through the real pipeline', () => {
  let dir = '';
  let path = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aml-hostile-'));
    path = join(dir, 'hostile.json');
    await writeFile(path, hostileRows());
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['json', 'table', 'csv', 'sarif'])('never crashes (--format %s) and never pollutes prototypes', async (format) => {
    const io = captureIo({ stdoutIsTTY: true });
    const code = await runCli(['audit', '--snapshot', path, '--format', format], io);
    expect(io.err()).not.toContain('internal error');
    // Its malformed rows make the audit incomplete (4), unless a fail already exits 1.
    expect([1, 4]).toContain(code);
    if (format === 'json') expect(JSON.parse(io.out())).toMatchObject({ incomplete: true });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(io.err()).toContain('skipped 5 of');
  });
});

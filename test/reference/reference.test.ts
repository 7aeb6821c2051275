/**
 * Every rule over estates transcribed from public Microsoft-authored deployments (see estates.ts),
 * naming exactly which (rule, resource) pairs pass, fail or are unknown: the verdicts a careful
 * engineer gives each deployment against the two source documents. Not-applicable pairs are left
 * out of the tables; any verdict that moves fails the test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { auditEstate } from '../../src/engine/audit';
import { allRules } from '../../src/rules/registry';
import { buildEstate } from '../../src/estate';
import { clearServiceTagCache, readLiveInventory, staticTokenCredential } from '../../src/live';
import { startArmServer } from '../support/arm-server';
import type { ArmServer } from '../support/arm-server';
import type { ReferenceEstate } from './estates';
import { azureTreAzureMl, quickstartEndToEndSecure, terraformHubSpokeSecure } from './estates';

function verdicts(estate: ReferenceEstate): string[] {
  const result = auditEstate(buildEstate({ resources: estate.resources, serviceTags: estate.serviceTags, warnings: [], gaps: [] }));
  expect(result.ruleErrors).toEqual([]);
  return result.evaluations
    .filter((evaluation) => evaluation.status !== 'not-applicable')
    .map((evaluation) => `${evaluation.status} ${evaluation.ruleId} ${evaluation.resourceId.split('/').pop() ?? ''}`)
    .sort();
}

/** What the two documents ask of every private-link workspace with a secured store and registry. */
const PRIVATE_LINK_WORKSPACE_ADVICE = (workspace: string): string[] => [`fail acr.private-link-shared-resource ${workspace}`, `fail studio.storage-features ${workspace}`];

describe('machine-learning-end-to-end-secure (Azure Quickstart Templates, Bicep)', () => {
  it('passes the storage, key vault, registry, NSG and compute checks; fails what the 2020 documents forbid (private AKS, public scoring LB) and advises', () => {
    expect(verdicts(quickstartEndToEndSecure())).toEqual(
      [
        'pass acr.compute-subnet-allowed crmlsecx7k2',
        'pass acr.image-build-compute mlw-mlsec-x7k2',
        'pass acr.premium-sku crmlsecx7k2',
        'pass aks.dns-ip-in-service-cidr aks-mlsec-x7k2',
        'pass aks.docker-bridge-overlap aks-mlsec-x7k2',
        // 001: "Azure Machine Learning does not support AKS with private link" (private clusters became supported later).
        'fail aks.private-cluster aks-mlsec-x7k2',
        // No loadBalancerType: the scoring endpoint is on a public IP, and the NSG admits no Internet traffic on 80/443.
        'fail aks.internal-lb aks-mlsec-x7k2',
        'fail nsg.aks-scoring-inbound snet-scoring',
        'pass aks.service-cidr-overlap aks-mlsec-x7k2',
        'pass aks.vnet-region aks-mlsec-x7k2',
        'pass compute.subnet-capacity snet-training',
        'pass compute.vnet-location cluster001',
        'pass compute.vnet-location mlsec-ci001',
        'pass keyvault.compute-subnet-allowed kv-mlsec-x7k2',
        'pass keyvault.default-deny kv-mlsec-x7k2',
        'pass keyvault.trusted-services kv-mlsec-x7k2',
        'pass nsg.aks-default-outbound snet-scoring',
        'pass nsg.batch-inbound snet-training',
        'pass nsg.instance-inbound snet-training',
        'pass nsg.ssh-exposed snet-scoring',
        'pass nsg.ssh-exposed snet-training',
        'pass storage.compute-subnet-allowed stmlsecx7k2',
        'pass storage.default-deny stmlsecx7k2',
        'pass storage.trusted-services stmlsecx7k2',
        ...PRIVATE_LINK_WORKSPACE_ADVICE('mlw-mlsec-x7k2'),
      ].sort(),
    );
  });
});

describe('301-machine-learning-hub-spoke-secure (Azure/terraform quickstart)', () => {
  it('passes; its routes send 0.0.0.0/0 to the Internet, so the hub firewall is no compute next hop and is not judged', () => {
    expect(verdicts(terraformHubSpokeSecure())).toEqual(
      [
        'pass acr.compute-subnet-allowed crmlhubdev',
        'pass acr.image-build-compute mlw-mlhub-dev',
        'pass acr.premium-sku crmlhubdev',
        'pass compute.subnet-capacity snet-training',
        'pass compute.vnet-location cpu-cluster',
        'pass compute.vnet-location image-builder',
        'pass keyvault.compute-subnet-allowed kv-mlhub-dev',
        'pass keyvault.default-deny kv-mlhub-dev',
        'pass keyvault.trusted-services kv-mlhub-dev',
        'pass nsg.batch-inbound snet-training',
        'pass nsg.ssh-exposed snet-training',
        'pass storage.compute-subnet-allowed stmlhubdev',
        'pass storage.default-deny stmlhubdev',
        'pass storage.trusted-services stmlhubdev',
        ...PRIVATE_LINK_WORKSPACE_ADVICE('mlw-mlhub-dev'),
      ].sort(),
    );
  });
});

const TRE_VERDICTS = [
  'pass acr.compute-subnet-allowed acrsvcc3d4',
  'pass acr.image-build-compute ml-mytre-ws-a1b2-svc-c3d4',
  'pass acr.premium-sku acrsvcc3d4',
  'pass compute.subnet-capacity AMLSubnetc3d4',
  'pass compute.vnet-location build-cluster',
  // The TRE firewall allows ml.azure.com by an application rule; the other hosts only maybe, through a
  // TCP network rule to service tags (AzureMachineLearning…) whose addresses the inventory cannot resolve
  // to names: unknown, naming that rule, where only application rules were read before (a false high fail).
  'unknown firewall.aml-hosts fw-mytre',
  'pass keyvault.compute-subnet-allowed kv-mytre-ws-a1b2',
  'pass keyvault.default-deny kv-mytre-ws-a1b2',
  'pass keyvault.trusted-services kv-mytre-ws-a1b2',
  'pass nsg.batch-inbound AMLSubnetc3d4',
  'pass nsg.ssh-exposed AMLSubnetc3d4',
  // Forced through the firewall, with AzureMachineLearning and BatchNodeManagement routed to the Internet by name.
  'pass route.forced-tunnel-batch AMLSubnetc3d4',
  'pass storage.compute-subnet-allowed stgsvcc3d4',
  'pass storage.default-deny stgsvcc3d4',
  'pass storage.trusted-services stgsvcc3d4',
  ...PRIVATE_LINK_WORKSPACE_ADVICE('ml-mytre-ws-a1b2-svc-c3d4'),
].sort();

describe('AzureTRE Azure ML workspace service (microsoft/AzureTRE)', () => {
  it('judges the firewall by its network rules too: unknown for the hosts a service-tag rule may allow, naming that rule', () => {
    const estate = azureTreAzureMl();
    expect(verdicts(estate)).toEqual(TRE_VERDICTS);
    const firewall = auditEstate(buildEstate({ resources: estate.resources, serviceTags: estate.serviceTags, warnings: [], gaps: [] })).evaluations.find((evaluation) => evaluation.ruleId === 'firewall.aml-hosts');
    expect(firewall?.evidence.coveredBy).toEqual([expect.objectContaining({ host: 'ml.azure.com', decidedBy: expect.objectContaining({ kind: 'application', rule: 'allowMLrelated' }) })]);
    expect(firewall?.evidence.uncertainHosts).toContainEqual(expect.objectContaining({ host: '*.azureml.ms', rule: expect.objectContaining({ kind: 'network', rule: 'allowStorage', collection: 'nrc-mytre-ws-a1b2-svc-c3d4' }) }));
    expect(firewall?.evidence.missingHosts).toEqual([]);
  });

  it('gives the same verdicts when the rules sit in a firewall policy rule collection group', () => {
    expect(verdicts(azureTreAzureMl({ rules: 'policy' }))).toEqual(TRE_VERDICTS);
  });
});

describe('the policy-based firewall read live', () => {
  let server: ArmServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    clearServiceTagCache();
  });

  it('finds the rule collection groups in networkresources, so the live verdicts equal the snapshot\'s', async () => {
    const estate = azureTreAzureMl({ rules: 'policy' });
    server = await startArmServer({ rows: estate.resources, serviceTags: estate.serviceTags });
    const live = await readLiveInventory({ subscriptionIds: ['5b1e7d2a-9c3f-4e8b-a6d1-2f0c9e4b7a35'], credential: staticTokenCredential('t'), armEndpoint: server.endpoint, tlsOptions: server.tlsOptions, retry: { retryDelayMs: 1 } });
    expect(live.gaps).toEqual([]);
    expect(server.requestsOf('graph').filter((request) => request.table === 'networkresources').map((request) => request.rowCount)).toEqual([1]);
    expect(verdicts({ name: 'live', resources: live.resources, serviceTags: live.serviceTags ?? [] })).toEqual(TRE_VERDICTS);
  });
});

/** The verdicts of today's rules (`--profile current`), not-applicable left out. */
function todaysVerdicts(estate: ReferenceEstate): string[] {
  const todays = new Set(allRules.filter((rule) => rule.meta.source.document === 'current').map((rule) => rule.meta.id));
  const result = auditEstate(buildEstate({ resources: estate.resources, serviceTags: estate.serviceTags, warnings: [], gaps: [] }), { profile: 'current' });
  expect(result.ruleErrors).toEqual([]);
  return result.evaluations
    .filter((evaluation) => todays.has(evaluation.ruleId) && evaluation.status !== 'not-applicable')
    .map((evaluation) => `${evaluation.status} ${evaluation.ruleId} ${evaluation.resourceId.split('/').pop() ?? ''}`)
    .sort();
}

describe("today's guidance on the reference estates (--profile current)", () => {
  it('the quickstart links every zone of its private endpoints to its one VNet', () => {
    expect(todaysVerdicts(quickstartEndToEndSecure())).toEqual([
      'pass compute.subnet-not-delegated snet-training',
      'pass compute.vnet-placement cluster001',
      'pass compute.vnet-placement mlsec-ci001',
      'pass dns.keyvault-zone-linked kv-mlsec-x7k2',
      'pass dns.registry-zone-linked crmlsecx7k2',
      'pass dns.storage-zones-linked stmlsecx7k2',
      'pass dns.workspace-zones-linked mlw-mlsec-x7k2',
    ]);
  });

  it('the Terraform hub and spoke links its zones to the hub VNet only: the spoke, with the endpoints and the computes, resolves public addresses', () => {
    expect(todaysVerdicts(terraformHubSpokeSecure())).toEqual([
      'fail dns.keyvault-zone-linked kv-mlhub-dev',
      'fail dns.registry-zone-linked crmlhubdev',
      'fail dns.storage-zones-linked stmlhubdev',
      'fail dns.workspace-zones-linked mlw-mlhub-dev',
      'pass compute.subnet-not-delegated snet-training',
      'pass compute.vnet-placement cpu-cluster',
      'pass compute.vnet-placement image-builder',
    ]);
    const estate = terraformHubSpokeSecure();
    const workspace = auditEstate(buildEstate({ resources: estate.resources, serviceTags: estate.serviceTags, warnings: [], gaps: [] }), { ruleIds: ['dns.workspace-zones-linked'] }).evaluations[0];
    expect(workspace?.message).toContain("zone 'privatelink.api.azureml.ms' is not linked to VNet 'vnet-mlhub-dev'");
  });

  it("AzureTRE links the core's zones to the workspace VNet", () => {
    expect(todaysVerdicts(azureTreAzureMl())).toEqual([
      'pass compute.subnet-not-delegated AMLSubnetc3d4',
      'pass compute.vnet-placement build-cluster',
      'pass dns.keyvault-zone-linked kv-mytre-ws-a1b2',
      'pass dns.registry-zone-linked acrsvcc3d4',
      'pass dns.storage-zones-linked stgsvcc3d4',
      'pass dns.workspace-zones-linked ml-mytre-ws-a1b2-svc-c3d4',
    ]);
  });
});

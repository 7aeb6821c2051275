import { EventGridDeserializer } from '@azure/eventgrid';
import { describe, expect, it } from 'vitest';
import { ARN_CREATED_OR_UPDATED, ARN_DELETED, parseEvent, RESOURCE_DELETE_SUCCESS, RESOURCE_WRITE_SUCCESS, validationCodeOf } from '../../src/app/events';
import { armWriteEvent, cloudEventOf, notificationDeleted, notificationEvent, STORAGE_ID, storageRow } from './fixtures/events';

describe('parseEvent', () => {
  it('reads an ARN CreatedOrUpdated event (wire names resourceInfo/operationalInfo) into an upsert with the resource row', () => {
    const event = notificationEvent(storageRow('Allow'), '2026-11-24T10:00:05.000Z');
    // The SDK's own deserializer accepts our fixture: it is a well-formed Event Grid event.
    return new EventGridDeserializer().deserializeEventGridEvents(JSON.stringify([event])).then(() => {
      const parsed = parseEvent(event);
      expect(parsed.outcome).toBe('change');
      if (parsed.outcome !== 'change') return;
      expect(parsed.change).toMatchObject({ kind: 'upsert', eventType: ARN_CREATED_OR_UPDATED, schema: 'eventgrid', resourceId: STORAGE_ID, eventTime: '2026-11-24T10:00:05.000Z' });
      expect(parsed.change.subscriptionId).toBe('3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d');
      expect(parsed.change.row).toMatchObject({ id: STORAGE_ID, type: 'microsoft.storage/storageaccounts', resourceGroup: 'rg-ml-prod' });
    });
  });

  it('reads the same event as a CloudEvent', async () => {
    const cloudEvent = cloudEventOf(notificationEvent(storageRow('Deny'), '2026-11-24T10:00:05.000Z'));
    await new EventGridDeserializer().deserializeCloudEvents(JSON.stringify([cloudEvent]));
    const parsed = parseEvent(cloudEvent);
    expect(parsed.outcome === 'change' && parsed.change.schema).toBe('cloudevents');
    expect(parsed.outcome === 'change' && parsed.change.kind).toBe('upsert');
  });

  it('reads ARM system-topic events as refresh (write, action) and delete', () => {
    const write = parseEvent(armWriteEvent(RESOURCE_WRITE_SUCCESS, STORAGE_ID, '2026-11-24T10:00:00Z'));
    const deleted = parseEvent(armWriteEvent(RESOURCE_DELETE_SUCCESS, STORAGE_ID, '2026-11-24T10:00:00Z'));
    expect(write.outcome === 'change' && write.change.kind).toBe('refresh');
    expect(deleted.outcome === 'change' && deleted.change.kind).toBe('delete');
    const arnDeleted = parseEvent(notificationDeleted(STORAGE_ID, '2026-11-24T10:00:00Z'));
    expect(arnDeleted.outcome === 'change' && arnDeleted.change).toMatchObject({ kind: 'delete', eventType: ARN_DELETED });
  });

  it.each([
    ['not an object', 42, 'not a JSON object'],
    ['no id', { eventType: RESOURCE_WRITE_SUCCESS }, "no 'id'"],
    ['no time', { ...armWriteEvent(RESOURCE_WRITE_SUCCESS, STORAGE_ID, 'x'), eventTime: 'yesterday' }, "no valid 'eventTime'"],
    ['no data', { ...armWriteEvent(RESOURCE_WRITE_SUCCESS, STORAGE_ID, '2026-11-24T10:00:00Z'), data: 'x' }, "no 'data' object"],
    ['not a resource ID', armWriteEvent(RESOURCE_WRITE_SUCCESS, '/not/a/resource', '2026-11-24T10:00:00Z'), 'not an Azure resource ID'],
    ['no resourceInfo', { ...notificationEvent(storageRow('Deny'), '2026-11-24T10:00:00Z'), data: { operationalInfo: {} } }, "no 'data.resourceInfo'"],
  ])('marks a malformed event (%s) with its reason', (_name, event, reason) => {
    const parsed = parseEvent(event);
    expect(parsed.outcome).toBe('malformed');
    expect(parsed.outcome === 'malformed' && parsed.reason).toContain(reason);
  });

  it('ignores event types it does not judge', () => {
    const parsed = parseEvent({ ...armWriteEvent(RESOURCE_WRITE_SUCCESS, STORAGE_ID, '2026-11-24T10:00:00Z'), eventType: 'Microsoft.Storage.BlobCreated' });
    expect(parsed.outcome).toBe('ignored');
  });

  it('finds the validation code of a subscription validation event', () => {
    expect(validationCodeOf([{ id: '1', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'abc' } }])).toBe('abc');
    expect(validationCodeOf([armWriteEvent(RESOURCE_WRITE_SUCCESS, STORAGE_ID, '2026-11-24T10:00:00Z')])).toBeUndefined();
  });
});

describe('parseEvent filters what cannot change a finding', () => {
  it('ignores resource types the rules do not judge, before any read', () => {
    const webApp = `/subscriptions/${'3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d'}/resourceGroups/rg/providers/Microsoft.Web/sites/app`;
    const parsed = parseEvent(armWriteEvent(RESOURCE_WRITE_SUCCESS, webApp, '2026-11-24T10:00:00Z'));
    expect(parsed.outcome === 'ignored' && parsed.reason).toContain('microsoft.web/sites');
  });

  it('ignores read-only actions (listKeys) but judges other actions', () => {
    const listKeys = { ...armWriteEvent('Microsoft.Resources.ResourceActionSuccess', STORAGE_ID, '2026-11-24T10:00:00Z') };
    (listKeys.data as Record<string, unknown>).operationName = 'Microsoft.Storage/storageAccounts/listKeys/action';
    expect(parseEvent(listKeys).outcome).toBe('ignored');
    const failover = { ...armWriteEvent('Microsoft.Resources.ResourceActionSuccess', STORAGE_ID, '2026-11-24T10:00:00Z') };
    (failover.data as Record<string, unknown>).operationName = 'Microsoft.Storage/storageAccounts/failover/action';
    expect(parseEvent(failover).outcome).toBe('change');
  });

  it('judges children Resource Graph embeds (a security rule) and subnets', () => {
    const rule = '/subscriptions/3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg/securityRules/r1';
    expect(parseEvent(armWriteEvent(RESOURCE_WRITE_SUCCESS, rule, '2026-11-24T10:00:00Z')).outcome).toBe('change');
  });

  it.each([
    ['a role assignment scoped to a VNet', '/virtualNetworks/v/providers/Microsoft.Authorization/roleAssignments/0a1b2c3d-0000-4000-8000-000000000001'],
    ['a role assignment scoped to a subnet', '/virtualNetworks/v/subnets/s/providers/Microsoft.Authorization/roleAssignments/0a1b2c3d-0000-4000-8000-000000000002'],
    ['a private endpoint connection of a storage account', '/../../Microsoft.Storage/storageAccounts/st/privateEndpointConnections/pe.1'],
    ['an AKS agent pool', '/../../Microsoft.ContainerService/managedClusters/aks/agentPools/nodepool1'],
    ['a route', '/routeTables/rt/routes/default'],
    ['a firewall policy rule collection group', '/firewallPolicies/fwp/ruleCollectionGroups/aml'],
    ['an IP group', '/ipGroups/ipg'],
  ])('judges %s (a child or extension that changes verdicts)', (_, tail) => {
    const base = '/subscriptions/3f2b8c1d-7e4a-4b9c-a1d2-5e6f7a8b9c0d/resourceGroups/rg/providers/Microsoft.Network';
    const id = tail.startsWith('/../../') ? `${base.replace('/Microsoft.Network', '')}/${tail.slice(7)}` : `${base}${tail}`;
    expect(parseEvent(armWriteEvent(RESOURCE_WRITE_SUCCESS, id, '2026-11-24T10:00:00Z'))).toMatchObject({ outcome: 'change', change: { kind: 'refresh', resourceId: id } });
  });
});

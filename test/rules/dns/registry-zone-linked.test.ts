import { describe } from 'vitest';
import { dnsRegistryZoneLinkedRule } from '../../../src/rules/dns/registry-zone-linked';
import { privateDnsSuite } from '../../support/private-dns';

describe('dns.registry-zone-linked', () => {
  privateDnsSuite(dnsRegistryZoneLinkedRule, 'registry');
});

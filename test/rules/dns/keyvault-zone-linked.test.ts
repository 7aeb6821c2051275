import { describe } from 'vitest';
import { dnsKeyvaultZoneLinkedRule } from '../../../src/rules/dns/keyvault-zone-linked';
import { privateDnsSuite } from '../../support/private-dns';

describe('dns.keyvault-zone-linked', () => {
  privateDnsSuite(dnsKeyvaultZoneLinkedRule, 'keyVault');
});

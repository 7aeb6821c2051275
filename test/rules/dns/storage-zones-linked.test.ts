import { describe } from 'vitest';
import { dnsStorageZonesLinkedRule } from '../../../src/rules/dns/storage-zones-linked';
import { privateDnsSuite } from '../../support/private-dns';

describe('dns.storage-zones-linked', () => {
  privateDnsSuite(dnsStorageZonesLinkedRule, 'storage');
});

import { describe } from 'vitest';
import { dnsWorkspaceZonesLinkedRule } from '../../../src/rules/dns/workspace-zones-linked';
import { privateDnsSuite } from '../../support/private-dns';

describe('dns.workspace-zones-linked', () => {
  privateDnsSuite(dnsWorkspaceZonesLinkedRule, 'workspace');
});

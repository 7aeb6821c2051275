import type { AnyRule } from '../types';
import { dnsKeyvaultZoneLinkedRule } from './keyvault-zone-linked';
import { dnsRegistryZoneLinkedRule } from './registry-zone-linked';
import { dnsStorageZonesLinkedRule } from './storage-zones-linked';
import { dnsWorkspaceZonesLinkedRule } from './workspace-zones-linked';

/** Rules of the dns family (private DNS zones of private endpoints), sorted by ID. */
export const dnsRules: readonly AnyRule[] = [dnsKeyvaultZoneLinkedRule, dnsRegistryZoneLinkedRule, dnsStorageZonesLinkedRule, dnsWorkspaceZonesLinkedRule];

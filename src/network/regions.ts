/**
 * Azure region names as service tags spell them, folded by regionKey ("eastus2"). Used only
 * without service-tag data, to tell `Storage.EastUS` (a regional tag) from
 * `AzureFrontDoor.Frontend` (a tag of its own): with data, `properties.region` decides.
 */
import { regionKey } from '../core/ids';

const REGION_NAMES: readonly string[] = [
  'australiacentral', 'australiacentral2', 'australiaeast', 'australiasoutheast', 'austriaeast',
  'belgiumcentral', 'brazilsouth', 'brazilsoutheast', 'brazilus', 'canadacentral', 'canadaeast',
  'centralindia', 'centralus', 'centraluseuap', 'chilecentral', 'chinaeast', 'chinaeast2', 'chinaeast3',
  'chinanorth', 'chinanorth2', 'chinanorth3', 'denmarkeast', 'eastasia', 'eastus', 'eastus2',
  'eastus2euap', 'eastus3', 'eastusstg', 'francecentral', 'francesouth', 'germanycentral',
  'germanynorth', 'germanynortheast', 'germanywestcentral', 'indonesiacentral', 'israelcentral',
  'israelnorthwest', 'italynorth', 'japaneast', 'japanwest', 'jioindiacentral', 'jioindiawest',
  'koreacentral', 'koreasouth', 'malaysiasouth', 'malaysiawest', 'mexicocentral', 'newzealandnorth',
  'northcentralus', 'northeurope', 'norwayeast', 'norwaywest', 'polandcentral', 'qatarcentral',
  'saudiarabiaeast', 'southafricanorth', 'southafricawest', 'southcentralus', 'southcentralus2',
  'southcentralusstg', 'southeastasia', 'southeastus', 'southindia', 'southwestus', 'spaincentral',
  'swedencentral', 'swedensouth', 'switzerlandnorth', 'switzerlandwest', 'taiwannorth',
  'taiwannorthwest', 'uaecentral', 'uaenorth', 'uksouth', 'ukwest', 'usdodcentral', 'usdodeast',
  'usgovarizona', 'usgoviowa', 'usgovtexas', 'usgovvirginia', 'usnateast', 'usnatwest', 'usseceast',
  'ussecwest', 'westcentralus', 'westeurope', 'westindia', 'westus', 'westus2', 'westus3',
];

const KNOWN_REGIONS: ReadonlySet<string> = new Set(REGION_NAMES);

export function isKnownRegion(name: string): boolean {
  return KNOWN_REGIONS.has(regionKey(name));
}

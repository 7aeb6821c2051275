import type { AnyRule } from '../types';
import { nsgAksDefaultOutboundRule } from './aks-default-outbound';
import { nsgAksScoringInboundRule } from './aks-scoring-inbound';
import { nsgBatchInboundRule } from './batch-inbound';
import { nsgComputeOutboundPortsRule } from './compute-outbound-ports';
import { nsgInstanceInboundRule } from './instance-inbound';
import { nsgMcrOutboundRule } from './mcr-outbound';
import { nsgMicrosoftImagesOutboundRule } from './microsoft-images-outbound';
import { nsgOutboundServiceTagsRule } from './outbound-service-tags';
import { nsgSshExposedRule } from './ssh-exposed';
import { nsgStudioFrontdoorOutboundRule } from './studio-frontdoor-outbound';
import { nsgVmSshFromAmlRule } from './vm-ssh-from-aml';

/** Rules of the nsg family, sorted by ID. */
export const nsgRules: readonly AnyRule[] = [
  nsgAksDefaultOutboundRule,
  nsgAksScoringInboundRule,
  nsgBatchInboundRule,
  nsgComputeOutboundPortsRule,
  nsgInstanceInboundRule,
  nsgMcrOutboundRule,
  nsgMicrosoftImagesOutboundRule,
  nsgOutboundServiceTagsRule,
  nsgSshExposedRule,
  nsgStudioFrontdoorOutboundRule,
  nsgVmSshFromAmlRule,
];

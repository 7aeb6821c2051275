import type { AnyRule } from '../types';
import { acrComputeSubnetAllowedRule } from './compute-subnet-allowed';
import { acrImageBuildComputeRule } from './image-build-compute';
import { acrPremiumSkuRule } from './premium-sku';
import { acrPrivateLinkSharedResourceRule } from './private-link-shared-resource';
import { acrWorkspaceEditionRule } from './workspace-edition';

/** Rules of the acr family, sorted by ID. */
export const acrRules: readonly AnyRule[] = [
  acrComputeSubnetAllowedRule,
  acrImageBuildComputeRule,
  acrPremiumSkuRule,
  acrPrivateLinkSharedResourceRule,
  acrWorkspaceEditionRule,
];

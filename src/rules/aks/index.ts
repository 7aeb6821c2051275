import type { AnyRule } from '../types';
import { aksDnsIpInServiceCidrRule } from './dns-ip-in-service-cidr';
import { aksDockerBridgeOverlapRule } from './docker-bridge-overlap';
import { aksInternalLbRule } from './internal-lb';
import { aksInternalLbNetworkContributorRule } from './internal-lb-network-contributor';
import { aksPrivateClusterRule } from './private-cluster';
import { aksServiceCidrOverlapRule } from './service-cidr-overlap';
import { aksVnetRegionRule } from './vnet-region';

/** Rules of the aks family, sorted by ID. */
export const aksRules: readonly AnyRule[] = [
  aksDnsIpInServiceCidrRule,
  aksDockerBridgeOverlapRule,
  aksInternalLbRule,
  aksInternalLbNetworkContributorRule,
  aksPrivateClusterRule,
  aksServiceCidrOverlapRule,
  aksVnetRegionRule,
];

import type { AnyRule } from '../types';
import { computeNoPublicIpEgressRule } from './no-public-ip-egress';
import { computeNoPublicIpPrivateEndpointRule } from './no-public-ip-private-endpoint';
import { computeServerlessSubnetRule } from './serverless-subnet';
import { computeSubnetCapacityRule } from './subnet-capacity';
import { computeSubnetNotDelegatedRule } from './subnet-not-delegated';
import { computeVnetLocationRule } from './vnet-location';
import { computeVnetPlacementRule } from './vnet-placement';

/** Rules of the compute family, sorted by ID. */
export const computeRules: readonly AnyRule[] = [
  computeNoPublicIpEgressRule,
  computeNoPublicIpPrivateEndpointRule,
  computeServerlessSubnetRule,
  computeSubnetCapacityRule,
  computeSubnetNotDelegatedRule,
  computeVnetLocationRule,
  computeVnetPlacementRule,
];

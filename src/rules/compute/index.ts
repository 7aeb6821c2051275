import type { AnyRule } from '../types';
import { computeNoPublicIpEgressRule } from './no-public-ip-egress';
import { computeSubnetCapacityRule } from './subnet-capacity';
import { computeVnetLocationRule } from './vnet-location';

/** Rules of the compute family, sorted by ID. */
export const computeRules: readonly AnyRule[] = [computeNoPublicIpEgressRule, computeSubnetCapacityRule, computeVnetLocationRule];

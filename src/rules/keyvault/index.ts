import type { AnyRule } from '../types';
import { keyvaultComputeSubnetAllowedRule } from './compute-subnet-allowed';
import { keyvaultDefaultDenyRule } from './default-deny';
import { keyvaultTrustedServicesRule } from './trusted-services';

/** Rules of the keyvault family, sorted by ID. */
export const keyvaultRules: readonly AnyRule[] = [keyvaultComputeSubnetAllowedRule, keyvaultDefaultDenyRule, keyvaultTrustedServicesRule];

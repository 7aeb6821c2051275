import type { AnyRule } from '../types';
import { storageComputeSubnetAllowedRule } from './compute-subnet-allowed';
import { storageDefaultDenyRule } from './default-deny';
import { storageTrustedServicesRule } from './trusted-services';

/** Rules of the storage family, sorted by ID. */
export const storageRules: readonly AnyRule[] = [storageComputeSubnetAllowedRule, storageDefaultDenyRule, storageTrustedServicesRule];

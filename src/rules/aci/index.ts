import type { AnyRule } from '../types';
import { aciSubnetDelegationRule } from './subnet-delegation';

/** Rules of the aci family, sorted by ID. */
export const aciRules: readonly AnyRule[] = [aciSubnetDelegationRule];

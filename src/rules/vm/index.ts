import type { AnyRule } from '../types';
import { vmUbuntuRule } from './ubuntu';

/** Rules of the vm family, sorted by ID. */
export const vmRules: readonly AnyRule[] = [vmUbuntuRule];

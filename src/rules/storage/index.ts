import type { AnyRule } from '../types';
import { storageDefaultDenyRule } from './default-deny';

/** Rules of the storage family, sorted by ID. */
export const storageRules: readonly AnyRule[] = [storageDefaultDenyRule];

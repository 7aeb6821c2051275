import type { AnyRule } from '../types';

/** Rules of the keyvault family, sorted by ID. */
export const keyvaultRules: readonly AnyRule[] = [];

import type { AnyRule } from '../types';

/** Rules of the firewall family, sorted by ID. */
export const firewallRules: readonly AnyRule[] = [];

import type { AnyRule } from '../types';
import { firewallAmlHostsRule } from './aml-hosts';

/** Rules of the firewall family, sorted by ID. */
export const firewallRules: readonly AnyRule[] = [firewallAmlHostsRule];

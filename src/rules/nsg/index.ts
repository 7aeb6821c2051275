import type { AnyRule } from '../types';
import { nsgBatchInboundRule } from './batch-inbound';
import { nsgInstanceInboundRule } from './instance-inbound';
import { nsgSshExposedRule } from './ssh-exposed';

/** Rules of the nsg family, sorted by ID. */
export const nsgRules: readonly AnyRule[] = [nsgBatchInboundRule, nsgInstanceInboundRule, nsgSshExposedRule];

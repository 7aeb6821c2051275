import type { AnyRule } from './types';
import { aciRules } from './aci';
import { acrRules } from './acr';
import { aksRules } from './aks';
import { computeRules } from './compute';
import { databricksRules } from './databricks';
import { dnsRules } from './dns';
import { firewallRules } from './firewall';
import { keyvaultRules } from './keyvault';
import { nsgRules } from './nsg';
import { routeRules } from './route';
import { storageRules } from './storage';
import { studioRules } from './studio';
import { vmRules } from './vm';

/**
 * Every rule, explicitly (ESLint's registry). Each family's index.ts lists its rules sorted by
 * ID; the conventions test ties this list to docs/rules.md, the docs and the tests.
 */
export const allRules: readonly AnyRule[] = [
  ...aciRules,
  ...acrRules,
  ...aksRules,
  ...computeRules,
  ...databricksRules,
  ...dnsRules,
  ...firewallRules,
  ...keyvaultRules,
  ...nsgRules,
  ...routeRules,
  ...storageRules,
  ...studioRules,
  ...vmRules,
].sort((a, b) => a.meta.id.localeCompare(b.meta.id));

const rulesById = new Map(allRules.map((rule) => [rule.meta.id, rule]));

export function ruleById(id: string): AnyRule | undefined {
  return rulesById.get(id);
}

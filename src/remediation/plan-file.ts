import { isObject } from '../core/json';
import type { JsonValue } from '../core/types';
import { SEVERITIES } from '../core/types';
import type { JsonBody, Plan, PlanDocument, PlanOperation } from './types';

/**
 * Reading a plan file back for `--apply`. The file was reviewed by a person and may have been
 * edited since: every field is checked, and anything that does not look like what `remediate`
 * writes is refused with where it is, before a single request is sent.
 */

export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFileError';
  }
}

const ARM_ID = /^\/(subscriptions|providers)\/[^\s?#]+$/i;

/** An ARM ID the client would write to as shown: no empty, "." or ".." segment (a URL resolves those elsewhere). */
function isArmId(id: string): boolean {
  return ARM_ID.test(id) && id.slice(1).split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

function fail(where: string, what: string): never {
  throw new PlanFileError(`${where}: ${what}`);
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') fail(where, 'must be a string');
  return value;
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) fail(where, 'must be a list of strings');
  return value as string[];
}

function operation(value: unknown, where: string): PlanOperation {
  if (!isObject(value)) fail(where, 'must be an object');
  const method = value.method;
  if (method !== 'PUT' && method !== 'PATCH') fail(`${where}.method`, 'must be PUT or PATCH');
  const id = text(value.id, `${where}.id`);
  if (!isArmId(id)) fail(`${where}.id`, `'${id.slice(0, 80)}' is not an Azure resource ID`);
  const apiVersion = text(value.apiVersion, `${where}.apiVersion`);
  if (!API_VERSION.test(apiVersion)) fail(`${where}.apiVersion`, `'${apiVersion.slice(0, 40)}' is not an API version`);
  if (!isObject(value.body)) fail(`${where}.body`, 'must be an object');
  const ifMatch = value.ifMatch === undefined ? undefined : text(value.ifMatch, `${where}.ifMatch`);
  const precondition = value.precondition;
  if (!isObject(precondition)) fail(`${where}.precondition`, 'must be an object (the plan relies on it: plan again rather than remove it)');
  const readId = text(precondition.readId, `${where}.precondition.readId`);
  if (!isArmId(readId)) fail(`${where}.precondition.readId`, 'is not an Azure resource ID');
  const readVersion = text(precondition.apiVersion, `${where}.precondition.apiVersion`);
  if (!API_VERSION.test(readVersion)) fail(`${where}.precondition.apiVersion`, 'is not an API version');
  if (!isObject(precondition.values)) fail(`${where}.precondition.values`, 'must be an object');
  return {
    method,
    id,
    apiVersion,
    body: value.body as JsonBody,
    ...(ifMatch !== undefined ? { ifMatch } : {}),
    precondition: { readId, apiVersion: readVersion, values: precondition.values as { [path: string]: JsonValue } },
    description: typeof value.description === 'string' ? value.description : `${method} ${id}`,
  };
}

function plan(value: unknown, where: string): Plan {
  if (!isObject(value)) fail(where, 'must be an object');
  const mode = value.mode;
  if (mode !== 'auto' && mode !== 'manual') fail(`${where}.mode`, 'must be auto or manual');
  if (typeof value.verified !== 'boolean') fail(`${where}.verified`, 'must be true or false');
  const severity = value.severity === undefined ? 'high' : value.severity;
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) fail(`${where}.severity`, `must be one of ${SEVERITIES.join(', ')}`);
  const list = (field: string): PlanOperation[] => {
    const items = value[field] ?? [];
    if (!Array.isArray(items)) fail(`${where}.${field}`, 'must be a list');
    return items.map((item, index) => operation(item, `${where}.${field}[${index}]`));
  };
  return {
    ruleId: text(value.ruleId, `${where}.ruleId`),
    resourceId: text(value.resourceId, `${where}.resourceId`),
    severity: severity as Plan['severity'],
    mode,
    verified: value.verified,
    verification: typeof value.verification === 'string' ? value.verification : '',
    summary: typeof value.summary === 'string' ? value.summary : '',
    risk: typeof value.risk === 'string' ? value.risk : '',
    operations: list('operations'),
    az: value.az === undefined ? [] : strings(value.az, `${where}.az`),
    rollback: list('rollback'),
    ...(typeof value.manualReason === 'string' ? { manualReason: value.manualReason } : {}),
  };
}

/** Parses and checks a plan document; throws PlanFileError naming the first problem. */
export function parsePlanDocument(textValue: string): PlanDocument {
  let value: unknown;
  try {
    value = JSON.parse(textValue);
  } catch (error) {
    throw new PlanFileError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(value)) fail('the document', 'must be an object { generatedAt, plans }, as `remediate --format json` writes it');
  if (Array.isArray(value.remediations) && value.plans === undefined) {
    // A GET /api/remediations answer: the plans the app applied, in the order it applied them (the answer is newest first).
    const applied = value.remediations.filter((record) => isObject(record) && record.mode === 'apply' && record.outcome === 'applied').reverse();
    return { generatedAt: '', plans: applied.map((record, index) => plan((record as { plan?: unknown }).plan, `remediations[${index}].plan`)) };
  }
  if (!Array.isArray(value.plans)) fail('plans', 'must be a list');
  return { generatedAt: typeof value.generatedAt === 'string' ? value.generatedAt : '', plans: value.plans.map((item, index) => plan(item, `plans[${index}]`)) };
}

/**
 * Writes as Azure Resource Manager takes them, for the local ARM server (arm-server.ts): the
 * resource store behind both Resource Graph answers and ARM reads, so a write shows in both.
 *
 * What the real service does, and this does too (a kinder fake would hide the bugs):
 * - Microsoft.Network resources carry an ETag (`W/"…"`, in the body and the ETag header) that
 *   changes on every write, children (security rules, routes, subnets) their own; `If-Match` with
 *   another ETag answers 412 PreconditionFailed and writes nothing.
 * - Network writes are long-running: 201 with `Azure-AsyncOperation` (polled: InProgress, then
 *   Succeeded) and the resource `Updating` until then. Registry and workspace updates answer 202
 *   with `Location` (202 while running, then 200). Storage and key vault PATCHes answer 200.
 * - PATCH merges objects and replaces arrays; PUT replaces the resource and needs `location` for a
 *   top-level resource (400 LocationRequired otherwise); two security rules of one direction may
 *   not share a priority (400 SecurityRuleConflict).
 * - A write while the same resource's previous operation still runs answers 409
 *   AnotherOperationInProgress (tests inject it with a fault; real ARM answers it under load).
 */

export type StoredRow = { [key: string]: unknown };

const CHILDREN: Readonly<Record<string, string>> = { securityrules: 'securityRules', routes: 'routes', subnets: 'subnets' };

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: { [key: string]: unknown } = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) out[key] = mergePatch(out[key], value);
  return out;
}

export type WriteStyle = 'async-operation' | 'location' | 'sync';

/** How each provider answers a write (see the header). */
export function writeStyleOf(path: string): WriteStyle {
  const lower = path.toLowerCase();
  if (lower.includes('/providers/microsoft.network/')) return 'async-operation';
  if (lower.includes('/providers/microsoft.containerregistry/') || lower.includes('/providers/microsoft.machinelearningservices/')) return 'location';
  return 'sync';
}

export interface WriteAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

interface Operation {
  polls: number;
  readonly resourcePath: string;
  done: boolean;
}

export class ArmStore {
  readonly rows: StoredRow[];
  private readonly etags = new Map<string, number>();
  private readonly operations = new Map<string, Operation>();
  private nextOperation = 0;
  private etagCounter = 0;

  /**
   * `rows` is kept as given (tests that replace its entries change what the server answers, as a
   * change made in the portal would); writes replace entries too. `pollsBeforeDone`: how many
   * polls of a long-running write answer "still running".
   */
  constructor(rows: readonly StoredRow[], private readonly pollsBeforeDone = 1) {
    this.rows = rows as StoredRow[];
  }

  private isNetwork(path: string): boolean {
    return path.toLowerCase().includes('/providers/microsoft.network/');
  }

  etagOf(path: string): string | undefined {
    if (!this.isNetwork(path)) return undefined;
    const key = path.toLowerCase();
    if (!this.etags.has(key)) this.etags.set(key, ++this.etagCounter);
    return `W/"etag-${this.etags.get(key) ?? 0}"`;
  }

  private bump(path: string): void {
    if (this.isNetwork(path)) this.etags.set(path.toLowerCase(), ++this.etagCounter);
  }

  private indexOf(id: string): number {
    const key = id.toLowerCase().replace(/\/+$/, '');
    return this.rows.findIndex((row) => typeof row.id === 'string' && row.id.toLowerCase() === key);
  }

  private childOf(path: string): { parentIndex: number; property: string; name: string } | undefined {
    const match = /^(.*\/providers\/microsoft\.network\/(?:networksecuritygroups|routetables|virtualnetworks)\/[^/]+)\/(securityrules|routes|subnets)\/([^/]+)$/i.exec(path.replace(/\/+$/, ''));
    if (!match) return undefined;
    const parentIndex = this.indexOf(match[1] as string);
    if (parentIndex < 0) return undefined;
    return { parentIndex, property: CHILDREN[(match[2] as string).toLowerCase()] as string, name: match[3] as string };
  }

  private collection(parent: StoredRow, property: string): StoredRow[] {
    const properties = isPlainObject(parent.properties) ? parent.properties : (parent.properties = {});
    if (!Array.isArray(properties[property])) properties[property] = [];
    return properties[property] as StoredRow[];
  }

  /** The resource at an ARM path (a child from its parent's collection), with its ETag; undefined when absent. */
  get(path: string): StoredRow | undefined {
    const child = this.childOf(path);
    if (child) {
      const entry = this.collection(this.rows[child.parentIndex] as StoredRow, child.property).find((item) => typeof item.name === 'string' && item.name.toLowerCase() === child.name.toLowerCase());
      if (!entry) return undefined;
      const etag = this.etagOf(path);
      return { ...clone(entry), id: typeof entry.id === 'string' ? entry.id : path, ...(etag !== undefined ? { etag } : {}) };
    }
    const index = this.indexOf(path);
    if (index < 0) return undefined;
    const row = clone(this.rows[index] as StoredRow);
    const etag = this.etagOf(path);
    return etag !== undefined ? { ...row, etag } : row;
  }

  /** Changes a stored resource as someone else would (a concurrent writer): its ETag changes. */
  update(path: string, change: (row: StoredRow) => void): void {
    const child = this.childOf(path);
    if (child) {
      const parent = this.rows[child.parentIndex] as StoredRow;
      const entry = this.collection(parent, child.property).find((item) => typeof item.name === 'string' && item.name.toLowerCase() === child.name.toLowerCase());
      if (!entry) throw new Error(`no stored resource ${path}`);
      change(entry);
      this.bump(path);
      this.bump(parent.id as string);
      return;
    }
    const index = this.indexOf(path);
    if (index < 0) throw new Error(`no stored resource ${path}`);
    change(this.rows[index] as StoredRow);
    this.bump(path);
  }

  write(method: 'PUT' | 'PATCH', path: string, body: unknown, ifMatch: string | undefined, endpoint: string, apiVersion: string): WriteAnswer {
    const current = this.get(path);
    if (ifMatch !== undefined && ifMatch !== '*' && (current === undefined || this.etagOf(path) !== ifMatch)) {
      return { status: 412, body: { error: { code: 'PreconditionFailed', message: `The ETag '${ifMatch}' does not match the resource's current ETag.` } }, headers: {} };
    }
    if (!isPlainObject(body)) return { status: 400, body: { error: { code: 'InvalidRequestContent', message: 'The request content is not a JSON object.' } }, headers: {} };
    const child = this.childOf(path);
    const network = this.isNetwork(path);
    if (child) {
      const parent = this.rows[child.parentIndex] as StoredRow;
      const list = this.collection(parent, child.property);
      const position = list.findIndex((item) => typeof item.name === 'string' && item.name.toLowerCase() === child.name.toLowerCase());
      const existing = position >= 0 ? clone(list[position] as StoredRow) : { name: child.name, id: path };
      const written = (method === 'PATCH' ? mergePatch(existing, body) : { name: existing.name, id: existing.id, ...clone(body) }) as StoredRow;
      if (child.property === 'securityRules') {
        const props = isPlainObject(written.properties) ? written.properties : {};
        const clash = list.find((item, index) => index !== position && isPlainObject(item.properties) && item.properties.priority === props.priority && String(item.properties.direction).toLowerCase() === String(props.direction).toLowerCase());
        if (clash) return { status: 400, body: { error: { code: 'SecurityRuleConflict', message: `Security rule ${child.name} has the same priority and direction as rule ${String(clash.name)}.` } }, headers: {} };
      }
      written.properties = { ...(isPlainObject(written.properties) ? written.properties : {}), provisioningState: network ? 'Updating' : 'Succeeded' };
      if (position >= 0) list[position] = written;
      else list.push(written);
      this.bump(path);
      this.bump(parent.id as string);
    } else if (current === undefined) {
      if (method === 'PATCH') return { status: 404, body: { error: { code: 'ResourceNotFound', message: `The Resource '${path}' was not found.` } }, headers: {} };
      const type = /\/providers\/([^/]+\/[^/]+)\/[^/]+$/i.exec(path)?.[1] ?? '';
      if (!/microsoft\.authorization\//i.test(path) && typeof body.location !== 'string') return { status: 400, body: { error: { code: 'LocationRequired', message: 'The location property is required for this definition.' } }, headers: {} };
      this.rows.push({ ...clone(body), id: path, name: path.split('/').pop(), type: type.toLowerCase(), subscriptionId: path.split('/')[2] });
      this.bump(path);
    } else {
      const index = this.indexOf(path);
      const row = this.rows[index] as StoredRow;
      if (method === 'PUT' && typeof body.location !== 'string') return { status: 400, body: { error: { code: 'LocationRequired', message: 'The location property is required for this definition.' } }, headers: {} };
      const updated = (method === 'PATCH' ? mergePatch(row, body) : { ...row, ...clone(body), id: row.id, type: row.type, name: row.name }) as StoredRow;
      if (network) updated.properties = { ...(isPlainObject(updated.properties) ? updated.properties : {}), provisioningState: 'Updating' };
      this.rows[index] = updated;
      this.bump(path);
    }
    const style = writeStyleOf(path);
    const resource = this.get(path);
    if (style === 'sync') return { status: current === undefined ? 201 : 200, body: resource, headers: {} };
    const operationId = `op-${++this.nextOperation}`;
    this.operations.set(operationId, { polls: 0, resourcePath: path, done: false });
    const subscription = path.split('/')[2] ?? '';
    if (style === 'async-operation') {
      return {
        status: current === undefined ? 201 : 200,
        body: resource,
        headers: { 'azure-asyncoperation': `${endpoint}/subscriptions/${subscription}/providers/Microsoft.Network/locations/eastus/operations/${operationId}?api-version=${apiVersion}`, 'retry-after': '0' },
      };
    }
    return { status: 202, body: undefined, headers: { location: `${endpoint}/subscriptions/${subscription}/providers/Microsoft.Resources/operationResults/${operationId}?api-version=${apiVersion}`, 'retry-after': '0' } };
  }

  /** Whether a path is an operation status URL this store handed out. */
  isOperation(path: string): boolean {
    return /\/operations\/op-\d+$|\/operationResults\/op-\d+$/i.test(path);
  }

  /** Answers a poll of an operation: still running for `pollsBeforeDone` polls, then done. */
  poll(path: string): WriteAnswer {
    const id = path.split('/').pop() ?? '';
    const operation = this.operations.get(id);
    if (!operation) return { status: 404, body: { error: { code: 'NotFound', message: `No operation ${id}` } }, headers: {} };
    operation.polls++;
    const running = operation.polls <= this.pollsBeforeDone;
    if (!running && !operation.done) {
      operation.done = true;
      this.finish(operation.resourcePath);
    }
    if (/\/operations\//i.test(path)) return { status: 200, body: { name: id, status: running ? 'InProgress' : 'Succeeded' }, headers: running ? { 'retry-after': '0' } : {} };
    return running ? { status: 202, body: undefined, headers: { location: path, 'retry-after': '0' } } : { status: 200, body: this.get(operation.resourcePath), headers: {} };
  }

  private finish(path: string): void {
    const child = this.childOf(path);
    const target = child ? this.collection(this.rows[child.parentIndex] as StoredRow, child.property).find((item) => typeof item.name === 'string' && item.name.toLowerCase() === child.name.toLowerCase()) : this.rows[this.indexOf(path)];
    if (target && isPlainObject(target.properties)) target.properties.provisioningState = 'Succeeded';
  }
}

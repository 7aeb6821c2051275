import { nameOf } from '../core/ids';
import { isObject } from '../core/json';
import type { ArmPort, ArmReadResult } from '../remediation';
import { applyToRows, childCollectionOf } from '../remediation';
import type { SnapshotInventoryProvider } from './inventory';

/**
 * The ARM writer of `npm start`: there is no Azure to write to, so apply mode writes the bundled
 * sample estate held in memory, with the same semantics the plans were proven with (PUT replaces,
 * PATCH merges, children land in their parent). The rest of the loop is the real one: the write is
 * read back, the event path judges it again, the finding resolves. Local demos only: in Azure the
 * writer is src/live's ARM client.
 */
export class InventoryArmPort implements ArmPort {
  constructor(
    private readonly provider: SnapshotInventoryProvider,
    private readonly now: () => Date = () => new Date(),
  ) {}

  read(id: string): Promise<ArmReadResult> {
    const child = childCollectionOf(id);
    if (child === undefined) {
      const row = this.provider.row(id);
      return Promise.resolve(row === undefined ? { status: 'missing' } : { status: 'found', body: row, etag: undefined });
    }
    const parent = this.provider.row(child.parentId);
    const properties = isObject(parent?.properties) ? parent.properties : {};
    const list = Array.isArray(properties[child.property]) ? (properties[child.property] as unknown[]) : [];
    const entry = list.find((item) => isObject(item) && typeof item.name === 'string' && item.name.toLowerCase() === nameOf(id).toLowerCase());
    return Promise.resolve(entry === undefined ? { status: 'missing' } : { status: 'found', body: { ...(entry as object), id }, etag: undefined });
  }

  write(request: Parameters<ArmPort['write']>[0]): Promise<void> {
    const target = childCollectionOf(request.id)?.parentId ?? request.id;
    const existing = this.provider.row(target);
    const operation = { ...request, body: request.body as never, precondition: { readId: request.id, apiVersion: request.apiVersion, values: {} }, description: '' };
    const [row] = applyToRows(existing !== undefined ? [existing] : [], [operation]);
    if (row !== undefined) this.provider.applyChange({ kind: 'upsert', row, time: this.now().toISOString() });
    return Promise.resolve();
  }
}

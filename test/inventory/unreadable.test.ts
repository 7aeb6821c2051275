import { describe, expect, it, vi } from 'vitest';

// Tests run as root here, where chmod 000 still reads; the permission error is simulated at the fs boundary.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    stat: vi.fn(async () => ({ isDirectory: () => false, isFile: () => true, size: 10 })),
  };
});
// The file is read as a stream: opening it fails as Node's ReadStream does, with an 'error' event.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const { Readable } = await import('node:stream');
  return {
    ...actual,
    createReadStream: vi.fn(() =>
      new Readable({
        read() {
          this.destroy(Object.assign(new Error("EACCES: permission denied, open 'locked.json'"), { code: 'EACCES' }));
        },
      }),
    ),
  };
});

describe('loadSnapshotFile on an unreadable file', () => {
  it('names the file and says it cannot be read', async () => {
    const { loadSnapshotFile, SnapshotError } = await import('../../src/inventory/snapshot');
    const error = await loadSnapshotFile('locked.json').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message).toBe('snapshot locked.json: cannot be read (permission denied)');
  });
});

import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

/**
 * A TCP relay in front of Azurite that calls `onBatch(n)` before forwarding the n-th
 * transaction ($batch) request, so a test can act at an exact point of a run (restart the
 * emulator, let another writer in) over the real protocol.
 */
export async function startRelay(target: () => number, onBatch: (count: number) => Promise<void>): Promise<{ port: number; close(): Promise<void> }> {
  let batches = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    let upstream: Socket | undefined;
    let chain = Promise.resolve();
    const closeBoth = (): void => {
      // end, not destroy: a response still being flushed to the client must arrive whole.
      client.end();
      upstream?.end();
    };
    client.on('data', (chunk: Buffer) => {
      client.pause();
      chain = chain.then(async () => {
        for (const _ of chunk.toString('latin1').matchAll(/^POST \S*\$batch/gm)) await onBatch(++batches);
        if (upstream === undefined) {
          const current = connect(target(), '127.0.0.1');
          upstream = current;
          sockets.add(current);
          current.on('data', (data) => client.write(data));
          current.on('error', closeBoth);
          current.on('close', () => {
            sockets.delete(current);
            closeBoth();
          });
        }
        upstream.write(chunk);
        client.resume();
      });
    });
    client.on('error', closeBoth);
    client.on('close', () => {
      sockets.delete(client);
      upstream?.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` as a user runs it, stopped the way a supervisor stops it: by signalling npm's own PID. */
describe('npm start as a process', () => {
  it('stops the server, and frees its port, when npm itself is stopped', async () => {
    const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, PORT: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not report its URL:\n${output}`)), 120_000);
      const read = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        const match = /is running on http:\/\/localhost:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
    });
    expect(await portOpen(port)).toBe(true);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    // The server (a grandchild of npm) follows within a second or two.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await portOpen(port))) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await portOpen(port)).toBe(false);
    expect(child.pid !== undefined && alive(child.pid)).toBe(false);
  }, 180_000);
});

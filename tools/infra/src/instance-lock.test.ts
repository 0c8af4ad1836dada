import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { acquireInstanceLock } from './instance-lock';

describe('acquireInstanceLock', () => {
  it('refuses a second start while the first runs, naming its pid and how to stop it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fleet-lock-'));
    const first = acquireInstanceLock(dir, 'start');
    expect(() => acquireInstanceLock(dir, 'start')).toThrow(
      new RegExp(`^Fleet is already running \\(pid ${process.pid}, started .*kill ${process.pid}`),
    );
    first.release();
    acquireInstanceLock(dir, 'start').release();
  });

  it('takes over a lock left by a process that is gone', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fleet-lock-'));
    writeFileSync(path.join(dir, 'start.pid'), JSON.stringify({ pid: 2 ** 22 + 1, startedAt: 'yesterday' }));
    const lock = acquireInstanceLock(dir, 'start');
    lock.release();
  });
});

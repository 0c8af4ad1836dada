/**
 * A detached watchdog: `node reaper.js <ownerPid> <pid>:<signal> ...`.
 * When the owner dies, however it dies (even SIGKILL), it stops the listed processes, so no
 * server outlives the start command, test run or benchmark that started it.
 */
import { isAlive } from './pids';

const [ownerArg, ...targets] = process.argv.slice(2);
const owner = Number(ownerArg);

function signalGroupOrPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

const timer = setInterval(() => {
  if (isAlive(owner)) return;
  clearInterval(timer);
  const parsed = targets.map((t) => {
    const [pid, signal] = t.split(':');
    return { pid: Number(pid), signal: (signal ?? 'SIGTERM') as NodeJS.Signals };
  });
  for (const { pid, signal } of parsed) signalGroupOrPid(pid, signal);
  setTimeout(() => {
    for (const { pid } of parsed) if (isAlive(pid)) signalGroupOrPid(pid, 'SIGKILL');
    process.exit(0);
  }, 5000);
}, 500);

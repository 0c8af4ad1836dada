import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Saves a finished workflow's history as a replay fixture when FLEET_RECORD_HISTORIES=1
 * (`FLEET_RECORD_HISTORIES=1 npm run jest -- apps/<worker>`), so a change that breaks
 * determinism for runs already in flight fails the replay test.
 */
export async function recordHistory(client: Client, dir: string, workflowId: string, name: string, runId?: string): Promise<void> {
  if (process.env.FLEET_RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(history, null, 1));
}

/** The recorded histories of a folder: file name, workflow type, history. */
export function recordedHistories(dir: string) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((file) => {
      // Saved with the proto's own toJSON (see recordHistory), so fromObject reads it back exactly.
      const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      const type = history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
      return { file, type, history };
    });
}

/**
 * Replays one recorded history over today's workflow bundle; throws on a determinism error.
 * Not in the SDK's replay debug mode (the default): that runs the bundle in this process's own heap
 * with no deadlock detector, so a loop in workflow code would grow the test process until it runs
 * out of memory. Here the bundle runs in a worker thread, freed with it, and a workflow task stuck
 * past 5 s fails the replay with its stack.
 */
export function replayHistory(bundle: string, file: string, history: temporal.api.history.v1.IHistory): Promise<void> {
  // ReplayWorkerOptions leaves debugMode out of its type, but the SDK (1.24.0, pinned) spreads the
  // options over its own `debugMode: true`, so this one is honoured.
  const options = { workflowBundle: { codePath: bundle }, replayName: file, debugMode: false } as ReplayWorkerOptions;
  return Worker.runReplayHistory(options, history, file);
}

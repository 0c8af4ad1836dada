import type { Client } from '@temporalio/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Committed histories of real runs; the replay test runs today's workflow code over them. */
export const HISTORIES_DIR = path.join(__dirname, 'histories');

/**
 * Saves a finished workflow's history as a replay fixture when FLEET_RECORD_HISTORIES=1
 * (`FLEET_RECORD_HISTORIES=1 npm run jest -- apps/license-worker`), so a change that breaks
 * determinism for runs already in flight fails the replay test.
 */
export async function recordHistory(client: Client, workflowId: string, name: string, runId?: string): Promise<void> {
  if (process.env.FLEET_RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(history, null, 1));
}

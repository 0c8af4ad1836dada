import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

export interface RunStats {
  runs: number;
  eventsPerRun: number[];
  largestPayloadBytes: number;
}

/** Bytes of every Payloads found in an event (inputs, results, continue-as-new arguments). */
function payloadSizes(value: unknown, sizes: number[]): void {
  if (!value || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) return;
  const payloads = (value as { payloads?: unknown }).payloads;
  if (Array.isArray(payloads)) {
    let bytes = 0;
    for (const p of payloads as temporal.api.common.v1.IPayload[]) {
      bytes += p.data?.length ?? 0;
      for (const v of Object.values(p.metadata ?? {})) bytes += v.length;
    }
    sizes.push(bytes);
    return;
  }
  for (const child of Object.values(value)) payloadSizes(child, sizes);
}

/** Walks a workflow's continue-as-new chain from its first run: events per run and the largest payload. */
export async function historyStats(client: Client, workflowId: string, firstRunId: string): Promise<RunStats> {
  const stats: RunStats = { runs: 0, eventsPerRun: [], largestPayloadBytes: 0 };
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    stats.runs += 1;
    stats.eventsPerRun.push(events.length);
    const sizes: number[] = [];
    for (const event of events) payloadSizes(event, sizes);
    stats.largestPayloadBytes = Math.max(stats.largestPayloadBytes, ...sizes);
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return stats;
}

import type { TicketingActivities, TicketingConfigInput, TicketingConfigState } from '@fleet/ticketing-contracts';
// Values from the preloaded workflow entry only (see ticket-lifecycle.workflow.ts).
import {
  checkWorkflowInput,
  parseConfigWorkflowInput,
  parseWorkflowInput,
  ticketingConfigStateQuery,
  ticketingSetConfigUpdate,
  ticketPolicyChangedSignal,
  ticketWorkflowId,
} from '@fleet/ticketing-contracts/workflow';
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';

const { saveConfig } = proxyActivities<TicketingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Tickets told at once; between batches the run may continue as new, carrying who is left. */
const BATCH = 100;

export interface ConfigContinuation {
  version: number;
  /** Tickets still to tell of `version`, and how many there were. */
  toNotify: string[];
  total: number;
}

/**
 * The one configuration workflow (`ticketing-config`): each `ticketingSetConfig` Update is validated
 * (a bad configuration is refused and never enters history), stored as the next version, and
 * answered; then every open ticket is told to look up its rule again, so a changed target moves due
 * times and a disabled rule clears pending escalations. A newer version supersedes the telling of an
 * older one.
 */
export async function ticketingConfigWorkflow(raw: Record<string, never>, continuation?: ConfigContinuation): Promise<void> {
  parseConfigWorkflowInput(raw);
  let version = continuation?.version ?? 0;
  let toNotify = continuation?.toNotify ?? [];
  let total = continuation?.total ?? 0;
  let saving: Promise<unknown> = Promise.resolve();
  const state = (): TicketingConfigState => ({ version, notified: total - toNotify.length, toNotify: total });

  setHandler(ticketingConfigStateQuery, state);
  setHandler(
    ticketingSetConfigUpdate,
    (input: TicketingConfigInput) => {
      // One save at a time, in the order the Updates arrived.
      const saved = saving.then(async () => {
        const result = await saveConfig({ config: parseWorkflowInput('setConfig', input) });
        version = result.version;
        toNotify = result.tickets;
        total = result.tickets.length;
        return state();
      });
      saving = saved.catch(() => undefined);
      return saved;
    },
    {
      validator: (input: TicketingConfigInput) => {
        checkWorkflowInput('setConfig', input, 'config');
      },
    },
  );

  for (;;) {
    await condition(() => toNotify.length > 0 || workflowInfo().continueAsNewSuggested);
    while (toNotify.length) {
      const batch = toNotify.slice(0, BATCH);
      const told = version;
      await Promise.all(
        batch.map((ticketId) =>
          // A ticket closed meanwhile has nothing to look up.
          getExternalWorkflowHandle(ticketWorkflowId(ticketId))
            .signal(ticketPolicyChangedSignal, { version: told })
            .catch(() => undefined),
        ),
      );
      // An Update may have replaced the list while the batch went out.
      if (told === version && toNotify[0] === batch[0]) toNotify = toNotify.slice(batch.length);
      if (workflowInfo().continueAsNewSuggested) break;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof ticketingConfigWorkflow>(raw, { version, toNotify, total });
    }
  }
}

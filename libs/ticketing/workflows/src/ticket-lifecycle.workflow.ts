import type { CreateTicketRequest, NotificationRequest, TicketingActivities, TicketView } from '@fleet/ticketing-contracts';
// Values from the preloaded workflow entry only: the package root would evaluate zod and every schema again in each run.
import {
  checkWorkflowInput,
  parseTicketWorkflowInput,
  parseWorkflowInput,
  ticketAddArticleUpdate,
  ticketAssignUpdate,
  ticketChangePriorityUpdate,
  ticketChangeQueueUpdate,
  ticketChangeStateUpdate,
  ticketCreateUpdate,
  ticketPolicyChangedSignal,
  ticketSearchAttributes,
  ticketStateQuery,
  type WorkflowInput,
  type WorkflowInputKind,
} from '@fleet/ticketing-contracts/workflow';
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { TicketModel, type Refusal, type TicketSnapshot } from './ticket-model';

// Recording changes: retried with backoff while the database is away (nothing is lost; bad data fails at once).
const { recordTicketChanges } = proxyActivities<TicketingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
// Sending: each transient failure is a retry; the activity falls back to the next channel after a few.
const { deliverNotification } = proxyActivities<TicketingActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// The rule a ticket follows: a short read, run as a local activity so an Update answers quickly.
const { resolvePolicy } = proxyLocalActivities<TicketingActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

/** What a continued run is given besides the creating input: the ticket as the previous run left it. */
export interface TicketContinuation {
  snapshot: TicketSnapshot;
  searchAttributes: boolean;
}

/**
 * One workflow per ticket (`ticket-<id>`), started by update-with-start so creating is idempotent.
 * Every change is an Update validated against the ticket's state (a refused one never enters
 * history) that answers the new state. The SLA clocks share one durable timer, armed for the
 * earliest thing due and re-armed on every change; nothing polls. Changes are recorded (row,
 * history, events) by the main loop in batches; notifications run beside it. The run continues as
 * new when Temporal suggests it, once every handler has finished, and ends when the ticket closes.
 */
export async function ticketLifecycleWorkflow(raw: CreateTicketRequest, continuation?: TicketContinuation): Promise<TicketView> {
  const input = parseTicketWorkflowInput(raw);
  const info = workflowInfo();
  const searchAttributes = continuation?.searchAttributes ?? info.typedSearchAttributes.get(ticketSearchAttributes.queue) !== undefined;
  // Due times count from the start (runStartTime is the first workflow task's time in SDK 1.24).
  const model = continuation ? TicketModel.resume(continuation.snapshot) : TicketModel.create(input, info.startTime.getTime());

  let woken = false;
  let inflight = 0;
  let chain: Promise<unknown> = Promise.resolve();
  /** Handlers and the loop change the ticket one at a time, in the order they arrive. */
  const serially = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const next = chain.then(fn);
    chain = next.catch(() => undefined);
    return next;
  };
  const wake = () => {
    woken = true;
  };

  const send = (request: NotificationRequest) => {
    inflight += 1;
    void deliverNotification(request)
      .then((result) => {
        if (result.status === 'deferred') model.defer(request, Date.parse(result.notBefore));
      })
      .catch(() => undefined) // given up after a day of retries: recorded as such by the activity
      .finally(() => {
        inflight -= 1;
        wake();
      });
  };
  /** Fires what fell due before a change, so thresholds, escalations and reminders come first. */
  const catchUp = (now: number) => {
    for (const n of model.advance(now)) send(n.request);
  };

  const refuse = (refusal: Refusal) => {
    if (refusal) throw new Error(refusal);
  };
  /** An Update: validated (schema and state), then applied in turn; answers the ticket as it stands. */
  const update = <K extends WorkflowInputKind>(kind: K, validate: (input: WorkflowInput<K>, now: number) => Refusal, apply: (input: WorkflowInput<K>, now: number) => Promise<void> | void) => ({
    validator: (arg: unknown) => {
      refuse(validate(checkWorkflowInput(kind, arg), Date.now()));
    },
    handler: (arg: unknown) =>
      serially(async () => {
        const parsed = parseWorkflowInput(kind, arg);
        const now = Date.now();
        catchUp(now);
        // Checked again: an Update validated against the state before another one changed it.
        const refusal = validate(parsed, now);
        if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'RefusedChange');
        await apply(parsed, now);
        wake();
        return model.view(Date.now());
      }),
  });
  const reresolve = async (now: number) => {
    const t = model.ticket;
    model.applyPolicy(await resolvePolicy({ queue: t.queue, priority: t.priority }), now);
  };

  // Resolving the rule comes first in line: an Update delivered with the start waits for it.
  const initialised = continuation ? undefined : serially(() => reresolve(model.ticket.createdAt));
  setHandler(ticketStateQuery, () => model.view(Date.now()));
  setHandler(ticketCreateUpdate, (_: CreateTicketRequest) => serially(() => model.view(Date.now())), {
    validator: (arg: CreateTicketRequest) => {
      const parsed = parseWorkflowInput('create', arg);
      if (parsed.ticketId !== model.ticket.ticketId) throw new Error(`this is ticket ${model.ticket.ticketId}, not ${parsed.ticketId}`);
    },
  });
  const assign = update('assign', () => model.refuseChange(), (i, now) => model.assign(i.assignee, now));
  setHandler(ticketAssignUpdate, assign.handler, { validator: assign.validator });
  const changeState = update(
    'changeState',
    (i, now) => model.refuseChangeState(i.state, now),
    (i, now) => model.changeState(i.state, now, i.pendingUntil ? Date.parse(i.pendingUntil) : null),
  );
  setHandler(ticketChangeStateUpdate, changeState.handler, { validator: changeState.validator });
  const changePriority = update(
    'changePriority',
    () => model.refuseChange(),
    async (i, now) => {
      model.changePriority(i.priority, now);
      await reresolve(now);
    },
  );
  setHandler(ticketChangePriorityUpdate, changePriority.handler, { validator: changePriority.validator });
  const changeQueue = update(
    'changeQueue',
    () => model.refuseChange(),
    async (i, now) => {
      model.changeQueue(i.queue, now);
      await reresolve(now);
    },
  );
  setHandler(ticketChangeQueueUpdate, changeQueue.handler, { validator: changeQueue.validator });
  const addArticle = update('addArticle', (i, now) => model.refuseArticle(i, now), (i, now) => model.addArticle(i, now));
  setHandler(ticketAddArticleUpdate, addArticle.handler, { validator: addArticle.validator });
  setHandler(ticketPolicyChangedSignal, () =>
    serially(async () => {
      if (model.ticket.state === 'closed') return;
      const now = Date.now();
      catchUp(now);
      await reresolve(now);
      wake();
    }),
  );

  await initialised;

  let attributes = '';
  const syncSearchAttributes = () => {
    if (!searchAttributes) return;
    const t = model.ticket;
    const sla = model.slaSummary();
    const key = JSON.stringify([t.queue, t.state, t.priority, sla.breached, sla.dueAt]);
    if (key === attributes) return;
    attributes = key;
    const k = ticketSearchAttributes;
    upsertSearchAttributes([
      { key: k.queue, value: t.queue },
      { key: k.state, value: t.state },
      { key: k.priority, value: t.priority },
      { key: k.slaBreached, value: sla.breached },
      { key: k.slaDueAt, value: sla.dueAt === null ? null : new Date(sla.dueAt) },
    ]);
  };

  for (;;) {
    await serially(() => catchUp(Date.now()));
    syncSearchAttributes();
    if (model.unrecorded.length) {
      const changes = model.unrecorded.splice(0);
      await recordTicketChanges({ ticket: model.view(Date.now()), changes });
      continue;
    }
    const quiet = () => inflight === 0 && model.unrecorded.length === 0;
    if (model.ticket.state === 'closed') {
      await condition(() => quiet() && allHandlersFinished());
      if (quiet()) return model.view(Date.now());
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => quiet() && allHandlersFinished());
      if (quiet()) return continueAsNew<typeof ticketLifecycleWorkflow>(input, { snapshot: model.snapshot(), searchAttributes });
      continue;
    }
    woken = false;
    const next = model.nextWake(Date.now());
    const wakeUp = () => woken || model.unrecorded.length > 0;
    if (next === null) await condition(wakeUp);
    else await condition(wakeUp, Math.max(1, next - Date.now()));
  }
}

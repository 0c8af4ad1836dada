import { describeIssues, parseInput, rootCauseMessage } from '@fleet/shared-domain';
import {
  CAMPAIGNS_AI_TASK_QUEUE,
  CHANNELS,
  campaignApproveUpdate,
  campaignCancelUpdate,
  campaignCreateUpdate,
  campaignPauseUpdate,
  campaignRejectUpdate,
  campaignResumeUpdate,
  campaignScheduleUpdate,
  campaignStateQuery,
  campaignSubmitUpdate,
  campaignsDomain,
  cancelInputSchema,
  createCampaignInputSchema,
  decisionInputSchema,
  externalReference,
  localToInstant,
  MONITORED_CHANNELS,
  OPTIMIZER_ACTOR,
  pauseInputSchema,
  publishTaskQueue,
  scheduleInputSchema,
  submitInputSchema,
  type CampaignChange,
  type CampaignsActivities,
  type CampaignState,
  type CampaignView,
  type Channel,
  type ChannelDelivery,
  type ChannelStatus,
  type ChannelView,
  type CreateCampaignInput,
  type CreateCampaignRequest,
  type CreativeView,
  type OptimizationDecision,
} from '@fleet/campaigns-contracts';
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
  type ActivityInterfaceFor,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { z } from 'zod';
import { autoPauseReason, isTerminal, refuseDates, refuseUnless, type Refusal } from './campaign-rules';
import { decideOptimization, type ChannelStanding } from './optimization-rules';

// Records: retried with backoff while the database is away (bad data fails at once).
const { createCampaignRecord, recordCampaignChanges } = proxyActivities<CampaignsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
// The LLM: its own queue (bounded concurrency), heartbeats while it writes, a few attempts.
const { generateContent } = proxyActivities<CampaignsActivities>({
  taskQueue: CAMPAIGNS_AI_TASK_QUEUE,
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});
// Review polling: one heartbeating activity per creative, so history does not grow with the polls.
const { awaitReview } = proxyActivities<CampaignsActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// The monitor's reading of the platforms' statistics: read-only, a few attempts; a pass that cannot read decides nothing.
const { readDeliveryStats } = proxyActivities<CampaignsActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

const publishOptions = (channel: Channel): ActivityOptions => ({
  taskQueue: publishTaskQueue(channel),
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  // Transient failures and 429s (their Retry-After as the next delay) retry within this window.
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  // A cancelled publish is waited out, so compensation never races a create still in flight.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
// Publishing and compensating on each channel's own rate-limited queue. Compensation retries until
// it succeeds: no attempt limit, no schedule-to-close.
const publishers = Object.fromEntries(CHANNELS.map((c) => [c, proxyActivities<CampaignsActivities>(publishOptions(c))])) as Record<Channel, ActivityInterfaceFor<CampaignsActivities>>;
const compensators = Object.fromEntries(
  CHANNELS.map((c) => [
    c,
    proxyActivities<CampaignsActivities>({
      taskQueue: publishTaskQueue(c),
      startToCloseTimeout: '1 minute',
      heartbeatTimeout: '10 seconds',
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
    }),
  ]),
) as Record<Channel, ActivityInterfaceFor<CampaignsActivities>>;
// Setting the status and budget of a channel's live objects, on its rate-limited queue like its
// publishes: 429s and 5xx retried within the window, a refusal (4xx) at once. Idempotent (a value set
// again is the same), so a cancelled one is not waited out: compensation removes the objects anyway.
const settingsAppliers = Object.fromEntries(
  CHANNELS.map((c) => [
    c,
    proxyActivities<CampaignsActivities>({
      taskQueue: publishTaskQueue(c),
      startToCloseTimeout: '1 minute',
      heartbeatTimeout: '10 seconds',
      scheduleToCloseTimeout: '30 minutes',
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
    }),
  ]),
) as Record<Channel, ActivityInterfaceFor<CampaignsActivities>>;

/** Creatives of one channel in flight at once per campaign (publish and review): a pause stops the rest before they go. */
const INFLIGHT_PER_CHANNEL = 2;

const iso = (ms: number) => new Date(ms).toISOString();

/** The answer of a create its validator refused: never given (the refusal is). */
const refusedCreate = (): never => {
  throw ApplicationFailure.nonRetryable('the campaign input is invalid', 'InvalidCampaign');
};

/** What a live object on its platform runs with. */
type PlatformSettings = { status: 'active' | 'paused'; budget: number };

/** A change as the workflow makes it: numbered and timed when it is made. */
type ChangeInput = CampaignChange extends infer C ? (C extends CampaignChange ? Omit<C, 'seq' | 'at'> : never) : never;

/**
 * One campaign as a saga (`campaign-<idempotencyKey>`), created by update-with-start so a repeated
 * create finds the first. Validated (schema, budget, dates in its time zone at the workflow's time),
 * recorded (the id comes from the record), its content written per channel by the LLM, reviewed
 * (a reminder, then expiry, on durable timers), scheduled, then published per channel and creative
 * in parallel on each channel's rate-limited queue, each creative's asynchronous review awaited.
 * Every move is a validated Update answering the new state. A cancel, or a failure past the
 * partial-failure policy, unpublishes everything that went out, in reverse order, in a
 * non-cancellable scope, each step retried until it succeeds. A channel pauses itself after too many
 * errors and resumes by Update; what it holds back then goes out at the queue's rate, never at once.
 * With an optimization rule, a monitor reads each channel's delivery every `monitorEverySeconds` of
 * running time (a durable timer; never while paused) and applies the rule: a channel paused as a
 * person would pause it, its remaining budget moved, each decision recorded and published.
 * A channel's objects already live on its platform follow: paused with their channel (by the rule or
 * by a person), running again when a person resumes it, their budget the channel's per creative.
 */
export async function campaignWorkflow(raw: CreateCampaignRequest): Promise<CampaignView> {
  const { campaign: contract } = campaignsDomain.workflows;
  // A create whose input is refused is answered with the fields named (the run then fails on the same
  // input), rather than finding no handler.
  const validCreate = (arg: unknown): CreateCampaignInput => {
    const result = createCampaignInputSchema.safeParse(arg);
    if (!result.success) throw new Error(describeIssues(result.error));
    return result.data;
  };
  if (!contract.input.safeParse(raw ?? {}).success) setHandler(campaignCreateUpdate, refusedCreate, { validator: (arg: CreateCampaignRequest) => void validCreate(arg) });
  const input = parseInput(contract.type, contract.input, raw);
  const { workflowId } = workflowInfo();
  const createdAt = Date.now();
  const startAt = localToInstant(input.startAt, input.timeZone) as number;
  const endAt = localToInstant(input.endAt, input.timeZone) as number;

  const view: CampaignView = {
    workflowId,
    idempotencyKey: input.idempotencyKey,
    campaignId: null,
    name: input.name,
    state: 'draft',
    timeZone: input.timeZone,
    startAt: iso(startAt),
    endAt: iso(endAt),
    partialFailure: input.partialFailure,
    contentReady: false,
    approval: { decision: null, by: null, reason: null, decidedAt: null, submittedBy: null, submittedAt: null, remindedAt: null, expiresAt: null },
    channels: input.channels.map((p) => ({ channel: p.channel, budget: p.budget, status: 'active', errors: 0, outcomes: 0, pausedReason: null })),
    creatives: [],
    compensation: { status: 'none', unpublished: 0, irreversible: 0, order: [] },
    failure: null,
    ...(input.optimization ? { optimization: { rule: input.optimization, passes: 0, lastPassAt: null, nextPassAt: null, delivery: [], decisions: [], lastError: null } } : {}),
    createdAt: iso(createdAt),
    updatedAt: iso(createdAt),
    version: 0,
  };
  /** The view as of now: an answer is serialized after the activation, when the saga may have moved on. */
  const snapshot = (): CampaignView => JSON.parse(JSON.stringify(view)) as CampaignView;
  const unrecorded: CampaignChange[] = [];
  let seq = 0;
  const change = (c: ChangeInput) => {
    const at = Date.now();
    view.updatedAt = iso(at);
    seq += 1;
    view.version = seq;
    unrecorded.push({ ...c, seq, at: iso(at) } as CampaignChange);
  };
  const moveTo = (to: CampaignState, by: string | null, reason: string | null) => {
    const from = view.state;
    view.state = to;
    // Only a running campaign has a monitor pass due.
    if (to !== 'running' && view.optimization) view.optimization.nextPassAt = null;
    change({ kind: 'state', from, to, by, reason });
  };
  const channelOf = (channel: Channel) => view.channels.find((c) => c.channel === channel) as ChannelView;
  const setChannel = (ch: ChannelView, status: ChannelStatus, by: string | null, reason: string | null) => {
    ch.status = status;
    ch.pausedReason = status === 'active' ? null : reason;
    if (status === 'active') {
      ch.errors = 0;
      ch.outcomes = 0;
      resumes.set(ch.channel, (resumes.get(ch.channel) ?? 0) + 1);
      // The monitor judges a resumed channel by what it delivers from now on.
      const last = view.optimization?.delivery.find((d) => d.channel === ch.channel);
      if (last) baselines.set(ch.channel, { impressions: last.impressions, clicks: last.clicks });
    }
    change({ kind: 'channel', channel: ch.channel, status, by, reason });
  };
  /** A channel paused, by a person (the pause Update) or by the optimization rule alike: resumed by Update. */
  const pauseChannel = (ch: ChannelView, by: string | null, reason: string | null) => setChannel(ch, 'paused', by, reason);

  // What the saga keeps to decide and to compensate.
  const work = new CancellationScope();
  let cancelRequest: { by: string; reason: string } | null = null;
  let ended = false;
  let publishesInFlight = 0;
  const inflight = new Map<Channel, number>();
  const resumes = new Map<Channel, number>();
  /** Per channel, the monitor's reading when it last resumed. */
  const baselines = new Map<Channel, { impressions: number; clicks: number }>();
  /** Creatives handed to a platform, in order: compensation undoes them in reverse. */
  const dispatched: CreativeView[] = [];
  /** Of those, the ones the platform confirmed, in the order it did. */
  const published_: CreativeView[] = [];
  /** Per live creative (by reference), the status and budget its platform was last given: by its publish, then by `applyChannelSettings`. */
  const onPlatform = new Map<string, PlatformSettings>();

  const fail = (reason: string) => {
    if (view.failure || cancelRequest) return;
    view.failure = reason;
    work.cancel();
  };

  // Updates: the validator refuses what the state does not allow (never entering history); the
  // handler runs right after it in the same activation, so it applies without checking again.
  const update = <S extends z.ZodType>(schema: S, refuse: (i: z.output<S>) => Refusal, apply: (i: z.output<S>) => Promise<void> | void) => ({
    validator: (arg: unknown) => {
      const parsed = schema.safeParse(arg);
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
      const refusal = refuse(parsed.data);
      if (refusal) throw new Error(refusal);
    },
    handler: async (arg: unknown): Promise<CampaignView> => {
      const parsed = schema.parse(arg);
      const refusal = refuse(parsed);
      if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'RefusedChange');
      await apply(parsed);
      return snapshot();
    },
  });
  const dateRefusal = refuseDates(input, createdAt);

  setHandler(campaignStateQuery, () => view);
  setHandler(
    campaignCreateUpdate,
    async () => {
      await condition(() => view.campaignId !== null || isTerminal(view.state));
      return snapshot();
    },
    {
      validator: (arg: CreateCampaignRequest) => {
        const parsed = validCreate(arg);
        if (parsed.idempotencyKey !== input.idempotencyKey) throw new Error(`this is campaign ${input.idempotencyKey}, not ${parsed.idempotencyKey}`);
        if (dateRefusal) throw new Error(dateRefusal);
      },
    },
  );
  const submit = update(
    submitInputSchema,
    () => refuseUnless(view.state, ['draft'], 'submit'),
    async (i) => {
      // Answers once the content is there to review.
      await condition(() => view.contentReady || view.state !== 'draft');
      if (view.state !== 'draft') return;
      view.approval.submittedBy = i.by;
      view.approval.submittedAt = iso(Date.now());
      moveTo('in_review', i.by, null);
    },
  );
  setHandler(campaignSubmitUpdate, submit.handler, { validator: submit.validator });
  const decide = (decision: 'approved' | 'rejected') =>
    update(
      decisionInputSchema,
      (i) => refuseUnless(view.state, ['in_review'], decision === 'approved' ? 'approve' : 'reject') ?? (decision === 'approved' && i.by === view.approval.submittedBy ? `${i.by} submitted the campaign and cannot approve it too` : null),
      (i) => {
        Object.assign(view.approval, { decision, by: i.by, reason: i.reason, decidedAt: iso(Date.now()) });
        moveTo(decision, i.by, i.reason);
      },
    );
  const approve = decide('approved');
  setHandler(campaignApproveUpdate, approve.handler, { validator: approve.validator });
  const reject = decide('rejected');
  setHandler(campaignRejectUpdate, reject.handler, { validator: reject.validator });
  const schedule = update(
    scheduleInputSchema,
    () => refuseUnless(view.state, ['approved'], 'schedule') ?? (endAt <= Date.now() ? `the campaign ended at ${view.endAt}` : null),
    (i) => moveTo('scheduled', i.by, null),
  );
  setHandler(campaignScheduleUpdate, schedule.handler, { validator: schedule.validator });
  const pause = update(
    pauseInputSchema,
    (i) => {
      if (!i.channel) return refuseUnless(view.state, ['running'], 'pause');
      const ch = view.channels.find((c) => c.channel === i.channel);
      if (!ch) return `the campaign does not publish on ${i.channel}`;
      if (isTerminal(view.state)) return `the campaign is ${view.state}`;
      return ch.status === 'active' ? null : `channel ${i.channel} is ${ch.status} already`;
    },
    (i) => (i.channel ? pauseChannel(channelOf(i.channel), i.by, i.reason ?? null) : moveTo('paused', i.by, i.reason ?? null)),
  );
  setHandler(campaignPauseUpdate, pause.handler, { validator: pause.validator });
  const resume = update(
    pauseInputSchema,
    (i) => {
      if (!i.channel) return refuseUnless(view.state, ['paused'], 'resume');
      const ch = view.channels.find((c) => c.channel === i.channel);
      if (!ch) return `the campaign does not publish on ${i.channel}`;
      if (isTerminal(view.state)) return `the campaign is ${view.state}`;
      return ch.status === 'active' ? `channel ${i.channel} is not paused` : null;
    },
    (i) => (i.channel ? setChannel(channelOf(i.channel), 'active', i.by, i.reason ?? null) : moveTo('running', i.by, i.reason ?? null)),
  );
  setHandler(campaignResumeUpdate, resume.handler, { validator: resume.validator });
  const cancel = update(
    cancelInputSchema,
    () => (isTerminal(view.state) ? `the campaign is ${view.state} already` : null),
    (i) => {
      cancelRequest = i;
      moveTo('cancelled', i.by, i.reason);
      work.cancel();
    },
  );
  setHandler(campaignCancelUpdate, cancel.handler, { validator: cancel.validator });

  if (dateRefusal) throw ApplicationFailure.nonRetryable(dateRefusal, 'InvalidCampaign');

  // Changes are recorded in order, in batches, beside the saga; nothing cancels the recording.
  let finished = false;
  const recorder = CancellationScope.nonCancellable(async () => {
    for (;;) {
      await condition(() => (view.campaignId !== null && unrecorded.length > 0) || finished);
      if (!unrecorded.length || view.campaignId === null) return;
      const changes = unrecorded.splice(0);
      await recordCampaignChanges({ view: snapshot(), changes });
    }
  });

  const creativesOf = new Map(input.channels.map((p) => [p.channel, p.creatives]));
  /**
   * What a channel's live objects should run with: paused while the channel is paused (by a person
   * or the rule; an auto-pause only holds back what is not out yet), its budget shared by its creatives.
   */
  const wantedOnPlatform = (ch: ChannelView): PlatformSettings => ({ status: ch.status === 'paused' ? 'paused' : 'active', budget: ch.budget / (creativesOf.get(ch.channel) ?? 1) });
  /** The first channel (in the campaign's order) with live objects whose platform settings differ from what it should run with. */
  const outOfStep = (): { ch: ChannelView; wanted: PlatformSettings; creatives: CreativeView[] } | undefined => {
    for (const ch of view.channels) {
      if (ch.channel === 'email') continue;
      const wanted = wantedOnPlatform(ch);
      const creatives = view.creatives.filter((c) => {
        const given = c.channel === ch.channel && c.externalId !== null && c.status !== 'unpublished' ? onPlatform.get(c.reference) : undefined;
        return given !== undefined && (given.status !== wanted.status || given.budget !== wanted.budget);
      });
      if (creatives.length) return { ch, wanted, creatives };
    }
    return undefined;
  };
  /**
   * Keeps the live objects in step with their channels while the campaign runs: once a decision is
   * made (or a person pauses or resumes a channel), the channel's live objects are given its status
   * and budget, one channel at a time, on its queue. The last word wins: a pause and a resume in
   * quick succession end with the objects running. A failure (a refusal, or retries past their
   * window) leaves them as they were, noted in the monitor's last error; the channel's next change
   * sets them again.
   */
  const keepPlatformsInStep = async (): Promise<void> => {
    const campaignId = view.campaignId as string;
    for (;;) {
      await condition(() => ended || outOfStep() !== undefined);
      const next = outOfStep();
      if (!next) return;
      const { ch, wanted, creatives } = next;
      try {
        await settingsAppliers[ch.channel].applyChannelSettings({
          campaignId,
          channel: ch.channel,
          objects: creatives.map((c) => ({ reference: c.reference, externalId: c.externalId as string })),
          status: wanted.status,
          budget: wanted.budget,
          currency: input.budget.currency,
          at: iso(Date.now()),
        });
      } catch (err) {
        if (isCancellation(err)) throw err;
        if (view.optimization) view.optimization.lastError = `${ch.channel}: its live objects could not be set ${wanted.status}: ${rootCauseMessage(err)}`;
      }
      for (const c of creatives) onPlatform.set(c.reference, wanted);
    }
  };

  /** `creatives` of the channel share its budget, as it stands when each goes out (the monitor may have moved some). */
  const publishCreative = async (c: CreativeView, creatives: number): Promise<void> => {
    const ch = channelOf(c.channel);
    const campaignId = view.campaignId as string;
    let seenResumes = resumes.get(c.channel) ?? 0;
    for (;;) {
      await condition(() => ended || (view.state === 'running' && ch.status === 'active' && (inflight.get(c.channel) ?? 0) < INFLIGHT_PER_CHANNEL));
      if (ended) {
        if (c.status === 'pending') c.status = 'skipped';
        return;
      }
      if (!dispatched.includes(c)) dispatched.push(c);
      c.status = 'publishing';
      c.error = null;
      inflight.set(c.channel, (inflight.get(c.channel) ?? 0) + 1);
      publishesInFlight += 1;
      const budget = ch.budget / creatives;
      try {
        const published = await publishers[c.channel].publishCreative({
          campaignId,
          channel: c.channel,
          creative: c.creative,
          reference: c.reference,
          content: c.content as NonNullable<CreativeView['content']>,
          budget,
          currency: input.budget.currency,
          recipients: c.channel === 'email' ? input.recipients : [],
          at: iso(Date.now()),
        });
        c.externalId = published.externalId;
        c.status = published.status;
        // Created running at the budget of its dispatch: a pause or a move meanwhile is applied to it next.
        onPlatform.set(c.reference, { status: 'active', budget });
        if (!published_.includes(c)) published_.push(c);
      } catch (err) {
        if (isCancellation(err)) {
          inflight.set(c.channel, (inflight.get(c.channel) ?? 1) - 1);
          throw err;
        }
        c.status = 'failed';
        c.error = rootCauseMessage(err);
      } finally {
        publishesInFlight -= 1;
      }
      if (c.status === 'pending_review') {
        try {
          const review = await awaitReview({ campaignId, channel: c.channel, creative: c.creative, reference: c.reference, externalId: c.externalId as string, pollSeconds: input.reviewPollSeconds });
          c.status = review.status;
          c.feedback = review.feedback;
        } catch (err) {
          if (isCancellation(err)) {
            inflight.set(c.channel, (inflight.get(c.channel) ?? 1) - 1);
            throw err;
          }
          c.status = 'failed';
          c.error = `review: ${rootCauseMessage(err)}`;
        }
      }
      // The channel's slot is held through the review, so an auto-pause stops what comes next.
      inflight.set(c.channel, (inflight.get(c.channel) ?? 1) - 1);
      ch.outcomes += 1;
      if (c.status === 'approved') return;
      ch.errors += 1;
      if (input.partialFailure === 'all-or-nothing') {
        fail(`${c.reference} ${c.status}: ${c.error ?? c.feedback ?? 'no reason given'}`);
        return;
      }
      const reason = ch.status === 'active' ? autoPauseReason(ch, input.autoPause) : null;
      if (reason) setChannel(ch, 'auto-paused', null, reason);
      // A disapproval is final; a refused publish is tried again when its channel resumes.
      if (c.status === 'disapproved') return;
      await condition(() => ended || (resumes.get(c.channel) ?? 0) > seenResumes);
      seenResumes = resumes.get(c.channel) ?? 0;
      if (ended) return;
    }
  };

  /** One monitor pass: reads the published channels' delivery, then applies what the rule decides. */
  const monitorPass = async (): Promise<void> => {
    const opt = view.optimization;
    const rule = input.optimization;
    if (!opt || !rule) return;
    const published = view.channels
      .filter((ch) => (MONITORED_CHANNELS as readonly Channel[]).includes(ch.channel))
      .map((ch) => ({ channel: ch.channel, references: view.creatives.filter((c) => c.channel === ch.channel && c.externalId !== null).map((c) => c.reference) }))
      .filter((p) => p.references.length > 0);
    // Nothing out yet: nothing to read.
    if (!published.length) return;
    let delivery: ChannelDelivery[];
    try {
      ({ channels: delivery } = await readDeliveryStats({ campaignId: view.campaignId as string, channels: published }));
    } catch (err) {
      if (isCancellation(err)) throw err;
      opt.lastError = rootCauseMessage(err);
      return;
    }
    opt.passes += 1;
    opt.lastPassAt = iso(Date.now());
    opt.lastError = null;
    opt.delivery = delivery;
    // Ended or paused while reading: nothing is decided on a campaign that does not run.
    if (ended || view.state !== 'running') return;
    const standings: ChannelStanding[] = view.channels.map((ch) => ({
      channel: ch.channel,
      status: ch.status,
      budget: ch.budget,
      delivery: delivery.find((d) => d.channel === ch.channel),
      baseline: baselines.get(ch.channel),
    }));
    for (const d of decideOptimization(opt.passes, rule, standings)) applyDecision(d);
  };
  const applyDecision = (d: OptimizationDecision) => {
    const opt = view.optimization;
    if (!opt) return;
    opt.decisions.push({ ...d, at: iso(Date.now()) });
    change({ kind: 'optimization', ...d });
    if (d.action === 'pause_channel') {
      const ch = channelOf(d.channel);
      if (ch.status === 'active') pauseChannel(ch, OPTIMIZER_ACTOR, d.reason);
    } else if (d.toChannel && d.amount) {
      const from = channelOf(d.channel);
      const to = channelOf(d.toChannel);
      from.budget = Math.round((from.budget - d.amount) * 100) / 100;
      to.budget = Math.round((to.budget + d.amount) * 100) / 100;
    }
  };
  /**
   * The monitor: a pass every `monitorEverySeconds` of running time, on a durable timer. A pause
   * stops the clock (the rest of the interval runs once resumed); the campaign's end stops the monitor.
   * Its history grows by about a dozen events a pass, and the schema bounds the passes a campaign has.
   */
  const monitor = async (): Promise<void> => {
    const opt = view.optimization;
    const rule = input.optimization;
    if (!opt || !rule) return;
    const every = rule.monitorEverySeconds * 1000;
    let left = every;
    for (;;) {
      await condition(() => ended || view.state === 'running');
      if (ended) break;
      const due = Date.now() + left;
      opt.nextPassAt = iso(due);
      const interrupted = await condition(() => ended || view.state !== 'running', left);
      opt.nextPassAt = null;
      if (ended) break;
      if (interrupted) {
        left = Math.max(1, due - Date.now());
        continue;
      }
      left = every;
      await monitorPass();
    }
    opt.nextPassAt = null;
  };

  const lifecycle = async () => {
    const record = await createCampaignRecord({ workflowId, input, at: view.createdAt });
    const campaignId = record.campaignId;
    view.campaignId = campaignId;
    change({ kind: 'state', from: null, to: 'draft', by: null, reason: null });
    view.creatives = input.channels.flatMap((p) =>
      Array.from({ length: p.creatives }, (_, k): CreativeView => ({
        channel: p.channel,
        creative: k + 1,
        reference: externalReference(campaignId, p.channel, k + 1),
        status: 'pending',
        externalId: null,
        feedback: null,
        error: null,
        content: null,
      })),
    );

    const contents = await Promise.all(input.channels.map((p) => generateContent({ campaignId, channel: p.channel, name: input.name, brief: input.brief, count: p.creatives })));
    input.channels.forEach((p, i) => {
      const generated = (contents[i] as { creatives: NonNullable<CreativeView['content']>[] }).creatives;
      for (const c of view.creatives.filter((v) => v.channel === p.channel)) c.content = generated[c.creative - 1] ?? null;
    });
    view.contentReady = true;

    // The approval gate: a reminder, then expiry, on durable timers from the submission.
    await condition(() => view.state !== 'draft');
    const submittedAt = Date.now();
    const remindAt = submittedAt + input.approval.remindAfterSeconds * 1000;
    const expiresAt = submittedAt + input.approval.expireAfterSeconds * 1000;
    view.approval.expiresAt = iso(expiresAt);
    const decided = () => view.state !== 'in_review';
    if (!(await condition(decided, Math.max(1, remindAt - Date.now())))) {
      view.approval.remindedAt = iso(Date.now());
      change({ kind: 'approval-reminder', expiresAt: view.approval.expiresAt });
      if (!(await condition(decided, Math.max(1, expiresAt - Date.now())))) {
        Object.assign(view.approval, { decision: 'expired', decidedAt: iso(Date.now()) });
        moveTo('expired', null, `no decision within ${input.approval.expireAfterSeconds} s`);
        return;
      }
    }
    if (view.state !== 'approved') return;

    await condition(() => view.state === 'scheduled');
    if (startAt > Date.now()) await sleep(startAt - Date.now());
    moveTo('running', null, 'start time reached');

    // Settled, never rejected: a cancelled creative leaves no unhandled rejection behind the saga.
    const publishing = Promise.allSettled(view.creatives.map((c) => publishCreative(c, creativesOf.get(c.channel) ?? 1)));
    // The monitor ends with the campaign; a cancellation reaches it through the scope.
    const monitoring = monitor().catch((err: unknown) => {
      if (!isCancellation(err)) fail(`monitor: ${rootCauseMessage(err)}`);
    });
    // Live objects follow their channels until the end (what is pending then is still applied).
    const inStep = keepPlatformsInStep().catch((err: unknown) => {
      if (!isCancellation(err)) fail(`platform settings: ${rootCauseMessage(err)}`);
    });
    if (endAt > Date.now()) await sleep(endAt - Date.now());
    ended = true;
    await publishing;
    await monitoring;
    await inStep;
    if (input.partialFailure === 'best-effort' && !view.creatives.some((c) => c.status === 'approved')) {
      fail('best-effort: no creative was published on any channel');
      return;
    }
    moveTo('finished', null, 'end time reached');
  };

  try {
    await work.run(lifecycle);
  } catch (err) {
    if (!isCancellation(err)) {
      view.failure ??= rootCauseMessage(err);
    } else if (!cancelRequest && !view.failure) {
      // The workflow itself was cancelled (not by Update): a cancel all the same.
      cancelRequest = { by: 'temporal', reason: 'workflow cancellation requested' };
      moveTo('cancelled', 'temporal', cancelRequest.reason);
    }
  }
  if (view.failure && !cancelRequest && view.state !== 'failed') moveTo('failed', null, view.failure);

  await CancellationScope.nonCancellable(async () => {
    // Every publish still in flight has finished (or acknowledged its cancellation) before any is undone.
    await condition(() => publishesInFlight === 0);
    if ((cancelRequest || view.failure) && dispatched.length) {
      view.compensation.status = 'running';
      const campaignId = view.campaignId as string;
      // Undone newest first: what was in flight (unconfirmed), then the confirmed ones in reverse order of publication.
      const order = [...dispatched.filter((c) => !published_.includes(c)).reverse(), ...[...published_].reverse()];
      for (const c of order) {
        view.compensation.order.push(c.reference);
        const { outcome } = await compensators[c.channel].unpublishCreative({ campaignId, channel: c.channel, creative: c.creative, reference: c.reference, at: iso(Date.now()) });
        if (outcome === 'irreversible') view.compensation.irreversible += 1;
        if (outcome === 'removed') {
          view.compensation.unpublished += 1;
          c.status = 'unpublished';
        }
        view.updatedAt = iso(Date.now());
      }
      view.compensation.status = 'done';
    }
    finished = true;
    await recorder;
  });
  return view;
}

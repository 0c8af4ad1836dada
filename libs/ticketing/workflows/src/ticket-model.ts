/**
 * A ticket as its lifecycle workflow holds it: state, SLA clocks, escalation ladder and the changes
 * not recorded yet. Pure and deterministic (time is passed in): the workflow feeds it Updates and
 * timer wake-ups and does the IO. Everything here survives continue-as-new as plain data.
 */
import type { Calendar } from '@fleet/ticketing-business-time';
import type {
  AddArticleInput,
  CreateTicketInput,
  EscalationLevel,
  EscalationView,
  NotificationRequest,
  Priority,
  ResolvedPolicy,
  SlaClock,
  TicketChange,
  TicketState,
  TicketView,
} from '@fleet/ticketing-contracts';
import { pausesClock, SLA_CLOCKS } from '@fleet/ticketing-contracts/workflow';
import { clockView, dueAt, elapsed, end, isOpen, pause, pendingThresholds, resume, settle, startClock, type ClockState } from './sla-clocks';

const MINUTE = 60_000;

/** A notification waiting to be sent (quiet hours push `notBefore` later). */
export interface QueuedNotification {
  request: NotificationRequest;
  notBefore: number;
}

export interface TicketData {
  ticketId: string;
  queue: string;
  priority: Priority;
  state: TicketState;
  subject: string;
  customer: CreateTicketInput['customer'];
  assignee: string | null;
  createdAt: number;
  updatedAt: number;
  pendingUntil: number | null;
  /** The pending reminder already sent for this `pendingUntil`. */
  remindedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  articleIds: string[];
}

/** All a ticket's workflow carries into its next run. */
export interface TicketSnapshot {
  ticket: TicketData;
  policy: ResolvedPolicy | null;
  clocks: ClockState[];
  seq: number;
  escalations: EscalationView[];
  notifications: QueuedNotification[];
}

type ChangeBody = TicketChange extends infer C ? (C extends TicketChange ? Omit<C, 'seq' | 'at'> : never) : never;

/** Why a change is refused: the Update's validator throws this message, so the change never enters history. */
export type Refusal = string | null;

export class TicketModel {
  /** Changes made but not recorded yet; the workflow records them in order and clears them. */
  readonly unrecorded: TicketChange[] = [];

  private constructor(private readonly s: TicketSnapshot) {}

  static create(input: CreateTicketInput, now: number): TicketModel {
    const model = new TicketModel({
      ticket: {
        ticketId: input.ticketId,
        queue: input.queue,
        priority: input.priority,
        state: 'new',
        subject: input.subject,
        customer: input.customer,
        assignee: null,
        createdAt: now,
        updatedAt: now,
        pendingUntil: null,
        remindedAt: null,
        resolvedAt: null,
        closedAt: null,
        articleIds: [],
      },
      policy: null,
      clocks: [],
      seq: 0,
      escalations: [],
      notifications: [],
    });
    model.record(now, { kind: 'created', input });
    return model;
  }

  static resume(snapshot: TicketSnapshot): TicketModel {
    return new TicketModel(snapshot);
  }

  snapshot(): TicketSnapshot {
    return this.s;
  }

  get ticket(): Readonly<TicketData> {
    return this.s.ticket;
  }

  get policy(): ResolvedPolicy | null {
    return this.s.policy;
  }

  private get calendar(): Calendar | null {
    return this.s.policy?.rule?.calendar ?? null;
  }

  private record(now: number, body: ChangeBody): void {
    this.s.seq += 1;
    this.s.ticket.updatedAt = now;
    this.unrecorded.push({ ...body, seq: this.s.seq, at: new Date(now).toISOString() } as TicketChange);
  }

  // ---- validation: the Updates' validators ----

  refuseChangeState(to: TicketState, now: number): Refusal {
    const { state, resolvedAt } = this.s.ticket;
    if (state === 'closed') return 'the ticket is closed';
    if (to === 'new') return 'a ticket cannot go back to new';
    if (state === 'resolved' && to === 'pending') return 'a resolved ticket is reopened (open) before it waits again';
    if (state === 'resolved' && to === 'open') return this.refuseReopen(now, resolvedAt);
    return null;
  }

  private refuseReopen(now: number, resolvedAt: number | null): Refusal {
    const window = (this.s.policy?.lifecycle.reopenWindowMinutes ?? 0) * MINUTE;
    if (resolvedAt !== null && now > resolvedAt + window) return `the reopen window closed at ${new Date(resolvedAt + window).toISOString()}`;
    return null;
  }

  refuseChange(): Refusal {
    return this.s.ticket.state === 'closed' ? 'the ticket is closed' : null;
  }

  refuseArticle(article: AddArticleInput, now: number): Refusal {
    const refused = this.refuseChange();
    if (refused) return refused;
    if (article.author === 'customer' && this.s.ticket.state === 'resolved') return this.refuseReopen(now, this.s.ticket.resolvedAt);
    return null;
  }

  // ---- changes ----

  /** Applies the rule a ticket follows now (at creation, on a priority, queue or policy change): keeps counted time, moves due times. */
  applyPolicy(policy: ResolvedPolicy, now: number): void {
    const before = this.s.policy;
    const calendarBefore = this.calendar;
    for (const c of this.s.clocks) if (isOpen(c) && calendarBefore) settle(c, calendarBefore, now);
    this.s.policy = policy;
    const rule = policy.rule;
    if ((before?.rule?.id ?? null) !== (rule?.id ?? null) || before?.version !== policy.version) {
      this.record(now, { kind: 'policy', policyId: rule?.id ?? null, version: policy.version });
    }
    for (const c of this.openClocks()) {
      const target = rule?.targets[c.clock];
      if (target === undefined) this.endClock(c, now, 'stopped');
      else if (target * MINUTE !== c.targetMs) {
        c.targetMs = target * MINUTE;
        this.record(now, { kind: 'sla-cycle', clock: c.clock, cycle: c.cycle, targetMs: c.targetMs, policyId: rule?.id ?? null });
      }
    }
    // A clock the new rule adds starts now, if its cycle has not been fulfilled already.
    if (rule && this.s.ticket.state !== 'resolved' && this.s.ticket.state !== 'closed') {
      if (!this.s.clocks.some((c) => c.clock === 'firstResponse') && rule.targets.firstResponse !== undefined && !this.hasAgentReply()) this.startCycle('firstResponse', now);
      if (!this.s.clocks.some((c) => c.clock === 'solution') && rule.targets.solution !== undefined) this.startCycle('solution', now);
    }
    this.syncPauses(now);
  }

  assign(assignee: string | null, now: number, by: 'agent' | 'escalation' = 'agent'): void {
    const from = this.s.ticket.assignee;
    if (from === assignee) return;
    this.s.ticket.assignee = assignee;
    this.record(now, { kind: 'assigned', from, to: assignee, by });
  }

  changeState(to: TicketState, now: number, pendingUntil: number | null = null): void {
    const t = this.s.ticket;
    const from = t.state;
    if (from === to && (to !== 'pending' || t.pendingUntil === pendingUntil)) return;
    t.state = to;
    t.pendingUntil = to === 'pending' ? pendingUntil : null;
    t.remindedAt = null;
    this.record(now, { kind: 'state', from, to, pendingUntil: t.pendingUntil === null ? null : new Date(t.pendingUntil).toISOString() });
    if (to === 'resolved' || to === 'closed') {
      // Resolving answers the customer: every open clock is met (a late one says so).
      for (const c of this.openClocks()) this.endClock(c, now, 'met');
      if (to === 'resolved') t.resolvedAt = now;
      if (to === 'closed') t.closedAt = now;
      this.s.notifications = [];
    } else if (from === 'resolved') {
      // A reopened ticket starts a new solution cycle.
      t.resolvedAt = null;
      const rule = this.s.policy?.rule;
      if (rule?.targets.solution !== undefined) this.startCycle('solution', now);
    }
    this.syncPauses(now);
  }

  changePriority(priority: Priority, now: number): void {
    const from = this.s.ticket.priority;
    if (from === priority) return;
    this.s.ticket.priority = priority;
    this.record(now, { kind: 'priority', from, to: priority });
  }

  changeQueue(queue: string, now: number): void {
    const from = this.s.ticket.queue;
    if (from === queue) return;
    this.s.ticket.queue = queue;
    this.record(now, { kind: 'queue', from, to: queue });
  }

  /** An agent's public reply meets first response and next update; a customer's starts (or restarts) next update and reopens. */
  addArticle(article: AddArticleInput, now: number): void {
    const t = this.s.ticket;
    if (t.articleIds.includes(article.articleId)) return;
    t.articleIds.push(article.articleId);
    this.record(now, { kind: 'article', article });
    if (article.internal) return;
    if (article.author === 'agent') {
      for (const c of this.openClocks()) if (c.clock === 'firstResponse' || c.clock === 'nextUpdate') this.endClock(c, now, 'met');
      if (t.state === 'new') this.changeState('open', now);
      return;
    }
    if (t.state === 'resolved' || t.state === 'pending') this.changeState('open', now);
    // Until the first response is given, that clock covers the customer's messages.
    const first = this.clock('firstResponse');
    if (first && isOpen(first)) return;
    const update = this.clock('nextUpdate');
    if (update && isOpen(update)) this.endClock(update, now, 'stopped');
    if (this.s.policy?.rule?.targets.nextUpdate !== undefined) this.startCycle('nextUpdate', now);
    this.syncPauses(now);
  }

  // ---- time ----

  /**
   * Everything due by `now`: thresholds (recorded once per clock, cycle and threshold), escalation
   * levels, the pending reminder, auto-closes. Answers the notifications that fell due to send.
   */
  advance(now: number): QueuedNotification[] {
    const rule = this.s.policy?.rule;
    const calendar = this.calendar;
    if (rule && calendar) {
      for (const c of this.openClocks()) {
        for (const { threshold, dueAt: due } of pendingThresholds(c, calendar, rule.warnings)) {
          if (due > now) break;
          c.fired.push(threshold.id);
          if (threshold.kind === 'warning') c.warnedAt ??= now;
          else c.breachedAt = now;
          this.record(now, { kind: 'sla', clock: c.clock, cycle: c.cycle, event: threshold.kind, threshold: threshold.id, dueAt: new Date(due).toISOString(), breached: threshold.kind === 'breached', policyId: rule.id });
        }
        for (const level of rule.escalations) {
          const at = this.escalationDue(c, level);
          if (at !== null && at <= now) this.escalate(c, level, now);
        }
      }
    }
    this.advanceLifecycle(now);
    const due = this.s.notifications.filter((n) => n.notBefore <= now);
    this.s.notifications = this.s.notifications.filter((n) => n.notBefore > now);
    return due;
  }

  private advanceLifecycle(now: number): void {
    const t = this.s.ticket;
    const life = this.s.policy?.lifecycle;
    if (t.state === 'pending' && t.pendingUntil !== null) {
      if (t.remindedAt === null && t.pendingUntil <= now) {
        t.remindedAt = now;
        if (t.assignee) this.notify(now, t.assignee, 'pending-reminder', `${t.ticketId}/pending-reminder/${t.pendingUntil}`, `Ticket ${t.ticketId} waited until ${new Date(t.pendingUntil).toISOString()}`);
      }
      if (life && t.pendingUntil + life.pendingAutoCloseMinutes * MINUTE <= now) this.changeState('closed', now);
    }
    if (t.state === 'resolved' && t.resolvedAt !== null && life && t.resolvedAt + life.reopenWindowMinutes * MINUTE <= now) this.changeState('closed', now);
  }

  /** When a level fires: its wait after the cycle's first warning or breach, while the clock runs. */
  private escalationDue(c: ClockState, level: EscalationLevel): number | null {
    if (level.clock !== c.clock || c.status !== 'running' || c.escalated.includes(level.level)) return null;
    const trigger = level.on === 'warning' ? c.warnedAt : c.breachedAt;
    return trigger === null ? null : trigger + level.afterMinutes * MINUTE;
  }

  private escalate(c: ClockState, level: EscalationLevel, now: number): void {
    c.escalated.push(level.level);
    const t = this.s.ticket;
    const recipient = 'agent' in level.notify ? level.notify.agent : t.assignee;
    const reassignedTo = level.reassignTo ?? null;
    this.record(now, { kind: 'escalation', clock: c.clock, cycle: c.cycle, level: level.level, notified: recipient ?? 'nobody (unassigned)', reassignedTo });
    this.s.escalations.push({ clock: c.clock, cycle: c.cycle, level: level.level, firedAt: new Date(now).toISOString(), notified: recipient ?? 'nobody (unassigned)', reassignedTo });
    if (reassignedTo) this.assign(reassignedTo, now, 'escalation');
    if (recipient) {
      const what = level.on === 'breach' ? 'breached its' : 'nears its';
      this.notify(now, recipient, 'escalation', `${t.ticketId}/escalation/${c.clock}/${c.cycle}/${level.level}`, `Escalation level ${level.level}: ticket ${t.ticketId} ${what} ${c.clock} target`);
    }
  }

  private notify(now: number, agentId: string, kind: NotificationRequest['kind'], notificationId: string, subject: string): void {
    const t = this.s.ticket;
    this.s.notifications.push({
      notBefore: now,
      request: { notificationId, ticketId: t.ticketId, agentId, kind, subject, body: `${subject}.\nSubject: ${t.subject}\nQueue: ${t.queue}, priority: ${t.priority}, state: ${t.state}.` },
    });
  }

  /** Puts back a notification the recipient's quiet hours deferred. */
  defer(notification: NotificationRequest, notBefore: number): void {
    if (this.s.ticket.state === 'closed') return;
    this.s.notifications.push({ request: notification, notBefore });
  }

  /** The next instant something falls due, or null when nothing will without a change. */
  nextWake(now: number): number | null {
    const times: number[] = [];
    const rule = this.s.policy?.rule;
    const calendar = this.calendar;
    if (rule && calendar) {
      for (const c of this.openClocks()) {
        const next = pendingThresholds(c, calendar, rule.warnings)[0];
        if (next) times.push(next.dueAt);
        for (const level of rule.escalations) {
          const at = this.escalationDue(c, level);
          if (at !== null) times.push(at);
        }
      }
    }
    const t = this.s.ticket;
    const life = this.s.policy?.lifecycle;
    if (t.state === 'pending' && t.pendingUntil !== null) {
      if (t.remindedAt === null) times.push(t.pendingUntil);
      if (life) times.push(t.pendingUntil + life.pendingAutoCloseMinutes * MINUTE);
    }
    if (t.state === 'resolved' && t.resolvedAt !== null && life) times.push(t.resolvedAt + life.reopenWindowMinutes * MINUTE);
    for (const n of this.s.notifications) times.push(n.notBefore);
    return times.length ? Math.max(now, Math.min(...times)) : null;
  }

  /** The earliest breach among running clocks, and whether any clock of the ticket is breached: the search attributes. */
  slaSummary(): { dueAt: number | null; breached: boolean } {
    const calendar = this.calendar;
    let due: number | null = null;
    let breached = false;
    for (const c of this.s.clocks) {
      if (isOpen(c) && c.fired.includes('breach')) breached = true;
      const at = calendar && c.status === 'running' ? dueAt(c, calendar, c.targetMs) : null;
      if (at !== null && (due === null || at < due)) due = at;
    }
    return { dueAt: due, breached };
  }

  view(now: number): TicketView {
    const t = this.s.ticket;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      ticketId: t.ticketId,
      queue: t.queue,
      priority: t.priority,
      state: t.state,
      subject: t.subject,
      customer: t.customer,
      assignee: t.assignee,
      policyId: this.s.policy?.rule?.id ?? null,
      createdAt: new Date(t.createdAt).toISOString(),
      updatedAt: new Date(t.updatedAt).toISOString(),
      pendingUntil: iso(t.pendingUntil),
      resolvedAt: iso(t.resolvedAt),
      closedAt: iso(t.closedAt),
      articles: t.articleIds.length,
      // The latest cycle of each clock.
      clocks: SLA_CLOCKS.flatMap((k) => {
        const c = this.clock(k);
        return c ? [clockView(c, this.calendar, now)] : [];
      }),
      escalations: this.s.escalations,
      version: this.s.seq,
      asOf: new Date(now).toISOString(),
      calendar: this.calendar,
    };
  }

  // ---- clocks ----

  private clock(kind: SlaClock): ClockState | undefined {
    for (let i = this.s.clocks.length - 1; i >= 0; i -= 1) if (this.s.clocks[i]?.clock === kind) return this.s.clocks[i];
    return undefined;
  }

  private openClocks(): ClockState[] {
    return this.s.clocks.filter(isOpen);
  }

  private hasAgentReply(): boolean {
    return this.s.clocks.some((c) => c.clock === 'firstResponse' && c.status === 'met');
  }

  private startCycle(kind: SlaClock, now: number): void {
    const rule = this.s.policy?.rule;
    const target = rule?.targets[kind];
    if (!rule || target === undefined) return;
    const cycle = (this.clock(kind)?.cycle ?? 0) + 1;
    // Only the latest cycle of each clock is kept: earlier ones are in the database.
    this.s.clocks = this.s.clocks.filter((c) => c.clock !== kind);
    const c = startClock(kind, cycle, target * MINUTE, now, pausesClock(rule, kind, this.s.ticket.state));
    this.s.clocks.push(c);
    this.record(now, { kind: 'sla-cycle', clock: kind, cycle, targetMs: c.targetMs, policyId: rule.id });
  }

  private endClock(c: ClockState, now: number, status: 'met' | 'stopped'): void {
    const calendar = this.calendar;
    const due = (calendar && dueAt(c, calendar, c.targetMs)) ?? now;
    if (calendar) end(c, calendar, now, status);
    else {
      c.status = status;
      c.runningSince = null;
      c.endedAt = now;
    }
    const breached = c.fired.includes('breach') || (calendar !== null && elapsed(c, calendar, now) >= c.targetMs);
    this.record(now, { kind: 'sla', clock: c.clock, cycle: c.cycle, event: status, threshold: status, dueAt: new Date(due).toISOString(), breached, policyId: this.s.policy?.rule?.id ?? null });
  }

  /** Pauses and resumes each open clock as the ticket's state and the rule say. */
  private syncPauses(now: number): void {
    const rule = this.s.policy?.rule;
    const calendar = this.calendar;
    if (!rule || !calendar) return;
    for (const c of this.openClocks()) {
      if (pausesClock(rule, c.clock, this.s.ticket.state)) pause(c, calendar, now);
      else resume(c, now);
    }
  }
}

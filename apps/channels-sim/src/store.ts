import type { Channel } from './channels';
import type { DeliverySetting } from './delivery';
import type { Faults } from './faults';
import { between, hashSeed, seededRandom } from '@fleet/shared-random';

export type Review = 'PENDING_REVIEW' | 'ACTIVE' | 'DISAPPROVED';

/** Something a caller created on a platform, as the admin API lists it. */
export interface SimObject {
  id: string;
  channel: Channel;
  account: string;
  externalReference: string;
  name: string;
  /** The fields given at creation, as the platform took them. */
  fields: Record<string, unknown>;
  review: Review;
  /** review, or REMOVED once removed. */
  state: Review | 'REMOVED';
  reviewFeedback?: { policy: string; message: string };
  /** 0 for the first object with this reference on this channel and account, n for the n-th repeat. */
  duplicateIndex: number;
  /**
   * When its status (`fields.status`) was PAUSED, oldest first; the last one open while it is paused.
   * A paused object delivers nothing more: its figures stay where they were.
   */
  pauses: { from: string; to?: string }[];
  createdAt: string;
  /** The last update (status, budget) a caller made. */
  updatedAt?: string;
  reviewedAt?: string;
  removedAt?: string;
}

export interface AccountStats {
  calls: number;
  creates: number;
  /** Creates whose reference was already created on this channel and account (a blind retry). */
  duplicates: number;
  /** Updates applied (status, budget), one per object. */
  updates: number;
  removes: number;
  /** Calls answered 429 by the quota (throttle faults count under faults). */
  throttled: number;
  faults: number;
  validateOnly: number;
}

export interface ReviewOptions {
  reviewMinMs: number;
  reviewMaxMs: number;
  disapprovalRate: number;
}

const FEEDBACK = [
  { policy: 'MISLEADING_CLAIMS', message: 'The ad makes claims that are likely to mislead (unrealistic outcomes).' },
  { policy: 'DESTINATION_NOT_WORKING', message: 'The landing page could not be reached during review.' },
  { policy: 'PERSONAL_ATTRIBUTES', message: 'The text asserts or implies personal attributes of the viewer.' },
  { policy: 'EDITORIAL_STANDARDS', message: 'Excessive capitalisation or punctuation in the headline.' },
];

/** Everything created, the per-account statistics and the asynchronous reviews. */
export class Store {
  readonly objects: SimObject[] = [];
  private stats = new Map<string, AccountStats>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private sequence = 0;
  private deliverySettings: DeliverySetting[] = [];

  constructor(
    private readonly seed: number,
    private readonly review: ReviewOptions,
    private readonly faults: Faults,
  ) {}

  /** A new id, distinct across channels: 1, 2, 3... */
  nextId(): number {
    return ++this.sequence;
  }

  account(channel: Channel, account: string): AccountStats {
    const key = `${channel}/${account}`;
    let s = this.stats.get(key);
    if (!s) this.stats.set(key, (s = { calls: 0, creates: 0, duplicates: 0, updates: 0, removes: 0, throttled: 0, faults: 0, validateOnly: 0 }));
    return s;
  }

  statsByChannel(): Record<string, Record<string, AccountStats>> {
    const out: Record<string, Record<string, AccountStats>> = {};
    for (const [key, s] of this.stats) {
      const [channel = '', account = ''] = key.split(/\/(.*)/s);
      (out[channel] ??= {})[account] = s;
    }
    return out;
  }

  /** A create, with no idempotency: a repeated reference is another object, counted as a duplicate. */
  create(input: { id: string; channel: Channel; account: string; externalReference: string; name: string; fields: Record<string, unknown> }): SimObject {
    const duplicateIndex = this.objects.filter((o) => o.channel === input.channel && o.account === input.account && o.externalReference === input.externalReference).length;
    const createdAt = new Date().toISOString();
    const pauses = input.fields.status === 'PAUSED' ? [{ from: createdAt }] : [];
    const object: SimObject = { ...input, review: 'PENDING_REVIEW', state: 'PENDING_REVIEW', duplicateIndex, pauses, createdAt };
    this.objects.push(object);
    const stats = this.account(input.channel, input.account);
    stats.creates++;
    if (duplicateIndex > 0) stats.duplicates++;
    this.startReview(object);
    return object;
  }

  /**
   * Sets fields of a live object (the caller checked it is not removed): a status of PAUSED stops
   * its delivery until a status other than PAUSED starts it again. Setting a value it has already
   * changes nothing but the count.
   */
  update(object: SimObject, changes: Record<string, unknown>): void {
    const at = new Date().toISOString();
    const wasPaused = object.fields.status === 'PAUSED';
    object.fields = { ...object.fields, ...changes };
    const paused = object.fields.status === 'PAUSED';
    if (paused && !wasPaused) object.pauses.push({ from: at });
    const open = object.pauses[object.pauses.length - 1];
    if (!paused && wasPaused && open && open.to === undefined) open.to = at;
    object.updatedAt = at;
    this.account(object.channel, object.account).updates++;
  }

  remove(object: SimObject): void {
    if (object.removedAt) return;
    object.removedAt = new Date().toISOString();
    object.state = 'REMOVED';
    this.account(object.channel, object.account).removes++;
  }

  find(channel: Channel, id: string): SimObject | undefined {
    return this.objects.find((o) => o.channel === channel && o.id === id);
  }

  byReference(channel: Channel, account: string, externalReference: string | undefined): SimObject[] {
    return this.objects.filter((o) => o.channel === channel && o.account === account && (externalReference === undefined || o.externalReference === externalReference));
  }

  /** A stable draw sequence for one object: the same reference gets the same review and delivery every run. */
  objectRandom(object: SimObject, purpose: string): () => number {
    return seededRandom(hashSeed(this.seed, purpose, object.channel, object.account, object.externalReference, object.duplicateIndex));
  }

  private startReview(object: SimObject): void {
    const random = this.objectRandom(object, 'review');
    const delay = Math.round(between(random, this.review.reviewMinMs, Math.max(this.review.reviewMinMs, this.review.reviewMaxMs)));
    const disapprovedByDraw = random() < this.review.disapprovalRate;
    const feedback = FEEDBACK[Math.floor(random() * FEEDBACK.length)] ?? FEEDBACK[0];
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const disapproved = this.faults.drawDisapproval(object.channel, object.account) || disapprovedByDraw;
      object.review = disapproved ? 'DISAPPROVED' : 'ACTIVE';
      if (disapproved) object.reviewFeedback = feedback;
      object.reviewedAt = new Date().toISOString();
      if (!object.removedAt) object.state = object.review;
    }, delay);
    this.timers.add(timer);
  }

  /** Fixes the delivery of the objects a setting matches (the latest matching setting wins). */
  setDelivery(setting: DeliverySetting): DeliverySetting[] {
    this.deliverySettings.push(setting);
    return this.deliverySettings;
  }

  deliveryList(): DeliverySetting[] {
    return this.deliverySettings;
  }

  clearDelivery(): void {
    this.deliverySettings = [];
  }

  /**
   * Cumulative delivery, growing with the time the object was active since its review (until
   * removed; paused spans do not count, so a paused object's figures stay where they were); none
   * before its review or while it has been paused ever since (created PAUSED); fixed figures when a
   * delivery setting matches an object that has delivered.
   */
  delivery(object: SimObject, now = Date.now()) {
    if (object.review !== 'ACTIVE' || !object.reviewedAt) return { impressions: 0, clicks: 0, spend: 0 };
    const from = Date.parse(object.reviewedAt);
    const end = object.removedAt ? Date.parse(object.removedAt) : now;
    const activeMs = this.activeMs(object, from, end);
    if (activeMs <= 0 && object.fields.status === 'PAUSED') return { impressions: 0, clicks: 0, spend: 0 };
    const fixed = [...this.deliverySettings]
      .reverse()
      .find((d) => d.channel === object.channel && (d.account === undefined || d.account === object.account) && (d.referencePrefix === undefined || object.externalReference.startsWith(d.referencePrefix)));
    if (fixed) return { impressions: fixed.impressions, clicks: fixed.clicks, spend: fixed.spend };
    const random = this.objectRandom(object, 'delivery');
    const impressionsPerSecond = between(random, 20, 200);
    const ctr = between(random, 0.002, 0.05);
    const costPerClick = between(random, 0.2, 2);
    const seconds = activeMs / 1000;
    const impressions = Math.floor(impressionsPerSecond * seconds);
    const clicks = Math.floor(impressions * ctr);
    return { impressions, clicks, spend: Math.round(clicks * costPerClick * 100) / 100 };
  }

  /** The time in [from, end] the object was not paused. */
  private activeMs(object: SimObject, from: number, end: number): number {
    let paused = 0;
    for (const p of object.pauses) {
      const start = Math.max(from, Date.parse(p.from));
      const stop = Math.min(end, p.to === undefined ? end : Date.parse(p.to));
      if (stop > start) paused += stop - start;
    }
    return Math.max(0, end - from - paused);
  }

  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.objects.length = 0;
    this.stats.clear();
    this.deliverySettings = [];
  }
}

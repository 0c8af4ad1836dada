/**
 * A token bucket: `capacity` tokens, refilled continuously at `refillPerMinute`; a call takes one
 * token (`tryTake`, or `take` to wait for one). DICT's request limits are defined this way.
 * Hand-written (40 lines): the npm rate limiters model windows or queues, or are ES-module-only.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly refillPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.refillPerMinute) / 60_000);
    this.updatedAt = now;
  }

  /** Takes a token if one is there. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Waits for a token and takes it. */
  async take(): Promise<void> {
    while (!this.tryTake()) await new Promise((resolve) => setTimeout(resolve, this.waitMs()));
  }

  /** Milliseconds until a token is there (0 when one is). */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 60_000) / this.refillPerMinute);
  }

  /** Empties the bucket: the server said it is empty (a quota shared with other clients). */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  /** Tokens left now (fractional). */
  available(): number {
    this.refill();
    return this.tokens;
  }
}

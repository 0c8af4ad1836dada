/**
 * What one send through a channel came to: delivered (the server or provider took it), refused for
 * good (a permanent answer: the next channel at once) or failed for now (a transient answer or no
 * answer: retried, and the next channel after a few). `retryAfterMs` is a wait the server asked for.
 */
export type SendOutcome = { outcome: 'delivered'; detail: string } | { outcome: 'refused'; detail: string } | { outcome: 'failed'; detail: string; retryAfterMs?: number };

export const describeError = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Runs `send`, answering 'failed' when it takes longer than `timeoutMs` (its outcome then is unknown). */
export async function withDeadline(send: Promise<SendOutcome>, timeoutMs: number, what: string): Promise<SendOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SendOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'failed', detail: `${what} timed out after ${timeoutMs} ms (it may have been taken)` }), timeoutMs);
  });
  try {
    return await Promise.race([send, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What can go wrong on a call to the LLM, each error saying whether the same call may succeed if
 * made again (`retryable`), so an activity's retry policy can act on it: a timeout, a refused
 * connection, 408, 429 and 5xx may pass later; any other 4xx (a bad key, a bad request, an
 * unknown model) and an answer that is still invalid after the repair retry will not.
 */
export class LlmError extends Error {
  override name = 'LlmError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server answered with an HTTP error status. */
export class LlmHttpError extends LlmError {
  override name = 'LlmHttpError';
  constructor(
    readonly status: number,
    message: string,
    /** Seconds, from a Retry-After header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, isRetryableStatus(status));
  }
}

/** No answer within the client's timeout. */
export class LlmTimeoutError extends LlmError {
  override name = 'LlmTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`the LLM did not answer within ${timeoutMs} ms`, true);
  }
}

/** The server could not be reached, or the connection broke mid-answer. */
export class LlmNetworkError extends LlmError {
  override name = 'LlmNetworkError';
  constructor(message: string, cause: unknown) {
    super(message, true, { cause });
  }
}

/** The answer was not valid against the schema, even after the repair retry. */
export class LlmOutputError extends LlmError {
  override name = 'LlmOutputError';
  constructor(
    message: string,
    readonly schemaName: string,
    /** What was wrong with the last answer: `path: message`, or the JSON parse error. */
    readonly issues: string[],
    /** The last answer, as the model wrote it. */
    readonly output: string,
  ) {
    super(message, false);
  }
}

/** 408 and 429 and every 5xx may pass later; the other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

import { status as grpcStatus } from '@grpc/grpc-js';
import type { Logger } from '@fleet/shared-observability';
import { grpcCode } from '@fleet/shared-temporal';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';
import { sendProblem, sendValidationProblem } from './problem';

/** gRPC codes that mean Temporal could not be reached or did not answer in time. */
const UNREACHABLE = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.CANCELLED]);

export function isTemporalUnreachable(err: unknown): boolean {
  const code = grpcCode(err);
  return code !== undefined && UNREACHABLE.has(code);
}

/** Temporal knows no such workflow. */
export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || grpcCode(err) === grpcStatus.NOT_FOUND;
}

/** Temporal refused an argument of the call (a workflow id too long, say). */
export function isInvalidArgument(err: unknown): boolean {
  return grpcCode(err) === grpcStatus.INVALID_ARGUMENT;
}

/** Input refused by its schema: the pipeline answers 400 naming each field. */
export class InvalidInputError extends Error {
  constructor(
    readonly zodError: z.ZodError,
    readonly title = 'Invalid request body',
    readonly whole = '(body)',
  ) {
    super(title);
    this.name = 'InvalidInputError';
  }
}

/** What body-parser's errors (by `type`) become: our own words, never its message. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'Invalid request body', 'the body is not valid JSON'],
  'entity.verify.failed': [400, 'Invalid request body', 'the body was refused'],
  'entity.too.large': [413, 'Payload too large', 'the body exceeds 64 KB'],
  'charset.unsupported': [415, 'Unsupported media type', 'bodies are UTF-8 (charset=utf-8 or none)'],
  'encoding.unsupported': [415, 'Unsupported content encoding', 'bodies are accepted without a content encoding (identity) only'],
  'request.aborted': [400, 'Bad request', 'the request was aborted'],
  'request.size.invalid': [400, 'Bad request', 'the body does not match its Content-Length'],
};

/**
 * The last handler of the pipeline: every error becomes a problem document. Bad input is a 4xx
 * (bodies, malformed percent-encoding in a path, a schema's refusal), an unreachable Temporal a
 * 503, anything else a 500 that says only "see the gateway log": no stack, no path, no upstream
 * message reaches a caller.
 */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err); // express closes the connection
    if (err instanceof InvalidInputError) return sendValidationProblem(res, err.zodError, err.title, err.whole);
    const e = (err ?? {}) as { type?: unknown; status?: unknown; statusCode?: unknown };
    const body = typeof e.type === 'string' ? BODY_ERRORS[e.type] : undefined;
    if (body) return sendProblem(res, ...body);
    if (err instanceof URIError) return sendProblem(res, 400, 'Bad request', 'the path is not valid percent-encoding');
    if (isTemporalUnreachable(err)) {
      logger.warn({ err, method: req.method, path: req.path }, 'Temporal unreachable');
      return sendProblem(res, 503, 'Temporal unavailable', 'Temporal is unreachable; try again later.');
    }
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
    if (status >= 400 && status < 500) return sendProblem(res, status, 'Bad request', 'the request was refused');
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    sendProblem(res, 500, 'Internal error', 'the request failed; see the gateway log');
  };
}

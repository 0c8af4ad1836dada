import type { Response } from 'express';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * Sends an RFC 9457 problem document (`application/problem+json`). Every error the API answers is
 * one of these, and none carries a stack, a file path or an upstream message we did not write.
 */
export function sendProblem(res: Response, status: number, title: string, detail: string, errors?: FieldError[]): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) });
}

/** The fields a zod error names: a path, or the unknown keys of a strict object. */
export function fieldErrorsOf(error: z.ZodError, whole = '(body)'): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].map(String).join('.'), message: 'unknown field' }))
      : [{ field: issue.path.map(String).join('.') || whole, message: issue.message }],
  );
}

/** A 400 naming each invalid field of the body (or of the query: `title`, `whole`). */
export function sendValidationProblem(res: Response, error: z.ZodError, title = 'Invalid request body', whole = '(body)'): void {
  const errors = fieldErrorsOf(error, whole);
  sendProblem(res, 400, title, errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/** The 404 of a workflow id that names no run of the kind asked for: the same whether it is unknown or another kind's. */
export function sendNoSuch(res: Response, thing: string): void {
  sendProblem(res, 404, 'Not found', `no such ${thing}`);
}

import type { Response } from 'express';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

/** Sends an RFC 9457 problem document. */
export function sendProblem(res: Response, status: number, title: string, detail: string, errors?: FieldError[]): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) });
}

/** A 400 naming each invalid field of the body. */
export function sendValidationProblem(res: Response, error: z.ZodError): void {
  const errors = error.issues.map((issue) => {
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
    return {
      field: unknownKeys ?? (issue.path.join('.') || '(body)'),
      message: unknownKeys ? 'unknown field' : issue.message,
    };
  });
  sendProblem(res, 400, 'Invalid request body', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

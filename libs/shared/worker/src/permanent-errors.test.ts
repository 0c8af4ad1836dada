import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { isPermanentSqlState, permanentFailure } from './permanent-errors';

const pgError = (code: string) => Object.assign(new Error(`pg says ${code}`), { code, severity: 'ERROR' });

describe('permanent activity errors', () => {
  it.each([
    ['22021', true], // invalid byte sequence (a NUL in text)
    ['22008', true], // datetime field overflow (2026-13-45)
    ['22001', true], // string too long
    ['23502', true], // not null violation
    ['23503', true], // foreign key violation
    ['23505', false], // unique violation: two writers racing
    ['23P01', false], // exclusion violation: same
    ['40001', false], // serialization failure
    ['40P01', false], // deadlock
    ['57P01', false], // admin shutdown
    ['08006', false], // connection failure
  ])('SQLSTATE %s is permanent: %s', (code, permanent) => {
    expect(isPermanentSqlState(code)).toBe(permanent);
    expect(permanentFailure(pgError(code))?.nonRetryable ?? false).toBe(permanent);
  });

  it('names the SQLSTATE and keeps the message', () => {
    expect(permanentFailure(pgError('22021'))).toMatchObject({ type: 'PostgresError22021', message: 'PostgreSQL refused the data (SQLSTATE 22021): pg says 22021' });
  });

  it('makes a validation failure non-retryable, naming the field', () => {
    const parsed = z.object({ day: z.string().max(3) }).safeParse({ day: 'too long' });
    expect(parsed.success).toBe(false);
    expect(permanentFailure(parsed.error)).toMatchObject({ type: 'InvalidInput', nonRetryable: true, message: 'invalid data: day: Too big: expected string to have <=3 characters' });
  });

  it('leaves transient errors and decided failures alone', () => {
    expect(permanentFailure(new Error('connection reset'))).toBeUndefined();
    expect(permanentFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(permanentFailure(ApplicationFailure.retryable('later'))).toBeUndefined();
  });
});

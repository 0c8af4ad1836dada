import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { defineDomain } from './define-domain';
import { parseInput } from './input';
import { isoDateSchema, textSchema } from './schemas';

const base = { name: 'sample', taskQueue: 'sample', project: 'sample-worker', timeZone: 'UTC', events: {} };
const input = z.object({ day: isoDateSchema, note: textSchema(20).optional() }).strict();

describe('defineDomain', () => {
  it('derives input schemas, scopes and task queues', () => {
    const d = defineDomain({ ...base, workflows: { run: { type: 'sampleRunWorkflow', input, id: (i) => `sample-${i.day}` } } });
    expect(d.inputSchemas).toEqual({ sampleRunWorkflow: input });
    expect(d.scopes).toEqual({ read: 'sample:read', write: 'sample:write' });
    expect(d.taskQueues).toEqual(['sample']);
    expect(d.workflowOf('sampleRunWorkflow')?.id({ day: '2026-01-02' }, 'x')).toBe('sample-2026-01-02');
    expect(d.workflowOf('otherWorkflow')).toBeUndefined();
  });

  it('refuses workflow types, queries and events without the domain prefix', () => {
    expect(() =>
      defineDomain({
        ...base,
        workflows: { run: { type: 'runWorkflow', input, id: () => 'x', queries: { state: defineQuery('state') } } },
        events: { e: { type: 'fleet.other.e', domain: 'other', topic: 'e', schemaVersion: 1 } },
      }),
    ).toThrow('domain sample: workflow run: type runWorkflow must start with sample; workflow run: query state must start with sample; event e: domain other is not sample');
  });

  it('takes a shorter name prefix that begins the name, and refuses one that does not', () => {
    const workflows = { run: { type: 'samRunWorkflow', input, id: () => 'x', updates: { go: defineUpdate('samGo') } } };
    expect(defineDomain({ ...base, namePrefix: 'sam', workflows }).workflowOf('samRunWorkflow')).toBeDefined();
    expect(() => defineDomain({ ...base, workflows })).toThrow('type samRunWorkflow must start with sample; workflow run: update samGo must start with sample');
    expect(() => defineDomain({ ...base, namePrefix: 'other', workflows: {} })).toThrow('namePrefix other must begin the name sample');
  });

  it('refuses a domain name that cannot prefix camelCase names', () => {
    expect(() => defineDomain({ ...base, name: 'Sample-x', workflows: {} })).toThrow('must be lower-case letters and digits');
  });
});

describe('parseInput', () => {
  it('fails non-retryably, naming each bad field', () => {
    let failure: unknown;
    try {
      parseInput('sampleRunWorkflow', input, { day: '2026-13-45', note: 'a\u0000b', extra: 1 });
    } catch (err) {
      failure = err;
    }
    expect(failure).toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
      message:
        'invalid input of sampleRunWorkflow: day: expected a real calendar date YYYY-MM-DD; note: must not contain control characters (NUL included); extra: unknown field',
    });
  });

  it('returns the parsed input', () => {
    expect(parseInput('sampleRunWorkflow', input, { day: '2024-02-29' })).toEqual({ day: '2024-02-29' });
  });
});

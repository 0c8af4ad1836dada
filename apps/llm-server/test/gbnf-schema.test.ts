import { z } from 'zod';
import { toGbnfSchema } from '../src/gbnf-schema';

describe('toGbnfSchema', () => {
  it('keeps what a grammar can hold and drops the rest', () => {
    const schema = z.toJSONSchema(
      z.strictObject({
        score: z.number().int().min(0).max(100),
        summary: z.string().max(80),
        when: z.iso.datetime(),
        site: z.url(),
        grade: z.enum(['A', 'B']),
        note: z.string().nullable(),
        tags: z.array(z.string()).max(3),
        kind: z.union([z.literal('x'), z.strictObject({ y: z.boolean() })]),
      }),
    );
    expect(toGbnfSchema(schema)).toEqual({
      type: 'object',
      properties: {
        score: { type: 'integer' },
        summary: { type: 'string', maxLength: 80 },
        when: { type: 'string', format: 'date-time' },
        site: { type: 'string' },
        grade: { enum: ['A', 'B'] },
        note: { type: ['string', 'null'] },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        kind: { oneOf: [{ const: 'x' }, { type: 'object', properties: { y: { type: 'boolean' } }, required: ['y'], additionalProperties: false }] },
      },
      required: ['score', 'summary', 'when', 'site', 'grade', 'note', 'tags', 'kind'],
      additionalProperties: false,
    });
  });

  it('inlines $refs and refuses a recursive one', () => {
    const point = { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] };
    expect(toGbnfSchema({ $defs: { point }, type: 'object', properties: { a: { $ref: '#/$defs/point' } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'], additionalProperties: false } },
      additionalProperties: false,
    });
    expect(() => toGbnfSchema({ $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } }, $ref: '#/$defs/node' })).toThrow(/recursive/);
  });
});

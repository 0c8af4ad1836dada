import { z } from 'zod';
import { fitGbnfSchemaToBudget, toGbnfSchema } from './gbnf-schema';

/** A tokenizer as pessimistic as it gets: a token per character. */
const perCharacter = (text: string) => text.length;
const assessment = z.toJSONSchema(z.strictObject({ score: z.number().int().min(0).max(100), summary: z.string().min(1).max(400), recommendations: z.array(z.string().max(200)).max(3) }));
type Node = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading a JSON schema

describe('toGbnfSchema with integer enums', () => {
  it('holds a small integer range in the grammar as its values, and leaves a wide one an integer', () => {
    const converted = toGbnfSchema(assessment, { integerEnumsUpTo: 256 }) as Node;
    expect(converted.properties.score).toEqual({ enum: Array.from({ length: 101 }, (_, i) => i) });
    expect(toGbnfSchema(z.toJSONSchema(z.number().int().min(0).max(1000)), { integerEnumsUpTo: 256 })).toEqual({ type: 'integer' });
    expect(toGbnfSchema(z.toJSONSchema(z.number().int().gt(0).lt(4)), { integerEnumsUpTo: 256 })).toEqual({ enum: [1, 2, 3] });
    expect(toGbnfSchema(assessment)).toMatchObject({ properties: { score: { type: 'integer' } } });
  });
});

describe('fitGbnfSchemaToBudget', () => {
  it('shares what the skeleton leaves of max_tokens among the strings, in proportion to their maxLength', () => {
    const schema = toGbnfSchema(assessment, { integerEnumsUpTo: 256 });
    const fitted = fitGbnfSchemaToBudget(schema, 400, perCharacter) as Node;
    const summary = fitted.properties.summary.maxLength as number;
    const item = fitted.properties.recommendations.items.maxLength as number;
    expect(summary).toBeLessThan(400);
    expect(Number.isInteger(summary)).toBe(true);
    expect(Math.abs(summary - 2 * item)).toBeLessThanOrEqual(1);
    expect(fitted.properties.summary.minLength).toBe(1);
    // The longest answer the fitted grammar allows fits the budget, even at a token per character.
    const longest = { score: 100, summary: 'x'.repeat(summary), recommendations: Array(3).fill('y'.repeat(item)) };
    expect(perCharacter(JSON.stringify(longest, null, 4))).toBeLessThanOrEqual(400);
    // The original schema is left as it was.
    expect((schema as Node).properties.summary.maxLength).toBe(400);
  });

  it('keeps a maxLength the budget allows, bounds strings and arrays that had no limit, and leaves a schema whose skeleton does not fit', () => {
    const schema = toGbnfSchema(z.toJSONSchema(z.strictObject({ tag: z.string().max(10), note: z.string(), items: z.array(z.string()) })));
    const fitted = fitGbnfSchemaToBudget(schema, 2000, perCharacter) as Node;
    expect(fitted.properties.tag.maxLength).toBe(10);
    expect(fitted.properties.note.maxLength).toEqual(expect.any(Number));
    expect(fitted.properties.items).toMatchObject({ maxItems: 5, items: { maxLength: expect.any(Number) } });
    expect(fitGbnfSchemaToBudget(schema, 20, perCharacter)).toBe(schema);
  });
});

import { z } from 'zod';
import { ConfigError, envSchemas, parseEnv } from './env';

describe('parseEnv', () => {
  const shape = {
    ...envSchemas.temporal,
    DATABASE_URL: envSchemas.url,
    PORT: envSchemas.port(3000),
    DRY: envSchemas.boolean(false),
  };

  it('applies defaults and coerces values', () => {
    const config = parseEnv(shape, { DATABASE_URL: 'postgres://u@h/db', PORT: '8080', DRY: 'true' });
    expect(config).toEqual({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      DATABASE_URL: 'postgres://u@h/db',
      PORT: 8080,
      DRY: true,
    });
  });

  it('names every offending variable and why', () => {
    let error: unknown;
    try {
      parseEnv(shape, { TEMPORAL_ADDRESS: 'nohost', PORT: '70000', DRY: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'DRY', 'PORT', 'TEMPORAL_ADDRESS']);
    expect(problems.find((p) => p.variable === 'DATABASE_URL')?.reason).toBe('is required');
    expect(problems.find((p) => p.variable === 'TEMPORAL_ADDRESS')?.reason).toMatch(/host:port/);
    expect((error as Error).message).toMatch(/^Invalid configuration: /);
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv({ PORT: envSchemas.port(3000) }, { PORT: '' }).PORT).toBe(3000);
  });

  it('accepts any zod schema for a variable', () => {
    expect(parseEnv({ MODE: z.enum(['a', 'b']) }, { MODE: 'b' }).MODE).toBe('b');
  });
});

describe('envSchemas.json', () => {
  it('parses JSON and checks it, naming the variable when it is not JSON or not the expected shape', () => {
    const schemas = { LIMITS: envSchemas.json(z.object({ n: z.number() })).optional() };
    expect(parseEnv(schemas, { LIMITS: '{"n":2}' })).toEqual({ LIMITS: { n: 2 } });
    expect(() => parseEnv(schemas, { LIMITS: '{n:2}' })).toThrow(/LIMITS.*expected JSON/);
    expect(() => parseEnv(schemas, { LIMITS: '{"n":"two"}' })).toThrow(/LIMITS/);
  });
});

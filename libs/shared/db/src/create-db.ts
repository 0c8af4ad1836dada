import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

export interface DbOptions {
  /** Pool size; a worker needs about one connection per concurrent activity. */
  maxConnections?: number;
  applicationName?: string;
  /** Told when the server drops an idle pooled connection (a restart, a failover); the pool replaces it. */
  onIdleClientError?: (err: Error) => void;
}

// DATE stays a 'YYYY-MM-DD' string (no time zone shift); BIGINT (counts, ids) becomes a number,
// which is exact for every value Fleet stores (below 2^53).
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.DATE) return (value: string) => value;
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

/** A kysely instance over a pg pool. `destroy()` it to close the pool. */
export function createDb<Database>(url: string, options: DbOptions = {}): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(url, options) }) });
}

/** A pg pool with Fleet's type parsers, for what kysely does not do (COPY streams). */
export function createPool(url: string, options: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName,
    types,
  });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on('error', (err) => options.onIdleClientError?.(err));
  return pool;
}

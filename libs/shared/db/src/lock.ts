import { sql, type Kysely } from 'kysely';

/**
 * Runs `fn` while holding a PostgreSQL session advisory lock, or returns undefined at once when
 * another session holds it: a single writer among several instances, with no table of its own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function withTryAdvisoryLock<T>(db: Kysely<any>, key: number, fn: () => Promise<T>): Promise<T | undefined> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${key}) AS ok`.execute(conn);
    if (!rows[0]?.ok) return undefined;
    try {
      return await fn();
    } finally {
      await sql`SELECT pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}

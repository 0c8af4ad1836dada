import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export class CidFileMismatchError extends Error {
  override readonly name = 'CidFileMismatchError';
}

/** Counts bytes and hashes them on their way through. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  lines = 0;
  private lastByte = 0x0a;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) this.lines += 1;
    this.lastByte = chunk[chunk.length - 1] ?? this.lastByte;
    done(null, chunk);
  }
  /** Lines, counting a last line without its newline. */
  get cids(): number {
    return this.lines + (this.bytes > 0 && this.lastByte !== 0x0a ? 1 : 0);
  }
}

/**
 * Streams a CID file (one CID per line) into the staging table with COPY, as it downloads: neither
 * the file nor the CID set is ever held in memory. Size and SHA-256 are checked before the
 * transaction commits; a mismatch rolls everything back. Staging again replaces what was staged.
 *
 * The one repository function that opens its own transaction: COPY needs a raw pg connection,
 * which kysely does not lend, so it takes the pool and runs on a connection of its own. Nothing
 * else belongs in that transaction (the staged rows are the reconciliation's alone).
 */
export async function stageCidFile(
  pool: Pool,
  input: { reconciliationId: string; body: NodeJS.ReadableStream; bytes: number; sha256: string },
): Promise<{ cids: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM vsync_cid_staging WHERE reconciliation_id = $1', [input.reconciliationId]);
    await client.query(`SELECT set_config('fleet.reconciliation_id', $1, true)`, [input.reconciliationId]);
    const digest = new Digest();
    await pipeline(input.body, digest, client.query(copyFrom('COPY vsync_cid_staging (cid) FROM STDIN')));
    const sha256 = digest.hash.digest('hex');
    if (digest.bytes !== input.bytes) throw new CidFileMismatchError(`CID file has ${digest.bytes} bytes, DICT announced ${input.bytes}`);
    if (sha256 !== input.sha256.toLowerCase()) throw new CidFileMismatchError(`CID file's SHA-256 is ${sha256}, DICT announced ${input.sha256}`);
    await client.query('COMMIT');
    return { cids: digest.cids };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

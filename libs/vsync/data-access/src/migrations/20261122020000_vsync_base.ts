import { sql, type Kysely } from 'kysely';

const KEY_TYPES = ['CPF', 'CNPJ', 'PHONE', 'EMAIL', 'EVP'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations describe the schema as it was then
export async function up(db: Kysely<any>): Promise<void> {
  // HMAC-SHA256 in SQL: the full recalculation re-derives every CID from its attributes.
  await sql`CREATE EXTENSION IF NOT EXISTS pgcrypto`.execute(db);

  // The local base: one partition per key type, so a key type's diff or recalculation reads only its own rows.
  await sql`
    CREATE TABLE dict_entries (
      key_type text NOT NULL,
      key text COLLATE "C" NOT NULL,
      request_id uuid NOT NULL,
      cid bytea NOT NULL CHECK (length(cid) = 32),
      owner_tax_id_number text NOT NULL,
      owner_name text NOT NULL,
      owner_trade_name text NOT NULL DEFAULT '',
      participant text NOT NULL,
      branch text NOT NULL DEFAULT '',
      account_number text NOT NULL,
      account_type text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (key_type, key)
    ) PARTITION BY LIST (key_type)`.execute(db);
  for (const keyType of KEY_TYPES) {
    await sql`CREATE TABLE ${sql.raw(`dict_entries_${keyType.toLowerCase()}`)} PARTITION OF dict_entries FOR VALUES IN (${sql.lit(keyType)})`.execute(db);
  }

  // Every CID ever generated, mapped to its key (the manual recommends it): a CID seen in DICT's
  // events or file can be traced to the key it was about.
  await sql`
    CREATE TABLE dict_cids (
      cid bytea PRIMARY KEY,
      key_type text NOT NULL,
      key text COLLATE "C" NOT NULL,
      request_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The five VSyncs, kept in the same transaction as every entry change (XOR in, XOR out).
  await sql`
    CREATE TABLE vsync_state (
      key_type text PRIMARY KEY,
      vsync bit(256) NOT NULL DEFAULT repeat('0', 256)::bit(256),
      entries bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`INSERT INTO vsync_state (key_type) SELECT unnest(${KEY_TYPES}::text[])`.execute(db);

  await sql`
    CREATE TABLE vsync_verifications (
      id bigserial PRIMARY KEY,
      key_type text NOT NULL,
      vsync text NOT NULL,
      entries bigint NOT NULL,
      result text NOT NULL CHECK (result IN ('OK', 'NOK')),
      dict_verification_id text NOT NULL,
      requested_by text NOT NULL,
      verified_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX vsync_verifications_ok_idx ON vsync_verifications (key_type, verified_at DESC) WHERE result = 'OK'`.execute(db);

  await sql`
    CREATE TABLE vsync_verification_runs (
      run_id text PRIMARY KEY,
      day date NOT NULL,
      summary jsonb NOT NULL,
      finished_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE vsync_reconciliations (
      reconciliation_id text PRIMARY KEY,
      key_type text NOT NULL,
      day date NOT NULL,
      triggered_by text,
      phase text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      outcome text,
      result jsonb,
      timings jsonb NOT NULL DEFAULT '{}',
      -- Notifications sent, by kind: each is sent once.
      notified text[] NOT NULL DEFAULT '{}',
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`.execute(db);
  // Never two reconciliations of a key type at once.
  await sql`CREATE UNIQUE INDEX vsync_reconciliations_one_active_idx ON vsync_reconciliations (key_type) WHERE active`.execute(db);

  // A downloaded CID file, line by line (COPY of the file as is); the row's reconciliation comes from the session.
  await sql`
    CREATE TABLE vsync_cid_staging (
      reconciliation_id text NOT NULL DEFAULT current_setting('fleet.reconciliation_id'),
      cid text COLLATE "C" NOT NULL CHECK (cid ~ '^[0-9a-f]{64}$')
    )`.execute(db);

  // What a reconciliation found; applied_at is set in the transaction that applies the correction.
  await sql`
    CREATE TABLE vsync_divergences (
      reconciliation_id text NOT NULL,
      cid bytea NOT NULL,
      kind text NOT NULL CHECK (kind IN ('only_in_dict', 'only_local')),
      key text COLLATE "C",
      applied_at timestamptz,
      outcome text,
      PRIMARY KEY (reconciliation_id, cid)
    )`.execute(db);
  await sql`CREATE INDEX vsync_divergences_pending_idx ON vsync_divergences (reconciliation_id, kind, cid) WHERE applied_at IS NULL`.execute(db);

  // Every correction applied, append-only: an audit trail (and how a test shows none was applied twice).
  await sql`
    CREATE TABLE vsync_corrections (
      id bigserial PRIMARY KEY,
      reconciliation_id text NOT NULL,
      cid bytea NOT NULL,
      action text NOT NULL CHECK (action IN ('added', 'updated', 'removed', 'vanished', 'none')),
      key text COLLATE "C",
      applied_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['vsync_corrections', 'vsync_divergences', 'vsync_cid_staging', 'vsync_reconciliations', 'vsync_verification_runs', 'vsync_verifications', 'vsync_state', 'dict_cids', 'dict_entries']) {
    await db.schema.dropTable(table).ifExists().cascade().execute();
  }
}

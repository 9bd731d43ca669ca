import type { Migration } from './types.ts'

/**
 * The personal API key (one per account) and personal access tokens.
 * Neither table holds a credential in clear: `*_hash` is the SHA-256 of the whole string
 * (UNIQUE, so verification is one index lookup); the API key also keeps a copy sealed by the
 * secret box so that "Copy" works later. Accounts that existed before this migration get their
 * API key lazily, on first use (the migration cannot reach the secret box's key).
 */
export const migration0004: Migration = {
  version: 4,
  name: 'personal API key and access tokens',
  up(db) {
    db.exec(`
      CREATE TABLE api_keys (
        account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        key_hash     BLOB NOT NULL UNIQUE,
        sealed_key   BLOB NOT NULL,
        last_four    TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER
      ) STRICT;

      CREATE TABLE access_tokens (
        id             INTEGER PRIMARY KEY,
        account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        title          TEXT NOT NULL,
        title_key      TEXT NOT NULL,
        token_hash     BLOB NOT NULL UNIQUE,
        display_prefix TEXT NOT NULL,
        scope          TEXT NOT NULL CHECK (scope IN ('read-only', 'read-write')),
        is_enabled     INTEGER NOT NULL DEFAULT 1 CHECK (is_enabled IN (0, 1)),
        created_at     INTEGER NOT NULL,
        expires_at     INTEGER,
        last_used_at   INTEGER,
        UNIQUE (account_id, title_key)
      ) STRICT;
      CREATE INDEX access_tokens_by_account ON access_tokens(account_id, created_at);
    `)
  },
}

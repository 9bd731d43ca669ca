import type { Migration } from './types.ts'

export const migration0001: Migration = {
  version: 1,
  name: 'accounts, sessions and the security log',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        username      TEXT NOT NULL,
        username_key  TEXT NOT NULL UNIQUE,
        full_name     TEXT NOT NULL DEFAULT '',
        email         TEXT,
        email_key     TEXT UNIQUE,
        description   TEXT NOT NULL DEFAULT '',
        language      TEXT NOT NULL DEFAULT 'en',
        timezone      TEXT NOT NULL DEFAULT 'UTC',
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sessions (
        id             TEXT PRIMARY KEY,
        account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        token_hash     BLOB NOT NULL UNIQUE,
        origin         TEXT NOT NULL,
        created_at     INTEGER NOT NULL,
        last_used_at   INTEGER NOT NULL,
        last_auth_at   INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        keep_signed_in INTEGER NOT NULL DEFAULT 0,
        browser        TEXT NOT NULL DEFAULT '',
        os             TEXT NOT NULL DEFAULT '',
        model          TEXT NOT NULL DEFAULT '',
        ip             TEXT NOT NULL DEFAULT '',
        engine         TEXT NOT NULL DEFAULT '',
        arch           TEXT NOT NULL DEFAULT ''
      ) STRICT;
      CREATE INDEX sessions_by_account ON sessions(account_id, created_at);

      CREATE TABLE security_log (
        id         INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        at         INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        session_id TEXT,
        device     TEXT NOT NULL DEFAULT '',
        detail     TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX security_log_by_account ON security_log(account_id, at);
    `)
  },
}

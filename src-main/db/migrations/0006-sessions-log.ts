import type { Migration } from './types.ts'

export const migration0006: Migration = {
  version: 6,
  name: 'session lifetimes as settings; security log by kind',
  up(db) {
    db.exec(`
      -- One row at most: the session lifetimes chosen by the user (absent = the defaults).
      CREATE TABLE session_policy (
        id                  INTEGER PRIMARY KEY CHECK (id = 1),
        idle_timeout_ms     INTEGER NOT NULL CHECK (idle_timeout_ms > 0),
        absolute_timeout_ms INTEGER NOT NULL CHECK (absolute_timeout_ms >= idle_timeout_ms),
        updated_at          INTEGER NOT NULL
      ) STRICT;

      -- The security log view filters by kind, newest first.
      CREATE INDEX security_log_by_account_kind ON security_log(account_id, kind, at);
    `)
  },
}

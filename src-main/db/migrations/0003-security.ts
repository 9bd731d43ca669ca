import type { Migration } from './types.ts'

/**
 * Two-factor authentication (a sealed TOTP secret per account, the last accepted time step),
 * hashed recovery codes, and the persistent throttle for failed passwords and codes.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'two-factor authentication, recovery codes and sign-in throttling',
  up(db) {
    db.exec(`
      CREATE TABLE two_factor (
        account_id      INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        secret_sealed   BLOB NOT NULL,
        enabled_at      INTEGER,
        last_time_step  INTEGER NOT NULL DEFAULT -1,
        recovery_salt   BLOB NOT NULL,
        recovery_cost   INTEGER NOT NULL,
        created_at      INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE recovery_codes (
        id         INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        code_hash  BLOB NOT NULL,
        used_at    INTEGER,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX recovery_codes_by_account ON recovery_codes(account_id, used_at);

      -- Keyed by the lowercased username (no account row needed), so an unknown name is
      -- throttled exactly like a known one.
      CREATE TABLE sign_in_throttle (
        subject         TEXT PRIMARY KEY,
        failures        INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL,
        blocked_until   INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX sign_in_throttle_by_age ON sign_in_throttle(last_failure_at);
    `)
  },
}

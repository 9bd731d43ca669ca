import type { Migration } from './types.ts'

/**
 * The profile picture (one re-encoded 256x256 image per account, never the uploaded file)
 * and an index to find the last signed-in account, whose language the next start uses.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'profile pictures',
  up(db) {
    db.exec(`
      CREATE TABLE account_pictures (
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        media_type TEXT NOT NULL,
        image      BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE INDEX security_log_by_kind ON security_log(kind, at);
    `)
  },
}

import type { Migration } from './types.ts'

/**
 * The Sessions screen lists an account's sessions newest first, ties by id
 * (`ORDER BY created_at DESC, id`). The index of 0001 has no id, so SQLite sorted each
 * account's sessions in a temporary B-tree; this index hands them over in order. It also
 * serves every lookup by account the old one did, which it replaces.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'sessions listed in index order',
  up(db) {
    db.exec(`
      CREATE INDEX sessions_by_account_newest ON sessions(account_id, created_at DESC, id);
      DROP INDEX sessions_by_account;
    `)
  },
}

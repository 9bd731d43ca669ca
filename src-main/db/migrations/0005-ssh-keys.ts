import type { Migration } from './types.ts'

export const migration0005: Migration = {
  version: 5,
  name: 'SSH public keys',
  up(db) {
    db.exec(`
      CREATE TABLE ssh_keys (
        id                 INTEGER PRIMARY KEY,
        account_id         INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        title              TEXT NOT NULL,
        key_type           TEXT NOT NULL,
        bits               INTEGER NOT NULL,
        key_blob           BLOB NOT NULL,
        comment            TEXT NOT NULL DEFAULT '',
        options            TEXT NOT NULL DEFAULT '',
        fingerprint_sha256 TEXT NOT NULL UNIQUE,
        fingerprint_md5    TEXT NOT NULL,
        created_at         INTEGER NOT NULL,
        expires_on         TEXT
      ) STRICT;
      CREATE INDEX ssh_keys_by_account ON ssh_keys(account_id, created_at);
    `)
  },
}

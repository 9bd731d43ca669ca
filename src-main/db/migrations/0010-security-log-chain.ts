import { chainEntryHash, CHAIN_GENESIS_HASH } from '../repositories/security-log-chain.ts'
import type { SecurityLogRow } from '../repositories/security-log-repo.ts'
import type { Migration } from './types.ts'

/**
 * The security log becomes tamper-evident: each account's entries form a hash chain (a sequence
 * number and the SHA-256 of the previous entry's hash and the entry's canonical content), and
 * each account's chain head (sequence, hash) is authenticated by an HMAC under a key derived from
 * the data key. Existing entries are chained here, oldest first; the migration has no key, so the
 * heads it writes have no MAC yet: the process that applied it seals them right after
 * (`sealMigratedSecurityLogHeads`). Heads go with their account (ON DELETE CASCADE).
 * Also: the table of reminders dismissed for a week (the one migration holds all it needs).
 */
/** Its version: the process that applies it seals the heads it chained. */
export const SECURITY_LOG_CHAIN_MIGRATION = 10

export const migration0010: Migration = {
  version: SECURITY_LOG_CHAIN_MIGRATION,
  name: 'security log hash chain',
  up(db) {
    db.exec(`
      ALTER TABLE security_log ADD COLUMN seq INTEGER;
      ALTER TABLE security_log ADD COLUMN hash BLOB;
      CREATE TABLE security_log_heads (
        account_id      INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        seq             INTEGER NOT NULL CHECK (seq >= 0),
        hash            BLOB NOT NULL,
        -- A retention trim keeps entries from checkpoint_seq + 1; checkpoint_hash is the hash of the
        -- last entry removed (the genesis hash when nothing was). Both are under the MAC.
        checkpoint_seq  INTEGER NOT NULL DEFAULT 0 CHECK (checkpoint_seq >= 0),
        checkpoint_hash BLOB NOT NULL,
        mac             BLOB
      ) STRICT;

      -- Reminders (expiring tokens and keys) a person set aside: shown again after \`until\`.
      CREATE TABLE reminder_dismissals (
        account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        reminder_id TEXT NOT NULL,
        until       INTEGER NOT NULL,
        PRIMARY KEY (account_id, reminder_id)
      ) STRICT, WITHOUT ROWID;
    `)
    const accounts = db.prepare('SELECT DISTINCT account_id FROM security_log ORDER BY account_id').pluck().all() as number[]
    const rowsOf = db.prepare('SELECT * FROM security_log WHERE account_id = ? ORDER BY at, id')
    const setChain = db.prepare('UPDATE security_log SET seq = ?, hash = ? WHERE id = ?')
    const insertHead = db.prepare('INSERT INTO security_log_heads (account_id, seq, hash, checkpoint_seq, checkpoint_hash, mac) VALUES (?, ?, ?, 0, ?, NULL)')
    for (const accountId of accounts) {
      let previous = CHAIN_GENESIS_HASH
      let seq = 0
      // .all(): better-sqlite3 runs no other statement on the connection while one iterates.
      for (const row of rowsOf.all(accountId) as SecurityLogRow[]) {
        seq++
        previous = chainEntryHash(previous, { ...row, seq })
        setChain.run(seq, previous, row.id)
      }
      insertHead.run(accountId, seq, previous, CHAIN_GENESIS_HASH)
    }
    // One chain per account, no forks: two writers can never give the same position twice.
    db.exec('CREATE UNIQUE INDEX security_log_chain ON security_log(account_id, seq)')
  },
}

import type { Migration } from './types.ts'

/**
 * Administration (issue 15): roles, locked accounts, a password change required at the next sign-in,
 * and what the Accounts screen shows and sorts by, kept on the account row so that every column is
 * sorted and paged (keyset) by an index:
 * - `role`: 'administrator' or 'member'; the oldest account of an existing store becomes the administrator.
 * - `locked_at`: when the account was locked (NULL = not locked).
 * - `must_change_password`: 1 = the next sign-in leads to the change-password screen and nothing else.
 * - `last_sign_in_at`: filled from the security log for existing stores, then by every sign-in.
 * - `two_factor_on`, `session_count`, `token_count`, `ssh_key_count`: kept by triggers on their tables.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'roles, locked accounts, required password changes and the accounts listing',
  up(db) {
    db.exec(`
      ALTER TABLE accounts ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('administrator', 'member'));
      ALTER TABLE accounts ADD COLUMN locked_at INTEGER;
      ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
      ALTER TABLE accounts ADD COLUMN last_sign_in_at INTEGER;
      ALTER TABLE accounts ADD COLUMN two_factor_on INTEGER NOT NULL DEFAULT 0 CHECK (two_factor_on IN (0, 1));
      ALTER TABLE accounts ADD COLUMN session_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE accounts ADD COLUMN token_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE accounts ADD COLUMN ssh_key_count INTEGER NOT NULL DEFAULT 0;

      UPDATE accounts SET role = 'administrator' WHERE id = (SELECT id FROM accounts ORDER BY created_at, id LIMIT 1);
      UPDATE accounts SET
        last_sign_in_at = (SELECT max(at) FROM security_log l WHERE l.account_id = accounts.id AND l.kind = 'signin'),
        two_factor_on   = EXISTS (SELECT 1 FROM two_factor t WHERE t.account_id = accounts.id AND t.enabled_at IS NOT NULL),
        session_count   = (SELECT count(*) FROM sessions s WHERE s.account_id = accounts.id),
        token_count     = (SELECT count(*) FROM access_tokens k WHERE k.account_id = accounts.id),
        ssh_key_count   = (SELECT count(*) FROM ssh_keys k WHERE k.account_id = accounts.id);

      CREATE TRIGGER sessions_count_insert AFTER INSERT ON sessions BEGIN
        UPDATE accounts SET session_count = session_count + 1 WHERE id = NEW.account_id;
      END;
      CREATE TRIGGER sessions_count_delete AFTER DELETE ON sessions BEGIN
        UPDATE accounts SET session_count = session_count - 1 WHERE id = OLD.account_id;
      END;
      CREATE TRIGGER access_tokens_count_insert AFTER INSERT ON access_tokens BEGIN
        UPDATE accounts SET token_count = token_count + 1 WHERE id = NEW.account_id;
      END;
      CREATE TRIGGER access_tokens_count_delete AFTER DELETE ON access_tokens BEGIN
        UPDATE accounts SET token_count = token_count - 1 WHERE id = OLD.account_id;
      END;
      CREATE TRIGGER ssh_keys_count_insert AFTER INSERT ON ssh_keys BEGIN
        UPDATE accounts SET ssh_key_count = ssh_key_count + 1 WHERE id = NEW.account_id;
      END;
      CREATE TRIGGER ssh_keys_count_delete AFTER DELETE ON ssh_keys BEGIN
        UPDATE accounts SET ssh_key_count = ssh_key_count - 1 WHERE id = OLD.account_id;
      END;
      CREATE TRIGGER two_factor_on_insert AFTER INSERT ON two_factor BEGIN
        UPDATE accounts SET two_factor_on = (NEW.enabled_at IS NOT NULL) WHERE id = NEW.account_id;
      END;
      CREATE TRIGGER two_factor_on_update AFTER UPDATE OF enabled_at ON two_factor BEGIN
        UPDATE accounts SET two_factor_on = (NEW.enabled_at IS NOT NULL) WHERE id = NEW.account_id;
      END;
      CREATE TRIGGER two_factor_on_delete AFTER DELETE ON two_factor BEGIN
        UPDATE accounts SET two_factor_on = 0 WHERE id = OLD.account_id;
      END;

      -- Keyset paging: one index per sort column, ending in id (the tie-breaker). username_key is UNIQUE already.
      CREATE INDEX accounts_by_full_name ON accounts(full_name COLLATE NOCASE, id);
      CREATE INDEX accounts_by_email ON accounts(ifnull(email_key, ''), id);
      CREATE INDEX accounts_by_role ON accounts(role, id);
      CREATE INDEX accounts_by_two_factor ON accounts(two_factor_on, id);
      CREATE INDEX accounts_by_locked ON accounts(ifnull(locked_at, 0), id);
      CREATE INDEX accounts_by_last_sign_in ON accounts(ifnull(last_sign_in_at, 0), id);
      CREATE INDEX accounts_by_created ON accounts(created_at, id);
      CREATE INDEX accounts_by_session_count ON accounts(session_count, id);
      CREATE INDEX accounts_by_token_count ON accounts(token_count, id);
      CREATE INDEX accounts_by_ssh_key_count ON accounts(ssh_key_count, id);
    `)
  },
}

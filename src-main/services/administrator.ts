import type { DB } from '../db/database.ts'
import { ErrorCode, KeysteadError } from './errors.ts'

/**
 * Who may administer this Keystead (backups, restore). Until roles arrive (issue 15), the account
 * created first is the administrator. This is the one place that decides it: swap it for the role.
 */
export function isAdministrator(db: DB, accountId: number): boolean {
  const first = db.prepare('SELECT id FROM accounts ORDER BY created_at, id LIMIT 1').pluck().get() as number | undefined
  return first === accountId
}

export function requireAdministrator(db: DB, accountId: number): void {
  if (!isAdministrator(db, accountId)) {
    throw new KeysteadError(ErrorCode.Forbidden, 'Only the administrator (the account created first) may do this.', { reason: 'admin.required' })
  }
}

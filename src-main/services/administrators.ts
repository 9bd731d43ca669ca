import type { DB } from '../db/database.ts'
import { findFirstAccountId } from '../db/repositories/accounts-repo.ts'

/**
 * Whether an account is an administrator. Until roles (issue 15) are on main, the first-created
 * account is the administrator; this is the one function to change when they land.
 */
export function isAdministrator(db: DB, accountId: number): boolean {
  return findFirstAccountId(db) === accountId
}

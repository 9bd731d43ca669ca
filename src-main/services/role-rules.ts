import { AccountRole } from '../../src-preload/contract/accounts.ts'
import type { DB } from '../db/database.ts'
import { countAccounts, countActiveAdministrators, findAccountById } from '../db/repositories/accounts-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import { ErrorCode, KeysteadError } from './errors.ts'

export { AccountRole }

export function isAdministrator(account: Pick<AccountRow, 'role'>): boolean {
  return account.role === AccountRole.Administrator
}

export function adminRequiredError(): KeysteadError {
  return new KeysteadError(ErrorCode.Forbidden, 'Only an administrator can do this.', { reason: 'admin.required' })
}

/** Whether an account (by id) exists and is an administrator (one primary-key lookup). */
export function isAdministratorAccount(db: DB, accountId: number): boolean {
  const account = findAccountById(db, accountId)
  return account !== undefined && isAdministrator(account)
}

/** Refuses (FORBIDDEN `admin.required`) an account that is not an administrator: backups, restore. */
export function requireAdministrator(db: DB, accountId: number): void {
  if (!isAdministratorAccount(db, accountId)) throw adminRequiredError()
}

export type LastAdministratorAction = 'demote' | 'lock' | 'delete'

/**
 * The one rule that keeps a store administrable: the last administrator who can act (not locked)
 * can never be demoted, locked or deleted. Deleting the only account of a store is allowed (nobody
 * is left to administer; the next account created becomes the administrator). Call it inside the
 * write transaction that makes the change, so two administrators cannot demote each other at once.
 */
export function assertAdministratorRemains(db: DB, account: AccountRow, action: LastAdministratorAction): void {
  if (!isAdministrator(account) || account.locked_at !== null) return
  if (countActiveAdministrators(db, account.id) > 0) return
  if (action === 'delete' && countAccounts(db) === 1) return
  const params = { username: account.username }
  const first = 'Make another account an administrator first.'
  if (action === 'demote') {
    throw new KeysteadError(ErrorCode.Conflict, `${account.username} is the last administrator and cannot be made a member. ${first}`, { reason: 'admin.lastDemote', params })
  }
  if (action === 'lock') {
    throw new KeysteadError(ErrorCode.Conflict, `${account.username} is the last administrator and cannot be locked. ${first}`, { reason: 'admin.lastLock', params })
  }
  throw new KeysteadError(ErrorCode.Conflict, `${account.username} is the last administrator and cannot be deleted. ${first}`, { reason: 'admin.lastDelete', params })
}

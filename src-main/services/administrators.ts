import type { DB } from '../db/database.ts'
import { findAccountById } from '../db/repositories/accounts-repo.ts'
import { isAdministrator as hasAdministratorRole } from './role-rules.ts'

/** Whether an account (by id) is an administrator: its role (issue 15's roles, migration 0009). */
export function isAdministrator(db: DB, accountId: number): boolean {
  const account = findAccountById(db, accountId)
  return account !== undefined && hasAdministratorRole(account)
}

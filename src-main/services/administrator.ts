import type { DB } from '../db/database.ts'
import { isAdministrator } from './administrators.ts'
import { adminRequiredError } from './role-rules.ts'

/** Backups and restore are for administrators (the account's role). */
export function requireAdministrator(db: DB, accountId: number): void {
  if (!isAdministrator(db, accountId)) throw adminRequiredError()
}

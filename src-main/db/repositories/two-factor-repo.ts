import type { DB } from '../database.ts'

export interface TwoFactorRow {
  account_id: number
  /** The TOTP secret, sealed by the SecretBox (never in clear). */
  secret_sealed: Buffer
  /** NULL while the setup waits for its first code. */
  enabled_at: number | null
  /** The last accepted TOTP time step (replay protection); -1 before the first. */
  last_time_step: number
  recovery_salt: Buffer
  /** log2 of scrypt's N for this account's recovery-code hashes. */
  recovery_cost: number
  created_at: number
}

export function findTwoFactor(db: DB, accountId: number): TwoFactorRow | undefined {
  return db.prepare('SELECT * FROM two_factor WHERE account_id = ?').get(accountId) as TwoFactorRow | undefined
}

/** Starts (or restarts) a setup: a new pending secret replaces any earlier pending one. */
export function upsertPendingTwoFactor(db: DB, row: Omit<TwoFactorRow, 'enabled_at' | 'last_time_step'>): void {
  db.prepare(
    `INSERT INTO two_factor (account_id, secret_sealed, enabled_at, last_time_step, recovery_salt, recovery_cost, created_at)
     VALUES (@account_id, @secret_sealed, NULL, -1, @recovery_salt, @recovery_cost, @created_at)
     ON CONFLICT(account_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, enabled_at = NULL,
       last_time_step = -1, recovery_salt = excluded.recovery_salt, recovery_cost = excluded.recovery_cost, created_at = excluded.created_at`,
  ).run(row)
}

export function markTwoFactorEnabled(db: DB, accountId: number, enabledAt: number, timeStep: number): void {
  db.prepare('UPDATE two_factor SET enabled_at = ?, last_time_step = ? WHERE account_id = ?').run(enabledAt, timeStep, accountId)
}

/**
 * Turns the pending setup on, if it is still exactly the one checked (same sealed secret, still
 * pending) and the time step was not used yet; false when another request won the race.
 */
export function enablePendingTwoFactor(db: DB, accountId: number, secretSealed: Buffer, enabledAt: number, timeStep: number): boolean {
  return (
    db
      .prepare('UPDATE two_factor SET enabled_at = ?, last_time_step = ? WHERE account_id = ? AND enabled_at IS NULL AND secret_sealed = ? AND last_time_step < ?')
      .run(enabledAt, timeStep, accountId, secretSealed, timeStep).changes === 1
  )
}

/** Records an accepted time step; false when a step at or after it was already used (a replay). */
export function advanceTwoFactorTimeStep(db: DB, accountId: number, timeStep: number): boolean {
  return db.prepare('UPDATE two_factor SET last_time_step = ? WHERE account_id = ? AND last_time_step < ?').run(timeStep, accountId, timeStep).changes === 1
}

export function deleteTwoFactor(db: DB, accountId: number): void {
  db.prepare('DELETE FROM two_factor WHERE account_id = ?').run(accountId)
  db.prepare('DELETE FROM recovery_codes WHERE account_id = ?').run(accountId)
}

export interface RecoveryCodeRow {
  id: number
  account_id: number
  code_hash: Buffer
  used_at: number | null
  created_at: number
}

export function replaceRecoveryCodes(db: DB, accountId: number, hashes: readonly Buffer[], now: number): void {
  db.prepare('DELETE FROM recovery_codes WHERE account_id = ?').run(accountId)
  const insert = db.prepare('INSERT INTO recovery_codes (account_id, code_hash, used_at, created_at) VALUES (?, ?, NULL, ?)')
  for (const hash of hashes) insert.run(accountId, hash, now)
}

export function listUnusedRecoveryCodes(db: DB, accountId: number): RecoveryCodeRow[] {
  return db.prepare('SELECT * FROM recovery_codes WHERE account_id = ? AND used_at IS NULL ORDER BY id').all(accountId) as RecoveryCodeRow[]
}

export function countUnusedRecoveryCodes(db: DB, accountId: number): number {
  return (db.prepare('SELECT count(*) AS n FROM recovery_codes WHERE account_id = ? AND used_at IS NULL').get(accountId) as { n: number }).n
}

/** Marks one code used; false when it was used meanwhile. */
export function markRecoveryCodeUsed(db: DB, id: number, usedAt: number): boolean {
  return db.prepare('UPDATE recovery_codes SET used_at = ? WHERE id = ? AND used_at IS NULL').run(usedAt, id).changes === 1
}

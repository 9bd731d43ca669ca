import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { migrations } from '../../src-main/db/migrations/index.ts'
import { SecurityEventKind } from '../../src-main/services/audit-service.ts'
import { resealSecurityLogHeads, trimSecurityLogBefore, verifySecurityLogChain, deriveSecurityLogMACKey } from '../../src-main/services/audit/log-chain.ts'
import { createAesGcmSecretBox, createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { createServices } from '../../src-main/services/index.ts'
import type { Services } from '../../src-main/services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { openTestServices } from '../fixtures/test-services.ts'

let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
let aliceId: number
let bobId: number
let now = Date.UTC(2026, 11, 1, 10, 0, 0)

/** One entry of every kind the services know (plus the ones account creation wrote). */
function recordEveryKind(accountId: number): void {
  for (const kind of Object.values(SecurityEventKind)) {
    now += 1000
    services.audit.recordSecurityEvent({ accountId, kind, detail: { title: `t-${kind}`, count: 2 } })
  }
}

const seqOf = (position: number): number => db.prepare('SELECT id FROM security_log WHERE account_id = ? AND seq = ?').pluck().get(aliceId, position) as number
const verify = (accountId = aliceId) => services.audit.verifySecurityLog(accountId)

beforeEach(async () => {
  dir = makeTempDir()
  ;({ db, services } = await openTestServices(dir.path, () => now))
  aliceId = (await services.accounts.createAccount({ username: 'alice', password: 'wonderland 1' })).id
  bobId = (await services.accounts.createAccount({ username: 'bob', password: 'builder 42' })).id
  recordEveryKind(aliceId)
  recordEveryKind(bobId)
})
afterEach(() => {
  db.close()
  dir.remove()
})

describe('the security log hash chain', () => {
  it('verifies an untouched log of every kind', () => {
    const total = db.prepare('SELECT count(*) FROM security_log WHERE account_id = ?').pluck().get(aliceId) as number
    expect(total).toBe(Object.values(SecurityEventKind).length + 1)
    expect(verify()).toEqual({ isIntact: true, count: total, headPosition: total, breaks: [] })
    expect(verify(bobId).isIntact).toBe(true)
  })

  it('reports one byte changed with the sqlite3 shell at its position', () => {
    const id = seqOf(5)
    db.close()
    execFileSync('sqlite3', [join(dir.path, 'keystead.db'), `UPDATE security_log SET detail = replace(detail, 't-', 'T-') WHERE id = ${id};`])
    db = openDatabase(join(dir.path, 'keystead.db'))
    services = createServices({ db, secretBox: createKeyFileSecretBox(join(dir.path, 'keystead.key')), clock: () => now, scryptParams: TEST_ONLY_SCRYPT_PARAMS })
    expect(verify()).toMatchObject({ isIntact: false, breaks: [{ type: 'changed', position: 5, count: 1, entryId: id }] })
    expect(verify(bobId).isIntact).toBe(true)
  })

  it('reports an entry deleted in the middle as missing at its position', () => {
    db.prepare('DELETE FROM security_log WHERE id = ?').run(seqOf(10))
    expect(verify().breaks).toEqual([{ type: 'missing', position: 10, to: 10 }])
  })

  it('reports the last three deleted as a truncated tail', () => {
    const head = verify().headPosition
    db.prepare('DELETE FROM security_log WHERE account_id = ? AND seq > ?').run(aliceId, head - 3)
    expect(verify().breaks).toEqual([{ type: 'truncated', position: head - 2, to: head }])
  })

  it('reports two entries swapped (reordered) at both positions', () => {
    const [a, b] = [seqOf(7), seqOf(12)]
    db.prepare('UPDATE security_log SET seq = -1 WHERE id = ?').run(a)
    db.prepare('UPDATE security_log SET seq = 7 WHERE id = ?').run(b)
    db.prepare('UPDATE security_log SET seq = 12 WHERE id = ?').run(a)
    const breaks = verify().breaks
    expect(breaks.map((b) => b.type)).toEqual(['changed', 'changed'])
    expect(breaks.map((b) => b.position)).toEqual([7, 12])
  })

  it('reports a re-chained log whose head was rewritten without the key as a head mismatch', () => {
    db.prepare("UPDATE security_log_heads SET mac = randomblob(32) WHERE account_id = ?").run(aliceId)
    expect(verify().breaks).toEqual([{ type: 'head', position: verify().headPosition, problem: 'mac' }])
  })

  it('never re-authenticates a tampered head when the next entry is appended', () => {
    db.prepare('DELETE FROM security_log WHERE account_id = ? AND seq = (SELECT max(seq) FROM security_log WHERE account_id = ?)').run(aliceId, aliceId)
    services.audit.recordSecurityEvent({ accountId: aliceId, kind: SecurityEventKind.SignIn })
    const result = verify()
    expect(result.isIntact).toBe(false)
    expect(result.breaks.some((b) => b.type === 'head')).toBe(true)
  })

  it('keeps chains whole under two connections writing in turn (as two processes do)', () => {
    const other = openDatabase(join(dir.path, 'keystead.db'))
    const otherServices = createServices({ db: other, secretBox: createKeyFileSecretBox(join(dir.path, 'keystead.key')), clock: () => now, scryptParams: TEST_ONLY_SCRYPT_PARAMS })
    for (let i = 0; i < 50; i++) (i % 2 ? services : otherServices).audit.recordSecurityEvent({ accountId: aliceId, kind: SecurityEventKind.SignIn })
    other.close()
    expect(verify()).toMatchObject({ isIntact: true, headPosition: Object.values(SecurityEventKind).length + 51 })
  })

  it('removes an account’s whole chain with the account; other chains stay intact', async () => {
    await services.profile.deleteAccountAsAdmin(bobId, 'cli')
    expect(db.prepare('SELECT count(*) FROM security_log_heads WHERE account_id = ?').pluck().get(bobId)).toBe(0)
    expect(db.prepare('SELECT count(*) FROM security_log WHERE account_id = ?').pluck().get(bobId)).toBe(0)
    expect(verify().isIntact).toBe(true)
  })

  it('reseals every head under a new data key (a restore on another computer)', () => {
    const newBox = createAesGcmSecretBox(Buffer.alloc(32, 7), 'key-file')
    expect(resealSecurityLogHeads(db, newBox, { oldKey: createKeyFileSecretBox(join(dir.path, 'keystead.key')) })).toBe(2)
    expect(verify().breaks.map((b) => b.type)).toEqual(['head'])
    expect(verifySecurityLogChain(db, deriveSecurityLogMACKey(newBox), aliceId).isIntact).toBe(true)
  })

  it('trims old entries with a signed checkpoint: no false alarm, and later tampering is still found', () => {
    const macKey = deriveSecurityLogMACKey(createKeyFileSecretBox(join(dir.path, 'keystead.key')))
    const before = verify()
    expect(trimSecurityLogBefore(db, macKey, aliceId, 11)).toBe(10)
    expect(verify()).toEqual({ isIntact: true, count: before.count - 10, headPosition: before.headPosition, breaks: [] })
    services.audit.recordSecurityEvent({ accountId: aliceId, kind: SecurityEventKind.SignIn })
    expect(verify().isIntact).toBe(true)
    db.prepare('DELETE FROM security_log WHERE account_id = ? AND seq = 11').run(aliceId)
    expect(verify().breaks).toEqual([{ type: 'missing', position: 11, to: 11 }])
    // Moving the checkpoint by hand breaks the head's MAC.
    db.prepare('UPDATE security_log_heads SET checkpoint_seq = 11 WHERE account_id = ?').run(aliceId)
    expect(verify().breaks.map((b) => b.type)).toContain('head')
    expect(() => trimSecurityLogBefore(db, macKey, aliceId, 20)).toThrow(/does not verify/)
  })

  it('derives a MAC key separate from the data key', () => {
    const box = createAesGcmSecretBox(Buffer.alloc(32, 1), 'key-file')
    expect(deriveSecurityLogMACKey(box)).toHaveLength(32)
    expect(deriveSecurityLogMACKey(box).equals(Buffer.alloc(32, 1))).toBe(false)
  })
})

describe('migration 0010', () => {
  it('chains existing entries oldest first, and the process that applied it seals the heads', async () => {
    const old = makeTempDir()
    try {
      const path = join(old.path, 'keystead.db')
      const legacy = openDatabase(path)
      await migrateDatabase(legacy, { migrations: migrations.filter((m) => m.version < 10) })
      legacy.prepare("INSERT INTO accounts (username, username_key, full_name, email, email_key, language, timezone, password_hash, created_at, updated_at) VALUES ('old', 'old', '', NULL, NULL, 'en', 'UTC', 'x', 1, 1)").run()
      for (let i = 0; i < 5; i++) legacy.prepare("INSERT INTO security_log (account_id, at, kind, device, detail) VALUES (1, ?, 'signin', 'Chrome on Linux (x64)', '{}')").run(1000 - i)
      const outcome = await migrateDatabase(legacy)
      expect(outcome.applied).toContain(10)
      const box = createKeyFileSecretBox(join(old.path, 'keystead.key'))
      const unsealed = verifySecurityLogChain(legacy, deriveSecurityLogMACKey(box), 1)
      expect(unsealed.breaks).toEqual([{ type: 'head', position: 5, problem: 'unsealed' }])
      createServices({ db: legacy, secretBox: box, scryptParams: TEST_ONLY_SCRYPT_PARAMS, sealMigratedSecurityLog: true })
      expect(verifySecurityLogChain(legacy, deriveSecurityLogMACKey(box), 1)).toMatchObject({ isIntact: true, count: 5 })
      expect(legacy.prepare('SELECT at FROM security_log ORDER BY seq').pluck().all()).toEqual([996, 997, 998, 999, 1000])
      legacy.close()
    } finally {
      old.remove()
    }
  })
})

import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { DB } from '../../src-main/db/database.ts'
import { latestSchemaVersion } from '../../src-main/db/migrate.ts'
import { SecurityEventKind } from '../../src-main/services/audit-service.ts'
import { deriveSecurityLogMACKey, verifySecurityLogChain } from '../../src-main/services/audit/log-chain.ts'
import { createEncrypter, formatIdentityFile, generateBackupKey } from '../../src-main/services/backup/age.ts'
import type { BackupUnlock } from '../../src-main/services/backup/age.ts'
import { createBackup, restoreBackup, verifyBackup } from '../../src-main/services/backup/backup-service.ts'
import type { BackupManifest } from '../../src-main/services/backup/backup-format.ts'
import { tarEnd, tarHeader, tarPadding } from '../../src-main/services/backup/tar.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'
import type { Services } from '../../src-main/services/index.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { signedIn } from '../fixtures/signed-in.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { openTestServices } from '../fixtures/test-services.ts'

const PASSPHRASE = 'correct horse battery staple'
const PASSWORD = 'wonderland 12'
const DEVICE = FAKE_DEVICE
const LOG_N = 10 // cheap scrypt for tests; the real default is 18
const t0 = Date.UTC(2026, 11, 1, 12, 0, 0)

const sha256File = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')
const oathtool = (secret: string, atMs: number): string =>
  execFileSync('oathtool', ['--totp', '--base32', '-N', `@${Math.floor(atMs / 1000)}`, secret], { encoding: 'utf8' }).trim()

async function refusal(work: Promise<unknown>): Promise<KeysteadError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(KeysteadError)
  return error as KeysteadError
}

/** A listing of a folder with each file's hash: "nothing changed" means this is equal before and after. */
function snapshotFolder(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, statSync(join(dir, name)).isFile() ? sha256File(join(dir, name)) : 'dir']))
}

interface Fixture {
  secret: string
  unusedCodes: string[]
  usedCodes: string[]
  apiKey: string
  tokens: Record<string, string>
  aliceId: number
}

const source = makeTempDir('keystead-backup-src-')
const work = makeTempDir('keystead-backup-files-')
let db: DB
let services: Services
let fixture: Fixture
let manifest: BackupManifest
const backupFile = join(work.path, 'passphrase.age')
const keyBackupFile = join(work.path, 'key.age')
let identity: { identity: string; recipient: string }

async function fillStore(): Promise<Fixture> {
  const alice = await services.accounts.createAccount({ username: 'alice', password: PASSWORD })
  const bob = await services.accounts.createAccount({ username: 'bob', password: PASSWORD })
  const setup = services.twoFactor.beginTwoFactorSetup(alice)
  const codes = await services.twoFactor.confirmTwoFactorSetup(alice, oathtool(setup.secret, t0))
  const usedCodes = codes.slice(0, 2)
  for (const code of usedCodes) await services.twoFactor.verifySecondFactor(alice, { recoveryCode: code })
  const { apiKey } = services.apiKeys.regenerateApiKey(alice.id)
  const tokens = {
    readOnly: services.tokens.createToken(alice.id, { title: 'ro', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } }).token,
    readWrite: services.tokens.createToken(alice.id, { title: 'rw', isEnabled: true, scope: 'read-write', expiry: { kind: 'days', days: 30 } }).token,
    disabled: services.tokens.createToken(bob.id, { title: 'off', isEnabled: false, scope: 'read-only', expiry: { kind: 'date', date: '2027-06-30' } }).token,
  }
  services.sshKeys.addKey(alice.id, { title: 'laptop', publicKey: buildEd25519Line('alice@laptop'), expiresOn: '2027-01-31' })
  services.sshKeys.addKey(bob.id, { title: 'desk', publicKey: buildEd25519Line('bob@desk') })
  const { session } = signedIn(await services.auth.signIn({ username: 'bob', password: PASSWORD, origin: 'app', device: DEVICE, keepSignedIn: true }))
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3a7' } }).png().toBuffer()
  await services.profile.setPicture(session, png)
  return { secret: setup.secret, unusedCodes: codes.slice(2), usedCodes, apiKey, tokens, aliceId: alice.id }
}

beforeAll(async () => {
  ;({ db, services } = await openTestServices(source.path, () => t0))
  fixture = await fillStore()
  manifest = await createBackup({
    databasePath: join(source.path, 'keystead.db'),
    workDir: source.path,
    secretBox: services.secretBox,
    appVersion: '0.1.0',
    target: backupFile,
    protection: { kind: 'passphrase', passphrase: PASSPHRASE, scryptLogN: LOG_N },
  })
  identity = await generateBackupKey()
  await createBackup({
    databasePath: join(source.path, 'keystead.db'),
    workDir: source.path,
    secretBox: services.secretBox,
    appVersion: '0.1.0',
    target: keyBackupFile,
    protection: { kind: 'recipients', recipients: [identity.recipient] },
  })
}, 60_000)

afterAll(() => {
  db?.close()
  source.remove()
  work.remove()
})

describe('restore into a new folder', () => {
  it('keeps the folder once the restored store is in place, even when something fails after the swap', async () => {
    const parent = makeTempDir('keystead-restore-new-')
    const dataDir = join(parent.path, 'new-store')
    try {
      const failing = restoreBackup({
        file: keyBackupFile,
        unlock: { kind: 'identity', identity: identity.identity },
        dataDir,
        openSecretBox: () => createKeyFileSecretBox(join(dataDir, 'keystead.key')),
        origin: 'cli',
        onProgress: ({ stage, fraction }) => {
          if (stage === 'swap' && fraction === 1) throw new Error('the listener failed')
        },
      })
      await expect(failing).rejects.toThrow('the listener failed')
      const restored = new Database(join(dataDir, 'keystead.db'), { readonly: true })
      try {
        expect(restored.prepare('SELECT username FROM accounts ORDER BY id').pluck().all()).toEqual(['alice', 'bob'])
      } finally {
        restored.close()
      }
      // Refused before the swap (a wrong key), the folder it made is gone.
      const other = join(parent.path, 'refused')
      const wrong = await generateBackupKey()
      await expect(restoreBackup({ file: keyBackupFile, unlock: { kind: 'identity', identity: wrong.identity }, dataDir: other, openSecretBox: () => createKeyFileSecretBox(join(other, 'keystead.key')), origin: 'cli' })).rejects.toThrow()
      expect(readdirSync(parent.path)).toEqual(['new-store'])
    } finally {
      parent.remove()
    }
  })
})

describe('backup file', () => {
  it('is written 0600 with a manifest whose counts are those of the store', () => {
    expect(statSync(backupFile).mode & 0o777).toBe(0o600)
    const count = (table: string, where = ''): number => db.prepare(`SELECT count(*) FROM ${table} ${where}`).pluck().get() as number
    expect(manifest).toMatchObject({ format: 'keystead-backup', formatVersion: 1, appVersion: '0.1.0', schemaVersion: latestSchemaVersion() })
    expect(manifest.counts).toEqual({
      accounts: 2,
      sessions: count('sessions'),
      accessTokens: 3,
      apiKeys: count('api_keys'),
      sshKeys: 2,
      pictures: 1,
      securityLog: count('security_log'),
      twoFactorEnabled: 1,
    })
    expect(manifest.counts.sessions).toBeGreaterThan(0)
    // Nothing left behind in the data folder (the snapshot's work folder is gone).
    expect(readdirSync(source.path).filter((name) => name.startsWith('.backup-'))).toEqual([])
  })

  it('decrypts with Debian age -d -i and the archive lists with tar -tf', () => {
    const idFile = join(work.path, 'id.txt')
    writeFileSync(idFile, formatIdentityFile(identity.identity, identity.recipient, new Date()), { mode: 0o600 })
    const tarFile = join(work.path, 'key.tar')
    execFileSync('age', ['-d', '-i', idFile, '-o', tarFile, keyBackupFile])
    expect(execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).trim().split('\n')).toEqual(['manifest.json', 'data-key', 'keystead.db'])
    const inner = JSON.parse(execFileSync('tar', ['-xOf', tarFile, 'manifest.json'], { encoding: 'utf8' })) as BackupManifest
    const dbSha = createHash('sha256').update(execFileSync('tar', ['-xOf', tarFile, 'keystead.db'], { maxBuffer: 1 << 28 })).digest('hex')
    expect(dbSha).toBe(inner.database.sha256)
  })

  it('made with a passphrase decrypts with age -d typed at a terminal (pty)', () => {
    const out = join(work.path, 'pass.tar')
    const script = [
      'import os, pty, sys, time',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      '    os.execvp("age", ["age", "-d", "-o", sys.argv[1], sys.argv[2]])',
      'buf = b""',
      'deadline = time.time() + 30',
      'while b"passphrase" not in buf.lower() and time.time() < deadline:',
      '    try: buf += os.read(fd, 1024)',
      '    except OSError: break',
      'os.write(fd, (sys.argv[3] + "\\n").encode())',
      'while True:',
      '    try:',
      '        if not os.read(fd, 1024): break',
      '    except OSError: break',
      '_, status = os.waitpid(pid, 0)',
      'sys.exit(os.waitstatus_to_exitcode(status))',
    ].join('\n')
    const result = spawnSync('python3', ['-c', script, out, backupFile, PASSPHRASE], { encoding: 'utf8', timeout: 60_000 })
    expect(result.status).toBe(0)
    expect(execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).trim().split('\n')).toEqual(['manifest.json', 'data-key', 'keystead.db'])
  })
})

describe('verify', () => {
  it('reports the manifest of a good backup (passphrase and backup key)', async () => {
    const byPassphrase = await verifyBackup(backupFile, { kind: 'passphrase', passphrase: PASSPHRASE })
    expect(byPassphrase.manifest).toEqual(manifest)
    expect(byPassphrase.needsMigration).toBe(false)
    const byKey = await verifyBackup(keyBackupFile, { kind: 'identity', identity: identity.identity })
    expect(byKey.manifest.counts).toEqual(manifest.counts)
  })
})

describe('restore on another computer (a different data key)', () => {
  const target = makeTempDir('keystead-backup-dst-')
  afterAll(() => target.remove())

  it('keeps every feature working: TOTP, recovery codes, API key, tokens, keys, pictures, log', async () => {
    const newBox = createKeyFileSecretBox(join(target.path, 'keystead.key'))
    expect(newBox.exportDataKey().equals(services.secretBox.exportDataKey())).toBe(false)
    const outcome = await restoreBackup({ file: backupFile, unlock: { kind: 'passphrase', passphrase: PASSPHRASE }, dataDir: target.path, openSecretBox: () => newBox, origin: 'cli' })
    expect(outcome).toMatchObject({ replacedExisting: false, migratedFrom: null, sessionsEnded: manifest.counts.sessions })

    const later = t0 + 5 * 60_000
    const restored = await openTestServices(target.path, () => later)
    try {
      const rdb = restored.db
      const s = restored.services
      const count = (table: string, where = ''): number => rdb.prepare(`SELECT count(*) FROM ${table} ${where}`).pluck().get() as number
      expect(count('accounts')).toBe(manifest.counts.accounts)
      expect(count('access_tokens')).toBe(manifest.counts.accessTokens)
      expect(count('api_keys')).toBe(manifest.counts.apiKeys)
      expect(count('ssh_keys')).toBe(manifest.counts.sshKeys)
      expect(count('account_pictures')).toBe(manifest.counts.pictures)
      expect(count('two_factor', 'WHERE enabled_at IS NOT NULL')).toBe(manifest.counts.twoFactorEnabled)
      expect(count('sessions')).toBe(0) // sessions belong to a device
      expect(count('security_log')).toBe(manifest.counts.securityLog + manifest.counts.accounts)
      expect(count('security_log', `WHERE kind = '${SecurityEventKind.BackupRestored}'`)).toBe(2)
      // Every account's log verifies on this computer: heads re-authenticated under its key, the restore entry chained.
      const macKey = deriveSecurityLogMACKey(newBox)
      for (const id of rdb.prepare('SELECT id FROM accounts').pluck().all() as number[]) {
        expect(verifySecurityLogChain(rdb, macKey, id)).toMatchObject({ isIntact: true, breaks: [] })
      }

      const alice = s.accounts.findAccountByUsername('alice')!
      await expect(s.twoFactor.verifySecondFactor(alice, { code: oathtool(fixture.secret, later) })).resolves.toMatchObject({ method: 'totp' })
      await expect(s.twoFactor.verifySecondFactor(alice, { recoveryCode: fixture.unusedCodes[0]! })).resolves.toMatchObject({ method: 'recovery-code' })
      for (const used of fixture.usedCodes) await refusal(s.twoFactor.verifySecondFactor(alice, { recoveryCode: used }))
      expect(s.apiKeys.revealApiKey(alice.id)).toBe(fixture.apiKey)
      expect(s.credentials.verifyCredential(fixture.apiKey)).toMatchObject({ ok: true })
      expect(s.credentials.verifyCredential(fixture.tokens.readOnly)).toMatchObject({ ok: true })
      expect(s.credentials.verifyCredential(fixture.tokens.readWrite)).toMatchObject({ ok: true })
      expect(s.credentials.verifyCredential(fixture.tokens.disabled)).toMatchObject({ ok: false, reason: 'disabled' })
      expect(s.sshKeys.listKeys(alice.id).map((key) => key.expiresOn ?? null)).toEqual(['2027-01-31'])
      // The secrets are sealed under this computer's key now: the backup's key opens none of them.
      const sealed = rdb.prepare('SELECT secret_sealed FROM two_factor WHERE account_id = ?').pluck().get(alice.id) as Buffer
      expect(newBox.open(sealed)).toBe(fixture.secret)
      expect(() => services.secretBox.open(sealed)).toThrow()
      // The sessions ended in one bulk DELETE with the count triggers set aside: every count is 0, the triggers are
      // back (a new sign-in counts), and no reference is left dangling.
      expect(count('accounts', 'WHERE session_count <> 0')).toBe(0)
      expect(rdb.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'sessions' ORDER BY name").pluck().all()).toEqual(['sessions_count_delete', 'sessions_count_insert'])
      expect(rdb.pragma('foreign_key_check')).toEqual([])
      expect(signedIn(await s.auth.signIn({ username: 'bob', password: PASSWORD, origin: 'app', device: DEVICE })).session).toBeTruthy()
      expect(rdb.prepare("SELECT session_count FROM accounts WHERE username = 'bob'").pluck().get()).toBe(1)
    } finally {
      restored.db.close()
    }
  }, 60_000)
})

/** An age file holding `tar` with the given manifest (for a backup from a newer Keystead, or a foreign tar). */
async function craftBackup(path: string, manifestValue: unknown, databaseBytes = new Uint8Array(4096)): Promise<void> {
  const parts: Uint8Array[] = []
  const add = (name: string, data: Uint8Array): void => {
    parts.push(tarHeader(name, data.length, 0), data, tarPadding(data.length))
  }
  add('manifest.json', Buffer.from(JSON.stringify(manifestValue)))
  add('data-key', Buffer.from(`${Buffer.alloc(32, 7).toString('base64')}\n`))
  add('keystead.db', databaseBytes)
  parts.push(tarEnd())
  const encrypted = await createEncrypter({ kind: 'passphrase', passphrase: PASSPHRASE, scryptLogN: LOG_N }).encrypt(Buffer.concat(parts))
  writeFileSync(path, encrypted)
}

describe('bad input gets its own message and changes nothing', () => {
  const target = makeTempDir('keystead-backup-bad-')
  let before: Record<string, string>
  beforeAll(async () => {
    const other = await openTestServices(target.path, () => t0)
    await other.services.accounts.createAccount({ username: 'carol', password: PASSWORD })
    other.db.close()
    before = snapshotFolder(target.path)
  })
  afterAll(() => target.remove())

  async function expectRefused(file: string, unlock: BackupUnlock, reason: string): Promise<void> {
    expect((await refusal(verifyBackup(file, unlock))).reason).toBe(reason)
    const box = createKeyFileSecretBox(join(target.path, 'keystead.key'))
    expect((await refusal(restoreBackup({ file, unlock, dataDir: target.path, openSecretBox: () => box, origin: 'cli' }))).reason).toBe(reason)
    expect(snapshotFolder(target.path)).toEqual(before)
  }

  it('wrong passphrase', () => expectRefused(backupFile, { kind: 'passphrase', passphrase: 'not it' }, 'backup.wrongPassphrase'))
  it('wrong backup key', async () => expectRefused(keyBackupFile, { kind: 'identity', identity: (await generateBackupKey()).identity }, 'backup.wrongIdentity'))
  it('a passphrase for a backup-key file, and the other way round', async () => {
    await expectRefused(keyBackupFile, { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.needsIdentity')
    await expectRefused(backupFile, { kind: 'identity', identity: identity.identity }, 'backup.needsPassphrase')
  })
  it('truncated (cut in the middle and at the end)', async () => {
    for (const keep of [0.5, 0.999]) {
      const file = join(work.path, `truncated-${keep}.age`)
      writeFileSync(file, readFileSync(backupFile))
      truncateSync(file, Math.floor(statSync(file).size * keep))
      await expectRefused(file, { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.truncated')
    }
  })
  it('altered (one byte of the payload, one of the header)', async () => {
    const bytes = readFileSync(backupFile)
    const payload = Buffer.from(bytes)
    payload[Math.floor(bytes.length / 2)]! ^= 0x01
    writeFileSync(join(work.path, 'altered.age'), payload)
    await expectRefused(join(work.path, 'altered.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.altered')
    const header = Buffer.from(bytes)
    const macAt = header.indexOf('\n--- ') + 10
    header[macAt] = header[macAt] === 0x41 ? 0x42 : 0x41
    writeFileSync(join(work.path, 'altered-header.age'), header)
    await expectRefused(join(work.path, 'altered-header.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.altered')
  })
  it('not a Keystead backup (plain file, age file of something else)', async () => {
    writeFileSync(join(work.path, 'plain.age'), 'hello, not a backup\n')
    await expectRefused(join(work.path, 'plain.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.notKeystead')
    writeFileSync(join(work.path, 'other.age'), await createEncrypter({ kind: 'passphrase', passphrase: PASSPHRASE, scryptLogN: LOG_N }).encrypt('just some text'))
    await expectRefused(join(work.path, 'other.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.notKeystead')
    await craftBackup(join(work.path, 'foreign.age'), { format: 'something-else', formatVersion: 1 })
    await expectRefused(join(work.path, 'foreign.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.notKeystead')
  })
  it('from a newer Keystead (schema, format)', async () => {
    await craftBackup(join(work.path, 'newer.age'), { ...manifest, schemaVersion: latestSchemaVersion() + 1, appVersion: '9.0.0' })
    await expectRefused(join(work.path, 'newer.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.tooNew')
    await craftBackup(join(work.path, 'newer-format.age'), { ...manifest, formatVersion: 2 })
    await expectRefused(join(work.path, 'newer-format.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.formatTooNew')
  })
  it('a database that does not match its manifest', async () => {
    await craftBackup(join(work.path, 'mismatch.age'), { ...manifest, database: { ...manifest.database, bytes: 4096 } })
    await expectRefused(join(work.path, 'mismatch.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.checksumMismatch')
  })
  it('a missing file', () => expectRefused(join(work.path, 'nope.age'), { kind: 'passphrase', passphrase: PASSPHRASE }, 'backup.fileMissing'))
})

describe('a restore on the main thread', () => {
  const target = makeTempDir('keystead-backup-loop-')
  afterAll(() => target.remove())

  it('reads no whole table in one piece: the rows to re-seal are counted by the unpacking worker', async () => {
    const rows = (table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
    const [twoFactorRows, apiKeyRows] = [rows('two_factor'), rows('api_keys')]
    expect(twoFactorRows * apiKeyRows).toBeGreaterThan(0)
    // The worker thread has its own better-sqlite3: only this thread's statements are seen here.
    const prepare = vi.spyOn(Database.prototype, 'prepare')
    const fractions: number[] = []
    try {
      await restoreBackup({
        file: keyBackupFile,
        unlock: { kind: 'identity', identity: identity.identity },
        dataDir: target.path,
        openSecretBox: () => createKeyFileSecretBox(join(target.path, 'keystead.key')),
        origin: 'cli',
        onProgress: ({ stage, fraction }) => {
          if (stage === 'reseal') fractions.push(fraction)
        },
      })
      const statements = prepare.mock.calls.map(([sql]) => String(sql))
      expect(statements.some((sql) => /api_keys/.test(sql))).toBe(true) // the spy sees the restore's statements
      expect(statements.filter((sql) => /\bcount\s*\(/i.test(sql))).toEqual([])
    } finally {
      prepare.mockRestore()
    }
    // A slice of two-factor secrets, then one of API keys: the worker's count scales the progress as the count here did.
    expect(fractions).toEqual([twoFactorRows / (twoFactorRows + apiKeyRows), 1])
  }, 60_000)
})

describe('restore over current data', () => {
  const target = makeTempDir('keystead-backup-over-')
  afterAll(() => target.remove())

  it('replaces the store in one swap, ends its sessions, and leaves no dated copy once the new one passed', async () => {
    const other = await openTestServices(target.path, () => t0)
    await other.services.accounts.createAccount({ username: 'carol', password: PASSWORD })
    other.db.close()
    const box = createKeyFileSecretBox(join(target.path, 'keystead.key'))
    const outcome = await restoreBackup({ file: keyBackupFile, unlock: { kind: 'identity', identity: identity.identity }, dataDir: target.path, openSecretBox: () => box, origin: 'app' })
    expect(outcome.replacedExisting).toBe(true)
    expect(readdirSync(target.path).filter((name) => name.includes('before-restore') || name.startsWith('.restore-'))).toEqual([])
    const restored = await openTestServices(target.path, () => t0)
    try {
      expect(restored.services.accounts.listAccounts().map((account) => account.username).sort()).toEqual(['alice', 'bob'])
      expect(restored.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0)
    } finally {
      restored.db.close()
    }
  }, 60_000)
})

describe('a backup from an older Keystead', () => {
  const older = makeTempDir('keystead-backup-old-')
  const target = makeTempDir('keystead-backup-old-dst-')
  afterAll(() => {
    older.remove()
    target.remove()
  })

  it('is migrated forward on restore', async () => {
    const { openDatabase } = await import('../../src-main/db/database.ts')
    const { migrateDatabase } = await import('../../src-main/db/migrate.ts')
    const { migrations } = await import('../../src-main/db/migrations/index.ts')
    const oldDb = openDatabase(join(older.path, 'keystead.db'))
    await migrateDatabase(oldDb, { migrations: migrations.filter((m) => m.version <= 6) })
    oldDb.prepare("INSERT INTO accounts (username, username_key, password_hash, created_at, updated_at) VALUES ('dave', 'dave', 'x', 1, 1)").run()
    oldDb.close()
    const box = createKeyFileSecretBox(join(older.path, 'keystead.key'))
    const file = join(work.path, 'old.age')
    const oldManifest = await createBackup({ databasePath: join(older.path, 'keystead.db'), workDir: older.path, secretBox: box, appVersion: '0.0.9', target: file, protection: { kind: 'passphrase', passphrase: PASSPHRASE, scryptLogN: LOG_N } })
    expect(oldManifest.schemaVersion).toBe(6)
    expect((await verifyBackup(file, { kind: 'passphrase', passphrase: PASSPHRASE })).needsMigration).toBe(true)
    const outcome = await restoreBackup({ file, unlock: { kind: 'passphrase', passphrase: PASSPHRASE }, dataDir: target.path, openSecretBox: () => createKeyFileSecretBox(join(target.path, 'keystead.key')), origin: 'cli' })
    expect(outcome).toMatchObject({ migratedFrom: 6, schemaVersion: latestSchemaVersion() })
  }, 60_000)
})

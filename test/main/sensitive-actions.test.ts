import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import { backupsChannels } from '../../src-preload/contract/backups.ts'
import type { Result } from '../../src-preload/contract/errors.ts'
import type { Profile } from '../../src-preload/contract/profile.ts'
import { profileChannels } from '../../src-preload/contract/profile.ts'
import type { TwoFactorSetupInfo } from '../../src-preload/contract/security.ts'
import { accountsChannels } from '../../src-preload/contract/accounts.ts'
import { securityChannels } from '../../src-preload/contract/security.ts'
import { sessionsChannels } from '../../src-preload/contract/sessions.ts'
import { settingsChannels } from '../../src-preload/contract/settings.ts'
import { sshKeysChannels } from '../../src-preload/contract/ssh-keys.ts'
import type { CreatedToken } from '../../src-preload/contract/tokens.ts'
import { tokensChannels } from '../../src-preload/contract/tokens.ts'
import {
  DATA_FOLDER_ACTOR,
  listSensitiveActions,
  requireSensitiveAction,
  SENSITIVE_ACTION_RULES,
  SensitiveAction,
} from '../../src-main/services/sensitive-actions.ts'
import { generateTOTP } from '../../src-main/services/totp.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

const PASSWORD = 'wonderland 1'
const BACKUP_PASSPHRASE = 'a long backup passphrase'
const MINUTE = 60_000

let dir: ReturnType<typeof makeTempDir>
let test: TestCore
let now: number

beforeEach(async () => {
  dir = makeTempDir()
  now = Date.UTC(2026, 10, 23, 12, 0, 0)
  test = await startTestCore({ dataDir: dir.path, clock: () => now })
  await ok(test.call(authChannels.createAccount, { username: 'alice', password: PASSWORD }))
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

async function ok<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`)
  return result.value
}
const db = () => test.core.services!.db
const rows = (sql: string): unknown[] => db().prepare(sql).all()
const codeNow = (secret: string): Promise<string> => generateTOTP(secret, Math.floor(now / 1000))

async function beginSetup(): Promise<string> {
  const setup = await ok<TwoFactorSetupInfo>(test.call(securityChannels.beginTwoFactorSetup))
  return setup.secretGroups.replace(/ /g, '')
}
async function enableTwoFactor(): Promise<string> {
  const secret = await beginSetup()
  await ok(test.call(securityChannels.confirmTwoFactorSetup, { code: await codeNow(secret) }))
  return secret
}
async function profileWith(change: Partial<Profile>): Promise<unknown> {
  const { username, fullName, email, description, language, timezone } = await ok<Profile>(test.call(profileChannels.getProfile))
  return { username, fullName, email: email ?? '', description, language, timezone, ...change }
}

/**
 * How to carry out each sensitive action through the window: `prepare` runs while the password
 * confirmation is fresh, `act` after it is 11 minutes old, `state` is what the action changes.
 */
interface Scenario {
  prepare?(): Promise<unknown>
  act(prepared: unknown): Promise<Result<unknown>>
  state(): unknown
}

const scenarios: Record<SensitiveAction, Scenario[]> = {
  'token.create': [
    {
      act: () => test.call(tokensChannels.createToken, { title: 'deploy', isEnabled: true, scope: 'read-write', expiry: { kind: 'never' } }),
      state: () => rows('SELECT id, title FROM access_tokens'),
    },
  ],
  'token.enable': [
    {
      prepare: () => ok<CreatedToken>(test.call(tokensChannels.createToken, { title: 'off', isEnabled: false, scope: 'read-write', expiry: { kind: 'never' } })),
      act: (created) => test.call(tokensChannels.setTokenEnabled, { id: (created as CreatedToken).summary.id, isEnabled: true }),
      state: () => rows('SELECT id, is_enabled FROM access_tokens'),
    },
  ],
  'apiKey.copy': [{ act: () => test.call(tokensChannels.copyApiKey), state: () => test.platform.clipboardText }],
  'apiKey.regenerate': [{ act: () => test.call(tokensChannels.regenerateApiKey), state: () => rows('SELECT key_hash FROM api_keys') }],
  'localApi.change': [
    { act: () => test.call(settingsChannels.updateSettings, { localApi: { port: 47_123 } }), state: () => test.core.services!.settings.getSettings().localApi },
  ],
  'twoFactor.setupBegin': [{ act: () => test.call(securityChannels.beginTwoFactorSetup), state: () => rows('SELECT secret_sealed FROM two_factor') }],
  'twoFactor.setupConfirm': [
    {
      prepare: beginSetup,
      act: async (secret) => test.call(securityChannels.confirmTwoFactorSetup, { code: await codeNow(secret as string) }),
      state: () => rows('SELECT enabled_at FROM two_factor'),
    },
  ],
  'twoFactor.disable': [
    {
      prepare: enableTwoFactor,
      act: async (secret) => test.call(securityChannels.disableTwoFactor, { password: PASSWORD, code: await codeNow(secret as string) }),
      state: () => rows('SELECT account_id FROM two_factor'),
    },
  ],
  'recoveryCodes.regenerate': [
    { prepare: enableTwoFactor, act: () => test.call(securityChannels.regenerateRecoveryCodes), state: () => rows('SELECT code_hash FROM recovery_codes ORDER BY id') },
  ],
  'sshKey.add': [
    { act: () => test.call(sshKeysChannels.add, { title: 'laptop', publicKey: buildEd25519Line('me@laptop') }), state: () => rows('SELECT id FROM ssh_keys') },
  ],
  'sshKey.delete': [
    {
      prepare: () => ok<{ id: number }>(test.call(sshKeysChannels.add, { title: 'laptop', publicKey: buildEd25519Line('me@laptop') })),
      act: (added) => test.call(sshKeysChannels.delete, { id: (added as { id: number }).id }),
      state: () => rows('SELECT id FROM ssh_keys'),
    },
  ],
  'password.change': [
    {
      act: () => test.call(securityChannels.changePassword, { currentPassword: PASSWORD, newPassword: 'looking glass 2', newPasswordRepeat: 'looking glass 2' }),
      state: () => rows('SELECT password_hash FROM accounts'),
    },
  ],
  'username.change': [
    { act: async () => test.call(profileChannels.updateProfile, await profileWith({ username: 'alicia' })), state: () => rows('SELECT username FROM accounts') },
  ],
  'email.change': [
    { act: async () => test.call(profileChannels.updateProfile, await profileWith({ email: 'alice@example.com' })), state: () => rows('SELECT email FROM accounts') },
  ],
  'account.delete': [
    { act: () => test.call(profileChannels.deleteAccount, { password: PASSWORD, confirmUsername: 'alice' }), state: () => rows('SELECT id FROM accounts') },
  ],
  'backup.keyCreate': [{ act: () => test.call(backupsChannels.createBackupKey), state: () => test.core.services!.backups.getRecipient() }],
  'backup.restore': [
    {
      // A backup holding alice only, then bob joins; the restore (of the backup this window verified) drops bob.
      prepare: async () => {
        const file = join(dir.path, 'scenario-backup.age')
        test.platform.nextSavePaths.push(file)
        await ok(test.call(backupsChannels.createBackup, { protection: { kind: 'passphrase', passphrase: BACKUP_PASSPHRASE, confirmPassphrase: BACKUP_PASSPHRASE } }))
        await ok(test.call(authChannels.createAccount, { username: 'bob', password: PASSWORD }, 2))
        test.platform.nextOpenPaths.push(file)
        await ok(test.call(backupsChannels.verifyBackup, { unlock: { kind: 'passphrase', passphrase: BACKUP_PASSPHRASE } }))
      },
      act: () => test.call(backupsChannels.restoreBackup, { unlock: { kind: 'passphrase', passphrase: BACKUP_PASSPHRASE }, confirmation: 'RESTORE' }),
      state: () => rows('SELECT username FROM accounts ORDER BY id'),
    },
  ],
  'sessions.lifetimes': [
    {
      act: () => test.call(sessionsChannels.setLifetimes, { idleTimeoutMinutes: 60, absoluteTimeoutMinutes: 24 * 60 }),
      state: () => rows('SELECT idle_timeout_ms, absolute_timeout_ms FROM session_policy'),
    },
    {
      act: () => test.call(settingsChannels.updateSettings, { sessionLifetimes: { idleTimeoutHours: 2, absoluteTimeoutDays: 3 } }),
      state: () => rows('SELECT idle_timeout_ms, absolute_timeout_ms FROM session_policy'),
    },
  ],
  // The window's account is the store's first, so an administrator (issue 15).
  'accounts.administer': [
    {
      prepare: async () => (await test.core.services!.accounts.createAccount({ username: 'bob', password: 'builder 22x' })).id,
      act: (id) => test.call(accountsChannels.lockAccount, { accountId: id as number }),
      state: () => rows('SELECT username, role, locked_at, must_change_password FROM accounts ORDER BY id'),
    },
    {
      act: () => test.call(accountsChannels.createAccount, { username: 'carol' }),
      state: () => rows('SELECT username FROM accounts ORDER BY id'),
    },
  ],
}

describe('the one list of sensitive actions', () => {
  it('lists every action the issue names, each with a rule, and every one has a scenario below', () => {
    expect(listSensitiveActions()).toEqual(Object.keys(SENSITIVE_ACTION_RULES))
    for (const action of listSensitiveActions()) expect(scenarios[action]?.length ?? 0, action).toBeGreaterThan(0)
    expect(listSensitiveActions()).toHaveLength(19) // issue 13's 16, issue 14's backup key and restore, issue 15's administration
  })

  const cases = listSensitiveActions().flatMap((action) => (scenarios[action] ?? []).map((scenario, index) => ({ action, index, scenario })))
  it.each(cases)('$action (path $index): refused with REAUTH_REQUIRED after 11 minutes, changing nothing; works after confirming', async ({ scenario }) => {
    const prepared = await scenario.prepare?.()
    now += 11 * MINUTE
    const before = JSON.stringify(scenario.state())
    const log = rows('SELECT kind FROM security_log').length
    const refused = await scenario.act(prepared)
    expect(refused).toMatchObject({ ok: false, error: { code: 'REAUTH_REQUIRED', reason: 'reauth.required' } })
    expect(JSON.stringify(scenario.state())).toBe(before)
    expect(rows('SELECT kind FROM security_log')).toHaveLength(log)

    await ok(test.call(authChannels.reauthenticate, { password: PASSWORD }))
    now += 30_000 // a new TOTP time step for actions that need a code
    const done = await scenario.act(prepared)
    expect(done.ok, JSON.stringify(done)).toBe(true)
    expect(JSON.stringify(scenario.state())).not.toBe(before)
    // The restore scenario runs three scrypt derivations at age's own work factor (2^18, as the window uses it): seconds each on a loaded machine.
  }, 120_000)

  it('lets the data-folder holder (CLI) through, and API credentials only where their rule allows', () => {
    const services = test.core.services!
    const credential = { kind: 'credential' as const, accountId: 1, tokenId: 7 }
    for (const action of listSensitiveActions()) {
      expect(() => requireSensitiveAction(services, DATA_FOLDER_ACTOR, action)).not.toThrow()
      if (SENSITIVE_ACTION_RULES[action].byCredential) expect(() => requireSensitiveAction(services, credential, action)).not.toThrow()
      else expect(() => requireSensitiveAction(services, credential, action)).toThrow(expect.objectContaining({ code: 'REAUTH_REQUIRED' }))
    }
    expect(listSensitiveActions().filter((action) => SENSITIVE_ACTION_RULES[action].byCredential)).toEqual([
      SensitiveAction.SshKeyAdd,
      SensitiveAction.SshKeyDelete,
      SensitiveAction.EmailChange,
      // The /admin API endpoints take an administrator's write credential (issue 15).
      SensitiveAction.AccountsAdminister,
    ])
  })

  it('switching a token off and sending the current local API values stay free (they widen nothing)', async () => {
    const created = await ok<CreatedToken>(test.call(tokensChannels.createToken, { title: 'on', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } }))
    now += 11 * MINUTE
    await ok(test.call(tokensChannels.setTokenEnabled, { id: created.summary.id, isEnabled: false }))
    const current = test.core.services!.settings.getSettings().localApi
    await ok(test.call(settingsChannels.updateSettings, { theme: 'dark', localApi: { enabled: current.enabled, port: current.port } }))
    expect(test.core.services!.settings.getSettings().theme).toBe('dark')
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { authChannels } from '../../src-preload/contract/auth.ts'
import type { Profile } from '../../src-preload/contract/profile.ts'
import { profileChannels } from '../../src-preload/contract/profile.ts'
import { sshKeysChannels } from '../../src-preload/contract/ssh-keys.ts'
import { tokensChannels } from '../../src-preload/contract/tokens.ts'
import { isWellFormedUsername, validateDescription, validateFullName } from '../../src-main/services/account-rules.ts'
import { validateTokenTitle } from '../../src-main/services/token-rules.ts'
import { hasFormatCharacters } from '../../src-main/services/text-rules.ts'
import { runCli } from '../fixtures/run-cli.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { startTestCore } from '../fixtures/test-core.ts'
import type { TestCore } from '../fixtures/test-core.ts'

const KELVIN = '\u212A' // KELVIN SIGN: lower-cases to ASCII "k"
const PASSWORD = 'wonderland 1'
let dir: ReturnType<typeof makeTempDir>
let test: TestCore

beforeEach(async () => {
  dir = makeTempDir()
  test = await startTestCore({ dataDir: dir.path })
  const created = await test.call(authChannels.createAccount, { username: 'kate', password: PASSWORD })
  if (!created.ok) throw new Error('no account')
})
afterEach(() => {
  test.core.close()
  dir.remove()
})

describe('usernames are checked as typed, before case folding', () => {
  it('the rule: the Kelvin sign and other non-ASCII letters that fold into ASCII are no username', () => {
    expect(`${KELVIN}ate`.toLowerCase()).toBe('kate')
    expect(isWellFormedUsername(`${KELVIN}ate`)).toBe(false)
    expect(isWellFormedUsername('\u017Fam')).toBe(false) // LATIN SMALL LETTER LONG S upper-cases to "S"
    expect(isWellFormedUsername('KATE')).toBe(true)
  })

  it('sign-in with the Kelvin sign and the right password is refused like an unknown name (and does the same hashing)', async () => {
    const dummy = vi.spyOn(test.core.services!.hasher, 'verifyDummy')
    const answer = await test.call(authChannels.signIn, { username: `${KELVIN}ate`, password: PASSWORD }, 2)
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS', reason: 'signIn.invalid' } })
    expect(dummy).toHaveBeenCalledTimes(1) // the unknown-name path: same work, same answer
    expect((await test.call(authChannels.signIn, { username: 'KATE', password: PASSWORD }, 3)).ok).toBe(true)
  })

  it('IPC: the public key list of "\u212Aate" is not found', async () => {
    expect(await test.call(sshKeysChannels.listForAccount, { username: `${KELVIN}ate` })).toMatchObject({ ok: false, error: { reason: 'account.notFound' } })
    expect((await test.call(sshKeysChannels.listForAccount, { username: 'Kate' })).ok).toBe(true)
  })

  it('CLI: a command for "\u212Aate" exits 1 with "not found"; "KATE" works', async () => {
    test.core.close()
    const kelvin = await runCli(dir.path, ['--json', 'tokens', 'list', `${KELVIN}ate`])
    expect(kelvin.code).toBe(1)
    expect(kelvin.stderr + kelvin.stdout).toContain('account.notFound')
    const plain = await runCli(dir.path, ['--json', 'tokens', 'list', 'KATE'])
    expect(plain.code, plain.stderr).toBe(0)
    test = await startTestCore({ dataDir: dir.path })
  })
})

describe('no invisible format characters in free text', () => {
  const samples = ['\u202E', '\u202A', '\u2066', '\u2069', '\u200B', '\u200D', '\uFEFF', '\u00AD', '\u2060']

  it('each rule refuses bidi overrides, isolates, zero-width and other Cf characters with a clear reason', () => {
    for (const c of samples) {
      expect(hasFormatCharacters(`a${c}b`)).toBe(true)
      for (const check of [validateFullName, validateDescription, validateTokenTitle]) {
        expect(() => check(`Name ${c} here`)).toThrow(expect.objectContaining({ code: 'VALIDATION', reason: 'text.formatCharacter' }))
      }
    }
    expect(validateFullName('Zoë Ångström-李')).toBe('Zoë Ångström-李')
  })

  it('IPC: profile, token title and SSH key title/comment are refused at their field, changing nothing', async () => {
    const profile = (await test.call<Profile>(profileChannels.getProfile)) as { ok: true; value: Profile }
    const { username, fullName, description, language, timezone } = profile.value
    const base = { username, fullName, email: '', description, language, timezone }
    expect(await test.call(profileChannels.updateProfile, { ...base, fullName: 'Kate\u202Eetak' })).toMatchObject({ ok: false, error: { field: 'fullName', reason: 'text.formatCharacter' } })
    expect(await test.call(profileChannels.updateProfile, { ...base, description: 'hi\u200Bthere' })).toMatchObject({ ok: false, error: { field: 'description', reason: 'text.formatCharacter' } })
    expect(await test.call(tokensChannels.createToken, { title: 'ci\u2066', isEnabled: true, scope: 'read-only', expiry: { kind: 'never' } })).toMatchObject({
      ok: false,
      error: { field: 'title', reason: 'text.formatCharacter' },
    })
    expect(await test.call(sshKeysChannels.add, { title: 'laptop\u202D', publicKey: buildEd25519Line('me') })).toMatchObject({ ok: false, error: { field: 'title', reason: 'text.formatCharacter' } })
    expect(await test.call(sshKeysChannels.add, { title: 'laptop', publicKey: buildEd25519Line('me\u202E@host') })).toMatchObject({ ok: false, error: { field: 'publicKey', reason: 'text.formatCharacter' } })
    const db = test.core.services!.db
    expect(db.prepare('SELECT count(*) AS n FROM access_tokens').get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM ssh_keys').get()).toEqual({ n: 0 })
    expect((db.prepare('SELECT full_name FROM accounts').get() as { full_name: string }).full_name).toBe(fullName)
  })
})

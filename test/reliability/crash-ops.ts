import type { DB } from '../../src-main/db/database.ts'
import { findSessionById } from '../../src-main/db/repositories/sessions-repo.ts'
import type { SessionRow } from '../../src-main/db/repositories/sessions-repo.ts'
import type { Services } from '../../src-main/services/index.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { signedIn } from '../fixtures/signed-in.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'

/**
 * The writes the crash-safety child performs, each through the services. For every write
 * the child prints an "intent" line before it and a "done" line after the service call
 * returned (i.e. after SQLite committed it). The parent checks every done write against
 * the database after a SIGKILL; the one write the kill may have cut (intent without done)
 * may show either its old or its new state. The ops: accounts, sessions (sign in, confirm the
 * password, sign out), access tokens, SSH keys and profile edits; each check also looks for the
 * security-log entry written in the same transaction. To cover a new feature, add an op: `plan`
 * picks the write and returns the facts known before it plus `perform`; `check` looks for it in
 * the database.
 */
export interface CommittedWrite {
  op: string
  /** Later writes with the same key supersede earlier ones (a sign-out after its sign-in). */
  key: string
  [fact: string]: unknown
}

export interface WriterState {
  runId: string
  seq: number
  services: Services
  /** Accounts created by this child, with their passwords (known only to it). */
  accounts: Array<{ id: number; username: string; password: string }>
  sessions: SessionRow[]
  random(): number
}

export interface PlannedWrite {
  write: CommittedWrite
  /** Does the write; resolves to facts learnt from it (a new row's id, and maybe a final key). */
  perform(): Promise<Record<string, unknown>>
}

export interface WriteOp {
  name: string
  weight: number
  /** Null when it has nothing to act on yet. */
  plan(state: WriterState): PlannedWrite | null
  /** Null when the database shows the write; otherwise what is wrong. */
  check(db: DB, write: CommittedWrite): string | null
}

const pick = <T>(state: WriterState, list: readonly T[]): T | undefined => list[Math.floor(state.random() * list.length)]

/** Whether the security log has an entry of `kind` for the account whose detail names `field: value` (written in the same transaction as the row). */
function loggedWith(db: DB, accountId: unknown, kind: string, field: string, value: string | number): boolean {
  const rows = db.prepare('SELECT detail FROM security_log WHERE account_id = ? AND kind = ?').all(accountId, kind) as Array<{ detail: string }>
  return rows.some((row) => (JSON.parse(row.detail) as Record<string, unknown>)[field] === value)
}

export const WRITE_OPS: WriteOp[] = [
  {
    name: 'account.create',
    weight: 3,
    plan(state) {
      const username = `w${state.runId}n${state.seq}`
      const password = `pass ${state.runId} ${state.seq} 9`
      return {
        write: { op: 'account.create', key: `account:${username}`, username },
        async perform() {
          const row = await state.services.accounts.createAccount({ username, password, fullName: `Writer ${state.seq}`, email: `${username}@example.test` })
          state.accounts.push({ id: row.id, username, password })
          return { id: row.id }
        },
      }
    },
    check(db, write) {
      const row = db.prepare('SELECT id, email FROM accounts WHERE username_key = ?').get(String(write.username).toLowerCase()) as { id: number; email: string } | undefined
      if (!row) return `account ${write.username} is missing`
      const logged = db.prepare("SELECT count(*) AS n FROM security_log WHERE account_id = ? AND kind = 'account.created'").get(row.id) as { n: number }
      return (write.id === undefined || row.id === write.id) && row.email === `${write.username}@example.test` && logged.n === 1 ? null : `account ${write.username} is incomplete`
    },
  },
  {
    name: 'session.signIn',
    weight: 4,
    plan(state) {
      const account = pick(state, state.accounts)
      if (!account) return null
      return {
        write: { op: 'session.signIn', key: `signIn:${state.runId}:${state.seq}`, accountId: account.id },
        async perform() {
          const result = signedIn(await state.services.auth.signIn({ username: account.username, password: account.password, origin: 'app', device: FAKE_DEVICE }))
          state.sessions.push(result.session)
          // Once its id is known the write is filed under the session, where a sign-out supersedes it.
          return { sessionId: result.session.id, key: `session:${result.session.id}` }
        },
      }
    },
    check(db, write) {
      if (write.sessionId === undefined) return null // cut by the kill before its id was known: either outcome is fine
      const session = findSessionById(db, String(write.sessionId))
      return session && session.account_id === write.accountId ? null : `session ${write.sessionId} is missing`
    },
  },
  {
    name: 'session.reauthenticate',
    weight: 2,
    plan(state) {
      const session = pick(state, state.sessions)
      if (!session) return null
      const account = state.accounts.find((a) => a.id === session.account_id)!
      // Taken before the call: the service stamps the row with its own clock() reading, which is >= this.
      const notBefore = state.services.clock()
      return {
        write: { op: 'session.reauthenticate', key: `session:${session.id}`, sessionId: session.id, lastAuthAt: notBefore },
        async perform() {
          await state.services.auth.reauthenticate(session, account.password)
          return {}
        },
      }
    },
    check(db, write) {
      const session = findSessionById(db, String(write.sessionId))
      if (!session) return `session ${write.sessionId} is missing`
      return session.last_auth_at >= Number(write.lastAuthAt) ? null : `session ${write.sessionId} lost its re-authentication`
    },
  },
  {
    name: 'session.signOut',
    weight: 2,
    plan(state) {
      const session = pick(state, state.sessions)
      if (!session) return null
      state.sessions = state.sessions.filter((s) => s.id !== session.id)
      return {
        write: { op: 'session.signOut', key: `session:${session.id}`, sessionId: session.id },
        async perform() {
          state.services.auth.signOut(session)
          return {}
        },
      }
    },
    check(db, write) {
      return findSessionById(db, String(write.sessionId)) ? `signed-out session ${write.sessionId} is still there` : null
    },
  },
  {
    name: 'token.create',
    weight: 2,
    plan(state) {
      const account = pick(state, state.accounts)
      if (!account) return null
      const title = `t${state.runId}n${state.seq}`
      return {
        write: { op: 'token.create', key: `token:${title}`, accountId: account.id, title },
        async perform() {
          const created = state.services.tokens.createToken(account.id, { title, scope: 'read-write', isEnabled: true, expiry: { kind: 'never' } })
          return { id: created.summary.id }
        },
      }
    },
    check(db, write) {
      const row = db.prepare('SELECT id FROM access_tokens WHERE account_id = ? AND title = ?').get(write.accountId, write.title) as { id: number } | undefined
      if (!row) return `token ${write.title} is missing`
      return loggedWith(db, write.accountId, 'token.created', 'tokenId', row.id) ? null : `token ${write.title} has no token.created entry`
    },
  },
  {
    name: 'sshKey.add',
    weight: 2,
    plan(state) {
      const account = pick(state, state.accounts)
      if (!account) return null
      const title = `k${state.runId}n${state.seq}`
      const publicKey = buildEd25519Line(`${title}@crash`)
      return {
        write: { op: 'sshKey.add', key: `sshKey:${title}`, accountId: account.id, title },
        async perform() {
          const key = state.services.sshKeys.addKey(account.id, { title, publicKey, expiresOn: null })
          return { id: key.id, fingerprint: key.fingerprintSHA256 }
        },
      }
    },
    check(db, write) {
      const row = db.prepare('SELECT id, fingerprint_sha256 FROM ssh_keys WHERE account_id = ? AND title = ?').get(write.accountId, write.title) as
        | { id: number; fingerprint_sha256: string }
        | undefined
      if (!row) return `SSH key ${write.title} is missing`
      if (write.fingerprint !== undefined && row.fingerprint_sha256 !== write.fingerprint) return `SSH key ${write.title} has another fingerprint`
      return loggedWith(db, write.accountId, 'sshKey.added', 'keyId', row.id) ? null : `SSH key ${write.title} has no sshKey.added entry`
    },
  },
  {
    name: 'profile.edit',
    weight: 2,
    plan(state) {
      const session = pick(state, state.sessions)
      if (!session) return null
      const fullName = `Edited ${state.runId} ${state.seq}`
      return {
        // Later edits of the same account supersede this one.
        write: { op: 'profile.edit', key: `profile:${session.account_id}`, accountId: session.account_id, fullName },
        async perform() {
          const current = state.services.profile.getProfile(session.account_id)
          state.services.profile.updateProfile(session, {
            username: current.username,
            fullName,
            email: current.email ?? '',
            description: `edit ${state.seq}`,
            language: current.language,
            timezone: current.timezone,
          })
          return {}
        },
      }
    },
    check(db, write) {
      const row = db.prepare('SELECT full_name, description FROM accounts WHERE id = ?').get(write.accountId) as { full_name: string; description: string } | undefined
      if (!row) return `account ${write.accountId} is missing`
      if (row.full_name !== write.fullName) return `account ${write.accountId} lost its profile edit (${row.full_name} instead of ${write.fullName})`
      return loggedWith(db, write.accountId, 'profile.updated', 'fields', 'fullName,description') ? null : `account ${write.accountId} has no profile.updated entry`
    },
  },
]

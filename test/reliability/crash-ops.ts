import type { DB } from '../../src-main/db/database.ts'
import { findSessionById } from '../../src-main/db/repositories/sessions-repo.ts'
import type { SessionRow } from '../../src-main/db/repositories/sessions-repo.ts'
import type { Services } from '../../src-main/services/index.ts'
import { FAKE_DEVICE } from '../fixtures/fake-platform.ts'
import { signedIn } from '../fixtures/signed-in.ts'

/**
 * The writes the crash-safety child performs, each through the services. For every write
 * the child prints an "intent" line before it and a "done" line after the service call
 * returned (i.e. after SQLite committed it). The parent checks every done write against
 * the database after a SIGKILL; the one write the kill may have cut (intent without done)
 * may show either its old or its new state. To cover a new feature (tokens, SSH keys,
 * profile edits), add an op: `plan` picks the write and returns the facts known before it
 * plus `perform`; `check` looks for it in the database.
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
]

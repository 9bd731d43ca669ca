import { AccountRole } from '../../src-preload/contract/accounts.ts'
import type { SignInHints } from '../../src-preload/contract/auth.ts'
import type { AccountSummary, CurrentAccount } from '../../src-preload/contract/models.ts'
import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import {
  findAccountByEmailKey,
  findAccountById,
  findAccountByUsernameKey,
  insertAccount,
  listAccountRows,
  listFirstUsernames,
  updateLastSignIn,
} from '../db/repositories/accounts-repo.ts'
import type { AccountRow } from '../db/repositories/accounts-repo.ts'
import { isWellFormedUsername, toEmailKey, toUsernameKey, validateEmail, validateFullName, validateUsername } from './account-rules.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import { toISO } from './clock.ts'
import type { Clock } from './clock.ts'
import { checkFields, ErrorCode, fieldRefusalOf, KeysteadError, notFoundError, validationError } from './errors.ts'
import type { PasswordHasher } from './password-hasher.ts'
import { validateNewPassword } from './password-policy.ts'

export interface CreateAccountRequest {
  username: string
  password: string
  fullName?: string
  email?: string
  language?: string
  timezone?: string
  /** The password typed a second time, when the face asks for it (the app's form): refused when it differs. */
  confirmPassword?: string
  /** Absent: administrator for the store's first account, member after. */
  role?: 'administrator' | 'member'
  /** An account made with a temporary password must change it at its first sign-in. */
  mustChangePassword?: boolean
}

export function toAccountSummary(row: AccountRow): AccountSummary {
  return { id: row.id, username: row.username, fullName: row.full_name }
}

export function toCurrentAccount(row: AccountRow, sessionId: string): CurrentAccount {
  return {
    ...toAccountSummary(row),
    email: row.email,
    description: row.description,
    language: row.language,
    timezone: row.timezone,
    createdAt: toISO(row.created_at),
    sessionId,
    role: row.role === 'administrator' ? 'administrator' : 'member',
    mustChangePassword: row.must_change_password === 1,
  }
}

export function usernameTakenError(field = 'username'): KeysteadError {
  return new KeysteadError(ErrorCode.Conflict, 'This username is already taken (usernames ignore upper and lower case).', {
    field,
    reason: 'username.taken',
  })
}

export function emailTakenError(field = 'email'): KeysteadError {
  return new KeysteadError(ErrorCode.Conflict, 'Another account already uses this e-mail address.', { field, reason: 'email.taken' })
}

function isUniqueViolation(error: unknown, column: string): boolean {
  const e = error as { code?: string; message?: string }
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && (e.message ?? '').includes(column)
}

export interface AccountService {
  createAccount(request: CreateAccountRequest): Promise<AccountRow>
  listAccounts(): AccountSummary[]
  /** None, one (with its username) or several: two rows at most, never a scan or a count. */
  getSignInHints(): SignInHints
  getAccount(id: number): AccountRow
  findAccountByUsername(username: string): AccountRow | undefined
  /** Keeps "last sign-in" for the Accounts screen (one indexed write). */
  markSignedIn(accountId: number, at: number): void
}

function systemTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

export function createAccountService(deps: {
  db: DB
  clock: Clock
  hasher: PasswordHasher
  audit: AuditService
  /** Run inside the creation transaction with the new account's id (for example: give it an API key). */
  onAccountCreated?: ReadonlyArray<(accountId: number) => void>
}): AccountService {
  const { db, clock, hasher, audit } = deps
  return {
    async createAccount(request) {
      // The one password policy (base rules, not the username, not a common password), and every field at once.
      const passwordRefusal = await fieldRefusalOf(() => validateNewPassword(request.password, request.username, 'password'))
      const { username, fullName, email } = checkFields({
        username: () => {
          const name = validateUsername(request.username)
          // Checked before the slow hash so a clash answers at once; the UNIQUE index still guards the race.
          if (findAccountByUsernameKey(db, toUsernameKey(name))) throw usernameTakenError()
          return name
        },
        fullName: () => validateFullName(request.fullName ?? ''),
        email: () => {
          const address = validateEmail(request.email ?? '')
          if (address && findAccountByEmailKey(db, toEmailKey(address))) throw emailTakenError()
          return address
        },
        password: () => {
          if (passwordRefusal) throw passwordRefusal
          return request.password
        },
        confirmPassword: () => {
          if (request.confirmPassword !== undefined && request.confirmPassword !== request.password) {
            throw validationError('confirmPassword', 'password.confirmDiffers', 'The two passwords are not the same.')
          }
          return null
        },
      })
      const passwordHash = await hasher.hashPassword(request.password)
      try {
        const id = writeTransaction(db, () => {
          const accountId = insertAccount(db, {
            username,
            usernameKey: toUsernameKey(username),
            fullName,
            email,
            emailKey: email ? toEmailKey(email) : null,
            language: request.language ?? 'en',
            timezone: request.timezone ?? systemTimezone(),
            passwordHash,
            createdAt: clock(),
            role: request.role,
            mustChangePassword: request.mustChangePassword,
          })
          audit.recordSecurityEvent({ accountId, kind: SecurityEventKind.AccountCreated })
          for (const initialize of deps.onAccountCreated ?? []) initialize(accountId)
          return accountId
        })
        return findAccountById(db, id)!
      } catch (error) {
        if (isUniqueViolation(error, 'username_key')) throw usernameTakenError()
        if (isUniqueViolation(error, 'email_key')) throw emailTakenError()
        throw error
      }
    },
    listAccounts: () => listAccountRows(db).map(toAccountSummary),
    getSignInHints() {
      const [first, second] = listFirstUsernames(db, 2)
      if (first === undefined) return { accounts: 'none' }
      if (second !== undefined) return { accounts: 'several' }
      // The only account of a store is always its administrator (the last one can never be demoted): the role tells nothing new.
      const role = findAccountByUsernameKey(db, toUsernameKey(first))?.role === AccountRole.Administrator ? AccountRole.Administrator : AccountRole.Member
      return { accounts: 'one', username: first, role }
    },
    getAccount(id) {
      const row = findAccountById(db, id)
      if (!row) throw notFoundError('This account no longer exists.', 'account.notFound')
      return row
    },
    // The raw name must pass the rules before case folding (the Kelvin sign folds into ASCII).
    markSignedIn: (accountId, at) => updateLastSignIn(db, accountId, at),
    findAccountByUsername: (username) => (isWellFormedUsername(username) ? findAccountByUsernameKey(db, toUsernameKey(username)) : undefined),
  }
}

import type { SessionRow } from '../db/repositories/sessions-repo.ts'
import type { Clock } from './clock.ts'
import { ErrorCode, KeysteadError } from './errors.ts'

/**
 * THE list of sensitive actions: everything that creates, reveals, copies or widens a
 * credential, or weakens how the account is protected. Each one passes the same check,
 * `requireSensitiveAction`, in the main process before it changes anything.
 *
 * Adding an action (administration, backups, ...): one line here and one rule in
 * `SENSITIVE_ACTION_RULES` (the type checker asks for it), a call of `requireSensitiveAction`
 * (or `sensitiveHandler` in an IPC file) where it happens, and a scenario in
 * `test/main/sensitive-actions.test.ts` (that test walks this list and fails on a missing one).
 */
export const SensitiveAction = Object.freeze({
  TokenCreate: 'token.create',
  TokenEnable: 'token.enable',
  ApiKeyCopy: 'apiKey.copy',
  ApiKeyRegenerate: 'apiKey.regenerate',
  LocalApiChange: 'localApi.change',
  TwoFactorSetupBegin: 'twoFactor.setupBegin',
  TwoFactorSetupConfirm: 'twoFactor.setupConfirm',
  TwoFactorDisable: 'twoFactor.disable',
  RecoveryCodesRegenerate: 'recoveryCodes.regenerate',
  SshKeyAdd: 'sshKey.add',
  SshKeyDelete: 'sshKey.delete',
  PasswordChange: 'password.change',
  UsernameChange: 'username.change',
  EmailChange: 'email.change',
  AccountDeletion: 'account.delete',
  SessionLifetimes: 'sessions.lifetimes',
  BackupKeyCreate: 'backup.keyCreate',
  /** Issue 15: every administrator's action on an account from the Accounts screen or the /admin API endpoints. */
  AccountsAdminister: 'accounts.administer',
  BackupRestore: 'backup.restore',
} as const)
export type SensitiveAction = (typeof SensitiveAction)[keyof typeof SensitiveAction]

export interface SensitiveActionRule {
  /** What it does, for people (README, logs, tests). */
  description: string
  /**
   * Whether an API credential (access token with write scope, or the API key) may do it without a
   * password. Only actions the local API already offered are allowed: the credential itself was
   * created (or copied) behind this same check, so holding it is the confirmation. Everything else
   * is refused to credentials with REAUTH_REQUIRED: a token can never make or widen a credential.
   */
  byCredential: boolean
}

export const SENSITIVE_ACTION_RULES: Readonly<Record<SensitiveAction, SensitiveActionRule>> = Object.freeze({
  'token.create': { description: 'Create an access token', byCredential: false },
  'token.enable': { description: 'Switch an access token on', byCredential: false },
  'apiKey.copy': { description: 'Copy the API key', byCredential: false },
  'apiKey.regenerate': { description: 'Make a new API key', byCredential: false },
  'localApi.change': { description: 'Switch the local API on or off, or change its port', byCredential: false },
  'twoFactor.setupBegin': { description: 'Start two-factor setup', byCredential: false },
  'twoFactor.setupConfirm': { description: 'Turn two-factor authentication on', byCredential: false },
  'twoFactor.disable': { description: 'Turn two-factor authentication off', byCredential: false },
  'recoveryCodes.regenerate': { description: 'Make new recovery codes', byCredential: false },
  'sshKey.add': { description: 'Add an SSH key', byCredential: true },
  'sshKey.delete': { description: 'Delete an SSH key', byCredential: true },
  'password.change': { description: 'Change the password', byCredential: false },
  'username.change': { description: 'Change the username', byCredential: false },
  'email.change': { description: 'Change the e-mail address', byCredential: true },
  'account.delete': { description: 'Delete the account', byCredential: false },
  'sessions.lifetimes': { description: 'Change the session lifetimes', byCredential: false },
  'backup.keyCreate': { description: 'Make a new backup key (scheduled backups are encrypted to it)', byCredential: false },
  // The /admin API endpoints (lock, unlock) take an administrator's write-scope credential, as the API's other writes do.
  'accounts.administer': { description: "Act on an account as an administrator (role, lock, resets, delete, create)", byCredential: true },
  'backup.restore': { description: 'Replace all the data with a backup', byCredential: false },
})

/** Every sensitive action, in list order. */
export function listSensitiveActions(): SensitiveAction[] {
  return Object.values(SensitiveAction)
}

/**
 * Who asks for a sensitive action:
 * - `session`: a signed-in window; needs a password confirmed within the re-auth window (10 minutes);
 * - `credential`: the local API with a write-scope token or the API key (see `byCredential`);
 * - `data-folder`: the command line, run by the OS user who owns the data folder (0700). Whoever can
 *   run it can read and write the database directly, so a password would protect nothing; it passes.
 */
export type SensitiveActor =
  | { kind: 'session'; session: SessionRow }
  | { kind: 'credential'; accountId: number; tokenId: number | null }
  | { kind: 'data-folder' }

export const DATA_FOLDER_ACTOR: SensitiveActor = Object.freeze({ kind: 'data-folder' })

export function sessionActor(session: SessionRow): SensitiveActor {
  return { kind: 'session', session }
}

/** What the check needs to know: the time, and how long a password confirmation lasts. */
export interface SensitiveActionContext {
  clock: Clock
  sessions: { readonly policy: { reauthWindowMs: number } }
}

export function reauthRequiredError(): KeysteadError {
  return new KeysteadError(ErrorCode.ReauthRequired, 'Confirm your password to continue.', { reason: 'reauth.required' })
}

/** The recent-auth rule: the session's password was confirmed less than `reauthWindowMs` ago. */
export function isRecentlyAuthenticated(session: Pick<SessionRow, 'last_auth_at'>, now: number, reauthWindowMs: number): boolean {
  return now - session.last_auth_at <= reauthWindowMs
}

/**
 * THE check for every sensitive action. Throws REAUTH_REQUIRED (reason `reauth.required`) unless
 * the actor may do `action` now; call it before anything changes.
 */
export function requireSensitiveAction(context: SensitiveActionContext, actor: SensitiveActor | SessionRow, action: SensitiveAction): void {
  const rule = SENSITIVE_ACTION_RULES[action]
  if (!rule) throw new Error(`Unknown sensitive action: ${String(action)}`)
  const who: SensitiveActor = 'kind' in actor ? actor : sessionActor(actor)
  switch (who.kind) {
    case 'data-folder':
      return
    case 'credential':
      if (!rule.byCredential) throw reauthRequiredError()
      return
    case 'session':
      if (!isRecentlyAuthenticated(who.session, context.clock(), context.sessions.policy.reauthWindowMs)) throw reauthRequiredError()
  }
}

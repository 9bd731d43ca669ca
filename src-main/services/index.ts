import type { DB } from '../db/database.ts'
import { createAccountService } from './account-service.ts'
import type { AccountService } from './account-service.ts'
import { createApiKeyService } from './api-key-service.ts'
import type { ApiKeyService } from './api-key-service.ts'
import { createAdministrationService } from './administration-service.ts'
import type { AdministrationService } from './administration-service.ts'
import { createAuditService } from './audit-service.ts'
import { deriveSecurityLogMACKey, sealMigratedSecurityLogHeads } from './audit/log-chain.ts'
import type { AuditService } from './audit-service.ts'
import { createAuthService } from './auth-service.ts'
import type { AuthService } from './auth-service.ts'
import { systemClock } from './clock.ts'
import type { Clock } from './clock.ts'
import { createCredentialService } from './credential-service.ts'
import type { CredentialService } from './credential-service.ts'
import { createEventHub } from './events.ts'
import type { EventHub } from './events.ts'
import { createPasswordHasher, DEFAULT_SCRYPT_PARAMS } from './password-hasher.ts'
import type { PasswordHasher, ScryptParams } from './password-hasher.ts'
import { createPasswordVerifier } from './password-verifier.ts'
import type { PasswordVerifier } from './password-verifier.ts'
import { createProfileService } from './profile-service.ts'
import type { ProfileService } from './profile-service.ts'
import { createReminderService } from './reminders/reminder-service.ts'
import type { ReminderService } from './reminders/reminder-service.ts'
import type { SecretBox } from './secret-box.ts'
import { createSSHKeyService } from './ssh-key-service.ts'
import type { SSHKeyService } from './ssh-key-service.ts'
import { createSessionService, DEFAULT_SESSION_POLICY } from './session-service.ts'
import type { SessionPolicy, SessionService } from './session-service.ts'
import { createPasswordService } from './password-service.ts'
import type { PasswordService } from './password-service.ts'
import { RECOVERY_CODE_COST_BELOW_PASSWORD } from './recovery-codes.ts'
import { createThrottleService, DEFAULT_THROTTLE_POLICY } from './throttle-service.ts'
import type { ThrottlePolicy, ThrottleService } from './throttle-service.ts'
import { createTwoFactorService } from './two-factor-service.ts'
import type { TwoFactorService } from './two-factor-service.ts'
import { createTokenService } from './token-service.ts'
import type { TokenService } from './token-service.ts'
import { createBackupManager } from './backup/backup-manager.ts'
import type { BackupManager } from './backup/backup-manager.ts'
import { createInertLocalApiControl, createMemorySettingsStore, createSettingsService } from './settings-service.ts'
import type { LocalApiControl, SettingsService, SettingsStore } from './settings-service.ts'

export interface ServiceOptions {
  db: DB
  secretBox: SecretBox
  clock?: Clock
  scryptParams?: ScryptParams
  sessionPolicy?: SessionPolicy
  throttlePolicy?: ThrottlePolicy
  /** App-wide preferences; electron-store in the app, in memory by default. */
  settingsStore?: SettingsStore
  /** Starts/stops the local REST API when its settings change; inert by default. */
  localApi?: LocalApiControl
  /**
   * True only in the process whose `migrateDatabase` just applied migration 0010: the heads it
   * chained get their MAC now (the migration has no key). Never otherwise: a head without a MAC
   * found later is a break, not something to seal.
   */
  sealMigratedSecurityLog?: boolean
}

/** Everything the three faces (IPC, CLI, REST API) may call. None of it imports electron. */
export interface Services {
  db: DB
  clock: Clock
  events: EventHub
  hasher: PasswordHasher
  secretBox: SecretBox
  audit: AuditService
  accounts: AccountService
  sessions: SessionService
  auth: AuthService
  /** THE password check (throttled, reserved before hashing); every face and feature uses it, directly or through `auth`. */
  verifier: PasswordVerifier
  throttle: ThrottleService
  twoFactor: TwoFactorService
  passwords: PasswordService
  apiKeys: ApiKeyService
  tokens: TokenService
  credentials: CredentialService
  profile: ProfileService
  /**
   * Administration of accounts for every face: roles, locking and resets (the Accounts screen, the CLI's
   * administration commands, the API's /admin endpoints) and one account's facts, sessions, log and export.
   */
  administration: AdministrationService
  settings: SettingsService
  sshKeys: SSHKeyService
  backups: BackupManager
  /** Expiring tokens and keys (and, once backups land, backups to look at). */
  reminders: ReminderService
}

/**
 * Each domain's part of `keystead export U` (no secrets: token metadata, not tokens; key
 * fingerprints and public keys' facts; whether 2FA is on and how many recovery codes are left).
 */
function registerExportContributors(
  admin: AdministrationService,
  domains: { profile: ProfileService; tokens: TokenService; sshKeys: SSHKeyService; twoFactor: TwoFactorService; apiKeys: ApiKeyService },
): void {
  admin.addExportContributor({
    key: 'profile',
    collect: (accountId) => {
      const { pictureUrl, ...profile } = domains.profile.getProfile(accountId)
      return { ...profile, hasPicture: pictureUrl !== null }
    },
  })
  admin.addExportContributor({ key: 'sshKeys', collect: (accountId) => domains.sshKeys.listKeys(accountId) })
  admin.addExportContributor({ key: 'accessTokens', collect: (accountId) => domains.tokens.listTokens(accountId) })
  admin.addExportContributor({
    key: 'apiKey',
    collect: (accountId) => {
      const { createdAt, lastUsedAt } = domains.apiKeys.getApiKeySummary(accountId)
      return { createdAt, lastUsedAt }
    },
  })
  admin.addExportContributor({
    key: 'twoFactor',
    collect: (accountId) => {
      const status = domains.twoFactor.getTwoFactorStatus(accountId)
      return { enabled: status.enabled, enabledAt: status.enabledAt === null ? null : new Date(status.enabledAt).toISOString(), recoveryCodesLeft: status.recoveryCodesLeft }
    },
  })
}

export function createServices(options: ServiceOptions): Services {
  const db = options.db
  const clock = options.clock ?? systemClock
  const events = createEventHub()
  const hasher = createPasswordHasher(options.scryptParams ?? DEFAULT_SCRYPT_PARAMS)
  const securityLogMACKey = deriveSecurityLogMACKey(options.secretBox)
  if (options.sealMigratedSecurityLog) sealMigratedSecurityLogHeads(db, securityLogMACKey)
  const audit = createAuditService(db, clock, securityLogMACKey)
  const apiKeys = createApiKeyService({ db, clock, secretBox: options.secretBox, audit })
  // Runs inside the account-creation transaction: every account has an API key from the start.
  const accounts = createAccountService({ db, clock, hasher, audit, onAccountCreated: [apiKeys.createApiKey] })
  const sessions = createSessionService(db, clock, events, options.sessionPolicy ?? DEFAULT_SESSION_POLICY, audit)
  const throttle = createThrottleService(db, clock, options.throttlePolicy ?? DEFAULT_THROTTLE_POLICY)
  const twoFactor = createTwoFactorService({
    db,
    clock,
    secretBox: options.secretBox,
    audit,
    throttle,
    recoveryCodeCost: hasher.params.costLog2 - RECOVERY_CODE_COST_BELOW_PASSWORD,
  })
  const verifier = createPasswordVerifier({ db, clock, hasher, throttle })
  const auth = createAuthService({ clock, verifier, audit, accounts, sessions, twoFactor })
  const passwords = createPasswordService({ db, clock, hasher, audit, accounts, sessions, auth })
  const tokens = createTokenService({ db, clock, audit })
  const credentials = createCredentialService({ db, clock })
  const profile = createProfileService({ db, clock, audit, accounts, auth, sessions, events })
  const sshKeys = createSSHKeyService({ db, clock, audit, accounts })
  const reminders = createReminderService({ db, clock, accounts })
  const administration = createAdministrationService({ db, clock, hasher, audit, accounts, sessions, profile })
  registerExportContributors(administration, { profile, tokens, sshKeys, twoFactor, apiKeys })
  const settingsStore = options.settingsStore ?? createMemorySettingsStore()
  const settings = createSettingsService({
    store: settingsStore,
    localApi: options.localApi ?? createInertLocalApiControl(),
    sessionPolicy: {
      get: () => sessions.getSessionPolicy(),
      set: (lifetimes, by) => void sessions.setSessionLifetimes(lifetimes, by),
    },
  })
  return {
    db,
    clock,
    events,
    hasher,
    secretBox: options.secretBox,
    audit,
    accounts,
    sessions,
    auth,
    verifier,
    throttle,
    twoFactor,
    passwords,
    apiKeys,
    tokens,
    credentials,
    profile,
    administration,
    settings,
    sshKeys,
    backups: createBackupManager({ db, secretBox: options.secretBox, store: settingsStore, clock }),
    reminders,
  }
}

import type { SecurityEventKind } from '../audit-service.ts'

/** The groups the Security log's filter shows, in this order. */
export const SecurityEventGroup = Object.freeze({
  SignIns: 'signIns',
  PasswordTwoFactor: 'passwordTwoFactor',
  TokensApiKey: 'tokensApiKey',
  SSHKeys: 'sshKeys',
  Sessions: 'sessions',
  Profile: 'profile',
  Administration: 'administration',
} as const)
export type SecurityEventGroup = (typeof SecurityEventGroup)[keyof typeof SecurityEventGroup]

/**
 * The group of every kind. Typed over `SecurityEventKind`: a kind added there without a group
 * here fails the type check (and test/main/security-log-text.test.ts).
 */
export const SECURITY_EVENT_GROUPS: Readonly<Record<SecurityEventKind, SecurityEventGroup>> = Object.freeze({
  // Keys are the kinds' stored values (a type-only import keeps audit-service free of a cycle).
  'account.created': SecurityEventGroup.Profile,
  'signin': SecurityEventGroup.SignIns,
  'signin.failed': SecurityEventGroup.SignIns,
  'signout': SecurityEventGroup.SignIns,
  'reauth': SecurityEventGroup.SignIns,
  'reauth.failed': SecurityEventGroup.SignIns,
  'password.changed': SecurityEventGroup.PasswordTwoFactor,
  'twofactor.enabled': SecurityEventGroup.PasswordTwoFactor,
  'twofactor.disabled': SecurityEventGroup.PasswordTwoFactor,
  'twofactor.recovery.regenerated': SecurityEventGroup.PasswordTwoFactor,
  'twofactor.recovery.used': SecurityEventGroup.PasswordTwoFactor,
  'twofactor.failed': SecurityEventGroup.PasswordTwoFactor,
  'apikey.regenerated': SecurityEventGroup.TokensApiKey,
  'token.created': SecurityEventGroup.TokensApiKey,
  'token.enabled': SecurityEventGroup.TokensApiKey,
  'token.disabled': SecurityEventGroup.TokensApiKey,
  'token.deleted': SecurityEventGroup.TokensApiKey,
  'profile.updated': SecurityEventGroup.Profile,
  'username.changed': SecurityEventGroup.Profile,
  'picture.changed': SecurityEventGroup.Profile,
  'picture.removed': SecurityEventGroup.Profile,
  'account.deletion': SecurityEventGroup.Profile,
  'password.reset': SecurityEventGroup.Administration,
  'account.contactUpdated': SecurityEventGroup.Administration,
  'session.revoked': SecurityEventGroup.Administration,
  'sessions.revokedOthers': SecurityEventGroup.Administration,
  'account.exported': SecurityEventGroup.Administration,
  'sshKey.added': SecurityEventGroup.SSHKeys,
  'sshKey.removed': SecurityEventGroup.SSHKeys,
  'session.closed': SecurityEventGroup.Sessions,
  'session.closedOthers': SecurityEventGroup.Sessions,
  'session.restored': SecurityEventGroup.Sessions,
  'session.policyChanged': SecurityEventGroup.Sessions,
  'log.exported': SecurityEventGroup.Profile,
  'backup.restored': SecurityEventGroup.Administration,
  'account.roleChanged': SecurityEventGroup.Administration,
  'account.locked': SecurityEventGroup.Administration,
  'account.unlocked': SecurityEventGroup.Administration,
  'password.changeRequired': SecurityEventGroup.Administration,
  'password.temporarySet': SecurityEventGroup.Administration,
  'twofactor.reset': SecurityEventGroup.Administration,
  'sessions.endedByAdmin': SecurityEventGroup.Administration,
  'tokens.revokedByAdmin': SecurityEventGroup.Administration,
  'account.deletedByAdmin': SecurityEventGroup.Administration,
  'account.createdByAdmin': SecurityEventGroup.Administration,
  'signin.locked': SecurityEventGroup.SignIns,
})

import { useI18n } from 'vue-i18n'

/**
 * Security-log kinds this version can name (the i18n key under audit.kinds). Other features
 * add kinds over time: a kind missing here is shown as it is stored, never hidden.
 */
export const KIND_KEYS: Readonly<Record<string, string>> = Object.freeze({
  'account.created': 'accountCreated',
  signin: 'signIn',
  'signin.failed': 'signInFailed',
  signout: 'signOut',
  reauth: 'reauth',
  'reauth.failed': 'reauthFailed',
  'session.closed': 'sessionClosed',
  'session.closedOthers': 'otherSessionsClosed',
  'session.restored': 'sessionRestored',
  'session.policyChanged': 'sessionPolicyChanged',
  'log.exported': 'logExported',
  'account.roleChanged': 'roleChanged',
  'account.locked': 'accountLocked',
  'account.unlocked': 'accountUnlocked',
  'password.changeRequired': 'passwordChangeRequired',
  'password.temporarySet': 'temporaryPasswordSet',
  'twofactor.reset': 'twoFactorReset',
  'sessions.endedByAdmin': 'sessionsEndedByAdmin',
  'tokens.revokedByAdmin': 'tokensRevokedByAdmin',
  'account.deletedByAdmin': 'accountDeletedByAdmin',
  'account.createdByAdmin': 'accountCreatedByAdmin',
  'signin.locked': 'signInWhileLocked',
})

export function useKindLabel() {
  const { t } = useI18n()
  return function kindLabel(kind: string): string {
    const key = KIND_KEYS[kind]
    return key ? t(`audit.kinds.${key}`) : kind
  }
}

import type { EventTextTools, SecurityLogTexts } from './event-text-types.ts'

const byAdmin = (t: EventTextTools, text: string): string => (t.text('by') ? `${text} by administrator ${t.quote(t.text('by'))}` : text)
const onAccount = (t: EventTextTools, own: string, other: (name: string) => string): string => byAdmin(t, t.text('target') ? other(t.quote(t.text('target'))) : own)
const roleWord = (role: string): string => (role === 'administrator' ? 'administrator' : 'member')

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many.replace('#', String(n)))

/** English. Adding a kind: one entry in `kinds` (the type check and the test name the missing ones). */
export const securityLogTextsEN: SecurityLogTexts = {
  locale: 'en',
  quotes: ['“', '”'],
  kinds: {
    'account.created': { name: 'Account created', sentence: () => 'The account was created' },
    signin: { name: 'Signed in', sentence: () => 'Signed in' },
    'signin.failed': { name: 'Failed sign-in', sentence: () => 'A sign-in was refused: wrong username or password' },
    signout: { name: 'Signed out', sentence: () => 'Signed out' },
    reauth: { name: 'Password confirmed', sentence: () => 'The password was confirmed for a sensitive action' },
    'reauth.failed': {
      name: 'Password confirmation failed',
      sentence: (t) => (t.text('action') === 'account.deletion' ? 'A wrong password was typed to delete the account' : 'A wrong password was typed to confirm a sensitive action'),
    },
    'password.changed': {
      name: 'Password changed',
      sentence: (t) => `The password was changed; ${plural(t.number('signedOutSessions') ?? 0, 'one other session was', '# other sessions were')} signed out`,
    },
    'twofactor.enabled': { name: 'Two-factor authentication on', sentence: () => 'Two-factor authentication was switched on' },
    'twofactor.disabled': { name: 'Two-factor authentication off', sentence: () => 'Two-factor authentication was switched off' },
    'twofactor.recovery.regenerated': { name: 'New recovery codes', sentence: () => 'New recovery codes were made; the old ones no longer work' },
    'twofactor.recovery.used': {
      name: 'Recovery code used',
      sentence: (t) => `A recovery code was used to sign in; ${plural(t.number('left') ?? 0, 'one is', '# are')} left`,
    },
    'twofactor.failed': {
      name: 'Failed second factor',
      sentence: (t) => (t.text('method') === 'recovery-code' ? 'A wrong recovery code was typed' : 'A wrong authenticator code was typed'),
    },
    'apikey.regenerated': { name: 'API key replaced', sentence: () => 'The API key was replaced; the old key no longer works' },
    'token.created': {
      name: 'Access token created',
      sentence: (t) =>
        `Access token ${t.quote(t.text('title'))} created: ${t.scope()}, ${t.detail.expiresAt ? `expires ${t.dateTime(t.text('expiresAt'))}` : 'never expires'}, switched ${t.detail.isEnabled === false ? 'off' : 'on'}`,
    },
    'token.enabled': { name: 'Access token switched on', sentence: (t) => `Access token ${t.quote(t.text('title'))} was switched on` },
    'token.disabled': { name: 'Access token switched off', sentence: (t) => `Access token ${t.quote(t.text('title'))} was switched off` },
    'token.deleted': { name: 'Access token deleted', sentence: (t) => `Access token ${t.quote(t.text('title'))} was deleted` },
    'profile.updated': { name: 'Profile changed', sentence: (t) => `Profile changed: ${t.fields()}` },
    'username.changed': { name: 'Username changed', sentence: (t) => `The username was changed from ${t.quote(t.text('from'))} to ${t.quote(t.text('to'))}` },
    'picture.changed': {
      name: 'Profile picture changed',
      sentence: (t) => `A new profile picture was set (${t.text('sourceType').toUpperCase()}, ${t.number('width') ?? '?'} × ${t.number('height') ?? '?'} pixels)`,
    },
    'picture.removed': { name: 'Profile picture removed', sentence: () => 'The profile picture was removed' },
    'account.deletion': { name: 'Account deleted', sentence: () => 'The account was deleted' },
    'password.reset': { name: 'Password reset', sentence: () => 'The password was reset; every session was signed out' },
    'account.contactUpdated': { name: 'Contact details changed', sentence: (t) => `Contact details changed: ${t.fields()}` },
    'session.revoked': { name: 'Session signed out by an administrator', sentence: () => 'A session was signed out' },
    'sessions.revokedOthers': {
      name: 'Sessions signed out by an administrator',
      sentence: (t) => `${plural(t.number('count') ?? 0, 'One session was', '# sessions were')} signed out; one was kept`,
    },
    'account.exported': { name: 'Account exported', sentence: () => 'The account’s data was exported (no passwords, tokens or keys)' },
    'sshKey.added': { name: 'SSH key added', sentence: (t) => `SSH key ${t.quote(t.text('title'))} added (${t.text('type')}, ${t.text('fingerprint').slice(0, 19)}…)` },
    'sshKey.removed': { name: 'SSH key removed', sentence: (t) => `SSH key ${t.quote(t.text('title'))} removed (${t.text('type')}, ${t.text('fingerprint').slice(0, 19)}…)` },
    'session.closed': { name: 'Session closed', sentence: (t) => `The session on ${t.device(t.text('closedDevice'))} was closed` },
    'session.closedOthers': {
      name: 'Other sessions signed out',
      sentence: (t) => `${plural(t.number('count') ?? 0, 'One other session was', '# other sessions were')} signed out`,
    },
    'session.restored': { name: 'Kept session restored', sentence: () => 'A kept session was restored when Keystead started' },
    'session.policyChanged': {
      name: 'Session lifetimes changed',
      sentence: (t) => `Session lifetimes changed: signed out after ${t.number('idleTimeoutMinutes') ?? '?'} idle minutes, at most ${t.number('absoluteTimeoutMinutes') ?? '?'} minutes in all`,
    },
    'log.exported': {
      name: 'Security log exported',
      sentence: (t) => `The security log was exported as ${t.text('format').toUpperCase()} (${plural(t.number('count') ?? 0, 'one entry', '# entries')})`,
    },
    'backup.restored': {
      name: 'Restored from a backup',
      sentence: (t) => `The store was restored from a backup made ${t.text('backupCreatedAt') ? t.dateTime(t.text('backupCreatedAt')) : 'earlier'}; every session was ended`,
    },
    'account.roleChanged': { name: 'Role changed', sentence: (t) => onAccount(t, `The account's role was changed to ${roleWord(t.text('role'))}`, (n) => `The role of ${n} was changed to ${roleWord(t.text('role'))}`) },
    'account.locked': { name: 'Account locked', sentence: (t) => onAccount(t, 'The account was locked; its sessions were ended', (n) => `Account ${n} was locked`) },
    'account.unlocked': { name: 'Account unlocked', sentence: (t) => onAccount(t, 'The account was unlocked', (n) => `Account ${n} was unlocked`) },
    'password.changeRequired': { name: 'Password change required', sentence: (t) => onAccount(t, 'A new password is required at the next sign-in', (n) => `${n} must choose a new password at the next sign-in`) },
    'password.temporarySet': { name: 'Temporary password set', sentence: (t) => onAccount(t, 'A temporary password was set; it must be changed at the next sign-in', (n) => `A temporary password was set for ${n}`) },
    'twofactor.reset': { name: 'Two-factor authentication reset', sentence: (t) => onAccount(t, 'Two-factor authentication was reset (switched off)', (n) => `Two-factor authentication of ${n} was reset`) },
    'sessions.endedByAdmin': { name: 'Signed out everywhere', sentence: (t) => onAccount(t, `Signed out everywhere (${t.number('count') ?? 0} sessions)`, (n) => `${n} was signed out everywhere (${t.number('count') ?? 0} sessions)`) },
    'tokens.revokedByAdmin': { name: 'All tokens revoked', sentence: (t) => onAccount(t, `Every access token was revoked (${t.number('count') ?? 0})`, (n) => `Every access token of ${n} was revoked (${t.number('count') ?? 0})`) },
    'account.deletedByAdmin': { name: 'Account deleted by an administrator', sentence: (t) => onAccount(t, 'The account was deleted', (n) => `Account ${n} was deleted`) },
    'account.createdByAdmin': { name: 'Account created by an administrator', sentence: (t) => onAccount(t, `The account was created as ${roleWord(t.text('role'))}`, (n) => `Account ${n} was created as ${roleWord(t.text('role'))}`) },
    'signin.locked': { name: 'Sign-in while locked', sentence: () => 'The right password was given, but the account is locked: sign-in refused' },
  },
  groups: {
    signIns: 'Sign-ins',
    passwordTwoFactor: 'Password and two-factor',
    tokensApiKey: 'Tokens and API key',
    sshKeys: 'SSH keys',
    sessions: 'Sessions',
    profile: 'Profile',
    administration: 'Administration',
  },
  unknownKind: (kind) => `An event of a kind this version does not know (${kind})`,
  actor: {
    thisWindow: 'in this window',
    otherSession: (device) => `from another session (${device})`,
    commandLine: 'from the command line',
    localAPI: 'through the local API',
    localAPIToken: (title) => `through the local API with token “${title}”`,
    administrator: (face) => `by an administrator (${face})`,
    signInScreen: (face) => `at the sign-in of ${face}`,
    keystead: 'by Keystead',
  },
  faces: { app: 'the app', cli: 'the command line', api: 'the local API' },
  device: { summary: (browser, os, arch) => `${browser} on ${os} (${arch})`, unknown: 'Unknown' },
  words: {
    never: 'never',
    on: 'on',
    off: 'off',
    scopes: { 'read-only': 'read-only', 'read-write': 'read and write' },
    fields: { fullName: 'full name', email: 'e-mail', description: 'description', language: 'language', timezone: 'time zone' },
    methods: { totp: 'authenticator code', 'recovery-code': 'recovery code' },
  },
}

/** The signed-in sections, in order: the navigation bar and the profile menu both list them. */
export const ACCOUNT_SECTIONS = [
  { name: 'profile', key: 'nav.profile' },
  { name: 'security', key: 'nav.security' },
  { name: 'tokens', key: 'nav.tokens' },
  { name: 'ssh-keys', key: 'nav.sshKeys' },
  { name: 'sessions', key: 'nav.sessions' },
  { name: 'security-log', key: 'nav.securityLog' },
] as const

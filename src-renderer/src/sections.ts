/** The signed-in sections, in order: the navigation bar and the profile menu both list them. */
export const ACCOUNT_SECTIONS = [
  { name: 'profile', key: 'nav.profile' },
  { name: 'security', key: 'nav.security' },
  { name: 'tokens', key: 'nav.tokens' },
  { name: 'ssh-keys', key: 'nav.sshKeys' },
  { name: 'sessions', key: 'nav.sessions' },
  { name: 'security-log', key: 'nav.securityLog' },
  /** Administrators only: never listed for a member (and the router refuses the screen too). */
  { name: 'accounts', key: 'nav.accounts', adminOnly: true },
] as const

export type AccountSection = (typeof ACCOUNT_SECTIONS)[number]

/** The sections this role sees. */
export function sectionsFor(role: 'administrator' | 'member' | undefined): AccountSection[] {
  return ACCOUNT_SECTIONS.filter((section) => !('adminOnly' in section) || role === 'administrator')
}

import type { Migration } from './types.ts'
import { migration0001 } from './0001-accounts.ts'
import { migration0003 } from './0003-security.ts'
import { migration0004 } from './0004-tokens.ts'
import { migration0002 } from './0002-profile.ts'
import { migration0005 } from './0005-ssh-keys.ts'
import { migration0006 } from './0006-sessions-log.ts'
import { migration0007 } from './0007-listing-indexes.ts'
import { migration0008 } from './0008-ids-never-reused.ts'
import { migration0009 } from './0009-roles.ts'
import { migration0010 } from './0010-security-log-chain.ts'
import { migration0012 } from './0012-introspect-scope.ts'

/**
 * Every migration, in order. Versions only grow; gaps are allowed (each feature
 * reserves its number), the order is what counts.
 */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0012,
]

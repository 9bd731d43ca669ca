import type { Migration } from './types.ts'
import { migration0001 } from './0001-accounts.ts'
import { migration0006 } from './0006-sessions-log.ts'

/**
 * Every migration, in order. Versions only grow; gaps are allowed (each feature
 * reserves its number), the order is what counts.
 */
export const migrations: readonly Migration[] = [migration0001, migration0006]

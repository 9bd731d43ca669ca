import type { DB } from '../database.ts'

/** A numbered migration. Never edit one that has shipped: add the next. */
export interface Migration {
  version: number
  name: string
  /**
   * The migration rebuilds tables (create new, copy, drop old, rename): it then runs with foreign-key
   * enforcement off, so that dropping a table others refer to does not cascade, and commits only when
   * `PRAGMA foreign_key_check` finds nothing wrong afterwards.
   */
  rebuildsTables?: boolean
  up(db: DB): void
}

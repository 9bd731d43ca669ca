import type { DB } from '../database.ts'

/** A numbered migration. Never edit one that has shipped: add the next. */
export interface Migration {
  version: number
  name: string
  up(db: DB): void
}

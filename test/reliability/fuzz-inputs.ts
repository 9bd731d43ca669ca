import type { z } from 'zod'

/** Inputs both boundary fuzzers (IPC and local API) build their malformed payloads from. */

export type Schema = z.ZodType & { def: { type: string; shape?: Record<string, Schema>; innerType?: Schema; element?: Schema; options?: Schema[]; entries?: Record<string, unknown> } }

/** A well-formed payload for a schema: the starting point for mutations (strings are too short for any rule). */
export function exampleOf(schema: Schema): unknown {
  const def = schema.def
  switch (def.type) {
    case 'object':
      return Object.fromEntries(Object.entries(def.shape ?? {}).map(([key, value]) => [key, exampleOf(value)]))
    case 'optional':
    case 'nullable':
    case 'default':
      return exampleOf(def.innerType!)
    case 'string':
      return 'x'
    case 'number':
    case 'int':
      return 1
    case 'boolean':
      return true
    case 'null':
      return null
    case 'array':
      return [exampleOf(def.element!)]
    case 'union':
      return exampleOf(def.options![0]!)
    case 'enum':
      return Object.values(def.entries ?? {})[0]
    default:
      return 'x'
  }
}

/** Strings that break naive code: NUL, lone surrogates, BOM, bidi override, joiners, combining marks, huge graphemes. */
export const UNICODE_EDGES = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\ufeffalice',
  '\u202eecila',
  'al\u200dice',
  'e\u0301',
  'İstanbul',
  'ǅ',
  '\uffff\ufffe',
  '👩‍👩‍👧‍👦'.repeat(50),
  'Z̴̡̢̛̗̘̙̜̝̞̟̠̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌'.repeat(20),
  '\r\n\t\v\f',
  '${7*7}{{7*7}}<script>',
  "' OR 1=1 --",
  '../../../../etc/passwd',
  '%s%n%x',
]

/** Keys that pollute or confuse object prototypes and thenables. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then']

/**
 * The query that reads every row of a table in a stable order: rowid order, or the primary key's order for a
 * `WITHOUT ROWID` table (which has no rowid column).
 */
const selectAllRowsQueries = new Map<string, string>()
export function selectAllRowsSQL(db: { prepare(sql: string): { get(...args: unknown[]): unknown } }, table: string): string {
  const known = selectAllRowsQueries.get(table)
  if (known) return known
  const row = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string } | undefined
  const withoutRowid = /WITHOUT\s+ROWID/i.test(row?.sql ?? '')
  const sql = `SELECT * FROM "${table}"${withoutRowid ? '' : ' ORDER BY rowid'}`
  selectAllRowsQueries.set(table, sql)
  return sql
}

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'

type Tree = { [key: string]: string | Tree }

const ROOT = join(import.meta.dirname, '../..')
/** The code whose refusals reach the window. The CLI, the local API and the admin service answer in English. */
const WINDOW_SOURCES = ['src-main/services', 'src-main/ipc']
const NOT_FOR_THE_WINDOW = new Set(['src-main/services/administration-service.ts'])
/** Outcomes of session and credential checks: results, not refusals shown to anyone. */
const CHECK_OUTCOMES = new Set(['unknown', 'expired', 'malformed', 'disabled', 'empty', 'locked'])

function collectReasons(): Map<string, string> {
  const reasons = new Map<string, string>()
  for (const folder of WINDOW_SOURCES) {
    for (const name of readdirSync(join(ROOT, folder), { recursive: true }) as string[]) {
      const file = `${folder}/${name}`
      if (!file.endsWith('.ts') || NOT_FOR_THE_WINDOW.has(file)) continue
      const source = readFileSync(join(ROOT, file), 'utf8')
      for (const pattern of [/reason: '([A-Za-z0-9.]+)'/g, /validationError\(\s*[^,]+,\s*'([A-Za-z0-9.]+)'/g, /notFoundError\([^;]*?,\s*'([A-Za-z0-9.]+)'\s*\)/g, /backupError\(\s*'([A-Za-z0-9.]+)'/g, /fileError\([^,]+,\s*'([A-Za-z0-9.]+)'/g]) {
        for (const match of source.matchAll(pattern)) if (!CHECK_OUTCOMES.has(match[1]!)) reasons.set(match[1]!, file)
      }
    }
  }
  return reasons
}

function lookUp(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree)
}

describe('refusals from the main process', () => {
  it('have a translated message in every language for every reason the services and IPC handlers give', () => {
    const reasons = collectReasons()
    // The scan must see the refusals it guards (a broken pattern would make this test pass on nothing).
    expect(reasons.size).toBeGreaterThan(60)
    for (const known of ['username.taken', 'reauth.required', 'input.invalid']) expect(reasons.has(known), known).toBe(true)
    const messages = buildMessages() as Record<string, Tree>
    const missing: string[] = []
    for (const locale of ['en', 'tr', 'de']) {
      for (const [reason, file] of reasons) {
        if (typeof lookUp(messages[locale]!.errors as Tree, reason) !== 'string') missing.push(`${locale}: errors.${reason} (${file})`)
      }
    }
    expect(missing).toEqual([])
  })
})

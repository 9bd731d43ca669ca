import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'

type Tree = { [key: string]: string | Tree }

describe('SSH key refusals', () => {
  it('have a translated message for every reason main can give', () => {
    const sources = ['src-main/services/ssh-public-key.ts', 'src-main/services/ssh-key-service.ts'].map((path) => readFileSync(path, 'utf8')).join('\n')
    const reasons = new Set([
      ...[...sources.matchAll(/refuse\('([A-Za-z0-9]+)'/g)].map((m) => m[1]!),
      ...[...sources.matchAll(/'sshKeys\.([A-Za-z0-9]+)'/g)].map((m) => m[1]!),
    ])
    expect(reasons.size).toBeGreaterThan(25)
    const messages = buildMessages() as Record<string, Tree>
    for (const locale of ['en', 'tr', 'de']) {
      const table = ((messages[locale]!.errors as Tree).sshKeys as Tree) ?? {}
      for (const reason of reasons) expect(typeof table[reason], `${locale}: errors.sshKeys.${reason}`).toBe('string')
    }
  })
})

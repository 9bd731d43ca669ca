import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import type { Plugin } from 'vite'
import { precompileMessage, precompileMessages, precompileMessageTree } from '../../scripts/vite/precompile-messages.ts'
import type { PrecompiledTree } from '../../scripts/vite/precompile-messages.ts'
import { buildMessages } from '../../src-renderer/src/i18n/all-messages.ts'

type Tree = { [key: string]: string | Tree }
const MESSAGES_DIR = join(import.meta.dirname, '../../src-renderer/src/i18n/messages')

function entriesOf(tree: Tree, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : entriesOf(value, `${prefix}${key}.`)))
}

function countLeaves(tree: PrecompiledTree): { strings: number; compiled: number } {
  let strings = 0
  let compiled = 0
  for (const value of Object.values(tree)) {
    if (typeof value === 'string') strings++
    else if ('b' in value || 'body' in value) compiled++
    else {
      const inner = countLeaves(value as PrecompiledTree)
      strings += inner.strings
      compiled += inner.compiled
    }
  }
  return { strings, compiled }
}

async function loadWith(plugin: Plugin, id: string): Promise<string> {
  const load = plugin.load as (this: unknown, id: string) => Promise<{ code: string } | null>
  const result = await load.call({}, id)
  if (!result) throw new Error(`${id} was not transformed`)
  return result.code
}

describe('messages compiled at build time', () => {
  it('render every message of every language exactly as vue-i18n compiling them at run time does', () => {
    for (const [locale, tree] of Object.entries(buildMessages() as Record<string, Tree>)) {
      const precompiled = precompileMessageTree(tree)
      const leaves = countLeaves(precompiled)
      // Plain text stays a string; messages with syntax ({name}, plurals, literals) arrive compiled.
      expect(leaves.strings, locale).toBeGreaterThan(300)
      expect(leaves.compiled, locale).toBeGreaterThan(50)
      const runtime = createI18n({ legacy: false, locale, messages: { [locale]: tree } }).global
      const built = createI18n({ legacy: false, locale, messages: { [locale]: precompiled as Tree } }).global
      for (const [key, source] of entriesOf(tree)) {
        const named = Object.fromEntries([...source.matchAll(/\{\s*(\w+)\s*\}/g)].map((m) => [m[1]!, `<${m[1]}>`]))
        expect(built.te(key), `${locale}: ${key}`).toBe(true)
        expect(built.t(key, named), `${locale}: ${key}`).toBe(runtime.t(key, named))
        for (const count of [0, 1, 5]) expect(built.t(key, { ...named, count, n: count }, count), `${locale}: ${key} (${count})`).toBe(runtime.t(key, { ...named, count, n: count }, count))
      }
    }
  })

  it('keeps plain text as the string it is and compiles a message with syntax', () => {
    expect(precompileMessage('Sign in to Keystead', 'auth.signInTitle')).toBe('Sign in to Keystead')
    expect(precompileMessage('Read from {file}.', 'sshKeys.importedFrom')).toMatchObject({ b: { i: [{ v: 'Read from ' }, { k: 'file' }, { v: '.' }] } })
    // A literal is syntax too: it compiles, and the text it stands for is not the source.
    expect(typeof precompileMessage("such as {'@'} for a", 'x')).toBe('object')
  })

  it('fails the build on a message that does not compile, naming its key', () => {
    expect(() => precompileMessage('such as @ for a', 'security.strength.suggestions.l33t')).toThrow(/security\.strength\.suggestions\.l33t does not compile/)
    expect(() => precompileMessageTree({ group: { broken: 'a {name' } })).toThrow(/group\.broken does not compile/)
    expect(() => precompileMessageTree({ group: { count: 3 } } as unknown as Tree)).toThrow(/group\.count is not a string/)
  })

  it('replaces each message file of every language by its compiled tree, under the same export name', async () => {
    const plugin = precompileMessages(/[\\/]i18n[\\/]messages[\\/][^\\/]+[\\/][^\\/]+\.ts$/)
    let files = 0
    for (const locale of readdirSync(MESSAGES_DIR)) {
      for (const file of readdirSync(join(MESSAGES_DIR, locale))) {
        const id = join(MESSAGES_DIR, locale, file)
        const code = await loadWith(plugin, id)
        const built = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as Record<string, PrecompiledTree>
        const original = (await import(id)) as Record<string, Tree>
        expect(Object.keys(built), id).toEqual(Object.keys(original))
        for (const [name, tree] of Object.entries(original)) expect(built[name], `${id} ${name}`).toEqual(precompileMessageTree(tree))
        files++
      }
    }
    expect(files).toBe(36)
    expect(await (plugin.load as (id: string) => Promise<unknown>).call({}, join(MESSAGES_DIR, '../index.ts'))).toBeNull()
  })
})
